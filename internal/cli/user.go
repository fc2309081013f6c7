package cli

import (
	"context"
	"crypto/rand"
	"fmt"
	"strconv"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
)

const userUsage = `Usage: yiyeyicha user <subcommand> [arguments] --db DB

Manages staff accounts (用户). Roles (角色): office (领导小组办公室/双随机办),
department (部门), inspector (执法检查人员), discipline (纪检).

Subcommands:
  add USERNAME --role ROLE --name NAME [--department DEPT] [--inspector CERT] [--password PW]
            create an account; department and inspector users need --department
            (code, name or short name); --inspector links an inspector user to its
            directory record by certificate number (执法证号)
  list      list accounts
  passwd USERNAME [--password PW]
            reset a password (重置密码) and end the user's sessions
  disable USERNAME   disable an account (停用) and end its sessions
  enable USERNAME    enable an account again (启用)
  token USERNAME --name NAME
            create an API token (接口令牌) acting as USERNAME; printed once

Without --password (or YIYEYICHA_PASSWORD), a random password is generated
and printed once.
`

func (m *Main) runUser(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, userUsage)
		return m.usageErr("user", "cli.usage.args", "want", "add|list|passwd|disable|enable|token")
	}
	if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(m.Stdout, userUsage)
		return errHelp
	}
	sub, args := args[0], args[1:]
	f := m.newFlags("user "+sub, userUsage)
	db := f.DB()
	var role, name, dept, inspector, pw, tokenName *string
	switch sub {
	case "add":
		role = f.String("role", "", "", "role (角色): office, department, inspector or discipline")
		name = f.String("name", "", "", "display name (姓名)")
		dept = f.String("department", "", "", "department (部门): code, name or short name")
		inspector = f.String("inspector", "", "", "certificate number (执法证号) of the inspector's directory record")
		pw = f.String("password", "YIYEYICHA_PASSWORD", "", "password; generated and printed when empty")
	case "passwd":
		pw = f.String("password", "YIYEYICHA_PASSWORD", "", "new password; generated and printed when empty")
	case "token":
		tokenName = f.String("name", "", "", "what the token is for (用途), e.g. the system that uses it")
	case "list", "disable", "enable":
	default:
		return m.usageErr("user", "cli.usage.unknown_command", "name", "user "+sub)
	}
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	want := 1
	if sub == "list" {
		want = 0
	}
	if err := f.args(pos, want, want, "USERNAME"); err != nil {
		return err
	}
	st, err := m.openStore(ctx, f, *db, false)
	if err != nil {
		return err
	}
	p := m.printer()
	sys := domain.System
	switch sub {
	case "list":
		return m.listUsers(ctx, st)
	case "add":
		if *role == "" || *name == "" {
			return m.usageErr(f.cmd, "cli.usage.user_add")
		}
		u := domain.User{Username: pos[0], DisplayName: *name, Role: domain.Role(*role)}
		if *dept != "" {
			if u.DepartmentID, err = findDepartment(ctx, st, *dept); err != nil {
				return err
			}
		}
		if *inspector != "" {
			if u.InspectorID, err = findInspector(ctx, st, u.DepartmentID, *inspector); err != nil {
				return err
			}
		}
		password, generated := *pw, false
		if password == "" {
			password, generated = randomPassword(), true
		}
		if err := st.CreateUser(ctx, sys, &u, password); err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, p.T("cli.user.added", "username", u.Username, "role", p.T("cli.role."+string(u.Role))))
		if generated {
			fmt.Fprintln(m.Stdout, p.T("cli.user.password", "password", password))
		}
		return nil
	}
	u, err := st.GetUserByUsername(ctx, sys, pos[0])
	if err != nil {
		return err
	}
	switch sub {
	case "passwd":
		password, generated := *pw, false
		if password == "" {
			password, generated = randomPassword(), true
		}
		if err := st.SetPassword(ctx, sys, u.ID, password); err != nil {
			return err
		}
		if err := st.RevokeSessions(ctx, sys, u.ID); err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, p.T("cli.user.passwd", "username", u.Username))
		if generated {
			fmt.Fprintln(m.Stdout, p.T("cli.user.password", "password", password))
		}
	case "disable", "enable":
		if err := st.SetDisabled(ctx, sys, u.ID, sub == "disable"); err != nil {
			return err
		}
		if sub == "disable" {
			if err := st.RevokeSessions(ctx, sys, u.ID); err != nil {
				return err
			}
		}
		fmt.Fprintln(m.Stdout, p.T("cli.user."+sub+"d", "username", u.Username))
	case "token":
		if *tokenName == "" {
			return m.usageErr(f.cmd, "cli.usage.token_name")
		}
		tok, err := st.CreateToken(ctx, domain.ActorOf(u), *tokenName)
		if err != nil {
			return err
		}
		fmt.Fprintln(m.Stderr, p.T("cli.user.token", "username", u.Username))
		fmt.Fprintln(m.Stdout, tok)
	}
	return nil
}

func (m *Main) listUsers(ctx context.Context, st *store.Store) error {
	p := m.printer()
	users, err := st.ListUsers(ctx, domain.System)
	if err != nil {
		return err
	}
	depts, err := st.ListDepartments(ctx)
	if err != nil {
		return err
	}
	deptName := map[int64]string{}
	for _, d := range depts {
		deptName[d.ID] = d.Name
	}
	rows := make([][]string, 0, len(users))
	for _, u := range users {
		status := p.T("cli.user.active")
		if u.Disabled {
			status = p.T("cli.user.disabled_state")
		}
		rows = append(rows, []string{strconv.FormatInt(u.ID, 10), u.Username, u.DisplayName, p.T("cli.role." + string(u.Role)), deptName[u.DepartmentID], status})
	}
	writeTable(m.Stdout, []string{"ID", p.T("field.username"), p.T("field.display_name"), p.T("cli.col.role"), p.T("field.department"), p.T("cli.col.status")}, rows)
	return nil
}

// findDepartment resolves a department by code, name or short name.
func findDepartment(ctx context.Context, st *store.Store, s string) (int64, error) {
	depts, err := st.ListDepartments(ctx)
	if err != nil {
		return 0, err
	}
	for _, d := range depts {
		if d.Code == s || d.Name == s || d.ShortName == s || strconv.FormatInt(d.ID, 10) == s {
			return d.ID, nil
		}
	}
	return 0, domain.E("cli.user", domain.KindNotFound, "err.not_found").WithField(domain.FieldDepartment)
}

// findInspector resolves an inspector's directory record by certificate
// number, within the department when one is given.
func findInspector(ctx context.Context, st *store.Store, dept int64, certNo string) (int64, error) {
	var id int64
	err := st.EachInspector(ctx, domain.System, domain.InspectorFilter{DepartmentID: dept, Query: certNo}, func(in *domain.Inspector) error {
		if in.CertNo == certNo {
			id = in.ID
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if id == 0 {
		return 0, domain.E("cli.user", domain.KindNotFound, "err.not_found").WithField(domain.FieldCertNo)
	}
	return id, nil
}

// randomPassword returns 16 characters from an alphabet without look-alike
// characters, about 90 bits.
func randomPassword() string {
	const alpha = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	for i := range b {
		var x [1]byte
		for {
			rand.Read(x[:])
			if int(x[0]) < 256-256%len(alpha) {
				break
			}
		}
		b[i] = alpha[int(x[0])%len(alpha)]
	}
	return string(b)
}
