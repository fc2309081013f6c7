// Package demo generates the deterministic Yuanqu County (垣曲县, 运城市,
// 山西省) demo dataset: townships, industries, departments with their
// liaisons and leaders, businesses with valid credit codes, inspectors and
// experts, and one account per role. The same seed always gives the same
// data; the same generator makes a million businesses for benchmarks.
//
// Everything is written through the store's service methods with the
// system actor, the same path as a file import, so the demo exercises the
// code that real data goes through.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

// Generate writes the dataset into s, which should be migrated and empty,
// and returns the accounts it created with their passwords.
func Generate(ctx context.Context, s *store.Store, o Options) ([]Account, error) {
	o = o.withDefaults()
	g := newGenerator(o)
	ds := g.dataset()
	sys := domain.System

	// Reference data. A store may already hold some of it (a migration may
	// seed it); match by code so that generating is an upsert.
	existing, err := s.ListDepartments(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	byCode := map[string]int64{}
	for _, d := range existing {
		byCode[d.Code] = d.ID
	}
	deptIDs := make([]int64, len(ds.departments))
	for i := range ds.departments {
		d := ds.departments[i]
		d.ID = byCode[d.Code]
		if err := s.SaveDepartment(ctx, sys, &d); err != nil {
			return nil, fmt.Errorf("demo: department %s: %w", d.Code, err)
		}
		deptIDs[i] = d.ID
	}
	if err := fillDeptIDs(ctx, s, deptIDs); err != nil {
		return nil, err
	}
	for i := range Townships {
		t := Townships[i]
		if err := s.SaveTownship(ctx, sys, &t); err != nil {
			return nil, fmt.Errorf("demo: township %s: %w", t.Code, err)
		}
	}
	for i := range Industries {
		in := Industries[i]
		if err := s.SaveIndustry(ctx, sys, &in); err != nil {
			return nil, fmt.Errorf("demo: industry %s: %w", in.Code, err)
		}
	}

	byDeptCode := make(map[string]int64, len(departments))
	for i, d := range departments {
		byDeptCode[d.code] = deptIDs[i]
	}
	if err := writeLists(ctx, s, byDeptCode); err != nil {
		return nil, err
	}

	if err := writeEntities(ctx, s, g, o); err != nil {
		return nil, err
	}

	ins := g.inspectors(ds.people, deptIDs)
	for start := 0; start < len(ins); start += o.BatchSize {
		end := min(start+o.BatchSize, len(ins))
		rows := make([]domain.InspectorRow, 0, end-start)
		for i := start; i < end; i++ {
			rows = append(rows, domain.InspectorRow{Row: i + 2, Inspector: ins[i]})
		}
		if _, err := s.ImportInspectors(ctx, sys, rows, domain.ImportOptions{}); err != nil {
			return nil, fmt.Errorf("demo: inspectors: %w", err)
		}
	}

	out := make([]Account, 0, len(ds.accounts))
	for _, a := range ds.accounts {
		u := domain.User{Username: a.Username, DisplayName: a.displayName, Role: a.Role}
		if a.dept >= 0 {
			u.DepartmentID = deptIDs[a.dept]
		}
		if a.certNo != "" {
			id, err := inspectorID(ctx, s, u.DepartmentID, a.certNo)
			if err != nil {
				return nil, err
			}
			u.InspectorID = id
		}
		if err := s.CreateUser(ctx, sys, &u, a.Password); err != nil {
			return nil, fmt.Errorf("demo: user %s: %w", a.Username, err)
		}
		out = append(out, a.Account)
	}
	if err := writeDraws(ctx, s, g, o.Today, out); err != nil {
		return nil, err
	}
	if err := generatePlan(ctx, s, o, deptIDs); err != nil {
		return nil, err
	}
	return out, nil
}

// fillDeptIDs looks up IDs that SaveDepartment did not report back.
func fillDeptIDs(ctx context.Context, s *store.Store, ids []int64) error {
	missing := false
	for _, id := range ids {
		missing = missing || id == 0
	}
	if !missing {
		return nil
	}
	all, err := s.ListDepartments(ctx)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	for i, d := range departments {
		for _, x := range all {
			if x.Code == d.code {
				ids[i] = x.ID
			}
		}
		if ids[i] == 0 {
			return fmt.Errorf("demo: department %s not found after saving it", d.code)
		}
	}
	return nil
}

func inspectorID(ctx context.Context, s *store.Store, dept int64, certNo string) (int64, error) {
	var id int64
	err := s.EachInspector(ctx, domain.System, domain.InspectorFilter{DepartmentID: dept, Query: certNo}, func(in *domain.Inspector) error {
		if in.CertNo == certNo {
			id = in.ID
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("demo: inspector %s: %w", certNo, err)
	}
	if id == 0 {
		return 0, fmt.Errorf("demo: inspector %s not found after import", certNo)
	}
	return id, nil
}

// writeEntities imports the businesses in batches, one transaction each.
// The next batch is generated while the store writes the current one.
func writeEntities(ctx context.Context, s *store.Store, g *generator, o Options) error {
	start := time.Now()
	type batch struct {
		from int
		rows []domain.EntityRow
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan batch, 1)
	go func() {
		defer close(batches)
		for from := 0; from < o.Entities; from += o.BatchSize {
			to := min(from+o.BatchSize, o.Entities)
			rows := make([]domain.EntityRow, 0, to-from)
			for i := from; i < to; i++ {
				rows = append(rows, domain.EntityRow{Row: i + 2, Entity: g.entity(i)})
			}
			select {
			case batches <- batch{from, rows}:
			case <-ctx.Done():
				return
			}
		}
	}()
	long := o.Entities > 2*o.BatchSize
	for b := range batches {
		if _, err := s.ImportEntities(ctx, domain.System, b.rows, domain.ImportOptions{}); err != nil {
			return fmt.Errorf("demo: businesses %d–%d: %w", b.from+1, b.from+len(b.rows), err)
		}
		done := b.from + len(b.rows)
		el := time.Since(start)
		if o.OnProgress != nil {
			o.OnProgress(done, o.Entities, el)
		}
		if o.Progress != nil && long {
			fmt.Fprintf(o.Progress, "demo: businesses %d/%d (%d%%), %s\n", done, o.Entities, done*100/o.Entities, el.Round(time.Second))
		}
	}
	return ctx.Err()
}
