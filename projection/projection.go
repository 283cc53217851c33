package projection

import (
	"errors"
	"fmt"
	"time"

	"github.com/punchledger/punchledger/ledger"
)

// Errors returned by the package.
var (
	// ErrNotFound is returned by Reader.Get for a key that holds no value.
	ErrNotFound = errors.New("projection: not found")
	// ErrStop, returned from a Scan callback, stops the scan quietly.
	ErrStop = errors.New("projection: stop")
	// ErrInvalid reports bad input: an invalid projection name, a duplicate name in one run.
	ErrInvalid = errors.New("projection: invalid")
	// ErrClosed is returned after Store.Close.
	ErrClosed = errors.New("projection: closed")
	// ErrNotBuilt is returned when a projection has no state in the asked space.
	ErrNotBuilt = errors.New("projection: not built")
)

// Projection folds ledger events into state kept in the projection store.
//
// Apply is called once for every event of the log, in Seq order, with a Writer scoped to
// the projection's own key space. Everything Apply writes is committed in the same Pebble
// batch as the projection's checkpoint, so after a crash an event is neither applied twice
// nor skipped. Apply must be deterministic: its writes may depend only on the event and on
// what the Writer reads back (never on a clock, randomness or map order), so that a
// projection built in one pass, incrementally or after a crash holds byte-identical state.
// An event type the projection does not know is skipped by returning nil.
//
// A projection value is owned by one runner at a time. If Apply or Flush fails, the batch
// is dropped and the value must not be used again.
type Projection interface {
	// Name is stable across versions and unique in a store: 1–64 characters of
	// [a-z0-9._-], starting with a letter or digit.
	Name() string
	// Version is the code version. When it differs from the version the state was built
	// with, the runner drops the state and replays the log from the start.
	Version() uint32
	// Apply applies one event. The event and its Data are valid only during the call.
	Apply(ev *ledger.Event, w Writer) error
}

// Flusher is implemented by projections that defer work to the end of a batch (for
// example re-evaluating each touched employee-day once rather than after every punch).
// Flush is called before each commit, after the last Apply of the batch; what it writes is
// committed with that batch. The result must not depend on where batches end.
type Flusher interface {
	Flush(w Writer) error
}

// Reader reads a projection's state. Keys are relative to the projection's key space.
type Reader interface {
	// Get returns a copy of the value stored at key, or ErrNotFound.
	Get(key []byte) ([]byte, error)
	// Scan calls fn for every key in [lower, upper) in ascending byte order; a nil upper
	// means the end of the projection's space. key and value are valid only during the
	// call. Returning ErrStop from fn ends the scan with a nil error; any other error is
	// returned.
	Scan(lower, upper []byte, fn func(key, value []byte) error) error
}

// Writer stages changes to a projection's state in the batch being built. Reads see the
// batch's own writes.
type Writer interface {
	Reader
	Set(key, value []byte) error
	Delete(key []byte) error
	// DeleteRange deletes every key in [lower, upper); a nil upper means the end of the
	// projection's space.
	DeleteRange(lower, upper []byte) error
}

// Checkpoint is the position a projection's committed state reflects.
type Checkpoint struct {
	Version    uint32    // code version the state was built with
	Seq        uint64    // last applied event; 0 before the first
	RecordedAt time.Time // that event's RecordedAt (zero before the first)
	// Pending is set on the intermediate commits of a catch-up after which the
	// projection left work for later: the built-in one evaluates a day whose window is
	// still open only once it closes or the catch-up ends, so until then such days
	// show no row, or the one of an earlier run. Store.Wait does not return on a
	// pending checkpoint; the last commit of every run is not pending.
	Pending bool
}

// ApplyError reports a failure of a projection's Apply or Flush.
type ApplyError struct {
	Name string
	Seq  uint64 // event being applied; 0 for Flush
	Err  error
}

func (e *ApplyError) Error() string {
	if e.Seq == 0 {
		return fmt.Sprintf("projection: %s: flush: %v", e.Name, e.Err)
	}
	return fmt.Sprintf("projection: %s: apply seq %d: %v", e.Name, e.Seq, e.Err)
}

func (e *ApplyError) Unwrap() error { return e.Err }

// PrefixEnd returns the smallest key greater than every key with the given prefix, or nil
// when there is none (all 0xff). Use it as the upper bound of a prefix Scan.
func PrefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] != 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

func validName(name string) error {
	if len(name) == 0 || len(name) > 64 {
		return fmt.Errorf("%w: projection name %q: length must be 1..64", ErrInvalid, name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || (i > 0 && (c == '.' || c == '_' || c == '-'))
		if !ok {
			return fmt.Errorf("%w: projection name %q: character %q at %d not allowed", ErrInvalid, name, c, i)
		}
	}
	return nil
}
