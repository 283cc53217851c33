package projection

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/punchledger/punchledger/ledger"
)

// Options configures Open. The zero value means all defaults.
type Options struct {
	// FS is the file system of the projection database. Default vfs.Default.
	FS vfs.FS
	// Logger receives the runner's progress and Pebble's log lines. Default: discard.
	Logger *slog.Logger
	// BatchEvents is the most events applied per commit. Default 65536. While following
	// the tail a batch ends as soon as no further event is waiting, so this bound
	// matters when catching up: the built-in projection evaluates each touched
	// employee-day once per batch, so a batch that spans a day's punches of every
	// employee evaluates each day about once instead of once per punch (with 10,000
	// employees, 4096-event batches made a rebuild several times slower). A batch's
	// memory grows with it, up to BatchBytes.
	BatchEvents int
	// BatchBytes ends a batch once the writes staged while applying events reach this
	// many bytes (what Flush then adds comes on top). Default 32 MiB. It bounds a
	// batch's memory whatever the projections write per event. A rebuild of the
	// built-in projection with the defaults peaks at a few hundred MiB of Go heap,
	// the same for any length of log (BenchmarkRebuild); lower both to trade speed
	// for memory.
	BatchBytes int
	// NoSync commits without fsync. Default false. Projection state can always be rebuilt
	// from the ledger, so losing recent commits in a machine crash only costs a replay.
	NoSync bool
	// CacheSize is Pebble's block cache size in bytes. Default 64 MiB.
	CacheSize int64
}

// EnsureDefaults fills zero fields with their defaults.
func (o *Options) EnsureDefaults() *Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.FS == nil {
		c.FS = vfs.Default
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.BatchEvents <= 0 {
		c.BatchEvents = 65536
	}
	if c.BatchBytes <= 0 {
		c.BatchBytes = 32 << 20
	}
	if c.CacheSize <= 0 {
		c.CacheSize = 64 << 20
	}
	return &c
}

// Store holds projection state in its own Pebble database, separate from the ledger's.
//
// Key layout (all keys are byte strings; names and spaces never contain '/'):
//
//	m/<space>/<name>          checkpoint of projection <name> in <space> (see Checkpoint)
//	s/<space>/<name>/<key>    the projection's state; <key> is whatever the projection writes
//
// The live space is "live"; an as-of run over the log up to seq N lives in space
// "asof-<N as 20 decimal digits>". Dropping a projection deletes its s/ range and m/ key.
type Store struct {
	db   *pebble.DB
	l    *ledger.Ledger
	opts *Options
	wo   *pebble.WriteOptions

	mu      sync.Mutex
	closed  bool
	changed chan struct{} // closed and replaced on every commit
	// lastBatch is, per space, the run batch committed last (see batchMark); a commit
	// of anything else (a reset, a dropped as-of run) clears them all.
	lastBatch map[string]batchMark
}

// batchMark names one batch of one run: the run's ID and the batch's number in it.
// A projection that caches state from batch to batch (the built-in one) remembers the
// mark of the last batch it applied events to, and trusts its caches at the start of
// a later run only if that batch is the one the store committed last to the space. A
// run that failed before committing the batch, a failed commit, or another value
// writing the space in between all leave another mark.
type batchMark struct{ run, batch uint64 }

// committedBatch returns the mark of the batch committed last to space.
func (s *Store) committedBatch(space string) batchMark {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastBatch[space]
}

const liveSpace = "live"

// Open opens (creating if needed) the projection database in dir, fed from l.
func Open(dir string, l *ledger.Ledger, opts *Options) (*Store, error) {
	if l == nil {
		return nil, fmt.Errorf("%w: nil ledger", ErrInvalid)
	}
	o := opts.EnsureDefaults()
	cache := pebble.NewCache(o.CacheSize)
	defer cache.Unref()
	po := &pebble.Options{
		FS:     o.FS,
		Cache:  cache,
		Logger: pebbleLogger{o.Logger},
		// Projection state is rewritten in place (a day's row after each punch, an
		// employee's payroll row after each day): a large memtable drops the shadowed
		// versions before they are flushed, and a catch-up batch (up to BatchBytes plus
		// what Flush adds) stays below half of it, so it is applied to the memtable
		// rather than flushed on its own.
		MemTableSize: 128 << 20,
		// Fewer, larger compactions out of L0 and a larger L1: a rebuild writes the
		// whole state at once, and the default thresholds spend most of its time
		// rewriting the same keys between levels.
		L0CompactionThreshold: 8,
		L0StopWritesThreshold: 24,
		LBaseMaxBytes:         256 << 20,
	}
	// Projections read many keys that do not exist yet (a day's first input): bloom
	// filters make those misses cheap.
	for i := range po.Levels {
		po.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
	}
	db, err := pebble.Open(dir, po)
	if err != nil {
		return nil, fmt.Errorf("projection: open %s: %w", dir, err)
	}
	wo := pebble.Sync
	if o.NoSync {
		wo = pebble.NoSync
	}
	return &Store{db: db, l: l, opts: o, wo: wo, changed: make(chan struct{})}, nil
}

// Close closes the database. Runners must have returned first.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	s.closed = true
	close(s.changed)
	s.mu.Unlock()
	return s.db.Close()
}

// Ledger returns the ledger the store is fed from.
func (s *Store) Ledger() *ledger.Ledger { return s.l }

func (s *Store) notify() {
	s.mu.Lock()
	if !s.closed {
		close(s.changed)
		s.changed = make(chan struct{})
	}
	s.mu.Unlock()
}

func (s *Store) changedCh() (chan struct{}, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	return s.changed, nil
}

// Checkpoint returns the committed checkpoint of a live projection; ErrNotBuilt if it has
// never been run.
func (s *Store) Checkpoint(name string) (Checkpoint, error) {
	return readMeta(s.db, liveSpace, name)
}

// Wait blocks until the live projection name has applied every event up to seq, or ctx
// ends. Someone else must be running the projection (Run or CatchUp). It does not
// return on a Pending checkpoint: in a long catch-up, not before it ends.
func (s *Store) Wait(ctx context.Context, name string, seq uint64) error {
	for {
		ch, err := s.changedCh()
		if err != nil {
			return err
		}
		cp, err := s.Checkpoint(name)
		if err != nil && !errors.Is(err, ErrNotBuilt) {
			return err
		}
		if err == nil && cp.Seq >= seq && !cp.Pending {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// Sync waits until the live projection name has caught up with the ledger's head as of
// the call.
func (s *Store) Sync(ctx context.Context, name string) error {
	head, _ := s.l.Head()
	return s.Wait(ctx, name, head)
}

// View returns a consistent read-only snapshot of the live space. Close it when done.
func (s *Store) View() *View { return &View{snap: s.db.NewSnapshot(), space: liveSpace} }

// View is a consistent snapshot of one space (live or an as-of run).
type View struct {
	snap  *pebble.Snapshot
	space string
}

// Reader returns a reader of projection name's state in this view.
func (v *View) Reader(name string) Reader {
	return &reader{r: v.snap, prefix: statePrefix(v.space, name)}
}

// Checkpoint returns projection name's checkpoint in this view; ErrNotBuilt if absent.
func (v *View) Checkpoint(name string) (Checkpoint, error) { return readMeta(v.snap, v.space, name) }

// Digest returns the SHA-256 of projection name's checkpoint and state (see Digest).
func (v *View) Digest(name string) ([32]byte, error) {
	cp, err := v.Checkpoint(name)
	if err != nil {
		return [32]byte{}, err
	}
	h := sha256.New()
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], cp.Version)
	binary.BigEndian.PutUint64(b[4:], cp.Seq)
	h.Write(b[:])
	if err := digestTo(h, v.Reader(name)); err != nil {
		return [32]byte{}, err
	}
	var out [32]byte
	h.Sum(out[:0])
	return out, nil
}

// Close releases the snapshot.
func (v *View) Close() error { return v.snap.Close() }

// Digest returns the SHA-256 over every key and value of r in key order, each
// length-prefixed. Two projections with equal digests hold byte-identical state.
func Digest(r Reader) ([32]byte, error) {
	h := sha256.New()
	if err := digestTo(h, r); err != nil {
		return [32]byte{}, err
	}
	var out [32]byte
	h.Sum(out[:0])
	return out, nil
}

func digestTo(h io.Writer, r Reader) error {
	var n [8]byte
	return r.Scan(nil, nil, func(k, v []byte) error {
		binary.BigEndian.PutUint64(n[:], uint64(len(k)))
		h.Write(n[:])
		h.Write(k)
		binary.BigEndian.PutUint64(n[:], uint64(len(v)))
		h.Write(n[:])
		h.Write(v)
		return nil
	})
}

// Change is one difference found by Diff: Before is nil when the key is new, After is nil
// when it is gone.
type Change struct {
	Key, Before, After []byte
}

// Diff calls fn, in key order, for every key in [lower, upper) whose value differs between
// a (before) and b (after). The slices are valid only during the call. It holds a's part
// of the range in memory, so narrow the range for large states.
func Diff(a, b Reader, lower, upper []byte, fn func(Change) error) error {
	type kv struct{ k, v []byte }
	// a's range is held in memory and merged with a streaming scan of b.
	var left []kv
	if err := a.Scan(lower, upper, func(k, v []byte) error {
		left = append(left, kv{bytes.Clone(k), bytes.Clone(v)})
		return nil
	}); err != nil {
		return err
	}
	i := 0
	err := b.Scan(lower, upper, func(k, v []byte) error {
		for i < len(left) && bytes.Compare(left[i].k, k) < 0 {
			if err := fn(Change{Key: left[i].k, Before: left[i].v}); err != nil {
				return err
			}
			i++
		}
		if i < len(left) && bytes.Equal(left[i].k, k) {
			same := bytes.Equal(left[i].v, v)
			before := left[i].v
			i++
			if same {
				return nil
			}
			return fn(Change{Key: k, Before: before, After: v})
		}
		return fn(Change{Key: k, After: v})
	})
	if err != nil {
		if errors.Is(err, ErrStop) {
			return nil
		}
		return err
	}
	for ; i < len(left); i++ {
		if err := fn(Change{Key: left[i].k, Before: left[i].v}); err != nil {
			if errors.Is(err, ErrStop) {
				return nil
			}
			return err
		}
	}
	return nil
}

// --- keys and meta ---

func metaKey(space, name string) []byte { return []byte("m/" + space + "/" + name) }

func statePrefix(space, name string) []byte { return []byte("s/" + space + "/" + name + "/") }

func asOfSpace(seq uint64) string { return fmt.Sprintf("asof-%020d", seq) }

const metaFormat = 1

// encodeMeta writes cp as 21 bytes (format, version, seq, RecordedAt as unix ns), and a
// 22nd, 1, when cp.Pending.
func encodeMeta(cp Checkpoint) []byte {
	b := make([]byte, 1+4+8+8, 1+4+8+8+1)
	b[0] = metaFormat
	binary.BigEndian.PutUint32(b[1:], cp.Version)
	binary.BigEndian.PutUint64(b[5:], cp.Seq)
	var ns int64
	if !cp.RecordedAt.IsZero() {
		ns = cp.RecordedAt.UnixNano()
	}
	binary.BigEndian.PutUint64(b[13:], uint64(ns))
	if cp.Pending {
		b = append(b, 1)
	}
	return b
}

func decodeMeta(b []byte) (Checkpoint, error) {
	if len(b) < 21 || len(b) > 22 || b[0] != metaFormat || len(b) == 22 && b[21] != 1 {
		return Checkpoint{}, fmt.Errorf("projection: corrupt checkpoint (%d bytes)", len(b))
	}
	cp := Checkpoint{
		Version: binary.BigEndian.Uint32(b[1:]),
		Seq:     binary.BigEndian.Uint64(b[5:]),
		Pending: len(b) == 22,
	}
	if ns := int64(binary.BigEndian.Uint64(b[13:])); ns != 0 {
		cp.RecordedAt = time.Unix(0, ns).UTC()
	}
	return cp, nil
}

func readMeta(r pebble.Reader, space, name string) (Checkpoint, error) {
	v, c, err := r.Get(metaKey(space, name))
	if errors.Is(err, pebble.ErrNotFound) {
		return Checkpoint{}, fmt.Errorf("%w: %s in %s", ErrNotBuilt, name, space)
	}
	if err != nil {
		return Checkpoint{}, fmt.Errorf("projection: read checkpoint %s: %w", name, err)
	}
	defer c.Close()
	return decodeMeta(v)
}

// --- reader and writer over Pebble ---

type reader struct {
	r      pebble.Reader
	prefix []byte
	kbuf   []byte
}

func (r *reader) key(k []byte) []byte {
	r.kbuf = append(append(r.kbuf[:0], r.prefix...), k...)
	return r.kbuf
}

func (r *reader) Get(key []byte) ([]byte, error) {
	v, c, err := r.r.Get(r.key(key))
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	out := bytes.Clone(v)
	if out == nil {
		out = []byte{}
	}
	c.Close()
	return out, nil
}

func (r *reader) bounds(lower, upper []byte) (lo, hi []byte) {
	lo = append(append([]byte(nil), r.prefix...), lower...)
	if upper == nil {
		hi = PrefixEnd(r.prefix)
	} else {
		hi = append(append([]byte(nil), r.prefix...), upper...)
	}
	return lo, hi
}

func (r *reader) Scan(lower, upper []byte, fn func(key, value []byte) error) error {
	return r.scanRanges([][2][]byte{{lower, upper}}, fn)
}

// scanRanges is Scan over each of ranges in turn (disjoint), with one iterator seeking
// from one to the next.
func (r *reader) scanRanges(ranges [][2][]byte, fn func(key, value []byte) error) error {
	// The iterator spans them all. Ranges come in the caller's order, which need not
	// be key order ("E1" sorts before "E1-2", but "d/E1/" after "d/E1-2/").
	bounds := make([][2][]byte, len(ranges))
	var lo, hi []byte
	for i, rg := range ranges {
		from, to := r.bounds(rg[0], rg[1])
		bounds[i] = [2][]byte{from, to}
		if i == 0 || bytes.Compare(from, lo) < 0 {
			lo = from
		}
		if i == 0 || bytes.Compare(to, hi) > 0 {
			hi = to
		}
	}
	if bytes.Compare(lo, hi) >= 0 {
		return nil // every range is empty
	}
	it, err := r.r.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return err
	}
	n := len(r.prefix)
	for _, b := range bounds {
		for ok := it.SeekGE(b[0]); ok && bytes.Compare(it.Key(), b[1]) < 0; ok = it.Next() {
			v, err := it.ValueAndErr()
			if err != nil {
				it.Close()
				return err
			}
			if err := fn(it.Key()[n:], v); err != nil {
				it.Close()
				if errors.Is(err, ErrStop) {
					return nil
				}
				return err
			}
		}
	}
	if err := it.Error(); err != nil {
		it.Close()
		return err
	}
	return it.Close()
}

type writer struct {
	reader
	b     *pebble.Batch
	blind *pebble.Batch
	// run is the run (CatchUp, Run, Replay) the batch belongs to: reads wait for its
	// commit in flight (see run.flush). Within one run the state is the run's alone, so
	// a projection that caches it from batch to batch need only check it is the same
	// state when a run starts (see committed).
	run *run
	// mark is this batch's (mark.run is the run's ID).
	mark batchMark
	// more is set for the Flush of an intermediate catch-up commit (more of the log
	// follows in this run); a projection that left work for a later batch sets
	// deferred (the checkpoint is then Pending).
	more, deferred bool
}

// committed returns the mark of the batch last committed to the batch's space.
func (w *writer) committed() batchMark { return w.run.s.committedBatch(w.run.space) }

// Get implements Reader, after the previous batch's commit.
func (w *writer) Get(key []byte) ([]byte, error) {
	if err := w.run.waitCommit(); err != nil {
		return nil, err
	}
	return w.reader.Get(key)
}

// Scan implements Reader, after the previous batch's commit.
func (w *writer) Scan(lower, upper []byte, fn func(key, value []byte) error) error {
	if err := w.run.waitCommit(); err != nil {
		return err
	}
	return w.reader.Scan(lower, upper, fn)
}

// setBlind stages a write that reads of this batch do not see. Indexing a write for
// reads costs more than anything else the runner does per write; the built-in
// projection uses this for the records it keeps in memory until the batch commits.
// A key written with setBlind must not be written with Set or Delete in the same
// batch (nor covered by a DeleteRange of it): the two kinds are committed in no
// particular order.
func (w *writer) setBlind(key, value []byte) error { return w.blind.Set(w.key(key), value, nil) }

func (w *writer) Set(key, value []byte) error { return w.b.Set(w.key(key), value, nil) }

func (w *writer) Delete(key []byte) error { return w.b.Delete(w.key(key), nil) }

func (w *writer) DeleteRange(lower, upper []byte) error {
	lo, hi := w.bounds(lower, upper)
	return w.b.DeleteRange(lo, hi, nil)
}

type pebbleLogger struct{ l *slog.Logger }

func (p pebbleLogger) Infof(format string, args ...any) {
	p.l.Info(fmt.Sprintf(format, args...), "component", "pebble-projection")
}
func (p pebbleLogger) Errorf(format string, args ...any) {
	p.l.Error(fmt.Sprintf(format, args...), "component", "pebble-projection")
}
func (p pebbleLogger) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf(format, args...))
}
