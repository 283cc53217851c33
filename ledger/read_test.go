package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/punchledger/punchledger/ledger"
)

func TestSnapshotAndAsOf(t *testing.T) {
	ctx := context.Background()
	l := openMem(t)
	var times []time.Time
	for i := range 6 {
		r, err := l.Append(ctx, "s", ledger.Any, punch(string(rune('a'+i))))
		mustf(t, err, "append")
		times = append(times, r.Events[0].RecordedAt)
	}
	snap := l.Snapshot()
	defer snap.Close()
	_, err := l.Append(ctx, "s", ledger.Any, punch("later"))
	mustf(t, err, "append")
	if s, _ := snap.Head(); s != 6 {
		t.Fatalf("snapshot head %d", s)
	}
	if v, _ := snap.StreamVersion("s"); v != 6 {
		t.Fatalf("snapshot stream version %d", v)
	}
	if _, err := snap.Lookup(testID("later")); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("snapshot sees later event: %v", err)
	}
	if _, err := snap.Get(7); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("snapshot get 7: %v", err)
	}
	n := 0
	mustf(t, snap.ScanStream(ctx, "s", 0, func(*ledger.Event) error { n++; return nil }), "scan stream")
	if n != 6 {
		t.Fatalf("snapshot scan stream saw %d", n)
	}

	asOf := l.AsOf(3)
	if s, at := asOf.Head(); s != 3 || !at.Equal(times[2]) {
		t.Fatalf("as-of head %d %v", s, at)
	}
	if v, _ := asOf.StreamVersion("s"); v != 3 {
		t.Fatalf("as-of version %d", v)
	}
	// Time travel by wall clock.
	for i, tm := range times {
		seq, err := l.SeqAsOf(tm)
		mustf(t, err, "seq as of")
		if seq != uint64(i+1) {
			t.Fatalf("SeqAsOf(%v) = %d, want %d", tm, seq, i+1)
		}
	}
	if seq, _ := l.SeqAsOf(times[0].Add(-time.Nanosecond)); seq != 0 {
		t.Fatalf("SeqAsOf before everything = %d", seq)
	}
	var seqs []uint64
	mustf(t, l.ScanRecorded(ctx, times[1], times[3], func(e *ledger.Event) error { seqs = append(seqs, e.Seq); return nil }), "scan recorded")
	if len(seqs) != 3 || seqs[0] != 2 || seqs[2] != 4 {
		t.Fatalf("scan recorded %v", seqs)
	}
	mustf(t, snap.Close(), "close")
	if _, err := snap.Get(1); !errors.Is(err, ledger.ErrClosed) {
		t.Fatalf("closed snapshot: %v", err)
	}
}

func TestSubscribe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l := openMem(t)
	for i := range 3 {
		_, err := l.Append(ctx, "s", ledger.Any, punch(string(rune('a'+i))))
		mustf(t, err, "append")
	}
	got := make(chan uint64, 100)
	var wg sync.WaitGroup
	wg.Add(1)
	var subErr error
	go func() {
		defer wg.Done()
		subErr = l.Subscribe(ctx, 2, func(e *ledger.Event) error {
			// Everything a subscriber sees is readable (committed).
			if _, err := l.Get(e.Seq); err != nil {
				return err
			}
			got <- e.Seq
			return nil
		})
	}()
	for i := 3; i < 10; i++ {
		_, err := l.Append(ctx, "s", ledger.Any, punch(string(rune('a'+i))))
		mustf(t, err, "append")
	}
	for want := uint64(2); want <= 10; want++ {
		select {
		case s := <-got:
			if s != want {
				t.Fatalf("subscriber got %d, want %d", s, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("subscriber stuck before %d", want)
		}
	}
	cancel()
	wg.Wait()
	if !errors.Is(subErr, context.Canceled) {
		t.Fatalf("subscribe returned %v", subErr)
	}
	// Close wakes a waiting subscriber.
	done := make(chan error, 1)
	go func() { done <- l.Subscribe(context.Background(), 11, func(*ledger.Event) error { return nil }) }()
	time.Sleep(10 * time.Millisecond)
	mustf(t, l.Close(), "close")
	if err := <-done; !errors.Is(err, ledger.ErrClosed) {
		t.Fatalf("subscribe after close: %v", err)
	}
}

// TestStreamRuns: an append of several events to one stream is one stream index entry
// (a run); views bounded inside a run, reads from a version inside a run, and runs of
// one stream interleaved with other streams in one AppendBatch all read right.
func TestStreamRuns(t *testing.T) {
	ctx := context.Background()
	l := openMem(t)
	var evs []ledger.Proposed
	for i := range 5 {
		evs = append(evs, punch(fmt.Sprintf("run-%d", i)))
	}
	mustf(t, errOf(l.Append(ctx, "a", ledger.Any, punch("a0"))), "append a0")             // seq 1: a v1
	mustf(t, errOf(l.Append(ctx, "a", ledger.ExactVersion(1), evs...)), "append run")     // seqs 2-6: a v2-6
	mustf(t, errOf(l.Append(ctx, "b", ledger.Any, punch("b0"), punch("b1"))), "append b") // seqs 7-8: b v1-2
	res, err := l.AppendBatch(ctx, []ledger.AppendRequest{
		{Stream: "a", Events: []ledger.Proposed{punch("a7"), punch("a8")}}, // seqs 9-10: a v7-8
		{Stream: "a", Events: []ledger.Proposed{punch("a9")}},              // seq 11: a v9 (same run)
		{Stream: "b", Events: []ledger.Proposed{punch("b2")}},              // seq 12: b v3
		{Stream: "a", Events: []ledger.Proposed{punch("a10")}},             // seq 13: a v10
	})
	mustf(t, err, "append batch")
	for i, r := range res {
		mustf(t, r.Err, "request %d", i)
	}
	type at struct{ seq, version uint64 }
	a := []at{{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {6, 6}, {9, 7}, {10, 8}, {11, 9}, {13, 10}}
	for bound := uint64(0); bound <= 13; bound++ {
		snap := l.AsOf(bound)
		var want []at
		for _, x := range a {
			if x.seq <= bound {
				want = append(want, x)
			}
		}
		v, err := snap.StreamVersion("a")
		mustf(t, err, "stream version as of %d", bound)
		if wv := uint64(len(want)); v != wv {
			t.Fatalf("as of %d: stream version %d, want %d", bound, v, wv)
		}
		for from := uint64(0); from <= 11; from++ {
			var got []at
			mustf(t, snap.ScanStream(ctx, "a", from, func(e *ledger.Event) error {
				got = append(got, at{e.Seq, e.Version})
				return nil
			}), "scan stream as of %d from %d", bound, from)
			var w []at
			for _, x := range want {
				if x.version >= from {
					w = append(w, x)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(w) {
				t.Fatalf("as of %d from %d: got %v, want %v", bound, from, got, w)
			}
		}
		snap.Close()
	}
	if v, _ := l.StreamVersion("b"); v != 3 {
		t.Fatalf("stream b version %d, want 3", v)
	}
	mustf(t, l.Verify(ctx), "verify")
}

func errOf(_ ledger.AppendResult, err error) error { return err }
