package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// The pages of what follows a visit (闭环, issue 6): referrals (抄告/移交)
// sent and received, follow-ups (后续处置) with their re-check, and the
// joint-punishment flags (联合惩戒) on the business and visit pages.
const (
	pageReferralList = "referral_list"
	pageReferralForm = "referral_form"
	pageReferralShow = "referral_show"
	pageFollowUpList = "followup_list"
	pageFollowUpShow = "followup_show"
)

func init() {
	requiredPages = append(requiredPages, pageReferralList, pageReferralForm, pageReferralShow, pageFollowUpList, pageFollowUpShow)
}

// followUpRoutes registers the staff pages of the follow-up. Every write
// goes through a store method that checks the actor's rights.
func (s *Server) followUpRoutes(mux *router) {
	staff := func(pattern string, h func(http.ResponseWriter, *http.Request, *session)) {
		mux.Handle(pattern, s.requireUser(h))
	}
	staff("GET /staff/referrals", s.listReferrals)
	staff("GET /staff/referrals/export", s.exportReferrals)
	staff("GET /staff/referrals/new", s.referralForm)
	staff("POST /staff/referrals", s.sendReferral)
	staff("GET /staff/referrals/{id}", s.showReferral)
	staff("POST /staff/referrals/{id}/{action}", s.stepReferral)
	staff("GET /staff/followups", s.listFollowUps)
	staff("GET /staff/followups/export", s.exportFollowUps)
	staff("POST /staff/followups/settings", s.saveFollowUpSettings)
	staff("GET /staff/followups/{id}", s.showFollowUp)
	staff("POST /staff/followups/{id}/recheck", s.recheckFollowUp)
	staff("POST /staff/entities/{id}/punish", s.setPunishFlag)
	staff("POST /staff/punish/{id}/clear", s.clearPunishFlag)
}

// localNext is the form's "next" if it is a path on this site, or def.
func localNext(r *http.Request, def string) string {
	next := r.PostFormValue("next")
	if next == "" || next[0] != '/' || (len(next) > 1 && (next[1] == '/' || next[1] == '\\')) {
		return def
	}
	return next
}

// withDone adds ?done=key to a local path (before its fragment).
func withDone(path, key string) string {
	frag := ""
	if i := strings.IndexByte(path, '#'); i >= 0 {
		path, frag = path[:i], path[i:]
	}
	u, err := url.Parse(path)
	if err != nil {
		return path + frag
	}
	return withQuery(u, "done", key) + frag
}

// referralFilter reads the listing's filters from the query.
func referralFilter(q url.Values) domain.ReferralFilter {
	f := domain.ReferralFilter{Box: q.Get("box"), State: domain.ReferralState(q.Get("state")), Overdue: q.Get("overdue") == "1",
		Query: strings.TrimSpace(q.Get("q"))}
	if f.Box != "sent" && f.Box != "received" {
		f.Box = ""
	}
	if f.State != "" && !slices.Contains(domain.ReferralStates, f.State) {
		f.State = ""
	}
	f.Dept, _ = strconv.ParseInt(q.Get("dept"), 10, 64)
	f.Page.Number, _ = strconv.Atoi(q.Get("page"))
	return f
}

// followUpFilter reads the follow-up listing's filters from the query.
func followUpFilter(q url.Values) domain.FollowUpFilter {
	f := domain.FollowUpFilter{Kind: domain.FollowUpKind(q.Get("kind")), State: domain.FollowUpState(q.Get("state")), Overdue: q.Get("overdue") == "1",
		Query: strings.TrimSpace(q.Get("q"))}
	if f.Kind != domain.FURectify && f.Kind != domain.FUAbnormal {
		f.Kind = ""
	}
	if f.State != "" && !slices.Contains(domain.FollowUpStates, f.State) {
		f.State = ""
	}
	f.Dept, _ = strconv.ParseInt(q.Get("dept"), 10, 64)
	f.Page.Number, _ = strconv.Atoi(q.Get("page"))
	return f
}
