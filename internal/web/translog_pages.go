package web

import (
	"net/http"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/translog"
)

type logPageData struct {
	Verifier     string // the log's verifier key; "" when this server cannot sign
	Tree         tlog.Tree
	Checkpoint   string   // the signed checkpoint text
	Signatures   []string // its signature lines, the log's first
	Cosignatures []store.LogCosignature
	Witnesses    []store.LogWitness
	Recent       []store.LogEntry
	Origin       string // scheme://host of this portal, for the commands shown
}

// logRecentCount is how many of the newest records the log page lists.
const logRecentCount = 20

// showLog is the page about the log: what it is, its verifier key, the
// latest checkpoint and its co-signatures, the newest records, and how to
// check all of it.
func (s *Server) showLog(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := &logPageData{Origin: origin(r)}
	var err error
	if s.logKey != nil {
		d.Verifier = s.logKey.VerifierKey
		var msg []byte
		if msg, d.Tree, err = s.store.LogCheckpoint(ctx, s.logKey); err != nil {
			s.fail(w, r, nil, err)
			return
		}
		d.Checkpoint, d.Signatures = verifierLines(msg)
		if d.Cosignatures, err = s.store.LogCosignatures(ctx, d.Tree.N); err != nil {
			s.fail(w, r, nil, err)
			return
		}
	} else if d.Tree, err = s.store.LogTree(ctx); err != nil {
		s.fail(w, r, nil, err)
		return
	}
	if d.Witnesses, err = s.store.LogWitnesses(ctx); err != nil {
		s.fail(w, r, nil, err)
		return
	}
	if d.Recent, err = s.store.LogEntries(ctx, max(0, d.Tree.N-logRecentCount), logRecentCount); err != nil {
		s.fail(w, r, nil, err)
		return
	}
	pg := s.newPage(r, nil, "translog.page.title", d)
	pg.Nav = "log"
	s.render(w, r, http.StatusOK, pageLog, pg)
}

type logEntryData struct {
	Entry    *store.LogEntry
	Resp     *translog.RecordResponse
	Verified bool // the proof checks against the tree the portal states
	Origin   string
	Verifier string
}

// showLogEntry is one record of the log with its inclusion proof in the
// current tree, checked here for the reader's convenience and shown with
// the command that checks it independently.
func (s *Server) showLogEntry(w http.ResponseWriter, r *http.Request) {
	index, err := logInt("showLogEntry", "index", r.PathValue("index"))
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	resp, err := s.logRecordResponse(r, index, 0)
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	e, err := s.store.LogEntry(r.Context(), index)
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	_, verr := translog.VerifyRecord(tlog.Tree{N: resp.TreeSize, Hash: resp.TreeHash}, index, resp)
	d := &logEntryData{Entry: e, Resp: resp, Verified: verr == nil, Origin: origin(r)}
	if s.logKey != nil {
		d.Verifier = s.logKey.VerifierKey
	}
	pg := s.newPage(r, nil, "", d)
	pg.Title = pg.P.T("translog.entry.title", "index", index)
	pg.Nav = "log"
	s.render(w, r, http.StatusOK, pageLogEntry, pg)
}

// origin is the scheme and host the visitor used, for copy-paste commands.
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
