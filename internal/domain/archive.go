package domain

import (
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"
)

// The archive (立卷归档, issue 6): a closed visit is kept as one file, its
// whole record as JSON, a printable page of it and the evidence itself,
// each file verified against its SHA-256 on the way out. A visit closed
// with no problem found (CatNoProblem) is marked archived at closure; any
// other closed visit is marked by its lead department.
//
// Whoever may read the visit may download its archive: the office, the
// discipline office, the departments with a part in it and the inspectors
// on its team; never the public, never another department.

// ActArchiveVisit is marking a closed visit archived by hand (lead
// department staff).
const ActArchiveVisit Action = "visit.archive"

// ArchiveFormat names the JSON record's layout; it changes when a field's
// meaning does.
const ArchiveFormat = "yiyeyicha.visit-archive/1"

// ArchiveMark says that and when a visit was archived, and by whom;
// Automatic when the closure itself archived it (no problem found).
type ArchiveMark struct {
	ArchivedAt time.Time `json:"archived_at"`
	ArchivedBy string    `json:"archived_by"`
	Automatic  bool      `json:"automatic"`
}

// ArchivesAtClosure reports whether a closure with category archives the
// visit at once.
func ArchivesAtClosure(c ResultCategory) bool { return c == CatNoProblem }

// ArchiveBusiness is the business inspected, as the archive records it.
type ArchiveBusiness struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Industry  string `json:"industry"`
	Township  string `json:"township"`
	Address   string `json:"address"`
	LegalRep  string `json:"legal_rep"`
	RiskClass string `json:"risk_class"`
}

// ArchiveTask is a task the visit served (a batch of it), as the archive
// records it.
type ArchiveTask struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	Year           int    `json:"year"`
	PlanTitle      string `json:"plan_title"`
	Implementer    string `json:"implementer"`
	LeadDepartment string `json:"lead_department"`
	BatchID        int64  `json:"batch_id"`
	Merged         bool   `json:"merged"`
}

// ArchiveFile is an attachment as the archive holds it: its record and the
// path of its bytes inside the archive.
type ArchiveFile struct {
	Attachment
	Department string `json:"department"` // the name of the department that attached it
	Path       string `json:"path"`
}

// ArchiveRecord is the whole of a closed visit as its archive keeps it:
// the business, the tasks, every part with its results and findings, the
// sign-offs and publication dates, the joint record, the archive mark and
// the attachments (Files, with their SHA-256 and path in the archive).
type ArchiveRecord struct {
	Format      string          `json:"format"`
	GeneratedAt time.Time       `json:"generated_at"`
	GeneratedBy string          `json:"generated_by"`
	Business    ArchiveBusiness `json:"business"`
	Tasks       []ArchiveTask   `json:"tasks"`
	Inspection  *Inspection     `json:"inspection"`
	Files       []ArchiveFile   `json:"files"`
}

// ArchivePath is where the n-th attachment of a visit (from 1), attached
// by department dept under name, lies in the archive file: a name a clerk
// can read ("attachments/01-市场监管局-后厨.png"), unique by its number,
// with the characters file systems refuse replaced.
func ArchivePath(n int, dept, name string) string {
	clean := func(s string, max int) string {
		s = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) || strings.ContainsRune(`/\:*?"<>|`, r) {
				return '_'
			}
			return r
		}, strings.TrimSpace(s))
		if r := []rune(s); len(r) > max {
			s = string(r[:max])
		}
		return strings.Trim(s, ". ")
	}
	ext := clean(path.Ext(name), 10)
	base := clean(strings.TrimSuffix(name, path.Ext(name)), 60)
	parts := []string{fmt.Sprintf("%02d", n)}
	for _, p := range []string{clean(dept, 30), base} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if ext != "" {
		ext = "." + strings.TrimPrefix(ext, ".")
	}
	return "attachments/" + strings.Join(parts, "-") + ext
}
