package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/yiyeyicha/yiyeyicha/internal/draw"
	"github.com/yiyeyicha/yiyeyicha/internal/translog"
)

const verifyUsage = `Usage: yiyeyicha verify BUNDLE [--conflict-salts FILE]

Recomputes a published draw (抽取结果包) from its bundle, as docs/draw-spec.md
specifies: the pool and roster snapshot hashes (检查对象/执法检查人员快照), the
announcement hash (抽取公告), every reveal against its commitment (承诺), the
public value (公开随机数), the seed, each business's key, the selection per
stratum (分层抽取) and every team with its skips and shortfalls (检查组).

Exit status 0 with a one-line summary when everything matches; 1 with one
line per difference (what differs and which business, inspector or party)
otherwise. No database is needed.

--conflict-salts takes the discipline office's (纪检) JSON file of conflict
salts, [{"inspector": "...", "code": "...", "salt": "hex"}], to check every
declared conflict of interest (回避) as well, not only the ones the bundle cites.

A bundle served by the platform carries proofs that its announcement and
its result are in the transparency log (公示日志), the announcement first;
they are checked too. --log-verifier takes the log's verifier key (the
portal's /log page shows it): the proofs must then be present and signed
by that key.
`

func (m *Main) runVerify(ctx context.Context, args []string) error {
	f := m.newFlags("verify", verifyUsage)
	saltsFile := f.String("conflict-salts", "", "", "discipline office's conflict salts (回避盐值), JSON")
	logVerifier := f.String("log-verifier", "YIYEYICHA_LOG_VERIFIER", "", "the transparency log's verifier key: require the bundle's log proofs, signed by it")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.args(pos, 1, 1, "BUNDLE"); err != nil {
		return err
	}
	p := m.printer()
	fh, err := os.Open(pos[0])
	if err != nil {
		m.errorLine(p.T("cli.err.open_file", "file", pos[0], "err", err))
		return failed(err)
	}
	defer fh.Close()
	b, err := draw.ReadBundle(fh)
	if err != nil {
		m.errorLine(p.T("draw.verify.unreadable", "file", pos[0], "err", err))
		return failed(err)
	}
	var salts []draw.ConflictSalt
	if *saltsFile != "" {
		data, err := os.ReadFile(*saltsFile)
		if err != nil {
			m.errorLine(p.T("cli.err.open_file", "file", *saltsFile, "err", err))
			return failed(err)
		}
		if err := json.Unmarshal(data, &salts); err != nil {
			m.errorLine(p.T("draw.verify.bad_salts", "file", *saltsFile, "err", err))
			return failed(err)
		}
		if salts == nil {
			salts = []draw.ConflictSalt{}
		}
	}
	rep, err := draw.Verify(b, salts)
	if err != nil {
		m.errorLine(p.T("draw.verify.invalid", "draw", b.Announcement.Draw, "err", err))
		return failed(err)
	}
	if !rep.OK() {
		for _, d := range rep.Differences {
			fmt.Fprintln(m.Stdout, d.String())
		}
		m.errorLine(p.T("draw.verify.differs", "draw", rep.Draw, "n", len(rep.Differences)))
		return failed(fmt.Errorf("verify: %d differences", len(rep.Differences)))
	}
	if err := m.verifyBundleLog(b, *logVerifier); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, p.T("draw.verify.ok", "draw", rep.Draw, "businesses", rep.Businesses, "visits", rep.Visits, "unstaffed", rep.Unstaffed, "seed", rep.Seed))
	return nil
}

// verifyBundleLog checks the bundle's transparency-log proofs. Without
// them it only says so, unless the log's key was given (then they are
// required).
func (m *Main) verifyBundleLog(b *draw.Bundle, pinned string) error {
	p := m.printer()
	if b.Log == nil {
		if pinned != "" {
			m.errorLine(p.T("translog.bundle.missing", "draw", b.Announcement.Draw))
			return failed(fmt.Errorf("verify: no log proofs"))
		}
		fmt.Fprintln(m.Stderr, p.T("translog.bundle.none"))
		return nil
	}
	t, err := translog.VerifyDrawProofs(b.Log, pinned, b.Announcement.Draw, b.AnnouncementHash, b.Result.Seed)
	if err != nil {
		m.errorLine(p.T("translog.bundle.bad", "draw", b.Announcement.Draw, "err", err.Error()))
		return failed(err)
	}
	fmt.Fprintln(m.Stdout, p.T("translog.bundle.ok", "announcement", b.Log.Records["announcement"].Index,
		"result", b.Log.Records["result"].Index, "size", t.N, "verifier", b.Log.Verifier))
	return nil
}
