package projection_test

import (
	"errors"
	"fmt"

	"context"
	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"reflect"
	"testing"
	"time"

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

// TestPendingDaysAcrossResume: a catch-up's intermediate commit leaves a day whose
// window is still open unevaluated (Checkpoint.Pending). When the run stops there and
// another value resumes it, that day must still be evaluated before a pay period's
// close that follows, as one pass evaluates it: booked into the period before it
// freezes, not as an adjustment after.
func TestPendingDaysAcrossResume(t *testing.T) {
	fs := vfs.NewMem()
	w := newWorld(t, fs, "ledger")
	defer w.close()
	w.clock = local(t, "2026-11-01 08:00")
	w.commit(w.clock, w.policyEvent(loadPolicy(t, "testdata/policy.json", 1, "2026-10-01")))
	w.commit(local(t, "2026-11-01 08:01"), w.employeeEvent("E1", "", "default", "2026-11-12"))
	w.commit(local(t, "2026-11-13 09:00"), w.punchEvent(punchSpec{emp: "E1", name: "in", kind: rules.KindIn, at: local(t, "2026-11-13 09:00")}, local(t, "2026-11-13 09:00")))
	w.commit(local(t, "2026-11-13 17:30"), w.punchEvent(punchSpec{emp: "E1", name: "out", kind: rules.KindOut, at: local(t, "2026-11-13 17:30")}, local(t, "2026-11-13 17:30")))
	// Friday evening, before the day's window closes, the period (to the 15th) closes.
	w.commit(local(t, "2026-11-13 20:00"), w.closeEvent("2026-11-02", "2026-11-15"))
	closeSeq, _ := w.l.Head()
	w.commit(local(t, "2026-11-18 12:00"), w.tickEvent("later"))
	// The last event opens a day: the last batch, full after it, leaves that day
	// pending, and the run must still end with it evaluated.
	w.commit(local(t, "2026-11-18 12:30"), w.punchEvent(punchSpec{emp: "E1", name: "in18", kind: rules.KindIn, at: local(t, "2026-11-18 12:30")}, local(t, "2026-11-18 12:30")))
	ctx := context.Background()

	head, _ := w.l.Head()
	build := func(name string, fail uint64) *projection.Store {
		t.Helper()
		s, err := projection.Open(name, w.l, &projection.Options{FS: fs, BatchEvents: 1})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if fail > head {
			// Stopped after the last event's (intermediate) commit, before the last
			// flush: the next catch-up has no event to apply, only pending days.
			restore := projection.StopBeforeLastFlush(errFailAt)
			err := s.CatchUp(ctx, 0, projection.NewAttendance())
			restore()
			if !errors.Is(err, errFailAt) {
				t.Fatalf("stopped run: %v", err)
			}
			if cp, err := s.Checkpoint(projection.AttendanceName); err != nil || cp.Seq != head || !cp.Pending {
				t.Fatalf("checkpoint after the stopped run: %+v, %v; want seq %d pending", cp, err, head)
			}
			// Wait does not take a pending checkpoint for the head reached.
			wctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			err = s.Wait(wctx, projection.AttendanceName, head)
			cancel()
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Wait on a pending checkpoint: %v, want it still waiting", err)
			}
		} else if fail != 0 {
			if err := s.CatchUp(ctx, 0, projection.NewAttendance(), failAt{fail}); !errors.Is(err, errFailAt) {
				t.Fatalf("run with a failing projection: %v", err)
			}
			cp, err := s.Checkpoint(projection.AttendanceName)
			if err != nil {
				t.Fatal(err)
			}
			if cp.Seq != fail-1 || !cp.Pending {
				t.Fatalf("checkpoint after the failed run: %+v, want seq %d pending", cp, fail-1)
			}
		}
		if err := s.CatchUp(ctx, 0, projection.NewAttendance()); err != nil {
			t.Fatal(err)
		}
		if cp, err := s.Checkpoint(projection.AttendanceName); err != nil || cp.Pending {
			t.Fatalf("checkpoint after the catch-up: %+v, %v; want it not pending", cp, err)
		}
		if err := s.Wait(ctx, projection.AttendanceName, head); err != nil {
			t.Fatal(err)
		}
		return s
	}
	one := build("one", 0)
	resumed := build("resumed", closeSeq)
	if got, want := viewDigest(t, resumed.View()), viewDigest(t, one.View()); got != want {
		t.Fatalf("resumed before the close: %x, one pass %x", got[:8], want[:8])
	}
	stopped := build("stopped", head+1)
	if got, want := viewDigest(t, stopped.View()), viewDigest(t, one.View()); got != want {
		t.Fatalf("resumed with nothing to apply: %x, one pass %x", got[:8], want[:8])
	}
	rows, err := projection.Payroll(one.View().Reader(projection.AttendanceName), attendance.EmployeeActor("E1"), projection.Query{Employee: "E1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || rows[0].From != "2026-11-02" || rows[0].Totals.Worked == 0 || len(rows[0].Adjustments) != 0 {
		t.Fatalf("the 13th is not booked into the closed period: %+v", rows)
	}
	days, err := projection.Daily(one.View().Reader(projection.AttendanceName), attendance.EmployeeActor("E1"),
		projection.Query{Employee: "E1", From: rules.MustDate("2026-11-18"), To: rules.MustDate("2026-11-18")})
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 1 || days[0].FirstIn == "" {
		t.Fatalf("the day the log ends in is not evaluated: %+v", days)
	}
}

// TestDailyOverManyEmployees: a report over many employees (read with one iterator
// seeking from one employee's days to the next) equals their reports one by one.
func TestDailyOverManyEmployees(t *testing.T) {
	w, fresh, _ := reuseWorld(t)
	defer w.close()
	defer fresh.Close()
	v := fresh.View()
	defer v.Close()
	r := v.Reader(projection.AttendanceName)
	everyone := []string{empID(0), empID(1), empID(2), empID(3), empID(4), empID(5), empID(6), empID(7)}
	from, to := rules.MustDate("2026-11-10"), rules.MustDate("2026-11-12")
	for _, tc := range []struct {
		q    projection.Query
		emps []string
	}{
		{projection.Query{}, everyone},
		{projection.Query{From: from, To: to}, everyone},
		{projection.Query{From: from}, everyone},
		{projection.Query{To: to}, everyone},
		{projection.Query{From: to, To: from}, everyone}, // empty range
		{projection.Query{Team: empID(0)}, everyone[1:]},
		{projection.Query{Team: empID(0), From: from, To: to}, everyone[1:]},
	} {
		all, err := projection.Daily(r, hr, tc.q)
		if err != nil {
			t.Fatal(err)
		}
		var one []projection.DayRow
		for _, e := range tc.emps {
			q := tc.q
			q.Team, q.Employee = "", e
			rows, err := projection.Daily(r, hr, q)
			if err != nil {
				t.Fatal(err)
			}
			one = append(one, rows...)
		}
		if len(all) != len(one) || !reflect.DeepEqual(all, one) {
			t.Fatalf("%+v: %d rows at once, %d one employee at a time", tc.q, len(all), len(one))
		}
		empty := !tc.q.To.IsZero() && tc.q.From.After(tc.q.To)
		if empty != (len(all) == 0) {
			t.Fatalf("%+v: %d rows", tc.q, len(all))
		}
	}
}

// TestDailyEmployeeOrder: employee IDs whose string order is not their day keys' order
// ("A" before "A-1", but "d/A-1/" before "d/A/") are reported as one by one, in the
// same order.
func TestDailyEmployeeOrder(t *testing.T) {
	fs := vfs.NewMem()
	w := newWorld(t, fs, "ledger")
	defer w.close()
	w.clock = local(t, "2026-11-01 08:00")
	w.commit(w.clock, w.policyEvent(loadPolicy(t, "testdata/policy.json", 1, "2026-10-01")), w.roleEvent(hrID, "hr"))
	emps := []string{"A", "A-1", "A.2", "A0", "B"}
	for i, e := range emps {
		w.commit(local(t, "2026-11-01 08:01").Add(time.Duration(i)*time.Second), w.employeeEvent(e, "", "default", "2026-11-09"))
	}
	for i, e := range emps {
		at := local(t, "2026-11-10 09:00").Add(time.Duration(i) * time.Minute)
		w.commit(at, w.punchEvent(punchSpec{emp: e, name: "in/" + e, kind: rules.KindIn, at: at}, at))
	}
	w.commit(local(t, "2026-11-12 12:00"), w.tickEvent("later"))
	s, err := projection.Open("p", w.l, &projection.Options{FS: fs})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CatchUp(context.Background(), 0, projection.NewAttendance()); err != nil {
		t.Fatal(err)
	}
	v := s.View()
	defer v.Close()
	r := v.Reader(projection.AttendanceName)
	for _, q := range []projection.Query{{}, {From: rules.MustDate("2026-11-10"), To: rules.MustDate("2026-11-11")}} {
		all, err := projection.Daily(r, hr, q)
		if err != nil {
			t.Fatal(err)
		}
		var one []projection.DayRow
		for _, e := range emps {
			q1 := q
			q1.Employee = e
			rows, err := projection.Daily(r, hr, q1)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) == 0 {
				t.Fatalf("%s: no rows", e)
			}
			one = append(one, rows...)
		}
		if !reflect.DeepEqual(all, one) {
			var got []string
			for _, row := range all {
				got = append(got, row.Employee+" "+row.Date)
			}
			t.Fatalf("%+v: everyone's report (%d rows) is not the employees' one by one (%d rows): %v", q, len(all), len(one), got)
		}
	}
}
