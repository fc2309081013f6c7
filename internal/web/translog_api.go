package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/translog"
)

// logText answers a log endpoint with plain text: the body, or the
// translated error with its status. Verifiers are programs; the text is
// for the person running them.
func (s *Server) logText(w http.ResponseWriter, r *http.Request, body []byte, err error) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err != nil {
		status := domain.ErrorKind(err).HTTPStatus()
		msg := printer(r).Err(err)
		if status == http.StatusInternalServerError {
			s.log.Error("log request failed", "path", r.URL.Path, "err", err)
			msg = printer(r).T("err.internal")
		}
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		fmt.Fprintln(w, msg)
		return
	}
	_, _ = w.Write(body)
}

func (s *Server) logJSON(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		s.logText(w, r, nil, err)
		return
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		s.logText(w, r, nil, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(append(b, '\n'))
}

// errNoLogKey: this server was started without the log's signing key
// (PostgreSQL without --log-key), so it cannot sign checkpoints.
func errNoLogKey(op string) error {
	return domain.E("web."+op, domain.KindConflict, "translog.err.no_key")
}

func logInt(op, name, v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, domain.E("web."+op, domain.KindInvalid, "translog.err.bad_number", "name", name).WithField(name)
	}
	return n, nil
}

// serveLogCheckpoint is the latest signed checkpoint with its
// co-signatures (note format, text/plain).
func (s *Server) serveLogCheckpoint(w http.ResponseWriter, r *http.Request) {
	if s.logKey == nil {
		s.logText(w, r, nil, errNoLogKey("serveLogCheckpoint"))
		return
	}
	msg, _, err := s.store.LogCheckpoint(r.Context(), s.logKey)
	w.Header().Set("Cache-Control", "no-cache")
	s.logText(w, r, msg, err)
}

// serveLogCheckpointAt is an earlier checkpoint, by size.
func (s *Server) serveLogCheckpointAt(w http.ResponseWriter, r *http.Request) {
	n, err := logInt("serveLogCheckpointAt", "size", r.PathValue("size"))
	if err != nil {
		s.logText(w, r, nil, err)
		return
	}
	msg, err := s.store.LogCheckpointAt(r.Context(), n)
	s.logText(w, r, msg, err)
}

// logRecordResponse is record index with its inclusion proof in the tree
// of size treeSize (the current size when 0).
func (s *Server) logRecordResponse(r *http.Request, index, treeSize int64) (*translog.RecordResponse, error) {
	ctx := r.Context()
	var tree tlog.Tree
	var err error
	if treeSize == 0 {
		tree, err = s.store.LogTree(ctx)
	} else {
		tree, err = s.store.LogTreeAt(ctx, treeSize)
	}
	if err != nil {
		return nil, err
	}
	e, err := s.store.LogEntry(ctx, index)
	if err != nil {
		return nil, err
	}
	proof, err := s.store.LogProveRecord(ctx, tree.N, index)
	if err != nil {
		return nil, err
	}
	return &translog.RecordResponse{
		Index: e.Index, Type: e.Type, Version: e.Version, Key: e.Key,
		Leaf: string(e.Leaf), LeafHash: tlog.RecordHash(e.Leaf), At: e.At.UTC().Format("2006-01-02T15:04:05Z"),
		TreeSize: tree.N, TreeHash: tree.Hash, Proof: proof,
	}, nil
}

// serveLogRecord is GET /log/record/{index}?tree=N: the record and its
// inclusion proof (JSON, translog.RecordResponse).
func (s *Server) serveLogRecord(w http.ResponseWriter, r *http.Request) {
	const op = "serveLogRecord"
	index, err := logInt(op, "index", r.PathValue("index"))
	if err != nil {
		s.logText(w, r, nil, err)
		return
	}
	var size int64
	if v := r.URL.Query().Get("tree"); v != "" {
		if size, err = logInt(op, "tree", v); err != nil {
			s.logText(w, r, nil, err)
			return
		}
	}
	resp, err := s.logRecordResponse(r, index, size)
	s.logJSON(w, r, resp, err)
}

// serveLogProof is GET /log/proof?old=M&new=N: the consistency proof
// (JSON, translog.ProofResponse).
func (s *Server) serveLogProof(w http.ResponseWriter, r *http.Request) {
	const op = "serveLogProof"
	q := r.URL.Query()
	old, err := logInt(op, "old", q.Get("old"))
	if err != nil {
		s.logText(w, r, nil, err)
		return
	}
	nw, err := logInt(op, "new", q.Get("new"))
	if err != nil {
		s.logText(w, r, nil, err)
		return
	}
	ctx := r.Context()
	p, err := s.store.LogProveTree(ctx, nw, old)
	if err != nil {
		s.logText(w, r, nil, err)
		return
	}
	ot, err := s.store.LogTreeAt(ctx, old)
	if err != nil {
		s.logText(w, r, nil, err)
		return
	}
	nt, err := s.store.LogTreeAt(ctx, nw)
	s.logJSON(w, r, &translog.ProofResponse{Old: old, OldHash: ot.Hash, New: nw, NewHash: nt.Hash, Proof: p}, err)
}

// serveLogTile serves the tlog hash tiles (tile/H/L/NNN[.p/W]) of the
// stored hashes, for verifiers that work from tiles as Go's sumdb clients
// do. Full tiles never change and are cached for ever.
func (s *Server) serveLogTile(w http.ResponseWriter, r *http.Request) {
	const op = "serveLogTile"
	t, err := tlog.ParseTilePath("tile/" + r.PathValue("path"))
	if err != nil || t.L < 0 || t.H != logTileHeight {
		s.logText(w, r, nil, domain.E("web."+op, domain.KindNotFound, "err.not_found"))
		return
	}
	size, err := s.store.LogSize(r.Context())
	if err != nil {
		s.logText(w, r, nil, err)
		return
	}
	// The tile's last hash at level L covers records up to this index.
	last := (t.N*int64(1<<t.H) + int64(t.W)) << (t.H * t.L)
	if last > size {
		s.logText(w, r, nil, domain.E("web."+op, domain.KindNotFound, "err.not_found"))
		return
	}
	data, err := tlog.ReadTileData(t, logHashes{s, r})
	if err != nil {
		s.logText(w, r, nil, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	if t.W == 1<<t.H {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	_, _ = w.Write(data)
}

// logTileHeight is the tile height the portal serves (Go's sumdb uses 8).
const logTileHeight = 8

type logHashes struct {
	s *Server
	r *http.Request
}

func (h logHashes) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	return h.s.store.ReadLogHashes(h.r.Context(), idx)
}

// receiveLogCosignature takes a witness's signature line for the
// checkpoint of the given size (form fields size and signature). No login:
// the store accepts only a valid signature by a registered witness.
func (s *Server) receiveLogCosignature(w http.ResponseWriter, r *http.Request) {
	const op = "receiveLogCosignature"
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		s.logText(w, r, nil, domain.E("web."+op, domain.KindInvalid, "translog.err.bad_cosign_form"))
		return
	}
	n, err := logInt(op, "size", r.PostForm.Get("size"))
	if err != nil {
		s.logText(w, r, nil, err)
		return
	}
	c, err := s.store.AddLogCosignature(r.Context(), n, r.PostForm.Get("signature"))
	if err != nil {
		s.logText(w, r, nil, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, printer(r).T("translog.cosign.accepted", "name", c.Witness, "size", c.Size)+"\n")
}

// verifierLines splits a checkpoint into its text and signature lines, for
// the log page.
func verifierLines(msg []byte) (text string, sigs []string) {
	t, rest, _ := strings.Cut(string(msg), "\n\n")
	for _, l := range strings.Split(strings.TrimSpace(rest), "\n") {
		if l != "" {
			sigs = append(sigs, l)
		}
	}
	return t, sigs
}
