package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/draw"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/translog"
)

const drawUsage = `Usage: yiyeyicha draw <subcommand> [arguments] --db DB [--as USERNAME]

Runs the verifiable double-random draw (双随机抽取) of a task batch without a
browser; docs/draw-spec.md is the protocol. Subcommands act as the office
(双随机办) unless --as names a user; commit and reveal need the party
department's own staff (联络员): --as is required for them.

Subcommands:
  list      every draw: id, task and batch, state, visits
  announce  --industry CODE --lead DEPT --dept DEPT:N [--dept DEPT:N …]
            --ratio A=1% --ratio B=2% --ratio C=10% --ratio D=30% [--min A=1]
            --window 2026-04-01:2026-06-30 --task T --batch B [--title T]
            [--public-value DESCRIPTION] [--officers 2] [--cap N] [--expert]
            [--rounding ceil|floor|half_up] [--supersedes ID]
            freeze the pool and roster and publish the announcement (公告)
  commit ID PARTY --secret-file FILE
            commit (承诺) a party's secret; FILE is created with 32 random
            bytes (hex) when it does not exist: keep it until the reveal
  reveal ID PARTY --secret-file FILE
            reveal (揭示) the secret committed to
  public-value ID [VALUE]
            enter the public future value (公开随机数), one source a line (from
            VALUE or standard input); two different users must enter it
  execute ID      draw: seed, businesses, teams (执行抽取)
  abort ID --reason TEXT
            abort in public (公开中止); a redraw is a new announce --supersedes ID
  bundle ID -o FILE
            write the bundle (抽取结果包) that 'yiyeyicha verify' checks
  salts ID -o FILE
            write the conflict salts (回避盐值) for the discipline office (纪检)
`

func (m *Main) runDraw(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, drawUsage)
		return m.usageErr("draw", "cli.usage.args", "want", "list|announce|commit|reveal|public-value|execute|abort|bundle|salts")
	}
	if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(m.Stdout, drawUsage)
		return errHelp
	}
	sub, args := args[0], args[1:]
	f := m.newFlags("draw "+sub, drawUsage)
	db := f.DB()
	as := f.String("as", "", "", "act as this user (用户名); default the office")
	var secretFile, reason, out *string
	var ann *announceFlags
	var kf logKeyFlags
	nargs := 1
	switch sub {
	case "list":
		nargs = 0
	case "announce":
		nargs, ann = 0, m.announceFlags(f)
	case "commit", "reveal":
		nargs = 2
		secretFile = f.String("secret-file", "", "", "file holding the party's secret (秘密值), hex")
	case "public-value":
		nargs = -1
	case "execute":
	case "abort":
		reason = f.String("reason", "", "", "why the draw is aborted (中止原因), published")
	case "bundle", "salts":
		out = f.String("o", "", "", "output file, or - for standard output")
		if sub == "bundle" {
			kf = f.logKey()
		}
	default:
		return m.usageErr("draw", "cli.usage.unknown_command", "name", "draw "+sub)
	}
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	switch {
	case nargs == -1:
		err = f.args(pos, 1, 2, "ID [VALUE]")
	case nargs == 0:
		err = f.args(pos, 0, 0, "no arguments")
	case nargs == 2:
		err = f.args(pos, 2, 2, "ID PARTY")
	default:
		err = f.args(pos, 1, 1, "ID")
	}
	if err != nil {
		return err
	}
	if (secretFile != nil && *secretFile == "") || (out != nil && *out == "") {
		return m.usageErr(f.cmd, "cli.usage.no_output")
	}
	st, err := m.openStore(ctx, f, *db, false)
	if err != nil {
		return err
	}
	actor := domain.System
	if *as != "" {
		u, err := st.GetUserByUsername(ctx, domain.System, *as)
		if err != nil {
			return err
		}
		actor = domain.ActorOf(u)
	}
	p := m.printer()
	switch sub {
	case "list":
		return m.listDraws(ctx, st)
	case "announce":
		params, err := ann.params(ctx, st)
		if err != nil {
			return err
		}
		d, err := st.AnnounceDraw(ctx, actor, params)
		if err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, p.T("draw.cli.announced", "draw", d.Key, "hash", d.AnnouncementHash, "pool", d.Announcement.PoolSize, "roster", d.Announcement.RosterSize))
	case "commit":
		secret, err := readOrCreateSecret(*secretFile)
		if err != nil {
			m.errorLine(p.T("cli.err.open_file", "file", *secretFile, "err", err))
			return failed(err)
		}
		d, err := st.GetDraw(ctx, pos[0])
		if err != nil {
			return err
		}
		c := draw.Commitment(d.AnnouncementHash, pos[1], secret)
		if err := st.CommitDraw(ctx, actor, pos[0], pos[1], c); err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, p.T("draw.cli.committed", "party", pos[1], "commitment", c, "file", *secretFile))
	case "reveal":
		data, err := os.ReadFile(*secretFile)
		if err != nil {
			m.errorLine(p.T("cli.err.open_file", "file", *secretFile, "err", err))
			return failed(err)
		}
		if err := st.RevealDraw(ctx, actor, pos[0], pos[1], strings.TrimSpace(string(data))); err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, p.T("draw.cli.revealed", "party", pos[1]))
	case "public-value":
		text := ""
		if len(pos) == 2 {
			text = pos[1]
		} else {
			b, err := io.ReadAll(io.LimitReader(m.Stdin, 1<<16))
			if err != nil {
				return err
			}
			text = string(b)
		}
		ok, err := st.EnterPublicValue(ctx, actor, pos[0], text)
		if err != nil {
			return err
		}
		pv, _ := draw.ParsePublicValue(text)
		key := "draw.cli.public_first"
		if ok {
			key = "draw.cli.public_confirmed"
		}
		fmt.Fprintln(m.Stdout, p.T(key, "value", pv.KeyString))
	case "execute":
		b, err := st.ExecuteDraw(ctx, actor, pos[0])
		if err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, p.T("draw.cli.executed", "draw", pos[0], "visits", len(b.Result.Visits), "unstaffed", len(b.Result.Unstaffed()), "seed", b.Result.Seed))
	case "abort":
		if err := st.AbortDraw(ctx, actor, pos[0], *reason); err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, p.T("draw.cli.aborted", "draw", pos[0]))
	case "bundle":
		b, err := st.DrawBundle(ctx, pos[0])
		if err != nil {
			return err
		}
		// The bundle carries the proofs that its announcement and result
		// are in the transparency log, signed with the log key.
		key, err := m.loadLogKey(*db, kf)
		if err != nil {
			return err
		}
		if key == nil {
			fmt.Fprintln(m.Stderr, p.T("translog.cli.bundle_unsigned"))
		} else if b.Log, err = st.LogProofs(ctx, key, map[string][2]string{
			"announcement": {translog.TypeDrawAnnouncement, b.Announcement.Draw},
			"result":       {translog.TypeDrawResult, b.Announcement.Draw},
		}); err != nil {
			return err
		}
		return m.writeOut(*out, b.Write)
	case "salts":
		salts, err := st.ConflictSalts(ctx, actor, pos[0])
		if err != nil {
			return err
		}
		return m.writeOut(*out, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", " ")
			return enc.Encode(salts)
		})
	}
	return nil
}

// writeOut writes to standard output for "-", else to the file atomically.
func (m *Main) writeOut(name string, write func(io.Writer) error) error {
	if name == "-" {
		return write(m.Stdout)
	}
	if err := writeFileAtomic(name, func(f *os.File) error { return write(f) }); err != nil {
		return err
	}
	fmt.Fprintln(m.Stderr, m.printer().T("draw.cli.written", "file", name))
	return nil
}

// readOrCreateSecret reads a secret file, or creates it with 32 random
// bytes; the file is readable by its owner only.
func readOrCreateSecret(name string) ([]byte, error) {
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		b := make([]byte, 32)
		rand.Read(b)
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, err
		}
		if _, err := fmt.Fprintln(f, hex.EncodeToString(b)); err != nil {
			f.Close()
			return nil, err
		}
		return b, f.Close()
	}
	if err != nil {
		return nil, err
	}
	return draw.ParseSecret(strings.TrimSpace(string(data)))
}

func (m *Main) listDraws(ctx context.Context, st *store.Store) error {
	ds, err := st.ListDraws(ctx)
	if err != nil {
		return err
	}
	p := m.printer()
	var rows [][]string
	for _, d := range ds {
		visits := ""
		if d.Result != nil {
			visits = strconv.Itoa(len(d.Result.Visits))
		}
		rows = append(rows, []string{d.Key, d.Announcement.Task + " " + d.Announcement.Batch, p.T("draw.state." + string(d.State)), visits})
	}
	writeTable(m.Stdout, []string{p.T("draw.col.id"), p.T("draw.col.task"), p.T("draw.col.state"), p.T("draw.col.visits")}, rows)
	return nil
}

// announceFlags are the flags of draw announce.
type announceFlags struct {
	industry, lead, window, task, batch, title, public, rounding, supersedes *string
	officers, cap                                                            *int
	expert                                                                   *bool
	depts, ratios, mins                                                      multiFlag
}

// multiFlag is a flag that may be given several times.
type multiFlag []string

func (v *multiFlag) String() string     { return strings.Join(*v, ",") }
func (v *multiFlag) Set(s string) error { *v = append(*v, s); return nil }

func (m *Main) announceFlags(f *flags) *announceFlags {
	a := &announceFlags{
		industry:   f.String("industry", "", "", "industry code (行业) of the task's scope"),
		lead:       f.String("lead", "", "", "lead department (牵头部门): code, name or short name"),
		window:     f.String("window", "", "", "inspection window (检查时间): FIRST:LAST, e.g. 2026-04-01:2026-06-30"),
		task:       f.String("task", "", "", "task (抽查任务)"),
		batch:      f.String("batch", "", "", "batch (批次)"),
		title:      f.String("title", "", "", "title of the announcement (公告标题)"),
		public:     f.String("public-value", "", "", "the public future value to be used (公开随机数来源), e.g. 福彩双色球第2026025期开奖号码"),
		rounding:   f.String("rounding", "", "ceil", "rounding of quotas (取整): ceil, floor or half_up"),
		supersedes: f.String("supersedes", "", "", "the aborted draw this one redraws (重新抽取)"),
		officers:   f.Int("officers", "", 2, "certified officers per visit (每户执法人员数), at least 2"),
		cap:        f.Int("cap", "", 0, "most visits per inspector in this draw (工作量上限); 0 no cap"),
		expert:     f.Bool("expert", "", false, "one expert (业务专家) per visit matched by industry"),
	}
	f.fs.Var(&a.depts, "dept", "joint department and officers per visit (联查部门:人数), repeatable: SCJG:1")
	f.fs.Var(&a.ratios, "ratio", "ratio per risk class (抽查比例), repeatable: A=1% B=1/50 C=0.1")
	f.fs.Var(&a.mins, "min", "minimum per non-empty risk class (最少户数), repeatable: A=1")
	return a
}

func (a *announceFlags) params(ctx context.Context, st *store.Store) (domain.DrawParams, error) {
	const op = "cli.draw"
	bad := func(field string) error {
		return domain.E(op, domain.KindInvalid, "draw.err.flag", "flag", field).WithField(field)
	}
	p := domain.DrawParams{Task: *a.task, Batch: *a.batch, Title: *a.title, Industry: *a.industry, PublicValue: *a.public,
		Rounding: draw.Rounding(*a.rounding), Officers: *a.officers, Cap: *a.cap, Expert: *a.expert, Supersedes: *a.supersedes,
		Ratios: map[domain.RiskClass]string{}, Minimum: map[domain.RiskClass]int{}}
	if p.Title == "" {
		p.Title = strings.TrimSpace(p.Task + " " + p.Batch)
	}
	first, last, ok := strings.Cut(*a.window, ":")
	if !ok {
		return p, bad("window")
	}
	var err error
	if p.WindowStart, err = domain.ParseDate(first); err != nil {
		return p, bad("window")
	}
	if p.WindowEnd, err = domain.ParseDate(last); err != nil {
		return p, bad("window")
	}
	if p.Lead, err = findDepartment(ctx, st, *a.lead); err != nil {
		return p, err
	}
	for _, d := range a.depts {
		name, n, _ := strings.Cut(d, ":")
		count, err := strconv.Atoi(n)
		if err != nil || count < 1 {
			return p, bad("dept")
		}
		id, err := findDepartment(ctx, st, name)
		if err != nil {
			return p, err
		}
		p.Departments = append(p.Departments, domain.DrawDept{DepartmentID: id, Count: count})
	}
	for _, r := range a.ratios {
		c, v, ok := strings.Cut(r, "=")
		if !ok {
			return p, bad("ratio")
		}
		p.Ratios[domain.RiskClass(c)] = v
	}
	for _, r := range a.mins {
		c, v, ok := strings.Cut(r, "=")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 0 {
			return p, bad("min")
		}
		p.Minimum[domain.RiskClass(c)] = n
	}
	return p, nil
}
