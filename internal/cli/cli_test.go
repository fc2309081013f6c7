package cli

import (
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/yiyeyicha/yiyeyicha/internal/demo"
	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/validate"
)

// result is what one run of the program printed and returned.
type result struct {
	m              *Main
	stdout, stderr string
	err            error
	code           int
}

// run runs the program in-process with env as its whole environment. A
// server it starts is closed at the end of the test.
func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] }}
	err := m.Run(t.Context(), args)
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	if !m.Serving() {
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}
	return result{m: m, stdout: out.String(), stderr: errOut.String(), err: err, code: ExitCode(err)}
}

const testEntities = 400

// demoDB generates a small demo database and returns its path.
func demoDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "demo.db")
	r := run(t, nil, "demo", "--db", db, "--entities", fmt.Sprint(testEntities), "--inspectors", "60", "--generate-only")
	if r.code != 0 {
		t.Fatalf("demo --generate-only: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	return db
}

// dump returns the content of every table of a SQLite database, row by
// row in rowid order, so that two dumps are equal exactly when the content
// is.
func dump(t *testing.T, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	var out []string
	for _, tbl := range tables {
		rs, err := db.Query(`SELECT * FROM "` + tbl + `" ORDER BY rowid`)
		if err != nil {
			// WITHOUT ROWID tables: order by every column instead.
			rs, err = db.Query(`SELECT * FROM "` + tbl + `" ORDER BY 1`)
			if err != nil {
				t.Fatal(err)
			}
		}
		cols, _ := rs.Columns()
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%s %v", tbl, vals))
		}
		rs.Close()
	}
	return out
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestDemoServesAndItsAccountsLogIn(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	r := run(t, nil, "demo", "--addr", "127.0.0.1:0", "--db", db, "--entities", "300", "--inspectors", "60")
	if r.code != 0 {
		t.Fatalf("demo: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	base := "http://" + r.m.Addr()
	if !strings.Contains(r.stdout, base) {
		t.Errorf("demo did not print its URL %s:\n%s", base, r.stdout)
	}
	if code, body := get(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("GET /healthz = %d %q", code, body)
	}
	code, body := get(t, base+"/login")
	if code != http.StatusOK || !strings.Contains(body, "登录") || !strings.Contains(body, `lang="zh`) {
		t.Errorf("GET /login = %d, not a Chinese login page:\n%.400s", code, body)
	}

	// Log in with the accounts as printed: username and password columns.
	printed := regexp.MustCompile(`(?m)^(\S+)\s+(\S+)\s+(yq-\S+)`).FindAllStringSubmatch(r.stdout, -1)
	if len(printed) == 0 {
		t.Fatalf("no accounts printed:\n%s", r.stdout)
	}
	want := map[string]domain.Role{}
	for _, a := range demo.Accounts(demo.Options{}) {
		want[a.Username] = a.Role
	}
	if len(printed) != len(want) {
		t.Errorf("%d accounts printed, want %d:\n%s", len(printed), len(want), r.stdout)
	}
	roles := map[domain.Role]bool{}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, a := range printed {
		username, password := a[2], a[3]
		roles[want[username]] = true
		t.Run(username, func(t *testing.T) {
			resp, err := client.PostForm(base+"/login", url.Values{"username": {username}, "password": {password}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) == 0 {
				t.Errorf("POST /login as %s = %d, cookies %v", username, resp.StatusCode, resp.Cookies())
			}
		})
	}
	for _, role := range domain.Roles {
		if !roles[role] {
			t.Errorf("no demo account for role %s", role)
		}
	}

	// A second run reuses the database instead of generating it again.
	before := dump(t, db)
	r.m.Close()
	again := run(t, nil, "demo", "--db", db, "--generate-only", "--lang", "en")
	if again.code != 0 || !strings.Contains(again.stderr, "Reusing") {
		t.Errorf("second demo run: exit %d, stderr:\n%s", again.code, again.stderr)
	}
	if diff := cmp.Diff(before, dump(t, db)); diff != "" {
		t.Errorf("reusing the demo database changed it:\n%s", diff)
	}
}

// entityHeader is the header of test spreadsheets, in Chinese as
// departments write it.
var entityHeader = []any{"统一社会信用代码", "名称", "行业", "乡镇", "住所", "法定代表人", "信用风险分类"}

func code(i int) string {
	c, ok := validate.MakeCreditCode("92", demo.Division, fmt.Sprintf("TT%06d", i))
	if !ok {
		panic("bad test code")
	}
	return c
}

// writeXLSX writes rows under entityHeader.
func writeXLSX(t testing.TB, path string, rows [][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", entityHeader); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func goodRow(i int) []any {
	return []any{code(i), fmt.Sprintf("垣曲县测试%d饭店", i), "餐饮服务", "新城镇", "垣曲县新城镇舜乡街1号", "张三", "B"}
}

// tableRows returns the spreadsheet row numbers an error table names.
func tableRows(out string) []string {
	var rows []string
	for _, line := range strings.Split(out, "\n") {
		if m := regexp.MustCompile(`^(\d+)\s`).FindStringSubmatch(line); m != nil {
			rows = append(rows, m[1])
		}
	}
	return rows
}

func TestImportBadFileWritesNothing(t *testing.T) {
	db := demoDB(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.xlsx")
	wrongCheck := code(2)
	wrongCheck = wrongCheck[:17] + string("0123456789ABCDEFGHJKLMNPQRTUWXY"[(strings.IndexByte("0123456789ABCDEFGHJKLMNPQRTUWXY", wrongCheck[17])+1)%31])
	rows := [][]any{goodRow(1), goodRow(2), goodRow(3), goodRow(4), goodRow(5), goodRow(6)}
	rows[1][0] = wrongCheck // spreadsheet row 3
	rows[3][0] = code(9)    // spreadsheet row 5
	rows[5][0] = code(9)    // spreadsheet row 7: the same code again
	writeXLSX(t, bad, rows)

	before := dump(t, db)
	for _, lang := range []string{"zh-CN", "en"} {
		t.Run(lang, func(t *testing.T) {
			// Flags after the positional arguments, as people type them.
			r := run(t, nil, "import", "entities", bad, "--db", db, "--lang", lang)
			if r.code != ExitError {
				t.Fatalf("exit %d, want %d\n%s%s", r.code, ExitError, r.stdout, r.stderr)
			}
			// Row 7 repeats row 5's code: the importer lists both rows,
			// each naming the other in its reason.
			got := tableRows(r.stderr)
			for _, want := range []string{"3", "5", "7"} {
				if !strings.Contains(" "+strings.Join(got, " ")+" ", " "+want+" ") {
					t.Errorf("error table does not name row %s (rows %v):\n%s", want, got, r.stderr)
				}
			}
			for _, notWant := range []string{"2", "4", "6"} {
				if strings.Contains(" "+strings.Join(got, " ")+" ", " "+notWant+" ") {
					t.Errorf("error table names good row %s:\n%s", notWant, r.stderr)
				}
			}
			if !strings.Contains(r.stderr, wrongCheck) {
				t.Errorf("error table does not show the bad value %s:\n%s", wrongCheck, r.stderr)
			}
			for _, want := range map[string][]string{"zh-CN": {"与第 5 行", "在第 7 行"}, "en": {"of row 5", "row(s) 7"}}[lang] {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("error table does not say %q (rows 5 and 7 share a code):\n%s", want, r.stderr)
				}
			}
			wantWord := map[string]string{"zh-CN": "校验位", "en": "check character"}[lang]
			if !strings.Contains(r.stderr, wantWord) {
				t.Errorf("reason not in %s (%q):\n%s", lang, wantWord, r.stderr)
			}
		})
	}
	t.Run("error report", func(t *testing.T) {
		report := filepath.Join(dir, "errors.xlsx")
		if r := run(t, nil, "import", "entities", bad, "--db", db, "--errors", report); r.code != ExitError {
			t.Fatalf("exit %d", r.code)
		}
		f, err := excelize.OpenFile(report)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || !strings.Contains(strings.Join(rows[1], " "), wrongCheck) {
			t.Errorf("error report rows = %q, want a header and the three rows at fault", rows)
		}
	})
	if diff := cmp.Diff(before, dump(t, db)); diff != "" {
		t.Errorf("a failed import changed the store:\n%s", diff)
	}

	t.Run("accept bad codes", func(t *testing.T) {
		fixed := filepath.Join(dir, "flag.xlsx")
		rows[5][0] = code(11)
		writeXLSX(t, fixed, rows)
		r := run(t, nil, "import", "--accept-bad-codes", "entities", fixed, "--db", db)
		if r.code != 0 {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		st := openStore(t, db)
		e, err := st.GetEntityByCode(t.Context(), domain.System, wrongCheck)
		if err != nil || !e.CodeFlagged {
			t.Errorf("entity with wrong check character: %+v, %v", e, err)
		}
	})
}

func openStore(t *testing.T, db string) *store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestImportGoodFileDryRunAndEnv(t *testing.T) {
	db := demoDB(t)
	file := filepath.Join(t.TempDir(), "good.xlsx")
	var rows [][]any
	for i := range 50 {
		rows = append(rows, goodRow(100+i))
	}
	writeXLSX(t, file, rows)
	env := map[string]string{"YIYEYICHA_DB": db}

	before := dump(t, db)
	r := run(t, env, "import", "entities", file, "--dry-run")
	if r.code != 0 {
		t.Fatalf("dry run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "50") || !strings.Contains(r.stdout, code(100)) {
		t.Errorf("dry run does not show the 50 creations:\n%s", r.stdout)
	}
	if diff := cmp.Diff(before, dump(t, db)); diff != "" {
		t.Errorf("a dry run changed the store:\n%s", diff)
	}

	// The database comes from YIYEYICHA_DB; a --db flag wins over it.
	r = run(t, map[string]string{"YIYEYICHA_DB": filepath.Join(t.TempDir(), "nothing-here.db")}, "import", "entities", file, "--db", db)
	if r.code != 0 {
		t.Fatalf("import: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	st := openStore(t, db)
	stats, err := st.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if stats.Entities != testEntities+50 {
		t.Errorf("%d entities after importing 50 into %d", stats.Entities, testEntities)
	}
	r = run(t, env, "import", "entities", filepath.Join(t.TempDir(), "missing.xlsx"))
	if r.code != ExitError || !strings.Contains(r.stderr, "无法打开文件") {
		t.Errorf("missing file: exit %d\n%s", r.code, r.stderr)
	}
	r = run(t, env, "import", "entities", file)
	if r.code != 0 || !regexp.MustCompile(`0\D+0\D+50`).MatchString(r.stdout) {
		t.Errorf("re-import of the same file: exit %d, want 0 created 0 updated 50 unchanged:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	src := demoDB(t)
	dir := t.TempDir()
	for _, tc := range []struct{ kind, file string }{
		{"entities", "entities.xlsx"},
		{"entities", "entities.csv"},
		{"inspectors", "inspectors.xlsx"},
		{"inspectors", "inspectors.csv"},
		{"catalog", "catalog.xlsx"},
		{"catalog", "catalog.csv"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			out := filepath.Join(dir, tc.file)
			r := run(t, nil, "export", tc.kind, "-o", out, "--db", src)
			if r.code != 0 {
				t.Fatalf("export: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			before := dump(t, src)
			r = run(t, nil, "import", tc.kind, out, "--db", src)
			if r.code != 0 {
				t.Fatalf("import of the export: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if !regexp.MustCompile(`\b0\D+0\D+[1-9]\d*\D`).MatchString(r.stdout) {
				t.Errorf("re-import of an export should change nothing:\n%s", r.stdout)
			}
			if diff := cmp.Diff(before, dump(t, src)); diff != "" {
				t.Errorf("re-importing an export changed the store:\n%s", diff)
			}
		})
	}

	// Into another database: the exported businesses arrive unchanged.
	dst := filepath.Join(dir, "other.db")
	if r := run(t, nil, "demo", "--db", dst, "--entities", "5", "--seed", "99", "--generate-only"); r.code != 0 {
		t.Fatalf("demo: %s", r.stderr)
	}
	if r := run(t, nil, "import", "entities", filepath.Join(dir, "entities.xlsx"), "--db", dst); r.code != 0 {
		t.Fatalf("import into another store: exit %d\n%s", r.code, r.stderr)
	}
	a, b := openStore(t, src), openStore(t, dst)
	for _, c := range []string{"code", "-code"} {
		l, err := a.ListEntities(t.Context(), domain.System, domain.EntityFilter{Sort: c, Page: domain.Page{Size: 5}})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range l.Items {
			got, err := b.GetEntityByCode(t.Context(), domain.System, e.Code)
			if err != nil {
				t.Fatalf("%s not imported: %v", e.Code, err)
			}
			e.ID, e.UpdatedAt, got.ID = 0, got.UpdatedAt, 0
			if diff := cmp.Diff(e, *got); diff != "" {
				t.Errorf("entity %s changed on the way (-src +dst):\n%s", e.Code, diff)
			}
		}
	}
}

func TestUserCommands(t *testing.T) {
	db := demoDB(t)
	env := map[string]string{"YIYEYICHA_DB": db}
	login := func(user, pw string) error {
		st := openStore(t, db)
		_, _, err := st.Login(t.Context(), user, pw)
		return err
	}

	r := run(t, env, "user", "add", "zhang.san", "--role", "department", "--name", "张三", "--department", "市场监管局", "--password", "first-password-1")
	if r.code != 0 {
		t.Fatalf("user add: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if err := login("zhang.san", "first-password-1"); err != nil {
		t.Fatalf("new user cannot log in: %v", err)
	}
	r = run(t, env, "user", "list")
	if !regexp.MustCompile(`zhang\.san\s+张三\s+部门用户\s+垣曲县市场监督管理局`).MatchString(r.stdout) {
		t.Errorf("user list does not show the new user:\n%s", r.stdout)
	}

	r = run(t, env, "user", "disable", "zhang.san")
	if r.code != 0 || login("zhang.san", "first-password-1") == nil {
		t.Errorf("disabled user still logs in (exit %d)\n%s", r.code, r.stderr)
	}
	r = run(t, env, "user", "list", "--lang", "en")
	if !regexp.MustCompile(`zhang\.san.*disabled`).MatchString(r.stdout) {
		t.Errorf("user list does not show the user disabled:\n%s", r.stdout)
	}
	run(t, env, "user", "enable", "zhang.san")
	r = run(t, env, "user", "passwd", "zhang.san")
	m := regexp.MustCompile(`：(\S{16})\n`).FindStringSubmatch(r.stdout)
	if r.code != 0 || m == nil {
		t.Fatalf("passwd: exit %d, no generated password printed:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if login("zhang.san", "first-password-1") == nil {
		t.Error("old password still works after passwd")
	}
	if err := login("zhang.san", m[1]); err != nil {
		t.Errorf("new password does not work: %v", err)
	}

	r = run(t, env, "user", "token", "zhang.san", "--name", "数据对接")
	tok := strings.TrimSpace(r.stdout)
	if r.code != 0 || tok == "" {
		t.Fatalf("token: exit %d\n%s", r.code, r.stderr)
	}
	if u, err := openStore(t, db).TokenUser(t.Context(), tok); err != nil || u.Username != "zhang.san" {
		t.Errorf("token belongs to %+v, %v", u, err)
	}

	// An inspector account linked to its directory record.
	st := openStore(t, db)
	var cert string
	var inspectorID int64
	if err := st.EachInspector(t.Context(), domain.System, domain.InspectorFilter{}, func(in *domain.Inspector) error {
		if cert == "" && in.CertNo != "" {
			cert, inspectorID = in.CertNo, in.ID
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	in, err := st.GetInspector(t.Context(), domain.System, inspectorID)
	if err != nil {
		t.Fatal(err)
	}
	r = run(t, env, "user", "add", "li.jc", "--role", "inspector", "--name", in.Name, "--department", fmt.Sprint(in.DepartmentID), "--inspector", cert)
	if r.code != 0 {
		t.Fatalf("user add inspector: exit %d\n%s", r.code, r.stderr)
	}
	if u, err := st.GetUserByUsername(t.Context(), domain.System, "li.jc"); err != nil || u.InspectorID != inspectorID || u.DepartmentID != in.DepartmentID {
		t.Errorf("inspector user = %+v, %v; want linked to inspector %d of department %d", u, err, inspectorID, in.DepartmentID)
	}

	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"unknown certificate", []string{"user", "add", "zhao.liu", "--role", "inspector", "--name", "赵六", "--department", "SCJG", "--inspector", "NOSUCHCERT"}, ExitError},
		{"unknown department", []string{"user", "add", "zhao.liu", "--role", "department", "--name", "赵六", "--department", "气象局"}, ExitError},
		{"duplicate username", []string{"user", "add", "zhang.san", "--role", "office", "--name", "重名"}, ExitError},
		{"short password", []string{"user", "add", "li.si", "--role", "office", "--name", "李四", "--password", "short"}, ExitError},
		{"department user without department", []string{"user", "add", "wang.wu", "--role", "department", "--name", "王五"}, ExitError},
		{"unknown subcommand", []string{"user", "remove", "zhang.san"}, ExitUsage},
		{"no such user", []string{"user", "disable", "nobody"}, ExitError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := run(t, env, tc.args...); r.code != tc.code || r.stderr == "" {
				t.Errorf("exit %d, want %d; stderr %q", r.code, tc.code, r.stderr)
			}
		})
	}
}

func TestServeRefusesOldSchema(t *testing.T) {
	db := filepath.Join(t.TempDir(), "new.db")
	r := run(t, nil, "serve", "--db", db, "--addr", "127.0.0.1:0")
	if r.code != ExitError || !strings.Contains(r.stderr, "migrate") || r.m.Serving() {
		t.Fatalf("serve on an unmigrated database: exit %d, serving %v\n%s", r.code, r.m.Serving(), r.stderr)
	}
	r = run(t, map[string]string{"YIYEYICHA_MIGRATE": "true", "YIYEYICHA_PUBLIC_ADDR": "127.0.0.1:0"}, "serve", "--db", db, "--addr", "127.0.0.1:0")
	if r.code != 0 {
		t.Fatalf("serve --migrate: exit %d\n%s", r.code, r.stderr)
	}
	if code, _ := get(t, "http://"+r.m.Addr()+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d", code)
	}
	// The portal-only address serves the portal, not the staff side.
	pub := "http://" + r.m.PublicAddr()
	if code, _ := get(t, pub+"/"); code != http.StatusOK {
		t.Errorf("portal / = %d", code)
	}
	if code, _ := get(t, pub+"/login"); code != http.StatusNotFound {
		t.Errorf("portal address serves /login: %d", code)
	}
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"no command", nil, ExitUsage, "", "Usage"},
		{"help", []string{"--help"}, ExitOK, "Commands", ""},
		{"unknown command", []string{"frobnicate"}, ExitUsage, "", "未知命令"},
		{"command help", []string{"import", "--help"}, ExitOK, "--accept-bad-codes", ""},
		{"help command", []string{"help", "export"}, ExitOK, "--format", ""},
		{"user help", []string{"user", "--help"}, ExitOK, "passwd", ""},
		{"missing file", []string{"import", "entities", "--db", "x.db"}, ExitUsage, "", "import --help"},
		{"unknown kind", []string{"import", "shops", "a.xlsx", "--db", "x.db"}, ExitUsage, "", "entities"},
		{"unknown flag", []string{"serve", "--colour"}, ExitUsage, "", "colour"},
		{"no database", []string{"migrate"}, ExitUsage, "", "YIYEYICHA_DB"},
		{"english", []string{"migrate", "--lang", "en"}, ExitUsage, "", "give the database"},
		{"bad format", []string{"export", "entities", "-o", "x.pdf", "--db", "x.db"}, ExitUsage, "", "xlsx"},
		{"version", []string{"version"}, ExitOK, "yiyeyicha", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			r := run(t, nil, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stdout, tc.stdout) || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d (want %d)\nstdout (want %q):\n%s\nstderr (want %q):\n%s", r.code, tc.code, tc.stdout, r.stdout, tc.stderr, r.stderr)
			}
		})
	}
}

func TestReorder(t *testing.T) {
	f := (&Main{}).newFlags("x", "")
	f.String("db", "", "", "")
	f.Bool("dry-run", "", false, "")
	for _, tc := range []struct {
		name      string
		args      []string
		flags     []string
		positions []string
	}{
		{"flags last", []string{"entities", "a.xlsx", "--db", "x.db"}, []string{"--db", "x.db"}, []string{"entities", "a.xlsx"}},
		{"bool between", []string{"entities", "--dry-run", "a.xlsx"}, []string{"--dry-run"}, []string{"entities", "a.xlsx"}},
		{"equals", []string{"--db=x.db", "entities"}, []string{"--db=x.db"}, []string{"entities"}},
		{"double dash", []string{"--db", "x", "--", "--odd-name.xlsx"}, []string{"--db", "x"}, []string{"--odd-name.xlsx"}},
		{"dash is positional", []string{"-"}, nil, []string{"-"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fl, pos := f.reorder(tc.args)
			if diff := cmp.Diff(tc.flags, fl); diff != "" {
				t.Errorf("flags (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.positions, pos); diff != "" {
				t.Errorf("positional (-want +got):\n%s", diff)
			}
		})
	}
}
