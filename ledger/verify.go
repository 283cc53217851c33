package ledger

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"strings"

	"github.com/cockroachdb/pebble/v2"

	"github.com/punchledger/punchledger/ledger/internal/merkle"
)

// Verify reads every committed event and checks, in order of Seq:
//
//  1. the event exists under its key and decodes, and its Seq is its key's;
//  2. its PrevHash is the previous event's Hash, and its Hash is recomputed equal
//     (SHA-256 over PrevHash and its canonical bytes);
//  3. its RecordedAt does not go back;
//  4. the tree hashes stored with it equal the ones recomputed from its leaf hash,
//     so the stored tree, and hence every proof and checkpoint, is the events' tree.
//
// Then the recomputed root must equal the tree head in memory, and the ID index and
// the stream index must hold exactly one entry per event (ID → seq; stream and
// version → seq), so that idempotency and stream reads are right.
// The indexes are compared as order-independent sums in one sequential pass each;
// only when they differ are they searched for the first bad entry.
//
// The first failure is returned as a *CorruptError naming its Seq (errors.Is ErrCorrupt). Verify streams:
// its memory does not grow with the log. It checks the events up to the head when it
// starts; events appended meanwhile are left for the next run (the log is append-only,
// so no snapshot is taken).
func (l *Ledger) Verify(ctx context.Context) error {
	if err := l.enter(); err != nil {
		return err
	}
	defer l.leave()
	head, _ := l.Head()
	th := l.TreeHead()
	if th.Size < head {
		return &CorruptError{Seq: head, Reason: fmt.Sprintf("tree has %d events, the log %d", th.Size, head)}
	}
	if head == 0 {
		return nil
	}
	// No Pebble snapshot, and fresh iterators every scanChunk events: events and their
	// tree hashes up to head never change, and a long-lived snapshot or iterator would
	// keep DeleteSecret from purging (it pins old versions and sstables).
	var evIt, treeIt *pebble.Iterator
	closeIters := func() {
		if evIt != nil {
			evIt.Close()
			treeIt.Close()
			evIt, treeIt = nil, nil
		}
	}
	defer closeIters()

	var (
		f      merkle.Frontier
		prev   Hash
		nanos  int64 = math.MinInt64
		e      Event
		record []byte
		// span is what is left of the current span of stored tree hashes (a copy in
		// spanBuf): the stored hashes of the next leaves, in order.
		span, spanBuf []byte
		err           error
		sums          = newIndexSums()
	)
	for seq := uint64(1); seq <= head; seq++ {
		if (seq-1)%scanChunk == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			closeIters()
			end := min(seq+scanChunk, head+1)
			if evIt, err = l.db.NewIter(&pebble.IterOptions{LowerBound: eventKey(seq), UpperBound: eventKey(end)}); err != nil {
				return fmt.Errorf("ledger: verify: %w", err)
			}
			// Spans starting at this chunk's leaves; the span the chunk starts in (if the
			// previous chunk ended inside it) is already in span.
			if treeIt, err = l.db.NewIter(&pebble.IterOptions{LowerBound: merkle.Key(treePrefix, int64(seq-1)), UpperBound: merkle.Key(treePrefix, int64(end-1))}); err != nil {
				evIt.Close()
				evIt = nil
				return fmt.Errorf("ledger: verify: %w", err)
			}
			evIt.First()
			treeIt.First()
		}
		bad := func(format string, a ...any) error {
			return &CorruptError{Seq: seq, Reason: fmt.Sprintf(format, a...)}
		}
		if !evIt.Valid() {
			if err := evIt.Error(); err != nil {
				return fmt.Errorf("ledger: verify at seq %d: %w", seq, err)
			}
			return bad("event missing")
		}
		if k := evIt.Key(); len(k) != 9 || binary.BigEndian.Uint64(k[1:]) != seq {
			return bad("event missing (next key %x)", k)
		}
		v, err := evIt.ValueAndErr()
		if err != nil {
			return fmt.Errorf("ledger: verify at seq %d: %w", seq, err)
		}
		if err := decodeEvent(v, &e, true); err != nil {
			return bad("%s", strings.TrimPrefix(err.Error(), ErrCorrupt.Error()+": "))
		}
		switch {
		case e.Seq != seq:
			return bad("envelope says seq %d", e.Seq)
		case e.PrevHash != prev:
			return bad("prev hash %v, previous event's hash is %v", e.PrevHash, prev)
		case e.RecordedAt.UnixNano() < nanos:
			return bad("recorded-at %v goes back", e.RecordedAt)
		}
		if h := chainHash(e.PrevHash, v[:len(v)-len(e.Hash)]); h != e.Hash {
			return bad("hash %v, recomputed %v", e.Hash, h)
		}
		prev, nanos = e.Hash, e.RecordedAt.UnixNano()
		sums.addEvent(&e)

		hashes, err := f.Append(merkle.LeafHash(v))
		if err != nil {
			return bad("tree: %v", err)
		}
		record = merkle.AppendRecord(record[:0], hashes)
		if len(span) == 0 {
			// The previous span is used up: the next must start at this leaf.
			if !treeIt.Valid() || !isTreeKey(treeIt.Key(), seq-1) {
				if err := treeIt.Error(); err != nil {
					return fmt.Errorf("ledger: verify tree at seq %d: %w", seq, err)
				}
				return bad("tree hashes missing")
			}
			tv, err := treeIt.ValueAndErr()
			if err != nil {
				return fmt.Errorf("ledger: verify tree at seq %d: %w", seq, err)
			}
			// A copy: the span may outlive this chunk's iterator.
			spanBuf = append(spanBuf[:0], tv...)
			span = spanBuf
			treeIt.Next()
		}
		if len(span) < len(record) || !bytes.Equal(span[:len(record)], record) {
			return bad("stored tree hashes differ from the event's")
		}
		span = span[len(record):]
		evIt.Next()
	}
	if len(span) != 0 {
		return &CorruptError{Seq: head, Reason: fmt.Sprintf("tree span holds %d bytes of hashes beyond the last event", len(span))}
	}
	if th.Size == head {
		if got := Hash(f.Root()); got != th.Root {
			return &CorruptError{Seq: head, Reason: fmt.Sprintf("tree root in memory %v, recomputed %v", th.Root, got)}
		}
	}
	closeIters()
	return l.verifyIndexes(ctx, head, sums)
}

// scanChunk is how many events Verify and Export read with one pair of iterators.
const scanChunk = 4096

// isTreeKey reports whether k is the key of the tree span starting at leaf n.
func isTreeKey(k []byte, n uint64) bool {
	return len(k) == 9 && k[0] == prefixTree && binary.BigEndian.Uint64(k[1:]) == n
}

// indexSums accumulates order-independent digests (sums of seeded 64-bit hashes) of
// index entries, so that indexes read in key order can be compared with the entries
// the events, read in seq order, imply. They catch damage, not forgery: the indexes
// are not part of the tamper-evident log.
type indexSums struct {
	h           maphash.Hash
	ids, stream uint64
	nID, nStr   uint64
}

func newIndexSums() *indexSums {
	s := new(indexSums)
	s.h.SetSeed(maphash.MakeSeed())
	return s
}

func (s *indexSums) id(id ID, seq uint64) {
	s.h.Reset()
	s.h.Write(id[:])
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seq)
	s.h.Write(b[:])
	s.ids += s.h.Sum64()
	s.nID++
}

func (s *indexSums) streamEntry(stream string, version, seq uint64) {
	s.h.Reset()
	s.h.WriteString(stream)
	var b [16]byte
	binary.BigEndian.PutUint64(b[:], version)
	binary.BigEndian.PutUint64(b[8:], seq)
	s.h.Write(b[:])
	s.stream += s.h.Sum64()
	s.nStr++
}

// addEvent adds the index entries event e implies.
func (s *indexSums) addEvent(e *Event) {
	s.id(e.ID, e.Seq)
	s.streamEntry(e.Stream, e.Version, e.Seq)
}

// parseIDEntry parses an ID index entry; ok is false if it is malformed.
func parseIDEntry(k, v []byte) (id ID, seq uint64, ok bool) {
	if len(k) != 1+len(id) || len(v) != idValueLen {
		return ID{}, 0, false
	}
	copy(id[:], k[1:])
	return id, binary.BigEndian.Uint64(v), true
}

// parseStreamEntry parses a stream index entry; ok is false if it is malformed.
func parseStreamEntry(k, v []byte) (stream []byte, version, seq uint64, ok bool) {
	if len(k) < 1+1+8 || k[len(k)-9] != 0 || len(v) != 8 {
		return nil, 0, 0, false
	}
	return k[1 : len(k)-9], binary.BigEndian.Uint64(k[len(k)-8:]), binary.BigEndian.Uint64(v), true
}

// scanStreamRuns walks the stream index in key order and calls fn for every (stream,
// version, seq) its runs stand for (keys.go) with seq <= head, and bad for every
// malformed key or impossible run.
func (l *Ledger) scanStreamRuns(ctx context.Context, head uint64, fn func(stream []byte, version, seq uint64) error, bad func(k []byte)) error {
	var cur []byte // the stream of the previous key
	var prev uint64
	return l.scanPrefix(ctx, prefixStream, func(k, v []byte) error {
		stream, version, seq, ok := parseStreamEntry(k, v)
		if !ok {
			bad(k)
			return nil
		}
		if !bytes.Equal(stream, cur) {
			cur, prev = append(cur[:0], stream...), 0
		}
		if !validRun(prev, version, seq) {
			bad(k)
			prev = version
			return nil
		}
		first := prev + 1
		if seq > head {
			if seq-head >= version-prev {
				prev = version
				return nil // the whole run is after head
			}
			first = version - (seq - head)
		}
		prev = version
		for v := first; v <= version; v++ {
			if err := fn(stream, v, seq-(version-v)); err != nil {
				return err
			}
		}
		return nil
	})
}

// scanPrefix calls fn for every key with the given one-byte prefix, in key order,
// opening a fresh iterator every scanChunk keys (see Verify).
func (l *Ledger) scanPrefix(ctx context.Context, prefix byte, fn func(k, v []byte) error) error {
	lower, upper := []byte{prefix}, []byte{prefix + 1}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		it, err := l.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
		if err != nil {
			return fmt.Errorf("ledger: verify: %w", err)
		}
		n := 0
		for it.First(); it.Valid() && n < scanChunk; it.Next() {
			v, err := it.ValueAndErr()
			if err == nil {
				err = fn(it.Key(), v)
			}
			if err != nil {
				it.Close()
				return err
			}
			n++
		}
		more := it.Valid()
		if more {
			lower = bytes.Clone(it.Key()) // the first key not read yet
		}
		err = it.Error()
		it.Close()
		if err != nil {
			return fmt.Errorf("ledger: verify: %w", err)
		}
		if !more {
			return nil
		}
	}
}

// verifyIndexes compares the ID and stream indexes with the sums of the entries the
// events 1..head imply; entries for later events (appended meanwhile) are left out.
func (l *Ledger) verifyIndexes(ctx context.Context, head uint64, want *indexSums) error {
	got := &indexSums{}
	got.h.SetSeed(want.h.Seed())
	var firstBad uint64
	err := l.scanPrefix(ctx, prefixID, func(k, v []byte) error {
		id, seq, ok := parseIDEntry(k, v)
		switch {
		case !ok:
			if firstBad == 0 {
				firstBad = head
			}
		case seq <= head:
			got.id(id, seq)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = l.scanStreamRuns(ctx, head, func(stream []byte, version, seq uint64) error {
		got.streamEntry(string(stream), version, seq)
		return nil
	}, func([]byte) {
		if firstBad == 0 {
			firstBad = head
		}
	})
	if err != nil {
		return err
	}
	if firstBad == 0 && got.ids == want.ids && got.nID == want.nID && got.stream == want.stream && got.nStr == want.nStr {
		return nil
	}
	return l.findIndexFault(ctx, head)
}

// streamSeq looks up the seq of a stream version in the stream index: the first key
// at or after the version is the run that holds it (keys.go). ok is false if none
// does, or the entry is malformed.
func (l *Ledger) streamSeq(stream string, version uint64) (seq uint64, ok bool, err error) {
	pfx := streamPrefix(stream)
	it, err := l.db.NewIter(&pebble.IterOptions{LowerBound: pfx, UpperBound: prefixEnd(pfx)})
	if err != nil {
		return 0, false, fmt.Errorf("ledger: verify: %w", err)
	}
	defer it.Close()
	if !it.SeekGE(streamKey(stream, version)) {
		return 0, false, it.Error()
	}
	last, lastSeq, good := parseRunEntry(pfx, it.Key(), it.Value())
	var prev uint64
	if good && it.Prev() {
		prev, _, good = parseRunEntry(pfx, it.Key(), it.Value())
	}
	if !good || !validRun(prev, last, lastSeq) || version <= prev {
		return 0, false, it.Error()
	}
	return lastSeq - (last - version), true, nil
}

// findIndexFault searches the indexes entry by entry for the first event (lowest seq)
// whose index entries are wrong, missing, or claimed by an entry of another event.
func (l *Ledger) findIndexFault(ctx context.Context, head uint64) error {
	var worst *CorruptError
	found := func(seq uint64, format string, a ...any) {
		if worst == nil || seq < worst.Seq {
			worst = &CorruptError{Seq: seq, Reason: fmt.Sprintf(format, a...)}
		}
	}
	get := func(key []byte) ([]byte, bool, error) {
		v, c, err := l.db.Get(key)
		if errors.Is(err, pebble.ErrNotFound) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("ledger: verify: %w", err)
		}
		out := bytes.Clone(v)
		c.Close()
		return out, true, nil
	}
	event := func(seq uint64) (*Event, error) {
		v, ok, err := get(eventKey(seq))
		if err != nil || !ok {
			return nil, err
		}
		e := new(Event)
		if decodeEvent(v, e, false) != nil {
			return nil, nil
		}
		return e, nil
	}
	// Events → index entries.
	for seq := uint64(1); seq <= head && worst == nil; seq++ {
		if seq%scanChunk == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		e, err := event(seq)
		if err != nil {
			return err
		}
		if e == nil {
			continue // Verify's first pass checked every event
		}
		v, ok, err := get(idKey(e.ID))
		if err != nil {
			return err
		}
		switch {
		case !ok:
			found(seq, "ID index has no entry for event ID %v", e.ID)
		case len(v) != idValueLen || binary.BigEndian.Uint64(v) != seq:
			found(seq, "ID index entry for event ID %v is %x", e.ID, v)
		}
		at, ok, err := l.streamSeq(e.Stream, e.Version)
		if err != nil {
			return err
		}
		switch {
		case !ok:
			found(seq, "stream index has no entry for %q version %d", e.Stream, e.Version)
		case at != seq:
			found(seq, "stream index puts %q version %d at seq %d", e.Stream, e.Version, at)
		}
	}
	// Index entries → events: entries that point at an event not theirs.
	err := l.scanPrefix(ctx, prefixID, func(k, v []byte) error {
		id, seq, ok := parseIDEntry(k, v)
		if !ok {
			found(head, "malformed ID index entry %x", k)
			return nil
		}
		if seq > head || (worst != nil && seq >= worst.Seq) {
			return nil
		}
		e, err := event(seq)
		if err != nil {
			return err
		}
		if e == nil || e.ID != id {
			found(seq, "ID index entry for ID %v points at this event", id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = l.scanStreamRuns(ctx, head, func(stream []byte, version, seq uint64) error {
		if worst != nil && seq >= worst.Seq {
			return nil
		}
		e, err := event(seq)
		if err != nil {
			return err
		}
		if e == nil || e.Stream != string(stream) || e.Version != version {
			found(seq, "stream index entry for %q version %d points at this event", stream, version)
		}
		return nil
	}, func(k []byte) { found(head, "malformed stream index entry %x", k) })
	if err != nil {
		return err
	}
	if worst == nil {
		return &CorruptError{Seq: head, Reason: "the ID or stream index differs from the events"}
	}
	return worst
}
