package web

import (
	"context"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
)

// planRow is one task as the standard layout of the annual plan shows it
// (序号 | 行业 | 牵头部门 | 任务名称 | 联查部门 | 抽查事项 | 联查对象 | 检查主体 |
// 责任分工 | 抽查比例（基数） | 时间安排 | 备注): the same texts on the staff
// page, the portal and in the XLSX download.
type planRow struct {
	Task        *domain.Task
	Seq         string
	Industry    string
	Lead        string
	Name        string
	JointDepts  string
	Items       []string // "部门：事项、事项"
	Scope       string
	Implementer string
	Division    []string // "部门：分工"
	Ratios      string   // "A 1%（基数 120，抽 2）"
	Schedule    []string // "第1批 2026-04-01～2026-06-30 已发布"
	Note        string
	State       string
}

// Cells returns the row's twelve columns as plain text.
func (r planRow) Cells() []string {
	return []string{r.Seq, r.Industry, r.Lead, r.Name, r.JointDepts, strings.Join(r.Items, "\n"), r.Scope, r.Implementer,
		strings.Join(r.Division, "\n"), r.Ratios, strings.Join(r.Schedule, "\n"), r.Note}
}

// planColumns are the i18n keys of the standard columns.
var planColumns = []string{"plan.col.seq", "plan.col.industry", "plan.col.lead", "plan.col.name", "plan.col.joint", "plan.col.items",
	"plan.col.scope", "plan.col.implementer", "plan.col.division", "plan.col.ratios", "plan.col.schedule", "plan.col.note"}

// planRows turns tasks into rows in the printer's language. Item names come
// from each task's joint-list version (public once published); the live
// base per risk class is counted for each task when withBase is set.
func (s *Server) planRows(ctx context.Context, p *i18n.Printer, ref *reference, tasks []domain.Task, withBase bool) ([]planRow, error) {
	versions := map[int64]*domain.JointListVersion{}
	out := make([]planRow, 0, len(tasks))
	for i := range tasks {
		t := &tasks[i]
		if withBase && t.Base == nil {
			base, err := s.store.TaskBase(ctx, t)
			if err != nil {
				return nil, err
			}
			t.Base = base
		}
		v, ok := versions[t.ListVersionID]
		if !ok && t.ListVersionID != 0 {
			var err error
			if v, err = s.store.GetJointListVersion(ctx, domain.Actor{}, t.ListVersionID); err != nil && !domain.IsKind(err, domain.KindNotFound) {
				return nil, err
			}
			versions[t.ListVersionID] = v
		}
		out = append(out, planRowOf(p, ref, t, v))
	}
	return out, nil
}

func planRowOf(p *i18n.Printer, ref *reference, t *domain.Task, v *domain.JointListVersion) planRow {
	sep := p.T("web.list_sep")
	r := planRow{Task: t, Industry: ref.Industry[t.IndustryCode], Lead: ref.Department[t.LeadDepartmentID], Name: t.Name,
		Implementer: t.Implementer, Note: t.Note, State: p.T(t.State.MsgKey())}
	if t.Seq > 0 {
		r.Seq = strconv.Itoa(t.Seq)
	}
	var joint []string
	for _, d := range t.Departments {
		name := ref.Department[d.DepartmentID]
		if !d.Lead {
			joint = append(joint, name)
		}
		var items []string
		for _, id := range d.ItemIDs {
			items = append(items, itemName(v, d.DepartmentID, id))
		}
		r.Items = append(r.Items, name+p.T("plan.colon")+strings.Join(items, sep))
		if d.Division != "" {
			r.Division = append(r.Division, name+p.T("plan.colon")+d.Division)
		}
	}
	r.JointDepts = strings.Join(joint, sep)
	r.Scope = scopeText(p, ref, t)
	var ratios []string
	for _, c := range domain.RiskClasses {
		s := string(c) + " " + t.Ratios[c].String()
		if t.Base != nil {
			s += p.T("plan.base", "base", t.Base[c], "quota", domain.Quota(t.Base[c], t.Ratios[c]))
		}
		ratios = append(ratios, s)
	}
	r.Ratios = strings.Join(ratios, p.T("plan.semicolon"))
	for _, b := range t.Batches {
		r.Schedule = append(r.Schedule, p.T("plan.batch_line", "n", b.Seq, "window", b.Window.String(), "state", p.T(b.State.MsgKey())))
	}
	return r
}

// itemName is the item's code and name in the version, or its ID when the
// version is not readable.
func itemName(v *domain.JointListVersion, dept, id int64) string {
	if v != nil {
		if part := v.Part(dept); part != nil {
			for _, it := range part.Items {
				if it.ItemID == id {
					return it.Name
				}
			}
		}
	}
	return "#" + strconv.FormatInt(id, 10)
}

func scopeText(p *i18n.Printer, ref *reference, t *domain.Task) string {
	sep := p.T("web.list_sep")
	parts := []string{ref.Industry[t.IndustryCode]}
	if len(t.Scope.Kinds) > 0 {
		var ks []string
		for _, k := range t.Scope.Kinds {
			ks = append(ks, p.T("web.kind."+string(k)))
		}
		parts = append(parts, strings.Join(ks, sep))
	}
	if len(t.Scope.Townships) > 0 {
		var ts []string
		for _, c := range t.Scope.Townships {
			ts = append(ts, ref.Township[c])
		}
		parts = append(parts, strings.Join(ts, sep))
	} else {
		parts = append(parts, p.T("plan.scope.all_townships"))
	}
	var ss []string
	for _, st := range t.Scope.Statuses {
		ss = append(ss, p.T("web.status."+string(st)))
	}
	if len(ss) > 0 {
		parts = append(parts, strings.Join(ss, sep))
	}
	return strings.Join(parts, p.T("plan.semicolon"))
}
