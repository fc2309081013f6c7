package api

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/importx"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

// The media types of the two file formats.
const (
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	csvType  = "text/csv"
)

var formats = []string{"xlsx", "csv"}

// importSource reads the options of an import request and returns the
// file to read with a name the importer can tell the format by: from
// format=, else the extension of filename=, else the name of the uploaded
// part, else the Content-Type. The body is the file itself, or a
// multipart/form-data form whose first file part is taken, since that is
// what `curl -F file=@x.xlsx` and HTML forms send.
func importSource(w http.ResponseWriter, r *http.Request) (file io.Reader, name string, opt domain.ImportOptions, err error) {
	q := newQuery(r)
	format := choice(q, "format", formats)
	filename := q.str("filename")
	if dry := q.bool("dry_run"); dry != nil {
		opt.DryRun = *dry
	}
	if acc := q.bool("accept_bad_codes"); acc != nil {
		opt.AcceptBadCodes = *acc
	}
	if q.err != nil {
		return nil, "", opt, q.err
	}
	if r.ContentLength == 0 {
		return nil, "", opt, domain.E("api.import", domain.KindInvalid, "err.api.empty_file")
	}
	file = http.MaxBytesReader(w, r.Body, MaxImportBytes)
	ctype := r.Header.Get("Content-Type")
	if mt, params, _ := mime.ParseMediaType(ctype); mt == "multipart/form-data" {
		part, err := filePart(multipart.NewReader(file, params["boundary"]))
		if err != nil {
			return nil, "", opt, err
		}
		file, ctype = part, part.Header.Get("Content-Type")
		if filename == "" {
			filename = part.FileName()
		}
	}
	switch mt, _, _ := mime.ParseMediaType(ctype); {
	case format != "":
		name = "upload." + format
	case filename != "":
		name = path.Base(strings.ReplaceAll(filename, `\`, "/"))
	case mt == xlsxType:
		name = "upload.xlsx"
	case mt == csvType || mt == "application/csv":
		name = "upload.csv"
	default:
		return nil, "", opt, invalidParam("format", "err.api.import_format")
	}
	return file, name, opt, nil
}

// filePart returns the first part of a form that is a file.
func filePart(mr *multipart.Reader) (*multipart.Part, error) {
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil, domain.E("api.import", domain.KindInvalid, "err.api.no_file_part")
		}
		if err != nil {
			return nil, importError(malformed("err.api.bad_multipart"), err)
		}
		if p.FileName() != "" {
			return p, nil
		}
	}
}

func (s *server) importEntities(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	// The store checks the right again; asking first spares an
	// unauthorised caller the parse of a 20 MiB file and a list of row
	// errors they could do nothing with.
	if err := domain.Require("api.importEntities", a, domain.ActEditEntity, 0); err != nil {
		return err
	}
	file, name, opt, err := importSource(w, r)
	if err != nil {
		return err
	}
	ref, err := s.reference(r.Context())
	if err != nil {
		return err
	}
	rows, err := importx.ReadEntities(file, name, ref, importx.Options{AcceptBadCodes: opt.AcceptBadCodes, MaxBytes: MaxImportBytes})
	if err != nil {
		return importError(err, err)
	}
	rep, err := s.store.ImportEntities(r.Context(), a, rows, opt)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, fixReport(rep))
	return nil
}

func (s *server) importInspectors(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	if err := domain.Require("api.importInspectors", a, domain.ActEditInspector, a.DepartmentID); err != nil {
		return err
	}
	file, name, opt, err := importSource(w, r)
	if err != nil {
		return err
	}
	ref, err := s.reference(r.Context())
	if err != nil {
		return err
	}
	rows, err := importx.ReadInspectors(file, name, ref, importx.Options{AcceptBadCodes: opt.AcceptBadCodes, MaxBytes: MaxImportBytes})
	if err != nil {
		return importError(err, err)
	}
	rep, err := s.store.ImportInspectors(r.Context(), a, rows, opt)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, fixReport(rep))
	return nil
}

// importError returns err, except that a file cut off by the size limit
// (cause has a MaxBytesError) is a 413 whatever the reader made of the
// short read.
func importError(err, cause error) error {
	var mbe *http.MaxBytesError
	if errors.As(cause, &mbe) {
		return tooLarge(mbe.Limit)
	}
	return err
}

func fixReport(rep *domain.ImportReport) *domain.ImportReport {
	if rep == nil {
		rep = &domain.ImportReport{}
	}
	rep.Changes = nonNil(rep.Changes)
	return rep
}

func exportFormat(q *query) string {
	if f := choice(q, "format", formats); f != "" {
		return f
	}
	return "xlsx"
}

func (s *server) exportEntities(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	q := newQuery(r)
	format, f := exportFormat(q), q.entityFilter()
	if q.err != nil {
		return q.err
	}
	if err := store.CheckEntityFilter(f); err != nil {
		return err
	}
	ref, err := s.reference(r.Context())
	if err != nil {
		return err
	}
	out := s.download(w, r, "entities", format)
	err = importx.WriteEntities(out, format, ref, func(fn func(*domain.Entity) error) error {
		return s.store.EachEntity(r.Context(), a, f, fn)
	})
	return out.finish(err)
}

func (s *server) exportInspectors(w http.ResponseWriter, r *http.Request, a domain.Actor) error {
	q := newQuery(r)
	format, f := exportFormat(q), q.inspectorFilter()
	if q.err != nil {
		return q.err
	}
	if err := store.CheckInspectorFilter(f); err != nil {
		return err
	}
	ref, err := s.reference(r.Context())
	if err != nil {
		return err
	}
	out := s.download(w, r, "inspectors", format)
	err = importx.WriteInspectors(out, format, ref, func(fn func(*domain.Inspector) error) error {
		return s.store.EachInspector(r.Context(), a, f, fn)
	})
	return out.finish(err)
}

// download is a response writer for an export that sends the headers of a
// file download only with the first byte. An error before that (no right,
// bad filter) still becomes a JSON error with its status; an error after it
// can only cut the connection, so that the client sees a broken download
// instead of a complete-looking truncated file.
type download struct {
	s       *server
	w       http.ResponseWriter
	r       *http.Request
	name    string
	ctype   string
	started bool
}

func (s *server) download(w http.ResponseWriter, r *http.Request, what, format string) *download {
	ct := xlsxType
	if format == "csv" {
		ct = csvType + "; charset=utf-8"
	}
	name := what + "-" + time.Now().Format("20060102") + "." + format
	return &download{s: s, w: w, r: r, name: name, ctype: ct}
}

func (d *download) start() {
	if d.started {
		return
	}
	d.started = true
	h := d.w.Header()
	h.Set("Content-Type", d.ctype)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.name}))
	d.w.WriteHeader(http.StatusOK)
}

func (d *download) Write(p []byte) (int, error) {
	d.start()
	return d.w.Write(p)
}

func (d *download) finish(err error) error {
	if err == nil {
		d.start() // an empty file is still a file
		return nil
	}
	if !d.started {
		return err
	}
	d.s.log.Error("api: export failed after the response started", "path", d.r.URL.Path, "err", err)
	panic(http.ErrAbortHandler)
}

var _ io.Writer = (*download)(nil)
