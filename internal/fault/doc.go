// Package fault holds the crash tests of yiyeyicha: its tests start the
// real program as a child process, kill it with SIGKILL (kill -9) at a
// random moment of a write, restart it, and check that the store is either
// before or after the write, never between, with its audit rows, a clean
// schema status and no orphan upload files.
//
// The package has no code outside its tests. A Case describes one kind of
// write (an import from the command line or through the web upload, a
// draw execution, an evidence upload, and the result entry: saving a
// part's results, signing it off, publishing it); cases_test.go lists them.
//
// The short version runs with go test ./... (one killed run per case on
// SQLite, after one uninterrupted calibration run); the long run covers
// PostgreSQL too. The documented long run:
//
//	YIYEYICHA_FAULT_RUNS=50 go test -count=1 -run TestKill -v ./internal/fault
//
// YIYEYICHA_FAULT_SEED replays the kill moments of a failed run (its seed
// is logged).
package fault
