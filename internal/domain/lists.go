package domain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file holds the item catalogues (检查事项) of the departments and the
// joint lists (一业一查联合抽查事项清单) composed from them, with their
// versions and the diff between two versions.
//
// Identity: a catalogue item's ID is its stable identity. A joint-list
// version refers to items by that ID and keeps a snapshot of their text
// (name, content, legal basis …) taken when the item was put into the
// version, so that a published version reads the same forever although
// the catalogue moves on, and an item can be followed across versions.

// ItemMethod is how an item is checked (检查方式).
type ItemMethod string

// The inspection methods.
const (
	MethodDocument ItemMethod = "document" // 书面检查
	MethodOnSite   ItemMethod = "onsite"   // 实地核查
	MethodOnline   ItemMethod = "online"   // 网络监测
)

// ItemMethods lists the methods in display order.
var ItemMethods = []ItemMethod{MethodOnSite, MethodDocument, MethodOnline}

// ItemKind says whether an item is an ordinary (一般) or a key (重点) item;
// key items may carry higher ratios in plans.
type ItemKind string

// The item kinds.
const (
	ItemGeneral ItemKind = "general" // 一般检查事项
	ItemKey     ItemKind = "key"     // 重点检查事项
)

// ItemKinds lists the kinds in display order.
var ItemKinds = []ItemKind{ItemGeneral, ItemKey}

// ItemStatus is whether a catalogue item may still be put into lists.
type ItemStatus string

// The item statuses. A retired item stays in the versions that hold it.
const (
	ItemActive  ItemStatus = "active"  // 有效
	ItemRetired ItemStatus = "retired" // 停用
)

// ItemStatuses lists the statuses in display order.
var ItemStatuses = []ItemStatus{ItemActive, ItemRetired}

// DefaultItemResults are the result options an inspector records for one
// item unless the item says otherwise.
var DefaultItemResults = []string{"符合", "不符合", "不涉及"}

// MaxLongTextLen bounds the multi-line texts of lists and items (检查内容,
// 检查依据, 责任分工, notes, reasons), in characters.
const MaxLongTextLen = 2000

// Field names of catalogue items and joint lists, for forms, error
// messages and spreadsheet columns. They are prefixed so that their
// translations ("field.<name>") stay apart from other areas'.
const (
	FieldItemCode       = "item_code"
	FieldItemName       = "item_name"
	FieldItemContent    = "item_content"
	FieldItemBasis      = "item_basis"
	FieldItemMethod     = "item_method"
	FieldItemKind       = "item_kind"
	FieldItemResults    = "item_results"
	FieldItemStatus     = "item_status"
	FieldListIndustry   = "list_industry"
	FieldListLead       = "list_lead"
	FieldListCoDepts    = "list_co_departments"
	FieldListSubject    = "list_subject"
	FieldListFrequency  = "list_frequency"
	FieldListRatios     = "list_ratios"
	FieldListNotes      = "list_notes"
	FieldListReason     = "list_reason"
	FieldListDivision   = "list_division"
	FieldListItems      = "list_items"
	FieldListDepartment = "list_department"
)

// CatalogItem is one inspection item (检查事项) in a department's catalogue.
type CatalogItem struct {
	ID           int64      `json:"id"` // stable across list versions
	DepartmentID int64      `json:"department_id"`
	Code         string     `json:"code"` // unique within the department
	Name         string     `json:"name"`
	Content      string     `json:"content"`     // 检查内容
	LegalBasis   string     `json:"legal_basis"` // 检查依据: law and article
	Method       ItemMethod `json:"method"`
	Kind         ItemKind   `json:"kind"`
	Results      []string   `json:"results"` // options an inspector records
	Status       ItemStatus `json:"status"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// NormalizeCatalogItem trims the texts and fills the defaults.
func NormalizeCatalogItem(it *CatalogItem) {
	it.Code = strings.TrimSpace(it.Code)
	it.Name = strings.TrimSpace(it.Name)
	it.Content = strings.TrimSpace(it.Content)
	it.LegalBasis = strings.TrimSpace(it.LegalBasis)
	if it.Method == "" {
		it.Method = MethodOnSite
	}
	if it.Kind == "" {
		it.Kind = ItemGeneral
	}
	if it.Status == "" {
		it.Status = ItemActive
	}
	var res []string
	for _, r := range it.Results {
		if r = strings.TrimSpace(r); r != "" && !slices.Contains(res, r) {
			res = append(res, r)
		}
	}
	if len(res) == 0 {
		res = slices.Clone(DefaultItemResults)
	}
	it.Results = res
}

// ValidateCatalogItem checks a normalised item. Row is the spreadsheet row
// for imports (0 for forms). The department is checked by the store.
func ValidateCatalogItem(it *CatalogItem, row int) *ValidationError {
	v := &ValidationError{Op: "domain.ValidateCatalogItem"}
	CheckText(v, row, FieldItemCode, it.Code, true)
	CheckText(v, row, FieldItemName, it.Name, true)
	CheckLongText(v, row, FieldItemContent, it.Content, true)
	CheckLongText(v, row, FieldItemBasis, it.LegalBasis, true)
	if !oneOf(it.Method, ItemMethods) {
		v.Add(FieldError{Row: row, Field: FieldItemMethod, Value: string(it.Method), Key: "err.bad_choice"})
	}
	if !oneOf(it.Kind, ItemKinds) {
		v.Add(FieldError{Row: row, Field: FieldItemKind, Value: string(it.Kind), Key: "err.bad_choice"})
	}
	if !oneOf(it.Status, ItemStatuses) {
		v.Add(FieldError{Row: row, Field: FieldItemStatus, Value: string(it.Status), Key: "err.bad_choice"})
	}
	if len(it.Results) < 2 {
		v.Add(FieldError{Row: row, Field: FieldItemResults, Key: "err.lists.results_few"})
	}
	for _, r := range it.Results {
		CheckText(v, row, FieldItemResults, r, false)
	}
	if it.DepartmentID == 0 {
		v.Add(FieldError{Row: row, Field: FieldDepartment, Key: "err.required"})
	}
	return v
}

// CheckLongText is CheckText for multi-line texts: line breaks are allowed
// and the limit is MaxLongTextLen.
func CheckLongText(v *ValidationError, row int, field, value string, required bool) {
	switch {
	case required && strings.TrimSpace(value) == "":
		v.Add(FieldError{Row: row, Field: field, Key: "err.required"})
	case utf8.RuneCountInString(value) > MaxLongTextLen:
		v.Add(FieldError{Row: row, Field: field, Key: "err.too_long", Args: map[string]any{"max": MaxLongTextLen}})
	case !TextOK(value):
		v.Add(FieldError{Row: row, Field: field, Key: "err.bad_text"})
	}
}

// Ratio is a sampling ratio (抽查比例) in basis points: 100 is 1 %, 10000
// is 100 %. Integers keep ratios exact; plans compute quotas from them in
// exact rationals (quota = ceil(base × Ratio / 10000)).
type Ratio int

// RatioScale is the Ratio of 100 %.
const RatioScale = 10000

// String formats r as a percentage, e.g. "2.5%".
func (r Ratio) String() string {
	s := strconv.Itoa(int(r) / 100)
	if frac := int(r) % 100; frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", frac), "0")
	}
	return s + "%"
}

// ParseRatio reads "2.5%", "2.5", "2.5％" (percent) into a Ratio; at most
// two decimals, between 0 and 100 %.
func ParseRatio(s string) (Ratio, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, "%"), "％"))
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || !allDigits(whole) || !allDigits(frac) || len(whole) > 3 {
		return 0, false
	}
	w, _ := strconv.Atoi(whole)
	f := 0
	if frac != "" {
		f, _ = strconv.Atoi((frac + "0")[:2])
	}
	r := Ratio(w*100 + f)
	return r, r <= RatioScale
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Ratios are the default sampling ratios of a joint list per risk class.
type Ratios map[RiskClass]Ratio

// String formats rs as the 抽查比例 column does: "A:1%;B:2%;C:10%;D:30%".
func (rs Ratios) String() string {
	parts := make([]string, 0, len(RiskClasses))
	for _, c := range RiskClasses {
		parts = append(parts, string(c)+":"+rs[c].String())
	}
	return strings.Join(parts, ";")
}

// ParseRatios reads the 抽查比例 column: four "class:percent" pairs
// separated by ; ，, or whitespace, e.g. "A:1% B:2% C:10% D:30%"
// (full-width colons and semicolons accepted). Every class must appear.
func ParseRatios(s string) (Ratios, bool) {
	s = strings.NewReplacer("：", ":", "；", ";", "，", ";", ",", ";", "、", ";").Replace(s)
	rs := Ratios{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ' ' || r == '\t' || r == '\n' }) {
		cls, pct, ok := strings.Cut(f, ":")
		c := RiskClass(strings.ToUpper(strings.TrimSpace(cls)))
		r, rok := ParseRatio(pct)
		if !ok || !rok || !oneOf(c, RiskClasses) {
			return nil, false
		}
		if _, dup := rs[c]; dup {
			return nil, false
		}
		rs[c] = r
	}
	return rs, len(rs) == len(RiskClasses)
}

// ParseFrequency reads the 频次 column: a number of joint inspections per
// year from 1 to 12, written "2", "每年2次", "2次/年" or "一年2次".
func ParseFrequency(s string) (int, bool) {
	s = strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return '0' + (r - '０')
		}
		return r
	}, strings.TrimSpace(s))
	for _, p := range []string{"每年", "一年", "全年"} {
		s = strings.TrimPrefix(s, p)
	}
	for _, p := range []string{"次/年", "次每年", "次"} {
		s = strings.TrimSuffix(s, p)
	}
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 2 || !allDigits(s) {
		return 0, false
	}
	n, _ := strconv.Atoi(s)
	return n, n >= 1 && n <= 12
}

// FrequencyText formats a frequency as the 频次 column does.
func FrequencyText(n int) string { return "每年" + strconv.Itoa(n) + "次" }

// ListStatus is the state of a joint-list version.
type ListStatus string

// A version is drafted, then published; a published version is never
// changed again, only superseded by a newer published one.
const (
	ListDraft     ListStatus = "draft"     // 草稿: lead and co-departments edit, co-departments confirm
	ListPublished ListStatus = "published" // 已发布
)

// JointList is an industry's joint list (一业一查联合抽查事项清单): one per
// industry, owned by its lead department, with its versions.
type JointList struct {
	ID               int64     `json:"id"`
	IndustryCode     string    `json:"industry"`
	IndustryName     string    `json:"industry_name"`
	LeadDepartmentID int64     `json:"lead_department_id"`
	CreatedAt        time.Time `json:"created_at"`
	// Current is the number of the latest published version, 0 if none.
	Current int `json:"current"`
	// DraftVersionID is the ID of the open draft, 0 if none.
	DraftVersionID int64 `json:"draft_version_id,omitempty"`
	// Versions summarises every version, newest first (filled by GetJointList).
	Versions []VersionSummary `json:"versions,omitempty"`
}

// VersionSummary is a version's header without its departments and items.
type VersionSummary struct {
	ID          int64      `json:"id"`
	Number      int        `json:"number"`
	Status      ListStatus `json:"status"`
	Reason      string     `json:"reason"`
	CreatedAt   time.Time  `json:"created_at"`
	PublishedAt time.Time  `json:"published_at,omitzero"`
}

// JointListVersion is one version of a joint list, complete: the header,
// and per department (lead first) its division of labour and items.
// This is what plans and visits build on: take Parts for the departments
// and their items, Ratios and Frequency for the defaults of a task.
type JointListVersion struct {
	ID               int64      `json:"id"`
	ListID           int64      `json:"list_id"`
	IndustryCode     string     `json:"industry"`
	IndustryName     string     `json:"industry_name"`
	LeadDepartmentID int64      `json:"lead_department_id"`
	Number           int        `json:"number"` // 1, 2, …; a draft has the number it will be published under
	Status           ListStatus `json:"status"`
	Reason           string     `json:"reason"`      // why this version (调整原因); required from version 2
	Subject          string     `json:"subject"`     // 检查主体行业类型, e.g. "餐饮服务经营者"
	Frequency        int        `json:"frequency"`   // joint inspections per year (频次)
	Ratios           Ratios     `json:"ratios"`      // default 抽查比例 per risk class, basis points
	Notes            string     `json:"notes"`       // 备注
	Parts            []ListPart `json:"departments"` // lead first, then co-departments in list order
	CreatedAt        time.Time  `json:"created_at"`  // when the draft was opened
	CreatedBy        string     `json:"created_by"`  // who opened it
	PublishedAt      time.Time  `json:"published_at,omitzero"`
	PublishedBy      string     `json:"published_by,omitempty"`
}

// ListPart is one department's part of a version: its division of labour
// (部门任务分工) and the items it checks; co-departments confirm their part
// (the 线下磋商 recorded online) before the office may publish.
type ListPart struct {
	DepartmentID int64      `json:"department_id"`
	Lead         bool       `json:"lead"`
	Division     string     `json:"division"` // 责任分工
	Items        []ListItem `json:"items"`
	ConfirmedAt  time.Time  `json:"confirmed_at,omitzero"` // zero until confirmed; the lead's part needs none
	ConfirmedBy  string     `json:"confirmed_by,omitempty"`
}

// Confirmed reports whether the part needs no more sign-off.
func (p *ListPart) Confirmed() bool { return p.Lead || !p.ConfirmedAt.IsZero() }

// ListItem is a catalogue item as it stands in one version: ItemID is the
// catalogue item's stable ID, the rest a snapshot of its text.
type ListItem struct {
	ItemID       int64      `json:"item_id"`
	DepartmentID int64      `json:"department_id"`
	Code         string     `json:"code"`
	Name         string     `json:"name"`
	Content      string     `json:"content"`
	LegalBasis   string     `json:"legal_basis"`
	Method       ItemMethod `json:"method"`
	Kind         ItemKind   `json:"kind"`
	Results      []string   `json:"results"`
}

// ListItemOf snapshots a catalogue item.
func ListItemOf(it *CatalogItem) ListItem {
	return ListItem{ItemID: it.ID, DepartmentID: it.DepartmentID, Code: it.Code, Name: it.Name, Content: it.Content,
		LegalBasis: it.LegalBasis, Method: it.Method, Kind: it.Kind, Results: slices.Clone(it.Results)}
}

// Part returns the part of department dept, nil if it takes no part.
func (v *JointListVersion) Part(dept int64) *ListPart {
	for i := range v.Parts {
		if v.Parts[i].DepartmentID == dept {
			return &v.Parts[i]
		}
	}
	return nil
}

// Items returns every item of the version, department by department.
func (v *JointListVersion) Items() []ListItem {
	var out []ListItem
	for _, p := range v.Parts {
		out = append(out, p.Items...)
	}
	return out
}

// CoDepartments returns the IDs of the co-departments in list order.
func (v *JointListVersion) CoDepartments() []int64 {
	var out []int64
	for _, p := range v.Parts {
		if !p.Lead {
			out = append(out, p.DepartmentID)
		}
	}
	return out
}

// Summary returns the version's header.
func (v *JointListVersion) Summary() VersionSummary {
	return VersionSummary{ID: v.ID, Number: v.Number, Status: v.Status, Reason: v.Reason, CreatedAt: v.CreatedAt, PublishedAt: v.PublishedAt}
}

// ListHeader is what the lead department edits of a draft besides the parts.
type ListHeader struct {
	Reason    string `json:"reason"`
	Subject   string `json:"subject"`
	Frequency int    `json:"frequency"`
	Ratios    Ratios `json:"ratios"`
	Notes     string `json:"notes"`
}

// NormalizeHeader trims the texts of h.
func NormalizeHeader(h *ListHeader) {
	h.Reason = strings.TrimSpace(h.Reason)
	h.Subject = strings.TrimSpace(h.Subject)
	h.Notes = strings.TrimSpace(h.Notes)
}

// ValidateHeader checks a normalised header of version number n: a reason
// is required from version 2 on ("动态调整" must say why).
func ValidateHeader(h *ListHeader, n, row int) *ValidationError {
	v := &ValidationError{Op: "domain.ValidateHeader"}
	CheckLongText(v, row, FieldListReason, h.Reason, n > 1)
	CheckText(v, row, FieldListSubject, h.Subject, true)
	CheckLongText(v, row, FieldListNotes, h.Notes, false)
	if h.Frequency < 1 || h.Frequency > 12 {
		v.Add(FieldError{Row: row, Field: FieldListFrequency, Value: strconv.Itoa(h.Frequency), Key: "err.lists.frequency"})
	}
	for _, c := range RiskClasses {
		if r, ok := h.Ratios[c]; !ok || r < 0 || r > RatioScale {
			v.Add(FieldError{Row: row, Field: FieldListRatios, Value: h.Ratios.String(), Key: "err.lists.ratios"})
			break
		}
	}
	if len(h.Ratios) != len(RiskClasses) && len(v.Errors) == 0 {
		v.Add(FieldError{Row: row, Field: FieldListRatios, Value: h.Ratios.String(), Key: "err.lists.ratios"})
	}
	return v
}

// CheckPublishable reports what keeps a draft from being published: a
// version without items, a department without items, an unconfirmed
// co-department part. It returns nil when the draft may be published.
func CheckPublishable(v *JointListVersion) *ValidationError {
	ve := &ValidationError{Op: "domain.CheckPublishable"}
	h := ListHeader{Reason: v.Reason, Subject: v.Subject, Frequency: v.Frequency, Ratios: v.Ratios, Notes: v.Notes}
	ve.Errors = append(ve.Errors, ValidateHeader(&h, v.Number, 0).Errors...)
	if len(v.Parts) < 2 {
		ve.Add(FieldError{Field: FieldListCoDepts, Key: "err.lists.no_co_departments"})
	}
	for _, p := range v.Parts {
		if len(p.Items) == 0 {
			ve.Add(FieldError{Field: FieldListItems, Key: "err.lists.part_empty", Args: map[string]any{"department": p.DepartmentID}})
		}
		if !p.Confirmed() {
			ve.Add(FieldError{Field: FieldListDepartment, Key: "err.lists.unconfirmed", Args: map[string]any{"department": p.DepartmentID}})
		}
	}
	if len(ve.Errors) == 0 {
		return nil
	}
	return ve
}

// VersionDiff is what changed from version From to version To of a list:
// departments that joined or left, and items added, removed or changed
// (matched by their stable item ID).
type VersionDiff struct {
	From               int           `json:"from"`
	To                 int           `json:"to"`
	AddedDepartments   []int64       `json:"added_departments"`
	RemovedDepartments []int64       `json:"removed_departments"`
	Added              []ListItem    `json:"added"`
	Removed            []ListItem    `json:"removed"`
	Changed            []ItemChange  `json:"changed"`
	Header             []FieldChange `json:"header"` // subject, frequency, ratios, notes, division texts
}

// ItemChange is one item present in both versions with different text.
type ItemChange struct {
	Before ListItem `json:"before"`
	After  ListItem `json:"after"`
	Fields []string `json:"fields"` // item_name, item_content, …
}

// FieldChange is one header field or division text that differs.
type FieldChange struct {
	Field        string `json:"field"`
	DepartmentID int64  `json:"department_id,omitempty"` // for division texts
	Before       string `json:"before"`
	After        string `json:"after"`
}

// Empty reports whether the two versions are the same.
func (d *VersionDiff) Empty() bool {
	return len(d.AddedDepartments)+len(d.RemovedDepartments)+len(d.Added)+len(d.Removed)+len(d.Changed)+len(d.Header) == 0
}

// DiffVersions compares two versions of a list (in either order).
func DiffVersions(from, to *JointListVersion) VersionDiff {
	d := VersionDiff{From: from.Number, To: to.Number, AddedDepartments: []int64{}, RemovedDepartments: []int64{},
		Added: []ListItem{}, Removed: []ListItem{}, Changed: []ItemChange{}, Header: []FieldChange{}}
	for _, p := range to.Parts {
		if from.Part(p.DepartmentID) == nil {
			d.AddedDepartments = append(d.AddedDepartments, p.DepartmentID)
		}
	}
	for _, p := range from.Parts {
		if to.Part(p.DepartmentID) == nil {
			d.RemovedDepartments = append(d.RemovedDepartments, p.DepartmentID)
		}
	}
	old := map[int64]ListItem{}
	for _, it := range from.Items() {
		old[it.ItemID] = it
	}
	seen := map[int64]bool{}
	for _, it := range to.Items() {
		seen[it.ItemID] = true
		before, ok := old[it.ItemID]
		if !ok {
			d.Added = append(d.Added, it)
			continue
		}
		if f := itemFieldsChanged(&before, &it); len(f) > 0 {
			d.Changed = append(d.Changed, ItemChange{Before: before, After: it, Fields: f})
		}
	}
	for _, it := range from.Items() {
		if !seen[it.ItemID] {
			d.Removed = append(d.Removed, it)
		}
	}
	head := func(field, a, b string) {
		if a != b {
			d.Header = append(d.Header, FieldChange{Field: field, Before: a, After: b})
		}
	}
	head(FieldListSubject, from.Subject, to.Subject)
	head(FieldListFrequency, FrequencyText(from.Frequency), FrequencyText(to.Frequency))
	head(FieldListRatios, from.Ratios.String(), to.Ratios.String())
	head(FieldListNotes, from.Notes, to.Notes)
	for _, p := range to.Parts {
		if q := from.Part(p.DepartmentID); q != nil && q.Division != p.Division {
			d.Header = append(d.Header, FieldChange{Field: FieldListDivision, DepartmentID: p.DepartmentID, Before: q.Division, After: p.Division})
		}
	}
	return d
}

func itemFieldsChanged(a, b *ListItem) []string {
	var f []string
	if a.Code != b.Code {
		f = append(f, FieldItemCode)
	}
	if a.Name != b.Name {
		f = append(f, FieldItemName)
	}
	if a.Content != b.Content {
		f = append(f, FieldItemContent)
	}
	if a.LegalBasis != b.LegalBasis {
		f = append(f, FieldItemBasis)
	}
	if a.Method != b.Method {
		f = append(f, FieldItemMethod)
	}
	if a.Kind != b.Kind {
		f = append(f, FieldItemKind)
	}
	if !slices.Equal(a.Results, b.Results) {
		f = append(f, FieldItemResults)
	}
	return f
}

// CatalogFilter selects catalogue items.
type CatalogFilter struct {
	DepartmentID int64
	Query        string     // part of the code, name or content
	Status       ItemStatus // "" for all
}

// JointListFilter selects joint lists for the staff list and the portal.
type JointListFilter struct {
	Industry     string // industry code
	DepartmentID int64  // lists the department leads or joins (in its latest version)
	Query        string // part of the industry name or an item's name
	Published    bool   // only lists with a published version (the portal)
}

// JointListRow is one row of a joint-list file (联合抽查事项清单): one item
// of one department in the list of one industry. List-wide columns
// (ratios, frequency, subject, notes) and the division of labour of a
// department may be given on any of the industry's or department's rows;
// the first non-empty value counts.
type JointListRow struct {
	Row        int
	Industry   string // industry code
	Lead       int64  // 牵头部门
	Department int64  // 联查部门: the department that checks this item (the lead for its own items)
	ItemCode   string // 事项编码, optional: matched within the department's catalogue
	ItemName   string // 抽查事项
	Content    string // 检查内容
	LegalBasis string // 检查依据
	Method     ItemMethod
	Kind       ItemKind
	Division   string // 责任分工
	Ratios     Ratios // nil when blank
	Frequency  int    // 0 when blank
	Subject    string // 检查主体行业类型
	Notes      string // 备注
}

// CatalogRow is one row of an item-catalogue file (检查事项清单): an item of
// a department's catalogue. An empty code means "match by name, or add".
type CatalogRow struct {
	Row  int
	Item CatalogItem
}

// ListImportOptions control an import of joint lists.
type ListImportOptions struct {
	// Reason is the reason of the new versions opened for lists that are
	// published already (required then).
	Reason string
	DryRun bool
}

// ListImportReport says what an import of joint lists did, per industry.
type ListImportReport struct {
	Lists        []ListImportChange `json:"lists"`
	ItemsCreated int                `json:"items_created"` // catalogue items added
	DryRun       bool               `json:"dry_run"`
}

// ListImportChange is what the import did to one industry's list.
type ListImportChange struct {
	Industry  string `json:"industry"`
	VersionID int64  `json:"version_id"`
	Number    int    `json:"number"`
	Op        string `json:"op"` // "create" (new list), "version" (new draft of a published list), "replace" (open draft rewritten)
	Items     int    `json:"items"`
}
