// Package cli is the yiyeyicha command: demo, serve, migrate, import,
// export, user and version. Main holds one run of the program so that tests
// start the real thing in-process (serve on 127.0.0.1:0 with a temporary
// database) and read back its address.
//
// Messages for people (errors, import row errors, reports) are printed in
// zh-CN by default and in English with --lang en; the --help texts are in
// English with the Chinese terms beside them.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/i18n"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/translog"
	"github.com/yiyeyicha/yiyeyicha/internal/web"
)

// Exit statuses of the command.
const (
	ExitOK    = 0 // success (and --help)
	ExitError = 1 // bad input (rows, files, values) or a failure
	ExitUsage = 2 // bad command line: unknown command or flag, missing argument
)

// ShutdownTimeout bounds the graceful shutdown of the HTTP servers: requests
// in flight get this long to finish after SIGINT/SIGTERM.
const ShutdownTimeout = 10 * time.Second

// Main is one run of the program. Set the I/O fields before Run; NewMain
// fills them from the process.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment fallbacks of flags (YIYEYICHA_DB …).
	Getenv func(string) string

	p   *i18n.Printer
	log *slog.Logger

	mu         sync.Mutex
	store      *store.Store
	servers    []*http.Server
	addr       string
	publicAddr string
	web        *web.Server
	logKeyVal  *translog.Key // the transparency log's signing key, once loaded
	doneCh     chan error    // a server stopped by itself
}

// NewMain returns a Main wired to the process's standard streams and
// environment.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

// Execute runs the program with the process's arguments (without the
// program name) until done, serving until SIGINT or SIGTERM for serve and
// demo, and returns the exit status.
func Execute(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	err := m.Run(ctx, args)
	if err == nil && m.Serving() {
		select {
		case <-ctx.Done():
			m.logger().Info("shutting down", "timeout", ShutdownTimeout)
		case err = <-m.Done():
			m.printErr(err)
		}
		stop() // a second signal kills the process at once
	}
	if cerr := m.Close(); cerr != nil && err == nil {
		err = cerr
		m.printErr(err)
	}
	return ExitCode(err)
}

// ExitCode maps an error returned by Run to the process exit status.
func ExitCode(err error) int {
	var ee *exitError
	switch {
	case err == nil, errors.Is(err, errHelp):
		return ExitOK
	case errors.As(err, &ee):
		return ee.code
	}
	return ExitError
}

// exitError is an error whose message was already printed (a table of bad
// rows, a usage message) and that carries its exit status.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// errHelp is returned after printing --help: exit 0.
var errHelp = errors.New("cli: help requested")

// usageErr reports a bad command line in the user's language, with a hint
// to --help, and returns the error to return.
func (m *Main) usageErr(cmd, key string, args ...any) error {
	msg := m.printer().T(key, args...)
	fmt.Fprintf(m.Stderr, "yiyeyicha %s: %s\n%s\n", cmd, msg, m.printer().T("cli.usage.see_help", "cmd", strings.TrimSpace("yiyeyicha "+cmd)))
	return &exitError{code: ExitUsage, err: errors.New(msg)}
}

// failed marks an error whose message was printed; exit status 1.
func failed(err error) error { return &exitError{code: ExitError, err: err} }

func (m *Main) printer() *i18n.Printer {
	if m.p == nil {
		m.p = i18n.For(i18n.Match(m.getenv("YIYEYICHA_LANG"), ""))
	}
	return m.p
}

func (m *Main) getenv(k string) string {
	if m.Getenv == nil {
		return ""
	}
	return m.Getenv(k)
}

func (m *Main) logger() *slog.Logger {
	if m.log == nil {
		m.log = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	return m.log
}

// printErr prints an error for a person: application errors translated,
// anything else (a database that cannot be reached, a file that cannot be
// read) with its details, since the operator is the one who can fix it.
func (m *Main) printErr(err error) {
	var ee *exitError
	if err == nil || errors.Is(err, errHelp) || errors.As(err, &ee) {
		return
	}
	p := m.printer()
	msg := p.Err(err)
	if domain.ErrorKind(err) == domain.KindInternal {
		msg = err.Error()
	}
	m.errorLine(msg)
}

// errorLine prints one error line for a person, in the printer's language.
func (m *Main) errorLine(msg any) {
	fmt.Fprintln(m.Stderr, m.printer().T("cli.error", "msg", fmt.Sprint(msg)))
}

// Run runs the command in args (the program name excluded). serve and demo
// return once their servers listen; Addr then tells where, and Close stops
// them. Errors are printed to Stderr before Run returns them.
func (m *Main) Run(ctx context.Context, args []string) error {
	if m.Stdout == nil {
		m.Stdout = io.Discard
	}
	if m.Stderr == nil {
		m.Stderr = io.Discard
	}
	if m.Stdin == nil {
		m.Stdin = strings.NewReader("")
	}
	err := m.run(ctx, args)
	m.printErr(err)
	return err
}

// commands maps a command name to its implementation.
var commands = map[string]func(m *Main, ctx context.Context, args []string) error{
	"demo":     (*Main).runDemo,
	"serve":    (*Main).runServe,
	"migrate":  (*Main).runMigrate,
	"import":   (*Main).runImport,
	"export":   (*Main).runExport,
	"user":     (*Main).runUser,
	"version":  (*Main).runVersion,
	"backup":   (*Main).runBackup,
	"restore":  (*Main).runRestore,
	"report":   (*Main).runReport,
	"log":      (*Main).runLog,
	"verify":   (*Main).runVerify,
	"draw":     (*Main).runDraw,
	"calendar": (*Main).runCalendar,
	"archive":  (*Main).runArchive,
}

func (m *Main) run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, topUsage)
		return &exitError{code: ExitUsage, err: errors.New("no command")}
	}
	switch name := args[0]; name {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 && commands[args[1]] != nil {
			return commands[args[1]](m, ctx, []string{"--help"})
		}
		fmt.Fprint(m.Stdout, topUsage)
		return errHelp
	case "-version", "--version":
		return m.runVersion(ctx, nil)
	default:
		cmd, ok := commands[name]
		if !ok {
			fmt.Fprint(m.Stderr, topUsage)
			return m.usageErr("", "cli.usage.unknown_command", "name", name)
		}
		return cmd(m, ctx, args[1:])
	}
}

const topUsage = `yiyeyicha — 一业一查 joint double-random (双随机、一公开) supervision platform

Usage:
  yiyeyicha <command> [arguments] [flags]

Commands:
  demo      serve the platform with the Yuanqu County (垣曲县) demo data (演示数据)
  serve     serve the platform (staff side 工作人员端 + public portal 公示门户)
  migrate   apply pending database migrations (数据库迁移)
  import    import entities (检查对象) or inspectors (执法检查人员) from .xlsx/.csv
  export    export entities or inspectors to .xlsx/.csv
  user      manage staff accounts (用户): add, list, passwd, disable, enable, token
  backup    write a consistent backup (备份) of the database while it runs
  restore   restore a backup into a new database (恢复)
  report    write the annual summary (年度工作总结) as .xlsx
  draw      run a verifiable draw (双随机抽取): list, announce, commit, reveal, public-value, execute, abort, bundle
  verify    recompute a published draw bundle (抽取结果包) and say what differs
  version   print the version
  log       the transparency log of published records (公示日志): key, checkpoint, verify, monitor, cosign, witness
  calendar  the working-day calendar (工作日历): list the years, import a year's holiday schedule
  archive   write a closed visit's archive (立卷归档) as .zip: record, printable page, attachments

Flags may stand before or after the arguments and fall back to environment
variables (YIYEYICHA_DB, YIYEYICHA_ADDR, YIYEYICHA_PUBLIC_ADDR, YIYEYICHA_LANG …).
--db takes a SQLite file path or a postgres:// URL. Messages are in Chinese
(zh-CN) by default; --lang en switches to English.

Exit status: 0 success, 1 bad input or failure, 2 bad command line.
Run 'yiyeyicha <command> --help' for a command's flags.
`

// Serving reports whether Run started HTTP servers that are still up.
func (m *Main) Serving() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.servers) > 0
}

// Addr is the address the staff-side server listens on, once serving.
func (m *Main) Addr() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.addr
}

// PublicAddr is the address of the portal-only server (--public-addr),
// or "" when there is none.
func (m *Main) PublicAddr() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.publicAddr
}

// Done delivers the error of a server that stopped by itself.
func (m *Main) Done() <-chan error { return m.done() }

func (m *Main) done() chan error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.doneCh == nil {
		m.doneCh = make(chan error, 2) // one per server: sends never block
	}
	return m.doneCh
}

// Close shuts the servers down gracefully (requests in flight may finish
// within ShutdownTimeout) and closes the store.
func (m *Main) Close() error {
	m.mu.Lock()
	servers, st, w := m.servers, m.store, m.web
	m.servers, m.store, m.web = nil, nil, nil
	m.mu.Unlock()
	var errs []error
	if len(servers) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
		defer cancel()
		for _, s := range servers {
			if err := s.Shutdown(ctx); err != nil {
				errs = append(errs, fmt.Errorf("cli: shutdown: %w", err))
			}
		}
	}
	if w != nil {
		if err := w.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	if st != nil {
		if err := st.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
