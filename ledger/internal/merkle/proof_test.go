package merkle_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/punchledger/punchledger/ledger/internal/merkle"
)

func TestProofsAllSizes(t *testing.T) {
	db := openDB(t)
	tr, err := merkle.Load(db, prefix, 0)
	if err != nil {
		t.Fatal(err)
	}
	const n = 40
	appendGroups(t, db, tr, rand.New(rand.NewPCG(7, 8)), 0, n)
	r := merkle.StoreReader(db, prefix)
	heads := make([]merkle.Head, n+1)
	for s := range heads {
		root, err := tlog.TreeHash(int64(s), r)
		if err != nil {
			t.Fatal(err)
		}
		heads[s] = merkle.Head{Size: int64(s), Root: root}
	}
	for size := int64(1); size <= n; size++ {
		for i := int64(0); i < size; i++ {
			p, err := merkle.ProveInclusion(r, size, i)
			if err != nil {
				t.Fatal(err)
			}
			if err := merkle.CheckInclusion(p, heads[size], i, leaf(int(i))); err != nil {
				t.Fatalf("inclusion of %d in %d: %v", i, size, err)
			}
			if err := merkle.CheckInclusion(p, heads[size], i, leaf(int(i)+1)); !errors.Is(err, merkle.ErrInvalidProof) {
				t.Fatalf("inclusion of %d in %d with the wrong leaf: err = %v", i, size, err)
			}
		}
		for old := int64(0); old <= size; old++ {
			p, err := merkle.ProveConsistency(r, old, size)
			if err != nil {
				t.Fatal(err)
			}
			if err := merkle.CheckConsistency(p, heads[old], heads[size]); err != nil {
				t.Fatalf("consistency %d→%d: %v", old, size, err)
			}
		}
	}
}

func TestForgedProofs(t *testing.T) {
	db := openDB(t)
	tr, err := merkle.Load(db, prefix, 0)
	if err != nil {
		t.Fatal(err)
	}
	appendGroups(t, db, tr, rand.New(rand.NewPCG(9, 10)), 0, 21)
	r := merkle.StoreReader(db, prefix)
	head := tr.Head()
	root13, err := tlog.TreeHash(13, r)
	if err != nil {
		t.Fatal(err)
	}
	old := merkle.Head{Size: 13, Root: root13}
	incl, err := merkle.ProveInclusion(r, head.Size, 6)
	if err != nil {
		t.Fatal(err)
	}
	cons, err := merkle.ProveConsistency(r, old.Size, head.Size)
	if err != nil {
		t.Fatal(err)
	}
	// Proofs made for other tree sizes than the heads they are checked against.
	inclOld, err := merkle.ProveInclusion(r, old.Size, 6)
	if err != nil {
		t.Fatal(err)
	}
	cons20, err := merkle.ProveConsistency(r, old.Size, 20)
	if err != nil {
		t.Fatal(err)
	}
	cons12, err := merkle.ProveConsistency(r, 12, head.Size)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(p []merkle.Hash, i int) []merkle.Hash {
		q := append([]merkle.Hash(nil), p...)
		q[i][5] ^= 1
		return q
	}
	otherRoot := head
	otherRoot.Root[0] ^= 1
	inclusion := []struct {
		name  string
		proof []merkle.Hash
		head  merkle.Head
		index int64
	}{
		{"FlippedHash", flip(incl, 2), head, 6},
		{"WrongIndex", incl, head, 7},
		{"ProofForSmallerTree", inclOld, head, 6},
		{"ProofForLargerTree", incl, old, 6},
		{"WrongRoot", incl, otherRoot, 6},
		{"ShortProof", incl[:len(incl)-1], head, 6},
		{"LongProof", append(append([]merkle.Hash(nil), incl...), incl[0]), head, 6},
		{"IndexOutOfRange", incl, head, 21},
		{"NegativeIndex", incl, head, -1},
	}
	for _, tc := range inclusion {
		t.Run("Inclusion/"+tc.name, func(t *testing.T) {
			if err := merkle.CheckInclusion(tc.proof, tc.head, tc.index, leaf(6)); !errors.Is(err, merkle.ErrInvalidProof) {
				t.Fatalf("err = %v, want ErrInvalidProof", err)
			}
		})
	}
	consistency := []struct {
		name     string
		proof    []merkle.Hash
		old, new merkle.Head
	}{
		{"FlippedHash", flip(cons, 0), old, head},
		{"ProofForOtherOldSize", cons12, old, head},
		{"ProofForOtherNewSize", cons20, old, head},
		{"WrongOldSize", cons, merkle.Head{Size: 12, Root: old.Root}, head},
		{"WrongNewRoot", cons, old, otherRoot},
		{"Truncated", cons[:len(cons)-1], old, head},
		{"Swapped", cons, head, old},
		{"EqualSizesDiffer", nil, head, otherRoot},
		{"EmptyOldNotEmpty", nil, merkle.Head{Size: 0, Root: head.Root}, head},
	}
	for _, tc := range consistency {
		t.Run("Consistency/"+tc.name, func(t *testing.T) {
			if err := merkle.CheckConsistency(tc.proof, tc.old, tc.new); !errors.Is(err, merkle.ErrInvalidProof) {
				t.Fatalf("err = %v, want ErrInvalidProof", err)
			}
		})
	}
	t.Run("ProveOutOfRange", func(t *testing.T) {
		if _, err := merkle.ProveInclusion(r, 21, 21); !errors.Is(err, merkle.ErrRange) {
			t.Fatalf("ProveInclusion err = %v, want ErrRange", err)
		}
		if _, err := merkle.ProveConsistency(r, 22, 21); !errors.Is(err, merkle.ErrRange) {
			t.Fatalf("ProveConsistency err = %v, want ErrRange", err)
		}
	})
}

func BenchmarkProveInclusion(b *testing.B) {
	db := openDB(b)
	tr, err := merkle.Load(db, prefix, 0)
	if err != nil {
		b.Fatal(err)
	}
	const n = 1 << 16
	appendGroups(b, db, tr, rand.New(rand.NewPCG(11, 12)), 0, n)
	r := merkle.StoreReader(db, prefix)
	b.ReportAllocs()
	i := int64(0)
	for b.Loop() {
		if _, err := merkle.ProveInclusion(r, n, i%n); err != nil {
			b.Fatal(err)
		}
		i += 7919
	}
}
