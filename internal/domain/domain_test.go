package domain

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCanMatrix(t *testing.T) {
	const own, other = 7, 9
	office := Actor{UserID: 1, Role: RoleOffice}
	dept := Actor{UserID: 2, Role: RoleDepartment, DepartmentID: own}
	insp := Actor{UserID: 3, Role: RoleInspector, DepartmentID: own, InspectorID: 5}
	disc := Actor{UserID: 4, Role: RoleDiscipline}
	anon := Actor{}
	// want[actor][action] for an object of department own, then other.
	type cell struct{ own, other bool }
	want := map[string]map[Action]cell{
		"office": {ActViewDirectory: {true, true}, ActEditEntity: {true, true}, ActEditInspector: {true, true}, ActViewPrivate: {true, true}, ActEditReference: {true, true}, ActManageUsers: {true, true}, ActViewAudit: {true, true}, ActManageTokens: {true, true}, ActEditCalendar: {true, true}, ActManageLog: {true, true},
			ActViewLists: {true, true}, ActEditCatalogue: {true, true}, ActDraftList: {true, true}, ActEditListPart: {true, true}, ActConfirmPart: {true, true}, ActPublishList: {true, true},
			ActRunDraw: {true, true}, ActViewSalts: {true, true}, ActViewPlans: {true, true}, ActDraftTask: {true, true}, ActFilePlan: {true, true}, ActDrawBatch: {true, true}, ActDispatch: {true, true}},
		"department": {ActViewDirectory: {true, true}, ActEditInspector: {true, false}, ActViewPrivate: {true, false}, ActViewAudit: {true, false}, ActManageTokens: {true, true},
			ActViewLists: {true, true}, ActEditCatalogue: {true, false}, ActDraftList: {true, false}, ActEditListPart: {true, false}, ActConfirmPart: {true, false},
			ActRunDraw: {true, false}, ActDrawEntropy: {true, false}, ActViewPlans: {true, true}, ActDraftTask: {true, false}, ActDrawBatch: {true, false}, ActDispatch: {true, false}},
		"inspector":  {ActViewDirectory: {true, true}, ActManageTokens: {true, true}, ActViewLists: {true, true}, ActViewPlans: {true, true}},
		"discipline": {ActViewDirectory: {true, true}, ActViewPrivate: {true, true}, ActViewAudit: {true, true}, ActManageTokens: {true, true}, ActViewLists: {true, true}, ActViewSalts: {true, true}, ActViewPlans: {true, true}},
		"anonymous":  {},
	}
	// The evaluation (issue 7): the office everything, a department its
	// own figures, bulletins, summary and cases, the discipline office the
	// figures and its revisits.
	for _, act := range []Action{ActViewDashboard, ActViewCalibration, ActEditEvalConfig, ActIssueBulletin, ActRespondBulletin, ActFileSummary, ActSubmitCase, ActPublishCase, ActRevisit} {
		want["office"][act] = cell{true, true}
	}
	for _, act := range []Action{ActViewDashboard, ActRespondBulletin, ActFileSummary, ActSubmitCase} {
		want["department"][act] = cell{true, false}
	}
	for _, act := range []Action{ActViewDashboard, ActRevisit} {
		want["discipline"][act] = cell{true, true}
	}
	// The inspection (issue 6): the office keeps the settings; a
	// department enters, signs, closes (as lead) and publishes its own
	// part; an inspector enters and closes for their department.
	want["office"][ActEditInspectConf] = cell{true, true}
	for _, act := range []Action{ActEnterResult, ActCloseVisit, ActPublishResult, ActArchiveVisit} {
		want["department"][act] = cell{true, false}
	}
	want["inspector"][ActEnterResult] = cell{true, false}
	want["inspector"][ActCloseVisit] = cell{true, false}
	// The follow-up (issue 6): department staff refer, handle, follow up
	// and flag for their own department; nobody else.
	for _, act := range []Action{ActRefer, ActHandleRef, ActFollowUp, ActFlagPunish} {
		want["department"][act] = cell{true, false}
	}
	actors := map[string]Actor{"office": office, "department": dept, "inspector": insp, "discipline": disc, "anonymous": anon}
	for name, a := range actors {
		for _, act := range Actions {
			w := want[name][act]
			t.Run(fmt.Sprintf("%s/%s", name, act), func(t *testing.T) {
				if got := Can(a, act, own); got != w.own {
					t.Errorf("own department: got %v, want %v", got, w.own)
				}
				if got := Can(a, act, other); got != w.other {
					t.Errorf("other department: got %v, want %v", got, w.other)
				}
			})
		}
	}
}

func TestRequireKinds(t *testing.T) {
	if err := Require("op", Actor{}, ActViewDirectory, 0); ErrorKind(err) != KindUnauthorized {
		t.Errorf("anonymous: kind %q, want unauthorized", ErrorKind(err))
	}
	if err := Require("op", Actor{Role: RoleInspector}, ActEditEntity, 0); ErrorKind(err) != KindForbidden {
		t.Errorf("inspector editing: kind %q, want forbidden", ErrorKind(err))
	}
	if err := Require("op", Actor{Role: RoleOffice}, ActEditEntity, 0); err != nil {
		t.Errorf("office editing: %v", err)
	}
}

func TestValidateEntity(t *testing.T) {
	good := func() Entity {
		return Entity{Code: " 91350100m000100y43", Name: " 垣曲县鑫源餐饮店 ", IndustryCode: "catering", TownshipCode: "140827100", RiskClass: RiskB}
	}
	t.Run("normalises and accepts", func(t *testing.T) {
		e := good()
		NormalizeEntity(&e)
		if err := ValidateEntity(&e, 0, false).Err(); err != nil {
			t.Fatal(err)
		}
		if e.Code != "91350100M000100Y43" || e.Name != "垣曲县鑫源餐饮店" || e.Kind != KindEnterprise || e.Status != StatusActive {
			t.Errorf("normalised entity = %+v", e)
		}
	})
	t.Run("bad check character rejected, or flagged when accepted", func(t *testing.T) {
		e := good()
		e.Code = "91310115MA1H8R7C6D"
		NormalizeEntity(&e)
		v := ValidateEntity(&e, 12, false)
		want := []FieldError{{Row: 12, Field: FieldCode, Value: "91310115MA1H8R7C6D", Key: "err.code.checksum"}}
		if diff := cmp.Diff(want, v.Errors); diff != "" {
			t.Errorf("errors (-want +got):\n%s", diff)
		}
		if err := ValidateEntity(&e, 12, true).Err(); err != nil || !e.CodeFlagged {
			t.Errorf("accept bad codes: err=%v flagged=%v", err, e.CodeFlagged)
		}
	})
	t.Run("malformed code never accepted", func(t *testing.T) {
		e := good()
		e.Code = "12345"
		NormalizeEntity(&e)
		if v := ValidateEntity(&e, 3, true); len(v.Errors) != 1 || v.Errors[0].Key != "err.code.length" {
			t.Errorf("got %+v", v.Errors)
		}
	})
	t.Run("every field problem reported at once", func(t *testing.T) {
		e := Entity{Code: "", Name: "", RiskClass: "E", Status: "gone"}
		NormalizeEntity(&e)
		v := ValidateEntity(&e, 0, false)
		var fields []string
		for _, fe := range v.Errors {
			fields = append(fields, fe.Field+":"+fe.Key)
		}
		want := []string{"code:err.required", "name:err.required", "status:err.bad_choice", "risk_class:err.bad_choice", "industry:err.required", "township:err.required"}
		if diff := cmp.Diff(want, fields); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("control characters refused", func(t *testing.T) {
		e := good()
		e.Address = "a\x00b"
		NormalizeEntity(&e)
		if v := ValidateEntity(&e, 0, false); len(v.Errors) != 1 || v.Errors[0].Key != "err.bad_text" {
			t.Errorf("got %+v", v.Errors)
		}
	})
}

func TestValidateInspector(t *testing.T) {
	in := Inspector{Name: "王磊", DepartmentID: 1, CertNo: "１４０８２７００１", Labels: []string{" 食品 ", "食品", ""},
		Conflicts: []Conflict{{EntityCode: "91350100m000100y43"}, {EntityCode: "91350100M000100Y43"}}}
	NormalizeInspector(&in)
	if in.CertNo != "140827001" || len(in.Labels) != 1 || in.Status != InspectorOnDuty {
		t.Errorf("normalised = %+v", in)
	}
	v := ValidateInspector(&in, 4)
	var keys []string
	for _, fe := range v.Errors {
		keys = append(keys, fe.Field+":"+fe.Key)
	}
	want := []string{"cert_expiry:err.required", "conflicts:err.duplicate"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	expert := Inspector{Name: "李教授", DepartmentID: 2, Expert: true}
	NormalizeInspector(&expert)
	if err := ValidateInspector(&expert, 0).Err(); err != nil {
		t.Errorf("expert without certificate: %v", err)
	}
	if expert.Key() != "李教授@2" {
		t.Errorf("expert key = %q", expert.Key())
	}
}

func TestCertified(t *testing.T) {
	d := Date{2026, 3, 31}
	in := Inspector{CertNo: "1", CertExpiry: d}
	if !in.Certified(d) || in.Certified(d.AddDays(1)) {
		t.Error("certificate must be valid through its expiry day and not after")
	}
	if (&Inspector{CertExpiry: d}).Certified(d) {
		t.Error("no certificate number is not certified")
	}
}

func TestDate(t *testing.T) {
	for in, want := range map[string]string{"2026-03-31": "2026-03-31", "2026/3/1": "2026-03-01", "2026年2月28日": "2026-02-28", "": ""} {
		d, err := ParseDate(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	if _, err := ParseDate("2026-02-30"); err == nil {
		t.Error("30 February accepted")
	}
	b, _ := json.Marshal(struct{ D, Z Date }{Date{2026, 1, 4}, Date{}})
	if string(b) != `{"D":"2026-01-04","Z":null}` {
		t.Errorf("json = %s", b)
	}
	var back struct{ D, Z Date }
	if err := json.Unmarshal(b, &back); err != nil || back.D != (Date{2026, 1, 4}) || !back.Z.IsZero() {
		t.Errorf("round trip = %+v, %v", back, err)
	}
}

func TestErrorsAndPages(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", E("store.X", KindConflict, "err.duplicate", "code", "X"))
	if !IsKind(err, KindConflict) {
		t.Errorf("kind through wrapping = %q", ErrorKind(err))
	}
	if ErrorKind(errors.New("boom")) != KindInternal {
		t.Error("plain errors must be internal")
	}
	var v ValidationError
	if v.Err() != nil {
		t.Error("empty validation error must be nil")
	}
	if p := (Page{Number: -1, Size: 10000}).Norm(); p.Number != 1 || p.Size != MaxPageSize {
		t.Errorf("Norm = %+v", p)
	}
	if off := (Page{Number: 3, Size: 20}).Offset(); off != 40 {
		t.Errorf("Offset = %d", off)
	}
}

func TestKindHTTPStatus(t *testing.T) {
	for k, want := range map[Kind]int{
		KindInvalid: 422, KindNotFound: 404, KindConflict: 409, KindUnauthorized: 401,
		KindForbidden: 403, KindTooMany: 429, KindInternal: 500, Kind("unheard-of"): 500,
	} {
		if got := k.HTTPStatus(); got != want {
			t.Errorf("%q.HTTPStatus() = %d, want %d", k, got, want)
		}
	}
}
