package web

import (
	"context"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// The pages of the transparency log (公示记录透明日志).
const (
	pageLog      = "log"
	pageLogEntry = "log_entry"
)

func init() { requiredPages = append(requiredPages, pageLog, pageLogEntry) }

// translogPortalRoutes are the log's public endpoints (docs/transparency-log.md).
// They need no login: anyone may check the log.
func (s *Server) translogPortalRoutes(mux *router) {
	mux.HandleFunc("GET /log", s.showLog)
	mux.HandleFunc("GET /log/entry/{index}", s.showLogEntry)
	mux.HandleFunc("GET /log/checkpoint", s.serveLogCheckpoint)
	mux.HandleFunc("GET /log/checkpoint/{size}", s.serveLogCheckpointAt)
	mux.HandleFunc("GET /log/record/{index}", s.serveLogRecord)
	mux.HandleFunc("GET /log/proof", s.serveLogProof)
	mux.HandleFunc("GET /log/tile/{path...}", s.serveLogTile)
	mux.HandleFunc("POST /log/cosign", s.receiveLogCosignature)
}

// LogRef is what a public record page shows of the record's log entry: its
// index, linked to the entry page with its proof. Put a LogRef field in the
// page's Data (filled by Server.LookupLogRef) and write {{template "logref" .}}.
type LogRef struct {
	Index int64
}

// LookupLogRef looks up the log entry of the published object (typ, key); nil
// when it was not logged (then the partial shows nothing).
func (s *Server) LookupLogRef(ctx context.Context, typ, key string) *LogRef {
	idx, err := s.store.LogIndexOf(ctx, typ, key)
	if err != nil {
		if domain.ErrorKind(err) != domain.KindNotFound {
			s.log.Error("log index", "type", typ, "key", key, "err", err)
		}
		return nil
	}
	return &LogRef{Index: idx}
}
