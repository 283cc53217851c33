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
//     just under 2 per record on average). They are kept as one value under
//     Key(prefix, n): prefix + 8-byte big-endian n, value = the hashes concatenated.
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
	"io"
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

// Key returns the key under which record n's stored hashes live.
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

// RecordLen is the length in bytes of record n's stored value.
func RecordLen(n int64) int {
	return HashSize * (1 + bits.TrailingZeros64(^uint64(n)))
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

// Reader is the part of a Pebble reader (DB, snapshot, batch) the tree reads.
type Reader interface {
	Get(key []byte) ([]byte, io.Closer, error)
}

// Writer is the part of a Pebble batch the tree writes.
type Writer interface {
	Set(key, value []byte, opts *pebble.WriteOptions) error
}

// StoreReader returns a tlog.HashReader over the records stored under prefix in r.
// Missing or malformed records are reported as ErrCorrupt.
func StoreReader(r Reader, prefix []byte) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]Hash, error) {
		out := make([]Hash, len(indexes))
		key := Key(prefix, 0)
		for i, idx := range indexes {
			if idx < 0 {
				return nil, fmt.Errorf("%w: stored hash index %d", ErrRange, idx)
			}
			level, k := tlog.SplitStoredHashIndex(idx)
			// The hash (level, k) was stored with the last record of its subtree.
			n := (k+1)<<uint(level) - 1
			binary.BigEndian.PutUint64(key[len(prefix):], uint64(n))
			v, c, err := r.Get(key)
			if errors.Is(err, pebble.ErrNotFound) {
				return nil, fmt.Errorf("%w: record %d has no stored hashes", ErrCorrupt, n)
			}
			if err != nil {
				return nil, fmt.Errorf("merkle: read record %d: %w", n, err)
			}
			if len(v) != RecordLen(n) {
				c.Close()
				return nil, fmt.Errorf("%w: record %d has %d bytes of hashes, want %d", ErrCorrupt, n, len(v), RecordLen(n))
			}
			copy(out[i][:], v[level*HashSize:])
			c.Close()
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

	// Stage's scratch (the appending goroutine only): the record's key and value (Set
	// copies both) and its hashes.
	stageKey    []byte
	stageBuf    []byte
	stageHashes []Hash
}

// Load opens the tree of size n stored under prefix in r. It reads the O(log n)
// frontier hashes and checks that record n-1 exists and record n does not.
func Load(r Reader, prefix []byte, n int64) (*Tree, error) {
	if n < 0 {
		return nil, fmt.Errorf("%w: tree size %d", ErrRange, n)
	}
	p := append([]byte(nil), prefix...)
	f, err := LoadFrontier(StoreReader(r, p), n)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		if _, err := StoreReader(r, p).ReadHashes([]int64{tlog.StoredHashIndex(0, n-1)}); err != nil {
			return nil, err
		}
	}
	switch v, c, err := r.Get(Key(p, n)); {
	case err == nil:
		c.Close()
		_ = v
		return nil, fmt.Errorf("%w: record %d stored beyond tree size %d", ErrCorrupt, n, n)
	case !errors.Is(err, pebble.ErrNotFound):
		return nil, fmt.Errorf("merkle: read record %d: %w", n, err)
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
// stored hashes into w and returns the head the tree will have once w commits.
// On error nothing is staged, though w may hold some of the records.
func (t *Tree) Stage(w Writer, leaves []Hash) (Head, error) {
	t.mu.Lock()
	f := t.durable
	if len(t.staged) > 0 {
		f = t.staged[len(t.staged)-1]
	}
	t.mu.Unlock()

	// Set copies key and value into the batch, so both buffers are reused.
	t.stageBuf = t.stageBuf[:0]
	t.stageKey = append(t.stageKey[:0], t.prefix...)
	t.stageKey = binary.BigEndian.AppendUint64(t.stageKey, 0)
	buf, key := t.stageBuf, t.stageKey
	var hashes []Hash
	for i := range leaves {
		n := f.size
		var err error
		hashes, err = f.AppendTo(t.stageHashes[:0], leaves[i])
		if err != nil {
			return Head{}, err
		}
		buf = AppendRecord(buf[:0], hashes)
		binary.BigEndian.PutUint64(key[len(t.prefix):], uint64(n))
		if err := w.Set(key, buf, nil); err != nil {
			return Head{}, fmt.Errorf("merkle: stage record %d: %w", n, err)
		}
	}
	t.stageBuf, t.stageHashes = buf, hashes
	h := f.Head()
	t.mu.Lock()
	t.staged = append(t.staged, f)
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
