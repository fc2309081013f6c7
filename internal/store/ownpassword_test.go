package store_test

import (
	"strings"
	"testing"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

func TestChangeOwnPassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		tok, _, err := s.Login(ctx, "scjg", storetest.Password)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("wrong current", func(t *testing.T) {
			err := s.ChangeOwnPassword(ctx, f.DeptStaff, "not-the-password", "brand-new-password")
			wantKind(t, err, domain.KindInvalid)
			if got := errField(err); got != store.FieldCurrentPassword {
				t.Errorf("field %q, want %q", got, store.FieldCurrentPassword)
			}
			if _, err := s.SessionUser(ctx, tok); err != nil {
				t.Errorf("a refused change ended the session: %v", err)
			}
		})
		t.Run("too short", func(t *testing.T) {
			err := s.ChangeOwnPassword(ctx, f.DeptStaff, storetest.Password, "short")
			wantKind(t, err, domain.KindInvalid)
			if got := errField(err); got != domain.FieldPassword {
				t.Errorf("field %q, want %q", got, domain.FieldPassword)
			}
		})
		t.Run("system actor", func(t *testing.T) {
			wantKind(t, s.ChangeOwnPassword(ctx, domain.System, storetest.Password, "brand-new-password"), domain.KindUnauthorized)
		})
		t.Run("ok", func(t *testing.T) {
			if err := s.ChangeOwnPassword(ctx, f.DeptStaff, storetest.Password, "brand-new-password"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SessionUser(ctx, tok); domain.ErrorKind(err) != domain.KindUnauthorized {
				t.Errorf("old session still alive after the change: %v", err)
			}
			if _, _, err := s.Login(ctx, "scjg", storetest.Password); domain.ErrorKind(err) != domain.KindUnauthorized {
				t.Errorf("old password still works: %v", err)
			}
			if _, _, err := s.Login(ctx, "scjg", "brand-new-password"); err != nil {
				t.Errorf("new password refused: %v", err)
			}
			// The old password no longer proves anything.
			wantKind(t, s.ChangeOwnPassword(ctx, f.DeptStaff, storetest.Password, "another-password-1"), domain.KindInvalid)
			l, err := s.ListAudit(ctx, f.Office, domain.AuditFilter{ObjectType: "user", ObjectKey: "scjg"})
			if err != nil {
				t.Fatal(err)
			}
			var found bool
			for _, e := range l.Items {
				if e.Action == "user.password" {
					found = true
					if e.ActorID != f.DeptStaff.UserID || strings.Contains(e.Before+e.After, "argon2") {
						t.Errorf("audit row %+v: wrong actor or a hash in it", e)
					}
				}
			}
			if !found {
				t.Error("no user.password audit row")
			}
		})
	})
}
