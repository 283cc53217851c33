package ledger

import (
	"errors"
	"fmt"
)

// Sentinel errors. Typed errors below match them with errors.Is.
var (
	ErrClosed           = errors.New("ledger: closed")
	ErrConflict         = errors.New("ledger: version conflict")
	ErrDuplicateID      = errors.New("ledger: event ID exists with different content")
	ErrPartialDuplicate = errors.New("ledger: some but not all event IDs exist")
	ErrNotFound         = errors.New("ledger: not found")
	ErrCorrupt          = errors.New("ledger: corrupt")
	ErrInvalid          = errors.New("ledger: invalid")
	// ErrFailed reports that the storage engine failed fatally (a write-ahead log write
	// failed): the ledger accepts no more writes. Close it and reopen the directory;
	// recovery keeps every acknowledged event.
	ErrFailed = errors.New("ledger: storage failed")
	// ErrStop, returned by a scan callback, stops the scan without an error.
	ErrStop = errors.New("ledger: stop")
)

// ConflictError reports an append whose expected version did not match the stream.
type ConflictError struct {
	Stream   string
	Expected Expected
	Actual   uint64 // the stream's version when the append was checked (0: no stream)
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("ledger: version conflict on stream %q: expected %v, stream is at %d", e.Stream, e.Expected, e.Actual)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// DuplicateIDError reports an event ID that exists with different content.
type DuplicateIDError struct {
	ID  ID
	Seq uint64 // position of the existing event (it may be committed in the same group)
}

func (e *DuplicateIDError) Error() string {
	return fmt.Sprintf("ledger: event ID %v exists at seq %d with different content", e.ID, e.Seq)
}

// Is makes errors.Is(err, ErrDuplicateID) true.
func (e *DuplicateIDError) Is(target error) bool { return target == ErrDuplicateID }

// CorruptError reports stored data that fails a check, at the first bad position.
type CorruptError struct {
	Seq    uint64
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("ledger: corrupt at seq %d: %s", e.Seq, e.Reason)
}

// Is makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }
