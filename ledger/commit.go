package ledger

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/punchledger/punchledger/ledger/internal/merkle"
)

// commitReq is one caller's AppendBatch (or an import) waiting for the committer.
type commitReq struct {
	reqs    []prepared
	results []BatchResult
	events  int      // number of events in reqs that are not skipped
	imports [][]byte // for importStored: stored envelopes to write as they are
	err     error    // set when the whole group failed (nothing committed)
	done    chan struct{}
}

// prepared is an AppendRequest after validation.
type prepared struct {
	skip   bool // validation failed; result already set
	stream string
	expect Expected
	events []Proposed
	chosen []bool // ID chosen by the ledger: no need to look it up
}

// committer is the state owned by the single committer goroutine.
type committer struct {
	seq     uint64            // last committed seq
	hash    Hash              // its Hash
	nanos   int64             // its RecordedAt
	streams map[string]uint64 // stream heads known so far (loaded lazily)
	tree    *treeState
	filter  *idFilter // every ID in the ledger (and maybe a few more), once loaded
	// The first append starts a scan of the ID index into the filter in the background
	// (startFilterLoad, loadFilter): until the committer adopts it (filterState becomes
	// filterReady), the filter is not consulted (every ID is looked up in the index) and
	// the hashes of the IDs staged meanwhile wait in unfiltered, to be added on
	// adoption. If the scan fails, the filter stays off.
	filterState uint8
	loaded      chan error // the scan's outcome; nil once received
	unfiltered  []idSum

	// Per-group scratch, reset for every group.
	batch *pebble.Batch
	// ids maps the IDs of staged[:indexed] to their seqs. It is filled only when the
	// filter says an ID may exist (every staged ID is in the filter, so a repeat within
	// the group always asks; while the filter is not ready, every ID asks): in the common group, with no repeats and no false
	// positives, no map work is done at all.
	ids        map[ID]uint64
	indexed    int
	newStreams map[string]uint64
	staged     []*Event // events staged in this group, in seq order (for duplicate results)
	start      uint64   // last seq before this group
	key        []byte   // scratch key (Batch.Set copies)
	pipe       leafPipe // the group's stored envelopes and their leaf hashes
	sink       uint64   // keeps idFilter.touchSum's loads
	sums       []idSum  // filter hashes of the request being staged, by event
	// Index entries of the group, written to the batch after all its events (see
	// flushIndexes): idIdx holds fixed-size ID index entries, streamIdx stream index
	// entries, each as key length (2 bytes), key, seq (8 bytes). runEnd is the last event
	// of the stream run being staged: its entry is written when the run ends.
	idIdx     []byte
	streamIdx []byte
	runEnd    *Event
}

const (
	filterUnloaded uint8 = iota // no append yet: the scan has not started
	filterLoading
	filterReady
	filterOff
)

// startFilterLoad starts the scan of the ID index into c.filter.
func (c *committer) startFilterLoad(l *Ledger) {
	c.filterState = filterLoading
	c.loaded = make(chan error, 1)
	go func() {
		defer close(l.loader)
		c.loaded <- l.loadFilter(c.filter, l.loadHook)
	}()
}

// adoptFilter takes the outcome of Open's background scan of the ID index.
func (c *committer) adoptFilter(l *Ledger, err error) {
	c.loaded = nil
	if err != nil {
		c.filterState, c.unfiltered = filterOff, nil
		if !errors.Is(err, ErrClosed) {
			l.opts.Logger.Error("ID filter not loaded: every appended ID is looked up in the index", "err", err)
		}
		return
	}
	for _, sum := range c.unfiltered {
		c.filter.addSum(sum)
	}
	c.filterState, c.unfiltered = filterReady, nil
}

// pollFilter adopts the filter if its scan has ended.
func (c *committer) pollFilter(l *Ledger) {
	select {
	case err := <-c.loaded:
		c.adoptFilter(l, err)
	default:
	}
}

func (c *committer) run(l *Ledger) {
	defer close(l.done)
	c.ids = make(map[ID]uint64)
	c.newStreams = make(map[string]uint64)
	var group []*commitReq
	var next *commitReq // an import found while draining: it commits in a group of its own
	for {
		first := next
		next = nil
		if first == nil {
			select {
			case first = <-l.queue:
			case err := <-c.loaded: // nil once adopted: never ready
				c.adoptFilter(l, err)
				continue
			case <-l.stop:
				return
			}
		}
		group = append(group[:0], first)
		n := first.events
	drain:
		for first.imports == nil && n < l.opts.MaxGroupEvents {
			select {
			case r := <-l.queue:
				if r.imports != nil {
					next = r
					break drain
				}
				group = append(group, r)
				n += r.events
			default:
				break drain
			}
		}
		switch {
		case c.filterState == filterUnloaded:
			c.startFilterLoad(l)
		case c.loaded != nil:
			c.pollFilter(l)
		}
		c.commit(l, group)
	}
}

// commit stages every request of the group into one batch, writes it with one sync and
// then acknowledges. A failed write fails every request in the group.
func (c *committer) commit(l *Ledger, group []*commitReq) {
	c.batch = l.db.NewBatch()
	defer func() {
		c.batch.Close()
		c.batch = nil
		clear(c.ids)
		c.indexed = 0
		clear(c.newStreams)
		clear(c.staged)
		c.staged = c.staged[:0]
		c.idIdx = c.idIdx[:0]
		c.streamIdx = c.streamIdx[:0]
		c.runEnd = nil
	}()
	nanos := c.nanos
	if group[0].imports != nil {
		// Imported events keep their RecordedAt; the clock is not read.
	} else if now := l.opts.Now(); nanosRange(now) && now.UnixNano() > nanos {
		nanos = now.UnixNano()
	}
	g := groupState{seq: c.seq, hash: c.hash, nanos: nanos}
	c.start = c.seq
	events := 0
	for _, cr := range group {
		events += cr.events + len(cr.imports)
	}
	st := c.tree.begin()
	c.pipe.begin(events, st)
	defer c.pipe.wait() // runs before the scratch is reset (deferred earlier)
	var err error
	for _, cr := range group {
		if cr.imports != nil {
			if cr.err = c.stageImport(l, &g, cr.imports); cr.err != nil {
				err = cr.err
				break
			}
			continue
		}
		out := make([]Event, 0, cr.events)
		for i := range cr.reqs {
			if cr.reqs[i].skip {
				continue
			}
			cr.results[i].Result, cr.results[i].Err = c.stage(l, &g, &cr.reqs[i], &out)
			if cr.results[i].Err != nil && !isRequestError(cr.results[i].Err) {
				err = cr.results[i].Err
				break
			}
		}
		if err != nil {
			break
		}
	}
	if err == nil && g.seq > c.seq {
		err = c.flushIndexes()
		if err == nil {
			err = c.batch.Set(timeKey(g.nanos, g.seq), nil, nil)
		}
		if err == nil {
			opt := pebble.Sync
			if l.opts.NoSync {
				opt = pebble.NoSync
			}
			// The last envelopes go to a hasher now, so that their leaves are hashed
			// while the batch is written and synced rather than after.
			c.pipe.hand()
			err = l.commitBatch(c.batch, opt)
		}
	}
	if err != nil {
		err = fmt.Errorf("ledger: commit: %w", err)
		l.opts.Logger.Error("commit failed", "err", err, "requests", len(group))
		for _, cr := range group {
			cr.err = err
			close(cr.done)
		}
		return
	}
	if g.seq > c.seq {
		// The events are durable: nothing below may fail the group. The tree's hashes
		// were computed while the batch was being written and synced (leafPipe); they
		// go in a batch of their own, unsynced (the next group's sync covers it): a crash
		// can lose them, never the events, and Open derives lost spans again from the
		// events (openTree).
		c.stageTree(l, st)
		c.seq, c.hash, c.nanos = g.seq, g.hash, g.nanos
		for s, v := range c.newStreams {
			c.streams[s] = v
		}
		l.publish(g.seq, time.Unix(0, g.nanos).UTC())
	}
	for _, cr := range group {
		close(cr.done)
	}
}

// stageTree writes the committed group's tree span and adopts the new tree head. If
// that fails the events stay committed (and are acknowledged), the tree in memory stays
// at the previous group, and the ledger is marked failed: every later write returns
// ErrFailed, and reopening derives the missing span from the events.
func (c *committer) stageTree(l *Ledger, st *merkle.Stager) {
	err := c.pipe.finish()
	var th TreeHead
	if err == nil {
		b := l.db.NewBatch()
		defer b.Close()
		if th, err = c.tree.finish(b, st); err == nil {
			if err = l.commitBatch(b, pebble.NoSync); err != nil {
				c.tree.abort()
			}
		}
	}
	if err != nil {
		err = fmt.Errorf("%w: tree hashes of committed events not written: %v", ErrFailed, err)
		l.failed.CompareAndSwap(nil, &err)
		l.opts.Logger.Error("tree update failed", "err", err)
		return
	}
	c.tree.committed(th)
}

// isRequestError reports whether err is one request's logical failure (the group goes on).
func isRequestError(err error) bool {
	return errors.Is(err, ErrConflict) || errors.Is(err, ErrDuplicateID) ||
		errors.Is(err, ErrPartialDuplicate) || errors.Is(err, ErrInvalid)
}

// groupState is the chain position while a group is being staged.
type groupState struct {
	seq   uint64
	hash  Hash
	nanos int64
}

// lookupID finds the seq of id (whose filter hash is sum) in this group or in the ID
// index.
func (c *committer) lookupID(l *Ledger, id ID, sum idSum) (uint64, bool, error) {
	if c.filterState == filterReady && !c.filter.mayContainSum(sum) {
		return 0, false, nil
	}
	for _, e := range c.staged[c.indexed:] {
		c.ids[e.ID] = e.Seq
	}
	c.indexed = len(c.staged)
	if seq, ok := c.ids[id]; ok {
		return seq, true, nil
	}
	v, closer, err := l.db.Get(idKey(id))
	if errors.Is(err, pebble.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	defer closer.Close()
	if len(v) != idValueLen {
		return 0, false, &CorruptError{Reason: fmt.Sprintf("ID index entry for %v has %d bytes", id, len(v))}
	}
	return binary.BigEndian.Uint64(v), true, nil
}

// eventAt returns the event at seq, staged in this group or stored.
func (c *committer) eventAt(l *Ledger, seq uint64) (Event, error) {
	if seq > c.start {
		return *c.staged[seq-c.start-1], nil
	}
	return l.readStoredEvent(seq)
}

// streamHead returns the stream's version as of the group staged so far.
func (c *committer) streamHead(l *Ledger, stream string) (uint64, error) {
	if v, ok := c.newStreams[stream]; ok {
		return v, nil
	}
	if v, ok := c.streams[stream]; ok {
		return v, nil
	}
	v, err := l.storedStreamVersion(stream, c.seq)
	if err != nil {
		return 0, err
	}
	c.streams[stream] = v
	return v, nil
}

// stage checks one request and adds its events to the batch.
//
// The result's Events are taken from *out: one array for all the requests of an
// AppendBatch call.
func (c *committer) stage(l *Ledger, g *groupState, p *prepared, out *[]Event) (AppendResult, error) {
	// Idempotency first: a retry of a committed append is answered even though the
	// stream has moved on.
	found := 0
	var existing []Event
	c.sums = c.sums[:0]
	for i := range p.events {
		sum := c.filter.sum(p.events[i].ID)
		c.sums = append(c.sums, sum)
		if !p.chosen[i] && c.filterState == filterReady {
			c.sink ^= c.filter.touchSum(sum)
		}
	}
	for i := range p.events {
		if p.chosen[i] {
			continue
		}
		seq, ok, err := c.lookupID(l, p.events[i].ID, c.sums[i])
		if err != nil {
			return AppendResult{}, err
		}
		if !ok {
			continue
		}
		found++
		e, err := c.eventAt(l, seq)
		if err != nil {
			return AppendResult{}, err
		}
		if !sameContent(&e, p.stream, &p.events[i]) {
			return AppendResult{}, &DuplicateIDError{ID: p.events[i].ID, Seq: seq}
		}
		existing = append(existing, e)
	}
	if found == len(p.events) {
		return duplicateResult(existing), nil
	}
	if found > 0 {
		return AppendResult{}, fmt.Errorf("%w: %d of %d event IDs exist (stream %q)", ErrPartialDuplicate, found, len(p.events), p.stream)
	}
	cur, err := c.streamHead(l, p.stream)
	if err != nil {
		return AppendResult{}, err
	}
	if want, ok := p.expect.Version(); ok && want != cur {
		return AppendResult{}, &ConflictError{Stream: p.stream, Expected: p.expect, Actual: cur}
	}
	n := len(p.events)
	if cap(*out)-len(*out) < n {
		*out = make([]Event, 0, n)
	}
	res := AppendResult{FirstSeq: g.seq + 1, Events: (*out)[len(*out) : len(*out)+n : len(*out)+n]}
	*out = (*out)[:len(*out)+n]
	recorded := time.Unix(0, g.nanos).UTC()
	for i := range p.events {
		pe := &p.events[i]
		e := &res.Events[i]
		*e = Event{
			Seq:        g.seq + 1,
			ID:         pe.ID,
			Stream:     p.stream,
			Version:    cur + 1,
			Type:       pe.Type,
			Schema:     pe.Schema,
			OccurredAt: pe.OccurredAt.UTC(),
			RecordedAt: recorded,
			Actor:      pe.Actor,
			Data:       pe.Data,
			PrevHash:   g.hash,
		}
		if err := c.put(g, e, c.sums[i]); err != nil {
			return AppendResult{}, err
		}
		cur++
	}
	c.newStreams[p.stream] = cur
	res.LastSeq, res.Version = g.seq, cur
	return res, nil
}

// put seals e (computing its Hash), writes the event to the batch, stages its ID index
// entry and extends or ends the stream run (written by flushIndexes), and advances the
// group state. e.Seq and e.PrevHash must follow g.
func (c *committer) put(g *groupState, e *Event, sum idSum) error {
	stored := sealEvent(c.pipe.space(encodedLen(e)), e)
	c.pipe.add(stored)
	c.key = appendEventKey(c.key[:0], e.Seq)
	if err := c.batch.Set(c.key, stored, nil); err != nil {
		return err
	}
	c.idIdx = appendIDKey(c.idIdx, e.ID)
	c.idIdx = binary.BigEndian.AppendUint64(c.idIdx, e.Seq)
	if r := c.runEnd; r != nil && (r.Stream != e.Stream || r.Version+1 != e.Version || r.Seq+1 != e.Seq) {
		c.endRun()
	}
	c.runEnd = e
	// Before the commit: a failed commit leaves a harmless false positive.
	switch c.filterState {
	case filterReady:
		c.filter.addSum(sum)
	case filterUnloaded, filterLoading:
		c.unfiltered = append(c.unfiltered, sum)
	}
	c.staged = append(c.staged, e)
	g.seq, g.hash = e.Seq, e.Hash
	return nil
}

// idEntryLen is the size of one entry of committer.idIdx: the ID index key and value.
const idEntryLen = 1 + len(ID{}) + idValueLen

// flushIndexes writes the group's ID and stream index entries into the batch. They
// are staged after the events rather than beside each one so that the batch holds
// runs of keys of one prefix: Pebble's memtable inserter reuses its position from one
// key to the next, which only helps when consecutive keys are neighbours (the events,
// a stream's versions, the tree hashes); interleaving the prefixes made every insert
// a full skiplist search. The order of keys within a batch has no other effect.
//
// A stream index entry covers a run: consecutive versions of one stream at
// consecutive seqs (keys.go), so an append of many events to one stream writes one.
func (c *committer) flushIndexes() error {
	if c.runEnd != nil {
		c.endRun()
	}
	for b := c.idIdx; len(b) > 0; b = b[idEntryLen:] {
		if err := c.batch.Set(b[:1+len(ID{})], b[1+len(ID{}):idEntryLen], nil); err != nil {
			return err
		}
	}
	for b := c.streamIdx; len(b) > 0; {
		n := int(binary.BigEndian.Uint16(b))
		if err := c.batch.Set(b[2:2+n], b[2+n:2+n+8], nil); err != nil {
			return err
		}
		b = b[2+n+8:]
	}
	return nil
}

// endRun stages the stream index entry of the run ending with c.runEnd.
func (c *committer) endRun() {
	e := c.runEnd
	c.streamIdx = binary.BigEndian.AppendUint16(c.streamIdx, uint16(1+len(e.Stream)+1+8))
	c.streamIdx = appendStreamKey(c.streamIdx, e.Stream, e.Version)
	c.streamIdx = binary.BigEndian.AppendUint64(c.streamIdx, e.Seq)
	c.runEnd = nil
}

// duplicateResult answers an append whose events all exist with identical content.
func duplicateResult(existing []Event) AppendResult {
	return AppendResult{
		Duplicate: true,
		Events:    existing,
		FirstSeq:  existing[0].Seq,
		LastSeq:   existing[len(existing)-1].Seq,
		Version:   existing[len(existing)-1].Version,
	}
}

// commitBatch writes b; see guard.
func (l *Ledger) commitBatch(b *pebble.Batch, opt *pebble.WriteOptions) error {
	return l.guard(func() error { return b.Commit(opt) })
}

// guard runs a Pebble write. Pebble treats a failed WAL write as fatal ("the commit
// pipeline will be horked") and calls Logger.Fatalf, which our logger turns into a
// panic: guard recovers it, marks the ledger failed (every later write returns the
// error) and returns ErrFailed instead of letting the process die.
func (l *Ledger) guard(write func() error) (err error) {
	if f := l.failed.Load(); f != nil {
		return *f
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrFailed, r)
			l.failed.Store(&err)
		}
	}()
	return write()
}
