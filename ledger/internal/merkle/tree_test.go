package merkle_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/punchledger/punchledger/ledger/internal/merkle"
)

var prefix = []byte{0x7e}

func openDB(t testing.TB) *pebble.DB {
	t.Helper()
	db, err := pebble.Open("", &pebble.Options{FS: vfs.NewMem(), Logger: quiet{t}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// quiet drops Pebble's informational lines and fails the test on its errors.
type quiet struct{ t testing.TB }

func (quiet) Infof(string, ...any)             {}
func (q quiet) Errorf(format string, a ...any) { q.t.Errorf(format, a...) }
func (q quiet) Fatalf(format string, a ...any) { q.t.Fatalf(format, a...) }

func leaf(i int) merkle.Hash { return merkle.LeafHash(fmt.Appendf(nil, "record %d", i)) }

// naiveRoot is RFC 6962's MTH written out directly, the reference the tlog-based
// tree is checked against.
func naiveRoot(leaves []merkle.Hash) merkle.Hash {
	switch len(leaves) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return leaves[0]
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	l, r := naiveRoot(leaves[:k]), naiveRoot(leaves[k:])
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

// appendGroups stages leaves [from, to) in random-sized groups, committing each
// group's batch.
// It returns the first record of each group.
func appendGroups(t testing.TB, db *pebble.DB, tr *merkle.Tree, rng *rand.Rand, from, to int) (firsts []int64) {
	t.Helper()
	for i := from; i < to; {
		firsts = append(firsts, int64(i))
		g := 1 + rng.IntN(9)
		if i+g > to {
			g = to - i
		}
		ls := make([]merkle.Hash, g)
		for j := range ls {
			ls[j] = leaf(i + j)
		}
		stageCommit(t, db, tr, ls)
		i += g
	}
	return firsts
}

// stageCommit stages leaves as one group and commits its batch.
func stageCommit(t testing.TB, db *pebble.DB, tr *merkle.Tree, leaves []merkle.Hash) merkle.Head {
	t.Helper()
	b := db.NewBatch()
	head, err := tr.Stage(b, leaves)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(pebble.NoSync); err != nil {
		t.Fatal(err)
	}
	if err := tr.Commit(head.Size); err != nil {
		t.Fatal(err)
	}
	return head
}

func TestTreeMatchesNaive(t *testing.T) {
	db := openDB(t)
	tr, err := merkle.Load(db, prefix, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tr.Head(), (merkle.Head{Size: 0, Root: sha256.Sum256(nil)}); got != want {
		t.Fatalf("empty head = %v, want %v", got, want)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var leaves []merkle.Hash
	var f merkle.Frontier
	for n := 1; n <= 130; n++ {
		leaves = append(leaves, leaf(n-1))
		if _, err := f.Append(leaf(n - 1)); err != nil {
			t.Fatal(err)
		}
		if got, want := f.Root(), naiveRoot(leaves); got != want {
			t.Fatalf("frontier root at size %d = %v, want %v", n, got, want)
		}
	}
	appendGroups(t, db, tr, rng, 0, len(leaves))
	if got, want := tr.Head(), f.Head(); got != want {
		t.Fatalf("tree head = %v, want %v", got, want)
	}
	// The stored hashes serve tlog for every earlier size too.
	r := merkle.StoreReader(db, prefix)
	for n := int64(0); n <= int64(len(leaves)); n++ {
		got, err := tlog.TreeHash(n, r)
		if err != nil {
			t.Fatal(err)
		}
		if want := naiveRoot(leaves[:n]); got != want {
			t.Fatalf("stored root at size %d = %v, want %v", n, got, want)
		}
	}
	// Reopening at the same size gives the same head.
	tr2, err := merkle.Load(db, prefix, int64(len(leaves)))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tr2.Head(), tr.Head(); got != want {
		t.Fatalf("reloaded head = %v, want %v", got, want)
	}
}

// TestStoredHashesPerSpan: each group's stored hashes are one span under the key of
// its first record (a group past MaxSpanRecords is several spans), holding exactly
// tlog's stored hashes of its records, in tlog's order.
func TestStoredHashesPerSpan(t *testing.T) {
	db := openDB(t)
	tr, err := merkle.Load(db, prefix, 0)
	if err != nil {
		t.Fatal(err)
	}
	const n = 1 << 10
	firsts := appendGroups(t, db, tr, rand.New(rand.NewPCG(3, 4)), 0, n)
	// One group of 2.5 spans.
	big := make([]merkle.Hash, merkle.MaxSpanRecords*5/2)
	for i := range big {
		big[i] = leaf(n + i)
	}
	head := stageCommit(t, db, tr, big)
	for i := int64(0); i < int64(len(big)); i += merkle.MaxSpanRecords {
		firsts = append(firsts, n+i)
	}
	total := head.Size

	// Every stored hash, in tlog's order, recomputed from the leaves.
	var f merkle.Frontier
	var stored []byte
	for i := range total {
		l := leaf(int(i))
		if i >= n {
			l = big[i-n]
		}
		hs, err := f.Append(l)
		if err != nil {
			t.Fatal(err)
		}
		stored = merkle.AppendRecord(stored, hs)
	}
	it, err := db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: []byte{prefix[0] + 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var got []int64
	var all []byte
	for it.First(); it.Valid(); it.Next() {
		first := int64(binary.BigEndian.Uint64(it.Key()[len(prefix):]))
		got = append(got, first)
		if want := merkle.Key(prefix, first); !bytes.Equal(it.Key(), want) {
			t.Fatalf("span key %x, want %x", it.Key(), want)
		}
		all = append(all, it.Value()...)
	}
	if !slices.Equal(got, firsts) {
		t.Fatalf("spans start at %v, want the groups' first records %v", got, firsts)
	}
	if !bytes.Equal(all, stored) {
		t.Fatalf("spans hold %d bytes of hashes that differ from tlog's %d", len(all), len(stored))
	}
	if got, want := int64(len(all)/merkle.HashSize), tlog.StoredHashCount(total); got != want {
		t.Fatalf("%d hashes stored, want tlog's %d", got, want)
	}
	// And every stored hash reads back through the store reader.
	r := merkle.StoreReader(db, prefix)
	idx := make([]int64, len(all)/merkle.HashSize)
	for i := range idx {
		idx[i] = int64(i)
	}
	hs, err := r.ReadHashes(idx)
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range hs {
		if !bytes.Equal(h[:], all[i*merkle.HashSize:(i+1)*merkle.HashSize]) {
			t.Fatalf("stored hash %d reads back as %v", i, h)
		}
	}
}

// TestStageOverlay checks that records staged in one group see each other's hashes
// before anything is committed, that several groups may be staged ahead of their
// commits, and that Abort forgets staged groups.
func TestStageOverlay(t *testing.T) {
	db := openDB(t)
	tr, err := merkle.Load(db, prefix, 0)
	if err != nil {
		t.Fatal(err)
	}
	ls := make([]merkle.Hash, 11)
	for i := range ls {
		ls[i] = leaf(i)
	}
	b1, b2 := db.NewBatch(), db.NewBatch()
	h1, err := tr.Stage(b1, ls[:5])
	if err != nil {
		t.Fatal(err)
	}
	h2, err := tr.Stage(b2, ls[5:])
	if err != nil {
		t.Fatal(err)
	}
	if got, want := h1, (merkle.Head{Size: 5, Root: naiveRoot(ls[:5])}); got != want {
		t.Fatalf("first group head = %v, want %v", got, want)
	}
	if got, want := h2, (merkle.Head{Size: 11, Root: naiveRoot(ls)}); got != want {
		t.Fatalf("second group head = %v, want %v", got, want)
	}
	if got := tr.Head().Size; got != 0 {
		t.Fatalf("head size before commit = %d, want 0", got)
	}
	if err := b1.Commit(pebble.NoSync); err != nil {
		t.Fatal(err)
	}
	if err := tr.Commit(5); err != nil {
		t.Fatal(err)
	}
	if got := tr.Head(); got != h1 {
		t.Fatalf("head after first commit = %v, want %v", got, h1)
	}
	// The second batch fails: abort, and the next group restarts from size 5.
	b2.Close()
	tr.Abort()
	if err := tr.Commit(11); !errors.Is(err, merkle.ErrRange) {
		t.Fatalf("Commit of an aborted size: err = %v, want ErrRange", err)
	}
	b3 := db.NewBatch()
	h3, err := tr.Stage(b3, ls[5:])
	if err != nil {
		t.Fatal(err)
	}
	if h3 != h2 {
		t.Fatalf("restaged head = %v, want %v", h3, h2)
	}
	if err := b3.Commit(pebble.NoSync); err != nil {
		t.Fatal(err)
	}
	if err := tr.Commit(11); err != nil {
		t.Fatal(err)
	}
	if _, err := merkle.Load(db, prefix, 11); err != nil {
		t.Fatal(err)
	}
}

func TestLoadCorrupt(t *testing.T) {
	db := openDB(t)
	tr, err := merkle.Load(db, prefix, 0)
	if err != nil {
		t.Fatal(err)
	}
	appendGroups(t, db, tr, rand.New(rand.NewPCG(5, 6)), 0, 12)
	for _, tc := range []struct {
		name string
		size int64
	}{
		{"RecordBeyondSize", 11},
		{"MissingRecords", 13},
		{"NegativeSize", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := merkle.Load(db, prefix, tc.size)
			if !errors.Is(err, merkle.ErrCorrupt) && !errors.Is(err, merkle.ErrRange) {
				t.Fatalf("Load(%d) err = %v, want ErrCorrupt or ErrRange", tc.size, err)
			}
		})
	}
	t.Run("TruncatedRecord", func(t *testing.T) {
		if err := db.Set(merkle.Key(prefix, 7), make([]byte, merkle.HashSize), pebble.NoSync); err != nil {
			t.Fatal(err)
		}
		// Record 7 completes subtrees of levels 1..3, so the frontier of size 12
		// (levels 3 and 2) needs its level-3 hash.
		if _, err := merkle.Load(db, prefix, 12); !errors.Is(err, merkle.ErrCorrupt) {
			t.Fatalf("Load err = %v, want ErrCorrupt", err)
		}
	})
}

func BenchmarkStage(b *testing.B) {
	db := openDB(b)
	tr, err := merkle.Load(db, prefix, 0)
	if err != nil {
		b.Fatal(err)
	}
	ls := make([]merkle.Hash, 1000)
	for i := range ls {
		ls[i] = leaf(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		batch := db.NewBatch()
		head, err := tr.Stage(batch, ls)
		if err != nil {
			b.Fatal(err)
		}
		batch.Close()
		tr.Abort()
		_ = head
	}
	b.ReportMetric(float64(b.N*len(ls))/b.Elapsed().Seconds(), "leaves/s")
}

// TestFrontierAppendMatchesTlog checks that the frontier's own computation of a
// record's stored hashes is tlog.StoredHashesForRecordHash's, record by record, and
// that appending into a reused slice does not allocate.
func TestFrontierAppendMatchesTlog(t *testing.T) {
	var f merkle.Frontier
	var stored []merkle.Hash // every stored hash, in tlog's index order
	r := tlog.HashReaderFunc(func(idx []int64) ([]merkle.Hash, error) {
		out := make([]merkle.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
	buf := make([]merkle.Hash, 0, 64)
	for n := range 1100 {
		want, err := tlog.StoredHashesForRecordHash(int64(n), leaf(n), r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.AppendTo(buf, leaf(n))
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("record %d: stored hashes %x, tlog says %x", n, got, want)
		}
		stored = append(stored, want...)
		if (n < 70 || n%97 == 0) && f.Root() != naiveRoot(leavesUpTo(n+1)) {
			t.Fatalf("record %d: root differs from RFC 6962", n)
		}
	}
	l := leaf(0)
	if a := testing.AllocsPerRun(100, func() { buf, _ = f.AppendTo(buf, l) }); a != 0 {
		t.Errorf("AppendTo into a reused slice: %v allocations, want 0", a)
	}
}

func leavesUpTo(n int) []merkle.Hash {
	ls := make([]merkle.Hash, n)
	for i := range ls {
		ls[i] = leaf(i)
	}
	return ls
}
