package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// errCatalogDryRun rolls back the transaction of a dry run.
var errCatalogDryRun = errors.New("store: catalogue import dry run")

// ImportCatalog writes the items of a catalogue file
// (importx.ReadCatalog) in one transaction, all or nothing. Each row's
// item is found in its department's catalogue by code, else by name, and
// updated, or added (with the next free code when the row has none). A row
// of a department whose catalogue the actor may not edit makes the whole
// import fail with a *domain.ValidationError naming every such row, having
// written nothing. Every created or changed item gets its audit row, as
// when it is saved through the form; the report's changes name the items
// as "<department code>/<item code>".
func (s *Store) ImportCatalog(ctx context.Context, a domain.Actor, rows []domain.CatalogRow, opt domain.ImportOptions) (*domain.ImportReport, error) {
	const op = "ImportCatalog"
	if !domain.Can(a, domain.ActEditCatalogue, a.DepartmentID) {
		return nil, domain.Require("store."+op, a, domain.ActEditCatalogue, a.DepartmentID)
	}
	if len(rows) == 0 {
		return nil, domain.E("store."+op, domain.KindInvalid, "err.import_empty")
	}
	ve := &domain.ValidationError{Op: "store." + op}
	for _, r := range rows {
		if !domain.Can(a, domain.ActEditCatalogue, r.Item.DepartmentID) {
			ve.Add(domain.FieldError{Row: r.Row, Field: domain.FieldDepartment, Key: "err.lists.catalogue_not_yours"})
		}
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	rep := &domain.ImportReport{DryRun: opt.DryRun, Changes: make([]domain.Change, 0, len(rows))}
	err := s.inTx(ctx, op, func(tx *sql.Tx) error {
		depts := map[int64]*domain.Department{}
		for _, r := range rows {
			it := r.Item
			d, ok := depts[it.DepartmentID]
			if !ok {
				var err error
				if d, err = s.getDepartment(ctx, tx, it.DepartmentID); domain.IsKind(err, domain.KindNotFound) {
					ve.Add(domain.FieldError{Row: r.Row, Field: domain.FieldDepartment, Key: "err.unknown_department"})
					return ve
				} else if err != nil {
					return err
				}
				depts[it.DepartmentID] = d
			}
			old, err := s.findCatalogItem(ctx, tx, it.DepartmentID, it.Code, it.Name)
			if err != nil {
				return err
			}
			c := domain.Change{Row: r.Row, Op: "create"}
			switch {
			case old != nil:
				it.ID = old.ID
				if it.Code == "" {
					it.Code = old.Code
				}
				if c.Fields = catalogChanges(old, &it); len(c.Fields) == 0 {
					c.Op, c.Key = "unchanged", d.Code+"/"+it.Code
					rep.Unchanged++
					rep.Changes = append(rep.Changes, c)
					continue
				}
				c.Op = "update"
				rep.Updated++
			case it.Code == "":
				if it.Code, err = s.nextItemCode(ctx, tx, it.DepartmentID); err != nil {
					return err
				}
				rep.Created++
			default:
				rep.Created++
			}
			c.Key = d.Code + "/" + it.Code
			if err := s.saveCatalogItem(ctx, tx, a, op, &it); err != nil {
				var de *domain.Error
				if errors.As(err, &de) && de.Kind == domain.KindConflict {
					// An item added earlier in the file got this code.
					ve.Add(domain.FieldError{Row: r.Row, Field: domain.FieldItemCode, Value: it.Code, Key: de.Key, Args: de.Args})
					return ve
				}
				return err
			}
			rep.Changes = append(rep.Changes, c)
		}
		if opt.DryRun {
			return errCatalogDryRun
		}
		return nil
	})
	if errors.Is(err, errCatalogDryRun) {
		return rep, nil
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// catalogChanges names the fields of an item an import would change.
func catalogChanges(old, it *domain.CatalogItem) []string {
	var f []string
	for _, c := range []struct {
		field string
		same  bool
	}{
		{domain.FieldItemCode, old.Code == it.Code},
		{domain.FieldItemName, old.Name == it.Name},
		{domain.FieldItemContent, old.Content == it.Content},
		{domain.FieldItemBasis, old.LegalBasis == it.LegalBasis},
		{domain.FieldItemMethod, old.Method == it.Method},
		{domain.FieldItemKind, old.Kind == it.Kind},
		{domain.FieldItemResults, slices.Equal(old.Results, it.Results)},
		{domain.FieldItemStatus, old.Status == it.Status},
	} {
		if !c.same {
			f = append(f, c.field)
		}
	}
	return f
}
