package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
)

// The in-app inbox. A notice goes to the office, to a department (seen by
// its staff) or to one inspector (seen by the inspector's account). Each
// notice has a dedupe key: an action that is repeated (an idempotent
// dispatch) sends nothing twice.

const recipientOffice = "office"

func recipientDept(id int64) string { return "dept:" + strconv.FormatInt(id, 10) }

func recipientInspector(id int64) string { return "insp:" + strconv.FormatInt(id, 10) }

// notify writes one notice in tx unless one with the same dedupe key
// exists; it reports nothing, the caller's transaction carries the audit.
func (s *Store) notify(ctx context.Context, tx querier, recipient, kind string, args map[string]any, link, dedupe string) error {
	_, err := s.notifyCount(ctx, tx, recipient, kind, args, link, dedupe)
	return err
}

// notifyCount is notify reporting whether a notice was written.
func (s *Store) notifyCount(ctx context.Context, tx querier, recipient, kind string, args map[string]any, link, dedupe string) (bool, error) {
	b, err := json.Marshal(args)
	if err != nil {
		return false, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO notices (recipient, kind, args, link, dedupe, created_at) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (dedupe) DO NOTHING`, recipient, kind, string(b), link, dedupe, s.ts(s.clock()))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// recipients are the inboxes an actor reads: the office's, its
// department's, or its own inspector inbox. The discipline office has none.
func recipients(a domain.Actor) []string {
	switch a.Role {
	case domain.RoleOffice:
		return []string{recipientOffice}
	case domain.RoleDepartment:
		if a.DepartmentID != 0 {
			return []string{recipientDept(a.DepartmentID)}
		}
	case domain.RoleInspector:
		if a.InspectorID != 0 {
			return []string{recipientInspector(a.InspectorID)}
		}
	}
	return nil
}

func recipientCond(a domain.Actor, args *sqlArgs) string {
	rs := recipients(a)
	if len(rs) == 0 {
		return "1 = 0"
	}
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = args.add(r)
	}
	return "recipient IN (" + strings.Join(names, ", ") + ")"
}

// ListNotices returns one page of the actor's inbox, newest first; only
// the unread ones when unread is set.
func (s *Store) ListNotices(ctx context.Context, a domain.Actor, unread bool, p domain.Page) (*domain.List[domain.Notice], error) {
	const op = "ListNotices"
	if err := domain.Require("store."+op, a, domain.ActViewPlans, 0); err != nil {
		return nil, err
	}
	var args sqlArgs
	where := " WHERE " + recipientCond(a, &args)
	if unread {
		where += " AND read_at IS NULL"
	}
	p = p.Norm()
	out := &domain.List[domain.Notice]{Page: p.Number, Size: p.Size, Items: []domain.Notice{}}
	nargs := len(args)
	rows, err := s.read.QueryContext(ctx, "SELECT id, kind, args, link, created_at, read_at FROM notices"+where+
		" ORDER BY id DESC LIMIT "+args.add(p.Size)+" OFFSET "+args.add(p.Offset()), args...)
	if err != nil {
		return nil, internal(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var n domain.Notice
		var raw string
		if err := rows.Scan(&n.ID, &n.Kind, &raw, &n.Link, timeCol{&n.CreatedAt}, timeCol{&n.ReadAt}); err != nil {
			return nil, internal(op, err)
		}
		if err := json.Unmarshal([]byte(raw), &n.Args); err != nil {
			return nil, internal(op, err)
		}
		out.Items = append(out.Items, n)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(op, err)
	}
	rows.Close()
	if err := s.countTotal(ctx, &out.Total, p, len(out.Items), "SELECT count(*) FROM notices"+where, args[:nargs]); err != nil {
		return nil, internal(op, err)
	}
	return out, nil
}

// UnreadNotices counts the actor's unread notices (0 for an actor without
// an inbox, or not logged in).
func (s *Store) UnreadNotices(ctx context.Context, a domain.Actor) (int, error) {
	if len(recipients(a)) == 0 {
		return 0, nil
	}
	var args sqlArgs
	var n int
	err := s.read.QueryRowContext(ctx, "SELECT count(*) FROM notices WHERE "+recipientCond(a, &args)+" AND read_at IS NULL", args...).Scan(&n)
	return n, internal("UnreadNotices", err)
}

// MarkNoticesRead marks notices of the actor's inbox read: the one with
// ID id, or all of them when id is 0. Notices of another inbox are not
// found.
func (s *Store) MarkNoticesRead(ctx context.Context, a domain.Actor, id int64) error {
	const op = "MarkNoticesRead"
	if err := domain.Require("store."+op, a, domain.ActViewPlans, 0); err != nil {
		return err
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		var args sqlArgs
		q := "UPDATE notices SET read_at = " + args.add(s.ts(s.clock())) + " WHERE read_at IS NULL AND " + recipientCond(a, &args)
		if id != 0 {
			var ok bool
			var rargs sqlArgs
			if err := tx.QueryRowContext(ctx, "SELECT count(*) > 0 FROM notices WHERE id = "+rargs.add(id)+" AND "+recipientCond(a, &rargs), rargs...).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return notFound(op)
			}
			q += " AND id = " + args.add(id)
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err
		}
		key := "all"
		if id != 0 {
			key = strconv.FormatInt(id, 10)
		}
		return s.audit(ctx, tx, a, auditRec{Action: "notice.read", ObjectType: "notice", ObjectKey: key, Dept: a.DepartmentID, After: map[string]any{"count": n}})
	})
}
