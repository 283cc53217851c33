package ledger_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/punchledger/punchledger/ledger"
)

var update = flag.Bool("update", false, "rewrite testdata/golden files")

// goldenEvents are appended, in order, to an empty ledger with a fixed clock; their
// stored bytes and hashes must never change.
var goldenEvents = []struct {
	name   string
	stream string
	p      ledger.Proposed
}{
	{"first-event", "employee/E1001", ledger.Proposed{
		ID: mustID("0102030405060708090a0b0c0d0e0f10"), Type: "punch.recorded", Schema: 1,
		OccurredAt: time.Date(2026, 3, 9, 7, 58, 12, 345678901, time.UTC), Actor: "device:D1",
		Data: []byte{0x82, 0xa4, 'K', 'i', 'n', 'd', 0x01, 0xa2, 'A', 't', 0xd3, 0, 0, 0, 0, 0, 0, 0, 42},
	}},
	{"second-event-same-stream", "employee/E1001", ledger.Proposed{
		ID: mustID("ffeeddccbbaa99887766554433221100"), Type: "punch.recorded", Schema: 1,
		OccurredAt: time.Date(2026, 3, 9, 17, 1, 0, 0, time.UTC), Actor: "device:D1",
		Data: []byte{0x80},
	}},
	{"empty-data-empty-actor", "org", ledger.Proposed{
		ID: mustID("00000000000000000000000000000001"), Type: "org.created", Schema: 65535,
		OccurredAt: time.Date(1970, 1, 1, 0, 0, 0, 1, time.UTC),
	}},
	{"before-1970-unicode", "employee/Zoë", ledger.Proposed{
		ID: mustID("7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f"), Type: "employee.registered", Schema: 3,
		OccurredAt: time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.FixedZone("X", 3600)), Actor: "manager:M7",
		Data: []byte("Zoë"),
	}},
}

func mustID(s string) ledger.ID {
	id, err := ledger.ParseID(s)
	if err != nil {
		panic(err)
	}
	return id
}

func TestGoldenEnvelope(t *testing.T) {
	ctx := context.Background()
	opts := memOptions(nil)
	opts.Now = func() time.Time { return time.Date(2026, 3, 9, 8, 0, 0, 123456789, time.UTC) }
	l, err := ledger.Open("db", opts)
	mustf(t, err, "open")
	defer l.Close()
	var out bytes.Buffer
	out.WriteString("# Stored envelope bytes and hashes (ledger/event.go). Never edit: a new layout is a new format byte.\n")
	for _, g := range goldenEvents {
		r, err := l.Append(ctx, g.stream, ledger.Any, g.p)
		mustf(t, err, "append %s", g.name)
		e, err := l.Get(r.FirstSeq)
		mustf(t, err, "get")
		stored := ledger.EncodeEvent(&e)
		fmt.Fprintf(&out, "\n%s\nseq %d\nbytes %x\nhash %v\n", g.name, e.Seq, stored, e.Hash)

		// The bytes decode back to the same event, and re-encode identically.
		var back ledger.Event
		mustf(t, ledger.DecodeEvent(stored, &back), "decode %s", g.name)
		if !bytes.Equal(ledger.EncodeEvent(&back), stored) || back.Hash != e.Hash || !back.OccurredAt.Equal(g.p.OccurredAt) {
			t.Fatalf("%s: round trip changed the event", g.name)
		}
	}
	path := filepath.Join("testdata", "golden", "envelope.txt")
	if *update {
		mustf(t, os.WriteFile(path, out.Bytes(), 0o644), "write golden")
		return
	}
	want, err := os.ReadFile(path)
	mustf(t, err, "read golden (run with -update to create)")
	if !bytes.Equal(out.Bytes(), want) {
		t.Fatalf("envelope encoding changed (if on purpose, this needs a new format byte):\n got:\n%s\nwant:\n%s", out.Bytes(), want)
	}
}

// TestGoldenHashIndependent recomputes the first golden hash with nothing but
// crypto/sha256 and the documented layout, so the documentation and the code agree.
func TestGoldenHashIndependent(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "golden", "envelope.txt"))
	mustf(t, err, "read golden")
	var stored []byte
	var hash string
	for _, line := range bytes.Split(want, []byte("\n")) {
		if b, ok := bytes.CutPrefix(line, []byte("bytes ")); ok && stored == nil {
			stored, err = hex.DecodeString(string(b))
			mustf(t, err, "hex")
		}
		if h, ok := bytes.CutPrefix(line, []byte("hash ")); ok && hash == "" {
			hash = string(h)
		}
	}
	// Layout: canonical bytes, then the 32-byte hash; prevHash sits at offset 51.
	canonical := stored[:len(stored)-32]
	prev := canonical[51:83]
	sum := sha256sum(append(append([]byte(nil), prev...), canonical...))
	if got := hex.EncodeToString(sum); got != hash || got != hex.EncodeToString(stored[len(stored)-32:]) {
		t.Fatalf("SHA-256(prev || canonical) = %s, golden hash %s", got, hash)
	}
}
