package ledger

import (
	"encoding/binary"
	"fmt"

	"github.com/cockroachdb/pebble/v2"

	"github.com/punchledger/punchledger/ledger/internal/merkle"
)

// treeHook is what the committer needs from the Merkle tree: tree.go's *treeState.
type treeHook interface {
	begin() *merkle.Stager
	finish(b *pebble.Batch, st *merkle.Stager) (TreeHead, error)
	committed(TreeHead)
	abort()
}

// leafHasher computes a leaf hash from stored event bytes.
var leafHasher = leafHash

// openTree loads the tree over the recovered head. The last groups' spans may be
// missing (they are written unsynced after their events: see stageTree); they are
// derived again from the events and written before the tree is loaded.
func (c *committer) openTree(l *Ledger) error {
	if err := c.rebuildTreeTail(l); err != nil {
		return err
	}
	t, err := newTreeState(l.db, c.seq)
	if err != nil {
		return err
	}
	c.tree = t
	return nil
}

// rebuildTreeTail writes the spans of the events after the last stored span.
func (c *committer) rebuildTreeTail(l *Ledger) error {
	size, err := merkle.StoredSize(l.db, treePrefix)
	if err != nil {
		return &CorruptError{Seq: c.seq, Reason: "tree: " + err.Error()}
	}
	switch {
	case uint64(size) == c.seq:
		return nil
	case uint64(size) > c.seq:
		return &CorruptError{Seq: c.seq, Reason: fmt.Sprintf("tree spans cover %d events, the log has %d", size, c.seq)}
	}
	t, err := merkle.Load(l.db, treePrefix, size)
	if err != nil {
		return &CorruptError{Seq: uint64(size), Reason: "tree: " + err.Error()}
	}
	st := t.NewStager()
	it, err := l.db.NewIter(&pebble.IterOptions{LowerBound: eventKey(uint64(size) + 1), UpperBound: eventKey(c.seq + 1)})
	if err != nil {
		return err
	}
	defer it.Close()
	leaves := make([]merkle.Hash, 0, 1024)
	want := uint64(size) + 1
	for ok := it.First(); ok; ok = it.Next() {
		if k := it.Key(); len(k) != 9 || binary.BigEndian.Uint64(k[1:]) != want {
			return &CorruptError{Seq: want, Reason: "event missing while deriving tree hashes"}
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return err
		}
		leaves = append(leaves, merkle.Hash(leafHasher(v)))
		if len(leaves) == cap(leaves) {
			if err := st.Append(leaves); err != nil {
				return err
			}
			leaves = leaves[:0]
		}
		want++
	}
	if err := it.Error(); err != nil {
		return err
	}
	if want != c.seq+1 {
		return &CorruptError{Seq: want, Reason: "event missing while deriving tree hashes"}
	}
	if err := st.Append(leaves); err != nil {
		return err
	}
	b := l.db.NewBatch()
	defer b.Close()
	if _, err := st.Finish(b); err != nil {
		return err
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return err
	}
	l.opts.Logger.Info("ledger: derived the tree hashes of the last events again", "from", size+1, "to", c.seq)
	return nil
}
