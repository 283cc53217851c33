package ledger

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// Snapshot is a consistent, read-only view of the ledger bounded to one head: it sees
// exactly the events with Seq <= Head(). Because the log is append-only and every index
// entry names the seq it belongs to, bounding reads by seq is a consistent snapshot
// without holding a Pebble snapshot (which would also pin deleted secrets; see
// DeleteSecret). A Snapshot is valid until Close or until the ledger is closed.
type Snapshot struct {
	l    *Ledger
	seq  uint64
	at   time.Time
	done atomic.Bool
}

// Snapshot returns a view bounded to the current head.
func (l *Ledger) Snapshot() *Snapshot {
	seq, at := l.Head()
	return &Snapshot{l: l, seq: seq, at: at}
}

// AsOf returns a view bounded to min(seq, head): the state of the log when seq was the
// last event. Use SeqAsOf to turn a wall-clock time into a seq.
func (l *Ledger) AsOf(seq uint64) *Snapshot {
	s := l.Snapshot()
	if seq < s.seq {
		s.seq = seq
		s.at = time.Time{}
		if e, err := s.Get(seq); err == nil {
			s.at = e.RecordedAt
		}
	}
	return s
}

// Close releases the snapshot; later reads return ErrClosed.
func (s *Snapshot) Close() error { s.done.Store(true); return nil }

// Head returns the snapshot's last seq and its RecordedAt.
func (s *Snapshot) Head() (uint64, time.Time) { return s.seq, s.at }

func (s *Snapshot) enter() error {
	if s.done.Load() {
		return ErrClosed
	}
	return s.l.enter()
}

// Get returns the event at seq (ErrNotFound if seq is 0 or after the head).
func (l *Ledger) Get(seq uint64) (Event, error) { return l.Snapshot().Get(seq) }

// Get returns the event at seq (ErrNotFound if seq is 0 or after the snapshot's head).
func (s *Snapshot) Get(seq uint64) (Event, error) {
	if err := s.enter(); err != nil {
		return Event{}, err
	}
	defer s.l.leave()
	if seq == 0 || seq > s.seq {
		return Event{}, fmt.Errorf("seq %d: %w", seq, ErrNotFound)
	}
	return s.l.readStoredEvent(seq)
}

// Lookup returns the event with the given ID (ErrNotFound).
func (l *Ledger) Lookup(id ID) (Event, error) { return l.Snapshot().Lookup(id) }

// Lookup returns the event with the given ID if it is in the snapshot (ErrNotFound).
func (s *Snapshot) Lookup(id ID) (Event, error) {
	if err := s.enter(); err != nil {
		return Event{}, err
	}
	defer s.l.leave()
	v, closer, err := s.l.db.Get(idKey(id))
	if errors.Is(err, pebble.ErrNotFound) {
		return Event{}, fmt.Errorf("id %v: %w", id, ErrNotFound)
	}
	if err != nil {
		return Event{}, fmt.Errorf("ledger: lookup %v: %w", id, err)
	}
	if len(v) != idValueLen {
		closer.Close()
		return Event{}, &CorruptError{Reason: fmt.Sprintf("ID index entry for %v has %d bytes", id, len(v))}
	}
	seq := binary.BigEndian.Uint64(v)
	closer.Close()
	if seq > s.seq {
		return Event{}, fmt.Errorf("id %v: %w", id, ErrNotFound)
	}
	e, err := s.l.readStoredEvent(seq)
	if err != nil {
		return Event{}, err
	}
	if e.ID != id {
		return Event{}, &CorruptError{Seq: seq, Reason: fmt.Sprintf("ID index for %v points to event %v", id, e.ID)}
	}
	return e, nil
}

// StreamVersion returns the stream's current version (0 if it has no events).
func (l *Ledger) StreamVersion(stream string) (uint64, error) {
	return l.Snapshot().StreamVersion(stream)
}

// StreamVersion returns the stream's version in the snapshot (0 if it has no events).
func (s *Snapshot) StreamVersion(stream string) (uint64, error) {
	if err := s.enter(); err != nil {
		return 0, err
	}
	defer s.l.leave()
	return s.l.storedStreamVersion(stream, s.seq)
}

// storedStreamVersion returns the highest version of stream whose seq <= bound.
func (l *Ledger) storedStreamVersion(stream string, bound uint64) (uint64, error) {
	pfx := streamPrefix(stream)
	it, err := l.db.NewIter(&pebble.IterOptions{LowerBound: pfx, UpperBound: prefixEnd(pfx)})
	if err != nil {
		return 0, err
	}
	defer it.Close()
	for ok := it.Last(); ok; {
		version, seq, good := parseRunEntry(pfx, it.Key(), it.Value())
		if !good {
			return 0, &CorruptError{Reason: fmt.Sprintf("stream index key %q", it.Key())}
		}
		if seq <= bound {
			return version, nil
		}
		// The run of this key may start at or before bound: it holds versions
		// prev+1 … version at seqs seq-(version-v).
		var prev uint64
		if ok = it.Prev(); ok {
			if prev, _, good = parseRunEntry(pfx, it.Key(), it.Value()); !good {
				return 0, &CorruptError{Reason: fmt.Sprintf("stream index key %q", it.Key())}
			}
		}
		if !validRun(prev, version, seq) {
			return 0, &CorruptError{Reason: fmt.Sprintf("stream index run %q %d..%d ending at seq %d", stream, prev+1, version, seq)}
		}
		if d := seq - bound; d < version-prev {
			return version - d, nil
		}
	}
	return 0, it.Error()
}

// parseRunEntry parses a stream index entry of the stream with key prefix pfx: the
// last version of its run and that version's seq.
func parseRunEntry(pfx, k, v []byte) (version, seq uint64, ok bool) {
	if len(k) != len(pfx)+8 || len(v) != 8 {
		return 0, 0, false
	}
	return binary.BigEndian.Uint64(k[len(pfx):]), binary.BigEndian.Uint64(v), true
}

// validRun reports whether a stream index entry (version, seq) after one for version
// prev (0: none) is a possible run: at least one version, all at seqs >= 1.
func validRun(prev, version, seq uint64) bool {
	return version > prev && seq >= version-prev
}

// Scan calls fn for every event with from <= Seq <= to (to == 0: the head), in order.
// fn's *Event and its Data are valid only during the call. Returning ErrStop from fn
// ends the scan with a nil error; any other error is returned.
func (l *Ledger) Scan(ctx context.Context, from, to uint64, fn func(*Event) error) error {
	return l.Snapshot().Scan(ctx, from, to, fn)
}

// Scan is Ledger.Scan bounded to the snapshot.
func (s *Snapshot) Scan(ctx context.Context, from, to uint64, fn func(*Event) error) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.l.leave()
	if to == 0 || to > s.seq {
		to = s.seq
	}
	if from == 0 {
		from = 1
	}
	if from > to {
		return nil
	}
	return stopped(s.l.scanSeq(ctx, from, to, fn))
}

func stopped(err error) error {
	if errors.Is(err, ErrStop) {
		return nil
	}
	return err
}

// scanSeq iterates event keys [from, to] decoding into one reused Event.
func (l *Ledger) scanSeq(ctx context.Context, from, to uint64, fn func(*Event) error) error {
	it, err := l.db.NewIter(&pebble.IterOptions{LowerBound: eventKey(from), UpperBound: eventKey(to + 1)})
	if err != nil {
		return err
	}
	defer it.Close()
	var e Event
	want := from
	for ok := it.First(); ok; ok = it.Next() {
		if want&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := decodeEvent(it.Value(), &e, true); err != nil {
			return &CorruptError{Seq: want, Reason: err.Error()}
		}
		if e.Seq != want {
			return &CorruptError{Seq: want, Reason: fmt.Sprintf("found seq %d", e.Seq)}
		}
		if err := fn(&e); err != nil {
			return err
		}
		want++
	}
	if err := it.Error(); err != nil {
		return err
	}
	if want != to+1 {
		return &CorruptError{Seq: want, Reason: "event missing"}
	}
	return nil
}

// ScanStream calls fn for the stream's events with Version >= fromVersion, in order.
func (l *Ledger) ScanStream(ctx context.Context, stream string, fromVersion uint64, fn func(*Event) error) error {
	return l.Snapshot().ScanStream(ctx, stream, fromVersion, fn)
}

// ScanStream is Ledger.ScanStream bounded to the snapshot.
func (s *Snapshot) ScanStream(ctx context.Context, stream string, fromVersion uint64, fn func(*Event) error) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.l.leave()
	pfx := streamPrefix(stream)
	if fromVersion == 0 {
		fromVersion = 1
	}
	si, err := s.l.db.NewIter(&pebble.IterOptions{LowerBound: streamKey(stream, fromVersion), UpperBound: prefixEnd(pfx)})
	if err != nil {
		return err
	}
	defer si.Close()
	ei, err := s.l.db.NewIter(&pebble.IterOptions{LowerBound: []byte{prefixEvent}, UpperBound: []byte{prefixEvent + 1}})
	if err != nil {
		return err
	}
	defer ei.Close()
	var e Event
	var key []byte
	n := 0
	// The first key at or after fromVersion is the run holding it (keys.go); versions
	// before fromVersion in that run are skipped.
	prev := fromVersion - 1
	for ok := si.First(); ok; ok = si.Next() {
		last, lastSeq, good := parseRunEntry(pfx, si.Key(), si.Value())
		if !good || !validRun(prev, last, lastSeq) {
			return &CorruptError{Reason: fmt.Sprintf("stream index key %q", si.Key())}
		}
		for v := prev + 1; v <= last; v++ {
			if n++; n&1023 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			seq := lastSeq - (last - v)
			if seq > s.seq {
				return nil
			}
			// A run's events are consecutive keys: step to the next one.
			key = appendEventKey(key[:0], seq)
			found := false
			if v > prev+1 {
				found = ei.Next() && bytes.Equal(ei.Key(), key)
			} else {
				found = ei.SeekGE(key) && bytes.Equal(ei.Key(), key)
			}
			if !found {
				if err := ei.Error(); err != nil {
					return err
				}
				return &CorruptError{Seq: seq, Reason: fmt.Sprintf("stream %q version %d: event missing", stream, v)}
			}
			if err := decodeEvent(ei.Value(), &e, true); err != nil {
				return &CorruptError{Seq: seq, Reason: err.Error()}
			}
			if e.Seq != seq || e.Stream != stream || e.Version != v {
				return &CorruptError{Seq: seq, Reason: fmt.Sprintf("stream index %q/%d disagrees with the event", stream, v)}
			}
			if err := fn(&e); err != nil {
				return stopped(err)
			}
		}
		prev = last
	}
	return si.Error()
}

// SeqAsOf returns the last seq with RecordedAt <= t (0 if none).
func (l *Ledger) SeqAsOf(t time.Time) (uint64, error) { return l.Snapshot().SeqAsOf(t) }

// SeqAsOf returns the last seq in the snapshot with RecordedAt <= t (0 if none).
func (s *Snapshot) SeqAsOf(t time.Time) (uint64, error) {
	if err := s.enter(); err != nil {
		return 0, err
	}
	defer s.l.leave()
	return s.l.seqAsOf(t, s.seq)
}

// seqAsOf finds the last commit group recorded at or before t and bounds it.
func (l *Ledger) seqAsOf(t time.Time, bound uint64) (uint64, error) {
	if t.Before(minNanosTime) {
		return 0, nil
	}
	if t.After(maxNanosTime) {
		return bound, nil
	}
	upper := []byte{prefixTime + 1}
	if n := t.UnixNano(); n < math.MaxInt64 {
		upper = timeKey(n+1, 0)
	}
	it, err := l.db.NewIter(&pebble.IterOptions{LowerBound: []byte{prefixTime}, UpperBound: upper})
	if err != nil {
		return 0, err
	}
	defer it.Close()
	if !it.Last() {
		return 0, it.Error()
	}
	k := it.Key()
	if len(k) != 17 {
		return 0, &CorruptError{Reason: fmt.Sprintf("time index key %x", k)}
	}
	return min(binary.BigEndian.Uint64(k[9:]), bound), nil
}

// ScanRecorded calls fn for every event with from <= RecordedAt <= to, in seq order
// (to zero: no upper limit). Since RecordedAt never decreases with Seq, this is one
// seq range.
func (l *Ledger) ScanRecorded(ctx context.Context, from, to time.Time, fn func(*Event) error) error {
	return l.Snapshot().ScanRecorded(ctx, from, to, fn)
}

// ScanRecorded is Ledger.ScanRecorded bounded to the snapshot.
func (s *Snapshot) ScanRecorded(ctx context.Context, from, to time.Time, fn func(*Event) error) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.l.leave()
	last := s.seq
	if !to.IsZero() {
		var err error
		if last, err = s.l.seqAsOf(to, s.seq); err != nil {
			return err
		}
	}
	first := uint64(1)
	if !from.IsZero() {
		before, err := s.l.seqAsOf(from.Add(-1), s.seq)
		if err != nil {
			return err
		}
		first = before + 1
	}
	if first > last {
		return nil
	}
	return stopped(s.l.scanSeq(ctx, first, last, fn))
}
