package report

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
	"github.com/yiyeyicha/yiyeyicha/internal/metrics"
	"github.com/yiyeyicha/yiyeyicha/internal/stats"
)

func TestTables(t *testing.T) {
	d := &metrics.Dashboard{
		Year:     2026,
		Progress: metrics.Progress{Tasks: []metrics.Count{{State: "published", N: 2}}, Visits: 10, VisitsDone: 6},
		Joint:    stats.Proportion{K: 3, N: 10},
		Avoided:  metrics.Avoided{Separate: 15, Made: 10, Avoided: 5},
		Coverage: []metrics.CoverageRow{
			{Industry: "catering", Risk: "A", Inspected: stats.Proportion{K: 1, N: 4}},
			{Inspected: stats.Proportion{K: 1, N: 4}},
		},
		Departments: []metrics.DeptFigures{
			{Dept: metrics.Department{ID: 1, Name: "市场监管局"}, Parts: stats.Proportion{K: 6, N: 10}, ReferralsOpen: 1, Score: 70, ScoreDefined: true},
			{Dept: metrics.Department{ID: 2, Name: "消防救援大队"}, Parts: stats.Proportion{K: 3, N: 3}, ReferralsOpen: 2, BatchesLate: 1},
		},
		Calibration: stats.Calibrate([]stats.ClassCount{{Class: "A", Visits: stats.Proportion{K: 0, N: 2}}, {Class: "D", Visits: stats.Proportion{K: 1, N: 2}}}),
	}
	filed := &domain.AnnualSummary{FiledAt: time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC), FiledBy: "scjg", Text: "总结"}
	a := &Annual{Dashboard: d, Industries: map[string]string{"catering": "餐饮服务"},
		Filings:   []Filing{{Department: "市场监管局", Summary: filed}, {Department: "消防救援大队"}},
		Bulletins: []domain.Bulletin{{Title: "通报", Deadline: domain.Date{Year: 2026, Month: 12, Day: 1}, Departments: []domain.BulletinDepartment{{Name: "消防救援大队", Reasons: "late_batches=1;overdue_referrals=2"}}}},
		Cases:     []domain.TypicalCase{{Title: "案例", Department: "市场监管局", IndustryCode: "catering", State: domain.CasePublished}},
	}
	ts := Tables(i18n.For(i18n.ZH), a)
	var keys []string
	byKey := map[string]Table{}
	for _, tb := range ts {
		keys = append(keys, tb.Key)
		byKey[tb.Key] = tb
	}
	if diff := cmp.Diff([]string{"overview", "departments", "coverage", "calibration", "filings", "bulletins", "cases"}, keys); diff != "" {
		t.Fatalf("tables (-want +got):\n%s", diff)
	}
	ov := map[string]any{}
	for _, r := range byKey["overview"].Rows {
		ov[r[0].(string)] = r[1]
	}
	for name, want := range map[string]any{"检查户次": 10, "联合检查户次": int64(3), "联合检查占比": 0.3, "减少入企次数": 5, "抽查任务数": 2, "已报送总结部门数": 1, "部门数": 2, "公开典型案例": 1, "抄告移交未办结": 3} {
		if ov[name] != want {
			t.Errorf("overview %s = %v (%T), want %v", name, ov[name], ov[name], want)
		}
	}
	depts := byKey["departments"].Rows
	total := depts[len(depts)-1]
	if total[0] != "合计" || total[1] != int64(13) || total[2] != int64(9) || total[8] != int64(3) || total[10] != int64(1) {
		t.Errorf("department total row %v", total)
	}
	if depts[0][11] != 70.0 || depts[1][11] != "" {
		t.Errorf("scores %v %v", depts[0][11], depts[1][11])
	}
	cov := byKey["coverage"].Rows
	if cov[0][0] != "餐饮服务" || cov[0][4] != 0.25 || cov[1][0] != "合计" {
		t.Errorf("coverage %v", cov)
	}
	fil := byKey["filings"].Rows
	if fil[0][1] != "2026-11-20 10:00" || fil[1][1] != "未报送" {
		t.Errorf("filings %v", fil)
	}
	if got := byKey["bulletins"].Rows[0][4]; got != "逾期批次 1 个、抄告移交逾期 2 件" {
		t.Errorf("reasons %q", got)
	}
	if cells := byKey["coverage"].Cells(); cells[0][4] != "0.25" || cells[0][2] != "4" {
		t.Errorf("cells %v", cells[0])
	}
	// Without the calibration (a department's view) there is no such sheet.
	d.Calibration = stats.Calibration{}
	if n := len(Sheets(Tables(i18n.For(i18n.EN), a))); n != 6 {
		t.Errorf("%d sheets without the calibration", n)
	}
}
