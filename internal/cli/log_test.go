package cli

import (
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/yiyeyicha/yiyeyicha/internal/store/storetest"
)

// TestLogCommands runs the log's commands against a served portal and the
// database: key, checkpoint, verify against a saved checkpoint, a witness
// co-signing through the portal, and the refusals.
func TestLogCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "y.db")
	if r := run(t, nil, "migrate", "--db", db); r.code != 0 {
		t.Fatalf("migrate: %s", r.stderr)
	}
	r := run(t, nil, "log", "key", "--db", db, "--log-name", "yuanqu-log")
	if r.code != 0 {
		t.Fatalf("log key: exit %d %s", r.code, r.stderr)
	}
	vkey := strings.TrimSpace(r.stdout)
	if _, err := note.NewVerifier(vkey); err != nil || !strings.HasPrefix(vkey, "yuanqu-log+") {
		t.Fatalf("log key printed %q: %v", vkey, err)
	}
	fi, err := os.Stat(db + ".logkey")
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file beside the database: %v %v", fi, err)
	}
	if r := run(t, nil, "log", "key", "--db", db); strings.TrimSpace(r.stdout) != vkey {
		t.Errorf("second log key printed %q, want %q", r.stdout, vkey)
	}

	srv := run(t, nil, "serve", "--db", db, "--addr", "127.0.0.1:0")
	if srv.code != 0 {
		t.Fatalf("serve: %s", srv.stderr)
	}
	base := "http://" + srv.m.Addr()
	status, body := get(t, base+"/log")
	shown := strings.ReplaceAll(vkey, "+", "&#43;") // as html/template writes it
	if status != 200 || !strings.Contains(body, shown) {
		t.Fatalf("/log: %d, verifier shown: %v", status, strings.Contains(body, shown))
	}

	saved := filepath.Join(dir, "checkpoint.txt")
	if r := run(t, nil, "log", "checkpoint", "--url", base, "--verifier", vkey, "-o", saved); r.code != 0 {
		t.Fatalf("log checkpoint: %s", r.stderr)
	}
	if r := run(t, nil, "log", "verify", "--url", base, "--verifier", vkey, "--checkpoint", saved, "--lang", "en"); r.code != 0 || !strings.Contains(r.stdout, "signature valid") {
		t.Fatalf("log verify --url: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, nil, "log", "verify", "--db", db, "--checkpoint", saved, "--lang", "en"); r.code != 0 || !strings.Contains(r.stdout, "checked the hashes of all 0 records") {
		t.Fatalf("log verify --db: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// Another key's verifier: the checkpoint is refused.
	other := filepath.Join(dir, "other.key")
	r = run(t, nil, "log", "witness", "keygen", "--name", "yuanqu-log", "-o", other)
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := run(t, nil, "log", "verify", "--url", base, "--verifier", strings.TrimSpace(r.stdout)); r.code != ExitError {
		t.Errorf("verify with another key's verifier: exit %d, want 1", r.code)
	}
	if r := run(t, nil, "log", "verify", "--url", base); r.code != ExitUsage {
		t.Errorf("verify --url without --verifier: exit %d, want 2", r.code)
	}

	// A witness: key, registration by the office, co-signature via the portal.
	wkey := filepath.Join(dir, "jijian.key")
	r = run(t, nil, "log", "witness", "keygen", "--name", "yuanqu-jijian", "-o", wkey)
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	wv := strings.TrimSpace(r.stdout)
	if r := run(t, nil, "log", "cosign", "--key", wkey, "--url", base, "--verifier", vkey); r.code != ExitError {
		t.Errorf("co-signing before registration: exit %d, want 1\n%s", r.code, r.stderr)
	}
	if r := run(t, nil, "log", "witness", "add", wv, "--label", "县纪委监委派驻纪检组", "--db", db); r.code != 0 {
		t.Fatalf("witness add: %s", r.stderr)
	}
	if r := run(t, nil, "log", "cosign", "--key", wkey, "--url", base, "--verifier", vkey); r.code != 0 {
		t.Fatalf("cosign: exit %d %s", r.code, r.stderr)
	}
	_, cp := get(t, base+"/log/checkpoint")
	if _, err := note.Open([]byte(cp), note.VerifierList(mustVerifier(t, vkey), mustVerifier(t, wv))); err != nil || strings.Count(cp, "\n— ") != 2 {
		t.Errorf("co-signed checkpoint:\n%s\n%v", cp, err)
	}
	if _, body := get(t, base+"/log"); !strings.Contains(body, "县纪委监委派驻纪检组") {
		t.Error("/log does not show the co-signature's witness")
	}
}

func mustVerifier(t *testing.T, vkey string) note.Verifier {
	t.Helper()
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestLogVerifyCatchesTampering: a published joint list edited in the
// database makes 'log verify' fail naming the record; removing the last
// log record makes the check against a saved checkpoint fail.
func TestLogVerifyCatchesTampering(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "y.db")
	if r := run(t, nil, "migrate", "--db", db); r.code != 0 {
		t.Fatalf("migrate: %s", r.stderr)
	}
	st := openStore(t, db)
	f := storetest.Seed(t, st)
	v1 := storetest.SeedJointList(t, st, f, "catering")
	storetest.SeedJointList(t, st, f, "hotel")
	saved := filepath.Join(dir, "cp.txt")
	if r := run(t, nil, "log", "checkpoint", "--db", db, "-o", saved); r.code != 0 {
		t.Fatalf("log checkpoint: %s", r.stderr)
	}
	r := run(t, nil, "log", "verify", "--db", db, "--checkpoint", saved, "--lang", "en", "0", "1")
	if r.code != 0 || !strings.Contains(r.stdout, "2 rebuilt from the published tables") || !strings.Contains(r.stdout, "record 1 lists.version") {
		t.Fatalf("clean log: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	raw := func(q string) {
		t.Helper()
		if _, err := rawDB(t, db).Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw(`DROP TRIGGER joint_list_items_frozen_update`)
	raw(fmt.Sprintf(`UPDATE joint_list_items SET name = '改写的事项' WHERE version_id = %d`, v1.ID))
	r = run(t, nil, "log", "verify", "--db", db, "--lang", "en")
	want := fmt.Sprintf("record 0 lists.version %d/1: the published data differs from what was logged", v1.ListID)
	if r.code != ExitError || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "改写的事项") {
		t.Errorf("after editing a published item: exit %d, want 1 naming %q\n%s%s", r.code, want, r.stdout, r.stderr)
	}
	if r := run(t, nil, "log", "monitor", "--db", db, "--lang", "en"); r.code != ExitError || !strings.Contains(r.stderr, want) {
		t.Errorf("log monitor after the edit: exit %d\n%s", r.code, r.stderr)
	}

	// Removing the last record by hand (guards dropped).
	for _, tr := range []string{"log_records_no_delete", "log_hashes_no_delete"} {
		raw("DROP TRIGGER " + tr)
	}
	raw(`DELETE FROM log_records WHERE idx = 1`)
	raw(`DELETE FROM log_hashes WHERE id >= 2`) // StoredHashIndex(0, 1) = 2
	raw(`UPDATE log_head SET size = 1`)
	r = run(t, nil, "log", "verify", "--db", db, "--checkpoint", saved, "--lang", "en")
	if r.code != ExitError || !strings.Contains(r.stderr, "refusing to sign") {
		t.Errorf("signing after deleting the last record: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// And when the signed checkpoints are removed too, so the key signs
	// the shortened log, the saved checkpoint still catches it.
	raw(`DELETE FROM log_checkpoints`)
	r = run(t, nil, "log", "verify", "--db", db, "--checkpoint", saved, "--lang", "en")
	if r.code != ExitError || !strings.Contains(r.stderr, "NOT an append-only extension") || !strings.Contains(r.stderr, "shrank from 2 to 1") {
		t.Errorf("consistency with the saved checkpoint after deleting the last record: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestLogPostgres: on PostgreSQL the key is where --log-key says; without
// it the server logs and proves but signs nothing.
func TestLogPostgres(t *testing.T) {
	dsn := postgresDSN(t)
	if r := run(t, nil, "migrate", "--db", dsn); r.code != 0 {
		t.Fatalf("migrate: %s", r.stderr)
	}
	if r := run(t, nil, "log", "key", "--db", dsn); r.code != ExitUsage {
		t.Errorf("log key on PostgreSQL without --log-key: exit %d, want 2\n%s", r.code, r.stderr)
	}
	srv := run(t, nil, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	if srv.code != 0 || !strings.Contains(srv.stderr, "no transparency log key") {
		t.Fatalf("serve without key: exit %d\n%s", srv.code, srv.stderr)
	}
	if status, _ := get(t, "http://"+srv.m.Addr()+"/log/checkpoint"); status != http.StatusConflict {
		t.Errorf("checkpoint without key: %d, want 409", status)
	}
	keyFile := filepath.Join(t.TempDir(), "log.key")
	env := map[string]string{"YIYEYICHA_LOG_KEY": keyFile}
	r := run(t, env, "log", "key", "--db", dsn)
	if r.code != 0 {
		t.Fatalf("log key with YIYEYICHA_LOG_KEY: %s", r.stderr)
	}
	vkey := strings.TrimSpace(r.stdout)
	srv = run(t, env, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	if srv.code != 0 {
		t.Fatal(srv.stderr)
	}
	status, cp := get(t, "http://"+srv.m.Addr()+"/log/checkpoint")
	if status != 200 {
		t.Fatalf("checkpoint with key: %d", status)
	}
	if _, err := note.Open([]byte(cp), note.VerifierList(mustVerifier(t, vkey))); err != nil {
		t.Errorf("checkpoint not signed by the key file's key: %v", err)
	}
}
