package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// errListDryRun rolls back the transaction of a dry run.
var errListDryRun = errors.New("store: dry run")

// listPlan is what an import will do to one industry's list.
type listPlan struct {
	industry string
	name     string
	lead     int64
	firstRow int
	header   domain.ListHeader
	depts    []int64          // lead first, then in order of appearance
	division map[int64]string // first non-empty per department
	items    map[int64][]*planItem
}

// planItem is one item of a part: an existing catalogue item (id) or one
// to create.
type planItem struct {
	row  int
	id   int64
	item domain.CatalogItem
}

// ImportJointLists writes the joint lists of a file (importx.ReadJointLists)
// in one transaction, all or nothing: every row is checked first, and any
// problem (a lead department the actor may not draft for, an item missing
// from the catalogue of a department whose catalogue the actor may not
// edit, a list-wide value missing, an item twice) makes it return a
// *domain.ValidationError naming the rows, having written nothing.
//
// For each industry in the file the list gets a draft with exactly the
// file's departments and items: a new list, a new version of a published
// list (opt.Reason required), or the open draft rewritten. Items are found
// in the departments' catalogues by code, else by name; missing ones are
// added to the catalogue when the actor may edit it. Every co-department
// must confirm its part again before the office publishes.
func (s *Store) ImportJointLists(ctx context.Context, a domain.Actor, rows []domain.JointListRow, opt domain.ListImportOptions) (*domain.ListImportReport, error) {
	const op = "ImportJointLists"
	// Only who may draft lists for some department imports them; which
	// leads the actor may draft for is checked row by row.
	if !domain.Can(a, domain.ActDraftList, a.DepartmentID) {
		return nil, domain.Require("store."+op, a, domain.ActDraftList, a.DepartmentID)
	}
	if len(rows) == 0 {
		return nil, domain.E("store."+op, domain.KindInvalid, "err.import_empty")
	}
	opt.Reason = strings.TrimSpace(opt.Reason)
	rep := &domain.ListImportReport{DryRun: opt.DryRun, Lists: []domain.ListImportChange{}}
	err := s.inTx(ctx, op, func(tx *sql.Tx) error {
		plans, err := s.planListImport(ctx, tx, a, op, rows, opt)
		if err != nil {
			return err
		}
		for _, p := range plans {
			c, created, err := s.writeListPlan(ctx, tx, a, p, opt)
			if err != nil {
				return err
			}
			rep.Lists = append(rep.Lists, c)
			rep.ItemsCreated += created
		}
		if opt.DryRun {
			return errListDryRun
		}
		return nil
	})
	if errors.Is(err, errListDryRun) {
		return rep, nil
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}

func (s *Store) planListImport(ctx context.Context, tx *sql.Tx, a domain.Actor, op string, rows []domain.JointListRow, opt domain.ListImportOptions) ([]*listPlan, error) {
	v := &domain.ValidationError{Op: "store." + op}
	fail := func(row int, field, value, key string, args ...any) {
		fe := domain.FieldErr(field, value, key, args...)
		fe.Row = row
		v.Add(fe)
	}
	depts, err := s.ListDepartments(ctx)
	if err != nil {
		return nil, err
	}
	deptByID := map[int64]domain.Department{}
	for _, d := range depts {
		deptByID[d.ID] = d
	}
	byIndustry := map[string]*listPlan{}
	var plans []*listPlan
	seen := map[string]int{} // industry/department/item → first row
	for _, r := range rows {
		p := byIndustry[r.Industry]
		if p == nil {
			var name string
			err := tx.QueryRowContext(ctx, `SELECT name FROM industries WHERE code = $1`, r.Industry).Scan(&name)
			if errors.Is(err, sql.ErrNoRows) {
				fail(r.Row, domain.FieldListIndustry, r.Industry, "err.unknown_industry")
				continue
			}
			if err != nil {
				return nil, err
			}
			p = &listPlan{industry: r.Industry, name: name, lead: r.Lead, firstRow: r.Row, depts: []int64{r.Lead},
				division: map[int64]string{}, items: map[int64][]*planItem{}}
			byIndustry[r.Industry] = p
			plans = append(plans, p)
			if !domain.Can(a, domain.ActDraftList, r.Lead) {
				fail(r.Row, domain.FieldListLead, deptByID[r.Lead].Name, "err.lists.lead_forbidden")
			}
		}
		if r.Lead != p.lead {
			fail(r.Row, domain.FieldListLead, deptByID[r.Lead].Name, "err.lists.lead_differs", "first", p.firstRow)
			continue
		}
		if !slices.Contains(p.depts, r.Department) {
			p.depts = append(p.depts, r.Department)
		}
		if p.division[r.Department] == "" {
			p.division[r.Department] = strings.TrimSpace(r.Division)
		}
		if p.header.Ratios == nil && r.Ratios != nil {
			p.header.Ratios = r.Ratios
		}
		if p.header.Frequency == 0 {
			p.header.Frequency = r.Frequency
		}
		if p.header.Subject == "" {
			p.header.Subject = r.Subject
		}
		if p.header.Notes == "" {
			p.header.Notes = r.Notes
		}
		it := domain.CatalogItem{DepartmentID: r.Department, Code: r.ItemCode, Name: r.ItemName, Content: r.Content,
			LegalBasis: r.LegalBasis, Method: r.Method, Kind: r.Kind}
		domain.NormalizeCatalogItem(&it)
		key := fmt.Sprintf("%s/%d/%s", r.Industry, r.Department, it.Name)
		if first, dup := seen[key]; dup {
			fail(r.Row, domain.FieldItemName, it.Name, "err.duplicate_row", "first", first)
			continue
		}
		seen[key] = r.Row
		old, err := s.findCatalogItem(ctx, tx, r.Department, it.Code, it.Name)
		if err != nil {
			return nil, err
		}
		pi := &planItem{row: r.Row, item: it}
		switch {
		case old != nil && old.Content == it.Content && old.LegalBasis == it.LegalBasis:
			pi.id = old.ID
		case !domain.Can(a, domain.ActEditCatalogue, r.Department) && old == nil:
			fail(r.Row, domain.FieldItemName, it.Name, "err.lists.item_unknown", "department", deptByID[r.Department].Name)
			continue
		case !domain.Can(a, domain.ActEditCatalogue, r.Department):
			fail(r.Row, domain.FieldItemContent, it.Name, "err.lists.item_differs", "department", deptByID[r.Department].Name)
			continue
		case old != nil:
			// The file updates the catalogue item's texts.
			upd := *old
			upd.Content, upd.LegalBasis = it.Content, it.LegalBasis
			pi.id, pi.item = old.ID, upd
		}
		p.items[r.Department] = append(p.items[r.Department], pi)
	}
	for _, p := range plans {
		p.header.Reason = opt.Reason
		if p.header.Subject == "" {
			p.header.Subject = p.name
		}
		domain.NormalizeHeader(&p.header)
		hv := domain.ValidateHeader(&p.header, 1, p.firstRow)
		for _, fe := range hv.Errors {
			v.Add(fe)
		}
		if len(p.depts) < 2 {
			fail(p.firstRow, domain.FieldListDepartment, "", "err.lists.no_co_departments")
		}
		var cur int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(v.number), 0) FROM joint_list_versions v JOIN joint_lists l ON l.id = v.list_id
WHERE l.industry_code = $1 AND v.status = 'published'`, p.industry).Scan(&cur); err != nil {
			return nil, err
		}
		if cur > 0 && opt.Reason == "" {
			fail(p.firstRow, domain.FieldListReason, "", "err.lists.reason_for_import", "industry", p.name)
		}
		var lead int64
		err := tx.QueryRowContext(ctx, `SELECT lead_department_id FROM joint_lists WHERE industry_code = $1`, p.industry).Scan(&lead)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return nil, err
		case lead != p.lead:
			fail(p.firstRow, domain.FieldListLead, deptByID[p.lead].Name, "err.lists.lead_changed", "lead", deptByID[lead].Name)
		}
		// Rows of one item are checked item by item above; the item texts
		// of the catalogue rules are checked here, with the row.
		for _, items := range p.items {
			for _, pi := range items {
				for _, fe := range domain.ValidateCatalogItem(&pi.item, pi.row).Errors {
					if fe.Field != domain.FieldItemCode { // a missing code is generated
						v.Add(fe)
					}
				}
			}
		}
	}
	if err := v.Err(); err != nil {
		slices.SortStableFunc(v.Errors, func(x, y domain.FieldError) int { return x.Row - y.Row })
		return nil, v
	}
	return plans, nil
}

// findCatalogItem finds a department's item by code, else by name; nil if
// none.
func (s *Store) findCatalogItem(ctx context.Context, q querier, dept int64, code, name string) (*domain.CatalogItem, error) {
	where, arg := "name = $2", name
	if code != "" {
		where, arg = "code = $2", code
	}
	var it domain.CatalogItem
	err := scanCatalogItem(q.QueryRowContext(ctx, "SELECT "+catalogCols+" FROM catalog_items WHERE department_id = $1 AND "+where+" ORDER BY id LIMIT 1", dept, arg), &it)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &it, nil
}

// writeListPlan writes one industry's draft; it returns what it did and how
// many catalogue items it created.
func (s *Store) writeListPlan(ctx context.Context, tx *sql.Tx, a domain.Actor, p *listPlan, opt domain.ListImportOptions) (domain.ListImportChange, int, error) {
	c := domain.ListImportChange{Industry: p.industry}
	created := 0
	for _, d := range p.depts {
		for _, pi := range p.items[d] {
			switch {
			case pi.id == 0:
				if pi.item.Code == "" {
					code, err := s.nextItemCode(ctx, tx, d)
					if err != nil {
						return c, 0, err
					}
					pi.item.Code = code
				}
				if err := s.saveCatalogItem(ctx, tx, a, "ImportJointLists", &pi.item); err != nil {
					return c, 0, err
				}
				pi.id = pi.item.ID
				created++
			case pi.item.ID != 0:
				if err := s.saveCatalogItem(ctx, tx, a, "ImportJointLists", &pi.item); err != nil {
					return c, 0, err
				}
			}
		}
	}
	var listID int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM joint_lists WHERE industry_code = $1`, p.industry).Scan(&listID)
	var v *domain.JointListVersion
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if err := tx.QueryRowContext(ctx, `INSERT INTO joint_lists (industry_code, lead_department_id, created_at) VALUES ($1, $2, $3) RETURNING id`,
			p.industry, p.lead, s.ts(s.clock())).Scan(&listID); err != nil {
			return c, 0, err
		}
		if v, err = s.insertDraft(ctx, tx, a, listID, 1, p.header); err != nil {
			return c, 0, err
		}
		c.Op = "create"
	case err != nil:
		return c, 0, err
	default:
		old, err := loadVersion(ctx, tx, `v.list_id = $1 AND v.number = (SELECT max(number) FROM joint_list_versions WHERE list_id = $1)`, listID)
		if err != nil {
			return c, 0, err
		}
		if old.Status == domain.ListDraft {
			if p.header.Reason == "" {
				p.header.Reason = old.Reason
			}
			for _, q := range []string{`DELETE FROM joint_list_items WHERE version_id = $1`, `DELETE FROM joint_list_parts WHERE version_id = $1`} {
				if _, err := tx.ExecContext(ctx, q, old.ID); err != nil {
					return c, 0, err
				}
			}
			h := p.header
			if _, err := tx.ExecContext(ctx, `UPDATE joint_list_versions SET reason = $1, subject = $2, frequency = $3, ratio_a = $4, ratio_b = $5,
ratio_c = $6, ratio_d = $7, notes = $8 WHERE id = $9`, h.Reason, h.Subject, h.Frequency, int(h.Ratios[domain.RiskA]), int(h.Ratios[domain.RiskB]),
				int(h.Ratios[domain.RiskC]), int(h.Ratios[domain.RiskD]), h.Notes, old.ID); err != nil {
				return c, 0, err
			}
			v, c.Op = old, "replace"
		} else {
			if v, err = s.insertDraft(ctx, tx, a, listID, old.Number+1, p.header); err != nil {
				return c, 0, err
			}
			c.Op = "version"
		}
	}
	for i, d := range p.depts {
		if err := s.insertPart(ctx, tx, v.ID, d, i, i == 0, p.division[d]); err != nil {
			return c, 0, err
		}
		ids := make([]int64, len(p.items[d]))
		for j, pi := range p.items[d] {
			ids[j] = pi.id
		}
		items, err := s.snapshotItems(ctx, tx, "ImportJointLists", d, ids, ids)
		if err != nil {
			return c, 0, err
		}
		if err := s.insertItems(ctx, tx, v.ID, items); err != nil {
			return c, 0, err
		}
		c.Items += len(items)
	}
	full, err := loadVersion(ctx, tx, "v.id = $1", v.ID)
	if err != nil {
		return c, 0, err
	}
	c.VersionID, c.Number = full.ID, full.Number
	return c, created, s.auditVersion(ctx, tx, a, "joint_list_version.import", full, 0, nil, full)
}

// nextItemCode gives a new item code for a department's catalogue:
// "<department code>-<n>", n one more than the number of its items, and
// further until free.
func (s *Store) nextItemCode(ctx context.Context, tx *sql.Tx, dept int64) (string, error) {
	d, err := s.getDepartment(ctx, tx, dept)
	if err != nil {
		return "", err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM catalog_items WHERE department_id = $1`, dept).Scan(&n); err != nil {
		return "", err
	}
	for {
		n++
		code := fmt.Sprintf("%s-%03d", d.Code, n)
		var x int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM catalog_items WHERE department_id = $1 AND code = $2`, dept, code).Scan(&x); err != nil {
			return "", err
		}
		if x == 0 {
			return code, nil
		}
	}
}
