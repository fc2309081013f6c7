package web

import (
	"bytes"
	"net/http"
	"net/url"
)

// exportWriter holds back the start of a download until it is big enough
// to be sure the export got going: an error before that (a refusal by the
// store, a bad filter) can still become a proper error page instead of a
// truncated file served as 200.
type exportWriter struct {
	w         http.ResponseWriter
	buf       bytes.Buffer
	committed bool
	header    func()
}

const exportHoldBack = 64 << 10

func (e *exportWriter) Write(b []byte) (int, error) {
	if e.committed {
		return e.w.Write(b)
	}
	e.buf.Write(b)
	if e.buf.Len() >= exportHoldBack {
		if err := e.commit(); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}

func (e *exportWriter) commit() error {
	if e.committed {
		return nil
	}
	e.committed = true
	e.header()
	e.w.WriteHeader(http.StatusOK)
	_, err := e.buf.WriteTo(e.w)
	return err
}

// exportFormat reads ?format=, xlsx unless csv is asked for.
func exportFormat(r *http.Request) (format, ctype string) {
	if r.URL.Query().Get("format") == "csv" {
		return "csv", "text/csv; charset=utf-8"
	}
	return "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}

// attachment sets the download headers; the file name is ASCII plus an
// RFC 5987 UTF-8 name for browsers that show it.
func attachment(w http.ResponseWriter, ctype, name, utf8Name string) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"; filename*=UTF-8''`+url.PathEscape(utf8Name))
	w.Header().Set("Cache-Control", "no-store")
}
