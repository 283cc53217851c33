package projection_test

import (
	"errors"
	"fmt"

	"context"
	"github.com/punchledger/punchledger/ledger"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/punchledger/punchledger/projection"
	"github.com/punchledger/punchledger/rules"
)

// TestAttendanceValueReuse uses one Attendance value for a live build, an as-of run, a
// rebuild and more catching up, and checks each against a fresh value: the caches it
// keeps between batches must never leak from one state into another.
func TestAttendanceValueReuse(t *testing.T) {
	w, fresh, head := reuseWorld(t)
	defer w.close()
	defer fresh.Close()
	ctx := context.Background()
	wantAll := viewDigest(t, fresh.View())
	fv, err := fresh.Replay(ctx, head/3, projection.NewAttendance())
	if err != nil {
		t.Fatal(err)
	}
	wantThird := viewDigest(t, fv)

	// The value itself, and wrapped by a user's type that forwards only the exported
	// methods.
	for _, tc := range []struct {
		name string
		p    projection.Projection
	}{
		{"value", projection.NewAttendance()},
		{"wrapped", wrapped{projection.NewAttendance()}},
	} {
		t.Run(tc.name, func(t *testing.T) { reuse(t, w, tc.p, head, wantAll, wantThird) })
	}
}

// reuseWorld generates the reuse tests' log (8 employees, three weeks with the story's
// corrections) and builds the attendance projection from it with a fresh value, in
// 50-event batches; head is the log's head.
func reuseWorld(t *testing.T) (w *world, fresh *projection.Store, head uint64) {
	t.Helper()
	w = newWorld(t, vfs.NewMem(), "ledger")
	generate(t, w, monthSpec{Employees: 8, From: rules.MustDate("2026-10-31"), To: rules.MustDate("2026-11-20"), Seed: 9, Story: true}, "testdata/policy.json")
	head, _ = w.l.Head()
	fresh, err := projection.Open("fresh", w.l, &projection.Options{FS: w.fs, BatchEvents: 50})
	if err != nil {
		w.close()
		t.Fatal(err)
	}
	if err := fresh.CatchUp(context.Background(), 0, projection.NewAttendance()); err != nil {
		fresh.Close()
		w.close()
		t.Fatal(err)
	}
	return w, fresh, head
}

// wrapped is a user's projection type around the built-in one.
type wrapped struct{ projection.Projection }

func (w wrapped) Flush(wr projection.Writer) error {
	return w.Projection.(projection.Flusher).Flush(wr)
}

// viewDigest returns the digest of the attendance projection in v and closes v.
func viewDigest(t *testing.T, v *projection.View) [32]byte {
	t.Helper()
	defer v.Close()
	d, err := v.Digest(projection.AttendanceName)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func reuse(t *testing.T, w *world, p projection.Projection, head uint64, wantAll, wantThird [32]byte) {
	ctx := context.Background()
	s, err := projection.Open("reused-"+t.Name(), w.l, &projection.Options{FS: w.fs, BatchEvents: 50})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CatchUp(ctx, head/2, p); err != nil {
		t.Fatal(err)
	}
	v, err := s.Replay(ctx, head/3, p)
	if err != nil {
		t.Fatal(err)
	}
	if got := viewDigest(t, v); got != wantThird {
		t.Fatalf("as-of run with a reused value: %x, fresh %x", got[:8], wantThird[:8])
	}
	if err := s.CatchUp(ctx, 0, p); err != nil {
		t.Fatal(err)
	}
	if got := viewDigest(t, s.View()); got != wantAll {
		t.Fatalf("live after an as-of run with the same value: %x, fresh %x", got[:8], wantAll[:8])
	}
	if err := s.Rebuild(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got := viewDigest(t, s.View()); got != wantAll {
		t.Fatalf("rebuilt with the same value: %x, fresh %x", got[:8], wantAll[:8])
	}
}

// failAt is a projection whose Apply fails at one seq: it aborts the run in the middle
// of a batch the other projections have applied part of.
type failAt struct{ seq uint64 }

func (f failAt) Name() string    { return "failat" }
func (f failAt) Version() uint32 { return 1 }
func (f failAt) Apply(ev *ledger.Event, _ projection.Writer) error {
	if ev.Seq == f.seq {
		return errFailAt
	}
	return nil
}

var errFailAt = errors.New("failing on purpose")

// TestAttendanceValueAfterAbort reuses an Attendance value after a run that failed in
// the middle of a batch: what the value cached of the batch that was never committed
// must not reach the state the next run builds.
func TestAttendanceValueAfterAbort(t *testing.T) {
	w, fresh, head := reuseWorld(t)
	defer w.close()
	defer fresh.Close()
	ctx := context.Background()
	want := viewDigest(t, fresh.View())

	for _, at := range []uint64{head / 3, head/2 + 7, head - 3} {
		t.Run(fmt.Sprint(at), func(t *testing.T) {
			s, err := projection.Open(fmt.Sprintf("aborted-%d", at), w.l, &projection.Options{FS: w.fs, BatchEvents: 50})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			p := projection.NewAttendance()
			if err := s.CatchUp(ctx, 0, p, failAt{at}); !errors.Is(err, errFailAt) {
				t.Fatalf("run with a failing projection: %v", err)
			}
			if err := s.CatchUp(ctx, 0, p); err != nil {
				t.Fatal(err)
			}
			if got := viewDigest(t, s.View()); got != want {
				t.Fatalf("after an aborted run, the same value built %x, a fresh one %x", got[:8], want[:8])
			}
		})
	}
}
