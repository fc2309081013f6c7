package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/yiyeyicha/yiyeyicha/internal/api"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/web"
)

// DefaultAddr is where serve and demo listen unless told otherwise: the
// loopback interface, so that nothing is exposed by accident.
const DefaultAddr = "127.0.0.1:8080"

const serveUsage = `Usage: yiyeyicha serve --db DB [--addr ADDR] [--public-addr ADDR] [--files DIR] [--migrate]

Serves the platform: the public portal (公示门户) at /, the staff side
(工作人员端) behind /login, the JSON API v1 at /api/v1/ and GET /healthz.

With --public-addr, the portal alone (with /healthz and /static/) is also
served on a second address, so a deployment can expose only the portal to
the internet and keep the staff side on the government network (政务内网).

The server refuses to start on a database whose schema (数据库结构) is older
than this program's; run 'yiyeyicha migrate' first or pass --migrate.
SIGINT/SIGTERM stop it gracefully: requests in flight may finish.
`

func (m *Main) runServe(ctx context.Context, args []string) error {
	f := m.newFlags("serve", serveUsage)
	db := f.DB()
	addr := f.String("addr", "YIYEYICHA_ADDR", DefaultAddr, "address of the whole platform (staff side, portal, API), host:port")
	public := f.String("public-addr", "YIYEYICHA_PUBLIC_ADDR", "", "optional second address serving the public portal only")
	migrate := f.Bool("migrate", "YIYEYICHA_MIGRATE", false, "apply pending migrations before serving (数据库迁移)")
	secure := f.Bool("secure-cookies", "YIYEYICHA_SECURE_COOKIES", false, "mark session cookies Secure (set when served behind HTTPS)")
	kf := f.logKey()
	files := f.files()
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.args(pos, 0, 0, "no arguments"); err != nil {
		return err
	}
	st, err := m.openStore(ctx, f, *db, *migrate)
	if err != nil {
		return err
	}
	if _, err := m.loadLogKey(*db, kf); err != nil {
		return err
	}
	if err := m.attachFiles(ctx, st, *db, *files); err != nil {
		return err
	}
	return m.serve(st, *addr, *public, *secure)
}

// openStore opens the database named by --db and checks its schema: an
// older schema is migrated when migrate is set and refused otherwise; a
// newer one (written by a later version of the program) is always refused.
// The store is owned by m and closed by Close.
func (m *Main) openStore(ctx context.Context, f *flags, dsn string, migrate bool) (*store.Store, error) {
	p := m.printer()
	if dsn == "" {
		return nil, m.usageErr(f.cmd, "cli.usage.no_db")
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		m.errorLine(p.T("cli.err.open_db", "db", redact(dsn), "err", err.Error()))
		return nil, failed(err)
	}
	m.mu.Lock()
	m.store = st
	m.mu.Unlock()
	cur, latest, err := st.SchemaStatus(ctx)
	if err != nil {
		return nil, err
	}
	switch {
	case cur > latest:
		m.errorLine(p.T("cli.err.newer_schema", "current", cur, "latest", latest))
		return nil, failed(fmt.Errorf("cli: schema %d newer than %d", cur, latest))
	case cur < latest && !migrate:
		m.errorLine(p.T("cli.err.old_schema", "current", cur, "latest", latest, "db", redact(dsn)))
		return nil, failed(fmt.Errorf("cli: schema %d older than %d", cur, latest))
	case cur < latest:
		if err := st.Migrate(ctx); err != nil {
			return nil, err
		}
		fmt.Fprintln(m.Stderr, p.T("cli.migrate.done", "from", cur, "to", latest))
	}
	return st, nil
}

// serve starts the HTTP servers and returns once they listen.
func (m *Main) serve(st *store.Store, addr, publicAddr string, secure bool) error {
	log := m.logger()
	m.mu.Lock()
	logKey := m.logKeyVal
	m.mu.Unlock()
	if logKey == nil {
		log.Warn("no transparency log key (--log-key): checkpoints are not signed")
	}
	srv, err := web.New(web.Options{Store: st, Logger: log, API: api.New(st, log), SecureCookies: secure, LogKey: logKey})
	if err != nil {
		return err
	}
	// The web face keeps uploads awaiting confirmation in a temporary
	// directory; Close removes it once the servers have stopped.
	m.mu.Lock()
	m.web = srv
	m.mu.Unlock()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return m.listenErr(addr, err)
	}
	var pln net.Listener
	if publicAddr != "" {
		if pln, err = net.Listen("tcp", publicAddr); err != nil {
			ln.Close()
			return m.listenErr(publicAddr, err)
		}
	}
	m.start(ln, srv.Handler(), log, "platform")
	if pln != nil {
		m.start(pln, srv.PortalHandler(), log, "portal")
	}
	m.mu.Lock()
	m.addr = ln.Addr().String()
	if pln != nil {
		m.publicAddr = pln.Addr().String()
	}
	m.mu.Unlock()
	p := m.printer()
	fmt.Fprintln(m.Stdout, p.T("cli.serve.listening", "url", browseURL(m.Addr())))
	if pln != nil {
		fmt.Fprintln(m.Stdout, p.T("cli.serve.portal", "url", browseURL(m.PublicAddr())))
	}
	return nil
}

func (m *Main) listenErr(addr string, err error) error {
	m.errorLine(m.printer().T("cli.err.listen", "addr", addr, "err", err.Error()))
	return failed(err)
}

// start serves h on ln in the background. Timeouts keep slow clients from
// holding connections; the write timeout leaves room for large exports.
func (m *Main) start(ln net.Listener, h http.Handler, log *slog.Logger, name string) {
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      10 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	done := m.done()
	m.mu.Lock()
	m.servers = append(m.servers, hs)
	m.mu.Unlock()
	log.Info("listening", "server", name, "addr", ln.Addr().String())
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			done <- fmt.Errorf("cli: %s server: %w", name, err)
		}
	}()
}

// browseURL turns a listening address into a URL a person can open: an
// unspecified host (":8080", "0.0.0.0:8080") becomes the loopback address.
func browseURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + "/"
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
