package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// This file keeps the departments' item catalogues (检查事项) and the joint
// lists (一业一查联合抽查事项清单): drafting by the lead department, the
// co-departments' sign-off, publication by the office, and new versions.
// Published versions are public and immutable (the migration's triggers
// refuse any change to them); everything else needs domain.ActViewLists.

// --- catalogue ------------------------------------------------------------------

const catalogCols = `id, department_id, code, name, content, legal_basis, method, kind, results, status, updated_at`

func scanCatalogItem(sc interface{ Scan(...any) error }, it *domain.CatalogItem) error {
	var results string
	if err := sc.Scan(&it.ID, &it.DepartmentID, &it.Code, &it.Name, &it.Content, &it.LegalBasis, &it.Method, &it.Kind,
		&results, &it.Status, timeCol{&it.UpdatedAt}); err != nil {
		return err
	}
	return json.Unmarshal([]byte(results), &it.Results)
}

func resultsJSON(r []string) string {
	b, _ := json.Marshal(r) // a []string always marshals
	return string(b)
}

// ListCatalogItems returns the catalogue items matching f, by department
// and code. Catalogues are small (tens of items per department), so there
// is no paging.
func (s *Store) ListCatalogItems(ctx context.Context, a domain.Actor, f domain.CatalogFilter) ([]domain.CatalogItem, error) {
	const op = "ListCatalogItems"
	if err := domain.Require("store."+op, a, domain.ActViewLists, 0); err != nil {
		return nil, err
	}
	if err := refuseBadText(op, domain.FieldQuery, f.Query, domain.FieldItemStatus, string(f.Status)); err != nil {
		return nil, err
	}
	var args sqlArgs
	var where []string
	if f.DepartmentID != 0 {
		where = append(where, "department_id = "+args.add(f.DepartmentID))
	}
	if f.Status != "" {
		where = append(where, "status = "+args.add(string(f.Status)))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		p := args.add("%" + likeEscape(q) + "%")
		where = append(where, "(code LIKE "+p+` ESCAPE '\' OR name LIKE `+p+` ESCAPE '\' OR content LIKE `+p+` ESCAPE '\')`)
	}
	q := "SELECT " + catalogCols + " FROM catalog_items"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.read.QueryContext(ctx, q+" ORDER BY department_id, code, id", args...)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	out := []domain.CatalogItem{}
	for rows.Next() {
		var it domain.CatalogItem
		if err := scanCatalogItem(rows, &it); err != nil {
			return nil, internal(op, err)
		}
		out = append(out, it)
	}
	return out, internal(op, rows.Err())
}

// GetCatalogItem returns one catalogue item; KindNotFound if none.
func (s *Store) GetCatalogItem(ctx context.Context, a domain.Actor, id int64) (*domain.CatalogItem, error) {
	const op = "GetCatalogItem"
	if err := domain.Require("store."+op, a, domain.ActViewLists, 0); err != nil {
		return nil, err
	}
	return s.getCatalogItem(ctx, s.read, id)
}

func (s *Store) getCatalogItem(ctx context.Context, q querier, id int64) (*domain.CatalogItem, error) {
	var it domain.CatalogItem
	err := scanCatalogItem(q.QueryRowContext(ctx, "SELECT "+catalogCols+" FROM catalog_items WHERE id = $1", id), &it)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("GetCatalogItem")
	}
	if err != nil {
		return nil, internal("GetCatalogItem", err)
	}
	return &it, nil
}

// SaveCatalogItem creates (ID 0) or updates an item of a department's
// catalogue. Department staff edit their own department's catalogue only;
// an item never moves to another department (its ID is its identity in
// every list version that holds it).
func (s *Store) SaveCatalogItem(ctx context.Context, a domain.Actor, it *domain.CatalogItem) error {
	const op = "SaveCatalogItem"
	if err := domain.Require("store."+op, a, domain.ActEditCatalogue, it.DepartmentID); err != nil {
		return err
	}
	domain.NormalizeCatalogItem(it)
	if err := domain.ValidateCatalogItem(it, 0).Err(); err != nil {
		return err
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		return s.saveCatalogItem(ctx, tx, a, op, it)
	})
}

func (s *Store) saveCatalogItem(ctx context.Context, tx *sql.Tx, a domain.Actor, op string, it *domain.CatalogItem) error {
	if _, err := s.getDepartment(ctx, tx, it.DepartmentID); err != nil {
		if domain.IsKind(err, domain.KindNotFound) {
			return &domain.ValidationError{Op: "store." + op, Errors: []domain.FieldError{{Field: domain.FieldDepartment, Key: "err.unknown_department"}}}
		}
		return err
	}
	var before *domain.CatalogItem
	if it.ID != 0 {
		old, err := s.getCatalogItem(ctx, tx, it.ID)
		if err != nil {
			return err
		}
		if old.DepartmentID != it.DepartmentID {
			return domain.E("store."+op, domain.KindInvalid, "err.lists.item_moved").WithField(domain.FieldDepartment)
		}
		before = old
	}
	now := s.clock()
	var err error
	if before == nil {
		err = tx.QueryRowContext(ctx, `INSERT INTO catalog_items (department_id, code, name, content, legal_basis, method, kind, results, status, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			it.DepartmentID, it.Code, it.Name, it.Content, it.LegalBasis, string(it.Method), string(it.Kind), resultsJSON(it.Results),
			string(it.Status), s.ts(now)).Scan(&it.ID)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE catalog_items SET code = $1, name = $2, content = $3, legal_basis = $4, method = $5, kind = $6,
results = $7, status = $8, updated_at = $9 WHERE id = $10`,
			it.Code, it.Name, it.Content, it.LegalBasis, string(it.Method), string(it.Kind), resultsJSON(it.Results), string(it.Status), s.ts(now), it.ID)
	}
	if isUnique(err) {
		return domain.E("store."+op, domain.KindConflict, "err.lists.item_code_taken", "code", it.Code).WithField(domain.FieldItemCode)
	}
	if err != nil {
		return err
	}
	it.UpdatedAt = now
	action := "catalog_item.create"
	var beforeV any
	if before != nil {
		action, beforeV = "catalog_item.update", before
	}
	return s.audit(ctx, tx, a, auditRec{Action: action, ObjectType: "catalog_item", ObjectKey: strconv.FormatInt(it.ID, 10),
		Dept: it.DepartmentID, Before: beforeV, After: it})
}

// --- reading joint lists -----------------------------------------------------------

const versionCols = `v.id, v.list_id, l.industry_code, i.name, l.lead_department_id, v.number, v.status, v.reason, v.subject, v.frequency,
v.ratio_a, v.ratio_b, v.ratio_c, v.ratio_d, v.notes, v.created_at, v.created_by, v.published_at, v.published_by`

const versionFrom = ` FROM joint_list_versions v JOIN joint_lists l ON l.id = v.list_id JOIN industries i ON i.code = l.industry_code`

func scanVersion(sc interface{ Scan(...any) error }, v *domain.JointListVersion) error {
	var a, b, c, d int
	err := sc.Scan(&v.ID, &v.ListID, &v.IndustryCode, &v.IndustryName, &v.LeadDepartmentID, &v.Number, &v.Status, &v.Reason,
		&v.Subject, &v.Frequency, &a, &b, &c, &d, &v.Notes, timeCol{&v.CreatedAt}, &v.CreatedBy, timeCol{&v.PublishedAt}, &v.PublishedBy)
	v.Ratios = domain.Ratios{domain.RiskA: domain.Ratio(a), domain.RiskB: domain.Ratio(b), domain.RiskC: domain.Ratio(c), domain.RiskD: domain.Ratio(d)}
	return err
}

// loadVersion reads one complete version (header, parts, items); it does
// not check rights.
func loadVersion(ctx context.Context, q querier, where string, args ...any) (*domain.JointListVersion, error) {
	var v domain.JointListVersion
	err := scanVersion(q.QueryRowContext(ctx, "SELECT "+versionCols+versionFrom+" WHERE "+where, args...), &v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("GetJointListVersion")
	}
	if err != nil {
		return nil, err
	}
	v.Parts = []domain.ListPart{}
	rows, err := q.QueryContext(ctx, `SELECT department_id, lead, division, confirmed_at, confirmed_by FROM joint_list_parts
WHERE version_id = $1 ORDER BY position`, v.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p domain.ListPart
		if err := rows.Scan(&p.DepartmentID, &p.Lead, &p.Division, timeCol{&p.ConfirmedAt}, &p.ConfirmedBy); err != nil {
			rows.Close()
			return nil, err
		}
		p.Items = []domain.ListItem{}
		v.Parts = append(v.Parts, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT item_id, department_id, code, name, content, legal_basis, method, kind, results
FROM joint_list_items WHERE version_id = $1 ORDER BY department_id, position`, v.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var it domain.ListItem
		var results string
		if err := rows.Scan(&it.ItemID, &it.DepartmentID, &it.Code, &it.Name, &it.Content, &it.LegalBasis, &it.Method, &it.Kind, &results); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(results), &it.Results); err != nil {
			return nil, err
		}
		if p := v.Part(it.DepartmentID); p != nil {
			p.Items = append(p.Items, it)
		}
	}
	return &v, rows.Err()
}

// mayRead refuses a draft to whoever may not view lists; published
// versions are public.
func mayRead(op string, a domain.Actor, v *domain.JointListVersion) error {
	if v.Status == domain.ListPublished {
		return nil
	}
	if !domain.Can(a, domain.ActViewLists, v.LeadDepartmentID) {
		return notFound(op) // a draft does not exist for the public
	}
	return nil
}

// GetJointListVersion returns one version, complete: its header and, lead
// department first, each department's division of labour and items (with
// the stable catalogue item IDs). Published versions are public (any
// actor, the zero Actor included); a draft needs domain.ActViewLists and
// is KindNotFound for others.
func (s *Store) GetJointListVersion(ctx context.Context, a domain.Actor, versionID int64) (*domain.JointListVersion, error) {
	const op = "GetJointListVersion"
	v, err := loadVersion(ctx, s.read, "v.id = $1", versionID)
	if err != nil {
		return nil, internal(op, err)
	}
	return v, mayRead(op, a, v)
}

// GetJointListVersionByNumber is GetJointListVersion by list and number.
func (s *Store) GetJointListVersionByNumber(ctx context.Context, a domain.Actor, listID int64, number int) (*domain.JointListVersion, error) {
	const op = "GetJointListVersionByNumber"
	v, err := loadVersion(ctx, s.read, "v.list_id = $1 AND v.number = $2", listID, number)
	if err != nil {
		return nil, internal(op, err)
	}
	return v, mayRead(op, a, v)
}

// CurrentJointListVersion returns the latest published version of the
// joint list of an industry (public); KindNotFound when the industry has no
// published list. Plans take their tasks' departments, items and default
// ratios from it.
func (s *Store) CurrentJointListVersion(ctx context.Context, industryCode string) (*domain.JointListVersion, error) {
	const op = "CurrentJointListVersion"
	if err := refuseBadText(op, domain.FieldIndustry, industryCode); err != nil {
		return nil, err
	}
	v, err := loadVersion(ctx, s.read, `l.industry_code = $1 AND v.status = 'published' AND v.number =
(SELECT max(number) FROM joint_list_versions WHERE list_id = l.id AND status = 'published')`, industryCode)
	return v, internal(op, err)
}

// CurrentJointListVersions returns the latest published version of every
// joint list, by industry code: the county's summary list (一业一查清单).
func (s *Store) CurrentJointListVersions(ctx context.Context) ([]*domain.JointListVersion, error) {
	const op = "CurrentJointListVersions"
	rows, err := s.read.QueryContext(ctx, `SELECT v.id FROM joint_list_versions v JOIN joint_lists l ON l.id = v.list_id
WHERE v.status = 'published' AND v.number = (SELECT max(number) FROM joint_list_versions WHERE list_id = l.id AND status = 'published')
ORDER BY l.industry_code`)
	if err != nil {
		return nil, internal(op, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, internal(op, err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	out := make([]*domain.JointListVersion, 0, len(ids))
	for _, id := range ids {
		v, err := loadVersion(ctx, s.read, "v.id = $1", id)
		if err != nil {
			return nil, internal(op, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// ListJointLists returns the joint lists matching f, by industry code, each
// without its versions. With f.Published (the portal) it is public and
// returns only lists with a published version, matched on that version;
// otherwise it needs domain.ActViewLists and matches on the latest version,
// draft included.
func (s *Store) ListJointLists(ctx context.Context, a domain.Actor, f domain.JointListFilter) ([]domain.JointList, error) {
	const op = "ListJointLists"
	if !f.Published {
		if err := domain.Require("store."+op, a, domain.ActViewLists, 0); err != nil {
			return nil, err
		}
	}
	if err := refuseBadText(op, domain.FieldIndustry, f.Industry, domain.FieldQuery, f.Query); err != nil {
		return nil, err
	}
	var args sqlArgs
	// The version a list is matched on: its latest (published) one.
	latest := "(SELECT max(number) FROM joint_list_versions WHERE list_id = l.id)"
	if f.Published {
		latest = "(SELECT max(number) FROM joint_list_versions WHERE list_id = l.id AND status = 'published')"
	}
	where := []string{latest + " IS NOT NULL"}
	if f.Industry != "" {
		where = append(where, "l.industry_code = "+args.add(f.Industry))
	}
	if f.DepartmentID != 0 {
		where = append(where, `EXISTS (SELECT 1 FROM joint_list_parts p JOIN joint_list_versions v ON v.id = p.version_id
WHERE v.list_id = l.id AND v.number = `+latest+` AND p.department_id = `+args.add(f.DepartmentID)+")")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		p := args.add("%" + likeEscape(q) + "%")
		where = append(where, `(i.name LIKE `+p+` ESCAPE '\' OR EXISTS (SELECT 1 FROM joint_list_items t JOIN joint_list_versions v ON v.id = t.version_id
WHERE v.list_id = l.id AND v.number = `+latest+` AND t.name LIKE `+p+` ESCAPE '\'))`)
	}
	q := `SELECT l.id, l.industry_code, i.name, l.lead_department_id, l.created_at,
COALESCE((SELECT max(number) FROM joint_list_versions WHERE list_id = l.id AND status = 'published'), 0),
COALESCE((SELECT id FROM joint_list_versions WHERE list_id = l.id AND status = 'draft'), 0)
FROM joint_lists l JOIN industries i ON i.code = l.industry_code WHERE ` + strings.Join(where, " AND ") + " ORDER BY l.industry_code"
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	out := []domain.JointList{}
	for rows.Next() {
		var l domain.JointList
		if err := rows.Scan(&l.ID, &l.IndustryCode, &l.IndustryName, &l.LeadDepartmentID, timeCol{&l.CreatedAt}, &l.Current, &l.DraftVersionID); err != nil {
			return nil, internal(op, err)
		}
		if f.Published {
			l.DraftVersionID = 0
		}
		out = append(out, l)
	}
	return out, internal(op, rows.Err())
}

// GetJointList returns a list with the summaries of its versions, newest
// first. Whoever may not view lists (the public) sees published versions
// only, and KindNotFound for a list that has none.
func (s *Store) GetJointList(ctx context.Context, a domain.Actor, id int64) (*domain.JointList, error) {
	const op = "GetJointList"
	return s.getJointList(ctx, s.read, op, a, "l.id = $1", id)
}

// GetJointListByIndustry is GetJointList by industry code.
func (s *Store) GetJointListByIndustry(ctx context.Context, a domain.Actor, industryCode string) (*domain.JointList, error) {
	const op = "GetJointListByIndustry"
	if err := refuseBadText(op, domain.FieldIndustry, industryCode); err != nil {
		return nil, err
	}
	return s.getJointList(ctx, s.read, op, a, "l.industry_code = $1", industryCode)
}

func (s *Store) getJointList(ctx context.Context, q querier, op string, a domain.Actor, where string, arg any) (*domain.JointList, error) {
	var l domain.JointList
	err := q.QueryRowContext(ctx, `SELECT l.id, l.industry_code, i.name, l.lead_department_id, l.created_at
FROM joint_lists l JOIN industries i ON i.code = l.industry_code WHERE `+where, arg).
		Scan(&l.ID, &l.IndustryCode, &l.IndustryName, &l.LeadDepartmentID, timeCol{&l.CreatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op)
	}
	if err != nil {
		return nil, internal(op, err)
	}
	staff := domain.Can(a, domain.ActViewLists, l.LeadDepartmentID)
	rows, err := q.QueryContext(ctx, `SELECT id, number, status, reason, created_at, published_at FROM joint_list_versions
WHERE list_id = $1 ORDER BY number DESC`, l.ID)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	l.Versions = []domain.VersionSummary{}
	for rows.Next() {
		var v domain.VersionSummary
		if err := rows.Scan(&v.ID, &v.Number, &v.Status, &v.Reason, timeCol{&v.CreatedAt}, timeCol{&v.PublishedAt}); err != nil {
			return nil, internal(op, err)
		}
		switch {
		case v.Status == domain.ListPublished:
			l.Current = max(l.Current, v.Number)
		case !staff:
			continue
		default:
			l.DraftVersionID = v.ID
		}
		l.Versions = append(l.Versions, v)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	if !staff && len(l.Versions) == 0 {
		return nil, notFound(op)
	}
	return &l, nil
}

// DiffJointListVersions compares versions from and to (numbers) of a list.
// Published versions are public; a draft needs domain.ActViewLists.
func (s *Store) DiffJointListVersions(ctx context.Context, a domain.Actor, listID int64, from, to int) (*domain.VersionDiff, error) {
	vf, err := s.GetJointListVersionByNumber(ctx, a, listID, from)
	if err != nil {
		return nil, err
	}
	vt, err := s.GetJointListVersionByNumber(ctx, a, listID, to)
	if err != nil {
		return nil, err
	}
	d := domain.DiffVersions(vf, vt)
	return &d, nil
}

// --- drafting ---------------------------------------------------------------------

// versionKey names a version in the audit log: "<industry code>/v<number>".
func versionKey(v *domain.JointListVersion) string {
	return v.IndustryCode + "/v" + strconv.Itoa(v.Number)
}

// auditVersion is the audit row of a change to a version: its object is the
// version ("<industry>/v<number>") and its department the lead's, or dept
// when a co-department acted on its part.
func (s *Store) auditVersion(ctx context.Context, tx *sql.Tx, a domain.Actor, action string, v *domain.JointListVersion, dept int64, before, after any) error {
	if dept == 0 {
		dept = v.LeadDepartmentID
	}
	return s.audit(ctx, tx, a, auditRec{Action: action, ObjectType: "joint_list_version",
		ObjectKey: versionKey(v), Dept: dept, Before: before, After: after})
}

// draft loads a version for a change inside tx: KindNotFound if missing,
// KindConflict unless it is a draft.
func (s *Store) draft(ctx context.Context, tx *sql.Tx, op string, versionID int64) (*domain.JointListVersion, error) {
	v, err := loadVersion(ctx, tx, "v.id = $1", versionID)
	if err != nil {
		return nil, err
	}
	if v.Status != domain.ListDraft {
		return nil, domain.E("store."+op, domain.KindConflict, "err.lists.not_draft")
	}
	return v, nil
}

// checkDepartments checks that the co-departments exist, are distinct and
// are not the lead.
func (s *Store) checkDepartments(ctx context.Context, q querier, op string, lead int64, co []int64) error {
	v := &domain.ValidationError{Op: "store." + op}
	seen := map[int64]bool{lead: true}
	for _, d := range co {
		if seen[d] {
			v.Add(domain.FieldError{Field: domain.FieldListCoDepts, Value: strconv.FormatInt(d, 10), Key: "err.lists.department_twice"})
			continue
		}
		seen[d] = true
		if _, err := s.getDepartment(ctx, q, d); err != nil {
			if !domain.IsKind(err, domain.KindNotFound) {
				return err
			}
			v.Add(domain.FieldError{Field: domain.FieldListCoDepts, Value: strconv.FormatInt(d, 10), Key: "err.unknown_department"})
		}
	}
	return v.Err()
}

// CreateJointList opens the joint list of an industry with its first
// draft: the lead department (the actor's, for department staff), the
// header and the co-departments, whose parts start empty. An industry has
// one joint list; KindConflict if it exists.
func (s *Store) CreateJointList(ctx context.Context, a domain.Actor, industryCode string, lead int64, h domain.ListHeader, co []int64) (*domain.JointListVersion, error) {
	const op = "CreateJointList"
	if err := domain.Require("store."+op, a, domain.ActDraftList, lead); err != nil {
		return nil, err
	}
	domain.NormalizeHeader(&h)
	ve := domain.ValidateHeader(&h, 1, 0)
	domain.CheckText(ve, 0, domain.FieldListIndustry, industryCode, true)
	if err := ve.Err(); err != nil {
		return nil, err
	}
	var out *domain.JointListVersion
	err := s.inTx(ctx, op, func(tx *sql.Tx) error {
		var name string
		err := tx.QueryRowContext(ctx, `SELECT name FROM industries WHERE code = $1`, industryCode).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return &domain.ValidationError{Op: "store." + op, Errors: []domain.FieldError{{Field: domain.FieldListIndustry, Value: industryCode, Key: "err.unknown_industry"}}}
		}
		if err != nil {
			return err
		}
		if _, err := s.getDepartment(ctx, tx, lead); err != nil {
			if domain.IsKind(err, domain.KindNotFound) {
				return &domain.ValidationError{Op: "store." + op, Errors: []domain.FieldError{{Field: domain.FieldListLead, Key: "err.unknown_department"}}}
			}
			return err
		}
		if err := s.checkDepartments(ctx, tx, op, lead, co); err != nil {
			return err
		}
		now := s.clock()
		var listID int64
		err = tx.QueryRowContext(ctx, `INSERT INTO joint_lists (industry_code, lead_department_id, created_at) VALUES ($1, $2, $3) RETURNING id`,
			industryCode, lead, s.ts(now)).Scan(&listID)
		if isUnique(err) {
			return domain.E("store."+op, domain.KindConflict, "err.lists.industry_taken", "industry", name).WithField(domain.FieldListIndustry)
		}
		if err != nil {
			return err
		}
		v, err := s.insertDraft(ctx, tx, a, listID, 1, h)
		if err != nil {
			return err
		}
		if err := s.insertPart(ctx, tx, v.ID, lead, 0, true, ""); err != nil {
			return err
		}
		for i, d := range co {
			if err := s.insertPart(ctx, tx, v.ID, d, i+1, false, ""); err != nil {
				return err
			}
		}
		if out, err = loadVersion(ctx, tx, "v.id = $1", v.ID); err != nil {
			return err
		}
		return s.auditVersion(ctx, tx, a, "joint_list.create", out, 0, nil, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) insertDraft(ctx context.Context, tx *sql.Tx, a domain.Actor, listID int64, number int, h domain.ListHeader) (*domain.JointListVersion, error) {
	v := &domain.JointListVersion{ListID: listID, Number: number}
	name := a.Name
	if name == "" {
		name = string(a.Role)
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO joint_list_versions (list_id, number, status, reason, subject, frequency, ratio_a, ratio_b, ratio_c, ratio_d,
notes, created_at, created_by) VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		listID, number, h.Reason, h.Subject, h.Frequency, int(h.Ratios[domain.RiskA]), int(h.Ratios[domain.RiskB]), int(h.Ratios[domain.RiskC]),
		int(h.Ratios[domain.RiskD]), h.Notes, s.ts(s.clock()), name).Scan(&v.ID)
	if isUnique(err) {
		return nil, domain.E("store.insertDraft", domain.KindConflict, "err.lists.draft_open")
	}
	return v, err
}

func (s *Store) insertPart(ctx context.Context, tx *sql.Tx, versionID, dept int64, pos int, lead bool, division string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO joint_list_parts (version_id, department_id, position, lead, division) VALUES ($1, $2, $3, $4, $5)`,
		versionID, dept, pos, lead, division)
	return err
}

// insertItems writes the items of one part, in order, as snapshots.
// Positions count within the part.
func (s *Store) insertItems(ctx context.Context, tx *sql.Tx, versionID int64, items []domain.ListItem) error {
	for i, it := range items {
		if _, err := tx.ExecContext(ctx, `INSERT INTO joint_list_items (version_id, item_id, department_id, position, code, name, content, legal_basis,
method, kind, results) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			versionID, it.ItemID, it.DepartmentID, i, it.Code, it.Name, it.Content, it.LegalBasis, string(it.Method), string(it.Kind),
			resultsJSON(it.Results)); err != nil {
			return err
		}
	}
	return nil
}

// OpenDraft opens a new version of a published list, with a reason: a copy
// of the latest published version whose items are taken afresh from the
// catalogues and whose co-departments must confirm their parts again.
// KindConflict when the list has a draft already or nothing published.
func (s *Store) OpenDraft(ctx context.Context, a domain.Actor, listID int64, reason string) (*domain.JointListVersion, error) {
	const op = "OpenDraft"
	var out *domain.JointListVersion
	err := s.inTx(ctx, op, func(tx *sql.Tx) error {
		cur, err := loadVersion(ctx, tx, `v.list_id = $1 AND v.number = (SELECT max(number) FROM joint_list_versions WHERE list_id = $1)`, listID)
		if err != nil {
			return err
		}
		if err := domain.Require("store."+op, a, domain.ActDraftList, cur.LeadDepartmentID); err != nil {
			return err
		}
		if cur.Status != domain.ListPublished {
			return domain.E("store."+op, domain.KindConflict, "err.lists.draft_open")
		}
		h := domain.ListHeader{Reason: reason, Subject: cur.Subject, Frequency: cur.Frequency, Ratios: cur.Ratios, Notes: cur.Notes}
		domain.NormalizeHeader(&h)
		if err := domain.ValidateHeader(&h, cur.Number+1, 0).Err(); err != nil {
			return err
		}
		v, err := s.insertDraft(ctx, tx, a, listID, cur.Number+1, h)
		if err != nil {
			return err
		}
		for i, p := range cur.Parts {
			if err := s.insertPart(ctx, tx, v.ID, p.DepartmentID, i, p.Lead, p.Division); err != nil {
				return err
			}
			ids := make([]int64, len(p.Items))
			for j, it := range p.Items {
				ids[j] = it.ItemID
			}
			items, err := s.snapshotItems(ctx, tx, op, p.DepartmentID, ids, ids)
			if err != nil {
				return err
			}
			if err := s.insertItems(ctx, tx, v.ID, items); err != nil {
				return err
			}
		}
		if out, err = loadVersion(ctx, tx, "v.id = $1", v.ID); err != nil {
			return err
		}
		return s.auditVersion(ctx, tx, a, "joint_list_version.open", out, 0, nil, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// snapshotItems reads catalogue items ids of department dept, in that
// order, as list items. An item must belong to dept and be active, unless
// it is among kept (items the part already holds may stay although
// retired since).
func (s *Store) snapshotItems(ctx context.Context, tx *sql.Tx, op string, dept int64, ids, kept []int64) ([]domain.ListItem, error) {
	v := &domain.ValidationError{Op: "store." + op}
	out := make([]domain.ListItem, 0, len(ids))
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		it, err := s.getCatalogItem(ctx, tx, id)
		if domain.IsKind(err, domain.KindNotFound) {
			v.Add(domain.FieldError{Field: domain.FieldListItems, Value: strconv.FormatInt(id, 10), Key: "err.not_found"})
			continue
		}
		if err != nil {
			return nil, err
		}
		switch {
		case it.DepartmentID != dept:
			v.Add(domain.FieldError{Field: domain.FieldListItems, Value: it.Code, Key: "err.lists.item_other_department"})
		case it.Status != domain.ItemActive && !slices.Contains(kept, id):
			v.Add(domain.FieldError{Field: domain.FieldListItems, Value: it.Code, Key: "err.lists.item_retired"})
		default:
			out = append(out, domain.ListItemOf(it))
		}
	}
	return out, v.Err()
}

// UpdateDraftHeader changes the header of a draft (lead department).
func (s *Store) UpdateDraftHeader(ctx context.Context, a domain.Actor, versionID int64, h domain.ListHeader) error {
	const op = "UpdateDraftHeader"
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		v, err := s.draft(ctx, tx, op, versionID)
		if err != nil {
			return err
		}
		if err := domain.Require("store."+op, a, domain.ActDraftList, v.LeadDepartmentID); err != nil {
			return err
		}
		domain.NormalizeHeader(&h)
		if err := domain.ValidateHeader(&h, v.Number, 0).Err(); err != nil {
			return err
		}
		before := domain.ListHeader{Reason: v.Reason, Subject: v.Subject, Frequency: v.Frequency, Ratios: v.Ratios, Notes: v.Notes}
		if _, err := tx.ExecContext(ctx, `UPDATE joint_list_versions SET reason = $1, subject = $2, frequency = $3, ratio_a = $4, ratio_b = $5,
ratio_c = $6, ratio_d = $7, notes = $8 WHERE id = $9`, h.Reason, h.Subject, h.Frequency, int(h.Ratios[domain.RiskA]), int(h.Ratios[domain.RiskB]),
			int(h.Ratios[domain.RiskC]), int(h.Ratios[domain.RiskD]), h.Notes, v.ID); err != nil {
			return err
		}
		return s.auditVersion(ctx, tx, a, "joint_list_version.header", v, 0, before, h)
	})
}

// SetDraftDepartments sets the co-departments of a draft, in order (lead
// department). Departments that stay keep their parts; new ones start
// empty; parts of departments left out are removed with their items.
func (s *Store) SetDraftDepartments(ctx context.Context, a domain.Actor, versionID int64, co []int64) error {
	const op = "SetDraftDepartments"
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		v, err := s.draft(ctx, tx, op, versionID)
		if err != nil {
			return err
		}
		if err := domain.Require("store."+op, a, domain.ActDraftList, v.LeadDepartmentID); err != nil {
			return err
		}
		if err := s.checkDepartments(ctx, tx, op, v.LeadDepartmentID, co); err != nil {
			return err
		}
		before := v.CoDepartments()
		for _, d := range before {
			if !slices.Contains(co, d) {
				if _, err := tx.ExecContext(ctx, `DELETE FROM joint_list_items WHERE version_id = $1 AND department_id = $2`, v.ID, d); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `DELETE FROM joint_list_parts WHERE version_id = $1 AND department_id = $2`, v.ID, d); err != nil {
					return err
				}
			}
		}
		for i, d := range co {
			if slices.Contains(before, d) {
				_, err = tx.ExecContext(ctx, `UPDATE joint_list_parts SET position = $1 WHERE version_id = $2 AND department_id = $3`, i+1, v.ID, d)
			} else {
				err = s.insertPart(ctx, tx, v.ID, d, i+1, false, "")
			}
			if err != nil {
				return err
			}
		}
		type rec struct {
			CoDepartments []int64 `json:"co_departments"`
		}
		return s.auditVersion(ctx, tx, a, "joint_list_version.departments", v, 0, rec{before}, rec{co})
	})
}

// SetDraftPart sets one department's part of a draft: its division of
// labour and its items (catalogue item IDs of that department, in order).
// The department's own staff and the lead department may do it; any
// change withdraws the department's confirmation.
func (s *Store) SetDraftPart(ctx context.Context, a domain.Actor, versionID, dept int64, division string, itemIDs []int64) error {
	const op = "SetDraftPart"
	division = strings.TrimSpace(division)
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		v, err := s.draft(ctx, tx, op, versionID)
		if err != nil {
			return err
		}
		if !domain.Can(a, domain.ActEditListPart, dept) && !domain.Can(a, domain.ActDraftList, v.LeadDepartmentID) {
			return domain.Require("store."+op, a, domain.ActEditListPart, dept)
		}
		p := v.Part(dept)
		if p == nil {
			return &domain.ValidationError{Op: "store." + op, Errors: []domain.FieldError{{Field: domain.FieldListDepartment,
				Value: strconv.FormatInt(dept, 10), Key: "err.lists.not_in_list"}}}
		}
		ve := &domain.ValidationError{Op: "store." + op}
		domain.CheckLongText(ve, 0, domain.FieldListDivision, division, false)
		if err := ve.Err(); err != nil {
			return err
		}
		kept := make([]int64, len(p.Items))
		for i, it := range p.Items {
			kept[i] = it.ItemID
		}
		items, err := s.snapshotItems(ctx, tx, op, dept, itemIDs, kept)
		if err != nil {
			return err
		}
		before := *p
		if _, err := tx.ExecContext(ctx, `DELETE FROM joint_list_items WHERE version_id = $1 AND department_id = $2`, v.ID, dept); err != nil {
			return err
		}
		if err := s.insertItems(ctx, tx, v.ID, items); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE joint_list_parts SET division = $1, confirmed_at = NULL, confirmed_by = '' WHERE version_id = $2 AND department_id = $3`,
			division, v.ID, dept); err != nil {
			return err
		}
		after := domain.ListPart{DepartmentID: dept, Lead: p.Lead, Division: division, Items: items}
		return s.auditVersion(ctx, tx, a, "joint_list_version.part", v, dept, before, after)
	})
}

// ConfirmPart records a co-department's sign-off of its part of a draft.
// Only that department (or the office) may confirm; the lead's part needs
// no confirmation.
func (s *Store) ConfirmPart(ctx context.Context, a domain.Actor, versionID, dept int64) error {
	const op = "ConfirmPart"
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		v, err := s.draft(ctx, tx, op, versionID)
		if err != nil {
			return err
		}
		if err := domain.Require("store."+op, a, domain.ActConfirmPart, dept); err != nil {
			return err
		}
		p := v.Part(dept)
		switch {
		case p == nil:
			return domain.E("store."+op, domain.KindInvalid, "err.lists.not_in_list").WithField(domain.FieldListDepartment)
		case p.Lead:
			return domain.E("store."+op, domain.KindConflict, "err.lists.lead_confirms")
		case len(p.Items) == 0:
			return domain.E("store."+op, domain.KindInvalid, "err.lists.part_empty").WithField(domain.FieldListItems)
		}
		name := a.Name
		if name == "" {
			name = string(a.Role)
		}
		now := s.clock()
		if _, err := tx.ExecContext(ctx, `UPDATE joint_list_parts SET confirmed_at = $1, confirmed_by = $2 WHERE version_id = $3 AND department_id = $4`,
			s.ts(now), name, v.ID, dept); err != nil {
			return err
		}
		type rec struct {
			DepartmentID int64  `json:"department_id"`
			ConfirmedBy  string `json:"confirmed_by"`
		}
		return s.auditVersion(ctx, tx, a, "joint_list_version.confirm", v, dept, nil, rec{dept, name})
	})
}

// PublishVersion publishes a draft (office only) once every co-department
// has confirmed its part and every part has items. From then on the
// version is immutable.
func (s *Store) PublishVersion(ctx context.Context, a domain.Actor, versionID int64) (*domain.JointListVersion, error) {
	const op = "PublishVersion"
	if err := domain.Require("store."+op, a, domain.ActPublishList, 0); err != nil {
		return nil, err
	}
	var out *domain.JointListVersion
	err := s.inTx(ctx, op, func(tx *sql.Tx) error {
		v, err := s.draft(ctx, tx, op, versionID)
		if err != nil {
			return err
		}
		if ve := domain.CheckPublishable(v); ve != nil {
			ve.Op = "store." + op
			// Name the departments in the messages.
			for i, fe := range ve.Errors {
				if id, ok := fe.Args["department"].(int64); ok {
					d, err := s.getDepartment(ctx, tx, id)
					if err != nil {
						return err
					}
					ve.Errors[i].Args["department"] = d.ShortName
					if d.ShortName == "" {
						ve.Errors[i].Args["department"] = d.Name
					}
				}
			}
			return ve
		}
		name := a.Name
		if name == "" {
			name = string(a.Role)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE joint_list_versions SET status = 'published', published_at = $1, published_by = $2 WHERE id = $3`,
			s.ts(s.clock()), name, v.ID); err != nil {
			return err
		}
		if out, err = loadVersion(ctx, tx, "v.id = $1", v.ID); err != nil {
			return err
		}
		if err := s.logListVersion(ctx, tx, out); err != nil {
			return err
		}
		return s.auditVersion(ctx, tx, a, "joint_list_version.publish", out, 0, nil, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DiscardDraft removes a draft (lead department). Discarding the first
// draft of a list that was never published removes the list too.
func (s *Store) DiscardDraft(ctx context.Context, a domain.Actor, versionID int64) error {
	const op = "DiscardDraft"
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		v, err := s.draft(ctx, tx, op, versionID)
		if err != nil {
			return err
		}
		if err := domain.Require("store."+op, a, domain.ActDraftList, v.LeadDepartmentID); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM joint_list_items WHERE version_id = $1`, `DELETE FROM joint_list_parts WHERE version_id = $1`,
			`DELETE FROM joint_list_versions WHERE id = $1`} {
			if _, err := tx.ExecContext(ctx, q, v.ID); err != nil {
				return err
			}
		}
		if v.Number == 1 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM joint_lists WHERE id = $1`, v.ListID); err != nil {
				return err
			}
		}
		return s.auditVersion(ctx, tx, a, "joint_list_version.discard", v, 0, v, nil)
	})
}
