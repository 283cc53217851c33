package main

import (
	"flag"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/projection"
	"github.com/punchledger/punchledger/rules"
)

func init() {
	for _, r := range []struct{ name, summary, example string }{
		{"daily", "daily attendance: status, first in, last out, worked, late, overtime, exceptions",
			`punchledger --actor manager:M1 report daily --team M1 --from 2026-11-02 --to 2026-11-06`},
		{"payroll", "payroll hours per pay period: regular, overtime by kind, night, breaks, adjustments",
			`punchledger --actor hr:H1 report payroll --from 2026-11-01 --to 2026-11-30 --format csv`},
		{"exceptions", "what needs a person: missing punches, flagged punches, pending corrections",
			`punchledger --actor manager:M1 report exceptions --team M1`},
		{"quota", "correction requests per employee and month against the policy's limit",
			`punchledger --actor hr:H1 report quota --from 2026-11-01 --to 2026-11-30`},
	} {
		kind := r.name
		register(&command{
			name:    "report " + r.name,
			summary: r.summary,
			long: `Reports come from the attendance projection, which is brought up to date with the
ledger first (kept in <db>/projections; it can always be rebuilt from the log). Only what
--actor may see is shown: an employee himself, a manager his team, hr, admins and auditors
everyone. --as-of replays the log as it stood at a time or sequence number instead.`,
			example: r.example,
			run:     func(e *env, args []string) error { return runReport(e, args, kind) },
		})
	}
	register(&command{
		name:    "explain",
		summary: "the events, policy version and rule clauses behind one employee-day",
		example: `punchledger --actor manager:M1 explain --employee E1001 --date 2026-11-03`,
		run:     runExplain,
	})
	register(&command{
		name:    "replay",
		summary: "rebuild the reports over the log as it stood at a time or sequence (as-of replay)",
		long: `Builds the attendance projection over the events recorded up to --as-of (an RFC 3339
time, a date meaning the end of that day in UTC, or a sequence number), in a space of its
own, and prints the chosen report from it, with the tree head at that point.`,
		example: `punchledger --actor auditor:A1 replay --as-of 2026-12-01T00:00:00Z --report payroll`,
		run:     runReplay,
	})
	register(&command{
		name:    "diff",
		summary: "what changed in daily results between the log as of a point and now",
		example: `punchledger --actor auditor:A1 diff --as-of 2026-12-01T00:00:00Z --from 2026-11-01 --to 2026-11-30`,
		run:     runDiff,
	})
	register(&command{
		name:    "rebuild",
		summary: "drop the projection state and rebuild it from the whole log",
		example: `punchledger rebuild`,
		run:     runRebuild,
	})
}

// queryFlags are the common report filters and --as-of.
type queryFlags struct {
	employee, team, from, to, asOf *string
}

func addQueryFlags(fs *flag.FlagSet) *queryFlags {
	return &queryFlags{
		employee: fs.String("employee", "", "only this employee `ID`"),
		team:     fs.String("team", "", "only the direct reports of this manager `ID`"),
		from:     fs.String("from", "", "first `date`, YYYY-MM-DD"),
		to:       fs.String("to", "", "last `date`, YYYY-MM-DD"),
		asOf:     fs.String("as-of", "", "replay the log as of this RFC 3339 `time`, date or sequence number"),
	}
}

func (q *queryFlags) query() (projection.Query, error) {
	from, err := optDate("from", *q.from)
	if err != nil {
		return projection.Query{}, err
	}
	to, err := optDate("to", *q.to)
	if err != nil {
		return projection.Query{}, err
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return projection.Query{}, usagef("--to %s is before --from %s", to, from)
	}
	return projection.Query{Employee: *q.employee, Team: *q.team, From: from, To: to}, nil
}

// asOfSeq resolves --as-of to a sequence number of l.
func (e *env) asOfSeq(l *ledger.Ledger, s string) (uint64, error) {
	if n, err := strconv.ParseUint(s, 10, 64); err == nil {
		head, _ := l.Head()
		if n == 0 || n > head {
			return 0, fmt.Errorf("--as-of %d: the ledger has sequences 1..%d", n, head)
		}
		return n, nil
	}
	var t time.Time
	if d, err := rules.ParseDate(s); err == nil {
		t = time.Date(d.Year, d.Month, d.Day, 23, 59, 59, 999999999, time.UTC)
	} else if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
		return 0, usagef("--as-of %q: want an RFC 3339 time, a date YYYY-MM-DD or a sequence number", s)
	}
	seq, err := l.SeqAsOf(t)
	if err != nil {
		return 0, err
	}
	if seq == 0 {
		return 0, fmt.Errorf("--as-of %s: nothing was recorded by then", s)
	}
	return seq, nil
}

// reports is what a report command reads: the acting actor and the attendance
// projection's view over the ledger (live, or an as-of replay's), with the view's seq.
type reports struct {
	a      attendance.Actor
	l      *ledger.Ledger
	st     *projection.Store
	v      *projection.View
	seq    uint64
	replay bool // v is an as-of replay: Close also drops its state
}

// Close closes the view (dropping an as-of replay's state), the store and the ledger.
func (r *reports) Close() {
	if r.v != nil {
		r.v.Close()
		if r.replay {
			r.st.DropReplay(r.seq)
		}
	}
	if r.st != nil {
		r.st.Close()
	}
	r.l.Close()
}

// attendance reads the attendance projection in the view.
func (r *reports) attendance() projection.Reader { return r.v.Reader(projection.AttendanceName) }

// openProjections opens the projection store kept in <db>/projections. It is not synced:
// it can always be rebuilt from the log.
func (e *env) openProjections(l *ledger.Ledger) (*projection.Store, error) {
	return projection.Open(filepath.Join(e.dbPath(), "projections"), l, &projection.Options{NoSync: true})
}

// openReports resolves --actor, opens the ledger and the projection store, brings the
// attendance projection up to date and opens the live view, or an as-of replay's when
// asOf is set.
func (e *env) openReports(asOf string) (_ *reports, err error) {
	a, err := e.actor()
	if err != nil {
		return nil, err
	}
	l, err := e.openLedger()
	if err != nil {
		return nil, err
	}
	r := &reports{a: a, l: l}
	defer func() {
		if err != nil {
			r.Close()
		}
	}()
	if r.st, err = e.openProjections(l); err != nil {
		return nil, err
	}
	if err = r.st.CatchUp(e.ctx, 0, projection.NewAttendance()); err != nil {
		return nil, err
	}
	if asOf == "" {
		r.seq, _ = l.Head()
		r.v = r.st.View()
		return r, nil
	}
	if r.seq, err = e.asOfSeq(l, asOf); err != nil {
		return nil, err
	}
	if r.v, err = r.st.Replay(e.ctx, r.seq, projection.NewAttendance()); err != nil {
		return nil, err
	}
	r.replay = true
	return r, nil
}

func runReport(e *env, args []string, kind string) error {
	fs := e.flags()
	qf := addQueryFlags(fs)
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	q, err := qf.query()
	if err != nil {
		return err
	}
	r, err := e.openReports(*qf.asOf)
	if err != nil {
		return err
	}
	defer r.Close()
	return e.printReport(r.attendance(), r.a, q, kind)
}

func (e *env) printReport(rd projection.Reader, a attendance.Actor, q projection.Query, kind string) error {
	switch kind {
	case "daily":
		rows, err := projection.Daily(rd, a, q)
		if err != nil {
			return explainErr(err)
		}
		return e.emit(nonNil(rows), dailyTable(rows))
	case "payroll":
		rows, err := projection.Payroll(rd, a, q)
		if err != nil {
			return explainErr(err)
		}
		return e.emit(nonNil(rows), payrollTable(rows))
	case "exceptions":
		rows, err := projection.Exceptions(rd, a, q)
		if err != nil {
			return explainErr(err)
		}
		return e.emit(nonNil(rows), exceptionTable(rows))
	case "quota":
		rows, err := projection.Quota(rd, a, q)
		if err != nil {
			return explainErr(err)
		}
		t := newTable("employee", "month", "requested", "pending", "approved", "rejected", "withdrawn", "used", "limit")
		for _, x := range rows {
			t.add(x.Employee, x.Month, x.Requested, x.Pending, x.Approved, x.Rejected, x.Withdrawn, x.Used, x.Limit)
		}
		return e.emit(nonNil(rows), t)
	}
	return usagef("unknown report %q: daily, payroll, exceptions or quota", kind)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// hm formats minutes as h:mm.
func hm(min int32) string {
	sign := ""
	if min < 0 {
		sign, min = "-", -min
	}
	return fmt.Sprintf("%s%d:%02d", sign, min/60, min%60)
}

// clock extracts HH:MM from an RFC 3339 time in the policy's zone.
func clock(s string) string {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.Format("15:04")
	}
	return s
}

func overtimeText(ot []projection.OvertimeRow) string {
	var parts []string
	for _, o := range ot {
		parts = append(parts, fmt.Sprintf("%s %s@%s", hm(o.Minutes), o.Category, rules.Percent(o.Percent)))
	}
	return strings.Join(parts, " ")
}

func dailyTable(rows []projection.DayRow) *table {
	t := newTable("employee", "date", "status", "in", "out", "worked", "late", "early", "overtime", "exceptions", "final")
	for _, d := range rows {
		var ex []string
		for _, x := range d.Exceptions {
			ex = append(ex, x.Code)
		}
		status := d.Status
		if d.Field {
			status += " (field)"
		}
		if d.Kind != "working" && d.Kind != "" {
			status += " [" + d.Kind + "]"
		}
		t.add(d.Employee, d.Date, status, clock(d.FirstIn), clock(d.LastOut), hm(d.Worked), d.Late, d.EarlyLeave,
			overtimeText(d.Figures.Overtime), truncate(strings.Join(ex, ","), 30), d.Final)
	}
	return t
}

func payrollTable(rows []projection.PayrollRow) *table {
	t := newTable("employee", "period", "closed", "days", "worked", "regular", "overtime", "night", "unpaid brk", "absent", "leave", "adjust")
	for _, p := range rows {
		adj := ""
		if len(p.Adjustments) > 0 {
			adj = fmt.Sprintf("%d (%s)", len(p.Adjustments), hm(p.Adjusted.Worked))
		}
		f := p.Totals
		t.add(p.Employee, p.From+".."+p.To[5:], p.Closed, f.Days, hm(f.Worked), hm(f.Regular), overtimeText(f.Overtime),
			hm(f.Night), hm(f.UnpaidBreak), f.Absent, f.Leave, adj)
	}
	return t
}

func exceptionTable(rows []projection.ExceptionRow) *table {
	t := newTable("employee", "date", "code", "detail", "event")
	for _, x := range rows {
		ev := ""
		if x.Event.Seq != 0 {
			ev = fmt.Sprintf("#%d %s", x.Event.Seq, x.Event.Type)
		}
		t.add(x.Employee, x.Date, x.Code, truncate(x.Detail, 50), ev)
	}
	return t
}

func runExplain(e *env, args []string) error {
	fs := e.flags()
	emp := fs.String("employee", "", "employee `ID`")
	date := fs.String("date", "", "the `date`, YYYY-MM-DD")
	asOf := fs.String("as-of", "", "explain the day as the log stood at this `time` or sequence")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := requireAll("employee", *emp, "date", *date); err != nil {
		return err
	}
	d, err := parseDate("date", *date)
	if err != nil {
		return err
	}
	r, err := e.openReports(*asOf)
	if err != nil {
		return err
	}
	defer r.Close()
	x, err := projection.Explain(r.attendance(), r.a, *emp, d)
	if err != nil {
		return explainErr(err)
	}
	if e.format != "table" {
		return writeJSON(e.stdout, x)
	}
	return writeExplanation(e.stdout, x)
}

func runReplay(e *env, args []string) error {
	fs := e.flags()
	qf := addQueryFlags(fs)
	report := fs.String("report", "payroll", "`report` to print: daily, payroll, exceptions or quota")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *qf.asOf == "" {
		return usagef("--as-of is required")
	}
	q, err := qf.query()
	if err != nil {
		return err
	}
	r, err := e.openReports(*qf.asOf)
	if err != nil {
		return err
	}
	defer r.Close()
	ev, err := r.l.Get(r.seq)
	if err != nil {
		return err
	}
	if e.format == "table" {
		fmt.Fprintf(e.stdout, "As of event #%d, recorded %s:\n\n", r.seq, ev.RecordedAt.UTC().Format(time.RFC3339))
	}
	return e.printReport(r.attendance(), r.a, q, *report)
}

func runDiff(e *env, args []string) error {
	fs := e.flags()
	qf := addQueryFlags(fs)
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *qf.asOf == "" {
		return usagef("--as-of is required: the point to compare with now")
	}
	q, err := qf.query()
	if err != nil {
		return err
	}
	r, err := e.openReports(*qf.asOf)
	if err != nil {
		return err
	}
	defer r.Close()
	after := r.st.View()
	defer after.Close()
	changes, err := projection.DiffDaily(r.attendance(), after.Reader(projection.AttendanceName), r.a, q)
	if err != nil {
		return explainErr(err)
	}
	t := newTable("employee", "date", "before", "after", "worked before", "worked after", "last event")
	for _, c := range changes {
		bs, as, bw, aw, last := "-", "-", "-", "-", ""
		if c.Before != nil {
			bs, bw = c.Before.Status, hm(c.Before.Worked)
		}
		if c.After != nil {
			as, aw, last = c.After.Status, hm(c.After.Worked), fmt.Sprintf("#%d", c.After.LastSeq)
		}
		t.add(c.Employee, c.Date, bs, as, bw, aw, last)
	}
	if e.format == "table" {
		head, _ := r.l.Head()
		fmt.Fprintf(e.stdout, "Daily results that differ between event #%d and now (#%d): %d\n\n", r.seq, head, len(changes))
	}
	return e.emit(map[string]any{"as_of_seq": r.seq, "changes": nonNil(changes)}, t)
}

func runRebuild(e *env, args []string) error {
	fs := e.flags()
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	l, err := e.openLedger()
	if err != nil {
		return err
	}
	defer l.Close()
	st, err := e.openProjections(l)
	if err != nil {
		return err
	}
	defer st.Close()
	start := e.m.Now()
	if err := st.Rebuild(e.ctx, projection.NewAttendance()); err != nil {
		return err
	}
	cp, err := st.Checkpoint(projection.AttendanceName)
	if err != nil {
		return err
	}
	took := e.m.Now().Sub(start)
	return e.emit(map[string]any{"projection": projection.AttendanceName, "seq": cp.Seq, "seconds": took.Seconds()},
		kv("projection", projection.AttendanceName, "events applied", cp.Seq, "took", took.Round(time.Millisecond)))
}
