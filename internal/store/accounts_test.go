package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/password"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

func TestSessionsRevokeAndExpire(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		now := time.Date(2026, 3, 31, 8, 0, 0, 0, time.UTC)
		store.SetClock(s, func() time.Time { return now })
		login := func() string {
			t.Helper()
			tok, _, err := s.Login(ctx, "scjg", storetest.Password)
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		live := func(tok string) bool {
			t.Helper()
			_, err := s.SessionUser(ctx, tok)
			if err != nil && domain.ErrorKind(err) != domain.KindUnauthorized {
				t.Fatalf("SessionUser: %v", err)
			}
			return err == nil
		}

		t.Run("expiry", func(t *testing.T) {
			tok := login()
			now = now.Add(store.DefaultSessionTTL - time.Minute)
			if !live(tok) {
				t.Fatal("session dead before its expiry")
			}
			now = now.Add(2 * time.Minute)
			if live(tok) {
				t.Fatal("session alive after its expiry")
			}
		})
		t.Run("logout", func(t *testing.T) {
			tok, other := login(), login()
			if err := s.Logout(ctx, tok); err != nil {
				t.Fatal(err)
			}
			if live(tok) || !live(other) {
				t.Fatalf("after logout: live(logged out)=%v live(other)=%v", live(tok), live(other))
			}
			if err := s.Logout(ctx, tok); err != nil {
				t.Errorf("second logout: %v", err)
			}
		})
		t.Run("revoke all", func(t *testing.T) {
			a, b := login(), login()
			if err := s.RevokeSessions(ctx, f.Office, f.DeptStaff.UserID); err != nil {
				t.Fatal(err)
			}
			if live(a) || live(b) {
				t.Fatal("sessions alive after RevokeSessions")
			}
		})
		t.Run("password change", func(t *testing.T) {
			tok := login()
			if err := s.SetPassword(ctx, f.DeptStaff, f.DeptStaff.UserID, "a new password 1"); err != nil {
				t.Fatal(err)
			}
			if live(tok) {
				t.Fatal("session alive after password change")
			}
			if _, _, err := s.Login(ctx, "scjg", storetest.Password); domain.ErrorKind(err) != domain.KindUnauthorized {
				t.Fatalf("old password: %v", err)
			}
			wantKind(t, s.SetPassword(ctx, f.DeptStaff, f.DeptStaff.UserID, "short"), domain.KindInvalid)
			if err := s.SetPassword(ctx, f.Office, f.DeptStaff.UserID, storetest.Password); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("disable", func(t *testing.T) {
			tok := login()
			api, err := s.CreateToken(ctx, f.DeptStaff, "nightly export")
			if err != nil {
				t.Fatal(err)
			}
			if u, err := s.TokenUser(ctx, api); err != nil || u.ID != f.DeptStaff.UserID {
				t.Fatalf("TokenUser = %+v, %v", u, err)
			}
			if err := s.SetDisabled(ctx, f.Office, f.DeptStaff.UserID, true); err != nil {
				t.Fatal(err)
			}
			if live(tok) {
				t.Fatal("session alive after disabling the account")
			}
			if _, err := s.TokenUser(ctx, api); domain.ErrorKind(err) != domain.KindUnauthorized {
				t.Fatalf("token of a disabled account: %v", err)
			}
			_, _, err = s.Login(ctx, "scjg", storetest.Password)
			wantKind(t, err, domain.KindUnauthorized)
			if err := s.SetDisabled(ctx, f.Office, f.DeptStaff.UserID, false); err != nil {
				t.Fatal(err)
			}
			if _, err := s.TokenUser(ctx, api); err != nil {
				t.Errorf("token after re-enabling: %v", err)
			}
			wantKind(t, s.SetDisabled(ctx, f.Office, f.Office.UserID, true), domain.KindConflict)
		})
		t.Run("old sessions are forgotten", func(t *testing.T) {
			if n := len(dump(t, s)["sessions"]); n < 2 {
				t.Fatalf("only %d sessions before the cleanup", n)
			}
			now = now.Add(31 * 24 * time.Hour)
			login()
			if n := len(dump(t, s)["sessions"]); n != 1 {
				t.Errorf("%d sessions after a login a month later, want only the new one", n)
			}
		})
		t.Run("tokens are stored hashed", func(t *testing.T) {
			tok := login()
			d := dump(t, s)
			for _, line := range append(d["sessions"], d["api_tokens"]...) {
				if strings.Contains(line, tok) {
					t.Fatalf("token stored in clear: %s", line)
				}
			}
			for _, line := range d["audit_log"] {
				if strings.Contains(line, "$argon2id$") {
					t.Fatalf("password hash in the audit log: %s", line)
				}
			}
		})
	})
}

func TestLoginRehash(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		def := password.Default
		t.Cleanup(func() { password.Default = def })
		password.Default = password.Params{Memory: 8 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
		u := &domain.User{Username: "old", DisplayName: "老用户", Role: domain.RoleOffice}
		if err := s.CreateUser(ctx, domain.System, u, storetest.Password); err != nil {
			t.Fatal(err)
		}
		oldHash, err := store.PasswordHash(ctx, s, "old")
		if err != nil || !strings.Contains(oldHash, "m=8192,t=1,p=1") {
			t.Fatalf("hash before: %q, %v", oldHash, err)
		}
		password.Default = def
		if _, _, err := s.Login(ctx, "old", "wrong password!"); domain.ErrorKind(err) != domain.KindUnauthorized {
			t.Fatalf("wrong password: %v", err)
		}
		if h, _ := store.PasswordHash(ctx, s, "old"); h != oldHash {
			t.Fatal("a failed login rehashed the password")
		}
		if _, _, err := s.Login(ctx, "old", storetest.Password); err != nil {
			t.Fatal(err)
		}
		newHash, _ := store.PasswordHash(ctx, s, "old")
		if newHash == oldHash {
			t.Fatal("password not rehashed with the new parameters")
		}
		if ok, rehash, err := password.Verify(storetest.Password, newHash); !ok || rehash || err != nil {
			t.Fatalf("new hash: ok=%v rehash=%v err=%v", ok, rehash, err)
		}
		if _, _, err := s.Login(ctx, "old", storetest.Password); err != nil {
			t.Fatalf("login after rehash: %v", err)
		}
	})
}

func TestCreateUserErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		f := storetest.Seed(t, s)
		tests := []struct {
			name string
			u    domain.User
			pw   string
			kind domain.Kind
			keys []string
		}{
			{"duplicate username", domain.User{Username: "scjg", DisplayName: "重复", Role: domain.RoleOffice}, storetest.Password, domain.KindConflict, nil},
			{"bad fields", domain.User{Username: "有空 格", DisplayName: "", Role: "boss"}, "short", domain.KindInvalid,
				[]string{"0:username:err.username", "0:display_name:err.required", "0:role:err.bad_choice", "0:password:err.password_short"}},
			{"unknown department", domain.User{Username: "ghost", DisplayName: "幽灵", Role: domain.RoleDepartment, DepartmentID: 999}, storetest.Password, domain.KindInvalid,
				[]string{"0:department:err.unknown_department"}},
			{"inspector of another department", domain.User{Username: "x", DisplayName: "某人", Role: domain.RoleInspector, DepartmentID: f.OtherDept.ID, InspectorID: -1}, storetest.Password, domain.KindInvalid,
				[]string{"0:inspector:err.inspector_other_department"}},
		}
		in := inspector(1, f.Dept.ID)
		if err := s.SaveInspector(ctx, f.Office, in); err != nil {
			t.Fatal(err)
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				u := tt.u
				if u.InspectorID == -1 {
					u.InspectorID = in.ID
				}
				err := s.CreateUser(ctx, f.Office, &u, tt.pw)
				wantKind(t, err, tt.kind)
				if tt.keys != nil {
					if got := fieldKeys(err); strings.Join(got, ",") != strings.Join(tt.keys, ",") {
						t.Errorf("field errors = %v, want %v", got, tt.keys)
					}
				}
			})
		}
		users, err := s.ListUsers(ctx, f.Office)
		if err != nil || len(users) != 5 {
			t.Fatalf("ListUsers = %d users, %v; want the 5 seeded", len(users), err)
		}
	})
}
