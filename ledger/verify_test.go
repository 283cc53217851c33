package ledger_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/ledger/internal/merkle"
)

// quietPebble drops Pebble's informational lines and fails the test on its errors.
type quietPebble struct{ t testing.TB }

func (quietPebble) Infof(string, ...any)             {}
func (q quietPebble) Errorf(format string, a ...any) { q.t.Errorf(format, a...) }
func (q quietPebble) Fatalf(format string, a ...any) { q.t.Fatalf(format, a...) }

// rawEventKey and rawTreeKey spell out the persisted key layout (keys.go), so that the
// test writes through Pebble exactly where the ledger reads.
func rawEventKey(seq uint64) []byte { return binary.BigEndian.AppendUint64([]byte{'e'}, seq) }
func rawTreeKey(seq uint64) []byte  { return binary.BigEndian.AppendUint64([]byte{'h'}, seq-1) }

func rawIDKey(id ledger.ID) []byte { return append([]byte{'i'}, id[:]...) }
func rawStreamKey(stream string, version uint64) []byte {
	return binary.BigEndian.AppendUint64(append(append([]byte{'s'}, stream...), 0), version)
}

// rawStreamRunKey returns the stream index key of the run holding the stream's version.
func rawStreamRunKey(t *testing.T, db *pebble.DB, stream string, version uint64) []byte {
	t.Helper()
	pfx := append(append([]byte{'s'}, stream...), 0)
	it, err := db.NewIter(&pebble.IterOptions{LowerBound: pfx, UpperBound: append(pfx[:len(pfx):len(pfx)], 0xff)})
	mustf(t, err, "iter")
	defer it.Close()
	if !it.SeekGE(rawStreamKey(stream, version)) {
		t.Fatalf("no stream index key for %q version %d", stream, version)
	}
	return append([]byte(nil), it.Key()...)
}

// rawEvent reads and decodes the event at seq straight from Pebble.
func rawEvent(t *testing.T, db *pebble.DB, seq uint64) ledger.Event {
	t.Helper()
	v, c, err := db.Get(rawEventKey(seq))
	mustf(t, err, "get event %d", seq)
	defer c.Close()
	var e ledger.Event
	mustf(t, ledger.DecodeEvent(append([]byte(nil), v...), &e), "decode event %d", seq)
	return e
}

// rawEdit opens the closed ledger's Pebble store directly and applies edit.
func rawEdit(t *testing.T, fs vfs.FS, edit func(db *pebble.DB)) {
	t.Helper()
	db, err := pebble.Open("db", &pebble.Options{FS: fs, Logger: quietPebble{t}})
	mustf(t, err, "open raw pebble")
	edit(db)
	mustf(t, db.Close(), "close raw pebble")
}

func rawFlip(t *testing.T, db *pebble.DB, key []byte, at func(n int) int) {
	t.Helper()
	v, c, err := db.Get(key)
	mustf(t, err, "get %x", key)
	b := append([]byte(nil), v...)
	c.Close()
	b[at(len(b))] ^= 0x01
	mustf(t, db.Set(key, b, pebble.Sync), "set %x", key)
}

// TestVerifyTamper is acceptance 4's store half: one byte flipped (or one key removed
// or added) in the stored events, tree or indexes, written through Pebble directly on
// a closed ledger, makes Verify name the sequence number.
func TestVerifyTamper(t *testing.T) {
	const n, victim = 60, 37
	// Byte offsets in the stored envelope (event.go): format(1) seq(8) id(16) version(8)
	// schema(2) occurred(8) recorded(8) prevHash(32) lengths(10) stream type actor data hash(32).
	for _, tc := range []struct {
		name string
		edit func(t *testing.T, db *pebble.DB)
		seq  uint64
	}{
		{"DataByte", func(t *testing.T, db *pebble.DB) {
			rawFlip(t, db, rawEventKey(victim), func(n int) int { return n - 33 })
		}, victim},
		{"StoredHash", func(t *testing.T, db *pebble.DB) {
			rawFlip(t, db, rawEventKey(victim), func(n int) int { return n - 1 })
		}, victim},
		{"PrevHash", func(t *testing.T, db *pebble.DB) { rawFlip(t, db, rawEventKey(victim), func(int) int { return 60 }) }, victim},
		{"SeqField", func(t *testing.T, db *pebble.DB) { rawFlip(t, db, rawEventKey(victim), func(int) int { return 8 }) }, victim},
		{"EventID", func(t *testing.T, db *pebble.DB) { rawFlip(t, db, rawEventKey(victim), func(int) int { return 12 }) }, victim},
		{"RecordedAt", func(t *testing.T, db *pebble.DB) { rawFlip(t, db, rawEventKey(victim), func(int) int { return 49 }) }, victim},
		{"LengthField", func(t *testing.T, db *pebble.DB) { rawFlip(t, db, rawEventKey(victim), func(int) int { return 86 }) }, victim},
		{"FormatByte", func(t *testing.T, db *pebble.DB) { rawFlip(t, db, rawEventKey(victim), func(int) int { return 0 }) }, victim},
		{"FirstEvent", func(t *testing.T, db *pebble.DB) { rawFlip(t, db, rawEventKey(1), func(n int) int { return n - 40 }) }, 1},
		{"EventDeleted", func(t *testing.T, db *pebble.DB) { mustf(t, db.Delete(rawEventKey(victim), pebble.Sync), "delete") }, victim},
		{"TreeHash", func(t *testing.T, db *pebble.DB) { rawFlip(t, db, rawTreeKey(victim), func(int) int { return 3 }) }, victim},
		{"TreeHashesDeleted", func(t *testing.T, db *pebble.DB) { mustf(t, db.Delete(rawTreeKey(victim), pebble.Sync), "delete") }, victim},
		// A forger who also rewrites the event's own tree hashes is still caught at
		// the event, by its chain hash (the tree would only notice at a later seq).
		{"EventAndItsTreeHashesRewritten", func(t *testing.T, db *pebble.DB) {
			rawFlip(t, db, rawEventKey(victim), func(n int) int { return n - 33 })
			v, c, err := db.Get(rawEventKey(victim))
			mustf(t, err, "get")
			f, err := merkle.LoadFrontier(merkle.StoreReader(db, []byte{'h'}), victim-1)
			mustf(t, err, "load frontier")
			hashes, err := f.Append(merkle.LeafHash(v))
			c.Close()
			mustf(t, err, "append")
			mustf(t, db.Set(rawTreeKey(victim), merkle.AppendRecord(nil, hashes), pebble.Sync), "set")
		}, victim},
		{"IDIndexDeleted", func(t *testing.T, db *pebble.DB) {
			mustf(t, db.Delete(rawIDKey(rawEvent(t, db, victim).ID), pebble.Sync), "delete")
		}, victim},
		{"IDIndexPointsElsewhere", func(t *testing.T, db *pebble.DB) {
			key := rawIDKey(rawEvent(t, db, victim).ID)
			v, c, err := db.Get(key)
			mustf(t, err, "get")
			b := append([]byte(nil), v...)
			c.Close()
			binary.BigEndian.PutUint64(b, victim+1)
			mustf(t, db.Set(key, b, pebble.Sync), "set")
		}, victim},
		{"IDIndexValueByte", func(t *testing.T, db *pebble.DB) {
			// The value is the seq alone; flipping its second-lowest byte points the entry
			// past the head (flipping the lowest would point it at an earlier event, which
			// Verify then names, being the lower seq).
			rawFlip(t, db, rawIDKey(rawEvent(t, db, victim).ID), func(n int) int { return n - 2 })
		}, victim},
		{"ExtraIDIndexEntry", func(t *testing.T, db *pebble.DB) {
			var id ledger.ID
			id[3] = 0x42
			mustf(t, db.Set(rawIDKey(id), binary.BigEndian.AppendUint64(nil, victim), pebble.Sync), "set")
		}, victim},
		// The victim's stream index entry is the key of its run (its append's events
		// to its stream), which ends at the next key at or after its version. The
		// victim is the first event of its append, so it is the run's lowest seq.
		{"StreamIndexDeleted", func(t *testing.T, db *pebble.DB) {
			e := rawEvent(t, db, victim)
			mustf(t, db.Delete(rawStreamRunKey(t, db, e.Stream, e.Version), pebble.Sync), "delete")
		}, victim},
		{"StreamIndexRunShortened", func(t *testing.T, db *pebble.DB) {
			e := rawEvent(t, db, victim)
			key := rawStreamRunKey(t, db, e.Stream, e.Version)
			v, c, err := db.Get(key)
			mustf(t, err, "get")
			b := append([]byte(nil), v...)
			c.Close()
			mustf(t, db.Delete(key, pebble.Sync), "delete")
			last := binary.BigEndian.Uint64(key[len(key)-8:])
			binary.BigEndian.PutUint64(b, binary.BigEndian.Uint64(b)-1)
			mustf(t, db.Set(rawStreamKey(e.Stream, last-1), b, pebble.Sync), "set")
		}, victim + 1}, // the run now ends at the victim: the next event (same run) loses its entry
		{"ExtraStreamIndexEntry", func(t *testing.T, db *pebble.DB) {
			mustf(t, db.Set(rawStreamKey("employee/ghost", 1), binary.BigEndian.AppendUint64(nil, victim), pebble.Sync), "set")
		}, victim},
		{"EventReplacedByAnother", func(t *testing.T, db *pebble.DB) {
			v, c, err := db.Get(rawEventKey(victim + 1))
			mustf(t, err, "get")
			b := append([]byte(nil), v...)
			c.Close()
			mustf(t, db.Set(rawEventKey(victim), b, pebble.Sync), "set")
		}, victim},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := vfs.NewMem()
			l, err := ledger.Open("db", memOptions(fs))
			mustf(t, err, "open")
			appendN(t, l, "v", n)
			mustf(t, l.Verify(context.Background()), "verify before tampering")
			mustf(t, l.Close(), "close")

			rawEdit(t, fs, func(db *pebble.DB) { tc.edit(t, db) })

			l, err = ledger.Open("db", memOptions(fs))
			mustf(t, err, "reopen")
			defer l.Close()
			err = l.Verify(context.Background())
			var ce *ledger.CorruptError
			if !errors.As(err, &ce) || !errors.Is(err, ledger.ErrCorrupt) {
				t.Fatalf("Verify err = %v, want *CorruptError", err)
			}
			t.Logf("%v", err)
			if ce.Seq != tc.seq {
				t.Fatalf("Verify names seq %d (%v), want %d", ce.Seq, err, tc.seq)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	ctx := context.Background()
	fs := vfs.NewMem()
	l, err := ledger.Open("db", memOptions(fs))
	mustf(t, err, "open")
	mustf(t, l.Verify(ctx), "verify empty")
	appendN(t, l, "w", 300)
	mustf(t, l.Verify(ctx), "verify")
	mustf(t, l.Close(), "close")
	if err := l.Verify(ctx); !errors.Is(err, ledger.ErrClosed) {
		t.Fatalf("Verify on a closed ledger: %v, want ErrClosed", err)
	}
	l, err = ledger.Open("db", memOptions(fs))
	mustf(t, err, "reopen")
	defer l.Close()
	appendN(t, l, "z", 30)
	mustf(t, l.Verify(ctx), "verify after reopen")
	// Verify reads in chunks of 4,096 events with fresh iterators: cross a boundary.
	appendN(t, l, "c", 4100)
	mustf(t, l.Verify(ctx), "verify across chunks")
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := l.Verify(cctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Verify with a cancelled context: %v, want context.Canceled", err)
	}
}

// benchEvents is the log size of the Verify and proof benchmarks (issue 2 asks for
// Verify of 1M events; building it takes a few seconds of setup per benchmark).
const benchEvents = 1_000_000

// benchLedger builds a ledger of n events on disk (NoSync: only the setup is faster;
// Verify and proofs only read), 1,000 events per append over 1,000 streams, with
// 100-byte payloads.
func benchLedger(b *testing.B, n int) (*ledger.Ledger, string) {
	b.Helper()
	dir := b.TempDir()
	opts := memOptions(vfs.Default)
	opts.NoSync = true
	opts.MemTableSize = 64 << 20
	opts.CacheSize = 256 << 20
	l, err := ledger.Open(dir, opts)
	mustf(b, err, "open")
	ctx := context.Background()
	data := bytes.Repeat([]byte{0xa5}, 100)
	evs := make([]ledger.Proposed, 1000)
	for i := 0; i < n; i += len(evs) {
		for j := range evs {
			evs[j] = ledger.Proposed{Type: "punch.recorded", Schema: 1, OccurredAt: t0, Actor: "device:D1", Data: data}
		}
		_, err := l.Append(ctx, fmt.Sprintf("employee/E%d", i/len(evs)%1000), ledger.Any, evs[:min(len(evs), n-i)]...)
		mustf(b, err, "append")
	}
	// Settle: compact everything, so that the benchmark does not race the setup's
	// background compactions for the two cores.
	mustf(b, l.Close(), "close")
	db, err := pebble.Open(dir, &pebble.Options{Logger: quietPebble{b}})
	mustf(b, err, "open raw")
	mustf(b, db.Compact(ctx, []byte{0}, []byte{0xff}, true), "compact")
	mustf(b, db.Close(), "close raw")
	l, err = ledger.Open(dir, opts)
	mustf(b, err, "reopen")
	b.Cleanup(func() { l.Close() })
	return l, dir
}

// BenchmarkVerify measures Verify over the whole log: events/s.
func BenchmarkVerify(b *testing.B) {
	l, _ := benchLedger(b, benchEvents)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		mustf(b, l.Verify(ctx), "verify")
	}
	b.ReportMetric(float64(benchEvents)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkVerifyRawPebble is Verify's twin: a raw Pebble iteration over the same
// keys and values (events, tree hashes, ID index, stream index), checking nothing.
func BenchmarkVerifyRawPebble(b *testing.B) {
	l, dir := benchLedger(b, benchEvents)
	mustf(b, l.Close(), "close")
	db, err := pebble.Open(dir, &pebble.Options{Logger: quietPebble{b}, CacheSize: 256 << 20})
	mustf(b, err, "open raw")
	defer db.Close()
	b.ResetTimer()
	for b.Loop() {
		var n, size int
		for _, p := range []byte{'e', 'h', 'i', 's'} {
			it, err := db.NewIter(&pebble.IterOptions{LowerBound: []byte{p}, UpperBound: []byte{p + 1}})
			mustf(b, err, "iter")
			for it.First(); it.Valid(); it.Next() {
				n++
				size += len(it.Value())
			}
			mustf(b, it.Close(), "close iter")
		}
		// Per event an envelope and an ID index entry; one stream index entry and one
		// span of tree hashes per 1,000-event append.
		if want := 2*benchEvents + 2*((benchEvents+999)/1000); n != want {
			b.Fatalf("%d keys, want %d", n, want)
		}
	}
	b.ReportMetric(float64(benchEvents)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
