package merkle

import (
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// ProveInclusion returns the audit path showing that record index is in the tree of
// the given size, reading stored hashes from r.
func ProveInclusion(r tlog.HashReader, size, index int64) ([]Hash, error) {
	if size < 1 || index < 0 || index >= size {
		return nil, fmt.Errorf("%w: inclusion of record %d in a tree of size %d", ErrRange, index, size)
	}
	p, err := tlog.ProveRecord(size, index, r)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// CheckInclusion checks that proof shows record index with the given leaf hash is in
// the tree head. A proof that does not verify is ErrInvalidProof.
func CheckInclusion(proof []Hash, head Head, index int64, leaf Hash) error {
	if head.Size < 1 || index < 0 || index >= head.Size {
		return fmt.Errorf("%w: inclusion of record %d in a tree of size %d", ErrInvalidProof, index, head.Size)
	}
	if len(proof) > 64 {
		return fmt.Errorf("%w: %d hashes in an inclusion path", ErrInvalidProof, len(proof))
	}
	if err := tlog.CheckRecord(proof, head.Size, head.Root, index, leaf); err != nil {
		return fmt.Errorf("%w: record %d in tree of size %d", ErrInvalidProof, index, head.Size)
	}
	return nil
}

// ProveConsistency returns the proof that the tree of size oldSize is a prefix of
// the tree of size newSize, reading stored hashes from r. Equal sizes give an empty
// proof.
func ProveConsistency(r tlog.HashReader, oldSize, newSize int64) ([]Hash, error) {
	if oldSize < 0 || newSize < oldSize {
		return nil, fmt.Errorf("%w: consistency from size %d to %d", ErrRange, oldSize, newSize)
	}
	if oldSize == 0 || oldSize == newSize {
		// Every tree extends the empty tree; a tree extends itself.
		return []Hash{}, nil
	}
	p, err := tlog.ProveTree(newSize, oldSize, r)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// CheckConsistency checks that proof shows the tree old is a prefix of the tree new.
// A proof that does not verify is ErrInvalidProof.
func CheckConsistency(proof []Hash, old, new Head) error {
	if old.Size < 0 || new.Size < old.Size {
		return fmt.Errorf("%w: consistency from size %d to %d", ErrInvalidProof, old.Size, new.Size)
	}
	if len(proof) > 128 {
		return fmt.Errorf("%w: %d hashes in a consistency proof", ErrInvalidProof, len(proof))
	}
	switch {
	case old.Size == 0:
		if old.Root != EmptyRoot() || len(proof) != 0 {
			return fmt.Errorf("%w: empty old tree", ErrInvalidProof)
		}
		return nil
	case old.Size == new.Size:
		if old.Root != new.Root || len(proof) != 0 {
			return fmt.Errorf("%w: trees of equal size %d differ", ErrInvalidProof, old.Size)
		}
		return nil
	}
	if err := tlog.CheckTree(proof, new.Size, new.Root, old.Size, old.Root); err != nil {
		return fmt.Errorf("%w: size %d to %d", ErrInvalidProof, old.Size, new.Size)
	}
	return nil
}
