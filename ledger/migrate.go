package ledger

import (
	"encoding/binary"
	"fmt"

	"github.com/cockroachdb/pebble/v2"

	"github.com/punchledger/punchledger/ledger/internal/merkle"
)

// migrateFormat2 turns a format-2 directory into format 3: format 2 kept the tree's
// stored hashes one key per leaf under 't'; format 3 keeps them as spans under 'h'
// (keys.go). The spans are written in batches of their own, then one synced batch
// deletes the 't' range and records format 3. Until that batch commits the directory
// is still format 2, and an interrupted migration starts again from the first leaf,
// writing the very same spans (their bounds depend only on the leaf numbers).
//
// Format 2 records carry no group boundaries, so migrated spans are cut every
// merkle.MaxSpanRecords leaves.
func (l *Ledger) migrateFormat2() error {
	db := l.db
	it, err := db.NewIter(&pebble.IterOptions{LowerBound: []byte{prefixTree2}, UpperBound: []byte{prefixTree2 + 1}})
	if err != nil {
		return err
	}
	defer it.Close()
	b := db.NewBatch()
	defer func() { b.Close() }()
	var (
		span       []byte
		first, n   int64
		leaves     int
		spansTotal int
	)
	put := func() error {
		if leaves == 0 {
			return nil
		}
		if err := b.Set(merkle.Key(treePrefix, first), span, nil); err != nil {
			return err
		}
		spansTotal++
		span, leaves = span[:0], 0
		if b.Len() < 4<<20 {
			return nil
		}
		if err := b.Commit(pebble.NoSync); err != nil {
			return err
		}
		b.Close()
		b = db.NewBatch()
		return nil
	}
	for it.First(); it.Valid(); it.Next() {
		k := it.Key()
		if len(k) != 9 || int64(binary.BigEndian.Uint64(k[1:])) != n {
			return &CorruptError{Seq: uint64(n) + 1, Reason: fmt.Sprintf("format 2 tree record missing (next key %x)", k)}
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return err
		}
		if len(v) != merkle.RecordLen(n) {
			return &CorruptError{Seq: uint64(n) + 1, Reason: fmt.Sprintf("format 2 tree record has %d bytes, want %d", len(v), merkle.RecordLen(n))}
		}
		if leaves == 0 {
			first = n
		}
		span = append(span, v...)
		leaves++
		n++
		if leaves == merkle.MaxSpanRecords {
			if err := put(); err != nil {
				return err
			}
		}
	}
	if err := it.Error(); err != nil {
		return err
	}
	if err := put(); err != nil {
		return err
	}
	if err := b.DeleteRange([]byte{prefixTree2}, []byte{prefixTree2 + 1}, nil); err != nil {
		return err
	}
	if err := b.Set(metaFormat, binary.BigEndian.AppendUint32(nil, formatVersion), nil); err != nil {
		return err
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return err
	}
	l.opts.Logger.Info("ledger: migrated format 2 to 3", "leaves", n, "spans", spansTotal)
	return nil
}
