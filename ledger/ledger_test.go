package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/punchledger/punchledger/ledger"
)

func TestAppendAndRead(t *testing.T) {
	ctx := context.Background()
	l := openMem(t)
	r1, err := l.Append(ctx, "employee/E1", ledger.NoStream, punch("a"), punch("b"))
	mustf(t, err, "append")
	if r1.FirstSeq != 1 || r1.LastSeq != 2 || r1.Version != 2 || r1.Duplicate || len(r1.Events) != 2 {
		t.Fatalf("result %+v", r1)
	}
	r2, err := l.Append(ctx, "employee/E2", ledger.Any, punch("c"))
	mustf(t, err, "append")
	if r2.FirstSeq != 3 || r2.Version != 1 {
		t.Fatalf("result %+v", r2)
	}
	r3, err := l.Append(ctx, "employee/E1", ledger.ExactVersion(2), punch("d"))
	mustf(t, err, "append")
	if r3.FirstSeq != 4 || r3.Version != 3 {
		t.Fatalf("result %+v", r3)
	}
	if seq, at := l.Head(); seq != 4 || at.IsZero() {
		t.Fatalf("head %d %v", seq, at)
	}
	e, err := l.Get(2)
	mustf(t, err, "get")
	if e.ID != testID("b") || e.Stream != "employee/E1" || e.Version != 2 || string(e.Data) != "payload b" || e.PrevHash != r1.Events[0].Hash || e.Hash != r1.Events[1].Hash {
		t.Fatalf("get 2: %+v", e)
	}
	if !e.OccurredAt.Equal(t0) || e.OccurredAt.Location() != time.UTC {
		t.Fatalf("occurred-at %v", e.OccurredAt)
	}
	if _, err := l.Get(5); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("get 5: %v", err)
	}
	if _, err := l.Get(0); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("get 0: %v", err)
	}
	e, err = l.Lookup(testID("c"))
	mustf(t, err, "lookup")
	if e.Seq != 3 {
		t.Fatalf("lookup c: seq %d", e.Seq)
	}
	if _, err := l.Lookup(testID("zz")); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("lookup missing: %v", err)
	}
	if v, err := l.StreamVersion("employee/E1"); err != nil || v != 3 {
		t.Fatalf("stream version %d %v", v, err)
	}
	if v, err := l.StreamVersion("employee/none"); err != nil || v != 0 {
		t.Fatalf("stream version none %d %v", v, err)
	}
	var seqs []uint64
	mustf(t, l.Scan(ctx, 2, 0, func(e *ledger.Event) error { seqs = append(seqs, e.Seq); return nil }), "scan")
	if len(seqs) != 3 || seqs[0] != 2 || seqs[2] != 4 {
		t.Fatalf("scan %v", seqs)
	}
	var vers []uint64
	mustf(t, l.ScanStream(ctx, "employee/E1", 2, func(e *ledger.Event) error { vers = append(vers, e.Version); return nil }), "scan stream")
	if len(vers) != 2 || vers[0] != 2 || vers[1] != 3 {
		t.Fatalf("scan stream %v", vers)
	}
	// ErrStop ends quietly; other errors come back.
	n := 0
	mustf(t, l.Scan(ctx, 1, 0, func(*ledger.Event) error { n++; return ledger.ErrStop }), "scan stop")
	boom := errors.New("boom")
	if err := l.Scan(ctx, 1, 0, func(*ledger.Event) error { return boom }); !errors.Is(err, boom) || n != 1 {
		t.Fatalf("scan error %v n=%d", err, n)
	}
}

func TestAppendConflict(t *testing.T) {
	ctx := context.Background()
	l := openMem(t)
	_, err := l.Append(ctx, "s", ledger.ExactVersion(1), punch("a"))
	var ce *ledger.ConflictError
	if !errors.As(err, &ce) || !errors.Is(err, ledger.ErrConflict) || ce.Actual != 0 || ce.Stream != "s" {
		t.Fatalf("want conflict, got %v", err)
	}
	_, err = l.Append(ctx, "s", ledger.NoStream, punch("a"))
	mustf(t, err, "append")
	_, err = l.Append(ctx, "s", ledger.NoStream, punch("b"))
	if !errors.As(err, &ce) || ce.Actual != 1 {
		t.Fatalf("want conflict at 1, got %v", err)
	}
	if seq, _ := l.Head(); seq != 1 {
		t.Fatalf("head %d after conflicts", seq)
	}
}

func TestAppendInvalid(t *testing.T) {
	ctx := context.Background()
	l := openMem(t)
	bad := func(mod func(*ledger.Proposed)) ledger.Proposed { p := punch("x"); mod(&p); return p }
	for name, c := range map[string]struct {
		stream string
		evs    []ledger.Proposed
	}{
		"EmptyStream":       {"", []ledger.Proposed{punch("x")}},
		"NulStream":         {"a\x00b", []ledger.Proposed{punch("x")}},
		"NoEvents":          {"s", nil},
		"EmptyType":         {"s", []ledger.Proposed{bad(func(p *ledger.Proposed) { p.Type = "" })}},
		"ZeroTime":          {"s", []ledger.Proposed{bad(func(p *ledger.Proposed) { p.OccurredAt = time.Time{} })}},
		"HugeData":          {"s", []ledger.Proposed{bad(func(p *ledger.Proposed) { p.Data = make([]byte, ledger.MaxDataLen+1) })}},
		"SameIDTwice":       {"s", []ledger.Proposed{punch("x"), punch("x")}},
		"SameIDTwiceInMany": {"s", append(manyPunches(40), punch("p7"))},
		"LongActor":         {"s", []ledger.Proposed{bad(func(p *ledger.Proposed) { p.Actor = string(make([]byte, 300)) })}},
		"BadUTF8Type":       {"s", []ledger.Proposed{bad(func(p *ledger.Proposed) { p.Type = "\xff" })}},
		"StreamTooBig":      {string(make([]byte, 300)), []ledger.Proposed{punch("x")}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := l.Append(ctx, c.stream, ledger.Any, c.evs...); !errors.Is(err, ledger.ErrInvalid) {
				t.Fatalf("want ErrInvalid, got %v", err)
			}
			if seq, _ := l.Head(); seq != 0 {
				t.Fatalf("head %d: something was written", seq)
			}
		})
	}
}

func TestAppendLedgerChosenID(t *testing.T) {
	l := openMem(t)
	p := punch("x")
	p.ID = ledger.ID{}
	r, err := l.Append(context.Background(), "s", ledger.Any, p, p)
	mustf(t, err, "append")
	if r.Events[0].ID.IsZero() || r.Events[0].ID == r.Events[1].ID {
		t.Fatalf("ids %v %v", r.Events[0].ID, r.Events[1].ID)
	}
}

func TestAppendBatchIndependent(t *testing.T) {
	ctx := context.Background()
	l := openMem(t)
	res, err := l.AppendBatch(ctx, []ledger.AppendRequest{
		{Stream: "a", Expect: ledger.NoStream, Events: []ledger.Proposed{punch("1")}},
		{Stream: "a", Expect: ledger.NoStream, Events: []ledger.Proposed{punch("2")}}, // conflict: the first made it 1
		{Stream: "", Events: []ledger.Proposed{punch("3")}},                           // invalid
		{Stream: "a", Expect: ledger.ExactVersion(1), Events: []ledger.Proposed{punch("4")}},
		{Stream: "b", Events: []ledger.Proposed{punch("1")}}, // same ID, other stream: other content
		{Stream: "a", Events: []ledger.Proposed{punch("1")}}, // same ID, same content: duplicate
	})
	mustf(t, err, "append batch")
	if res[0].Err != nil || res[0].Result.FirstSeq != 1 {
		t.Fatalf("0: %+v", res[0])
	}
	if !errors.Is(res[1].Err, ledger.ErrConflict) {
		t.Fatalf("1: %v", res[1].Err)
	}
	if !errors.Is(res[2].Err, ledger.ErrInvalid) {
		t.Fatalf("2: %v", res[2].Err)
	}
	if res[3].Err != nil || res[3].Result.FirstSeq != 2 || res[3].Result.Version != 2 {
		t.Fatalf("3: %+v", res[3])
	}
	var de *ledger.DuplicateIDError
	if !errors.As(res[4].Err, &de) || de.Seq != 1 {
		t.Fatalf("4: %v", res[4].Err)
	}
	if res[5].Err != nil || !res[5].Result.Duplicate || res[5].Result.FirstSeq != 1 {
		t.Fatalf("5: %+v", res[5])
	}
	if seq, _ := l.Head(); seq != 2 {
		t.Fatalf("head %d", seq)
	}
}

func TestIdempotency(t *testing.T) {
	ctx := context.Background()
	fs := memOptions(nil).FS
	l, err := ledger.Open("db", memOptions(fs))
	mustf(t, err, "open")
	first, err := l.Append(ctx, "s", ledger.NoStream, punch("a"), punch("b"))
	mustf(t, err, "append")
	_, err = l.Append(ctx, "s", ledger.Any, punch("c"))
	mustf(t, err, "append")
	check := func(l *ledger.Ledger) {
		t.Helper()
		// Same events, even with an expected version that no longer holds.
		again, err := l.Append(ctx, "s", ledger.NoStream, punch("a"), punch("b"))
		mustf(t, err, "append again")
		if !again.Duplicate || again.FirstSeq != 1 || again.LastSeq != 2 || again.Version != 2 || again.Events[1].Hash != first.Events[1].Hash {
			t.Fatalf("again: %+v", again)
		}
		other := punch("a")
		other.Data = []byte("other content")
		_, err = l.Append(ctx, "s", ledger.Any, other)
		var de *ledger.DuplicateIDError
		if !errors.As(err, &de) || de.ID != testID("a") || de.Seq != 1 {
			t.Fatalf("other content: %v", err)
		}
		_, err = l.Append(ctx, "s", ledger.Any, punch("a"), punch("new"))
		if !errors.Is(err, ledger.ErrPartialDuplicate) {
			t.Fatalf("partial: %v", err)
		}
		if seq, _ := l.Head(); seq != 3 {
			t.Fatalf("head %d: something was written", seq)
		}
		if _, err := l.Lookup(testID("new")); !errors.Is(err, ledger.ErrNotFound) {
			t.Fatalf("partial wrote: %v", err)
		}
	}
	check(l)
	mustf(t, l.Close(), "close")
	l, err = ledger.Open("db", memOptions(fs))
	mustf(t, err, "reopen")
	defer l.Close()
	check(l)
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	opts := memOptions(nil)
	l, err := ledger.Open("db", opts)
	mustf(t, err, "open")
	var last ledger.AppendResult
	for i := range 10 {
		last, err = l.Append(ctx, "s", ledger.ExactVersion(uint64(i)), punch(string(rune('a'+i))))
		mustf(t, err, "append %d", i)
	}
	headSeq, headAt := l.Head()
	mustf(t, l.Close(), "close")
	if err := l.Close(); !errors.Is(err, ledger.ErrClosed) {
		t.Fatalf("second close: %v", err)
	}
	if _, err := l.Append(ctx, "s", ledger.Any, punch("z")); !errors.Is(err, ledger.ErrClosed) {
		t.Fatalf("append after close: %v", err)
	}
	// A clock that went backwards: RecordedAt must still not decrease.
	opts2 := memOptions(opts.FS)
	opts2.Now = func() time.Time { return time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC) }
	l, err = ledger.Open("db", opts2)
	mustf(t, err, "reopen")
	defer l.Close()
	if s, at := l.Head(); s != headSeq || !at.Equal(headAt) {
		t.Fatalf("head after reopen %d %v, want %d %v", s, at, headSeq, headAt)
	}
	r, err := l.Append(ctx, "s", ledger.ExactVersion(10), punch("k"))
	mustf(t, err, "append after reopen")
	if r.FirstSeq != 11 || r.Events[0].PrevHash != last.Events[0].Hash || r.Events[0].RecordedAt.Before(headAt) {
		t.Fatalf("after reopen: %+v", r.Events[0])
	}
}

// TestAppendIDsSharingAPrefix: IDs that differ only after their first eight bytes are
// distinct (the check for an ID given twice sorts those bytes first).
func TestAppendIDsSharingAPrefix(t *testing.T) {
	l := openMem(t)
	evs := manyPunches(40)
	for i := range evs {
		evs[i].ID = testID("shared")
		evs[i].ID[15] = byte(i)
	}
	res, err := l.Append(context.Background(), "s", ledger.Any, evs...)
	if err != nil || res.LastSeq != 40 {
		t.Fatalf("append of 40 distinct IDs with a shared prefix: %+v, %v", res.LastSeq, err)
	}
	evs[39].ID = evs[0].ID
	if _, err := l.Append(context.Background(), "s", ledger.Any, evs...); !errors.Is(err, ledger.ErrInvalid) {
		t.Fatalf("one of them twice: %v, want ErrInvalid", err)
	}
}

func manyPunches(n int) []ledger.Proposed {
	evs := make([]ledger.Proposed, n)
	for i := range evs {
		evs[i] = punch(fmt.Sprintf("p%d", i))
	}
	return evs
}
