// Package projectiontest is a conformance suite for implementations of
// projection.Projection, ours or a user's, in the spirit of testing/slogtest.
//
// Run appends the given events to a fresh in-memory ledger and builds the projection in
// several ways, checking that every way ends in byte-identical state (a digest over the
// checkpoint and every key and value):
//
//   - OnePass: one CatchUp over the whole log (the reference);
//   - Incremental: the log appended in uneven chunks, a CatchUp after each, the store
//     closed and reopened in between, one event per commit;
//   - Rebuild: Store.Rebuild after a one-pass build;
//   - ReplayIdempotent: running again over an up-to-date store changes nothing, and
//     neither does a fresh value of the projection;
//   - KilledAndResumed: failures injected at random events (the open batch is lost) and
//     crash clones of the file system (only synced data survives), each followed by a
//     resume with a fresh projection value;
//   - AsOf: an as-of replay at a middle position equals the live state caught up to the
//     same position, and leaves the live state alone.
//
// The seed of the random choices is logged so a failure replays (set it with Options).
package projectiontest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/projection"
)

// Options tune Run. The zero value means defaults.
type Options struct {
	// Seed for the random choices (chunk sizes, kill points). Default 1.
	Seed uint64
	// Kills is how many injected failures KilledAndResumed makes. Default 5.
	Kills int
}

// Run checks newProjection against events (see the package documentation). Each event's
// Stream, ID (zero: chosen by the ledger from a fixed seed), Type, Schema, OccurredAt,
// RecordedAt (the ledger's clock at its append), Actor and Data are used; Seq, Version
// and hashes are assigned by the ledger.
func Run(t *testing.T, newProjection func() projection.Projection, events []ledger.Event) {
	RunWithOptions(t, newProjection, events, Options{})
}

// RunWithOptions is Run with options.
func RunWithOptions(t *testing.T, newProjection func() projection.Projection, events []ledger.Event, o Options) {
	t.Helper()
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Kills == 0 {
		o.Kills = 5
	}
	if len(events) == 0 {
		t.Fatal("projectiontest: no events")
	}
	t.Logf("projectiontest: seed %d, %d events", o.Seed, len(events))
	ctx := context.Background()
	name := newProjection().Name()

	// Reference: one pass.
	ref := newEnv(t, events, len(events))
	ref.catchUp(t, 0, newProjection())
	want := ref.digest(t, name)
	mid := uint64(len(events) / 2)
	if mid == 0 {
		mid = 1
	}

	t.Run("Incremental", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(o.Seed, 2))
		e := newEnv(t, events, 0)
		e.popts.BatchEvents = 1
		e.reopen(t)
		for e.appended < len(events) {
			n := 1 + rng.IntN(max(1, len(events)/7))
			e.appendUpTo(t, min(len(events), e.appended+n))
			e.catchUp(t, 0, newProjection())
			e.reopen(t)
		}
		if got := e.digest(t, name); got != want {
			t.Fatalf("incremental digest %x, one pass %x", got, want)
		}
	})

	t.Run("Rebuild", func(t *testing.T) {
		e := newEnv(t, events, len(events))
		e.catchUp(t, 0, newProjection())
		if err := e.store.Rebuild(ctx, newProjection()); err != nil {
			t.Fatal(err)
		}
		if got := e.digest(t, name); got != want {
			t.Fatalf("rebuilt digest %x, one pass %x", got, want)
		}
	})

	t.Run("ReplayIdempotent", func(t *testing.T) {
		e := newEnv(t, events, len(events))
		p := newProjection()
		e.catchUp(t, 0, p)
		e.catchUp(t, 0, p)
		e.catchUp(t, 0, newProjection())
		e.reopen(t)
		e.catchUp(t, 0, newProjection())
		if got := e.digest(t, name); got != want {
			t.Fatalf("digest after re-running %x, one pass %x", got, want)
		}
	})

	t.Run("KilledAndResumed", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(o.Seed, 3))
		e := newEnv(t, events, len(events))
		e.popts.BatchEvents = 1 + rng.IntN(16)
		e.reopen(t)
		for k := 0; k < o.Kills; k++ {
			cp, err := e.store.Checkpoint(name)
			if err != nil && !errors.Is(err, projection.ErrNotBuilt) {
				t.Fatal(err)
			}
			if int(cp.Seq) >= len(events) {
				break
			}
			killAt := cp.Seq + 1 + uint64(rng.IntN(len(events)-int(cp.Seq)))
			err = e.store.CatchUp(ctx, 0, &failAt{Projection: newProjection(), seq: killAt})
			if !errors.Is(err, errKilled) {
				t.Fatalf("kill at %d: got %v, want the injected failure", killAt, err)
			}
			if k%2 == 1 {
				e.crash(t)
			} else {
				e.reopen(t)
			}
		}
		e.catchUp(t, 0, newProjection())
		if got := e.digest(t, name); got != want {
			t.Fatalf("killed-and-resumed digest %x, one pass %x", got, want)
		}
	})

	t.Run("AsOf", func(t *testing.T) {
		part := newEnv(t, events, len(events))
		part.catchUp(t, mid, newProjection())
		wantMid := part.digest(t, name)

		e := newEnv(t, events, len(events))
		e.catchUp(t, 0, newProjection())
		v, err := e.store.Replay(ctx, mid, newProjection())
		if err != nil {
			t.Fatal(err)
		}
		got, err := v.Digest(name)
		v.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got != wantMid {
			t.Fatalf("as-of %d digest %x, live caught up to %d %x", mid, got, mid, wantMid)
		}
		if got := e.digest(t, name); got != want {
			t.Fatalf("live digest changed by the as-of run: %x, want %x", got, want)
		}
		if err := e.store.DropReplay(mid); err != nil {
			t.Fatal(err)
		}
	})
}

var errKilled = errors.New("projectiontest: injected kill")

// failAt fails when it reaches seq, after the projection's own Apply ran: the batch,
// with everything applied since the last commit, is lost.
type failAt struct {
	projection.Projection
	seq uint64
}

func (f *failAt) Apply(ev *ledger.Event, w projection.Writer) error {
	if err := f.Projection.Apply(ev, w); err != nil {
		return err
	}
	if ev.Seq == f.seq {
		return errKilled
	}
	return nil
}

func (f *failAt) Flush(w projection.Writer) error {
	if fl, ok := f.Projection.(projection.Flusher); ok {
		return fl.Flush(w)
	}
	return nil
}

// env is a ledger and a projection store, both on one crashable in-memory file system.
type env struct {
	fs       *vfs.MemFS
	events   []ledger.Event
	appended int
	clock    *clock
	led      *ledger.Ledger
	store    *projection.Store
	popts    projection.Options
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.t) {
		c.t = t
	}
}

func newEnv(t *testing.T, events []ledger.Event, n int) *env {
	t.Helper()
	e := &env{fs: vfs.NewCrashableMem(), events: events, clock: &clock{t: time.Unix(0, 0).UTC()}}
	e.open(t)
	e.appendUpTo(t, n)
	t.Cleanup(func() { e.close(t) })
	return e
}

func (e *env) open(t *testing.T) {
	t.Helper()
	l, err := ledger.Open("ledger", &ledger.Options{FS: e.fs, Now: e.clock.now, Rand: rand.NewChaCha8([32]byte{1})})
	if err != nil {
		t.Fatal(err)
	}
	e.led = l
	po := e.popts
	po.FS = e.fs
	s, err := projection.Open("projection", l, &po)
	if err != nil {
		t.Fatal(err)
	}
	e.store = s
}

func (e *env) close(t *testing.T) {
	t.Helper()
	if e.store != nil {
		if err := e.store.Close(); err != nil {
			t.Error(err)
		}
		e.store = nil
	}
	if e.led != nil {
		if err := e.led.Close(); err != nil {
			t.Error(err)
		}
		e.led = nil
	}
}

func (e *env) reopen(t *testing.T) { t.Helper(); e.close(t); e.open(t) }

// crash replaces the file system by what a crash would leave (synced data only) and
// reopens on it. The ledger syncs every append, so it survives whole.
func (e *env) crash(t *testing.T) {
	t.Helper()
	clone := e.fs.CrashClone(vfs.CrashCloneCfg{})
	e.close(t)
	e.fs = clone
	e.open(t)
}

func (e *env) appendUpTo(t *testing.T, n int) {
	t.Helper()
	ctx := context.Background()
	for ; e.appended < n; e.appended++ {
		ev := e.events[e.appended]
		e.clock.set(ev.RecordedAt)
		_, err := e.led.Append(ctx, ev.Stream, ledger.Any, ledger.Proposed{
			ID: ev.ID, Type: ev.Type, Schema: ev.Schema, OccurredAt: ev.OccurredAt, Actor: ev.Actor, Data: ev.Data,
		})
		if err != nil {
			t.Fatalf("projectiontest: append event %d: %v", e.appended, err)
		}
	}
}

func (e *env) catchUp(t *testing.T, to uint64, p projection.Projection) {
	t.Helper()
	if err := e.store.CatchUp(context.Background(), to, p); err != nil {
		t.Fatal(err)
	}
}

func (e *env) digest(t *testing.T, name string) [32]byte {
	t.Helper()
	v := e.store.View()
	defer v.Close()
	d, err := v.Digest(name)
	if err != nil {
		t.Fatal(fmt.Errorf("projectiontest: digest: %w", err))
	}
	return d
}
