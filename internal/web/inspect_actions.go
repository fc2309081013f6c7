package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/attach"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// attachLimits are what an evidence upload may be.
var attachLimits = attach.DefaultLimits

// visitBack redirects to the visit page with a notice, at the part.
func visitBack(w http.ResponseWriter, r *http.Request, visit int64, done, anchor string) {
	u := "/staff/visits/" + idString(visit) + "?done=" + done
	if anchor != "" {
		u += "#" + anchor
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
}

// formVisit reads the visit a part form belongs to (for the way back).
func formVisit(r *http.Request) int64 {
	v, _ := strconv.ParseInt(r.PostFormValue("visit"), 10, 64)
	return v
}

// saveResults enters the results of a part's items: for each listed item
// (hidden "item" fields, in checklist order) a chosen option with its note
// and, for a finding, the rule broken; plus at most one reasoned addition
// outside the list. Items left without a choice are not touched.
func (s *Server) saveResults(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	f := r.PostForm
	var in []domain.ResultInput
	for _, k := range f["item"] {
		item, err := strconv.ParseInt(k, 10, 64)
		if err != nil || f.Get("result_"+k) == "" {
			continue
		}
		in = append(in, domain.ResultInput{ItemID: item, Result: f.Get("result_" + k), Note: f.Get("note_" + k), Rule: f.Get("rule_" + k)})
	}
	if k := f.Get("added_item"); k != "" {
		item, _ := strconv.ParseInt(k, 10, 64)
		in = append(in, domain.ResultInput{ItemID: item, Result: f.Get("added_result"), Note: f.Get("added_note"), Rule: f.Get("added_rule"),
			Added: true, Reason: f.Get("added_reason")})
	}
	if err := s.store.SaveResults(r.Context(), sess.Actor, id, in); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	visitBack(w, r, formVisit(r), "saved", "part-"+idString(id))
}

// partAction signs a part off, reopens it, or publishes it.
func (s *Server) partAction(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	ctx := r.Context()
	action := r.PathValue("action")
	switch action {
	case "sign":
		err = s.store.SignPart(ctx, sess.Actor, id)
	case "reopen":
		err = s.store.ReopenPart(ctx, sess.Actor, id)
	case "publish":
		_, err = s.store.PublishPart(ctx, sess.Actor, id)
	default:
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if next := r.PostFormValue("next"); next == "bench" {
		http.Redirect(w, r, "/staff/inspect?done="+action, http.StatusSeeOther)
		return
	}
	visitBack(w, r, formVisit(r), action, "part-"+idString(id))
}

// closeVisit closes the joint record with the category and the disposal.
func (s *Server) closeVisit(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	in := domain.CloseInput{Category: domain.ResultCategory(r.PostFormValue("category")), Disposal: domain.Disposal(r.PostFormValue("disposal")),
		DisposalText: r.PostFormValue("disposal_text")}
	if in.RectifyDue, err = domain.ParseDate(strings.TrimSpace(r.PostFormValue("rectify_due"))); err != nil {
		s.fail(w, r, sess, &domain.ValidationError{Op: "web.closeVisit", Errors: []domain.FieldError{domain.FieldErr(domain.FieldRectifyDue, r.PostFormValue("rectify_due"), "err.bad_date")}})
		return
	}
	if err := s.store.CloseVisit(r.Context(), sess.Actor, id, in); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	visitBack(w, r, id, "closed", "record")
}

// uploadAttachment receives one evidence file (photo or PDF) for a part,
// streamed from the multipart body into a checked temporary file: a file
// over the limit or of a type not allowed is refused with the reason and
// nothing is stored. The form's small fields (visit, item) come before the
// file.
func (s *Server) uploadAttachment(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, attachLimits.MaxBytes+formLimit)
	mr, err := r.MultipartReader()
	if err != nil {
		s.fail(w, r, sess, domain.E("web.uploadAttachment", domain.KindInvalid, "attach.err.empty").WithField(attach.FieldFile))
		return
	}
	dir, err := s.uploads()
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	fields := url.Values{}
	var up *attach.Upload
	defer func() { up.Close() }()
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s.fail(w, r, sess, uploadErr(err, attachLimits))
			return
		}
		if p.FormName() == "file" && up == nil {
			if up, err = attach.Receive(dir, p.FileName(), p, attachLimits); err != nil {
				s.fail(w, r, sess, err)
				return
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(p, 1024))
		if err != nil {
			s.fail(w, r, sess, uploadErr(err, attachLimits))
			return
		}
		fields.Set(p.FormName(), string(b))
	}
	if up == nil {
		s.fail(w, r, sess, domain.E("web.uploadAttachment", domain.KindInvalid, "attach.err.empty").WithField(attach.FieldFile))
		return
	}
	item, _ := strconv.ParseInt(fields.Get("item"), 10, 64)
	if _, err := s.store.AddAttachment(r.Context(), sess.Actor, id, item, up); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	visit, _ := strconv.ParseInt(fields.Get("visit"), 10, 64)
	visitBack(w, r, visit, "attached", "part-"+idString(id))
}

// uploadErr turns a body that ended early or ran over the limit into the
// attachment's error.
func uploadErr(err error, lim attach.Limits) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return domain.E("web.uploadAttachment", domain.KindInvalid, "attach.err.too_large", "max", lim.MaxBytes>>20).WithField(attach.FieldFile)
	}
	return domain.E("web.uploadAttachment", domain.KindInvalid, "attach.err.empty").WithField(attach.FieldFile).Wrap(err)
}

// downloadAttachment sends an attachment to whoever may read its visit, as
// a download with its media type (never sniffed, never run).
func (s *Server) downloadAttachment(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathID(r)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	x, rc, err := s.store.OpenAttachment(r.Context(), sess.Actor, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	defer rc.Close()
	disp := "attachment"
	if strings.HasPrefix(x.MediaType, "image/") {
		disp = "inline"
	}
	w.Header().Set("Content-Type", x.MediaType)
	w.Header().Set("Content-Length", strconv.FormatInt(x.Size, 10))
	w.Header().Set("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": x.Name}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if _, err := io.Copy(w, rc); err != nil {
		s.log.Info("attachment download interrupted", "id", id, "err", fmt.Sprint(err))
	}
}
