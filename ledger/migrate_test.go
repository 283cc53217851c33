package ledger_test

import (
	"context"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/ledger/internal/merkle"
)

// testdata/format2 is a ledger directory written by the format-2 build (commit
// dbecc96, by a one-off program appending through the public API; this build can no
// longer write format 2): one tree key per leaf under 't', 1,078 events appended in
// groups of 1 to 513 over four streams. Its tree head, as that build printed it:
const (
	format2Size = 1078
	format2Root = "5094663852d945eee7e7d096dc00592daf91ef69aa3e5d2becede0286be16be3"
)

// copyFixture copies testdata/format2 into a fresh directory (Open writes to it).
func copyFixture(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "db")
	mustf(t, os.CopyFS(dir, os.DirFS("testdata/format2")), "copy fixture")
	return dir
}

func rawKeys(t *testing.T, dir string, prefix byte) int {
	t.Helper()
	db, err := pebble.Open(dir, &pebble.Options{Logger: quietPebble{t}})
	mustf(t, err, "open raw")
	defer db.Close()
	it, err := db.NewIter(&pebble.IterOptions{LowerBound: []byte{prefix}, UpperBound: []byte{prefix + 1}})
	mustf(t, err, "iter")
	defer it.Close()
	n := 0
	for it.First(); it.Valid(); it.Next() {
		n++
	}
	return n
}

// TestMigrateFormat2: Open turns a format-2 directory into format 3 with the same tree
// head; Verify, proofs and appends work on the result, and no per-leaf key is left.
func TestMigrateFormat2(t *testing.T) {
	ctx := context.Background()
	dir := copyFixture(t)
	if n := rawKeys(t, dir, 't'); n != format2Size {
		t.Fatalf("fixture holds %d per-leaf tree keys, want %d", n, format2Size)
	}
	l, err := ledger.Open(dir, &ledger.Options{})
	mustf(t, err, "open format 2")
	th := l.TreeHead()
	if th.Size != format2Size || hex.EncodeToString(th.Root[:]) != format2Root {
		t.Fatalf("migrated tree head %d %v, want %d %s", th.Size, th.Root, format2Size, format2Root)
	}
	mustf(t, l.Verify(ctx), "verify migrated")
	for _, seq := range []uint64{1, 2, 512, 513, 1024, 1025, format2Size} {
		e, err := l.Get(seq)
		mustf(t, err, "get %d", seq)
		p, err := l.ProveInclusion(seq, th.Size)
		mustf(t, err, "prove %d", seq)
		mustf(t, ledger.VerifyInclusion(p, e.LeafHash(), th), "verify inclusion of %d", seq)
	}
	appendN(t, l, "after", 40)
	th2 := l.TreeHead()
	cp, err := l.ProveConsistency(th.Size, th2.Size)
	mustf(t, err, "prove consistency")
	mustf(t, ledger.VerifyConsistency(cp, th, th2), "verify consistency")
	mustf(t, l.Verify(ctx), "verify after appending")
	mustf(t, l.Close(), "close")

	if n := rawKeys(t, dir, 't'); n != 0 {
		t.Fatalf("%d per-leaf tree keys left after the migration", n)
	}
	// ceil(1078/1024) migrated spans, then one per append.
	if n, want := rawKeys(t, dir, 'h'), 2+len(appendGroupSizes(40)); n != want {
		t.Fatalf("%d tree spans, want %d", n, want)
	}
	l, err = ledger.Open(dir, &ledger.Options{})
	mustf(t, err, "reopen format 3")
	defer l.Close()
	if got := l.TreeHead(); got != th2 {
		t.Fatalf("tree head after reopen %v, want %v", got, th2)
	}
	mustf(t, l.Verify(ctx), "verify after reopen")
}

// TestMigrateFormat2Interrupted: spans left by a migration that stopped before its
// last batch (the directory still says format 2) are written again, and the result is
// the same tree.
func TestMigrateFormat2Interrupted(t *testing.T) {
	dir := copyFixture(t)
	db, err := pebble.Open(dir, &pebble.Options{Logger: quietPebble{t}})
	mustf(t, err, "open raw")
	// What the first batch of an interrupted migration left: the first span, and a
	// stray one as a torn later batch might.
	var first []byte
	for n := range merkle.MaxSpanRecords {
		v, c, err := db.Get(append([]byte{'t'}, merkle.Key(nil, int64(n))...))
		mustf(t, err, "get record %d", n)
		first = append(first, v...)
		c.Close()
	}
	mustf(t, db.Set(append([]byte{'h'}, merkle.Key(nil, 0)...), first, pebble.Sync), "set span")
	mustf(t, db.Set(append([]byte{'h'}, merkle.Key(nil, merkle.MaxSpanRecords)...), first[:64], pebble.Sync), "set torn span")
	mustf(t, db.Close(), "close raw")

	l, err := ledger.Open(dir, &ledger.Options{})
	mustf(t, err, "open")
	defer l.Close()
	if th := l.TreeHead(); hex.EncodeToString(th.Root[:]) != format2Root {
		t.Fatalf("tree root %v, want %s", th.Root, format2Root)
	}
	mustf(t, l.Verify(context.Background()), "verify")
}

// appendGroupSizes lists the group sizes appendN uses for n events.
func appendGroupSizes(n int) []int {
	var out []int
	for i := 0; i < n; {
		g := min(1+i%7, n-i)
		out = append(out, g)
		i += g
	}
	return out
}

// TestTreeTailDerivedOnOpen: a group's tree span is written after its events, unsynced,
// so a crash can lose the spans of the last groups (never their events). Open derives
// them again from the events: the same tree head, and Verify and proofs work. A span
// beyond the events is corruption.
func TestTreeTailDerivedOnOpen(t *testing.T) {
	ctx := context.Background()
	fs := vfs.NewMem()
	l, err := ledger.Open("db", memOptions(fs))
	mustf(t, err, "open")
	appendN(t, l, "tail", 200)
	want := l.TreeHead()
	mustf(t, l.Close(), "close")

	var lastSpans [][]byte
	rawEdit(t, fs, func(db *pebble.DB) {
		it, err := db.NewIter(&pebble.IterOptions{LowerBound: []byte{'h'}, UpperBound: []byte{'i'}})
		mustf(t, err, "iter")
		for ok := it.Last(); ok && len(lastSpans) < 3; ok = it.Prev() {
			lastSpans = append(lastSpans, append([]byte(nil), it.Key()...))
		}
		it.Close()
		for _, k := range lastSpans {
			mustf(t, db.Delete(k, pebble.Sync), "delete span")
		}
	})
	l, err = ledger.Open("db", memOptions(fs))
	mustf(t, err, "reopen without the last three spans")
	if got := l.TreeHead(); got != want {
		t.Fatalf("tree head %v after deriving the tail, want %v", got, want)
	}
	mustf(t, l.Verify(ctx), "verify")
	e, err := l.Get(want.Size)
	mustf(t, err, "get")
	p, err := l.ProveInclusion(want.Size, want.Size)
	mustf(t, err, "prove")
	mustf(t, ledger.VerifyInclusion(p, e.LeafHash(), want), "verify inclusion")
	mustf(t, l.Close(), "close")

	rawEdit(t, fs, func(db *pebble.DB) {
		mustf(t, db.Set(rawTreeKey(want.Size+1), make([]byte, merkle.RecordLen(int64(want.Size))), pebble.Sync), "set span")
	})
	_, err = ledger.Open("db", memOptions(fs))
	var ce *ledger.CorruptError
	if !errors.As(err, &ce) {
		t.Fatalf("open with a span beyond the events: %v, want *CorruptError", err)
	}
}
