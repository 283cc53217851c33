package projection_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/projection"
	"github.com/punchledger/punchledger/projection/projectiontest"
)

// streamCount counts events per stream and per type and week; the per-type counts are
// buffered in memory and written by Flush, to exercise the Flusher path.
type streamCount struct {
	version uint32
	pending map[string]uint64
}

func newStreamCount() projection.Projection { return &streamCount{version: 1} }

func (c *streamCount) Name() string    { return "streamcount" }
func (c *streamCount) Version() uint32 { return c.version }

func (c *streamCount) Apply(ev *ledger.Event, w projection.Writer) error {
	if err := incr(w, "stream/"+ev.Stream, 1); err != nil {
		return err
	}
	y, wk := ev.RecordedAt.UTC().ISOWeek()
	if c.pending == nil {
		c.pending = map[string]uint64{}
	}
	c.pending[fmt.Sprintf("week/%04d-%02d/%s", y, wk, ev.Type)]++
	return nil
}

func (c *streamCount) Flush(w projection.Writer) error {
	keys := make([]string, 0, len(c.pending))
	for k := range c.pending {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := incr(w, k, c.pending[k]); err != nil {
			return err
		}
	}
	clear(c.pending)
	return nil
}

func incr(w projection.Writer, key string, n uint64) error {
	v, err := w.Get([]byte(key))
	var cur uint64
	switch {
	case errors.Is(err, projection.ErrNotFound):
	case err != nil:
		return err
	default:
		cur = binary.BigEndian.Uint64(v)
	}
	return w.Set([]byte(key), binary.BigEndian.AppendUint64(nil, cur+n))
}

var t0 = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

func genEvents(n int, seed uint64) []ledger.Event {
	rng := rand.New(rand.NewPCG(seed, 0))
	evs := make([]ledger.Event, n)
	at := t0
	for i := range evs {
		at = at.Add(time.Duration(rng.IntN(3600)) * time.Second)
		evs[i] = ledger.Event{
			Stream:     fmt.Sprintf("employee/E%d", rng.IntN(7)),
			Type:       []string{"punch.recorded", "correction.requested", "x.unknown"}[rng.IntN(3)],
			Schema:     1,
			OccurredAt: at.Add(-time.Minute),
			RecordedAt: at,
			Actor:      "system",
			Data:       []byte{byte(i)},
		}
	}
	return evs
}

func TestConformanceStreamCount(t *testing.T) {
	projectiontest.Run(t, newStreamCount, genEvents(300, 7))
}

type testEnv struct {
	clock *time.Time
	l     *ledger.Ledger
	s     *projection.Store
}

func newTestEnv(t *testing.T, opts *projection.Options) *testEnv {
	t.Helper()
	fs := vfs.NewMem()
	now := t0
	e := &testEnv{clock: &now}
	l, err := ledger.Open("l", &ledger.Options{FS: fs, Now: func() time.Time { return *e.clock }})
	if err != nil {
		t.Fatal(err)
	}
	var o projection.Options
	if opts != nil {
		o = *opts
	}
	o.FS = fs
	s, err := projection.Open("p", l, &o)
	if err != nil {
		t.Fatal(err)
	}
	e.l, e.s = l, s
	t.Cleanup(func() { s.Close(); l.Close() })
	return e
}

func (e *testEnv) append(t *testing.T, evs ...ledger.Event) {
	t.Helper()
	for _, ev := range evs {
		*e.clock = ev.RecordedAt
		if _, err := e.l.Append(context.Background(), ev.Stream, ledger.Any, ledger.Proposed{
			Type: ev.Type, Schema: ev.Schema, OccurredAt: ev.OccurredAt, Actor: ev.Actor, Data: ev.Data,
		}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestVersionChangeRebuilds(t *testing.T) {
	e := newTestEnv(t, nil)
	evs := genEvents(50, 1)
	e.append(t, evs...)
	ctx := context.Background()
	p := &streamCount{version: 1}
	if err := e.s.CatchUp(ctx, 0, p); err != nil {
		t.Fatal(err)
	}
	v1 := e.s.View()
	d1, _ := projection.Digest(v1.Reader("streamcount"))
	v1.Close()
	// Same version again: nothing re-applied (counts unchanged).
	if err := e.s.CatchUp(ctx, 0, &streamCount{version: 1}); err != nil {
		t.Fatal(err)
	}
	v := e.s.View()
	if got, _ := projection.Digest(v.Reader("streamcount")); got != d1 {
		t.Fatal("re-running the same version changed the state")
	}
	v.Close()
	// New version: rebuilt, so counts are not doubled and the checkpoint names it.
	if err := e.s.CatchUp(ctx, 0, &streamCount{version: 2}); err != nil {
		t.Fatal(err)
	}
	v = e.s.View()
	defer v.Close()
	if got, _ := projection.Digest(v.Reader("streamcount")); got != d1 {
		t.Fatal("a rebuild at a new version gave different state")
	}
	cp, err := v.Checkpoint("streamcount")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cp, (projection.Checkpoint{Version: 2, Seq: 50, RecordedAt: evs[49].RecordedAt}); got != want {
		t.Fatalf("checkpoint %+v, want %+v", got, want)
	}
}

func TestRunFollowsAndWait(t *testing.T) {
	e := newTestEnv(t, &projection.Options{BatchEvents: 3})
	evs := genEvents(40, 2)
	e.append(t, evs[:10]...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.s.Run(ctx, newStreamCount()) }()
	if err := e.s.Wait(ctx, "streamcount", 10); err != nil {
		t.Fatal(err)
	}
	e.append(t, evs[10:]...)
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := e.s.Sync(wctx, "streamcount"); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v, want context.Canceled", err)
	}
	v := e.s.View()
	defer v.Close()
	var total uint64
	r := v.Reader("streamcount")
	if err := r.Scan([]byte("stream/"), projection.PrefixEnd([]byte("stream/")), func(k, val []byte) error {
		total += binary.BigEndian.Uint64(val)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if total != 40 {
		t.Fatalf("counted %d events, want 40", total)
	}
}

func TestReplayAsOfAndDiff(t *testing.T) {
	e := newTestEnv(t, nil)
	evs := genEvents(60, 3)
	e.append(t, evs...)
	ctx := context.Background()
	if err := e.s.CatchUp(ctx, 0, newStreamCount()); err != nil {
		t.Fatal(err)
	}
	cut := evs[29].RecordedAt
	old, seq, err := e.s.ReplayAsOf(ctx, cut, newStreamCount())
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if seq < 30 {
		t.Fatalf("as-of seq %d, want >= 30", seq)
	}
	cp, _ := old.Checkpoint("streamcount")
	if cp.Seq != seq {
		t.Fatalf("as-of checkpoint %d, want %d", cp.Seq, seq)
	}
	live := e.s.View()
	defer live.Close()
	if cp, _ := live.Checkpoint("streamcount"); cp.Seq != 60 {
		t.Fatalf("live checkpoint moved to %d", cp.Seq)
	}
	var oldTotal, newTotal uint64
	err = projection.Diff(old.Reader("streamcount"), live.Reader("streamcount"), []byte("stream/"), projection.PrefixEnd([]byte("stream/")),
		func(c projection.Change) error {
			if c.Before != nil {
				oldTotal += binary.BigEndian.Uint64(c.Before)
			}
			if c.After != nil {
				newTotal += binary.BigEndian.Uint64(c.After)
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if newTotal-oldTotal != 60-seq {
		t.Fatalf("diff shows %d more events, want %d", newTotal-oldTotal, 60-seq)
	}
	if err := e.s.DropReplay(seq); err != nil {
		t.Fatal(err)
	}
}

func TestInvalid(t *testing.T) {
	e := newTestEnv(t, nil)
	for _, tc := range []struct {
		name string
		ps   []projection.Projection
	}{
		{"None", nil},
		{"BadName", []projection.Projection{named{"Bad/Name"}}},
		{"Empty", []projection.Projection{named{""}}},
		{"Twice", []projection.Projection{named{"a"}, named{"a"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := e.s.CatchUp(context.Background(), 0, tc.ps...); !errors.Is(err, projection.ErrInvalid) {
				t.Fatalf("got %v, want ErrInvalid", err)
			}
		})
	}
}

type named struct{ n string }

func (n named) Name() string                                 { return n.n }
func (n named) Version() uint32                              { return 1 }
func (n named) Apply(*ledger.Event, projection.Writer) error { return nil }
