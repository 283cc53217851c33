package ledger_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/ledger/internal/merkle"
)

// Every ledger benchmark has a raw-Pebble twin right below it that writes or reads the
// same bytes: keys of the same size (9 bytes: prefix + big-endian seq), values of the
// same size as the stored envelopes, the same batch size and the same sync mode. The
// ratio ledger/raw is what the targets are about.

var scanEvents = flag.Int("ledger.scan-events", 1_000_000, "events in the full-scan benchmarks")

const benchDataLen = 160 // a punch payload: kind, device time, location, accuracy, BSSID, IP…

// benchPayloads holds the 1,000 payloads and actors benchEvent cycles through, made
// once: the ledger copies what it stores, so batches can share them, and the harness
// then allocates nothing per event (its garbage would otherwise be collected during the
// timed appends and charged to the ledger).
var benchPayloads = sync.OnceValue(func() (p struct {
	data   [1000][]byte
	actors [1000]string
}) {
	for i := range p.data {
		p.data[i] = make([]byte, benchDataLen)
		for j := range p.data[i] {
			p.data[i][j] = byte(i + j)
		}
		p.actors[i] = fmt.Sprintf("device:D%04d", i)
	}
	return p
})

func benchEvent(rng *atomic.Uint64, i int) ledger.Proposed {
	var id ledger.ID
	binary.BigEndian.PutUint64(id[:], rng.Add(1))
	binary.BigEndian.PutUint64(id[8:], 0x5eed)
	p := benchPayloads()
	return ledger.Proposed{ID: id, Type: "punch.recorded", Schema: 1, OccurredAt: t0, Actor: p.actors[i%1000], Data: p.data[i%1000]}
}

func benchStream(i int) string { return fmt.Sprintf("employee/E%04d", i%1000) }

// storedLen is the size of the envelope the ledger stores for benchEvent(…, i).
func storedLen(i int) int {
	e := ledger.Event{Stream: benchStream(i), Type: "punch.recorded", Actor: fmt.Sprintf("device:D%04d", i%1000), Data: make([]byte, benchDataLen)}
	return len(ledger.EncodeEvent(&e))
}

func openBenchLedger(b *testing.B, dir string, noSync bool) *ledger.Ledger {
	b.Helper()
	l, err := ledger.Open(dir, &ledger.Options{NoSync: noSync, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	return l
}

func openBenchPebble(b *testing.B, dir string) *pebble.DB {
	b.Helper()
	// Exactly the options the ledger opens Pebble with.
	po := (&ledger.Options{Logger: slog.New(slog.DiscardHandler)}).PebbleOptions()
	db, err := pebble.Open(dir, po)
	if err != nil {
		b.Fatal(err)
	}
	return db
}

type quietLogger struct{}

func (quietLogger) Infof(string, ...any)         {}
func (quietLogger) Errorf(string, ...any)        {}
func (quietLogger) Fatalf(f string, args ...any) { panic(fmt.Sprintf(f, args...)) }

func reportEventsPerSec(b *testing.B, events int) {
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

// cpuClock accumulates the process's CPU time (user+system, every goroutine including
// Pebble's flushes and compactions) over the timed parts of a benchmark. On a machine
// shared with other work, CPU time per event is a steadier measure of the ledger's cost
// than wall time, which also counts waiting for a core.
type cpuClock struct {
	total, since time.Duration
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (c *cpuClock) start() { c.since = processCPU() }
func (c *cpuClock) stop()  { c.total += processCPU() - c.since }

// report adds cpu-ns/event; call it after stop.
func (c *cpuClock) report(b *testing.B, events int) {
	b.ReportMetric(float64(c.total.Nanoseconds())/float64(events), "cpu-ns/event")
}

const batchEvents = 1000

// BenchmarkAppendBatch: one Append of 1,000 events to one stream, synced.
func BenchmarkAppendBatch(b *testing.B) {
	l := openBenchLedger(b, b.TempDir(), false)
	defer l.Close()
	var rng atomic.Uint64
	b.ResetTimer()
	appendBatches(b, l, &rng, b.N)
}

// appendBatches appends n batches of 1,000 benchEvents, each to one stream, timing only
// the appends, and reports events/s and CPU per event.
func appendBatches(b *testing.B, l *ledger.Ledger, rng *atomic.Uint64, n int) {
	ctx := context.Background()
	evs := make([]ledger.Proposed, batchEvents)
	var cpu cpuClock
	for g := 0; g < n; g++ {
		b.StopTimer()
		for i := range evs {
			evs[i] = benchEvent(rng, i)
		}
		b.StartTimer()
		cpu.start()
		if _, err := l.Append(ctx, benchStream(g), ledger.Any, evs...); err != nil {
			b.Fatal(err)
		}
		cpu.stop()
	}
	reportEventsPerSec(b, n*batchEvents)
	cpu.report(b, n*batchEvents)
}

// BenchmarkAppendBatchRequests: AppendBatch of 1,000 one-event requests (offline sync).
func BenchmarkAppendBatchRequests(b *testing.B) {
	l := openBenchLedger(b, b.TempDir(), false)
	defer l.Close()
	ctx := context.Background()
	var rng atomic.Uint64
	reqs := make([]ledger.AppendRequest, batchEvents)
	var cpu cpuClock
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		for i := range reqs {
			reqs[i] = ledger.AppendRequest{Stream: benchStream(i), Expect: ledger.Any, Events: []ledger.Proposed{benchEvent(&rng, i)}}
		}
		b.StartTimer()
		cpu.start()
		res, err := l.AppendBatch(ctx, reqs)
		cpu.stop()
		if err != nil || res[0].Err != nil {
			b.Fatal(err, res[0].Err)
		}
	}
	reportEventsPerSec(b, b.N*batchEvents)
	cpu.report(b, b.N*batchEvents)
}

// BenchmarkAppendBatchRawPebble: the twin — 1,000 Sets of 9-byte keys and
// envelope-sized values in one batch, synced.
func BenchmarkAppendBatchRawPebble(b *testing.B) {
	db := openBenchPebble(b, b.TempDir())
	defer db.Close()
	vals := make([][]byte, batchEvents)
	for i := range vals {
		vals[i] = make([]byte, storedLen(i))
	}
	seq := uint64(0)
	key := make([]byte, 9)
	key[0] = 'e'
	var cpu cpuClock
	b.ResetTimer()
	cpu.start()
	for n := 0; n < b.N; n++ {
		batch := db.NewBatch()
		for i := range vals {
			seq++
			binary.BigEndian.PutUint64(key[1:], seq)
			binary.BigEndian.PutUint64(vals[i], seq)
			if err := batch.Set(key, vals[i], nil); err != nil {
				b.Fatal(err)
			}
		}
		commitAndClose(b, batch, pebble.Sync)
	}
	cpu.stop()
	reportEventsPerSec(b, b.N*batchEvents)
	cpu.report(b, b.N*batchEvents)
}

// BenchmarkAppendBatchRawPebbleAllKeys: a second twin that writes every key the ledger
// writes for the same batch, with the same sizes and in the same order (runs of one
// prefix, as the committer stages them): per event the envelope, then per event the ID
// index (17-byte key, 8-byte value), then one stream index key (stream key, 8-byte
// value: the append is one run), one time-index key, all synced; then, as the ledger
// does, the group's span of tree hashes (9-byte key, tlog's stored hashes of 1,000
// leaves: about 64 KB) in a second, unsynced batch. Against it the
// ratio measures the ledger's own work (checks, hashing, group commit) rather than its
// write amplification. (Writing the same keys interleaved per event, as the committer once
// did, costs Pebble's memtable about twice the CPU: see the commit that grouped them.)
func BenchmarkAppendBatchRawPebbleAllKeys(b *testing.B) {
	db := openBenchPebble(b, b.TempDir())
	defer db.Close()
	vals := make([][]byte, batchEvents)
	for i := range vals {
		vals[i] = make([]byte, storedLen(i))
	}
	idVal, seqVal, treeVal := make([]byte, 8), make([]byte, 8), make([]byte, merkle.SpanLen(0, batchEvents))
	seq := uint64(0)
	key := make([]byte, 0, 64)
	var cpu cpuClock
	b.ResetTimer()
	cpu.start()
	for n := 0; n < b.N; n++ {
		batch := db.NewBatch()
		stream := benchStream(n)
		first := seq + 1
		for i := range vals {
			seq++
			binary.BigEndian.PutUint64(vals[i], seq)
			key = binary.BigEndian.AppendUint64(append(key[:0], 'e'), seq)
			batch.Set(key, vals[i], nil)
		}
		for s := first; s <= seq; s++ {
			key = binary.BigEndian.AppendUint64(append(key[:0], 'i'), s)
			key = binary.BigEndian.AppendUint64(key, 0x5eed)
			batch.Set(key, idVal, nil)
		}
		key = binary.BigEndian.AppendUint64(append(append(append(key[:0], 's'), stream...), 0), seq)
		batch.Set(key, seqVal, nil)
		key = binary.BigEndian.AppendUint64(append(key[:0], 'r'), seq)
		batch.Set(append(key, seqVal...), nil, nil)
		commitAndClose(b, batch, pebble.Sync)
		batch = db.NewBatch()
		key = binary.BigEndian.AppendUint64(append(key[:0], 'h'), first-1)
		batch.Set(key, treeVal, nil)
		commitAndClose(b, batch, pebble.NoSync)
	}
	cpu.stop()
	reportEventsPerSec(b, b.N*batchEvents)
	cpu.report(b, b.N*batchEvents)
}

// BenchmarkAppendBatchRawPebbleSameBytes: the twin that writes the very bytes the ledger
// writes. Before the timer starts, it appends b.N batches exactly as
// BenchmarkAppendBatch does to a scratch ledger (unsynced), reads back every key and
// value the ledger stored, and groups them by commit group in the committer's order: the
// envelopes, the ID index entries in event order, the stream index key and the
// time-index key in one synced batch, then the group's tree span in an unsynced batch.
// Timed: those writes into a fresh Pebble opened with the ledger's options. Unlike the
// zero-filled twins above, its values compress (and fail to compress) exactly as the
// ledger's do, so memtable flushes cost it what they cost the ledger.
func BenchmarkAppendBatchRawPebbleSameBytes(b *testing.B) {
	groups := recordLedgerWrites(b, b.N)
	db := openBenchPebble(b, b.TempDir())
	defer db.Close()
	replayGroups(b, db, groups)
}

// commitAndClose commits a twin's batch with opt and closes it.
func commitAndClose(b *testing.B, batch *pebble.Batch, opt *pebble.WriteOptions) {
	if err := batch.Commit(opt); err != nil {
		b.Fatal(err)
	}
	batch.Close()
}

// replayGroups writes the recorded groups as the ledger's committer did (each group's
// keys in one synced batch, then its tree span in an unsynced one), timed, and reports
// events/s and CPU per event.
func replayGroups(b *testing.B, db *pebble.DB, groups []groupWrites) {
	var cpu cpuClock
	b.ResetTimer()
	cpu.start()
	defer func() {
		cpu.stop()
		reportEventsPerSec(b, len(groups)*batchEvents)
		cpu.report(b, len(groups)*batchEvents)
	}()
	for _, g := range groups {
		batch := db.NewBatch()
		for _, kv := range g.synced {
			batch.Set(kv[0], kv[1], nil) // Set on an open batch fails only on a misuse
		}
		commitAndClose(b, batch, pebble.Sync)
		batch = db.NewBatch()
		batch.Set(g.tree[0], g.tree[1], nil)
		commitAndClose(b, batch, pebble.NoSync)
	}
}

// groupWrites is what the ledger wrote for one commit group: the synced batch and the
// tree span.
type groupWrites struct {
	synced [][2][]byte
	tree   [2][]byte
}

// recordLedgerWrites appends n batches as BenchmarkAppendBatch does and returns the
// keys and values the ledger stored, grouped and ordered as its committer writes them.
func recordLedgerWrites(b *testing.B, n int) []groupWrites {
	return recordLedgerWritesAfter(b, n, "", 0)
}

// recordLedgerWritesAfter is recordLedgerWrites on a copy of the ledger in from
// (holding base events, appended by prefill), or on an empty one when from is "".
func recordLedgerWritesAfter(b *testing.B, n int, from string, base uint64) []groupWrites {
	b.Helper()
	dir := b.TempDir()
	if from != "" {
		copyDir(b, from, dir)
	}
	l := openBenchLedger(b, dir, true)
	ctx := context.Background()
	var rng atomic.Uint64
	rng.Store(base)
	evs := make([]ledger.Proposed, batchEvents)
	for g := 0; g < n; g++ {
		for i := range evs {
			evs[i] = benchEvent(&rng, i)
		}
		if _, err := l.Append(ctx, benchStream(g), ledger.Any, evs...); err != nil {
			b.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		b.Fatal(err)
	}
	po := (&ledger.Options{Logger: slog.New(slog.DiscardHandler)}).PebbleOptions()
	po.ReadOnly = true
	db, err := pebble.Open(dir, po)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	groups := make([]groupWrites, n)
	// The keys of the prefilled events are not the benchmark's: group returns nil.
	group := func(seq uint64) *groupWrites {
		if seq <= base {
			return nil
		}
		return &groups[(seq-base-1)/batchEvents]
	}
	scan := func(prefix byte, f func(k, v []byte)) {
		it, err := db.NewIter(&pebble.IterOptions{LowerBound: []byte{prefix}, UpperBound: []byte{prefix + 1}})
		if err != nil {
			b.Fatal(err)
		}
		defer it.Close()
		for ok := it.First(); ok; ok = it.Next() {
			f(bytes.Clone(it.Key()), bytes.Clone(it.Value()))
		}
	}
	add := func(seq uint64, k, v []byte) {
		if g := group(seq); g != nil {
			g.synced = append(g.synced, [2][]byte{k, v})
		}
	}
	ids := make([][2][]byte, n*batchEvents) // by seq-base-1: the ID entries in event order
	scan('e', func(k, v []byte) { add(binary.BigEndian.Uint64(k[1:]), k, v) })
	scan('i', func(k, v []byte) {
		if seq := binary.BigEndian.Uint64(v); seq > base {
			ids[seq-base-1] = [2][]byte{k, v}
		}
	})
	for i, kv := range ids {
		add(base+uint64(i)+1, kv[0], kv[1])
	}
	scan('s', func(k, v []byte) { add(binary.BigEndian.Uint64(v), k, v) })
	scan('r', func(k, v []byte) { add(binary.BigEndian.Uint64(k[9:]), k, v) })
	scan('h', func(k, v []byte) {
		if g := group(binary.BigEndian.Uint64(k[1:]) + 1); g != nil {
			g.tree = [2][]byte{k, v}
		}
	})
	for i, g := range groups {
		if len(g.synced) != 2*batchEvents+2 || g.tree[0] == nil {
			b.Fatalf("group %d: %d synced keys and tree %x: the ledger's key layout changed", i, len(g.synced), g.tree[0])
		}
	}
	return groups
}

// prefillEvents is the size of the ledger the pre-filled append benchmarks start from.
const prefillEvents = 1_000_000

// prefilled holds the ledger built once per process for the pre-filled benchmarks.
var prefilled struct {
	once      sync.Once
	root, dir string
	err       error
}

// prefilledLedger returns a directory holding a ledger of prefillEvents events appended
// as BenchmarkAppendBatch appends them (IDs 1…prefillEvents from benchEvent's counter).
func prefilledLedger(b *testing.B) string {
	prefilled.once.Do(func() {
		root, err := os.MkdirTemp("", "ledger-prefill-bench-")
		if err != nil {
			prefilled.err = err
			return
		}
		prefilled.root, prefilled.dir = root, root+"/ledger"
		l := openBenchLedger(b, prefilled.dir, true)
		var rng atomic.Uint64
		evs := make([]ledger.Proposed, batchEvents)
		for g := 0; g < prefillEvents/batchEvents; g++ {
			for i := range evs {
				evs[i] = benchEvent(&rng, i)
			}
			if _, err := l.Append(context.Background(), benchStream(g), ledger.Any, evs...); err != nil {
				prefilled.err = err
				return
			}
		}
		prefilled.err = l.Close()
	})
	if prefilled.err != nil {
		b.Fatal(prefilled.err)
	}
	return prefilled.dir
}

// copyDir copies the files of src into dst.
func copyDir(b *testing.B, src, dst string) {
	b.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkAppendBatchPrefilled is BenchmarkAppendBatch on a ledger that already holds
// 1M events: a larger LSM, compactions under way, an ID filter that no longer fits
// the CPU caches, streams whose heads are read from the store. Before the timer: a copy
// of the pre-filled ledger, ten warm-up batches and a second for the ID filter's
// background scan.
func BenchmarkAppendBatchPrefilled(b *testing.B) {
	dir := b.TempDir()
	copyDir(b, prefilledLedger(b), dir)
	l := openBenchLedger(b, dir, false)
	defer l.Close()
	var rng atomic.Uint64
	rng.Store(prefillEvents + 1<<32) // IDs apart from the prefill's and the twin's
	b.StopTimer()
	appendBatches(b, l, &rng, 10) // warm-up, untimed (its report is overwritten)
	time.Sleep(time.Second)       // the ID filter's background scan
	b.ResetTimer()
	appendBatches(b, l, &rng, b.N)
}

// BenchmarkAppendBatchPrefilledRawPebbleSameBytes is its twin: the very bytes the ledger
// writes for b.N batches after the pre-filled 1M events (recorded as in
// BenchmarkAppendBatchRawPebbleSameBytes), written into a raw Pebble opened on a copy
// of the pre-filled ledger's directory.
func BenchmarkAppendBatchPrefilledRawPebbleSameBytes(b *testing.B) {
	groups := recordLedgerWritesAfter(b, b.N, prefilledLedger(b), prefillEvents)
	dir := b.TempDir()
	copyDir(b, prefilledLedger(b), dir)
	db := openBenchPebble(b, dir)
	defer db.Close()
	replayGroups(b, db, groups)
}

// runWriters runs b.N operations spread over w goroutines.
func runWriters(b *testing.B, w int, op func(i int) error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, w)
	b.ResetTimer()
	for range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				if err := op(i); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	close(errc)
	for err := range errc {
		b.Fatal(err)
	}
	reportEventsPerSec(b, b.N)
}

// BenchmarkAppendSingle: durable one-event appends from 1 and 64 goroutines; with group
// commit 64 writers share fsyncs.
func BenchmarkAppendSingle(b *testing.B) {
	for _, w := range []int{1, 64} {
		b.Run(fmt.Sprintf("writers=%d", w), func(b *testing.B) {
			l := openBenchLedger(b, b.TempDir(), false)
			defer l.Close()
			ctx := context.Background()
			var rng atomic.Uint64
			evs := make([]ledger.Proposed, 1000)
			for i := range evs {
				evs[i] = benchEvent(&rng, i)
			}
			runWriters(b, w, func(i int) error {
				e := evs[i%len(evs)]
				binary.BigEndian.PutUint64(e.ID[:], uint64(i)+1<<40)
				_, err := l.Append(ctx, benchStream(i), ledger.Any, e)
				return err
			})
		})
	}
}

// BenchmarkAppendSingleRawPebble: the twin — one synced Set per operation (Pebble's own
// commit pipeline also shares fsyncs between concurrent writers).
func BenchmarkAppendSingleRawPebble(b *testing.B) {
	for _, w := range []int{1, 64} {
		b.Run(fmt.Sprintf("writers=%d", w), func(b *testing.B) {
			db := openBenchPebble(b, b.TempDir())
			defer db.Close()
			runWriters(b, w, func(i int) error {
				key := make([]byte, 9)
				key[0] = 'e'
				binary.BigEndian.PutUint64(key[1:], uint64(i)+1)
				return db.Set(key, make([]byte, storedLen(i)), pebble.Sync)
			})
		})
	}
}

// scanDirs holds the databases the scan benchmarks build once per process.
var scanDirs struct {
	once        sync.Once
	root        string
	ledger, raw string
	err         error
}

func buildScanDBs(b *testing.B) (string, string) {
	scanDirs.once.Do(func() {
		root, err := os.MkdirTemp("", "ledger-scan-bench-")
		if err != nil {
			scanDirs.err = err
			return
		}
		scanDirs.root, scanDirs.ledger, scanDirs.raw = root, root+"/ledger", root+"/raw"
		start := time.Now()
		l := openBenchLedger(b, scanDirs.ledger, true)
		ctx := context.Background()
		var rng atomic.Uint64
		total := *scanEvents
		for done := 0; done < total; {
			n := min(batchEvents, total-done)
			reqs := make([]ledger.AppendRequest, n)
			for i := range reqs {
				reqs[i] = ledger.AppendRequest{Stream: benchStream(done + i), Events: []ledger.Proposed{benchEvent(&rng, done+i)}}
			}
			if _, err := l.AppendBatch(ctx, reqs); err != nil {
				scanDirs.err = err
				return
			}
			done += n
		}
		if err := l.Close(); err != nil {
			scanDirs.err = err
			return
		}
		// The raw twin holds the very same 'e' keys and values. Both databases are
		// compacted fully before measuring, so that neither benchmark competes with
		// the other's background compactions.
		src, err := pebble.Open(scanDirs.ledger, &pebble.Options{Logger: quietLogger{}})
		if err != nil {
			scanDirs.err = err
			return
		}
		if err := src.Compact(ctx, []byte{0}, []byte{0xff}, true); err != nil {
			scanDirs.err = err
			return
		}
		dst := openBenchPebble(b, scanDirs.raw)
		it, _ := src.NewIter(&pebble.IterOptions{LowerBound: []byte{'e'}, UpperBound: []byte{'f'}})
		batch := dst.NewBatch()
		for ok := it.First(); ok; ok = it.Next() {
			batch.Set(it.Key(), it.Value(), nil)
			if batch.Len() > 4<<20 {
				batch.Commit(pebble.NoSync)
				batch = dst.NewBatch()
			}
		}
		batch.Commit(pebble.Sync)
		if err := dst.Compact(ctx, []byte{0}, []byte{0xff}, true); err != nil {
			scanDirs.err = err
			return
		}
		it.Close()
		src.Close()
		dst.Close()
		b.Logf("built %d events for the scan benchmarks in %v", total, time.Since(start))
	})
	if scanDirs.err != nil {
		b.Fatal(scanDirs.err)
	}
	return scanDirs.ledger, scanDirs.raw
}

// BenchmarkScan: read and decode every event (envelope only; payloads are decoded on
// demand) with one reused Event.
func BenchmarkScan(b *testing.B) {
	dir, _ := buildScanDBs(b)
	l := openBenchLedger(b, dir, false)
	defer l.Close()
	ctx := context.Background()
	b.ResetTimer()
	var sum uint64
	for n := 0; n < b.N; n++ {
		count := 0
		err := l.Scan(ctx, 1, 0, func(e *ledger.Event) error {
			sum += e.Version + uint64(len(e.Data)) + uint64(len(e.Stream))
			count++
			return nil
		})
		if err != nil || count != *scanEvents {
			b.Fatal(err, count)
		}
	}
	reportEventsPerSec(b, b.N**scanEvents)
}

// BenchmarkScanRawPebble: the twin — iterate the same keys and values, no decoding.
func BenchmarkScanRawPebble(b *testing.B) {
	_, dir := buildScanDBs(b)
	db := openBenchPebble(b, dir)
	defer db.Close()
	b.ResetTimer()
	var sum int
	for n := 0; n < b.N; n++ {
		it, err := db.NewIter(&pebble.IterOptions{LowerBound: []byte{'e'}, UpperBound: []byte{'f'}})
		if err != nil {
			b.Fatal(err)
		}
		count := 0
		for ok := it.First(); ok; ok = it.Next() {
			sum += len(it.Value())
			count++
		}
		it.Close()
		if count != *scanEvents {
			b.Fatal(count)
		}
	}
	reportEventsPerSec(b, b.N**scanEvents)
}
