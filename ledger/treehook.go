package ledger

import (
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

// openTree loads the tree over the recovered head.
func (c *committer) openTree(l *Ledger) error {
	t, err := newTreeState(l.db, c.seq)
	if err != nil {
		return err
	}
	c.tree = t
	return nil
}
