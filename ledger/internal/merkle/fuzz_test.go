package merkle_test

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/punchledger/punchledger/ledger/internal/merkle"
)

// FuzzSpans stores arbitrary spans (a key, which may be any bytes under the prefix,
// and a value of any length) and opens the tree and reads stored hashes over them:
// damaged spans must come back as ErrCorrupt or ErrRange, never a panic or a hash read
// from outside a span.
//
// Input: a tree size (uint16), then records of key length (1 byte), key, value length
// (2 bytes), value.
func FuzzSpans(f *testing.F) {
	// A well-formed tree of 5 records in groups of 2 and 3.
	good := func() []byte {
		var f merkle.Frontier
		out := binary.BigEndian.AppendUint16(nil, 5)
		for _, g := range [][2]int64{{0, 2}, {2, 5}} {
			var v []byte
			for i := g[0]; i < g[1]; i++ {
				hs, _ := f.Append(leaf(int(i)))
				v = merkle.AppendRecord(v, hs)
			}
			k := binary.BigEndian.AppendUint64(nil, uint64(g[0]))
			out = append(out, byte(len(k)))
			out = append(out, k...)
			out = binary.BigEndian.AppendUint16(out, uint16(len(v)))
			out = append(out, v...)
		}
		return out
	}()
	f.Add(good)
	f.Add(good[:len(good)-1])
	f.Add([]byte{0, 3, 8, 0, 0, 0, 0, 0, 0, 0, 1, 0, 32})
	f.Add([]byte{0, 0})
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) < 2 {
			return
		}
		size := int64(binary.BigEndian.Uint16(in))
		in = in[2:]
		db := openDB(t)
		for len(in) > 0 {
			kl := int(in[0])
			in = in[1:]
			if kl > len(in) {
				return
			}
			key := append(append([]byte(nil), prefix...), in[:kl]...)
			in = in[kl:]
			if len(in) < 2 {
				return
			}
			vl := int(binary.BigEndian.Uint16(in))
			in = in[2:]
			if vl > len(in) {
				return
			}
			if err := db.Set(key, in[:vl], pebble.NoSync); err != nil {
				t.Fatal(err)
			}
			in = in[vl:]
		}
		ok := func(err error) {
			if err != nil && !errors.Is(err, merkle.ErrCorrupt) && !errors.Is(err, merkle.ErrRange) {
				t.Fatalf("error %v is neither ErrCorrupt nor ErrRange", err)
			}
		}
		tr, err := merkle.Load(db, prefix, size)
		ok(err)
		if err == nil && size > 0 {
			// Every hash an inclusion proof of the last record reads.
			_, err := merkle.ProveInclusion(merkle.StoreReader(db, prefix), size, size-1)
			ok(err)
			_ = tr.Head()
		}
		idx := make([]int64, 0, 8)
		for i := int64(0); i < 8 && i < tlog.StoredHashCount(size+1); i++ {
			idx = append(idx, i)
		}
		_, err = merkle.StoreReader(db, prefix).ReadHashes(idx)
		ok(err)
	})
}
