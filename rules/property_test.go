package rules_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/punchledger/punchledger/rules"
)

// propPolicies are the policies the property tests run on: the example policy and
// variants (pairs/alternating, flexible, night-heavy in a DST zone, no rounding).
func propPolicies(t testing.TB) []*rules.Policy {
	t.Helper()
	base, err := os.ReadFile("testdata/policy-example.json")
	if err != nil {
		t.Fatal(err)
	}
	patches := []string{
		`{}`,
		`{"time_zone": "America/New_York", "shifts": [{"name": "day", "start": "09:00", "end": "17:00", "check_in_opens": 120, "check_out_closes": 240, "late_grace": 7, "early_leave_grace": 3, "worked": "pairs", "half_day_below": 200, "absent_below": 30},
		  {"name": "night", "start": "22:00", "end": "06:00", "check_in_opens": 90, "check_out_closes": 180, "late_grace": 10, "worked": "pairs", "pairing": "alternating", "auto_break": {"after": 300, "minutes": 30}},
		  {"name": "flex", "start": "07:00", "end": "20:00", "check_out_closes": 60, "flex": {"core_start": "10:00", "core_end": "15:00", "required_minutes": 420}, "worked": "pairs", "breaks": [{"start": "12:00", "end": "12:30"}]}],
		  "week": [{"day": "monday", "shift": "night"}, {"day": "tuesday", "shift": "flex"}, {"day": "wednesday", "shift": "day"}, {"day": "saturday", "shift": "night"}, {"day": "sunday", "shift": "day"}],
		  "overtime": {"preset": "california", "daily": [], "rest_day": [], "holiday": [], "minimum_block": 15},
		  "rounding": {"in": {"interval": 6, "mode": "nearest"}, "out": {"interval": 10, "mode": "up"}}}`,
		`{"rounding": {"in": {"interval": 0}, "out": {"interval": 0}}, "overtime": {"preset": "us_flsa", "daily": [], "rest_day": [], "holiday": []}}`,
	}
	var ps []*rules.Policy
	for _, patch := range patches {
		data, err := mergePatch(base, []byte(patch))
		if err != nil {
			t.Fatal(err)
		}
		p, err := rules.ParsePolicy(data)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}

// randomDay builds a random employee-day: dates around the DST changes and the
// example calendar, 0–7 punches within ±30 h of the date, random kinds, outcomes,
// roster and leave.
func randomDay(r *rand.Rand, p *rules.Policy) rules.DayInput {
	loc, _ := time.LoadLocation(p.TimeZone)
	dates := []string{"2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09", "2026-10-31", "2026-11-01", "2026-09-27", "2026-10-01", "2026-10-05", "2026-06-15"}
	d := rules.MustDate(dates[r.IntN(len(dates))])
	in := rules.DayInput{Policy: p, Date: d}
	base := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	n := r.IntN(8)
	for i := range n {
		at := base.Add(time.Duration(r.IntN(54*60)-6*60)*time.Minute + time.Duration(r.IntN(60))*time.Second)
		pu := rules.Punch{ID: fmt.Sprintf("p%d", i), At: at, Kind: rules.PunchKind(r.IntN(3))}
		if r.IntN(6) == 0 {
			pu.Outcome = rules.Outcome(r.IntN(5))
		}
		in.Punches = append(in.Punches, pu)
	}
	if r.IntN(3) == 0 {
		names := []string{"day", "night", "flex", "nosuch"}
		a := rules.Assignment{From: d.AddDays(-r.IntN(3)), To: d.AddDays(r.IntN(3)), Shift: names[r.IntN(len(names))], Off: r.IntN(5) == 0}
		in.Roster.Assignments = append(in.Roster.Assignments, a)
	}
	if r.IntN(8) == 0 {
		halves := []rules.HalfDay{"", rules.FirstHalf, rules.SecondHalf}
		in.Leave = append(in.Leave, rules.Leave{From: d, To: d, Kind: "annual", Half: halves[r.IntN(3)]})
	}
	if r.IntN(6) == 0 && n > 0 {
		in.Corrections = append(in.Corrections, rules.Correction{ID: "c1", Kind: rules.CorrectMissingOut, Date: d, At: base.Add(18 * time.Hour)})
	}
	in.Week = rules.WeekToDate{Regular: time.Duration(r.IntN(50)) * time.Hour, DaysWorked: r.IntN(7)}
	in.OvertimeApproved = r.IntN(2) == 0
	in.AsOf = base.Add(time.Duration(r.IntN(72)) * time.Hour)
	in.SyncedThrough = in.AsOf.Add(-time.Duration(r.IntN(30)) * time.Hour)
	return in
}

const propSeed = 20260309

func TestPropertyPunchOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(propSeed, 1))
	for _, p := range propPolicies(t) {
		for i := 0; i < 3000; i++ {
			in := randomDay(r, p)
			want := rules.Evaluate(in)
			shuffled := in
			shuffled.Punches = slices.Clone(in.Punches)
			r.Shuffle(len(shuffled.Punches), func(a, b int) {
				shuffled.Punches[a], shuffled.Punches[b] = shuffled.Punches[b], shuffled.Punches[a]
			})
			if got := rules.Evaluate(shuffled); !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d, policy %s, case %d: result depends on punch order\nwant %+v\ngot  %+v", propSeed, p.TimeZone, i, want, got)
			}
		}
	}
}

func TestPropertyInvariants(t *testing.T) {
	r := rand.New(rand.NewPCG(propSeed, 2))
	for _, p := range propPolicies(t) {
		for i := 0; i < 3000; i++ {
			in := randomDay(r, p)
			res := rules.Evaluate(in)
			fail := func(format string, args ...any) {
				t.Helper()
				t.Fatalf("seed %d, policy %s, case %d (%s): %s\n%+v", propSeed, p.TimeZone, i, in.Date, fmt.Sprintf(format, args...), res)
			}
			for name, d := range map[string]time.Duration{
				"worked": res.Worked.Exact, "worked rounded": res.Worked.Rounded, "late": res.Late.Exact,
				"late rounded": res.Late.Rounded, "early": res.EarlyLeave.Exact, "early rounded": res.EarlyLeave.Rounded,
				"regular": res.Regular, "night": res.Night, "unpaid break": res.UnpaidBreak,
			} {
				if d < 0 {
					fail("%s is negative: %v", name, d)
				}
			}
			ot := 0
			for _, l := range res.Overtime {
				if l.Minutes <= 0 || l.Multiplier < 100 {
					fail("bad overtime line %+v", l)
				}
				ot += l.Minutes
			}
			if got := res.Regular + time.Duration(ot)*time.Minute; got != res.Worked.Rounded {
				fail("regular %v + overtime %dm != worked %v", res.Regular, ot, res.Worked.Rounded)
			}
			if !res.Final && (res.Status == rules.StatusAbsent || res.Status == rules.StatusMissingIn || res.Status == rules.StatusMissingOut) {
				fail("status %s on a day that is not final", res.Status)
			}
			if res.Close.Before(res.Open) {
				fail("window closes before it opens")
			}
			for _, id := range res.Punches {
				found := false
				for _, pu := range in.Punches {
					if pu.ID == id {
						found = found || pu.Outcome != rules.OutcomeReject && !pu.At.Before(res.Open) && pu.At.Before(res.Close)
					}
				}
				found = found || strings.HasPrefix(id, "c")
				if !found {
					fail("punch %s counted but not inside the window or rejected", id)
				}
			}
			for _, rs := range res.Reasons {
				if rs.Code == "" {
					fail("reason without a code: %+v", rs)
				}
			}
		}
	}
}

// TestPropertyLateWithinGrace: a first check-in within the grace is never late,
// and one past the grace always is, with the whole lateness.
func TestPropertyLateWithinGrace(t *testing.T) {
	r := rand.New(rand.NewPCG(propSeed, 3))
	p := propPolicies(t)[0] // day shift 09:00–18:00, grace 5m
	loc, _ := time.LoadLocation(p.TimeZone)
	d := rules.MustDate("2026-03-09")
	start := time.Date(2026, 3, 9, 9, 0, 0, 0, loc)
	for i := 0; i < 5000; i++ {
		off := time.Duration(r.IntN(20*60)) * time.Second // 0–20 minutes
		in := rules.DayInput{Policy: p, Date: d, AsOf: start.Add(48 * time.Hour), SyncedThrough: start.Add(48 * time.Hour),
			Punches: []rules.Punch{{ID: "i", Kind: rules.KindIn, At: start.Add(off)}, {ID: "o", Kind: rules.KindOut, At: start.Add(9 * time.Hour)}}}
		res := rules.Evaluate(in)
		if off <= 5*time.Minute {
			if res.Late.Exact != 0 || res.Late.Rounded != 0 || res.Status == rules.StatusLate {
				t.Fatalf("in at +%v (within grace) gave late %+v status %s", off, res.Late, res.Status)
			}
		} else if res.Late.Exact != off || res.Status != rules.StatusLate {
			t.Fatalf("in at +%v (past grace) gave late %+v status %s", off, res.Late, res.Status)
		}
	}
}

// TestHostTimeZone runs the scenario and property tests again in child processes
// whose host zone (TZ) differs; the scenario files are the same expected output,
// so any dependence on the host zone fails them. It also runs in-process with
// time.Local replaced.
func TestHostTimeZone(t *testing.T) {
	if os.Getenv("RULES_TZ_CHILD") != "" {
		t.Skip("child process")
	}
	zones := []string{"UTC", "America/New_York", "Asia/Kathmandu", "Pacific/Chatham"}
	if testing.Short() {
		zones = zones[1:3]
	}
	for _, tz := range zones {
		t.Run(strings.ReplaceAll(tz, "/", "_"), func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^(TestScenarios|TestPropertyPunchOrder|TestHostLocal)$", "-test.count=1")
			cmd.Env = append(os.Environ(), "TZ="+tz, "RULES_TZ_CHILD=1")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("TZ=%s: %v\n%s", tz, err, out)
			}
		})
	}
}

// TestHostLocal evaluates the same days with time.Local set to several zones and
// compares the results.
func TestHostLocal(t *testing.T) {
	saved := time.Local
	defer func() { time.Local = saved }()
	zones := []string{"UTC", "Australia/Lord_Howe", "America/St_Johns"}
	var first []string
	for zi, z := range zones {
		loc, err := time.LoadLocation(z)
		if err != nil {
			t.Fatal(err)
		}
		time.Local = loc
		r := rand.New(rand.NewPCG(propSeed, 4))
		var got []string
		for _, p := range propPolicies(t) {
			ploc, _ := time.LoadLocation(p.TimeZone)
			for range 300 {
				res := rules.Evaluate(randomDay(r, p))
				got = append(got, formatResult(res, ploc, true))
			}
		}
		if zi == 0 {
			first = got
			continue
		}
		for i := range got {
			if got[i] != first[i] {
				t.Fatalf("time.Local=%s changes result %d:\n%s\nvs (UTC)\n%s", z, i, got[i], first[i])
			}
		}
	}
}

// TestNoClockNoHostZone keeps the package's own code off the clock and the host zone.
func TestNoClockNoHostZone(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"time.Now", "time.Local", "time.Since", "time.Until", ".Local()"} {
			if strings.Contains(string(src), bad) {
				t.Errorf("%s uses %s", f, bad)
			}
		}
	}
}

// TestConcurrentEvaluate: a validated policy is shared by goroutines (run with -race).
func TestConcurrentEvaluate(t *testing.T) {
	ps := propPolicies(t)
	done := make(chan string, 4)
	for g := range 4 {
		go func() {
			r := rand.New(rand.NewPCG(propSeed, uint64(10+g)))
			var b strings.Builder
			for range 200 {
				p := ps[r.IntN(len(ps))]
				loc, _ := time.LoadLocation(p.TimeZone)
				b.WriteString(formatResult(rules.Evaluate(randomDay(r, p)), loc, false))
			}
			done <- b.String()
		}()
	}
	for range 4 {
		if s := <-done; s == "" {
			t.Fatal("no results")
		}
	}
}
