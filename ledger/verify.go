package ledger

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"

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
// Finally the recomputed root must equal the tree head in memory. The first failure
// is returned as a *CorruptError naming its Seq (errors.Is ErrCorrupt). Verify streams:
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
		err    error
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
			return bad("%v", err)
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

		hashes, err := f.Append(merkle.LeafHash(v))
		if err != nil {
			return bad("tree: %v", err)
		}
		record = merkle.AppendRecord(record[:0], hashes)
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
		if !bytes.Equal(tv, record) {
			return bad("stored tree hashes differ from the event's")
		}
		evIt.Next()
		treeIt.Next()
	}
	if th.Size == head {
		if got := Hash(f.Root()); got != th.Root {
			return &CorruptError{Seq: head, Reason: fmt.Sprintf("tree root in memory %v, recomputed %v", th.Root, got)}
		}
	}
	return nil
}

// scanChunk is how many events Verify and Export read with one pair of iterators.
const scanChunk = 4096

// isTreeKey reports whether k is the tree key of leaf n.
func isTreeKey(k []byte, n uint64) bool {
	return len(k) == 9 && k[0] == prefixTree && binary.BigEndian.Uint64(k[1:]) == n
}
