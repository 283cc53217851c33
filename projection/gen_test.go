package projection_test

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/rules"
)

// monthSpec describes a generated stretch of attendance.
type monthSpec struct {
	Employees int
	From, To  rules.Date // working dates generated (inclusive)
	Punches   int        // per day-shift day: 2 (in, out) or 4 (with a lunch break)
	Seed      uint64
	// Story adds the month's complications: night workers across the DST change,
	// offline punches uploaded late, repeated punches voided, forgotten punches with corrections decided
	// (some after the pay period's close), leave, two policy changes (one
	// retroactive), and the close of the first pay period.
	Story bool
	// Bucket: events recorded within the same bucket share one commit (and so one
	// RecordedAt). Default one minute.
	Bucket time.Duration
}

// Fixed instants of the story.
var (
	storyClose = time.Date(2026, 11, 17, 11, 0, 0, 0, time.UTC) // pay period 11-02..11-15 closed
)

type timed struct {
	at  time.Time
	n   int // order of generation, to keep sorting stable
	evs []pending
}

// hrID holds the hr role in generated logs; reports are read as him.
const hrID = "H00001"

var hr = attendance.EmployeeActor(hrID)

func empID(i int) string { return fmt.Sprintf("E%05d", i) }

// generate appends the month described by s to w's ledger and returns how many events
// it appended.
func generate(t testing.TB, w *world, s monthSpec, policyFile string) int {
	t.Helper()
	if s.Bucket == 0 {
		s.Bucket = time.Minute
	}
	if s.Punches == 0 {
		s.Punches = 4
	}
	rng := rand.New(rand.NewPCG(s.Seed, 99))
	var all []timed
	seqNo := 0
	add := func(at time.Time, evs ...pending) {
		seqNo++
		all = append(all, timed{at: at.Truncate(s.Bucket), n: seqNo, evs: evs})
	}
	setup := local(t, s.From.AddDays(-3).String()+" 08:00")
	w.clock = maxTime(w.clock, setup)

	p1 := loadPolicy(t, policyFile, 1, "2026-01-01")
	add(setup, w.policyEvent(p1))
	add(setup, w.roleEvent(hrID, "hr"))
	night := map[int]bool{}
	for i := 0; i < s.Employees; i++ {
		mgr := ""
		if i%10 != 0 {
			mgr = empID(i - i%10)
		}
		add(setup.Add(time.Duration(i)*time.Millisecond), w.employeeEvent(empID(i), mgr, "default", s.From.String()))
		if s.Story && i%10 == 3 {
			night[i] = true
			add(setup.Add(time.Second), w.shiftEvent(empID(i), "roster/"+empID(i), s.From.String(), s.To.String(), "night"))
		}
	}
	if s.Story {
		// v2 from 2026-11-16, published the Thursday before; v3 retroactive from 11-09,
		// published after the close.
		p2 := loadPolicy(t, policyFile, 2, "2026-11-16")
		p2.Shifts[0].LateGrace = 10
		mustValidate(t, p2)
		add(local(t, "2026-11-12 07:00"), w.policyEvent(p2))
		p3 := loadPolicy(t, policyFile, 3, "2026-11-09")
		p3.Shifts[0].LateGrace = 15
		mustValidate(t, p3)
		add(local(t, "2026-11-20 07:00"), w.policyEvent(p3))
		add(storyClose, w.closeEvent("2026-11-02", "2026-11-15"))
	}
	n := 0
	// flush commits, in recorded-time order, every event recorded before cutoff (the
	// generator never schedules an event earlier than the day it is generating), so
	// memory holds a few days of events, not the whole log.
	flush := func(cutoff time.Time) {
		sort.Slice(all, func(i, j int) bool {
			if !all[i].at.Equal(all[j].at) {
				return all[i].at.Before(all[j].at)
			}
			return all[i].n < all[j].n
		})
		i := 0
		for i < len(all) && all[i].at.Before(cutoff) {
			j := i
			var group []pending
			for ; j < len(all) && all[j].at.Equal(all[i].at); j++ {
				group = append(group, all[j].evs...)
			}
			w.commit(maxTime(w.clock, all[i].at), group...)
			n += len(group)
			i = j
		}
		all = append(all[:0], all[i:]...)
	}
	for d := s.From; !d.After(s.To); d = d.AddDays(1) {
		flush(local(t, d.String()+" 00:00").Add(-2 * time.Hour))
		wd := d.Weekday()
		for i := 0; i < s.Employees; i++ {
			emp := empID(i)
			name := func(k string) string { return emp + "/" + d.String() + "/" + k }
			jit := func(lo, hi int) time.Duration { return time.Duration(lo+rng.IntN(hi-lo+1)) * time.Minute }
			at := func(clock string) time.Time { return local(t, d.String()+" "+clock) }
			if night[i] {
				in := at("22:00").Add(jit(-10, 12))
				out := local(t, d.AddDays(1).String()+" 06:00").Add(jit(-5, 30))
				add(in, w.punchEvent(punchSpec{emp: emp, name: name("in"), kind: rules.KindIn, at: in}, in))
				add(out, w.punchEvent(punchSpec{emp: emp, name: name("out"), kind: rules.KindOut, at: out}, out))
				continue
			}
			if wd == time.Saturday || wd == time.Sunday {
				continue
			}
			if s.Story && rng.IntN(100) == 0 {
				add(at("07:00"), w.leaveEvent(emp, name("leave"), d.String(), d.String(), "annual"))
				continue
			}
			var ps []punchSpec
			ps = append(ps, punchSpec{emp: emp, name: name("in"), kind: rules.KindIn, at: at("09:00").Add(jit(-15, 12))})
			if s.Punches >= 4 {
				ps = append(ps, punchSpec{emp: emp, name: name("lunch-out"), kind: rules.KindOut, at: at("12:00").Add(jit(-5, 5))})
				ps = append(ps, punchSpec{emp: emp, name: name("lunch-in"), kind: rules.KindIn, at: at("13:00").Add(jit(-5, 5))})
			}
			out := punchSpec{emp: emp, name: name("out"), kind: rules.KindOut, at: at("17:00").Add(jit(-10, 90))}
			forgot := s.Story && rng.IntN(50) == 0
			if !forgot {
				ps = append(ps, out)
			}
			offline := s.Story && rng.IntN(20) == 0
			for _, p := range ps {
				rec := p.at
				if offline {
					p.offline = true
					rec = local(t, d.AddDays(1).String()+" 08:00").Add(jit(0, 120))
				}
				if s.Story && rng.IntN(200) == 0 {
					p.outcome = rules.OutcomeFlag
					p.findings = []rules.Reason{{Code: "outside_fence", Clause: "remote.actions[0]", Detail: "412 m outside zone HQ"}}
				}
				add(rec, w.punchEvent(p, rec))
				if s.Story && rng.IntN(150) == 0 {
					// A punch sent twice, the repeat voided by the manager: in the same
					// minute, or the next day (when the day is long stored).
					dup := p
					dup.name += "/dup"
					dup.at = dup.at.Add(time.Minute)
					drec := rec.Add(time.Minute)
					add(drec, w.punchEvent(dup, drec))
					vat := drec
					if rng.IntN(2) == 0 {
						vat = drec.Add(24 * time.Hour)
					}
					add(vat, w.voidEvent(emp, empID(i-i%10), dup.name))
				}
			}
			if forgot {
				req := local(t, d.AddDays(1).String()+" 10:00").Add(jit(0, 60))
				add(req, w.correctionEvent(emp, name("corr"), d.String(), string(rules.CorrectMissingOut), rules.KindOut, out.at))
				dec := req.Add(24*time.Hour + jit(0, 600))
				if d.String() >= "2026-11-12" && d.String() <= "2026-11-15" {
					dec = storyClose.Add(24*time.Hour + jit(0, 600)) // decided after the close
				}
				mgr := empID(i - i%10)
				if rng.IntN(10) == 0 {
					add(dec, w.rejectEvent(emp, mgr, name("corr")))
				} else {
					add(dec, w.approveEvent(emp, mgr, name("corr")))
				}
			}
		}
	}
	// A last event well after the end, so every day's window has closed in log time.
	add(local(t, s.To.AddDays(3).String()+" 08:00"), w.tickEvent("end"))
	flush(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	return n
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func mustValidate(t testing.TB, p *rules.Policy) {
	t.Helper()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
}
