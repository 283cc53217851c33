package ledger

import (
	"hash/maphash"

	"github.com/cockroachdb/pebble/v2"
)

// idFilter is an in-memory Bloom filter over every event ID in the ledger, owned by the
// committer. Most appends bring new IDs; the filter answers "certainly new" for them
// without a Pebble lookup (a point lookup in a large memtable costs microseconds of
// cache misses). "Maybe present" falls back to the ID index, so the filter never
// changes an answer, only its cost. It grows as a list of segments of doubling capacity
// (a scalable Bloom filter): about 16 bits per ID, a false-positive rate around 0.1%
// per full segment, and one more segment to probe with each doubling. Open sizes a first
// segment for the IDs already there and half as many again (a reopened ledger probes one
// segment until it has grown by half); the first append starts a scan of the ID index
// into it in the background, and appends meanwhile look every ID up in the index
// (committer.filterState). A ledger that is only read never scans it.
//
// It is a blocked Bloom filter: all the bits of one ID in a segment lie in one 64-byte
// block (a cache line), so adding an ID and looking up one costs one cache miss per
// segment instead of one per probe (the filter outgrows the CPU caches at a few hundred
// thousand IDs, and the misses were most of its cost). One 64-bit hash picks the
// block and the bits.
type idFilter struct {
	seed maphash.Seed
	segs []bloomSegment
}

type bloomSegment struct {
	blocks   [][bloomBlockWords]uint64
	mask     uint64 // len(blocks) - 1
	n, limit int
}

const (
	bloomFirstSegment = 1 << 16 // IDs in the first segment
	bloomBitsPerID    = 16      // (rounded to a power of two)
	bloomProbes       = 7       // bits set per ID, each chosen by 9 bits of the hash
	bloomBlockWords   = 8       // 512 bits: one cache line
)

func newIDFilter() *idFilter { return &idFilter{seed: maphash.MakeSeed()} }

// newIDFilterFor returns a filter whose first segment holds at least n IDs (rounded up
// to a power of two; at least bloomFirstSegment). Open sizes it for the IDs already in
// the ledger and half as many again: a reopened ledger then probes one segment per
// lookup, not the log2(n/65536) it would have grown by doubling (one cache miss each),
// and each segment adds to the false-positive rate.
func newIDFilterFor(n int) *idFilter {
	f := newIDFilter()
	limit := bloomFirstSegment
	for limit < n {
		limit <<= 1
	}
	f.grow(limit)
	return f
}

// grow adds an empty segment for limit more IDs.
func (f *idFilter) grow(limit int) {
	nblocks := limit * bloomBitsPerID / (64 * bloomBlockWords)
	f.segs = append(f.segs, bloomSegment{
		blocks: make([][bloomBlockWords]uint64, nblocks),
		mask:   uint64(nblocks) - 1,
		limit:  limit,
	})
}

// idSum is an ID's 64-bit hash under the filter's seed: the committer computes it once
// per ID and passes it to touchSum, mayContainSum and addSum.
type idSum uint64

// sum returns id's hash.
func (f *idFilter) sum(id ID) idSum { return idSum(maphash.Bytes(f.seed, id[:])) }

// split returns the block hash (which block) and the bit hash (which bits in it).
func (s idSum) split() (uint64, uint64) {
	h := uint64(s)
	// The block comes from h's high half; the bits from h times an odd constant, whose
	// bit k depends on h's bits 0…k: the low half is independent of the block and the
	// high half mixes both, so for a given block the bits are uniform.
	return h >> 32, h * 0x9e3779b97f4a7c15
}

// blockBits returns the bits of the block that an ID with bit hash hb sets, one per probe,
// as bloomBlockWords words.
func blockBits(hb uint64) (m [bloomBlockWords]uint64) {
	for i := 0; i < bloomProbes; i++ {
		b := hb >> (9 * i) & 511
		m[b>>6] |= 1 << (b & 63)
	}
	return m
}

func (f *idFilter) add(id ID) { f.addSum(f.sum(id)) }

func (f *idFilter) addSum(sum idSum) {
	switch {
	case len(f.segs) == 0:
		f.grow(bloomFirstSegment)
	case f.segs[len(f.segs)-1].n >= f.segs[len(f.segs)-1].limit:
		f.grow(2 * f.segs[len(f.segs)-1].limit)
	}
	s := &f.segs[len(f.segs)-1]
	h, hb := sum.split()
	m := blockBits(hb)
	blk := &s.blocks[h&s.mask]
	for w := range blk {
		blk[w] |= m[w]
	}
	s.n++
}

// touchSum reads the blocks mayContainSum would read and returns a value derived from
// them, which the caller must keep (so the loads are not dropped). Touching a request's
// IDs in one loop before looking them up lets the CPU overlap the cache misses, which
// are independent across IDs; looked up one by one, each ID waits for its own misses,
// one per segment.
func (f *idFilter) touchSum(sum idSum) uint64 {
	h, _ := sum.split()
	var x uint64
	for si := range f.segs {
		s := &f.segs[si]
		x ^= s.blocks[h&s.mask][0]
	}
	return x
}

// mayContain reports false only if id was never added.
func (f *idFilter) mayContain(id ID) bool { return f.mayContainSum(f.sum(id)) }

func (f *idFilter) mayContainSum(sum idSum) bool {
	h, hb := sum.split()
	m := blockBits(hb)
	for si := range f.segs {
		s := &f.segs[si]
		blk := &s.blocks[h&s.mask]
		in := true
		for w := range blk {
			if blk[w]&m[w] != m[w] {
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

// loadFilterHook, when set (by tests, before Open), runs before the scan starts. Open
// reads it, so that a test may reset it while ledgers it opened are still loading.
var loadFilterHook func()

// loadFilter scans the ID index into f, which no one else uses until it returns (the
// committer adopts it then). It gives up with ErrClosed when Close starts.
func (l *Ledger) loadFilter(f *idFilter, hook func()) error {
	if hook != nil {
		hook()
	}
	it, err := l.db.NewIter(&pebble.IterOptions{LowerBound: []byte{prefixID}, UpperBound: []byte{prefixID + 1}})
	if err != nil {
		return err
	}
	defer it.Close()
	var id ID
	n := 0
	for ok := it.First(); ok; ok = it.Next() {
		if n++; n%4096 == 0 {
			select {
			case <-l.closing:
				return ErrClosed
			default:
			}
		}
		if k := it.Key(); len(k) == 1+len(id) {
			copy(id[:], k[1:])
			f.add(id)
		}
	}
	return it.Error()
}
