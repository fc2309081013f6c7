package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/yiyeyicha/yiyeyicha/internal/domain"
	"github.com/yiyeyicha/yiyeyicha/internal/store"
	"github.com/yiyeyicha/yiyeyicha/internal/translog"
)

const logUsage = `Usage: yiyeyicha log <subcommand> [flags]

The transparency log of published records (公示记录透明日志): every public
record is a leaf of an append-only Merkle tree (RFC 6962) whose checkpoints
the log key signs (Ed25519, golang.org/x/mod/sumdb/note).

Subcommands:
  key         print the log's verifier key (验证公钥), creating the key if needed
  checkpoint  print or save (-o FILE) the latest signed checkpoint (检查点)
  verify      check that the log extends a saved checkpoint (--checkpoint FILE,
              consistency proof), that the records given by index are in it
              (inclusion proofs), and with --db rebuild every record from the
              published tables (monitor, 监测); fails naming each record that differs
  monitor     only the rebuild of every record from the tables (--db)
  cosign      co-sign the latest checkpoint with a witness key (见证签名)
  witness     'witness add VERIFIER --label L' registers a witness (office);
              'witness keygen --name NAME -o FILE' makes a witness key

Read the log from the database (--db) or from a portal (--url, with the
log's --verifier key, which the portal's /log page shows).

The signing key lives outside the database: by default beside the SQLite
file (DB.logkey, mode 0600); for PostgreSQL give --log-key FILE.
`

// logKeyFlags are the flags that locate the log's signing key.
type logKeyFlags struct {
	path *string
	name *string
}

func (f *flags) logKey() logKeyFlags {
	return logKeyFlags{
		path: f.String("log-key", "YIYEYICHA_LOG_KEY", "", "file of the transparency log's signing key (日志签名密钥); default: beside the SQLite file (DB.logkey)"),
		name: f.String("log-name", "YIYEYICHA_LOG_NAME", translog.DefaultKeyName, "name of a newly created log key, e.g. the county's domain"),
	}
}

// loadLogKey reads (or creates at first start) the log key for the
// database dsn. With PostgreSQL and no --log-key it returns nil: the
// server then serves the log without signing checkpoints.
func (m *Main) loadLogKey(dsn string, kf logKeyFlags) (*translog.Key, error) {
	path := *kf.path
	if path == "" {
		if strings.Contains(dsn, "://") {
			return nil, nil
		}
		path = translog.KeyPath(dsn)
	}
	k, err := translog.LoadOrCreateKey(path, *kf.name)
	if err != nil {
		m.errorLine(m.printer().T("translog.cli.key_error", "file", path, "err", err.Error()))
		return nil, failed(err)
	}
	m.mu.Lock()
	m.logKeyVal = k
	m.mu.Unlock()
	return k, nil
}

func (m *Main) runLog(ctx context.Context, args []string) error {
	sub := map[string]func(context.Context, []string) error{
		"key":        m.runLogKey,
		"checkpoint": m.runLogCheckpoint,
		"verify":     m.runLogVerify,
		"monitor":    m.runLogMonitor,
		"cosign":     m.runLogCosign,
		"witness":    m.runLogWitness,
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(m.Stdout, logUsage)
		if len(args) == 0 {
			return &exitError{code: ExitUsage, err: errors.New("no subcommand")}
		}
		return errHelp
	}
	fn, ok := sub[args[0]]
	if !ok {
		return m.usageErr("log", "cli.usage.unknown_command", "name", args[0])
	}
	return fn(ctx, args[1:])
}

const logKeyUsage = `Usage: yiyeyicha log key --db DB [--log-key FILE]

Prints the log's verifier key (验证公钥): give it to whoever verifies the log.
Creates the signing key (mode 0600) if it does not exist yet.
`

func (m *Main) runLogKey(ctx context.Context, args []string) error {
	f := m.newFlags("log key", logKeyUsage)
	db := f.DB()
	kf := f.logKey()
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.args(pos, 0, 0, "no arguments"); err != nil {
		return err
	}
	if *db == "" && *kf.path == "" {
		return m.usageErr(f.cmd, "cli.usage.no_db")
	}
	k, err := m.loadLogKey(*db, kf)
	if err != nil {
		return err
	}
	if k == nil {
		return m.usageErr(f.cmd, "translog.cli.need_key")
	}
	fmt.Fprintln(m.Stdout, k.VerifierKey)
	return nil
}

// logSourceFlags select where to read the log: --db or --url.
type logSourceFlags struct {
	db, url, verifier *string
	key               logKeyFlags
}

func (f *flags) logSource() logSourceFlags {
	return logSourceFlags{
		db:       f.DB(),
		url:      f.String("url", "YIYEYICHA_LOG_URL", "", "portal to read the log from, e.g. https://yiyeyicha.example.gov.cn"),
		verifier: f.String("verifier", "YIYEYICHA_LOG_VERIFIER", "", "the log's verifier key (with --url; the portal's /log page shows it)"),
		key:      f.logKey(),
	}
}

// storeSource reads the log from the database, signing the checkpoint with
// the key as the server would.
type storeSource struct {
	st  *store.Store
	key *translog.Key
}

func (s storeSource) Checkpoint(ctx context.Context) ([]byte, error) {
	msg, _, err := s.st.LogCheckpoint(ctx, s.key)
	return msg, err
}

func (s storeSource) Record(ctx context.Context, index, treeSize int64) (*translog.RecordResponse, error) {
	e, err := s.st.LogEntry(ctx, index)
	if err != nil {
		return nil, err
	}
	t, err := s.st.LogTreeAt(ctx, treeSize)
	if err != nil {
		return nil, err
	}
	p, err := s.st.LogProveRecord(ctx, treeSize, index)
	if err != nil {
		return nil, err
	}
	return &translog.RecordResponse{Index: e.Index, Type: e.Type, Version: e.Version, Key: e.Key, Leaf: string(e.Leaf),
		LeafHash: tlog.RecordHash(e.Leaf), TreeSize: t.N, TreeHash: t.Hash, Proof: p}, nil
}

func (s storeSource) Proof(ctx context.Context, old, new int64) (*translog.ProofResponse, error) {
	p, err := s.st.LogProveTree(ctx, new, old)
	if err != nil {
		return nil, err
	}
	return &translog.ProofResponse{Old: old, New: new, Proof: p}, nil
}

// openLogSource opens the source the flags name and the verifier to check
// its checkpoints with.
func (m *Main) openLogSource(ctx context.Context, f *flags, sf logSourceFlags) (translog.Source, note.Verifier, *store.Store, error) {
	switch {
	case *sf.db != "" && *sf.url != "":
		return nil, nil, nil, m.usageErr(f.cmd, "translog.cli.db_or_url")
	case *sf.url != "":
		if *sf.verifier == "" {
			return nil, nil, nil, m.usageErr(f.cmd, "translog.cli.need_verifier")
		}
		v, err := note.NewVerifier(strings.TrimSpace(*sf.verifier))
		if err != nil {
			return nil, nil, nil, m.usageErr(f.cmd, "translog.err.bad_verifier")
		}
		if u, err := url.Parse(*sf.url); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, nil, nil, m.usageErr(f.cmd, "translog.cli.bad_url", "url", *sf.url)
		}
		return &translog.Client{Base: *sf.url, HTTP: &http.Client{Timeout: time.Minute}}, v, nil, nil
	case *sf.db != "":
		st, err := m.openStore(ctx, f, *sf.db, false)
		if err != nil {
			return nil, nil, nil, err
		}
		k, err := m.loadLogKey(*sf.db, sf.key)
		if err != nil {
			return nil, nil, nil, err
		}
		if k == nil {
			return nil, nil, nil, m.usageErr(f.cmd, "translog.cli.need_key")
		}
		return storeSource{st, k}, k.Verifier, st, nil
	}
	return nil, nil, nil, m.usageErr(f.cmd, "translog.cli.db_or_url")
}

// latest fetches and opens the latest checkpoint.
func (m *Main) latestCheckpoint(ctx context.Context, src translog.Source, v note.Verifier) ([]byte, tlog.Tree, error) {
	msg, err := src.Checkpoint(ctx)
	if err != nil {
		return nil, tlog.Tree{}, err
	}
	t, _, err := translog.OpenCheckpoint(msg, v)
	if err != nil {
		m.errorLine(m.printer().T("translog.cli.bad_checkpoint", "err", err.Error()))
		return nil, tlog.Tree{}, failed(err)
	}
	return msg, t, nil
}

const logCheckpointUsage = `Usage: yiyeyicha log checkpoint (--db DB | --url URL --verifier KEY) [-o FILE]

Prints the latest signed checkpoint (检查点) after checking its signature,
or saves it to FILE for a later 'log verify --checkpoint FILE'.
`

func (m *Main) runLogCheckpoint(ctx context.Context, args []string) error {
	f := m.newFlags("log checkpoint", logCheckpointUsage)
	sf := f.logSource()
	out := f.String("o", "", "", "save the checkpoint to this file instead of printing it")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.args(pos, 0, 0, "no arguments"); err != nil {
		return err
	}
	src, v, _, err := m.openLogSource(ctx, f, sf)
	if err != nil {
		return err
	}
	msg, t, err := m.latestCheckpoint(ctx, src, v)
	if err != nil {
		return err
	}
	if *out == "" {
		_, err := m.Stdout.Write(msg)
		return err
	}
	if err := os.WriteFile(*out, msg, 0o644); err != nil {
		m.errorLine(err)
		return failed(err)
	}
	fmt.Fprintln(m.Stdout, m.printer().T("translog.cli.saved", "file", *out, "size", t.N, "hash", t.Hash.String()))
	return nil
}

const logVerifyUsage = `Usage: yiyeyicha log verify (--db DB | --url URL --verifier KEY) [--checkpoint FILE [--update]] [--witness KEY] [INDEX ...]

Checks the transparency log (公示日志):
  - the latest checkpoint is signed by the log key;
  - with --checkpoint FILE: the log is an append-only extension of the saved
    checkpoint (consistency proof): nothing published was removed or changed;
    --update then saves the latest checkpoint in FILE;
  - with --witness KEY (a witness's verifier key, e.g. the discipline
    office's 纪检): the latest checkpoint carries that witness's valid
    co-signature (见证签名), so the witness saw the very tree verified here;
    a log grown since the last 'log cosign' fails until it co-signs again;
  - each INDEX: that record is in the log (inclusion proof); it is printed;
  - with --db: every record is rebuilt from the published tables and
    compared with its leaf (monitor); each record whose published row was
    edited or removed is named.
Exit status 1 when anything fails.
`

func (m *Main) runLogVerify(ctx context.Context, args []string) error {
	f := m.newFlags("log verify", logVerifyUsage)
	sf := f.logSource()
	saved := f.String("checkpoint", "", "", "a checkpoint saved earlier ('log checkpoint -o FILE')")
	update := f.Bool("update", "", false, "after a successful check, save the latest checkpoint in the --checkpoint file")
	witness := f.String("witness", "", "", "a witness's verifier key: require its co-signature on the latest checkpoint")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	var wv note.Verifier
	if *witness != "" {
		if wv, err = note.NewVerifier(strings.TrimSpace(*witness)); err != nil {
			return m.usageErr(f.cmd, "translog.err.bad_verifier")
		}
	}
	var indexes []int64
	for _, a := range pos {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil || n < 0 {
			return m.usageErr(f.cmd, "translog.cli.bad_index", "arg", a)
		}
		indexes = append(indexes, n)
	}
	src, v, st, err := m.openLogSource(ctx, f, sf)
	if err != nil {
		return err
	}
	p := m.printer()
	var old tlog.Tree
	if *saved != "" {
		b, err := os.ReadFile(*saved)
		if err != nil {
			m.errorLine(p.T("cli.err.open_file", "file", *saved, "err", err.Error()))
			return failed(err)
		}
		if old, _, err = translog.OpenCheckpoint(b, v); err != nil {
			m.errorLine(p.T("translog.cli.bad_saved", "file", *saved, "err", err.Error()))
			return failed(err)
		}
	}
	msg, t, err := m.latestCheckpoint(ctx, src, v)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, p.T("translog.cli.checkpoint", "size", t.N, "hash", t.Hash.String()))
	bad := 0
	if wv != nil {
		if err := translog.CheckWitnessed(msg, v, wv); err != nil {
			m.errorLine(p.T("translog.cli.not_witnessed", "name", wv.Name(), "size", t.N, "err", err.Error()))
			bad++
		} else {
			fmt.Fprintln(m.Stdout, p.T("translog.cli.witnessed", "name", wv.Name(), "size", t.N))
		}
	}
	if *saved != "" {
		if err := translog.VerifyExtension(ctx, src, old, t); err != nil {
			m.errorLine(p.T("translog.cli.not_extension", "old", old.N, "err", err.Error()))
			bad++
		} else {
			fmt.Fprintln(m.Stdout, p.T("translog.cli.extension", "old", old.N, "size", t.N))
		}
	}
	for _, i := range indexes {
		r, err := src.Record(ctx, i, t.N)
		if err == nil {
			_, err = translog.VerifyRecord(t, i, r)
		}
		if err != nil {
			m.errorLine(p.T("translog.cli.not_included", "index", i, "err", p.Err(err)))
			bad++
			continue
		}
		fmt.Fprintln(m.Stdout, p.T("translog.cli.included", "index", i, "type", r.Type, "key", r.Key))
		fmt.Fprintln(m.Stdout, "  "+r.Leaf)
	}
	if st != nil {
		n, err := m.printMonitor(ctx, st)
		if err != nil {
			return err
		}
		bad += n
	}
	if bad > 0 {
		err := fmt.Errorf("log verify: %d problems", bad)
		m.errorLine(p.T("translog.cli.failed", "n", bad))
		return failed(err)
	}
	if *update && *saved != "" {
		if err := os.WriteFile(*saved, msg, 0o644); err != nil {
			m.errorLine(err)
			return failed(err)
		}
		fmt.Fprintln(m.Stdout, p.T("translog.cli.saved", "file", *saved, "size", t.N, "hash", t.Hash.String()))
	}
	return nil
}

// printMonitor runs the monitor and prints its findings; it returns the
// number of problems.
func (m *Main) printMonitor(ctx context.Context, st *store.Store) (int, error) {
	p := m.printer()
	rep, err := st.LogMonitor(ctx)
	if err != nil {
		return 0, err
	}
	for _, pr := range rep.Problems {
		m.errorLine(p.T("translog.cli.problem", "index", pr.Index, "type", pr.Type, "key", pr.Key,
			"reason", p.T("translog.reason."+pr.Reason), "detail", pr.Detail))
	}
	if len(rep.Problems) == 0 {
		fmt.Fprintln(m.Stdout, p.T("translog.cli.monitor_ok", "checked", rep.Checked, "unchecked", rep.Unchecked, "size", rep.Tree.N))
	}
	return len(rep.Problems), nil
}

const logMonitorUsage = `Usage: yiyeyicha log monitor --db DB

Walks the whole log: checks every leaf against its stored hash, recomputes
the tree, and rebuilds every record from the published tables; names each
record that differs. Exit status 1 when any does.
`

func (m *Main) runLogMonitor(ctx context.Context, args []string) error {
	f := m.newFlags("log monitor", logMonitorUsage)
	db := f.DB()
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.args(pos, 0, 0, "no arguments"); err != nil {
		return err
	}
	st, err := m.openStore(ctx, f, *db, false)
	if err != nil {
		return err
	}
	n, err := m.printMonitor(ctx, st)
	if err != nil {
		return err
	}
	if n > 0 {
		m.errorLine(m.printer().T("translog.cli.failed", "n", n))
		return failed(fmt.Errorf("log monitor: %d problems", n))
	}
	return nil
}

const logCosignUsage = `Usage: yiyeyicha log cosign --key WITNESS_KEY (--db DB | --url URL --verifier KEY) [--state FILE]

A witness (见证方, e.g. the discipline office 纪检) co-signs the log's latest
checkpoint: the command checks the log's signature and, when the witness
co-signed before (--state, default WITNESS_KEY.state), that the log is an
append-only extension of what it co-signed then; signs; hands the
signature to the portal (POST /log/cosign) or the database; and keeps the
checkpoint in the state file. The witness's verifier key must have been
registered by the office ('log witness add').
`

func (m *Main) runLogCosign(ctx context.Context, args []string) error {
	f := m.newFlags("log cosign", logCosignUsage)
	sf := f.logSource()
	keyPath := f.String("key", "YIYEYICHA_WITNESS_KEY", "", "the witness's key file ('log witness keygen')")
	state := f.String("state", "", "", "file keeping the last checkpoint this witness co-signed (default KEY.state)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.args(pos, 0, 0, "no arguments"); err != nil {
		return err
	}
	if *keyPath == "" {
		return m.usageErr(f.cmd, "translog.cli.need_witness_key")
	}
	p := m.printer()
	w, err := translog.LoadKey(*keyPath)
	if err != nil {
		m.errorLine(p.T("translog.cli.key_error", "file", *keyPath, "err", err.Error()))
		return failed(err)
	}
	if *state == "" {
		*state = *keyPath + ".state"
	}
	src, v, st, err := m.openLogSource(ctx, f, sf)
	if err != nil {
		return err
	}
	msg, t, err := m.latestCheckpoint(ctx, src, v)
	if err != nil {
		return err
	}
	if b, err := os.ReadFile(*state); err == nil {
		old, _, err := translog.OpenCheckpoint(b, v)
		if err == nil {
			err = translog.VerifyExtension(ctx, src, old, t)
		}
		if err != nil {
			m.errorLine(p.T("translog.cli.not_extension", "old", old.N, "err", err.Error()))
			return failed(err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		m.errorLine(err)
		return failed(err)
	}
	_, line, err := translog.Cosign(msg, v, w)
	if err != nil {
		return err
	}
	if st != nil {
		if _, err := st.AddLogCosignature(ctx, t.N, line); err != nil && domain.ErrorKind(err) != domain.KindConflict {
			return err
		}
	} else if err := postCosignature(ctx, *sf.url, t.N, line); err != nil {
		m.errorLine(err)
		return failed(err)
	}
	if err := os.WriteFile(*state, msg, 0o600); err != nil {
		m.errorLine(err)
		return failed(err)
	}
	fmt.Fprintln(m.Stdout, p.T("translog.cli.cosigned", "name", w.Signer.Name(), "size", t.N, "hash", t.Hash.String()))
	return nil
}

func postCosignature(ctx context.Context, base string, size int64, line string) error {
	form := url.Values{"size": {strconv.FormatInt(size, 10)}, "signature": {line}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(base, "/")+translog.PathCosign, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusConflict {
		b := make([]byte, 300)
		n, _ := resp.Body.Read(b)
		return fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(b[:n])))
	}
	return nil
}

const logWitnessUsage = `Usage: yiyeyicha log witness add VERIFIER --label LABEL --db DB
       yiyeyicha log witness keygen --name NAME -o FILE

add     registers a witness's verifier key (office): its co-signatures are
        then accepted and shown on the portal.
keygen  makes a witness's key (Ed25519, mode 0600) and prints its verifier
        key, to give to the office.
`

func (m *Main) runLogWitness(ctx context.Context, args []string) error {
	f := m.newFlags("log witness", logWitnessUsage)
	db := f.DB()
	label := f.String("label", "", "", "who the witness is, e.g. 县纪委监委派驻纪检组")
	name := f.String("name", "", "", "name of the new witness key (keygen), e.g. yuanqu-jijian")
	out := f.String("o", "", "", "file of the new witness key (keygen)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return m.usageErr(f.cmd, "cli.usage.args", "want", "add VERIFIER | keygen")
	}
	switch pos[0] {
	case "keygen":
		if err := f.args(pos, 1, 1, "keygen"); err != nil {
			return err
		}
		if *name == "" || *out == "" {
			return m.usageErr(f.cmd, "translog.cli.keygen_args")
		}
		k, err := translog.GenerateKeyFile(*out, *name)
		if err != nil {
			m.errorLine(err)
			return failed(err)
		}
		fmt.Fprintln(m.Stdout, k.VerifierKey)
		return nil
	case "add":
		if err := f.args(pos, 2, 2, "add VERIFIER"); err != nil {
			return err
		}
		st, err := m.openStore(ctx, f, *db, false)
		if err != nil {
			return err
		}
		w := &store.LogWitness{Verifier: pos[1], Label: *label}
		if err := st.AddLogWitness(ctx, domain.System, w); err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, m.printer().T("translog.cli.witness_added", "name", w.Name))
		return nil
	}
	return m.usageErr(f.cmd, "cli.usage.unknown_command", "name", pos[0])
}
