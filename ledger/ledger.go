package ledger

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// Expected is the stream version an append expects, for optimistic concurrency.
// The zero value is Any.
type Expected struct {
	kind    uint8 // 0 any, 1 exact (0 meaning no stream)
	version uint64
}

var (
	// Any skips the version check.
	Any = Expected{}
	// NoStream requires that the stream has no events yet.
	NoStream = Expected{kind: 1}
)

// ExactVersion requires the stream to be at version v (ExactVersion(0) is NoStream).
func ExactVersion(v uint64) Expected { return Expected{kind: 1, version: v} }

// Version returns the expected version and whether there is one (false for Any).
func (e Expected) Version() (uint64, bool) { return e.version, e.kind == 1 }

// String returns "any", "no stream" or "version N".
func (e Expected) String() string {
	switch {
	case e.kind == 0:
		return "any"
	case e.version == 0:
		return "no stream"
	default:
		return fmt.Sprintf("version %d", e.version)
	}
}

// AppendResult describes a committed (or, with Duplicate, a previously committed) append.
type AppendResult struct {
	FirstSeq, LastSeq uint64 // positions of the events (the original ones when Duplicate)
	Version           uint64 // stream version of the last event
	Duplicate         bool   // every event existed already with identical content; nothing written
	// Events are the committed envelopes (Seq, Version, RecordedAt, hashes filled). For
	// a fresh append their Data aliases the Proposed events' Data.
	Events []Event
}

// AppendRequest is one independent append in AppendBatch.
type AppendRequest struct {
	Stream string
	Expect Expected
	Events []Proposed
}

// BatchResult is the outcome of one AppendRequest.
type BatchResult struct {
	Result AppendResult
	Err    error
}

// Ledger is an open event log. Its methods are safe for concurrent use.
type Ledger struct {
	opts *Options
	db   *pebble.DB
	dir  string

	queue chan *commitReq
	stop  chan struct{} // closed by Close after the last appender left: the committer exits
	done  chan struct{} // closed by the committer when it exits
	// loader is closed when the background scan of the ID index has ended (Close waits
	// for it before closing the database); the committer starts the scan with the first
	// append (startFilterLoad), so a ledger only read never pays for it. loadHook is
	// loadFilterHook as Open found it.
	loader   chan struct{}
	loadHook func()

	// Lifecycle: every operation enters (fails with ErrClosed once closed) and leaves;
	// Close waits for active operations to leave.
	mu      sync.Mutex
	closed  bool
	active  int
	idle    *sync.Cond
	closing chan struct{} // closed when Close starts: wakes subscribers

	randMu sync.Mutex // guards opts.Rand

	failed atomic.Pointer[error] // set once the storage failed fatally (see commitBatch)

	// Published head: the last committed (and, unless NoSync, synced) event.
	headMu sync.RWMutex
	head   uint64
	headAt time.Time
	notify chan struct{} // closed and replaced after every commit

	c committer // owned by the committer goroutine
}

// Open opens (creating if needed) the ledger in dir.
func Open(dir string, opts *Options) (*Ledger, error) {
	o := *opts.EnsureDefaults() // copy: the caller's struct is not kept
	if err := o.Validate(); err != nil {
		return nil, err
	}
	db, err := pebble.Open(dir, o.PebbleOptions())
	if err != nil {
		return nil, fmt.Errorf("ledger: open %s: %w", dir, err)
	}
	l := &Ledger{
		opts:    &o,
		db:      db,
		dir:     dir,
		queue:   make(chan *commitReq, 1024),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
		closing: make(chan struct{}),
		notify:  make(chan struct{}),
	}
	l.idle = sync.NewCond(&l.mu)
	if err := l.recover(); err != nil {
		db.Close()
		return nil, fmt.Errorf("ledger: open %s: %w", dir, err)
	}
	l.loader, l.loadHook = make(chan struct{}), loadFilterHook
	go l.c.run(l)
	return l, nil
}

// recover reads the format version and the head; stream heads are loaded lazily.
func (l *Ledger) recover() error {
	v, closer, err := l.db.Get(metaFormat)
	switch {
	case errors.Is(err, pebble.ErrNotFound):
		if err := l.db.Set(metaFormat, binary.BigEndian.AppendUint32(nil, formatVersion), pebble.Sync); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		f := uint32(0)
		if len(v) == 4 {
			f = binary.BigEndian.Uint32(v)
		}
		closer.Close()
		if f == 2 {
			if err := l.migrateFormat2(); err != nil {
				return fmt.Errorf("ledger: migrate format 2: %w", err)
			}
			f = formatVersion
		}
		if f != formatVersion {
			return fmt.Errorf("%w: on-disk format %d, this build reads %d", ErrCorrupt, f, formatVersion)
		}
	}
	it, err := l.db.NewIter(&pebble.IterOptions{LowerBound: []byte{prefixEvent}, UpperBound: []byte{prefixEvent + 1}})
	if err != nil {
		return err
	}
	defer it.Close()
	l.c.streams = make(map[string]uint64)
	if it.Last() {
		var e Event
		if err := decodeEvent(it.Value(), &e, false); err != nil {
			return &CorruptError{Seq: binary.BigEndian.Uint64(it.Key()[1:]), Reason: err.Error()}
		}
		if got := binary.BigEndian.Uint64(it.Key()[1:]); got != e.Seq {
			return &CorruptError{Seq: got, Reason: fmt.Sprintf("key says seq %d, envelope says %d", got, e.Seq)}
		}
		l.head, l.headAt = e.Seq, e.RecordedAt
		l.c.seq, l.c.hash, l.c.nanos = e.Seq, e.Hash, e.RecordedAt.UnixNano()
	}
	if err := it.Error(); err != nil {
		return err
	}
	// The filter is sized now and filled in the background once something is appended
	// (see committer.filterState): scanning the ID index of a large ledger takes a while
	// (about 0.2 s per million events), and Open should not.
	l.c.filter = newIDFilterFor(int(min(l.c.seq+l.c.seq/2, 1<<32)))
	return l.c.openTree(l)
}

// Close waits for in-flight operations, stops the committer and closes the database.
// Subscribers return ErrClosed. Calling Close twice returns ErrClosed. Close must not be
// called from a Scan or Subscribe callback (it would wait for that scan to end).
func (l *Ledger) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	l.closed = true
	close(l.closing)
	for l.active > 0 {
		l.idle.Wait()
	}
	l.mu.Unlock()
	close(l.stop)
	<-l.done
	if l.c.filterState == filterUnloaded {
		close(l.loader) // never started (the committer has exited: no race)
	}
	<-l.loader // ends soon after closing: it checks l.closing
	if err := l.failed.Load(); err != nil {
		func() {
			defer func() { recover() }() // Pebble may panic closing a broken WAL
			l.db.Close()
		}()
		return *err
	}
	if err := l.db.Close(); err != nil {
		return fmt.Errorf("ledger: close: %w", err)
	}
	return nil
}

func (l *Ledger) enter() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	l.active++
	return nil
}

func (l *Ledger) leave() {
	l.mu.Lock()
	l.active--
	if l.active == 0 {
		l.idle.Broadcast()
	}
	l.mu.Unlock()
}

// Head returns the last committed sequence number and its RecordedAt (0 and the zero
// time for an empty ledger).
func (l *Ledger) Head() (seq uint64, at time.Time) {
	l.headMu.RLock()
	defer l.headMu.RUnlock()
	return l.head, l.headAt
}

// publish makes a commit visible to readers and wakes subscribers.
func (l *Ledger) publish(seq uint64, at time.Time) {
	l.headMu.Lock()
	l.head, l.headAt = seq, at
	close(l.notify)
	l.notify = make(chan struct{})
	l.headMu.Unlock()
}

func (l *Ledger) headAndNotify() (uint64, chan struct{}) {
	l.headMu.RLock()
	defer l.headMu.RUnlock()
	return l.head, l.notify
}

// Append appends events to one stream atomically (all or none) after checking expect.
//
// It is idempotent by event ID: if every event's ID exists with identical content (the
// stream and every Proposed field), it returns the original positions with
// Duplicate=true and writes nothing. An ID that exists with other content gives a
// *DuplicateIDError; some but not all IDs existing gives ErrPartialDuplicate; a version
// mismatch gives a *ConflictError. Bad input gives ErrInvalid and writes nothing.
//
// Append returns after the events are committed and synced (unless Options.NoSync). If
// ctx ends while the append is queued or committing, Append returns ctx.Err() and the
// events may or may not be committed; retrying with the same IDs is safe.
func (l *Ledger) Append(ctx context.Context, stream string, expect Expected, evs ...Proposed) (AppendResult, error) {
	res, err := l.AppendBatch(ctx, []AppendRequest{{Stream: stream, Expect: expect, Events: evs}})
	if err != nil {
		return AppendResult{}, err
	}
	return res[0].Result, res[0].Err
}

// AppendBatch commits many independent appends (to different or the same streams, in
// order) in one batch with one fsync; each gets its own result or error, and one
// failing request never fails the others. The returned error is for the batch as a
// whole (closed ledger, context, a failed write), in which case nothing is known to be
// committed.
func (l *Ledger) AppendBatch(ctx context.Context, reqs []AppendRequest) ([]BatchResult, error) {
	if err := l.enter(); err != nil {
		return nil, err
	}
	defer l.leave()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cr := &commitReq{
		reqs:    make([]prepared, len(reqs)),
		results: make([]BatchResult, len(reqs)),
		done:    make(chan struct{}),
	}
	// One array of events and one of flags serve every request (an offline upload is
	// many one-event requests): each prepared request takes its part.
	total := 0
	for i := range reqs {
		total += len(reqs[i].Events)
	}
	evs, chosen := make([]Proposed, total), make([]bool, total)
	for i := range reqs {
		n := len(reqs[i].Events)
		cr.reqs[i].events, cr.reqs[i].chosen = evs[:n:n], chosen[:n:n]
		evs, chosen = evs[n:], chosen[n:]
		if err := l.prepare(&reqs[i], &cr.reqs[i]); err != nil {
			cr.results[i].Err = err
			cr.reqs[i].skip = true
			continue
		}
		cr.events += len(reqs[i].Events)
	}
	if err := l.submit(ctx, cr); err != nil {
		return nil, err
	}
	return cr.results, nil
}

// submit queues cr for the committer and waits for its answer (cr.err), or for ctx.
func (l *Ledger) submit(ctx context.Context, cr *commitReq) error {
	if err := l.failed.Load(); err != nil {
		return *err
	}
	select {
	case l.queue <- cr:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-cr.done:
		return cr.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// prepare validates a request and computes what the committer needs but can be done
// concurrently: validation and chosen IDs.
func (l *Ledger) prepare(r *AppendRequest, p *prepared) error {
	if err := validStream(r.Stream); err != nil {
		return err
	}
	if len(r.Events) == 0 {
		return fmt.Errorf("%w: append to %q with no events", ErrInvalid, r.Stream)
	}
	p.stream = r.Stream
	p.expect = r.Expect
	copy(p.events, r.Events) // p.events and p.chosen have r's length (AppendBatch)
	for i := range p.events {
		ev := &p.events[i]
		if err := ev.validate(); err != nil {
			return fmt.Errorf("event %d of %d: %w", i+1, len(p.events), err)
		}
		if ev.ID.IsZero() {
			l.randMu.Lock()
			id, err := NewID(l.opts.Rand)
			l.randMu.Unlock()
			if err != nil {
				return err
			}
			ev.ID = id
			p.chosen[i] = true
		}
	}
	return sameIDTwice(p.events)
}

// sameIDTwice rejects a request that carries one ID twice.
func sameIDTwice(evs []Proposed) error {
	if len(evs) <= 16 {
		for i := range evs {
			for j := 0; j < i; j++ {
				if evs[j].ID == evs[i].ID {
					return fmt.Errorf("%w: event ID %v appears twice in one append", ErrInvalid, evs[i].ID)
				}
			}
		}
		return nil
	}
	// IDs are random: sorting their first eight bytes finds any two that may be equal
	// at a fraction of the cost of a map of all of them; only then are whole IDs compared.
	heads := make([]uint64, len(evs))
	for i := range evs {
		heads[i] = binary.BigEndian.Uint64(evs[i].ID[:8])
	}
	slices.Sort(heads)
	for i := 1; i < len(heads); i++ {
		if heads[i] == heads[i-1] {
			return sameIDTwiceExact(evs)
		}
	}
	return nil
}

// sameIDTwiceExact is sameIDTwice for a request in which two IDs share their first
// eight bytes.
func sameIDTwiceExact(evs []Proposed) error {
	seen := make(map[ID]struct{}, len(evs))
	for i := range evs {
		if _, ok := seen[evs[i].ID]; ok {
			return fmt.Errorf("%w: event ID %v appears twice in one append", ErrInvalid, evs[i].ID)
		}
		seen[evs[i].ID] = struct{}{}
	}
	return nil
}

// readStoredEvent reads and decodes the event at seq (no bound).
func (l *Ledger) readStoredEvent(seq uint64) (Event, error) {
	v, closer, err := l.db.Get(eventKey(seq))
	if errors.Is(err, pebble.ErrNotFound) {
		return Event{}, fmt.Errorf("seq %d: %w", seq, ErrNotFound)
	}
	if err != nil {
		return Event{}, err
	}
	defer closer.Close()
	var e Event
	if err := decodeEvent(v, &e, false); err != nil {
		return Event{}, &CorruptError{Seq: seq, Reason: err.Error()}
	}
	e.Data = bytes.Clone(e.Data)
	if e.Seq != seq {
		return Event{}, &CorruptError{Seq: seq, Reason: fmt.Sprintf("envelope says seq %d", e.Seq)}
	}
	return e, nil
}

var _ io.Closer = (*Ledger)(nil)
