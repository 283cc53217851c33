// Command embed is the smallest useful program on punchledger: it opens a ledger, publishes
// a policy, registers an employee, records a day of punches, asks the attendance
// projection what the day was worth, and verifies the log.
//
//	go run ./examples/embed
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/projection"
	"github.com/punchledger/punchledger/rules"
)

// policy: Monday to Friday 09:00–17:00 in Berlin, a 30-minute unpaid break after six
// hours, punches accepted from anywhere (no location rules).
const policy = `{
  "id": "office", "version": 1, "effective_from": "2026-01-01", "time_zone": "Europe/Berlin",
  "shifts": [{"name": "day", "start": "09:00", "end": "17:00", "check_in_opens": 120, "check_out_closes": 240,
              "late_grace": 5, "early_leave_grace": 5, "half_day_below": 0, "absent_below": 0,
              "auto_break": {"after": 360, "minutes": 30, "paid": false}}],
  "week": [{"day": "monday", "shift": "day"}, {"day": "tuesday", "shift": "day"}, {"day": "wednesday", "shift": "day"},
           {"day": "thursday", "shift": "day"}, {"day": "friday", "shift": "day"}],
  "calendar": {"evaluate_on_holidays": false}, "rounding": {"in": {"interval": 0}, "out": {"interval": 0}},
  "overtime": {"approval_required": false, "count_early_arrival": false},
  "remote": {}, "corrections": {"allowed": ["missing_out"], "limit": 3, "deadline": 7, "evidence_required": false},
  "privacy": {"location": "coarse"}, "pay_period": {"kind": "monthly"}
}`

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "punchledger-embed-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	// The clock is an input: here a simulated one, so the example tells the same story
	// on any day. A real program leaves Now nil (time.Now).
	loc, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, loc)
	clock := func() time.Time { return now }

	l, err := ledger.Open(filepath.Join(dir, "ledger"), &ledger.Options{Now: clock})
	if err != nil {
		return err
	}
	defer l.Close()
	svc, err := attendance.New(l, &attendance.Options{Now: clock})
	if err != nil {
		return err
	}

	// Set up: the first admin, the policy, one employee.
	admin := attendance.EmployeeActor("admin")
	if _, err := svc.Bootstrap(ctx, attendance.SystemActor(), "admin"); err != nil {
		return err
	}
	p, err := rules.ParsePolicy([]byte(policy))
	if err != nil {
		return err
	}
	if _, err := svc.PublishPolicy(ctx, admin, p); err != nil {
		return err
	}
	if _, err := svc.RegisterEmployee(ctx, admin, attendance.Employee{ID: "E1", PolicyID: "office"}); err != nil {
		return err
	}

	// A day of work: in at 08:57, out at 17:41, from a browser.
	ada := attendance.EmployeeActor("E1")
	for _, pu := range []struct {
		kind   rules.PunchKind
		hh, mm int
	}{{rules.KindIn, 8, 57}, {rules.KindOut, 17, 41}} {
		now = time.Date(2026, 3, 2, pu.hh, pu.mm, 0, 0, loc)
		res, err := svc.RecordPunch(ctx, ada, "E1", attendance.PunchInput{Kind: pu.kind, Source: attendance.SourceWeb, At: now})
		if err != nil {
			return err
		}
		fmt.Printf("punch %-3s at %s → event #%d, %s\n", pu.kind, now.Format("15:04"), res.FirstSeq, res.Outcome)
	}

	// The next morning, the attendance projection tells what the day was worth.
	now = time.Date(2026, 3, 3, 8, 0, 0, 0, loc)
	st, err := projection.Open(filepath.Join(dir, "projections"), l, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.CatchUp(ctx, 0, projection.NewAttendance()); err != nil {
		return err
	}
	view := st.View()
	defer view.Close()
	days, err := projection.Daily(view.Reader(projection.AttendanceName), ada, projection.Query{Employee: "E1"})
	if err != nil {
		return err
	}
	for _, d := range days {
		fmt.Printf("%s %s: %s, worked %dh%02d, overtime %d min, final %v\n",
			d.Employee, d.Date, d.Status, d.Worked/60, d.Worked%60, overtime(d), d.Final)
	}

	// Every event is hash-chained and in a Merkle tree: verify it all.
	if err := l.Verify(ctx); err != nil {
		return err
	}
	th := l.TreeHead()
	fmt.Printf("verified %d events, root %s\n", th.Size, th.Root)
	return nil
}

func overtime(d projection.DayRow) int32 {
	var m int32
	for _, o := range d.Figures.Overtime {
		m += o.Minutes
	}
	return m
}
