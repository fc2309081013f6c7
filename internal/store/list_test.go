package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

func TestListEntities(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		rows := entityRows(f, 1, 30) // entities 1..30
		rows[4].Entity.Status = domain.StatusCancelled
		rows[4].Entity.Name = "垣曲县百分之百_特殊%名称"
		if _, err := s.ImportEntities(ctx, f.Office, rows, domain.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		codes := func(l *domain.List[domain.Entity]) []string {
			var out []string
			for _, e := range l.Items {
				out = append(out, e.Code)
			}
			return out
		}
		var all []string
		for i := 1; i <= 30; i++ {
			if i != 5 {
				all = append(all, code(i))
			}
		}
		byName := append(all[:0:0], all...)
		byName = append(byName, code(5)) // "垣曲县百…" sorts after "垣曲县测…" in byte order
		tests := []struct {
			name  string
			f     domain.EntityFilter
			total int
			want  []string
		}{
			{"first page by name", domain.EntityFilter{Page: domain.Page{Size: 3}}, 30, byName[:3]},
			{"second page", domain.EntityFilter{Page: domain.Page{Number: 2, Size: 3}}, 30, byName[3:6]},
			{"last partial page", domain.EntityFilter{Page: domain.Page{Number: 4, Size: 8}}, 30, byName[24:]},
			{"past the end", domain.EntityFilter{Page: domain.Page{Number: 9, Size: 8}}, 30, nil},
			{"name descending", domain.EntityFilter{Sort: "-name", Page: domain.Page{Size: 2}}, 30, []string{code(5), code(30)}},
			{"code", domain.EntityFilter{Sort: "code", Page: domain.Page{Size: 2}}, 30, []string{code(1), code(2)}},
			{"risk then name", domain.EntityFilter{Sort: "risk", Page: domain.Page{Size: 2}}, 30, []string{code(4), code(8)}},
			{"unknown sort falls back to name", domain.EntityFilter{Sort: "password", Page: domain.Page{Size: 1}}, 30, byName[:1]},
			{"industry", domain.EntityFilter{Industry: f.Industries[0].Code, Page: domain.Page{Size: 2}}, 10, []string{code(3), code(6)}},
			{"township and risk", domain.EntityFilter{Township: f.Townships[1].Code, RiskClass: domain.RiskB}, 3, []string{code(1), code(13), code(25)}},
			{"status", domain.EntityFilter{Status: domain.StatusCancelled}, 1, []string{code(5)}},
			{"industry by update time", domain.EntityFilter{Industry: f.Industries[0].Code, Sort: "-updated", Page: domain.Page{Size: 2}}, 10, []string{code(30), code(27)}},
			{"name substring", domain.EntityFilter{Query: "公司0012"}, 1, []string{code(12)}},
			{"wildcards are literal", domain.EntityFilter{Query: "_特殊%"}, 1, []string{code(5)}},
			{"percent alone matches nothing special", domain.EntityFilter{Query: "%%"}, 0, nil},
			{"code prefix lower case", domain.EntityFilter{Query: "91140827ma000001"}, 1, []string{code(1)}},
			{"code prefix", domain.EntityFilter{Query: code(1)[:15]}, 9, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				l, err := s.ListEntities(ctx, f.Inspector, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				if l.Total != tt.total {
					t.Errorf("Total = %d, want %d", l.Total, tt.total)
				}
				if tt.want != nil || tt.total == 0 {
					if diff := cmp.Diff(tt.want, codes(l)); diff != "" {
						t.Errorf("codes (-want +got):\n%s", diff)
					}
				}
				p := tt.f.Page.Norm()
				if l.Page != p.Number || l.Size != p.Size {
					t.Errorf("page %d size %d, want %d %d", l.Page, l.Size, p.Number, p.Size)
				}
			})
		}
		t.Run("EachEntity", func(t *testing.T) {
			var got []string
			err := s.EachEntity(ctx, f.Office, domain.EntityFilter{Page: domain.Page{Size: 1}}, func(e *domain.Entity) error {
				got = append(got, e.Code)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want := append([]string{}, all[:4]...)
			want = append(want, code(5))
			want = append(want, all[4:]...)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("EachEntity ignores the page and walks all by code (-want +got):\n%s", diff)
			}
			stop := errors.New("stop")
			n := 0
			err = s.EachEntity(ctx, f.Office, domain.EntityFilter{}, func(*domain.Entity) error {
				n++
				if n == 3 {
					return stop
				}
				return nil
			})
			if !errors.Is(err, stop) || n != 3 {
				t.Errorf("stopping walk: err=%v after %d rows", err, n)
			}
		})
	})
}

func TestListInspectors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		yes := true
		var rows []domain.InspectorRow
		for i := 1; i <= 6; i++ {
			dept := f.Dept.ID
			if i > 4 {
				dept = f.OtherDept.ID
			}
			in := inspector(i, dept)
			in.Labels = []string{fmt.Sprintf("标签%d", i%2)}
			if i == 3 {
				in.Status = domain.InspectorOnLeave
			}
			rows = append(rows, domain.InspectorRow{Row: i + 1, Inspector: *in})
		}
		rows = append(rows, domain.InspectorRow{Row: 8, Inspector: domain.Inspector{DepartmentID: f.Dept.ID, Name: "专家甲", Expert: true}})
		if _, err := s.ImportInspectors(ctx, f.Office, rows, domain.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		names := func(l *domain.List[domain.Inspector]) []string {
			var out []string
			for _, in := range l.Items {
				out = append(out, in.Name)
			}
			return out
		}
		tests := []struct {
			name string
			f    domain.InspectorFilter
			want []string
		}{
			{"department", domain.InspectorFilter{DepartmentID: f.OtherDept.ID}, []string{"检查员005", "检查员006"}},
			{"status", domain.InspectorFilter{Status: domain.InspectorOnLeave}, []string{"检查员003"}},
			{"experts", domain.InspectorFilter{Expert: &yes}, []string{"专家甲"}},
			{"label", domain.InspectorFilter{Label: "标签1"}, []string{"检查员001", "检查员003", "检查员005"}},
			{"name query", domain.InspectorFilter{Query: "员00"}, []string{"检查员001", "检查员002", "检查员003", "检查员004", "检查员005", "检查员006"}},
			{"cert prefix", domain.InspectorFilter{Query: "140827000002"}, []string{"检查员002"}},
			{"department then name, descending", domain.InspectorFilter{Sort: "-department", Page: domain.Page{Size: 3}}, []string{"检查员006", "检查员005", "检查员004"}},
			{"cert", domain.InspectorFilter{Sort: "cert", Page: domain.Page{Size: 2}}, []string{"专家甲", "检查员001"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				l, err := s.ListInspectors(ctx, f.Inspector, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, names(l)); diff != "" {
					t.Errorf("names (-want +got):\n%s", diff)
				}
			})
		}
		t.Run("EachInspector blanks private fields", func(t *testing.T) {
			var phones []string
			err := s.EachInspector(ctx, f.DeptStaff, domain.InspectorFilter{}, func(in *domain.Inspector) error {
				phones = append(phones, fmt.Sprintf("%d:%s:%d", in.DepartmentID, in.Phone, len(in.Conflicts)))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			own, other := fmt.Sprintf("%d:13900000000:1", f.Dept.ID), fmt.Sprintf("%d::0", f.OtherDept.ID)
			// Department, then name: the expert 专家甲 (no phone, no
			// conflicts) sorts first in byte order; the other department's
			// inspectors come blanked.
			want := []string{fmt.Sprintf("%d::0", f.Dept.ID), own, own, own, own, other, other}
			if diff := cmp.Diff(want, phones); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	})
}

func TestPublicAndStats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		if _, err := s.ImportEntities(ctx, f.Office, entityRows(f, 1, 9), domain.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		yes := inspector(1, f.Dept.ID)
		yes.Expert = true
		if err := s.SaveInspector(ctx, f.Office, yes); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveInspector(ctx, f.Office, inspector(2, f.Dept.ID)); err != nil {
			t.Fatal(err)
		}
		l, err := s.PublicSearch(ctx, "公司0003", domain.Page{})
		if err != nil {
			t.Fatal(err)
		}
		want := []domain.PublicEntity{{Code: code(3), Name: "垣曲县测试商贸有限公司0003", Kind: domain.KindEnterprise,
			Industry: "餐饮服务", Township: "新城镇", Address: "垣曲县新城镇中条大街1号", Status: domain.StatusActive}}
		if diff := cmp.Diff(want, l.Items); diff != "" || l.Total != 1 {
			t.Errorf("PublicSearch by name: total %d (-want +got):\n%s", l.Total, diff)
		}
		l, _ = s.PublicSearch(ctx, code(4)[:17], domain.Page{})
		if l.Total != 1 || l.Items[0].Code != code(4) {
			t.Errorf("PublicSearch by code prefix: %+v", l)
		}
		l, _ = s.PublicSearch(ctx, "  ", domain.Page{})
		if l.Total != 0 || len(l.Items) != 0 {
			t.Errorf("empty public query lists %d", l.Total)
		}
		pe, err := s.PublicEntity(ctx, " "+code(3))
		if err != nil || pe.Name != want[0].Name {
			t.Errorf("PublicEntity = %+v, %v", pe, err)
		}
		_, err = s.PublicEntity(ctx, code(99))
		wantKind(t, err, domain.KindNotFound)

		st, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantStats := &domain.Stats{Entities: 9, ByRisk: map[domain.RiskClass]int{"A": 2, "B": 3, "C": 2, "D": 2},
			Inspectors: 2, Experts: 1, Departments: 2, Industries: 3, Townships: 3}
		if diff := cmp.Diff(wantStats, st); diff != "" {
			t.Errorf("Stats (-want +got):\n%s", diff)
		}
	})
}

// TestConcurrentWriters checks that writers queue on SQLite's single write
// connection instead of failing with SQLITE_BUSY, while readers go on.
func TestConcurrentWriters(t *testing.T) {
	s := storetest.New(t)
	ctx := t.Context()
	f := storetest.Seed(t, s)
	const writers, each = 8, 50
	var wg sync.WaitGroup
	errs := make(chan error, writers*each+writers)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if err := s.SaveEntity(ctx, f.Office, entity(1+w*each+i, f)); err != nil {
					errs <- err
					return
				}
			}
		})
		wg.Go(func() {
			for range each / 5 {
				if _, err := s.ListEntities(context.Background(), f.Inspector, domain.EntityFilter{RiskClass: domain.RiskA}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent access: %v", err)
	}
	st, err := s.Stats(ctx)
	if err != nil || st.Entities != writers*each {
		t.Fatalf("entities = %d, %v; want %d", st.Entities, err, writers*each)
	}
	l, err := s.ListAudit(ctx, f.Office, domain.AuditFilter{ObjectType: "entity"})
	if err != nil || l.Total != writers*each {
		t.Fatalf("audit rows = %d, %v; want %d", l.Total, err, writers*each)
	}
}
