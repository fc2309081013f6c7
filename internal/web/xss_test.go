package web

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"

	"strings"
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

// payload is the script and attribute-breaking text stored in the field
// named id: a page that renders it as markup runs alert(id).
func payload(id string) string {
	return `"><script>alert(` + id + `)</script><img src=x onerror=alert(` + id + `)>`
}

// freeTextColumn matches the names of the columns that hold text people
// type (or that is copied from what they typed): the test finds every such
// column of the schema, so a new table's free text is checked too.
var freeTextColumn = regexp.MustCompile(`^(name|short_name|display_name|title|body|text|note|notes|remark|reason|reasons|return_reason|clear_reason|abort_reason|` +
	`subject|division|content|legal_basis|results|result|rule|disposal_text|address|legal_rep|liaison|leader|expertise|label|source|implementer|outcome|detail|response|public_value|summary|comment|description)$`)

// notFromForm are the free-text columns no staff form writes, or whose
// text is the program's own, each with why.
var notFromForm = map[string]string{
	"townships.name":                "reference data, loaded by the command line",
	"industries.name":               "reference data, loaded by the command line",
	"log_checkpoints.note":          "the signed checkpoint, written by the program",
	"log_witnesses.name":            "configured by the command line (log cosign)",
	"log_witnesses.label":           "configured by the command line (log cosign)",
	"bulletin_departments.reasons":  "computed from the figures (JSON of reason keys)",
	"plan_adjustments.detail":       "the adjustment's parameters as JSON (dates, ratios)",
	"batch_exclusions.reason":       "a reason key of the dispatch",
	"draws.result":                  "the draw's computed result (JSON)",
	"draws.public_value":            "parsed into lottery sources before it is stored; free text is refused",
	"revisits.outcome":              "one of three codes (CHECK constraint)",
	"visit_results.reason":          "the reason of an item added on site: not yet on the form",
	"schema_migrations.name":        "the program's migrations",
	"draws.summary":                 "the draw's computed summary (JSON)",
	"visit_results.result":          "one of the item's options (catalogue_items.results), picked from a list",
	"follow_ups.outcome":            "one of the re-check's codes",
	"bulletin_departments.response": "a bulletin names only departments behind their figures; none is in this world",
}

// TestEveryFreeTextFieldRenderedInert stores payload(id) through the staff
// forms (the conflicts of an inspector through the store) in every free-text field they have — departments, users, tokens,
// businesses, inspectors, the calendar, catalogue items, joint lists,
// plans, tasks, adjustments, results with their findings and notes,
// closing dispositions, evidence names, draw abort reasons, bulletins,
// cases, summaries, referrals and punishment flags — then checks that
// every free-text column of the schema holds a payload (or is in
// notFromForm), and crawls every page linked from the staff home and the
// portal as each role: none renders a payload as markup, and every
// payload is shown, escaped, on some page.
func TestEveryFreeTextFieldRenderedInert(t *testing.T) {
	path := filepath.Join(t.TempDir(), "xss.db")
	st, err := store.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, st)
	m := newMatrixWorldOn(t, e)
	ctx, sys := t.Context(), domain.System
	id, w := idString, m.w
	lead, co := id(e.fx.Dept.ID), id(e.fx.OtherDept.ID)
	clients := map[string]*urlClient{}
	as := func(user string) *urlClient {
		if c, ok := clients[user]; ok {
			return c
		}
		c := &urlClient{e: e, c: e.login(t, user)}
		clients[user] = c
		return c
	}
	var ids []string // the payloads stored
	p := func(name string) string {
		ids = append(ids, name)
		return payload(name)
	}
	post := func(user, path string, form url.Values, want int) response {
		t.Helper()
		r := as(user).post(path, form)
		if r.Status != want {
			t.Fatalf("POST %s as %s: %d, want %d: %s", path, user, r.Status, want, pageMessages(r.Body))
		}
		return r
	}
	const see = 303

	// The directory, accounts and calendar.
	post("office", "/staff/departments/"+lead, url.Values{"name": {p("dept_name")}, "short_name": {p("dept_short")}, "liaison": {p("dept_liaison")}, "leader": {p("dept_leader")}}, see)
	post("office", "/staff/entities", url.Values{"code": {code(t, 61)}, "name": {p("ent_name")}, "kind": {"enterprise"}, "industry": {"catering"}, "township": {"140827100"},
		"status": {"active"}, "risk_class": {"B"}, "address": {p("ent_address")}, "legal_rep": {p("ent_legal_rep")}}, see)
	post("scjg", "/staff/inspectors", url.Values{"department": {lead}, "name": {p("insp_name")}, "cert_no": {"SCJG0661"}, "cert_expiry": {"2031-01-01"},
		"status": {"on_duty"}, "labels": {p("insp_label")}, "expertise": {p("insp_expertise")}}, see)
	in := &domain.Inspector{DepartmentID: e.fx.Dept.ID, Name: "冲突检查员", CertNo: "SCJG0662", CertExpiry: domain.Date{Year: 2031, Month: 1, Day: 1}, Status: domain.InspectorOnDuty,
		Conflicts: []domain.Conflict{{EntityCode: w.Entities[0].Code, Reason: payload("conflict"), DeclaredOn: domain.Date{Year: 2026, Month: 1, Day: 1}}}}
	if err := e.store.SaveInspector(ctx, sys, in); err != nil {
		t.Fatal(err)
	}
	ids = append(ids, "conflict")
	post("office", "/staff/users", url.Values{"username": {"xss"}, "display_name": {p("user_display")}, "role": {"department"}, "department": {lead},
		"password": {"a-long-password-1"}}, see)
	post("scjg", "/staff/tokens", url.Values{"name": {p("token_name")}}, 200)
	post("office", "/staff/calendar", url.Values{"schedule": {"2031-01-01 off " + p("day_name") + "\n"}, "source": {p("calendar_source")}}, see)

	// The catalogue and a joint list's draft.
	post("scjg", "/staff/catalog", url.Values{"department": {lead}, "code": {"SCJG-X1"}, "name": {p("item_name")}, "kind": {"general"}, "content": {p("item_content")},
		"method": {"onsite"}, "legal_basis": {p("item_basis")}, "results": {"符合\n" + p("item_option")}, "status": {"active"}}, see)
	items, err := e.store.ListCatalogItems(ctx, sys, domain.CatalogFilter{DepartmentID: e.fx.Dept.ID})
	if err != nil {
		t.Fatal(err)
	}
	var xssItem int64
	for _, it := range items {
		if it.Code == "SCJG-X1" {
			xssItem = it.ID
		}
	}
	draft := "/staff/versions/" + id(m.draft.ID)
	post("scjg", draft+"/header", url.Values{"reason": {p("list_reason")}, "subject": {p("list_subject")}, "notes": {p("list_notes")}, "frequency": {"1"},
		"ratio_A": {"1%"}, "ratio_B": {"2%"}, "ratio_C": {"10%"}, "ratio_D": {"30%"}}, see)
	post("scjg", draft+"/parts/"+lead, url.Values{"division": {p("list_division")}, "item": {id(m.catItem), id(xssItem)}}, see)

	// Plans, tasks and adjustments.
	post("office", "/staff/plans/"+id(m.draft27.ID)+"/settings", url.Values{"title": {p("plan_title")}, "merge_policy": {"merge"}}, see)
	task := url.Values{"version": {id(w.List.ID)}, "name": {p("task_name")}, "implementer": {p("task_implementer")}, "note": {p("task_note")}, "lead": {lead},
		"division_" + lead: {p("task_division")}, "dept_" + co: {"on"}, "division_" + co: {"消防安全"},
		"ratio_A": {"1%"}, "ratio_B": {"2%"}, "ratio_C": {"10%"}, "ratio_D": {"30%"}, "batch_start": {"2027-04-01"}, "batch_end": {"2027-06-30"}}
	for _, it := range m.leadItem {
		task.Add("item_"+lead, id(it))
	}
	for _, it := range m.coItem {
		task.Add("item_"+co, id(it))
	}
	r := post("scjg", "/staff/plans/"+id(m.draft27.ID)+"/tasks", task, see)
	newTask := strings.TrimPrefix(strings.TrimSuffix(r.Header.Get("Location"), "?done=saved"), "/staff/tasks/")
	post("scjg", "/staff/tasks/"+newTask+"/submit", url.Values{}, see)
	post("office", "/staff/tasks/"+newTask+"/return", url.Values{"remark": {p("task_remark")}}, see)
	post("office", "/staff/adjustments/"+id(m.adjust)+"/return", url.Values{"remark": {p("adjustment_remark")}}, see)
	post("scjg", "/staff/tasks/"+id(w.Task.ID)+"/adjustments", url.Values{"kind": {"cancel_task"}, "reason": {p("adjustment_reason")}}, see)

	// The inspection: results with a finding, the co-department's part,
	// evidence, the closing disposition, a referral and a flag.
	visit := id(w.Visits[0].ID)
	results := url.Values{"visit": {visit}}
	for i, it := range m.leadItem {
		results.Add("item", id(it))
		results.Set("result_"+id(it), "符合")
		if i == 0 {
			results.Set("result_"+id(it), "不符合")
			results.Set("rule_"+id(it), p("result_rule"))
			results.Set("note_"+id(it), p("result_note"))
		}
	}
	post("visit-insp0", "/staff/parts/"+id(m.ownPart)+"/results", results, see)
	if r := e.uploadEvidence(as("visit-insp0").c, "/staff/parts/"+id(m.ownPart)+"/attachments", visit, evidenceName(p("evidence_name")), testPNG(t, 6)); r.Status != see {
		t.Fatalf("evidence: %d %s", r.Status, pageMessages(r.Body))
	}
	post("visit-insp0", "/staff/parts/"+id(m.ownPart)+"/sign", url.Values{"visit": {visit}}, see)
	coResults := url.Values{"visit": {visit}}
	for _, it := range m.coItem {
		coResults.Add("item", id(it))
		coResults.Set("result_"+id(it), "符合")
	}
	post("visit-insp1", "/staff/parts/"+id(m.coPart)+"/results", coResults, see)
	post("visit-insp1", "/staff/parts/"+id(m.coPart)+"/sign", url.Values{"visit": {visit}}, see)
	post("visit-insp0", "/staff/visits/"+visit+"/close", url.Values{"category": {"pending_disposal"}, "disposal": {"referral"}, "disposal_text": {p("disposal_text")}}, see)
	r = post("scjg", "/staff/referrals", url.Values{"finding": {id(m.ownPart) + ":" + id(m.leadItem[0])}, "kind": {"notify"}, "to": {id(m.third)},
		"text": {p("referral_text")}}, see)
	ref := strings.TrimSuffix(strings.TrimPrefix(r.Header.Get("Location"), "/staff/referrals/"), "?done=sent")
	post("outsider", "/staff/referrals/"+ref+"/receive", url.Values{}, see)
	post("outsider", "/staff/referrals/"+ref+"/accept", url.Values{}, see)
	post("outsider", "/staff/referrals/"+ref+"/outcome", url.Values{"text": {p("referral_outcome")}}, see)
	// A second referral of the finding, returned by its recipient.
	r = post("scjg", "/staff/referrals", url.Values{"finding": {id(m.ownPart) + ":" + id(m.leadItem[0])}, "kind": {"notify"}, "to": {co},
		"text": {"请协助处理"}}, see)
	ref2 := strings.TrimSuffix(strings.TrimPrefix(r.Header.Get("Location"), "/staff/referrals/"), "?done=sent")
	post("xfjy", "/staff/referrals/"+ref2+"/receive", url.Values{}, see)
	post("xfjy", "/staff/referrals/"+ref2+"/return", url.Values{"text": {p("referral_return")}}, see)
	// The second visit ordered to rectify, and its re-check failed.
	w.Complete(t, e.store, 1, true)
	today := time.Now().In(time.FixedZone("CST", 8*3600))
	post("visit-insp0", "/staff/visits/"+id(w.Visits[1].ID)+"/close", url.Values{"category": {"ordered_rectify"}, "disposal": {"rectify"},
		"rectify_due": {today.AddDate(0, 0, 10).Format(time.DateOnly)}, "disposal_text": {"责令整改"}}, see)
	fus, err := e.store.ListFollowUps(ctx, sys, domain.FollowUpFilter{VisitID: w.Visits[1].ID})
	if err != nil || len(fus.Items) != 1 {
		t.Fatalf("follow-ups: %+v %v", fus, err)
	}
	post("scjg", "/staff/followups/"+id(fus.Items[0].ID)+"/recheck", url.Values{"checked_on": {today.Format(time.DateOnly)}, "outcome": {"not_rectified"},
		"note": {p("followup_note")}, "reason": {p("followup_reason")}}, see)
	// The discipline office's revisit of a closed visit, with its note.
	secret := strings.Repeat("5a", 16)
	post("discipline", "/staff/revisits", url.Values{"year": {"2026"}, "count": {"1"}, "public_value": {"福彩3D 2026300期"}, "secret": {secret}}, see)
	draws, err := e.store.ListRevisitDraws(ctx, e.fx.Discipline, 2026)
	if err != nil || len(draws) != 1 {
		t.Fatalf("revisit draws: %v %v", draws, err)
	}
	post("discipline", "/staff/revisits/"+id(draws[0].ID)+"/draw", url.Values{"secret": {secret}, "public_value": {"3 8 1"}}, see)
	drawn, err := e.store.GetRevisitDraw(ctx, e.fx.Discipline, draws[0].ID)
	if err != nil || len(drawn.Revisits) != 1 {
		t.Fatalf("revisit sample: %+v %v", drawn, err)
	}
	post("discipline", "/staff/revisits/"+id(draws[0].ID)+"/record", url.Values{"visit": {id(drawn.Revisits[0].VisitID)}, "outcome": {"problem"},
		"note": {p("revisit_note")}}, see)
	post("scjg", "/staff/entities/"+id(w.Visits[0].EntityID)+"/punish", url.Values{"reason": {p("punish_reason")}}, see)
	flags, err := e.store.PunishFlags(ctx, sys, w.Visits[0].EntityID)
	if err != nil || len(flags) == 0 {
		t.Fatalf("punishment flags: %v %v", flags, err)
	}
	post("scjg", "/staff/punish/"+id(flags[0].ID)+"/clear", url.Values{"reason": {p("punish_clear")}}, see)

	// The draw, the evaluation.
	post("office", "/staff/draws/"+m.openDraw+"/abort", url.Values{"reason": {p("draw_abort")}}, see)
	post("office", "/staff/bulletins", url.Values{"year": {"2026"}, "title": {p("bulletin_title")}, "body": {p("bulletin_body")}, "deadline": {"2099-12-31"}}, see)
	post("scjg", "/staff/cases", url.Values{"year": {"2026"}, "title": {p("case_title")}, "body": {p("case_body")}}, see)
	cases, err := e.store.ListCases(ctx, sys, 2026, false)
	if err != nil || len(cases) == 0 {
		t.Fatalf("cases: %v %v", cases, err)
	}
	post("office", "/staff/cases/"+id(cases[0].ID)+"/decide", url.Values{"decision": {"publish"}, "note": {p("case_note")}}, see)
	post("scjg", "/staff/summary", url.Values{"year": {"2026"}, "text": {p("summary_text")}}, see)

	// Every free-text column of the schema holds a payload, or says why not.
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, col := range freeTextColumns(t, db) {
		var n int
		tbl, c, _ := strings.Cut(col, ".")
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+tbl+` WHERE `+c+` LIKE '%alert(%'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		why, excused := notFromForm[col]
		switch {
		case n == 0 && !excused:
			t.Errorf("free-text column %s holds no payload: store one through its form in TestEveryFreeTextFieldRenderedInert (xss_test.go), or say in notFromForm why no form writes it", col)
		case n > 0 && excused:
			t.Errorf("free-text column %s holds a payload, yet notFromForm says: %s", col, why)
		}
	}

	// Crawl the pages as every role: nothing rendered as markup, and every
	// payload shown somewhere, escaped.
	shown := map[string]bool{}
	for _, user := range []string{"", "office", "scjg", "xfjy", "outsider", "visit-insp0", "discipline"} {
		c := &urlClient{e: e, c: e.client()}
		if user != "" {
			c = as(user)
		}
		pages := crawl(t, c, []string{"/", "/staff/", "/lists", "/plans", "/draws", "/cases", "/log"}, 600)
		t.Logf("as %q: %d pages", user, len(pages))
		for path, body := range pages {
			if strings.Contains(body, "<script>alert(") || strings.Contains(body, "<img src=x") {
				t.Errorf("%s as %q renders a payload as markup", path, user)
			}
			for _, name := range ids {
				// No page has the payload as markup (above): where its
				// alert(name) is, it is shown as text.
				if !shown[name] && strings.Contains(body, "alert("+name+")") {
					shown[name] = true
				}
			}
		}
	}
	for _, name := range ids {
		if !shown[name] {
			t.Errorf("payload %q is shown on no crawled page: the test proves nothing for it", name)
		}
	}
}

// evidenceName is the payload as a file name: without its "/", which the
// upload would take for a directory.
func evidenceName(payload string) string {
	return strings.ReplaceAll(payload, "/", "") + ".png"
}

// freeTextColumns lists the schema's TEXT columns whose names say they hold
// free text, as table.column.
func freeTextColumns(t *testing.T, db *sql.DB) []string {
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT m.name, p.name, p.type FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY m.name, p.cid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var tbl, col, typ string
		if err := rows.Scan(&tbl, &col, &typ); err != nil {
			t.Fatal(err)
		}
		if strings.EqualFold(typ, "TEXT") && freeTextColumn.MatchString(col) {
			out = append(out, tbl+"."+col)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("only %d free-text columns found: %v", len(out), out)
	}
	return out
}

// urlClient is a logged-in (or anonymous) client of the test server.
type urlClient struct {
	e *env
	c *http.Client
}

func (u *urlClient) post(path string, form url.Values) response { return u.e.post(u.c, path, form) }

var hrefRE = regexp.MustCompile(`href="(/[^"#]*)"`)

// crawl follows the same-site links of the pages from starts, GET only and
// at most limit pages, skipping downloads, static files and the log's
// machine endpoints, and returns each page's body.
func crawl(t *testing.T, c *urlClient, starts []string, limit int) map[string]string {
	seen := map[string]string{}
	queue := slices.Clone(starts)
	skip := regexp.MustCompile(`^/(static|log/(tile|record|checkpoint|proof))|/export|\.(xlsx|json|csv|pdf|png)(\?|$)|/download|/attachments/|/logout|[?&]lang=`)
	for len(queue) > 0 && len(seen) < limit {
		path := queue[0]
		queue = queue[1:]
		if _, ok := seen[path]; ok || skip.MatchString(path) {
			continue
		}
		r := c.e.get(c.c, path)
		if r.Status >= 500 {
			t.Errorf("GET %s: %d", path, r.Status)
		}
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
			seen[path] = "" // a download: not a page a browser renders
			continue
		}
		seen[path] = r.Body
		for _, m := range hrefRE.FindAllStringSubmatch(r.Body, -1) {
			next := strings.ReplaceAll(m[1], "&amp;", "&")
			if _, ok := seen[next]; !ok {
				queue = append(queue, next)
			}
		}
	}
	return seen
}
