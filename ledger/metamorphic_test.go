package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/punchledger/punchledger/ledger"
)

// The same operations under randomly varied options (group size, sync mode, memtable
// and cache sizes, reopening in between) must give the same log: the same hashes, the
// same tree root, the same answers. The seed is printed so a failure replays.
func TestMetamorphicOptions(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	runs := 6
	if testing.Short() {
		runs = 3
	}
	type outcome struct {
		head  ledger.Event
		tree  ledger.TreeHead
		trace string
	}
	var base *outcome
	for run := range runs {
		rng := rand.New(rand.NewPCG(seed, uint64(run)))
		fs := vfs.NewMem()
		newOpts := func() *ledger.Options {
			o := memOptions(fs)
			fixed := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
			var ticks int64
			o.Now = func() time.Time { ticks++; return fixed.Add(time.Duration(ticks)) } // one read per group
			if run > 0 {
				o.MaxGroupEvents = []int{1, 3, 1000}[rng.IntN(3)]
				o.NoSync = rng.IntN(2) == 0
				o.MemTableSize = uint64(1+rng.IntN(8)) << 20
				o.CacheSize = int64(rng.IntN(4)) << 20
			}
			return o
		}
		o := newOpts()
		l, err := ledger.Open("db", o)
		mustf(t, err, "open")
		ctx := context.Background()
		trace := ""
		// A deterministic workload (its own seed, the same for every run).
		w := rand.New(rand.NewPCG(42, 42))
		for op := range 300 {
			if run > 0 && rng.IntN(60) == 0 {
				mustf(t, l.Close(), "close")
				l, err = ledger.Open("db", o)
				mustf(t, err, "reopen")
			}
			stream := fmt.Sprintf("employee/E%d", w.IntN(5))
			n := 1 + w.IntN(3)
			evs := make([]ledger.Proposed, n)
			for i := range evs {
				evs[i] = punch(fmt.Sprintf("op%d.%d", op, i))
			}
			if w.IntN(10) == 0 { // a retry of an earlier op
				evs = []ledger.Proposed{punch(fmt.Sprintf("op%d.0", w.IntN(op+1)))}
			}
			expect := ledger.Any
			if w.IntN(2) == 0 {
				expect = ledger.ExactVersion(uint64(w.IntN(40)))
			}
			res, err := l.Append(ctx, stream, expect, evs...)
			switch {
			case errors.Is(err, ledger.ErrConflict), errors.Is(err, ledger.ErrDuplicateID), errors.Is(err, ledger.ErrPartialDuplicate):
				trace += fmt.Sprintf("%d:%v ", op, err)
			case err != nil:
				t.Fatalf("run %d op %d: %v", run, op, err)
			default:
				trace += fmt.Sprintf("%d:%d-%d/%d/%v ", op, res.FirstSeq, res.LastSeq, res.Version, res.Duplicate)
			}
		}
		head, _ := l.Head()
		last, err := l.Get(head)
		mustf(t, err, "get head")
		got := &outcome{head: last, tree: l.TreeHead(), trace: trace}
		mustf(t, l.Verify(ctx), "verify")
		mustf(t, l.Close(), "close")
		if base == nil {
			base = got
			continue
		}
		if got.trace != base.trace {
			t.Fatalf("run %d (seed %d): answers differ:\n got %s\nwant %s", run, seed, got.trace, base.trace)
		}
		if got.head.Hash != base.head.Hash || got.tree != base.tree || got.head.Seq != base.head.Seq {
			t.Fatalf("run %d (seed %d): head %d %v tree %v, want %d %v %v", run, seed, got.head.Seq, got.head.Hash, got.tree, base.head.Seq, base.head.Hash, base.tree)
		}
	}
}
