package store_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

func TestListAndRevokeTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		mk := func(a domain.Actor, name string) string {
			t.Helper()
			tok, err := s.CreateToken(ctx, a, name)
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		nightly, sync := mk(f.DeptStaff, "nightly export"), mk(f.DeptStaff, "province sync")
		other := mk(f.OtherStaff, "fire brigade")
		names := func(a domain.Actor) ([]string, []domain.APIToken) {
			t.Helper()
			l, err := s.ListTokens(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, tk := range l {
				out = append(out, tk.Name)
				if tk.UserID != a.UserID || tk.CreatedAt.IsZero() {
					t.Errorf("token %+v of user %d", tk, a.UserID)
				}
			}
			return out, l
		}
		got, list := names(f.DeptStaff)
		if diff := cmp.Diff([]string{"province sync", "nightly export"}, got); diff != "" {
			t.Fatalf("ListTokens (-want +got):\n%s", diff)
		}
		if s := strings.Join(got, ""); strings.Contains(s, nightly) || strings.Contains(s, sync) {
			t.Fatal("a token leaked into the list")
		}
		_, otherList := names(f.OtherStaff)

		t.Run("someone else's", func(t *testing.T) {
			wantKind(t, s.RevokeToken(ctx, f.DeptStaff, otherList[0].ID), domain.KindNotFound)
			if _, err := s.TokenUser(ctx, other); err != nil {
				t.Errorf("another user's token died: %v", err)
			}
		})
		t.Run("own", func(t *testing.T) {
			if err := s.RevokeToken(ctx, f.DeptStaff, list[0].ID); err != nil {
				t.Fatal(err)
			}
			wantKind(t, func() error { _, err := s.TokenUser(ctx, sync); return err }(), domain.KindUnauthorized)
			if _, err := s.TokenUser(ctx, nightly); err != nil {
				t.Errorf("the other token died too: %v", err)
			}
			if got, _ := names(f.DeptStaff); !cmp.Equal(got, []string{"nightly export"}) {
				t.Errorf("after revoke: %v", got)
			}
			if err := s.RevokeToken(ctx, f.DeptStaff, list[0].ID); err != nil {
				t.Errorf("second revoke: %v", err)
			}
		})
		t.Run("office revokes anyone's", func(t *testing.T) {
			if err := s.RevokeToken(ctx, f.Office, otherList[0].ID); err != nil {
				t.Fatal(err)
			}
			wantKind(t, func() error { _, err := s.TokenUser(ctx, other); return err }(), domain.KindUnauthorized)
		})
		t.Run("audited", func(t *testing.T) {
			l, err := s.ListAudit(ctx, f.Office, domain.AuditFilter{ObjectType: "user"})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, e := range l.Items {
				if e.Action == "token.revoke" {
					n++
					if strings.Contains(e.Before+e.After, sync) || strings.Contains(e.Before+e.After, other) {
						t.Errorf("token in audit row %+v", e)
					}
				}
			}
			if n != 2 {
				t.Errorf("%d token.revoke rows, want 2 (a repeated revoke writes none)", n)
			}
		})
	})
}
