package ledger

import (
	"hash/maphash"
	"math/bits"

	"github.com/cockroachdb/pebble/v2"
)

// idFilter is an in-memory Bloom filter over every event ID in the ledger, owned by the
// committer. Most appends bring new IDs; the filter answers "certainly new" for them
// without a Pebble lookup (a point lookup in a large memtable costs microseconds of
// cache misses). "Maybe present" falls back to the ID index, so the filter never
// changes an answer, only its cost. It grows as a list of segments of doubling capacity
// (a scalable Bloom filter): about 16 bits per ID, a false-positive rate well under
// 0.1%, and log2(n/65536) segments to probe. Open builds it by scanning the ID index.
type idFilter struct {
	seed maphash.Seed
	segs []bloomSegment
}

type bloomSegment struct {
	bits     []uint64
	mask     uint64 // len(bits)*64 - 1
	n, limit int
}

const (
	bloomFirstSegment = 1 << 16 // IDs in the first segment
	bloomBitsPerID    = 16      // (rounded to a power of two)
	bloomProbes       = 7
)

func newIDFilter() *idFilter { return &idFilter{seed: maphash.MakeSeed()} }

func (f *idFilter) hash(id ID) (uint64, uint64) {
	h := maphash.Bytes(f.seed, id[:])
	return h, bits.RotateLeft64(h, 32) | 1
}

func (f *idFilter) add(id ID) {
	if len(f.segs) == 0 || f.segs[len(f.segs)-1].n >= f.segs[len(f.segs)-1].limit {
		limit := bloomFirstSegment << len(f.segs)
		f.segs = append(f.segs, bloomSegment{
			bits:  make([]uint64, limit*bloomBitsPerID/64),
			mask:  uint64(limit*bloomBitsPerID) - 1,
			limit: limit,
		})
	}
	s := &f.segs[len(f.segs)-1]
	h1, h2 := f.hash(id)
	for i := uint64(0); i < bloomProbes; i++ {
		b := (h1 + i*h2) & s.mask
		s.bits[b>>6] |= 1 << (b & 63)
	}
	s.n++
}

// mayContain reports false only if id was never added.
func (f *idFilter) mayContain(id ID) bool {
	h1, h2 := f.hash(id)
	for si := range f.segs {
		s := &f.segs[si]
		in := true
		for i := uint64(0); i < bloomProbes; i++ {
			b := (h1 + i*h2) & s.mask
			if s.bits[b>>6]&(1<<(b&63)) == 0 {
				in = false
				break
			}
		}
		if in {
			return true
		}
	}
	return false
}

// loadIDFilter scans the ID index into a new filter.
func loadIDFilter(db *pebble.DB) (*idFilter, error) {
	f := newIDFilter()
	it, err := db.NewIter(&pebble.IterOptions{LowerBound: []byte{prefixID}, UpperBound: []byte{prefixID + 1}})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var id ID
	for ok := it.First(); ok; ok = it.Next() {
		if k := it.Key(); len(k) == 1+len(id) {
			copy(id[:], k[1:])
			f.add(id)
		}
	}
	return f, it.Error()
}
