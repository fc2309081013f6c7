package importx

import (
	"io"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// fieldSeq is the 序号 column: written on export, ignored on import.
const fieldSeq = "seq"

// listColumns are the columns of a joint-list file (一业一查联合抽查事项清
// 单) as departments keep them: one row per item. 联查部门 names the
// department that checks the row's item (the lead department for its own
// items); the list-wide columns may be repeated on every row or given once.
var listColumns = []column{
	{fieldSeq, []string{"序号", "No."}, false, kindText},
	{domain.FieldListIndustry, []string{"行业", "行业领域", "industry"}, true, kindText},
	{domain.FieldListLead, []string{"牵头部门", "牵头单位", "lead_department", "Lead department"}, true, kindText},
	{domain.FieldListDepartment, []string{"联查部门", "检查部门", "实施部门", "协同部门", "department"}, true, kindText},
	{domain.FieldItemName, []string{"抽查事项", "检查事项", "事项名称", "item"}, true, kindText},
	{domain.FieldItemContent, []string{"检查内容", "content"}, true, kindText},
	{domain.FieldItemBasis, []string{"检查依据", "法律依据", "legal_basis"}, true, kindText},
	{domain.FieldListDivision, []string{"责任分工", "部门任务分工", "division"}, false, kindText},
	{domain.FieldListRatios, []string{"抽查比例", "ratios"}, false, kindText},
	{domain.FieldListFrequency, []string{"频次", "抽查频次", "frequency"}, false, kindText},
	{domain.FieldListNotes, []string{"备注", "notes"}, false, kindText},
	{domain.FieldItemCode, []string{"事项编码", "事项代码", "item_code"}, false, kindCode},
	{domain.FieldListSubject, []string{"检查主体", "检查主体行业类型", "检查对象类型", "subject"}, false, kindText},
	{domain.FieldItemMethod, []string{"检查方式", "method"}, false, kindText},
	{domain.FieldItemKind, []string{"事项类别", "事项类型", "kind"}, false, kindText},
}

var (
	methodChoice = newChoice("实地核查、书面检查、网络监测 / onsite, document, online",
		map[domain.ItemMethod][]string{
			domain.MethodOnSite:   {"实地核查", "实地检查", "实地", "现场检查", "现场"},
			domain.MethodDocument: {"书面检查", "书面", "书面审查"},
			domain.MethodOnline:   {"网络监测", "网络", "网络检查", "在线"},
		})
	itemKindChoice = newChoice("一般、重点 / general, key",
		map[domain.ItemKind][]string{
			domain.ItemGeneral: {"一般", "一般事项", "一般检查事项"},
			domain.ItemKey:     {"重点", "重点事项", "重点检查事项"},
		})
	methodLabel   = map[domain.ItemMethod]string{domain.MethodOnSite: "实地核查", domain.MethodDocument: "书面检查", domain.MethodOnline: "网络监测"}
	itemKindLabel = map[domain.ItemKind]string{domain.ItemGeneral: "一般", domain.ItemKey: "重点"}
)

// ReadJointLists reads a joint-list file, resolving industries and
// departments through ref. Errors as for ReadEntities: an unknown
// department, a bad ratio or a missing item in any row returns a
// *domain.ValidationError naming every bad row, and no rows.
func ReadJointLists(r io.Reader, filename string, ref Reference, o Options) ([]domain.JointListRow, error) {
	const op = "importx.ReadJointLists"
	res := newResolver(ref)
	var (
		out []domain.JointListRow
		ve  = &domain.ValidationError{Op: op}
	)
	err := readTable(op, r, filename, o, listColumns, func(rec *record) {
		lr := domain.JointListRow{
			Row:        rec.row,
			ItemCode:   rec.get(domain.FieldItemCode),
			ItemName:   rec.get(domain.FieldItemName),
			Content:    rec.get(domain.FieldItemContent),
			LegalBasis: rec.get(domain.FieldItemBasis),
			Division:   rec.get(domain.FieldListDivision),
			Subject:    rec.get(domain.FieldListSubject),
			Notes:      rec.get(domain.FieldListNotes),
		}
		if s := rec.get(domain.FieldListIndustry); s != "" {
			if v, ok := res.industries.get(s); ok {
				lr.Industry = v
			} else {
				rec.fail(domain.FieldListIndustry, s, "err.import.unknown_industry")
			}
		}
		for _, f := range []struct {
			field string
			dst   *int64
		}{{domain.FieldListLead, &lr.Lead}, {domain.FieldListDepartment, &lr.Department}} {
			if s := rec.get(f.field); s != "" {
				if v, ok := res.departments.get(s); ok {
					*f.dst = v
				} else {
					rec.fail(f.field, s, "err.import.unknown_department")
				}
			}
		}
		if s := rec.get(domain.FieldListRatios); s != "" {
			if v, ok := domain.ParseRatios(s); ok {
				lr.Ratios = v
			} else {
				rec.fail(domain.FieldListRatios, s, "err.lists.ratios")
			}
		}
		if s := rec.get(domain.FieldListFrequency); s != "" {
			if v, ok := domain.ParseFrequency(s); ok {
				lr.Frequency = v
			} else {
				rec.fail(domain.FieldListFrequency, s, "err.lists.frequency")
			}
		}
		if s := rec.get(domain.FieldItemMethod); s != "" {
			if v, ok := methodChoice.parse(s); ok {
				lr.Method = v
			} else {
				rec.fail(domain.FieldItemMethod, s, "err.import.bad_choice", "allowed", methodChoice.allowed)
			}
		}
		if s := rec.get(domain.FieldItemKind); s != "" {
			if v, ok := itemKindChoice.parse(s); ok {
				lr.Kind = v
			} else {
				rec.fail(domain.FieldItemKind, s, "err.import.bad_choice", "allowed", itemKindChoice.allowed)
			}
		}
		v := &domain.ValidationError{}
		domain.CheckText(v, rec.row, domain.FieldItemName, lr.ItemName, true)
		domain.CheckLongText(v, rec.row, domain.FieldItemContent, lr.Content, true)
		domain.CheckLongText(v, rec.row, domain.FieldItemBasis, lr.LegalBasis, true)
		domain.CheckText(v, rec.row, domain.FieldItemCode, lr.ItemCode, false)
		domain.CheckLongText(v, rec.row, domain.FieldListDivision, lr.Division, false)
		domain.CheckText(v, rec.row, domain.FieldListSubject, lr.Subject, false)
		domain.CheckLongText(v, rec.row, domain.FieldListNotes, lr.Notes, false)
		rec.merge(v)
		if len(rec.errs) > 0 {
			ve.Errors = append(ve.Errors, rec.sorted()...)
			return
		}
		out = append(out, lr)
	})
	if err != nil {
		return nil, err
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// WriteJointLists writes versions of joint lists in the import columns
// with Chinese headers, as "xlsx" or "csv": one row per item, the list-wide
// columns on every row, so that the file reads back as the same lists.
func WriteJointLists(w io.Writer, format string, ref Reference, versions []*domain.JointListVersion) error {
	const op = "importx.WriteJointLists"
	names := map[int64]string{}
	for _, d := range ref.Departments {
		names[d.ID] = d.Name
	}
	rw, err := newRowWriter(op, w, format, "联合抽查事项清单", listColumns)
	if err != nil {
		return err
	}
	if _, ok := rw.(*csvWriter); ok {
		if err := rw.write(headerCells(listColumns)); err != nil {
			return err
		}
	}
	cells := make([]string, len(listColumns))
	seq := 0
	for _, v := range versions {
		for _, p := range v.Parts {
			for _, it := range p.Items {
				seq++
				for i, c := range listColumns {
					var s string
					switch c.field {
					case fieldSeq:
						s = strconv.Itoa(seq)
					case domain.FieldListIndustry:
						s = v.IndustryName
					case domain.FieldListLead:
						s = names[v.LeadDepartmentID]
					case domain.FieldListDepartment:
						s = names[p.DepartmentID]
					case domain.FieldItemName:
						s = it.Name
					case domain.FieldItemContent:
						s = it.Content
					case domain.FieldItemBasis:
						s = it.LegalBasis
					case domain.FieldListDivision:
						s = p.Division
					case domain.FieldListRatios:
						s = v.Ratios.String()
					case domain.FieldListFrequency:
						s = domain.FrequencyText(v.Frequency)
					case domain.FieldListNotes:
						s = v.Notes
					case domain.FieldItemCode:
						s = it.Code
					case domain.FieldListSubject:
						s = v.Subject
					case domain.FieldItemMethod:
						s = labelOr(methodLabel, it.Method)
					case domain.FieldItemKind:
						s = labelOr(itemKindLabel, it.Kind)
					}
					cells[i] = s
				}
				if err := rw.write(cells); err != nil {
					abort(rw)
					return err
				}
			}
		}
	}
	return rw.close()
}
