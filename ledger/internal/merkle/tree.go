// Package merkle keeps an RFC 6962 Merkle tree over a log's records in a key-value
// store, proves and checks inclusion and consistency, and signs checkpoints.
//
// # Model
//
// The hashing and the proofs are golang.org/x/mod/sumdb/tlog's; this package only
// decides where tlog's stored hashes live and keeps enough in memory to append
// without reading the store.
//
//  1. Record n (0-based) of the log has leaf hash tlog.RecordHash(record bytes).
//  2. Appending record n stores tlog.StoredHashes for n: the leaf hash followed by the
//     hash of every perfect subtree that n completes (1 + trailing ones of n hashes,
//     just under 2 per record on average). Those of consecutive records appended
//     together (a commit group, up to MaxSpanRecords of them) are kept as one value, a
//     span, under Key(prefix, first record): prefix + 8-byte big-endian n, value = the
//     hashes of records n, n+1, … concatenated in tlog's stored-hash order. One key per
//     group rather than per record: a store pays per key written, flushed and compacted.
//     Stored hash index i of record n sits at offset i - tlog.StoredHashIndex(0, first)
//     of the span that starts at the last first ≤ n, found with one SeekLT.
//  3. A Frontier holds the roots of the perfect subtrees that make up a tree of size
//     n (one per set bit of n). These are exactly the hashes tlog needs to append the
//     next record and to compute the root, so appends and tree heads never read the
//     store; only proofs and Load do.
//  4. A Tree stages appends on a copy of its frontier (an in-memory overlay: every
//     record of a group sees the hashes of the records staged before it in the same
//     group), writes the stored hashes into the caller's batch, and adopts the staged
//     frontier only when the caller reports that the batch committed.
package merkle

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"sync"

	"github.com/cockroachdb/pebble/v2"
	"golang.org/x/mod/sumdb/tlog"
)

// Hash is a SHA-256 tree hash.
type Hash = tlog.Hash

// HashSize is the size of a Hash in bytes.
const HashSize = tlog.HashSize

// Head is a tree head: the number of records and the root hash.
type Head struct {
	Size int64
	Root Hash
}

var (
	// ErrCorrupt reports stored tree hashes that are missing or malformed.
	ErrCorrupt = errors.New("merkle: stored tree corrupt")
	// ErrInvalidProof reports a proof that does not verify.
	ErrInvalidProof = errors.New("merkle: invalid proof")
	// ErrRange reports tree sizes or indexes out of range.
	ErrRange = errors.New("merkle: out of range")
)

// LeafHash returns the RFC 6962 leaf hash of a record: SHA-256(0x00 || data).
func LeafHash(data []byte) Hash { return tlog.RecordHash(data) }

// EmptyRoot is the root of the empty tree (SHA-256 of nothing).
func EmptyRoot() Hash {
	h, _ := tlog.TreeHash(0, nil)
	return h
}

// MaxSpanRecords is the most records one span holds; a larger group is stored as
// several spans. It bounds a span's value at about 130 KiB.
const MaxSpanRecords = 1024

// Key returns the key of the span that starts with record n.
func Key(prefix []byte, n int64) []byte {
	k := make([]byte, len(prefix)+8)
	copy(k, prefix)
	binary.BigEndian.PutUint64(k[len(prefix):], uint64(n))
	return k
}

// AppendRecord appends the encoding of record hashes (as returned by Frontier.Append)
// to dst.
func AppendRecord(dst []byte, hashes []Hash) []byte {
	for i := range hashes {
		dst = append(dst, hashes[i][:]...)
	}
	return dst
}

// RecordLen is the length in bytes of record n's stored hashes.
func RecordLen(n int64) int {
	return HashSize * (1 + bits.TrailingZeros64(^uint64(n)))
}

// SpanLen is the length in bytes of the span holding records [first, end).
func SpanLen(first, end int64) int {
	return HashSize * int(tlog.StoredHashIndex(0, end)-tlog.StoredHashIndex(0, first))
}

// Frontier is the set of perfect-subtree roots of a tree of some size: all a caller
// needs to append records and compute the root. The zero value is the empty tree.
// A Frontier is a value; copying it copies the tree state.
type Frontier struct {
	size  int64
	roots [64]Hash // roots[L] is meaningful iff bit L of size is set
}

// Size returns the number of records.
func (f *Frontier) Size() int64 { return f.size }

// Root returns the tree's root hash.
func (f *Frontier) Root() Hash {
	h, err := tlog.TreeHash(f.size, f)
	if err != nil {
		// f serves every index TreeHash asks for: it is the frontier by construction.
		panic(fmt.Sprintf("merkle: frontier cannot serve its own root: %v", err))
	}
	return h
}

// Head returns the tree head.
func (f *Frontier) Head() Head { return Head{Size: f.size, Root: f.Root()} }

// Append adds a record with the given leaf hash and returns the hashes tlog stores for
// it (leaf first), valid until the next call.
func (f *Frontier) Append(leaf Hash) ([]Hash, error) {
	return f.AppendTo(nil, leaf)
}

// AppendTo is Append writing the stored hashes after dst[:0]'s storage: with a dst of
// capacity 64 (or one reused from an earlier call) it does not allocate.
//
// It computes what tlog.StoredHashesForRecordHash computes, with tlog.NodeHash on the
// frontier directly instead of through a HashReader (which allocates the index and
// result slices for every record): record n completes one perfect subtree per trailing
// one bit of n, at level L+1 for each such bit L, whose left child is the frontier root
// of level L.
func (f *Frontier) AppendTo(dst []Hash, leaf Hash) ([]Hash, error) {
	n := f.size
	if n < 0 || n == 1<<63-1 {
		return nil, fmt.Errorf("%w: tree size %d", ErrRange, n)
	}
	dst = append(dst[:0], leaf)
	h := leaf
	for l := 0; n>>uint(l)&1 == 1; l++ {
		h = tlog.NodeHash(f.roots[l], h)
		dst = append(dst, h)
	}
	f.size++
	// The new record completed a subtree of level len(dst)-1; the lower roots were
	// merged into it.
	f.roots[len(dst)-1] = h
	return dst, nil
}

// ReadHashes implements tlog.HashReader for the frontier's own hashes.
func (f *Frontier) ReadHashes(indexes []int64) ([]Hash, error) {
	out := make([]Hash, len(indexes))
	for i, idx := range indexes {
		level, k := tlog.SplitStoredHashIndex(idx)
		if level >= 64 || f.size>>uint(level)&1 == 0 || k != (f.size>>uint(level+1))<<1 {
			return nil, fmt.Errorf("merkle: hash (level %d, %d) is not on the frontier of size %d", level, k, f.size)
		}
		out[i] = f.roots[level]
	}
	return out, nil
}

// frontierIndexes lists the stored-hash indexes of the frontier of a tree of size n,
// highest level first (the order tlog.TreeHash uses).
func frontierIndexes(n int64) (levels []int, indexes []int64) {
	var start int64
	for l := 62; l >= 0; l-- {
		if n>>uint(l)&1 == 1 {
			levels = append(levels, l)
			indexes = append(indexes, tlog.StoredHashIndex(l, start>>uint(l)))
			start += 1 << uint(l)
		}
	}
	return levels, indexes
}

// LoadFrontier reads the frontier of a tree of size n from stored hashes.
func LoadFrontier(r tlog.HashReader, n int64) (Frontier, error) {
	if n < 0 {
		return Frontier{}, fmt.Errorf("%w: tree size %d", ErrRange, n)
	}
	f := Frontier{size: n}
	levels, idx := frontierIndexes(n)
	if len(idx) == 0 {
		return f, nil
	}
	hs, err := r.ReadHashes(idx)
	if err != nil {
		return Frontier{}, err
	}
	for i, l := range levels {
		f.roots[l] = hs[i]
	}
	return f, nil
}

// Reader is the part of a Pebble reader (DB, snapshot, indexed batch) the tree reads.
type Reader interface {
	NewIter(o *pebble.IterOptions) (*pebble.Iterator, error)
}

// Writer is the part of a Pebble batch the tree writes.
type Writer interface {
	Set(key, value []byte, opts *pebble.WriteOptions) error
}

// spanCursor finds spans under a prefix with one iterator.
type spanCursor struct {
	prefix []byte
	it     *pebble.Iterator
	key    []byte
}

func newSpanCursor(r Reader, prefix []byte) (*spanCursor, error) {
	// Span keys are prefix + 8 bytes: prefix + 9 × 0xff is past every one of them.
	upper := append(prefix[:len(prefix):len(prefix)], 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	it, err := r.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: upper})
	if err != nil {
		return nil, fmt.Errorf("merkle: read spans: %w", err)
	}
	return &spanCursor{prefix: prefix, it: it, key: Key(prefix, 0)}, nil
}

func (c *spanCursor) close() { c.it.Close() }

// spanOf returns the first record and the value of the span holding record n. The
// value is valid until the next call. A span whose key or length is malformed, or
// which ends before n, is ErrCorrupt.
func (c *spanCursor) spanOf(n int64) (int64, []byte, error) {
	binary.BigEndian.PutUint64(c.key[len(c.prefix):], uint64(n)+1)
	if n == 1<<63-1 || !c.it.SeekLT(c.key) {
		if err := c.it.Error(); err != nil {
			return 0, nil, fmt.Errorf("merkle: read record %d: %w", n, err)
		}
		return 0, nil, fmt.Errorf("%w: record %d has no stored hashes", ErrCorrupt, n)
	}
	k := c.it.Key()
	if len(k) != len(c.prefix)+8 {
		return 0, nil, fmt.Errorf("%w: malformed span key %x", ErrCorrupt, k)
	}
	first := int64(binary.BigEndian.Uint64(k[len(c.prefix):]))
	v, err := c.it.ValueAndErr()
	if err != nil {
		return 0, nil, fmt.Errorf("merkle: read span %d: %w", first, err)
	}
	if first < 0 || len(v)%HashSize != 0 || len(v) < SpanLen(first, n+1) {
		return 0, nil, fmt.Errorf("%w: record %d has no stored hashes (span %d holds %d bytes)", ErrCorrupt, n, first, len(v))
	}
	return first, v, nil
}

// StoreReader returns a tlog.HashReader over the spans stored under prefix in r.
// Missing or malformed spans are reported as ErrCorrupt.
func StoreReader(r Reader, prefix []byte) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]Hash, error) {
		out := make([]Hash, len(indexes))
		c, err := newSpanCursor(r, prefix)
		if err != nil {
			return nil, err
		}
		defer c.close()
		for i, idx := range indexes {
			if idx < 0 {
				return nil, fmt.Errorf("%w: stored hash index %d", ErrRange, idx)
			}
			level, k := tlog.SplitStoredHashIndex(idx)
			// The hash (level, k) was stored with the last record of its subtree.
			n := (k+1)<<uint(level) - 1
			first, v, err := c.spanOf(n)
			if err != nil {
				return nil, err
			}
			off := int(idx-tlog.StoredHashIndex(0, first)) * HashSize
			copy(out[i][:], v[off:])
		}
		return out, nil
	})
}

// Tree is a Merkle tree persisted under a key prefix, appended to by one goroutine
// (Stage, Commit, Abort) and read by any (Head).
type Tree struct {
	prefix []byte

	mu      sync.Mutex
	durable Frontier   // the committed tree
	staged  []Frontier // trees after each staged, not yet committed group, in order
	head    Head       // durable's head, cached

	// Staging scratch (the appending goroutine only): the span key (Set copies it) and
	// the stager, whose buffers are reused from group to group.
	stageKey []byte
	stager   Stager
}

// StoredSize returns the number of records the spans stored under prefix in r cover:
// the end of the last span (0 when there is none). The last span's length must be a
// whole number of records, at most MaxSpanRecords, else ErrCorrupt.
func StoredSize(r Reader, prefix []byte) (int64, error) {
	c, err := newSpanCursor(r, prefix)
	if err != nil {
		return 0, err
	}
	defer c.close()
	if !c.it.Last() {
		if err := c.it.Error(); err != nil {
			return 0, fmt.Errorf("merkle: read spans: %w", err)
		}
		return 0, nil
	}
	k := c.it.Key()
	if len(k) != len(c.prefix)+8 {
		return 0, fmt.Errorf("%w: malformed span key %x", ErrCorrupt, k)
	}
	first := int64(binary.BigEndian.Uint64(k[len(c.prefix):]))
	v, err := c.it.ValueAndErr()
	if err != nil {
		return 0, fmt.Errorf("merkle: read span %d: %w", first, err)
	}
	if first < 0 || first > 1<<62 {
		return 0, fmt.Errorf("%w: span key %x", ErrCorrupt, k)
	}
	for m := int64(1); m <= MaxSpanRecords; m++ {
		switch n := SpanLen(first, first+m); {
		case n == len(v):
			return first + m, nil
		case n > len(v):
			return 0, fmt.Errorf("%w: last span %d holds %d bytes, not a whole number of records", ErrCorrupt, first, len(v))
		}
	}
	return 0, fmt.Errorf("%w: last span %d holds %d bytes, more than %d records", ErrCorrupt, first, len(v), MaxSpanRecords)
}

// Load opens the tree of size n stored under prefix in r. It reads the O(log n)
// frontier hashes and checks that the stored spans end exactly at record n: the span
// holding record n-1 ends with it, and no span starts at or after n.
func Load(r Reader, prefix []byte, n int64) (*Tree, error) {
	if n < 0 {
		return nil, fmt.Errorf("%w: tree size %d", ErrRange, n)
	}
	p := append([]byte(nil), prefix...)
	f, err := LoadFrontier(StoreReader(r, p), n)
	if err != nil {
		return nil, err
	}
	c, err := newSpanCursor(r, p)
	if err != nil {
		return nil, err
	}
	defer c.close()
	if n > 0 {
		first, v, err := c.spanOf(n - 1)
		if err != nil {
			return nil, err
		}
		if len(v) != SpanLen(first, n) {
			return nil, fmt.Errorf("%w: span %d holds hashes beyond tree size %d", ErrCorrupt, first, n)
		}
	}
	if c.it.SeekGE(Key(p, n)) {
		return nil, fmt.Errorf("%w: span %x stored beyond tree size %d", ErrCorrupt, c.it.Key(), n)
	}
	if err := c.it.Error(); err != nil {
		return nil, fmt.Errorf("merkle: read spans: %w", err)
	}
	return &Tree{prefix: p, durable: f, head: f.Head()}, nil
}

// Head returns the committed tree head.
func (t *Tree) Head() Head {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.head
}

// Prefix returns the key prefix the tree is stored under.
func (t *Tree) Prefix() []byte { return t.prefix }

// Stage appends leaves after the last staged (or committed) group, writes their
// stored hashes into w as one span (several past MaxSpanRecords) and returns the head
// the tree will have once w commits. On error nothing is staged, though w may hold
// some of the spans. It is NewStager, Append and Finish in one call.
func (t *Tree) Stage(w Writer, leaves []Hash) (Head, error) {
	s := t.NewStager()
	if err := s.Append(leaves); err != nil {
		return Head{}, err
	}
	return s.Finish(w)
}

// Stager builds one group's spans a few leaves at a time, so that a caller can hash
// and append a group's first leaves while it is still producing the last. Its calls
// must not overlap (one goroutine at a time, or handed over with synchronization).
type Stager struct {
	t     *Tree
	f     Frontier
	first int64  // the group's first record
	buf   []byte // the group's stored hashes, in order
	hs    []Hash
}

// NewStager starts a group after the last staged (or committed) one. Only one group
// may be staging at a time: Finish it before the next NewStager.
func (t *Tree) NewStager() *Stager {
	t.mu.Lock()
	f := t.durable
	if len(t.staged) > 0 {
		f = t.staged[len(t.staged)-1]
	}
	t.mu.Unlock()
	s := &t.stager
	*s = Stager{t: t, f: f, first: f.size, buf: s.buf[:0], hs: s.hs[:0]}
	return s
}

// Append adds leaves to the group.
func (s *Stager) Append(leaves []Hash) error {
	for i := range leaves {
		var err error
		if s.hs, err = s.f.AppendTo(s.hs[:0], leaves[i]); err != nil {
			return err
		}
		s.buf = AppendRecord(s.buf, s.hs)
	}
	return nil
}

// Finish writes the group's spans into w and returns the head the tree will have once
// w commits.
func (s *Stager) Finish(w Writer) (Head, error) {
	t := s.t
	t.stageKey = append(t.stageKey[:0], t.prefix...)
	t.stageKey = binary.BigEndian.AppendUint64(t.stageKey, 0)
	key, buf := t.stageKey, s.buf
	for first := s.first; first < s.f.size; {
		end := min(first+MaxSpanRecords, s.f.size)
		n := SpanLen(first, end)
		binary.BigEndian.PutUint64(key[len(t.prefix):], uint64(first))
		// Set copies key and value into the batch.
		if err := w.Set(key, buf[:n], nil); err != nil {
			return Head{}, fmt.Errorf("merkle: stage span %d: %w", first, err)
		}
		buf = buf[n:]
		first = end
	}
	h := s.f.Head()
	t.mu.Lock()
	t.staged = append(t.staged, s.f)
	t.mu.Unlock()
	return h, nil
}

// Commit adopts the staged tree of the given size (whose batch has committed) and
// forgets the groups staged before it.
func (t *Tree) Commit(size int64) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, f := range t.staged {
		if f.size == size {
			t.durable = f
			t.head = f.Head()
			t.staged = append(t.staged[:0], t.staged[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("%w: no staged tree of size %d", ErrRange, size)
}

// Abort forgets every staged group (their batches did not commit).
func (t *Tree) Abort() {
	t.mu.Lock()
	t.staged = t.staged[:0]
	t.mu.Unlock()
}
