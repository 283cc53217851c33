package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/punchledger/punchledger/ledger"
)

// appendRaw appends n events to the ledger at dir directly through the library (the
// ledger-level commands do not care about payloads).
func appendRaw(t *testing.T, dir string, n int) {
	t.Helper()
	at := time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)
	l, err := ledger.Open(dir, &ledger.Options{Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := 0; i < n; i++ {
		if _, err := l.Append(context.Background(), "employee/E1", ledger.Any, ledger.Proposed{
			Type: "test.event", Schema: 1, OccurredAt: at, Actor: "system", Data: []byte{byte(i)}}); err != nil {
			t.Fatal(err)
		}
	}
}

func mustJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("%v in %q", err, s)
	}
}

func TestLedgerCommands(t *testing.T) {
	tmp := t.TempDir()
	db := filepath.Join(tmp, "a.db")
	env := map[string]string{EnvDB: db}
	ok := func(args ...string) string {
		t.Helper()
		out, errs, code := runCLI(t, env, "", args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		return out
	}
	fail := func(want string, args ...string) {
		t.Helper()
		out, errs, code := runCLI(t, env, "", args...)
		if code == 0 || !strings.Contains(errs, want) {
			t.Fatalf("%v: exit %d, stderr %q, want it to contain %q (stdout %q)", args, code, errs, want, out)
		}
	}
	ok("init")
	appendRaw(t, db, 5)
	var v struct {
		OK   bool   `json:"ok"`
		Size uint64 `json:"size"`
		Root string `json:"root"`
	}
	mustJSON(t, ok("verify", "--format", "json"), &v)
	if !v.OK || v.Size != 6 { // the bootstrap event and five more
		t.Fatalf("verify: %+v", v)
	}
	ck1 := filepath.Join(tmp, "c1")
	if err := os.WriteFile(ck1, []byte(ok("checkpoint")), 0o644); err != nil {
		t.Fatal(err)
	}
	rcpt := filepath.Join(tmp, "r.json")
	ok("prove", "event", "3", "--out", rcpt)
	ok("prove", "check", rcpt)
	appendRaw(t, db, 3)
	ok("verify", "--checkpoint", ck1)
	cons := filepath.Join(tmp, "cons.json")
	ok("prove", "consistency", ck1, "--out", cons)
	ok("prove", "check", cons)

	// A tampered receipt fails.
	b, _ := os.ReadFile(rcpt)
	bad := filepath.Join(tmp, "bad.json")
	os.WriteFile(bad, []byte(strings.Replace(string(b), `"seq": 3`, `"seq": 4`, 1)), 0o644)
	fail("does NOT hold", "prove", "check", bad)

	exp := filepath.Join(tmp, "x.export")
	ok("--actor", "admin:root", "export", "--personal", exp)
	ok("export", "--check", exp)
	copyDB := filepath.Join(tmp, "copy.db")
	var imp struct {
		Size uint64 `json:"size"`
		Root string `json:"root"`
	}
	mustJSON(t, ok("--db", copyDB, "import", exp, "--pub", filepath.Join(db, verifierKeyFile), "--format", "json"), &imp)
	mustJSON(t, ok("verify", "--format", "json"), &v)
	if imp.Size != 9 || imp.Root != v.Root {
		t.Fatalf("import %+v, original %+v", imp, v)
	}
	fail("not empty", "--db", copyDB, "import", exp)
	fail("no ledger at", "--db", filepath.Join(tmp, "nope"), "verify")
	fail("no event at sequence 99", "prove", "event", "99")
	fail("not a sequence number", "prove", "event", "x")
	// A truncated export is refused.
	eb, _ := os.ReadFile(exp)
	os.WriteFile(exp+".cut", eb[:len(eb)/2], 0o644)
	fail("does NOT verify", "export", "--check", exp+".cut")
}

// TestVerifyNamesTamperedEvent flips one byte of a stored event behind the ledger's back
// (through Pebble, with the ledger's key layout: 'e' + big-endian seq) and checks that
// verify fails naming that event.
func TestVerifyNamesTamperedEvent(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	env := map[string]string{EnvDB: db}
	if _, errs, code := runCLI(t, env, "", "init"); code != 0 {
		t.Fatal(errs)
	}
	appendRaw(t, db, 5)
	p, err := pebble.Open(db, &pebble.Options{Logger: quietPebble{}})
	if err != nil {
		t.Fatal(err)
	}
	key := seqKey(4)
	v, closer, err := p.Get(key)
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]byte(nil), v...)
	closer.Close()
	bad[len(bad)-40] ^= 1 // a byte of the payload, before the trailing hash
	if err := p.Set(key, bad, pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	_, errs, code := runCLI(t, env, "", "verify")
	if code != exitError || !strings.Contains(errs, "does NOT verify") || !strings.Contains(errs, "seq 4") {
		t.Fatalf("verify after tampering: exit %d, %q", code, errs)
	}
}
