package projection

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/punchledger/punchledger/ledger"
)

// CatchUp applies to the live projections ps every event from each one's checkpoint up to
// seq to (0 means the ledger's head at the call), then returns. A projection whose code
// version differs from its stored one is dropped and rebuilt from the start. All
// projections are fed from one read of the log. Only the last commit is synced (unless
// Options.NoSync): a machine crash during a catch-up can only lose progress, never
// leave state that disagrees with its checkpoint.
func (s *Store) CatchUp(ctx context.Context, to uint64, ps ...Projection) error {
	r, err := s.newRun(liveSpace, ps)
	if err != nil {
		return err
	}
	if to == 0 {
		to, _ = s.l.Head()
	}
	return r.catchUp(ctx, s.l.Scan, to)
}

// Run catches the live projections ps up with the ledger and then follows its tail,
// committing whenever no further event is waiting or a batch is full, until ctx ends
// (returning ctx.Err()) or a projection fails (*ApplyError).
func (s *Store) Run(ctx context.Context, ps ...Projection) error {
	r, err := s.newRun(liveSpace, ps)
	if err != nil {
		return err
	}
	head, _ := s.l.Head()
	if err := r.catchUp(ctx, s.l.Scan, head); err != nil {
		return err
	}
	return r.follow(ctx)
}

// Rebuild drops the live state of ps and builds it again from the start of the log up to
// the ledger's head.
func (s *Store) Rebuild(ctx context.Context, ps ...Projection) error {
	r, err := s.newRun(liveSpace, ps)
	if err != nil {
		return err
	}
	b := s.db.NewBatch()
	for _, e := range r.entries {
		if err := r.reset(b, e); err != nil {
			b.Close()
			return err
		}
	}
	if err := s.commit(b); err != nil {
		return err
	}
	head, _ := s.l.Head()
	return r.catchUp(ctx, s.l.Scan, head)
}

// predecoder is implemented by projections that decode payloads ahead of Apply, on
// the goroutine reading the log (the built-in one). predecode may read only ev and
// *slot, which it may set (a slot keeps its value between uses, for reuse); the
// runner then calls applyPredecoded with the slot's value instead of Apply.
type predecoder interface {
	predecode(ev *ledger.Event, slot *any)
	applyPredecoded(ev *ledger.Event, pre any, w Writer) error
}

type entry struct {
	p      Projection
	pd     predecoder // p, while the reader predecodes for it (catchUp)
	f      Flusher
	name   string
	w      *writer
	cp     Checkpoint
	moved  bool // cp advanced in the current batch
	prefix []byte
}

type run struct {
	s       *Store
	space   string
	entries []*entry
	b       *pebble.Batch // indexed: the projections' reads see their writes
	blind   *pebble.Batch // unindexed writes (writer.setBlind), committed with b
	pending int
	// Sizes of the last batch, to allocate the next ones at once: a catch-up batch is
	// tens of MiB, which would otherwise grow by doubling (and the blind one again
	// when the indexed writes are appended to it).
	lastIndexed, lastTotal int
	// commitDone receives the result of the commit in flight (see flush); nil when
	// there is none.
	commitDone chan error
	id         uint64 // unique in the process (see writer.run)
	batches    uint64 // batches begun (see batchMark)
}

func (s *Store) newRun(space string, ps []Projection) (*run, error) {
	if len(ps) == 0 {
		return nil, fmt.Errorf("%w: no projections", ErrInvalid)
	}
	r := &run{s: s, space: space, id: runIDs.Add(1)}
	seen := map[string]bool{}
	for _, p := range ps {
		name := p.Name()
		if err := validName(name); err != nil {
			return nil, err
		}
		if seen[name] {
			return nil, fmt.Errorf("%w: projection %q given twice", ErrInvalid, name)
		}
		seen[name] = true
		e := &entry{p: p, name: name, prefix: statePrefix(space, name)}
		e.f, _ = p.(Flusher)
		r.entries = append(r.entries, e)
	}
	// Load checkpoints; reset projections whose code version changed or that are new.
	b := s.db.NewBatch()
	dirty := false
	for _, e := range r.entries {
		cp, err := readMeta(s.db, space, e.name)
		switch {
		case errors.Is(err, ErrNotBuilt):
			if err := r.reset(b, e); err != nil {
				b.Close()
				return nil, err
			}
			dirty = true
		case err != nil:
			b.Close()
			return nil, err
		case cp.Version != e.p.Version():
			s.opts.Logger.Info("projection version changed: rebuilding",
				"projection", e.name, "space", space, "from", cp.Version, "to", e.p.Version())
			if err := r.reset(b, e); err != nil {
				b.Close()
				return nil, err
			}
			dirty = true
		default:
			e.cp = cp
		}
	}
	if dirty {
		if err := s.commit(b); err != nil {
			return nil, err
		}
	} else {
		b.Close()
	}
	return r, nil
}

// runIDs numbers runs (see batchMark).
var runIDs atomic.Uint64

// reset stages dropping e's state and checkpoint back to zero at the current version.
func (r *run) reset(b *pebble.Batch, e *entry) error {
	if err := b.DeleteRange(e.prefix, PrefixEnd(e.prefix), nil); err != nil {
		return err
	}
	e.cp = Checkpoint{Version: e.p.Version()}
	return b.Set(metaKey(r.space, e.name), encodeMeta(e.cp), nil)
}

// commit commits b with the store's write options and closes it. It is not a run's
// batch: every space's batch mark is cleared (see batchMark).
func (s *Store) commit(b *pebble.Batch) error {
	err := s.commitWith(b, s.wo, "", batchMark{})
	b.Close()
	return err
}

// commitWith commits b with wo; the caller closes (or resets) b. space and mark name
// the run batch b is (space "": none).
func (s *Store) commitWith(b *pebble.Batch, wo *pebble.WriteOptions, space string, mark batchMark) error {
	s.mu.Lock()
	closed := s.closed
	if !closed {
		// Cleared before the commit: a cache must not be trusted against a mark that
		// may no longer be the last commit, whatever this one's outcome.
		if space == "" {
			clear(s.lastBatch)
		} else {
			delete(s.lastBatch, space)
		}
	}
	s.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if err := b.Commit(wo); err != nil {
		return fmt.Errorf("projection: commit: %w", err)
	}
	if space != "" {
		s.mu.Lock()
		if s.lastBatch == nil {
			s.lastBatch = map[string]batchMark{}
		}
		s.lastBatch[space] = mark
		s.mu.Unlock()
	}
	s.notify()
	return nil
}

func (r *run) minSeq() uint64 {
	m := r.entries[0].cp.Seq
	for _, e := range r.entries[1:] {
		m = min(m, e.cp.Seq)
	}
	return m
}

type scanFunc func(ctx context.Context, from, to uint64, fn func(*ledger.Event) error) error

// catchUp applies events (min checkpoint, to] read with scan, committing whenever a
// batch is full. Those intermediate commits are not synced: a machine crash may lose the
// last of them, which leaves an earlier checkpoint with its state (the WAL replays a
// prefix of commits) and costs only a replay; the last commit is written with the
// store's write options.
//
// The log is read (and the events copied) by a goroutine of its own, a chunk of events
// ahead of the one applying them, so that reading overlaps applying on a second core.
// Events are applied in the same order either way.
func (r *run) catchUp(ctx context.Context, scan scanFunc, to uint64) error {
	from := r.minSeq() + 1
	if from > to {
		// Nothing to apply, but a run that stopped after an intermediate commit may
		// have left work pending.
		return r.flush(r.s.wo, false)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	full := make(chan *eventChunk, chunksAhead)
	free := make(chan *eventChunk, chunksAhead+2)
	for range chunksAhead + 2 {
		free <- new(eventChunk)
	}
	// One projection's payloads are decoded on the reader's goroutine: the first that
	// can, since a slot holds one value per event.
	var pd predecoder
	for _, e := range r.entries {
		if p, ok := e.p.(predecoder); ok {
			pd, e.pd = p, p
			break
		}
	}
	defer func() {
		for _, e := range r.entries {
			e.pd = nil
		}
	}()
	var scanErr error
	go func() {
		defer close(full)
		c := <-free
		scanErr = scan(ctx, from, to, func(ev *ledger.Event) error {
			c.add(ev, pd)
			if len(c.evs) < chunkEvents && len(c.data) < chunkBytes {
				return nil
			}
			select {
			case full <- c:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case c = <-free:
				c.reset()
			case <-ctx.Done():
				return ctx.Err()
			}
			return nil
		})
		if scanErr == nil && len(c.evs) > 0 {
			full <- c // the applier takes it, or drains full after an error
		}
	}()
	var err error
	for c := range full {
		for i := 0; err == nil && i < len(c.evs); i++ {
			if err = r.applyPre(&c.evs[i], c.pre[i]); err == nil && r.full() {
				err = r.flush(pebble.NoSync, true)
			}
		}
		if err != nil {
			cancel()
			for range full { // let the reader end
			}
			break
		}
		free <- c
	}
	if err == nil {
		err = scanErr // read after full was closed: the reader has returned
	}
	if err == nil && beforeLastFlush != nil {
		err = beforeLastFlush()
	}
	if err != nil {
		r.abort()
		return err
	}
	return r.flush(r.s.wo, false)
}

// beforeLastFlush, set by tests, is called before a catch-up's last flush: an error
// stops the run there, as a crash between the last intermediate commit and the last
// one would.
var beforeLastFlush func() error

// Chunks of events handed from the log reader to the applier: at most chunkEvents
// events or about chunkBytes of payload each, chunksAhead of them read ahead.
const (
	chunkEvents = 1024
	chunkBytes  = 1 << 20
	chunksAhead = 2
)

// eventChunk holds copies of events; their Data share one buffer, reused with the
// chunk. pre[i] is the predecoder's slot for evs[i].
type eventChunk struct {
	evs  []ledger.Event
	pre  []any
	data []byte
}

func (c *eventChunk) add(ev *ledger.Event, pd predecoder) {
	c.evs = append(c.evs, *ev)
	c.data = append(c.data, ev.Data...)
	e := &c.evs[len(c.evs)-1]
	e.Data = c.data[len(c.data)-len(ev.Data):]
	if len(c.pre) < len(c.evs) {
		c.pre = append(c.pre, nil)
	}
	if pd != nil {
		pd.predecode(e, &c.pre[len(c.evs)-1])
	}
}

// reset empties c for reuse. Its events' Data may point into c.data's current array:
// they are dropped with it. The slots are kept, for reuse.
func (c *eventChunk) reset() {
	clear(c.evs) // hold no strings of events already applied
	c.evs = c.evs[:0]
	c.data = c.data[:0]
}

// full reports whether the batch has reached Options.BatchEvents or BatchBytes.
func (r *run) full() bool {
	return r.pending >= r.s.opts.BatchEvents || r.b != nil && r.b.Len()+r.blind.Len() >= r.s.opts.BatchBytes
}

func (r *run) apply(ev *ledger.Event) error { return r.applyPre(ev, nil) }

// begin starts a batch.
func (r *run) begin() {
	r.b = r.s.db.NewIndexedBatchWithSize(r.lastIndexed)
	r.blind = r.s.db.NewBatchWithSize(r.lastTotal + r.lastTotal/8)
	r.batches++
	for _, e := range r.entries {
		e.w = &writer{reader: reader{r: r.b, prefix: e.prefix}, b: r.b, blind: r.blind, run: r, mark: batchMark{r.id, r.batches}}
	}
}

// leftPending reports whether a projection's checkpoint is Pending: an intermediate commit
// left work that the run's last flush must finish.
func (r *run) leftPending() bool {
	for _, e := range r.entries {
		if e.cp.Pending {
			return true
		}
	}
	return false
}

// applyPre applies ev; pre is the predecoder's slot for it (nil when not predecoded).
func (r *run) applyPre(ev *ledger.Event, pre any) error {
	if r.b == nil {
		r.begin()
	}
	for _, e := range r.entries {
		if ev.Seq <= e.cp.Seq {
			continue
		}
		if ev.Seq != e.cp.Seq+1 {
			return &ApplyError{Name: e.name, Seq: ev.Seq, Err: fmt.Errorf("gap: checkpoint at %d", e.cp.Seq)}
		}
		var err error
		if e.pd != nil && pre != nil {
			err = e.pd.applyPredecoded(ev, pre, e.w)
		} else {
			err = e.p.Apply(ev, e.w)
		}
		if err != nil {
			return &ApplyError{Name: e.name, Seq: ev.Seq, Err: err}
		}
		e.cp.Seq = ev.Seq
		e.cp.RecordedAt = ev.RecordedAt.UTC()
		e.moved = true
	}
	r.pending++
	return nil
}

// flush runs the Flushers, stages the moved checkpoints and commits the batch with wo,
// after the commit still in flight if any (commits are applied in order). With async,
// the commit runs on a goroutine of its own while the next batch is applied: the
// next batch's reads of the store (writer.Get and Scan), its flush and abort wait for
// it first, so nothing reads the store without the batch before it.
func (r *run) flush(wo *pebble.WriteOptions, async bool) error {
	if err := r.waitCommit(); err != nil {
		r.abort()
		return err
	}
	if r.b == nil {
		if async || !r.leftPending() {
			return nil
		}
		r.begin() // no events, but the last flush finishes what earlier ones left
	}
	for _, e := range r.entries {
		if !e.moved && (async || !e.cp.Pending) {
			continue // the last flush of a run also finishes what earlier ones left
		}
		if e.f != nil {
			e.w.more, e.w.deferred = async, false
			if err := e.f.Flush(e.w); err != nil {
				r.abort()
				return &ApplyError{Name: e.name, Err: err}
			}
		}
		e.cp.Pending = e.w.deferred
		if err := r.b.Set(metaKey(r.space, e.name), encodeMeta(e.cp), nil); err != nil {
			r.abort()
			return err
		}
		e.moved = false
	}
	b, blind, mark := r.b, r.blind, batchMark{r.id, r.batches}
	r.b, r.blind, r.pending = nil, nil, 0
	r.lastIndexed, r.lastTotal = b.Len(), b.Len()+blind.Len()
	commit := func() error {
		defer b.Close()
		defer blind.Close()
		if !blind.Empty() {
			// The unindexed writes and the (smaller) indexed ones go in one commit.
			// Their keys are disjoint (see writer.setBlind), so the order between them
			// does not matter.
			if err := blind.Apply(b, nil); err != nil {
				return err
			}
			return r.s.commitWith(blind, wo, r.space, mark)
		}
		return r.s.commitWith(b, wo, r.space, mark)
	}
	if !async {
		return commit()
	}
	done := make(chan error, 1)
	r.commitDone = done
	go func() { done <- commit() }()
	return nil
}

// waitCommit waits for the commit in flight, if any, and returns its error.
func (r *run) waitCommit() error {
	if r.commitDone == nil {
		return nil
	}
	err := <-r.commitDone
	r.commitDone = nil
	return err
}

func (r *run) abort() {
	r.waitCommit() // its error, if any, is not the one being returned
	if r.b != nil {
		r.b.Close()
		r.blind.Close()
		r.b, r.blind, r.pending = nil, nil, 0
	}
}

// follow subscribes to the ledger from the lowest checkpoint and applies live events,
// committing when the subscription has nothing more waiting or a batch is full.
func (r *run) follow(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan ledger.Event, 1024)
	subErr := make(chan error, 1)
	go func() {
		subErr <- r.s.l.Subscribe(ctx, r.minSeq()+1, func(ev *ledger.Event) error {
			c := *ev
			c.Data = bytes.Clone(ev.Data)
			select {
			case ch <- c:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	for {
		var ev ledger.Event
		select {
		case ev = <-ch:
		case err := <-subErr:
			r.abort()
			return err
		case <-ctx.Done():
			r.abort()
			return ctx.Err()
		}
		if err := r.apply(&ev); err != nil {
			r.abort()
			return err
		}
	drain:
		for !r.full() {
			select {
			case ev = <-ch:
				if err := r.apply(&ev); err != nil {
					r.abort()
					return err
				}
			default:
				break drain
			}
		}
		if err := r.flush(r.s.wo, false); err != nil {
			return err
		}
	}
}

// --- as-of runs ---

// Replay builds ps over the log as of seq (events 1..seq), in a space of its own that the
// live projections never see, and returns a view of it. Replaying the same seq again
// reuses (or resumes) the stored run. Drop it with DropReplay.
func (s *Store) Replay(ctx context.Context, seq uint64, ps ...Projection) (*View, error) {
	head, _ := s.l.Head()
	if seq > head {
		return nil, fmt.Errorf("%w: as-of seq %d is past the ledger head %d", ErrInvalid, seq, head)
	}
	space := asOfSpace(seq)
	r, err := s.newRun(space, ps)
	if err != nil {
		return nil, err
	}
	snap := s.l.AsOf(seq)
	defer snap.Close()
	if err := r.catchUp(ctx, snap.Scan, seq); err != nil {
		return nil, err
	}
	return &View{snap: s.db.NewSnapshot(), space: space}, nil
}

// ReplayAsOf is Replay as of the last event recorded at or before t.
func (s *Store) ReplayAsOf(ctx context.Context, t time.Time, ps ...Projection) (*View, uint64, error) {
	seq, err := s.l.SeqAsOf(t)
	if err != nil {
		return nil, 0, fmt.Errorf("projection: replay as of %s: %w", t.UTC().Format(time.RFC3339Nano), err)
	}
	v, err := s.Replay(ctx, seq, ps...)
	return v, seq, err
}

// DropReplay deletes the as-of run at seq (every projection in it).
func (s *Store) DropReplay(seq uint64) error {
	space := asOfSpace(seq)
	b := s.db.NewBatch()
	for _, p := range []string{"s/", "m/"} {
		lo := []byte(p + space + "/")
		if err := b.DeleteRange(lo, PrefixEnd(lo), nil); err != nil {
			b.Close()
			return err
		}
	}
	return s.commit(b)
}
