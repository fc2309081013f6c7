package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/password"
)

const userCols = `id, username, display_name, role, department_id, inspector_id, disabled, created_at`

func scanUser(sc interface{ Scan(...any) error }, u *domain.User, extra ...any) error {
	return sc.Scan(append([]any{&u.ID, &u.Username, &u.DisplayName, &u.Role, nullID{&u.DepartmentID}, nullID{&u.InspectorID},
		&u.Disabled, timeCol{&u.CreatedAt}}, extra...)...)
}

// mayManageUser reports whether a may read or change the account userID:
// the office any account, everyone else their own.
func mayManageUser(a domain.Actor, userID int64) bool {
	return domain.Can(a, domain.ActManageUsers, 0) || (a.UserID != 0 && a.UserID == userID)
}

func requireUser(op string, a domain.Actor, userID int64) error {
	if mayManageUser(a, userID) {
		return nil
	}
	return domain.Require("store."+op, a, domain.ActManageUsers, 0)
}

// CreateUser adds a staff account with password. Office only.
func (s *Store) CreateUser(ctx context.Context, a domain.Actor, u *domain.User, pw string) error {
	const op = "CreateUser"
	if err := domain.Require("store."+op, a, domain.ActManageUsers, 0); err != nil {
		return err
	}
	v := domain.ValidateUser(u, pw, true)
	v.Op = "store." + op
	if !u.Role.NeedsDepartment() {
		u.InspectorID = 0
	}
	// Hash before the transaction: argon2 is deliberately slow and must not
	// hold the SQLite write lock.
	phc, err := password.Hash(pw)
	if err != nil {
		return internal(op, err)
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		if err := s.checkUserRefs(ctx, tx, u, v); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		u.CreatedAt = s.clock()
		u.Disabled = false
		err := tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, password, role, department_id, inspector_id, disabled, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			u.Username, u.DisplayName, phc, string(u.Role), idOrNull(u.DepartmentID), idOrNull(u.InspectorID), false, s.ts(u.CreatedAt)).Scan(&u.ID)
		if isUnique(err) {
			return domain.E("store."+op, domain.KindConflict, "err.username_taken", "username", u.Username).WithField(domain.FieldUsername)
		}
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "user.create", ObjectType: "user", ObjectKey: u.Username, Dept: u.DepartmentID, After: u})
	})
}

// checkUserRefs checks that the department and the inspector record of a
// user exist and agree.
func (s *Store) checkUserRefs(ctx context.Context, q querier, u *domain.User, v *domain.ValidationError) error {
	if u.DepartmentID != 0 {
		ok, err := exists(ctx, q, "departments", "id", u.DepartmentID)
		if err != nil {
			return err
		}
		if !ok {
			v.Add(domain.FieldError{Field: domain.FieldDepartment, Value: itoa(int(u.DepartmentID)), Key: "err.unknown_department"})
		}
	}
	if u.InspectorID != 0 {
		var dept int64
		err := q.QueryRowContext(ctx, `SELECT department_id FROM inspectors WHERE id = $1`, u.InspectorID).Scan(&dept)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			v.Add(domain.FieldError{Field: "inspector", Value: itoa(int(u.InspectorID)), Key: "err.unknown_inspector"})
		case err != nil:
			return err
		case dept != u.DepartmentID:
			v.Add(domain.FieldError{Field: "inspector", Value: itoa(int(u.InspectorID)), Key: "err.inspector_other_department"})
		}
	}
	return nil
}

// ListUsers returns every account by username. Office only.
func (s *Store) ListUsers(ctx context.Context, a domain.Actor) ([]domain.User, error) {
	const op = "ListUsers"
	if err := domain.Require("store."+op, a, domain.ActManageUsers, 0); err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY username`)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	out := []domain.User{}
	for rows.Next() {
		var u domain.User
		if err := scanUser(rows, &u); err != nil {
			return nil, internal(op, err)
		}
		out = append(out, u)
	}
	return out, internal(op, rows.Err())
}

// GetUser returns one account: the office any, everyone else their own.
func (s *Store) GetUser(ctx context.Context, a domain.Actor, id int64) (*domain.User, error) {
	if err := requireUser("GetUser", a, id); err != nil {
		return nil, err
	}
	return s.getUser(ctx, s.read, "id", id)
}

// GetUserByUsername returns one account by username: the office any,
// everyone else their own.
func (s *Store) GetUserByUsername(ctx context.Context, a domain.Actor, username string) (*domain.User, error) {
	const op = "GetUserByUsername"
	if err := refuseBadText(op, domain.FieldUsername, username); err != nil {
		return nil, err
	}
	username = strings.TrimSpace(username)
	if !domain.Can(a, domain.ActManageUsers, 0) && (a.UserID == 0 || a.Name != username) {
		return nil, domain.Require("store."+op, a, domain.ActManageUsers, 0)
	}
	u, err := s.getUser(ctx, s.read, "username", username)
	if err != nil {
		return nil, err
	}
	if err := requireUser(op, a, u.ID); err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Store) getUser(ctx context.Context, q querier, col string, v any) (*domain.User, error) {
	var u domain.User
	err := scanUser(q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE `+col+` = $1`, v), &u)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("GetUser")
	}
	if err != nil {
		return nil, internal("GetUser", err)
	}
	return &u, nil
}

// SetPassword replaces a password and ends every session of that user. The
// office may reset anyone's; a user may change their own.
func (s *Store) SetPassword(ctx context.Context, a domain.Actor, userID int64, pw string) error {
	const op = "SetPassword"
	if err := requireUser(op, a, userID); err != nil {
		return err
	}
	if utf8.RuneCountInString(pw) < domain.MinPasswordLen {
		return &domain.ValidationError{Op: "store." + op, Errors: []domain.FieldError{
			{Field: domain.FieldPassword, Key: "err.password_short", Args: map[string]any{"min": domain.MinPasswordLen}}}}
	}
	phc, err := password.Hash(pw)
	if err != nil {
		return internal(op, err)
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		u, err := s.getUser(ctx, tx, "id", userID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password = $1 WHERE id = $2`, phc, userID); err != nil {
			return err
		}
		if err := revokeSessions(ctx, tx, userID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "user.password", ObjectType: "user", ObjectKey: u.Username, Dept: u.DepartmentID})
	})
}

// FieldCurrentPassword is the field of the current password in
// ChangeOwnPassword's errors.
const FieldCurrentPassword = "current_password"

// ChangeOwnPassword sets the actor's own password after checking the
// current one, so that a session left open on a shared computer cannot be
// turned into a stolen account. A wrong current password is KindInvalid
// on FieldCurrentPassword (not KindUnauthorized: the caller is logged in,
// and a face must not take it for an expired session). Every session of
// the account ends, the one in use included: the face opens a fresh one
// with the new password if it wants the user to stay logged in.
func (s *Store) ChangeOwnPassword(ctx context.Context, a domain.Actor, current, newPassword string) error {
	const op = "ChangeOwnPassword"
	if a.UserID == 0 {
		return domain.E("store."+op, domain.KindUnauthorized, "err.unauthorized")
	}
	var u domain.User
	var phc string
	err := scanUser(s.read.QueryRowContext(ctx, `SELECT `+userCols+`, password FROM users WHERE id = $1`, a.UserID), &u, &phc)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.E("store."+op, domain.KindUnauthorized, "err.unauthorized")
	}
	if err != nil {
		return internal(op, err)
	}
	if u.Disabled {
		return domain.E("store."+op, domain.KindUnauthorized, "err.account_disabled")
	}
	ok, _, err := password.Verify(current, phc)
	if err != nil {
		return internal(op, err)
	}
	if !ok {
		return domain.E("store."+op, domain.KindInvalid, "err.wrong_password").WithField(FieldCurrentPassword)
	}
	if utf8.RuneCountInString(newPassword) < domain.MinPasswordLen {
		return &domain.ValidationError{Op: "store." + op, Errors: []domain.FieldError{
			{Field: domain.FieldPassword, Key: "err.password_short", Args: map[string]any{"min": domain.MinPasswordLen}}}}
	}
	newPHC, err := password.Hash(newPassword)
	if err != nil {
		return internal(op, err)
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		// Only if the hash is still the one verified: of two concurrent
		// changes, the second must prove the first one's password.
		res, err := tx.ExecContext(ctx, `UPDATE users SET password = $1 WHERE id = $2 AND password = $3`, newPHC, u.ID, phc)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return domain.E("store."+op, domain.KindInvalid, "err.wrong_password").WithField(FieldCurrentPassword)
		}
		if err := revokeSessions(ctx, tx, u.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "user.password", ObjectType: "user", ObjectKey: u.Username, Dept: u.DepartmentID})
	})
}

func revokeSessions(ctx context.Context, tx querier, userID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked = $1 WHERE user_id = $2 AND revoked = $3`, true, userID, false)
	return err
}

// SetDisabled disables or re-enables an account; disabling ends its
// sessions. Office only, and not on one's own account (the last office
// user could otherwise lock everybody out).
func (s *Store) SetDisabled(ctx context.Context, a domain.Actor, userID int64, disabled bool) error {
	const op = "SetDisabled"
	if err := domain.Require("store."+op, a, domain.ActManageUsers, 0); err != nil {
		return err
	}
	if disabled && a.UserID != 0 && a.UserID == userID {
		return domain.E("store."+op, domain.KindConflict, "err.disable_self")
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		u, err := s.getUser(ctx, tx, "id", userID)
		if err != nil {
			return err
		}
		if u.Disabled == disabled {
			return nil
		}
		before := *u
		u.Disabled = disabled
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $1 WHERE id = $2`, disabled, userID); err != nil {
			return err
		}
		if disabled {
			if err := revokeSessions(ctx, tx, userID); err != nil {
				return err
			}
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
		}
		return s.audit(ctx, tx, a, auditRec{Action: action, ObjectType: "user", ObjectKey: u.Username, Dept: u.DepartmentID, Before: before, After: u})
	})
}

// newToken returns a fresh secret for a cookie or bearer token and the hash
// the database keeps: 32 random bytes, base64url; SHA-256 hex. A leaked
// database thus yields no usable session.
func newToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, tokenHash(token), nil
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

var (
	dummyOnce sync.Once
	dummyPHC  string
)

// dummyHash is verified against when the username does not exist, so that
// a wrong username takes as long as a wrong password.
func dummyHash() string {
	dummyOnce.Do(func() {
		dummyPHC, _ = password.Hash("not a password of anyone")
	})
	return dummyPHC
}

func loginFailed() error {
	return domain.E("store.Login", domain.KindUnauthorized, "err.login_failed")
}

// Login checks username and password and opens a session; the returned
// token goes into the cookie. A wrong username and a wrong password give the
// same error. A hash made with old parameters is replaced.
func (s *Store) Login(ctx context.Context, username, pw string) (string, *domain.User, error) {
	const op = "Login"
	// No account can have such a name (ValidateUser allows letters, digits
	// and . _ - only), so this gives nothing away.
	if err := refuseBadText(op, domain.FieldUsername, username); err != nil {
		return "", nil, err
	}
	username = strings.TrimSpace(username)
	var u domain.User
	var phc string
	err := scanUser(s.read.QueryRowContext(ctx, `SELECT `+userCols+`, password FROM users WHERE username = $1`, username), &u, &phc)
	if errors.Is(err, sql.ErrNoRows) {
		_, _, _ = password.Verify(pw, dummyHash())
		return "", nil, loginFailed()
	}
	if err != nil {
		return "", nil, internal(op, err)
	}
	ok, rehash, err := password.Verify(pw, phc)
	if err != nil {
		return "", nil, internal(op, err)
	}
	if !ok {
		return "", nil, loginFailed()
	}
	if u.Disabled {
		return "", nil, domain.E("store."+op, domain.KindUnauthorized, "err.account_disabled")
	}
	var newPHC string
	if rehash {
		if newPHC, err = password.Hash(pw); err != nil {
			return "", nil, internal(op, err)
		}
	}
	token, hash, err := newToken()
	if err != nil {
		return "", nil, internal(op, err)
	}
	now := s.clock()
	err = s.inTx(ctx, op, func(tx *sql.Tx) error {
		if newPHC != "" {
			// Only if the hash is still the one verified: a concurrent
			// password change wins.
			if _, err := tx.ExecContext(ctx, `UPDATE users SET password = $1 WHERE id = $2 AND password = $3`, newPHC, u.ID, phc); err != nil {
				return err
			}
		}
		// Forget this user's sessions that ended long ago, so the table
		// does not grow with every login for ever.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND expires_at < $2`, u.ID, s.ts(now.Add(-30*24*time.Hour))); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, revoked) VALUES ($1, $2, $3, $4, $5)`,
			hash, u.ID, s.ts(now), s.ts(now.Add(s.SessionTTL)), false); err != nil {
			return err
		}
		return s.audit(ctx, tx, domain.ActorOf(&u), auditRec{Action: "user.login", ObjectType: "user", ObjectKey: u.Username, Dept: u.DepartmentID})
	})
	if err != nil {
		return "", nil, err
	}
	return token, &u, nil
}

// SessionUser returns the user of a live session: not expired, not revoked,
// account not disabled. Anything else is KindUnauthorized.
func (s *Store) SessionUser(ctx context.Context, token string) (*domain.User, error) {
	const op = "SessionUser"
	if token == "" {
		return nil, domain.E("store."+op, domain.KindUnauthorized, "err.unauthorized")
	}
	var u domain.User
	var revoked bool
	var expires time.Time
	err := scanUser(s.read.QueryRowContext(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.department_id, u.inspector_id, u.disabled, u.created_at,
s.revoked, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`, tokenHash(token)), &u, &revoked, timeCol{&expires})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.E("store."+op, domain.KindUnauthorized, "err.unauthorized")
	}
	if err != nil {
		return nil, internal(op, err)
	}
	if revoked || u.Disabled || !s.now().Before(expires) {
		return nil, domain.E("store."+op, domain.KindUnauthorized, "err.session_expired")
	}
	return &u, nil
}

// Logout ends the session of token. Logging out twice is not an error.
func (s *Store) Logout(ctx context.Context, token string) error {
	const op = "Logout"
	if token == "" {
		return nil
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		var u domain.User
		err := scanUser(tx.QueryRowContext(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.department_id, u.inspector_id, u.disabled, u.created_at
FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.revoked = $2`, tokenHash(token), false), &u)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked = $1 WHERE token_hash = $2`, true, tokenHash(token)); err != nil {
			return err
		}
		return s.audit(ctx, tx, domain.ActorOf(&u), auditRec{Action: "user.logout", ObjectType: "user", ObjectKey: u.Username, Dept: u.DepartmentID})
	})
}

// RevokeSessions ends every session of a user ("log out everywhere"): the
// office for anyone, a user for themself.
func (s *Store) RevokeSessions(ctx context.Context, a domain.Actor, userID int64) error {
	const op = "RevokeSessions"
	if err := requireUser(op, a, userID); err != nil {
		return err
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		u, err := s.getUser(ctx, tx, "id", userID)
		if err != nil {
			return err
		}
		if err := revokeSessions(ctx, tx, userID); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, auditRec{Action: "user.revoke_sessions", ObjectType: "user", ObjectKey: u.Username, Dept: u.DepartmentID})
	})
}

// CreateToken makes an API bearer token for the actor's own account, named
// for the user's memory ("nightly export"). Only its hash is kept; the
// token is shown once.
func (s *Store) CreateToken(ctx context.Context, a domain.Actor, name string) (string, error) {
	const op = "CreateToken"
	if err := domain.Require("store."+op, a, domain.ActManageTokens, a.DepartmentID); err != nil {
		return "", err
	}
	if a.UserID == 0 {
		// The system actor has no account a token could act as.
		return "", domain.E("store."+op, domain.KindForbidden, "err.forbidden", "action", string(domain.ActManageTokens))
	}
	name = strings.TrimSpace(name)
	v := &domain.ValidationError{Op: "store." + op}
	domain.CheckText(v, 0, domain.FieldName, name, true)
	if err := v.Err(); err != nil {
		return "", err
	}
	token, hash, err := newToken()
	if err != nil {
		return "", internal(op, err)
	}
	err = s.inTx(ctx, op, func(tx *sql.Tx) error {
		u, err := s.getUser(ctx, tx, "id", a.UserID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return domain.E("store."+op, domain.KindUnauthorized, "err.account_disabled")
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (token_hash, user_id, name, created_at, revoked) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			hash, a.UserID, name, s.ts(s.clock()), false).Scan(&id); err != nil {
			return err
		}
		type rec struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		}
		return s.audit(ctx, tx, a, auditRec{Action: "token.create", ObjectType: "user", ObjectKey: u.Username, Dept: u.DepartmentID, After: rec{id, name}})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// ListTokens returns the live (unrevoked) API tokens of the actor's own
// account, newest first: names and dates, never the tokens.
func (s *Store) ListTokens(ctx context.Context, a domain.Actor) ([]domain.APIToken, error) {
	const op = "ListTokens"
	if err := domain.Require("store."+op, a, domain.ActManageTokens, a.DepartmentID); err != nil {
		return nil, err
	}
	out := []domain.APIToken{}
	if a.UserID == 0 {
		return out, nil
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, user_id, name, created_at FROM api_tokens WHERE user_id = $1 AND revoked = $2 ORDER BY id DESC`, a.UserID, false)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var t domain.APIToken
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, timeCol{&t.CreatedAt}); err != nil {
			return nil, internal(op, err)
		}
		out = append(out, t)
	}
	return out, internal(op, rows.Err())
}

// RevokeToken ends an API token for good. Users revoke their own tokens;
// the office may revoke anyone's (e.g. after a leak). Revoking a revoked
// token is not an error; someone else's token is KindNotFound for a user
// who may not touch it, so that token IDs reveal nothing.
func (s *Store) RevokeToken(ctx context.Context, a domain.Actor, id int64) error {
	const op = "RevokeToken"
	if err := domain.Require("store."+op, a, domain.ActManageTokens, a.DepartmentID); err != nil {
		return err
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		var t domain.APIToken
		var revoked bool
		err := tx.QueryRowContext(ctx, `SELECT id, user_id, name, created_at, revoked FROM api_tokens WHERE id = $1`, id).
			Scan(&t.ID, &t.UserID, &t.Name, timeCol{&t.CreatedAt}, &revoked)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !mayManageUser(a, t.UserID)) {
			return notFound(op)
		}
		if err != nil {
			return err
		}
		if revoked {
			return nil
		}
		u, err := s.getUser(ctx, tx, "id", t.UserID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked = $1 WHERE id = $2`, true, id); err != nil {
			return err
		}
		type rec struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		}
		return s.audit(ctx, tx, a, auditRec{Action: "token.revoke", ObjectType: "user", ObjectKey: u.Username, Dept: u.DepartmentID, Before: rec{t.ID, t.Name}})
	})
}

// TokenUser returns the user of a live API token; KindUnauthorized for an
// unknown or revoked token or a disabled account.
func (s *Store) TokenUser(ctx context.Context, token string) (*domain.User, error) {
	const op = "TokenUser"
	if token == "" {
		return nil, domain.E("store."+op, domain.KindUnauthorized, "err.unauthorized")
	}
	var u domain.User
	var revoked bool
	err := scanUser(s.read.QueryRowContext(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.department_id, u.inspector_id, u.disabled, u.created_at,
t.revoked FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`, tokenHash(token)), &u, &revoked)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (revoked || u.Disabled)) {
		return nil, domain.E("store."+op, domain.KindUnauthorized, "err.unauthorized")
	}
	if err != nil {
		return nil, internal(op, err)
	}
	return &u, nil
}
