package domain

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRatios(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Ratio
		ok   bool
	}{
		{"1%", 100, true}, {"2.5%", 250, true}, {" 30 ％", 3000, true}, {"100", 10000, true}, {"0.05%", 5, true},
		{"100.01%", 0, false}, {"1.234%", 0, false}, {"-1%", 0, false}, {"", 0, false}, {"abc", 0, false}, {".5", 0, false},
	} {
		got, ok := ParseRatio(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("ParseRatio(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	for r, want := range map[Ratio]string{100: "1%", 250: "2.5%", 5: "0.05%", 10000: "100%", 0: "0%", 1010: "10.1%"} {
		if got := r.String(); got != want {
			t.Errorf("Ratio(%d).String() = %q, want %q", int(r), got, want)
		}
	}
	rs, ok := ParseRatios("A：1%；B:2%，c:10% D:30%")
	if !ok || rs.String() != "A:1%;B:2%;C:10%;D:30%" {
		t.Errorf("ParseRatios = %v, %v", rs, ok)
	}
	for _, bad := range []string{"A:1%;B:2%;C:10%", "A:1%;A:2%;C:10%;D:30%", "A:1%;B:2%;C:10%;E:30%", "A1%;B:2%;C:10%;D:30%"} {
		if _, ok := ParseRatios(bad); ok {
			t.Errorf("ParseRatios(%q) accepted", bad)
		}
	}
}

func TestParseFrequency(t *testing.T) {
	for in, want := range map[string]int{"1": 1, "每年2次": 2, "2次/年": 2, "一年1次": 1, "１２": 12, " 每年 3 次 ": 3} {
		if got, ok := ParseFrequency(in); !ok || got != want {
			t.Errorf("ParseFrequency(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "0", "13", "每年", "两次", "1年2次", "2.5"} {
		if _, ok := ParseFrequency(bad); ok {
			t.Errorf("ParseFrequency(%q) accepted", bad)
		}
	}
}

func TestDiffVersions(t *testing.T) {
	item := func(id, dept int64, name string) ListItem {
		return ListItem{ItemID: id, DepartmentID: dept, Code: "C", Name: name, Content: "c", LegalBasis: "b", Results: DefaultItemResults}
	}
	v1 := &JointListVersion{Number: 1, Subject: "经营者", Frequency: 1, Ratios: Ratios{RiskA: 100, RiskB: 200, RiskC: 300, RiskD: 400},
		Parts: []ListPart{
			{DepartmentID: 1, Lead: true, Division: "牵头", Items: []ListItem{item(10, 1, "许可"), item(11, 1, "健康证")}},
			{DepartmentID: 2, Division: "消防", Items: []ListItem{item(20, 2, "疏散通道")}},
		}}
	v2 := &JointListVersion{Number: 2, Subject: "经营者", Frequency: 2, Ratios: v1.Ratios,
		Parts: []ListPart{
			{DepartmentID: 1, Lead: true, Division: "牵头组织", Items: []ListItem{item(10, 1, "许可"), item(11, 1, "健康证明")}},
			{DepartmentID: 3, Division: "油烟", Items: []ListItem{item(30, 3, "油烟净化")}},
		}}
	got := DiffVersions(v1, v2)
	want := VersionDiff{From: 1, To: 2, AddedDepartments: []int64{3}, RemovedDepartments: []int64{2},
		Added: []ListItem{item(30, 3, "油烟净化")}, Removed: []ListItem{item(20, 2, "疏散通道")},
		Changed: []ItemChange{{Before: item(11, 1, "健康证"), After: item(11, 1, "健康证明"), Fields: []string{FieldItemName}}},
		Header: []FieldChange{{Field: FieldListFrequency, Before: "每年1次", After: "每年2次"},
			{Field: FieldListDivision, DepartmentID: 1, Before: "牵头", After: "牵头组织"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diff (-want +got):\n%s", diff)
	}
	if same := DiffVersions(v1, v1); !same.Empty() {
		t.Errorf("a version differs from itself: %+v", same)
	}
}

func TestCheckPublishable(t *testing.T) {
	v := &JointListVersion{Number: 2, Subject: "经营者", Frequency: 1, Ratios: Ratios{RiskA: 100, RiskB: 200, RiskC: 300, RiskD: 400},
		Parts: []ListPart{{DepartmentID: 1, Lead: true, Items: []ListItem{{ItemID: 1}}}, {DepartmentID: 2}}}
	ve := CheckPublishable(v)
	var keys []string
	for _, fe := range ve.Errors {
		keys = append(keys, fe.Field+":"+fe.Key)
	}
	want := []string{"list_reason:err.required", "list_items:err.lists.part_empty", "list_department:err.lists.unconfirmed"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
