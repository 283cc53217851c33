package projection_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/projection"
	"github.com/punchledger/punchledger/rules"
)

// TestScenarios runs the scenario files in testdata/scenarios. Each file is a story:
// events appended at recorded times (local New York times, "2006-01-02T15:04"), catch-ups
// of the live projection, and queries whose output is checked. Rewrite with -rewrite.
//
// Commands:
//
//	policy version=N from=DATE at=T [file=F] [late_grace=M]
//	employee id=E manager=M at=T [joined=DATE]
//	role id=E role=hr|admin|auditor at=T
//	punch emp=E name=N kind=in|out time=T at=T [offline] [outcome=flag|reject|field] [finding=CODE]
//	correct emp=E name=N day=DATE kind=K [punch=in|out] [time=T] at=T
//	approve|reject emp=E manager=M name=N at=T
//	shift emp=E name=N from=DATE to=DATE shift=S at=T
//	leave emp=E name=N from=DATE to=DATE kind=K at=T
//	close from=DATE to=DATE at=T
//	tick at=T                      an unrelated event: log time moves on
//	catchup                        the live projection catches up with the log
//	daily|exceptions|payroll|quota [as=ACTOR (default employee:HR0, who has the hr role)] [emp=E] [team=M] [from=DATE] [to=DATE] [asof=T]
//	explain emp=E date=DATE [as=ACTOR] [asof=T]
//	diff asof=T [emp=E]            daily rows changed between the run as of T and live
func TestScenarios(t *testing.T) {
	datadriven.Walk(t, "testdata/scenarios", func(t *testing.T, path string) {
		fs := vfs.NewMem()
		w := newWorld(t, fs, "ledger")
		defer w.close()
		s, err := projection.Open("proj", w.l, &projection.Options{FS: fs})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ctx := context.Background()
		w.commit(w.clock, w.roleEvent("HR0", "hr")) // the default reader of the queries
		datadriven.RunTest(t, path, func(t *testing.T, td *datadriven.TestData) string {
			arg := func(k string) string {
				for _, a := range td.CmdArgs {
					if a.Key == k {
						return strings.Join(a.Vals, ",")
					}
				}
				return ""
			}
			has := func(k string) bool { return td.HasArg(k) }
			at := func(k string) time.Time {
				v := arg(k)
				tm, err := time.ParseInLocation("2006-01-02T15:04", v, newYork)
				if err != nil {
					t.Fatalf("%s: %s=%q: %v", td.Pos, k, v, err)
				}
				return tm
			}
			setClock := func() {
				if has("at") {
					tm := at("at")
					if tm.Before(w.clock) {
						t.Fatalf("%s: time goes back", td.Pos)
					}
					w.clock = tm
				}
			}
			kind := func(k string) rules.PunchKind {
				pk, ok := rules.ParsePunchKind(arg(k))
				if !ok {
					t.Fatalf("%s: bad %s", td.Pos, k)
				}
				return pk
			}
			switch td.Cmd {
			case "policy":
				file := "testdata/policy.json"
				if has("file") {
					file = "testdata/" + arg("file")
				}
				var v int
				fmt.Sscan(arg("version"), &v)
				p := loadPolicy(t, file, v, arg("from"))
				if has("late_grace") {
					fmt.Sscan(arg("late_grace"), &p.Shifts[0].LateGrace)
					if err := p.Validate(); err != nil {
						t.Fatal(err)
					}
				}
				setClock()
				w.commit(w.clock, w.policyEvent(p))
			case "employee":
				setClock()
				w.commit(w.clock, w.employeeEvent(arg("id"), arg("manager"), "default", arg("joined")))
			case "role":
				setClock()
				w.commit(w.clock, w.roleEvent(arg("id"), arg("role")))
			case "punch":
				setClock()
				ps := punchSpec{emp: arg("emp"), name: arg("name"), kind: kind("kind"), at: at("time"), offline: has("offline")}
				switch arg("outcome") {
				case "flag":
					ps.outcome = rules.OutcomeFlag
				case "reject":
					ps.outcome = rules.OutcomeReject
				case "field":
					ps.outcome = rules.OutcomeField
				}
				if has("finding") {
					ps.findings = []rules.Reason{{Code: arg("finding"), Clause: "remote.actions", Detail: "from the scenario"}}
				}
				w.commit(w.clock, w.punchEvent(ps, w.clock))
			case "correct":
				setClock()
				var tm time.Time
				var pk rules.PunchKind
				if has("time") {
					tm = at("time")
				}
				if has("punch") {
					pk = kind("punch")
				}
				w.commit(w.clock, w.correctionEvent(arg("emp"), arg("name"), arg("day"), arg("kind"), pk, tm))
			case "void":
				setClock()
				w.commit(w.clock, w.voidEvent(arg("emp"), arg("manager"), arg("punch")))
			case "approve":
				setClock()
				w.commit(w.clock, w.approveEvent(arg("emp"), arg("manager"), arg("name")))
			case "reject":
				setClock()
				w.commit(w.clock, w.rejectEvent(arg("emp"), arg("manager"), arg("name")))
			case "shift":
				setClock()
				w.commit(w.clock, w.shiftEvent(arg("emp"), arg("name"), arg("from"), arg("to"), arg("shift")))
			case "leave":
				setClock()
				w.commit(w.clock, w.leaveEvent(arg("emp"), arg("name"), arg("from"), arg("to"), arg("kind")))
			case "close":
				setClock()
				w.commit(w.clock, w.closeEvent(arg("from"), arg("to")))
			case "tick":
				setClock()
				w.commit(w.clock, w.tickEvent("tick/"+w.clock.String()))
			case "catchup":
				if err := s.CatchUp(ctx, 0, projection.NewAttendance()); err != nil {
					return "error: " + err.Error()
				}
				cp, err := s.Checkpoint(projection.AttendanceName)
				if err != nil {
					return "error: " + err.Error()
				}
				return fmt.Sprintf("checkpoint %d\n", cp.Seq)
			case "daily", "exceptions", "payroll", "quota", "explain", "diff":
				who := attendance.EmployeeActor("HR0")
				if has("as") {
					a, err := attendance.ParseActor(arg("as"))
					if err != nil {
						return "error: " + err.Error()
					}
					who = a
				}
				q := projection.Query{Employee: arg("emp"), Team: arg("team")}
				if has("from") {
					q.From = rules.MustDate(arg("from"))
				}
				if has("to") {
					q.To = rules.MustDate(arg("to"))
				}
				live := s.View()
				defer live.Close()
				v := live
				if has("asof") {
					av, _, err := s.ReplayAsOf(ctx, at("asof"), projection.NewAttendance())
					if err != nil {
						return "error: " + err.Error()
					}
					defer av.Close()
					v = av
				}
				r := v.Reader(projection.AttendanceName)
				return query(td.Cmd, r, live.Reader(projection.AttendanceName), who, q, arg("date"))
			default:
				t.Fatalf("%s: unknown command %q", td.Pos, td.Cmd)
			}
			return ""
		})
	})
}

func query(cmd string, r, live projection.Reader, who attendance.Actor, q projection.Query, date string) string {
	var b strings.Builder
	switch cmd {
	case "daily":
		rows, err := projection.Daily(r, who, q)
		if err != nil {
			return "error: " + err.Error()
		}
		for _, row := range rows {
			b.WriteString(formatDay(&row))
		}
	case "exceptions":
		rows, err := projection.Exceptions(r, who, q)
		if err != nil {
			return "error: " + err.Error()
		}
		for _, e := range rows {
			fmt.Fprintf(&b, "%s %s %s", e.Employee, e.Date, e.Code)
			if e.Event.Seq != 0 {
				fmt.Fprintf(&b, " seq=%d %s", e.Event.Seq, e.Event.Type)
			}
			b.WriteString("\n")
		}
	case "payroll":
		rows, err := projection.Payroll(r, who, q)
		if err != nil {
			return "error: " + err.Error()
		}
		for _, p := range rows {
			fmt.Fprintf(&b, "%s %s..%s closed=%v %s\n", p.Employee, p.From, p.To, p.Closed, formatFigures(p.Totals))
			for _, a := range p.Adjustments {
				fmt.Fprintf(&b, "  adjustment %s (period %s) seq=%d %s\n", a.Date, a.Period, a.Seq, formatFigures(a.Delta))
			}
		}
	case "quota":
		rows, err := projection.Quota(r, who, q)
		if err != nil {
			return "error: " + err.Error()
		}
		for _, qr := range rows {
			fmt.Fprintf(&b, "%s %s used=%d/%d requested=%d pending=%d approved=%d rejected=%d withdrawn=%d\n",
				qr.Employee, qr.Month, qr.Used, qr.Limit, qr.Requested, qr.Pending, qr.Approved, qr.Rejected, qr.Withdrawn)
		}
	case "explain":
		x, err := projection.Explain(r, who, q.Employee, rules.MustDate(date))
		if err != nil {
			return "error: " + err.Error()
		}
		fmt.Fprintf(&b, "policy %s v%d (seq %d)\n", x.PolicyID, x.PolicyVersion, x.Policy.Seq)
		if x.Day != nil {
			b.WriteString(formatDay(x.Day))
			for _, r := range x.Day.Reasons {
				fmt.Fprintf(&b, "  reason %s [%s] %s\n", r.Code, r.Clause, r.Detail)
			}
		}
		for _, e := range x.Events {
			fmt.Fprintf(&b, "  seq=%d %s %s counted=%v: %s\n", e.Seq, e.Type, e.Role, e.Counted, e.Detail)
		}
		if x.BookedIn != "" {
			fmt.Fprintf(&b, "  booked in %s\n", x.BookedIn)
		}
		for _, a := range x.Adjustments {
			fmt.Fprintf(&b, "  adjustment in %s seq=%d %s\n", x.AdjustedIn, a.Seq, formatFigures(a.Delta))
		}
	case "diff":
		changes, err := projection.DiffDaily(r, live, who, q)
		if err != nil {
			return "error: " + err.Error()
		}
		for _, c := range changes {
			fmt.Fprintf(&b, "%s %s\n", c.Employee, c.Date)
			if c.Before != nil {
				b.WriteString("  before " + formatDay(c.Before))
			}
			if c.After != nil {
				b.WriteString("  after  " + formatDay(c.After))
			}
		}
	}
	return b.String()
}

func formatDay(r *projection.DayRow) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s %s", r.Employee, r.Date, r.Kind, r.Status)
	if r.Final {
		b.WriteString(" final")
	}
	fmt.Fprintf(&b, " worked=%d late=%d early=%d", r.Worked, r.Late, r.EarlyLeave)
	for _, o := range r.Figures.Overtime {
		fmt.Fprintf(&b, " ot=%s@%d:%d", o.Category, o.Percent, o.Minutes)
	}
	if r.Figures.Night > 0 {
		fmt.Fprintf(&b, " night=%d", r.Figures.Night)
	}
	fmt.Fprintf(&b, " policy=v%d", r.PolicyVersion)
	if len(r.Exceptions) > 0 {
		var codes []string
		for _, e := range r.Exceptions {
			codes = append(codes, e.Code)
		}
		fmt.Fprintf(&b, " exceptions=%s", strings.Join(codes, ","))
	}
	b.WriteString("\n")
	return b.String()
}

func formatFigures(f projection.Figures) string {
	s := fmt.Sprintf("days=%d worked=%d regular=%d night=%d unpaid_break=%d absent=%d leave=%d",
		f.Days, f.Worked, f.Regular, f.Night, f.UnpaidBreak, f.Absent, f.Leave)
	for _, o := range f.Overtime {
		s += fmt.Sprintf(" ot=%s@%d:%d", o.Category, o.Percent, o.Minutes)
	}
	return s
}
