package importx

import (
	"io"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// catalogColumns are the columns of a department's item catalogue (检查事
// 项清单) file: one row per item. 事项编码 matches an existing item of the
// department (else its name does); a row without a code and with a new name
// adds an item and the store gives it the next free code.
var catalogColumns = []column{
	{fieldSeq, []string{"序号", "No."}, false, kindText},
	{domain.FieldDepartment, []string{"部门", "实施部门", "检查部门", "所属部门", "department"}, true, kindText},
	{domain.FieldItemCode, []string{"事项编码", "事项代码", "item_code"}, false, kindCode},
	{domain.FieldItemName, []string{"抽查事项", "检查事项", "事项名称", "item"}, true, kindText},
	{domain.FieldItemContent, []string{"检查内容", "content"}, true, kindText},
	{domain.FieldItemBasis, []string{"检查依据", "法律依据", "legal_basis"}, true, kindText},
	{domain.FieldItemMethod, []string{"检查方式", "method"}, false, kindText},
	{domain.FieldItemKind, []string{"事项类别", "事项类型", "kind"}, false, kindText},
	{domain.FieldItemResults, []string{"结果选项", "检查结果选项", "results"}, false, kindText},
	{domain.FieldItemStatus, []string{"状态", "事项状态", "status"}, false, kindText},
}

var (
	itemStatusChoice = newChoice("有效、停用 / active, retired",
		map[domain.ItemStatus][]string{
			domain.ItemActive:  {"有效", "启用", "正常"},
			domain.ItemRetired: {"停用", "废止", "失效"},
		})
	itemStatusLabel = map[domain.ItemStatus]string{domain.ItemActive: "有效", domain.ItemRetired: "停用"}
)

// resultsSeparators split the 结果选项 cell: people write 符合、不符合、不涉及
// or with slashes, semicolons or commas.
const resultsSeparators = "、/;；,，\n"

// ReadCatalog reads an item-catalogue file, resolving departments through
// ref. Errors as for ReadEntities: an unknown department, method, kind or
// status, or a missing name, content or legal basis in any row returns a
// *domain.ValidationError naming every bad row, and no rows. Empty
// optional cells take the defaults (实地核查, 一般, 符合/不符合/不涉及, 有效).
func ReadCatalog(r io.Reader, filename string, ref Reference, o Options) ([]domain.CatalogRow, error) {
	const op = "importx.ReadCatalog"
	res := newResolver(ref)
	var (
		out  []domain.CatalogRow
		ve   = &domain.ValidationError{Op: op}
		seen = newRepeats()
	)
	err := readTable(op, r, filename, o, catalogColumns, func(rec *record) {
		it := domain.CatalogItem{
			Code:       rec.get(domain.FieldItemCode),
			Name:       rec.get(domain.FieldItemName),
			Content:    rec.get(domain.FieldItemContent),
			LegalBasis: rec.get(domain.FieldItemBasis),
		}
		if s := rec.get(domain.FieldDepartment); s != "" {
			if v, ok := res.departments.get(s); ok {
				it.DepartmentID = v
			} else {
				rec.fail(domain.FieldDepartment, s, "err.import.unknown_department")
			}
		}
		if s := rec.get(domain.FieldItemMethod); s != "" {
			if v, ok := methodChoice.parse(s); ok {
				it.Method = v
			} else {
				rec.fail(domain.FieldItemMethod, s, "err.import.bad_choice", "allowed", methodChoice.allowed)
			}
		}
		if s := rec.get(domain.FieldItemKind); s != "" {
			if v, ok := itemKindChoice.parse(s); ok {
				it.Kind = v
			} else {
				rec.fail(domain.FieldItemKind, s, "err.import.bad_choice", "allowed", itemKindChoice.allowed)
			}
		}
		if s := rec.get(domain.FieldItemStatus); s != "" {
			if v, ok := itemStatusChoice.parse(s); ok {
				it.Status = v
			} else {
				rec.fail(domain.FieldItemStatus, s, "err.import.bad_choice", "allowed", itemStatusChoice.allowed)
			}
		}
		if s := rec.get(domain.FieldItemResults); s != "" {
			it.Results = strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(resultsSeparators, r) })
		}
		domain.NormalizeCatalogItem(&it)
		v := domain.ValidateCatalogItem(&it, rec.row)
		// The code may be empty here: the store assigns one to a new item.
		kept := v.Errors[:0]
		for _, fe := range v.Errors {
			if fe.Field == domain.FieldItemCode && fe.Key == "err.required" || fe.Field == domain.FieldDepartment && rec.get(domain.FieldDepartment) != "" {
				continue
			}
			kept = append(kept, fe)
		}
		v.Errors = kept
		rec.merge(v)
		// One item once per file: by its code, or by its name when the
		// row has no code.
		if it.DepartmentID != 0 && len(rec.errs) == 0 {
			key, field, value := "code\x00"+it.Code, domain.FieldItemCode, it.Code
			if it.Code == "" {
				key, field, value = "name\x00"+it.Name, domain.FieldItemName, it.Name
			}
			if f, dup := seen.see(strconv.FormatInt(it.DepartmentID, 10)+"\x00"+key, rec.row, field, value); dup {
				rec.fail(field, value, "err.import.duplicate_item", "first", f)
			}
		}
		if len(rec.errs) > 0 {
			ve.Errors = append(ve.Errors, rec.sorted()...)
			return
		}
		out = append(out, domain.CatalogRow{Row: rec.row, Item: it})
	})
	if err != nil {
		return nil, err
	}
	seen.report(ve, "err.import.item_repeated")
	if err := ve.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// WriteCatalog writes catalogue items in the import columns with Chinese
// headers, as "xlsx" or "csv", so that the file reads back as the same
// items.
func WriteCatalog(w io.Writer, format string, ref Reference, items []domain.CatalogItem) error {
	const op = "importx.WriteCatalog"
	names := map[int64]string{}
	for _, d := range ref.Departments {
		names[d.ID] = d.Name
	}
	rw, err := newRowWriter(op, w, format, "检查事项清单", catalogColumns)
	if err != nil {
		return err
	}
	if _, ok := rw.(*csvWriter); ok {
		if err := rw.write(headerCells(catalogColumns)); err != nil {
			return err
		}
	}
	cells := make([]string, len(catalogColumns))
	for n, it := range items {
		for i, c := range catalogColumns {
			var s string
			switch c.field {
			case fieldSeq:
				s = strconv.Itoa(n + 1)
			case domain.FieldDepartment:
				s = names[it.DepartmentID]
			case domain.FieldItemCode:
				s = it.Code
			case domain.FieldItemName:
				s = it.Name
			case domain.FieldItemContent:
				s = it.Content
			case domain.FieldItemBasis:
				s = it.LegalBasis
			case domain.FieldItemMethod:
				s = labelOr(methodLabel, it.Method)
			case domain.FieldItemKind:
				s = labelOr(itemKindLabel, it.Kind)
			case domain.FieldItemResults:
				s = strings.Join(it.Results, "、")
			case domain.FieldItemStatus:
				s = labelOr(itemStatusLabel, it.Status)
			}
			cells[i] = s
		}
		if err := rw.write(cells); err != nil {
			abort(rw)
			return err
		}
	}
	return rw.close()
}
