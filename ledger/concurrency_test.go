package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/punchledger/punchledger/ledger"
)

// 64 goroutines race on a few streams, each append stating the version it read:
// exactly one append wins each stream version, the rest get a ConflictError, and the
// log stays gapless and verifies.
func TestConcurrentExpectedVersions(t *testing.T) {
	ctx := context.Background()
	l := openMem(t)
	const goroutines = 64
	streams := []string{"employee/A", "employee/B", "employee/C"}
	rounds := 40
	if testing.Short() {
		rounds = 10
	}
	type win struct {
		stream  string
		version uint64
	}
	var mu sync.Mutex
	winners := map[win]string{}
	conflicts := 0
	var wg sync.WaitGroup
	errc := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				stream := streams[(g+r)%len(streams)]
				v, err := l.StreamVersion(stream)
				if err != nil {
					errc <- err
					return
				}
				name := fmt.Sprintf("g%d r%d", g, r)
				res, err := l.Append(ctx, stream, ledger.ExactVersion(v), punch(name), punch(name+" second"))
				var ce *ledger.ConflictError
				switch {
				case errors.As(err, &ce):
					if ce.Actual == v {
						errc <- fmt.Errorf("conflict reports actual %d = expected", v)
						return
					}
					mu.Lock()
					conflicts++
					mu.Unlock()
				case err != nil:
					errc <- err
					return
				default:
					if res.Version != v+2 || res.LastSeq != res.FirstSeq+1 {
						errc <- fmt.Errorf("result %+v after version %d", res, v)
						return
					}
					mu.Lock()
					for _, w := range []win{{stream, v + 1}, {stream, v + 2}} {
						if other, ok := winners[w]; ok {
							mu.Unlock()
							errc <- fmt.Errorf("%s version %d won by %s and %s", stream, w.version, other, name)
							return
						}
						winners[w] = name
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	head, _ := l.Head()
	if uint64(len(winners)) != head {
		t.Fatalf("%d winning versions, head %d", len(winners), head)
	}
	if conflicts == 0 {
		t.Fatal("no conflicts: the goroutines did not race")
	}
	// Per stream: versions 1..N, each written by its recorded winner.
	for _, s := range streams {
		want := uint64(1)
		err := l.ScanStream(ctx, s, 1, func(e *ledger.Event) error {
			if e.Version != want {
				return fmt.Errorf("%s: version %d, want %d", s, e.Version, want)
			}
			w := winners[win{s, e.Version}]
			if w == "" || (string(e.Data) != "payload "+w && string(e.Data) != "payload "+w+" second") {
				return fmt.Errorf("%s v%d: data %q, winner %q", s, e.Version, e.Data, w)
			}
			want++
			return nil
		})
		mustf(t, err, "scan stream")
	}
	var next uint64 = 1
	mustf(t, l.Scan(ctx, 1, 0, func(e *ledger.Event) error {
		if e.Seq != next {
			return fmt.Errorf("gap: %d after %d", e.Seq, next-1)
		}
		next++
		return nil
	}), "scan")
	mustf(t, l.Verify(ctx), "verify")
	t.Logf("%d events, %d conflicts", head, conflicts)
}

// The same batch appended concurrently many times, and again after a reopen, is
// stored once; every caller gets the same positions.
func TestSameBatchTwice(t *testing.T) {
	ctx := context.Background()
	opts := memOptions(nil)
	l, err := ledger.Open("db", opts)
	mustf(t, err, "open")
	batch := []ledger.AppendRequest{
		{Stream: "employee/E1", Events: []ledger.Proposed{punch("in"), punch("out")}},
		{Stream: "employee/E2", Events: []ledger.Proposed{punch("in2")}},
		{Stream: "employee/E1", Events: []ledger.Proposed{punch("note")}},
	}
	const callers = 16
	results := make([][]ledger.BatchResult, callers)
	var wg sync.WaitGroup
	for c := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := l.AppendBatch(ctx, batch)
			if err != nil {
				t.Error(err)
			}
			results[c] = res
		}()
	}
	wg.Wait()
	fresh := 0
	for _, res := range results {
		for j, r := range res {
			if r.Err != nil {
				t.Fatalf("request %d: %v", j, r.Err)
			}
			if j == 0 && !r.Result.Duplicate {
				fresh++
			}
			if first := results[0][j].Result; r.Result.FirstSeq != first.FirstSeq || r.Result.LastSeq != first.LastSeq || r.Result.Events[0].Hash != first.Events[0].Hash {
				t.Fatalf("request %d: positions %d..%d vs %d..%d", j, r.Result.FirstSeq, r.Result.LastSeq, first.FirstSeq, first.LastSeq)
			}
		}
	}
	if fresh != 1 {
		t.Fatalf("%d callers wrote the batch", fresh)
	}
	if head, _ := l.Head(); head != 4 {
		t.Fatalf("head %d, want 4", head)
	}
	mustf(t, l.Close(), "close")
	l, err = ledger.Open("db", memOptions(opts.FS))
	mustf(t, err, "reopen")
	defer l.Close()
	res, err := l.AppendBatch(ctx, batch)
	mustf(t, err, "append after reopen")
	for j, r := range res {
		if r.Err != nil || !r.Result.Duplicate || r.Result.FirstSeq != results[0][j].Result.FirstSeq {
			t.Fatalf("after reopen, request %d: %+v %v", j, r.Result, r.Err)
		}
	}
	if head, _ := l.Head(); head != 4 {
		t.Fatalf("head %d after reopen, want 4", head)
	}
	mustf(t, l.Verify(ctx), "verify")
}

// IDs staged by earlier requests of the same commit group (not yet in the ID index)
// are found by later requests of the group: retries, other content, partial overlap.
func TestDuplicatesWithinOneGroup(t *testing.T) {
	ctx := context.Background()
	l := openMem(t)
	defer l.Close()
	other := punch("a")
	other.Data = []byte("other content")
	res, err := l.AppendBatch(ctx, []ledger.AppendRequest{
		{Stream: "employee/E1", Events: []ledger.Proposed{punch("a"), punch("b")}},                     // 1, 2
		{Stream: "employee/E1", Events: []ledger.Proposed{punch("a"), punch("b")}},                     // retry: 1..2
		{Stream: "employee/E2", Events: []ledger.Proposed{punch("c")}},                                 // 3
		{Stream: "employee/E2", Events: []ledger.Proposed{punch("c")}},                                 // retry: 3
		{Stream: "employee/E1", Events: []ledger.Proposed{other}},                                      // other content
		{Stream: "employee/E1", Events: []ledger.Proposed{punch("d"), punch("b")}},                     // partial
		{Stream: "employee/E2", Expect: ledger.ExactVersion(1), Events: []ledger.Proposed{punch("e")}}, // 4
	})
	mustf(t, err, "append batch")
	want := []struct {
		dup         bool
		first, last uint64
		err         error
	}{
		{false, 1, 2, nil}, {true, 1, 2, nil}, {false, 3, 3, nil}, {true, 3, 3, nil},
		{err: ledger.ErrDuplicateID}, {err: ledger.ErrPartialDuplicate}, {false, 4, 4, nil},
	}
	for i, w := range want {
		r := res[i]
		if w.err != nil {
			if !errors.Is(r.Err, w.err) {
				t.Errorf("request %d: error %v, want %v", i, r.Err, w.err)
			}
			continue
		}
		if r.Err != nil || r.Result.Duplicate != w.dup || r.Result.FirstSeq != w.first || r.Result.LastSeq != w.last {
			t.Errorf("request %d: %+v %v, want duplicate=%v %d..%d", i, r.Result, r.Err, w.dup, w.first, w.last)
		}
	}
	if head, _ := l.Head(); head != 4 {
		t.Fatalf("head %d, want 4", head)
	}
	mustf(t, l.Verify(ctx), "verify")
}
