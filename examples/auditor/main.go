// Command auditor shows what an auditor does with a punchledger ledger, without trusting
// whoever runs it: verify the whole log, check that a later signed checkpoint extends an
// earlier one (history was only appended to), check a punch's inclusion receipt, replay
// the reports as of the pay period's close, and diff them with today's.
//
//	go run ./examples/auditor                      # builds a small ledger, then audits it
//	go run ./examples/auditor -db ./demo.db -as-of 2026-12-01T15:30:00Z
//
// With -db it audits an existing ledger (for example one kept by 'punchledger demo --dir'):
// verify, replay as of -as-of, and the diff with now.
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/projection"
	"github.com/punchledger/punchledger/rules"
)

const policy = `{
  "id": "default", "version": 1, "effective_from": "2026-01-01", "time_zone": "America/Chicago",
  "shifts": [{"name": "day", "start": "08:00", "end": "16:30", "check_in_opens": 120, "check_out_closes": 240,
              "late_grace": 5, "early_leave_grace": 5, "half_day_below": 0, "absent_below": 0,
              "breaks": [{"start": "12:00", "end": "12:30", "paid": false}]}],
  "week": [{"day": "monday", "shift": "day"}, {"day": "tuesday", "shift": "day"}, {"day": "wednesday", "shift": "day"},
           {"day": "thursday", "shift": "day"}, {"day": "friday", "shift": "day"}],
  "calendar": {"evaluate_on_holidays": false}, "rounding": {"in": {"interval": 0}, "out": {"interval": 0}},
  "overtime": {"preset": "us_flsa", "approval_required": false, "count_early_arrival": false},
  "remote": {}, "corrections": {"allowed": ["missing_in", "missing_out"], "limit": 5, "deadline": 10, "evidence_required": false},
  "privacy": {"location": "verdict"}, "pay_period": {"kind": "weekly", "anchor": "2026-03-02"}
}`

func main() {
	db := flag.String("db", "", "audit this existing ledger `directory` instead of building one")
	asOf := flag.String("as-of", "", "with -db: replay as of this RFC 3339 `time`")
	who := flag.String("actor", "employee:A1", "with -db: the auditor (an employee with the auditor role)")
	flag.Parse()
	ctx := context.Background()
	auditor, err := attendance.ParseActor(*who)
	if err != nil {
		log.Fatal(err)
	}
	if *db != "" {
		err = auditExisting(ctx, *db, *asOf, auditor)
	} else {
		err = story(ctx)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// story builds a week of work, closes the pay period, lets a correction arrive after
// the close, and audits the result.
func story(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "punchledger-auditor-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	chicago, _ := time.LoadLocation("America/Chicago")
	now := time.Date(2026, 3, 2, 7, 0, 0, 0, chicago)
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
	skey, vkey, err := note.GenerateKey(rand.Reader, "acme.example/attendance")
	if err != nil {
		return err
	}
	signer, _ := note.NewSigner(skey)
	verifier, _ := note.NewVerifier(vkey)
	keys := note.VerifierList(verifier) // what the auditor holds: the public key only

	// The operator's side: a week for employee E1 (forgot to clock out on Wednesday).
	admin, e1, boss := attendance.EmployeeActor("admin"), attendance.EmployeeActor("E1"), attendance.EmployeeActor("M1")
	must(svc.Bootstrap(ctx, attendance.SystemActor(), "admin"))
	p, err := rules.ParsePolicy([]byte(policy))
	if err != nil {
		return err
	}
	must(svc.PublishPolicy(ctx, admin, p))
	must(svc.GrantRole(ctx, admin, "A1", attendance.RoleAuditor))
	must(svc.RegisterEmployee(ctx, admin, attendance.Employee{ID: "M1", PolicyID: "default"}))
	must(svc.RegisterEmployee(ctx, admin, attendance.Employee{ID: "E1", ManagerID: "M1", PolicyID: "default"}))
	var firstPunch uint64
	for d := 0; d < 5; d++ {
		for i, hm := range [][2]int{{7, 58}, {16, 41}} {
			if d == 2 && i == 1 {
				continue // Wednesday: no clock-out
			}
			now = time.Date(2026, 3, 2+d, hm[0], hm[1], 0, 0, chicago)
			r, err := svc.RecordPunch(ctx, e1, "E1", attendance.PunchInput{Kind: rules.PunchKind(i + 1), Source: attendance.SourceWeb, At: now})
			if err != nil {
				return err
			}
			if firstPunch == 0 {
				firstPunch = r.FirstSeq
			}
		}
	}
	now = time.Date(2026, 3, 9, 9, 0, 0, 0, chicago)
	must(svc.ClosePayPeriod(ctx, admin, attendance.PayPeriod{PolicyID: "default", From: rules.MustDate("2026-03-02"), To: rules.MustDate("2026-03-08")}))
	closedAt := now
	atClose, err := l.Checkpoint(signer) // published by the operator at the close
	if err != nil {
		return err
	}
	receipt, err := l.ProveInclusion(firstPunch, 0) // handed to E1 at the close
	if err != nil {
		return err
	}
	punch, err := l.Get(firstPunch)
	if err != nil {
		return err
	}
	now = time.Date(2026, 3, 10, 8, 30, 0, 0, chicago)
	req, err := svc.RequestCorrection(ctx, e1, "E1", attendance.CorrectionInput{Day: rules.MustDate("2026-03-04"),
		Kind: rules.CorrectMissingOut, At: time.Date(2026, 3, 4, 16, 35, 0, 0, chicago), Reason: "forgot"})
	if err != nil {
		return err
	}
	now = now.Add(2 * time.Hour)
	if _, err := svc.ApproveCorrection(ctx, boss, "E1", req.ID, "ok"); err != nil {
		return err
	}
	today, err := l.Checkpoint(signer)
	if err != nil {
		return err
	}

	// The auditor's side.
	fmt.Println("1. Verify: every event's hash, the chain and the Merkle root.")
	if err := l.Verify(ctx); err != nil {
		return err
	}
	th := l.TreeHead()
	fmt.Printf("   ok, %d events, root %s\n", th.Size, th.Root)

	fmt.Println("2. Consistency: today's signed checkpoint extends the one published at the close.")
	old, err := ledger.OpenCheckpoint(atClose, keys)
	if err != nil {
		return err
	}
	cur, err := ledger.OpenCheckpoint(today, keys)
	if err != nil {
		return err
	}
	cp, err := l.ProveConsistency(old.Size, cur.Size)
	if err != nil {
		return err
	}
	if err := ledger.VerifyConsistency(cp, old, cur); err != nil {
		return err
	}
	fmt.Printf("   ok, tree of %d events → %d events, %d hashes of proof: nothing was changed, only appended\n", old.Size, cur.Size, len(cp.Path))

	fmt.Println("3. A punch receipt E1 kept since the close, checked against the close checkpoint.")
	if err := ledger.VerifyInclusion(receipt, punch.LeafHash(), old); err != nil {
		return err
	}
	fmt.Printf("   ok, event #%d (%s at %s) is in the signed tree of %d events\n", punch.Seq, punch.Type,
		punch.OccurredAt.In(chicago).Format("Mon 15:04"), old.Size)
	forged := punch
	forged.OccurredAt = forged.OccurredAt.Add(-30 * time.Minute)
	if err := ledger.VerifyInclusion(receipt, forged.LeafHash(), old); err != nil {
		fmt.Printf("   and the same punch moved 30 minutes earlier is refused: %v\n", err)
	}

	st, err := projection.Open(filepath.Join(dir, "projections"), l, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	return replayAndDiff(ctx, st, attendance.EmployeeActor("A1"), closedAt, projection.Query{Employee: "E1"})
}

// replayAndDiff prints payroll as of t and now, and the days that differ.
func replayAndDiff(ctx context.Context, st *projection.Store, auditor attendance.Actor, t time.Time, q projection.Query) error {
	if err := st.CatchUp(ctx, 0, projection.NewAttendance()); err != nil {
		return err
	}
	then, seq, err := st.ReplayAsOf(ctx, t, projection.NewAttendance())
	if err != nil {
		return err
	}
	defer then.Close()
	live := st.View()
	defer live.Close()
	fmt.Printf("4. Replay as of %s (event #%d) beside today: payroll minutes per period.\n", t.UTC().Format(time.RFC3339), seq)
	for _, v := range []struct {
		name string
		v    *projection.View
	}{{"as of", then}, {"today", live}} {
		rows, err := projection.Payroll(v.v.Reader(projection.AttendanceName), auditor, q)
		if err != nil {
			return err
		}
		for _, r := range rows {
			fmt.Printf("   %-6s %s %s..%s closed=%-5v worked %4d min, adjustments %d (%+d min)\n", v.name, r.Employee,
				r.From, r.To, r.Closed, r.Totals.Worked, len(r.Adjustments), r.Adjusted.Worked)
		}
	}
	fmt.Println("5. Diff of the daily results between then and today.")
	changes, err := projection.DiffDaily(then.Reader(projection.AttendanceName), live.Reader(projection.AttendanceName), auditor, q)
	if err != nil {
		return err
	}
	for _, c := range changes {
		b, a := "(none)", "(none)"
		if c.Before != nil {
			b = fmt.Sprintf("%s, %d min", c.Before.Status, c.Before.Worked)
		}
		if c.After != nil {
			a = fmt.Sprintf("%s, %d min (event #%d)", c.After.Status, c.After.Worked, c.After.LastSeq)
		}
		fmt.Printf("   %s %s: %s → %s\n", c.Employee, c.Date, b, a)
	}
	fmt.Printf("   %d day(s) changed after the close; the closed period's totals did not.\n", len(changes))
	return nil
}

// auditExisting verifies a ledger directory and replays it as of a time.
func auditExisting(ctx context.Context, dir, asOf string, auditor attendance.Actor) error {
	if _, err := os.Stat(filepath.Join(dir, "checkpoint.pub")); err != nil {
		return fmt.Errorf("%s does not look like a punchledger ledger: %w", dir, err)
	}
	l, err := ledger.Open(dir, nil)
	if err != nil {
		return err
	}
	defer l.Close()
	if err := l.Verify(ctx); err != nil {
		return err
	}
	th := l.TreeHead()
	fmt.Printf("verify: ok, %d events, root %s\n", th.Size, th.Root)
	if asOf == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, asOf)
	if err != nil {
		return fmt.Errorf("-as-of: %w", err)
	}
	st, err := projection.Open(filepath.Join(dir, "projections"), l, &projection.Options{NoSync: true})
	if err != nil {
		return err
	}
	defer st.Close()
	return replayAndDiff(ctx, st, auditor, t, projection.Query{})
}

func must(_ attendance.Receipt, err error) {
	if err != nil {
		log.Fatal(err)
	}
}
