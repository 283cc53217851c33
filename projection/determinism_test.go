package projection_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/projection"
	"github.com/punchledger/punchledger/rules"
)

const childEnv = "PUNCHLEDGER_PROJECTION_CHILD"

// digests is what a build is compared by: the state digest (checkpoint and every key
// and value) and a digest of the reports rendered from it.
type digests struct {
	State, Reports [32]byte
	Seq            uint64
}

func buildDigests(t testing.TB, v *projection.View) digests {
	t.Helper()
	cp, err := v.Checkpoint(projection.AttendanceName)
	if err != nil {
		t.Fatal(err)
	}
	st, err := v.Digest(projection.AttendanceName)
	if err != nil {
		t.Fatal(err)
	}
	return digests{State: st, Reports: reportDigest(t, v.Reader(projection.AttendanceName)), Seq: cp.Seq}
}

// reportDigest renders every report for everyone (as the system) to JSON and hashes it.
func reportDigest(t testing.TB, r projection.Reader) [32]byte {
	t.Helper()
	who := hr
	h := sha256.New()
	enc := json.NewEncoder(h)
	daily, err := projection.Daily(r, who, projection.Query{})
	if err != nil {
		t.Fatal(err)
	}
	pay, err := projection.Payroll(r, who, projection.Query{})
	if err != nil {
		t.Fatal(err)
	}
	exc, err := projection.Exceptions(r, who, projection.Query{})
	if err != nil {
		t.Fatal(err)
	}
	quota, err := projection.Quota(r, who, projection.Query{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{daily, pay, exc, quota} {
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// TestDeterminismMonth generates November 2026 in America/New_York (the DST change on
// 2026-11-01) for 1,000 employees (100 under -short) with offline punches uploaded
// late, forgotten punches and corrections (some decided after a pay period's close),
// leave, flagged punches, night shifts across the DST night and two policy changes
// (one retroactive), and checks that the attendance projection gives byte-identical
// state and reports when built
//   - in one pass,
//   - incrementally while the log is written (Run following the ledger),
//   - in uneven steps with the store closed and reopened, one small batch per commit,
//   - after SIGKILL of a child process (this test binary re-executed) at random
//     points, each followed by a resume;
//
// and that the run as of the pay period's close equals the live state at that moment
// and keeps the closed period frozen while later corrections become adjustments.
func TestDeterminismMonth(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("child process")
	}
	n, kills := 1000, 3
	if testing.Short() {
		n, kills = 100, 1
	}
	dir := t.TempDir()
	ledgerDir := filepath.Join(dir, "ledger")
	w := newWorld(t, vfs.Default, ledgerDir)
	ctx := context.Background()

	// Incremental: a live runner follows the ledger while the month is written.
	followFS := vfs.NewMem()
	follow, err := projection.Open("follow", w.l, &projection.Options{FS: followFS, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	rctx, stop := context.WithCancel(ctx)
	runDone := make(chan error, 1)
	go func() { runDone <- follow.Run(rctx, projection.NewAttendance()) }()

	start := time.Now()
	events := generate(t, w, monthSpec{Employees: n, From: rules.MustDate("2026-10-31"), To: rules.MustDate("2026-11-30"), Seed: 11, Story: true}, "testdata/policy.json")
	head, _ := w.l.Head()
	closeSeq, err := w.l.SeqAsOf(storyClose)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generated %d events (head %d, close at seq %d) in %v", events, head, closeSeq, time.Since(start))

	// One pass.
	start = time.Now()
	one, err := projection.Open("one", w.l, &projection.Options{FS: vfs.NewMem(), NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	if err := one.CatchUp(ctx, 0, projection.NewAttendance()); err != nil {
		t.Fatal(err)
	}
	onePass := time.Since(start)
	v := one.View()
	want := buildDigests(t, v)
	v.Close()
	t.Logf("one pass: %v (%.0f events/s), state %x, reports %x", onePass, float64(head)/onePass.Seconds(), want.State[:8], want.Reports[:8])
	if want.Seq != head {
		t.Fatalf("one pass checkpoint %d, head %d", want.Seq, head)
	}

	check := func(name string, got digests) {
		t.Helper()
		if got != want {
			t.Errorf("%s: state %x reports %x seq %d; one pass: state %x reports %x seq %d",
				name, got.State[:8], got.Reports[:8], got.Seq, want.State[:8], want.Reports[:8], want.Seq)
		}
	}

	// Following the log as it was written.
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	if err := follow.Wait(wctx, projection.AttendanceName, head); err != nil {
		t.Fatal(err)
	}
	cancel()
	stop()
	<-runDone
	v = follow.View()
	check("followed while written", buildDigests(t, v))
	v.Close()
	follow.Close()

	// Uneven steps, small batches, reopened between steps.
	t.Run("Steps", func(t *testing.T) {
		fs := vfs.NewMem()
		rng := rand.New(rand.NewPCG(5, 6))
		opts := &projection.Options{FS: fs, NoSync: true, BatchEvents: 97}
		var to uint64
		for to < head {
			to = min(head, to+1+uint64(rng.IntN(int(head/6))))
			s, err := projection.Open("steps", w.l, opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.CatchUp(ctx, to, projection.NewAttendance()); err != nil {
				t.Fatal(err)
			}
			if to == head {
				v := s.View()
				check("steps", buildDigests(t, v))
				v.Close()
			}
			s.Close()
		}
	})

	// As of the pay period's close.
	t.Run("AsOfClose", func(t *testing.T) {
		// What live reported at that moment: a store caught up exactly to the close.
		atClose, err := projection.Open("atclose", w.l, &projection.Options{FS: vfs.NewMem(), NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer atClose.Close()
		if err := atClose.CatchUp(ctx, closeSeq, projection.NewAttendance()); err != nil {
			t.Fatal(err)
		}
		lv := atClose.View()
		defer lv.Close()
		thenLive := buildDigests(t, lv)
		av, seq, err := one.ReplayAsOf(ctx, storyClose, projection.NewAttendance())
		if err != nil {
			t.Fatal(err)
		}
		defer av.Close()
		if seq != closeSeq {
			t.Fatalf("as-of seq %d, want %d", seq, closeSeq)
		}
		if got := buildDigests(t, av); got != thenLive {
			t.Fatalf("as of the close: state %x reports %x; live then: state %x reports %x", got.State[:8], got.Reports[:8], thenLive.State[:8], thenLive.Reports[:8])
		}
		// The as-of run left the live state alone.
		v := one.View()
		check("live after an as-of run", buildDigests(t, v))
		// The closed period's totals are frozen, and the corrections decided after
		// the close are adjustments in the next period.
		who := hr
		q := projection.Query{From: rules.MustDate("2026-11-02"), To: rules.MustDate("2026-11-29")}
		then, err := projection.Payroll(av.Reader(projection.AttendanceName), who, q)
		if err != nil {
			t.Fatal(err)
		}
		now, err := projection.Payroll(v.Reader(projection.AttendanceName), who, q)
		v.Close()
		if err != nil {
			t.Fatal(err)
		}
		frozen := map[string]projection.PayrollRow{}
		for _, r := range then {
			if r.From == "2026-11-02" {
				if !r.Closed {
					t.Fatalf("%s: period not closed as of the close", r.Employee)
				}
				frozen[r.Employee] = r
			}
		}
		adjustments := 0
		for _, r := range now {
			switch r.From {
			case "2026-11-02":
				f, ok := frozen[r.Employee]
				if !ok {
					t.Fatalf("%s: closed period row missing as of the close", r.Employee)
				}
				a, _ := json.Marshal(f.Totals)
				b, _ := json.Marshal(r.Totals)
				if string(a) != string(b) {
					t.Fatalf("%s: closed period rewritten: %s then, %s now", r.Employee, a, b)
				}
			case "2026-11-16":
				for _, adj := range r.Adjustments {
					if adj.Period != "2026-11-02" {
						t.Fatalf("%s: adjustment for period %s", r.Employee, adj.Period)
					}
					adjustments++
				}
			}
		}
		if adjustments == 0 {
			t.Fatal("no adjustments for the corrections approved after the close")
		}
		t.Logf("%d employees' closed periods unchanged; %d adjustments in the next period", len(frozen), adjustments)
	})

	// Killed and resumed: child processes build the projection on disk and are killed.
	t.Run("KilledAndResumed", func(t *testing.T) {
		w.close()
		storeDir := filepath.Join(dir, "killed")
		rng := rand.New(rand.NewPCG(7, 8))
		landed := 0
		for k := 0; k < kills; k++ {
			cmd := exec.Command(os.Args[0], "-test.run=^TestDeterminismChild$")
			cmd.Env = append(os.Environ(), childEnv+"=1", "PROJ_LEDGER="+ledgerDir, "PROJ_STORE="+storeDir)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			delay := 100*time.Millisecond + time.Duration(rng.Float64()*float64(onePass)*0.8)
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			select {
			case err := <-exited:
				t.Logf("kill %d: child finished before the kill (%v)", k, err)
			case <-time.After(delay):
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				<-exited
			}
			seq := storeCheckpoint(t, ledgerDir, storeDir)
			if seq < head {
				landed++
			}
			t.Logf("kill %d after %v: checkpoint %d of %d", k, delay, seq, head)
		}
		if landed == 0 {
			t.Logf("no kill landed mid-way (the machine was too fast for the delays)")
		}
		l, err := ledger.Open(ledgerDir, &ledger.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		s, err := projection.Open(storeDir, l, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.CatchUp(ctx, 0, projection.NewAttendance()); err != nil {
			t.Fatal(err)
		}
		v := s.View()
		check("killed and resumed", buildDigests(t, v))
		v.Close()
	})
}

func storeCheckpoint(t *testing.T, ledgerDir, storeDir string) uint64 {
	t.Helper()
	l, err := ledger.Open(ledgerDir, &ledger.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s, err := projection.Open(storeDir, l, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cp, err := s.Checkpoint(projection.AttendanceName)
	if err != nil {
		return 0
	}
	return cp.Seq
}

// TestDeterminismChild is the child process of TestDeterminismMonth: it builds the
// attendance projection in PROJ_STORE from the ledger in PROJ_LEDGER, committing (with
// fsync) every few events, until its parent kills it.
func TestDeterminismChild(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("only run as a child of TestDeterminismMonth")
	}
	batch, _ := strconv.Atoi(os.Getenv("PROJ_BATCH"))
	if batch == 0 {
		batch = 509
	}
	l, err := ledger.Open(os.Getenv("PROJ_LEDGER"), &ledger.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s, err := projection.Open(os.Getenv("PROJ_STORE"), l, &projection.Options{BatchEvents: batch})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CatchUp(context.Background(), 0, projection.NewAttendance()); err != nil {
		t.Fatal(err)
	}
	fmt.Println("child done")
}
