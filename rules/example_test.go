package rules_test

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/punchledger/punchledger/geofence"
	"github.com/punchledger/punchledger/rules"
)

const smallPolicy = `{
  "id": "shop", "version": 1, "effective_from": "2026-01-01", "time_zone": "America/New_York",
  "shifts": [
    {"name": "day", "start": "09:00", "end": "17:00", "check_in_opens": 60, "check_out_closes": 240,
     "late_grace": 5, "early_leave_grace": 5},
    {"name": "night", "start": "22:00", "end": "06:00", "check_in_opens": 60, "check_out_closes": 120}
  ],
  "week": [{"day": "monday", "shift": "day"}, {"day": "tuesday", "shift": "day"},
           {"day": "wednesday", "shift": "day"}, {"day": "thursday", "shift": "day"},
           {"day": "friday", "shift": "day"}],
  "calendar": {"holidays": [{"date": "2026-07-03", "name": "Independence Day (observed)"}]},
  "rounding": {"in": {"interval": 15, "mode": "nearest"}, "out": {"interval": 15, "mode": "nearest"}},
  "overtime": {"preset": "us_flsa"},
  "corrections": {"allowed": ["missing_out"], "limit": 2, "deadline": 3},
  "pay_period": {"kind": "biweekly", "anchor": "2026-01-05"}
}`

func mustPolicy(s string) *rules.Policy {
	p, err := rules.ParsePolicy([]byte(s))
	if err != nil {
		panic(err)
	}
	return p
}

func ExampleParsePolicy() {
	_, err := rules.ParsePolicy([]byte(`{"id": "x", "version": 0, "effective_from": "2026-01-01",
		"time_zone": "Europe/Berlin", "shifts": [{"name": "a", "start": "9am", "end": "17:00"}],
		"week": [{"day": "monday", "shift": "b"}]}`))
	var ve *rules.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			fmt.Printf("%s: %s\n", p.Path, p.Message)
		}
	}
	// Output:
	// version: must be at least 1, got 0
	// shifts[0].start: bad clock "9am" (want HH:MM)
	// week[0].shift: unknown shift "b"
}

func ExampleEvaluate() {
	p := mustPolicy(smallPolicy)
	ny, _ := time.LoadLocation("America/New_York")
	at := func(h, m int) time.Time { return time.Date(2026, 3, 10, h, m, 0, 0, ny) }
	res := rules.Evaluate(rules.DayInput{
		Policy: p,
		Date:   rules.MustDate("2026-03-10"),
		Punches: []rules.Punch{
			{ID: "p1", Kind: rules.KindIn, At: at(9, 12)},
			{ID: "p2", Kind: rules.KindOut, At: at(17, 20)},
		},
		AsOf:          at(23, 0), // the caller's clock: the window closed at 21:00
		SyncedThrough: at(23, 0), // the employee's devices have uploaded everything
	})
	fmt.Println(res.Status, res.Final)
	fmt.Println("worked", res.Worked.Exact, "rounded", res.Worked.Rounded)
	fmt.Println("late", res.Late.Exact, "rounded", res.Late.Rounded)
	for _, r := range res.Reasons {
		fmt.Printf("%s [%s] %s\n", r.Code, r.Clause, r.Detail)
	}
	// Output:
	// late true
	// worked 8h8m0s rounded 8h0m0s
	// late 12m0s rounded 15m0s
	// late [shifts[0].late_grace] first in 09:12, 12m after 09:00 (grace 5m)
}

func ExampleEvaluate_notFinal() {
	p := mustPolicy(smallPolicy)
	ny, _ := time.LoadLocation("America/New_York")
	// The next morning, but the employee's phone has only synced up to noon: an
	// offline check-out may still arrive, so the day is not final and not "missing out".
	res := rules.Evaluate(rules.DayInput{
		Policy:        p,
		Date:          rules.MustDate("2026-03-10"),
		Punches:       []rules.Punch{{ID: "p1", Kind: rules.KindIn, At: time.Date(2026, 3, 10, 8, 58, 0, 0, ny)}},
		AsOf:          time.Date(2026, 3, 11, 8, 0, 0, 0, ny),
		SyncedThrough: time.Date(2026, 3, 10, 12, 0, 0, 0, ny),
	})
	fmt.Println(res.Status, res.Final, res.Reasons[0].Code)
	// Output:
	// present false pending_sync
}

func ExampleEvaluateWeek() {
	p := mustPolicy(smallPolicy)
	ny, _ := time.LoadLocation("America/New_York")
	var days []rules.DayInput
	for i := range 5 { // Monday to Friday, 09:00–19:00 (10 h)
		d := rules.MustDate("2026-03-09").AddDays(i)
		in := time.Date(d.Year, d.Month, d.Day, 9, 0, 0, 0, ny)
		days = append(days, rules.DayInput{
			Policy: p, Date: d,
			Punches: []rules.Punch{{ID: "i", Kind: rules.KindIn, At: in}, {ID: "o", Kind: rules.KindOut, At: in.Add(10 * time.Hour)}},
			AsOf:    in.Add(48 * time.Hour), SyncedThrough: in.Add(48 * time.Hour),
		})
	}
	for _, r := range rules.EvaluateWeek(days) {
		fmt.Print(r.Date.Weekday(), " regular ", r.Regular)
		for _, o := range r.Overtime {
			fmt.Printf(" %s %dm at %s", o.Category, o.Minutes, o.Multiplier)
		}
		fmt.Println()
	}
	// Output:
	// Monday regular 10h0m0s
	// Tuesday regular 10h0m0s
	// Wednesday regular 10h0m0s
	// Thursday regular 10h0m0s
	// Friday regular 0s weekly 600m at 1.5x
}

func ExamplePolicy_AttendanceDate() {
	p := mustPolicy(smallPolicy)
	ny, _ := time.LoadLocation("America/New_York")
	roster := rules.Roster{Assignments: []rules.Assignment{
		{From: rules.MustDate("2026-03-09"), To: rules.MustDate("2026-03-13"), Shift: "night"},
	}}
	for _, at := range []time.Time{
		time.Date(2026, 3, 10, 5, 55, 0, 0, ny),  // the end of Monday's night shift
		time.Date(2026, 3, 10, 21, 30, 0, 0, ny), // early for Tuesday's night shift
		time.Date(2026, 3, 10, 12, 0, 0, 0, ny),  // between the windows
	} {
		d, ok := p.AttendanceDate(roster, at)
		fmt.Println(at.Format("Jan 2 15:04"), "→", d, ok)
	}
	// Output:
	// Mar 10 05:55 → 2026-03-09 true
	// Mar 10 21:30 → 2026-03-10 true
	// Mar 10 12:00 → 0000-00-00 false
}

func ExampleJudgePunch() {
	data, err := os.ReadFile("testdata/policy-example.json")
	if err != nil {
		panic(err)
	}
	p, err := rules.ParsePolicy(data)
	if err != nil {
		panic(err)
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2026, 3, 9, 9, 0, 0, 0, sh)
	v := rules.JudgePunch(p, rules.Punch{
		ID: "p1", Kind: rules.KindIn, At: at, ReceivedAt: at.Add(3 * time.Second),
		Evidence: rules.Evidence{
			Location:    &geofence.Fix{Point: geofence.Point{Lat: 31.240031, Lon: 121.473712}, Accuracy: 20, At: at},
			DeviceID:    "D1",
			DeviceBound: true,
			Factors:     []string{"face"},
		},
	}, nil, nil)
	fmt.Println(v.Outcome, v.Location.Verdict, v.Location.Zone)
	for i, r := range v.Reasons {
		fmt.Printf("%s %s [%s]\n", v.Actions[i], r.Code, r.Clause)
	}
	// Output:
	// field outside HQ
	// field outside_fence [remote.zones]
	// field wifi_mismatch [remote.wifi]
	// field ip_mismatch [remote.ip]
}

func ExamplePolicy_CheckCorrection() {
	p := mustPolicy(smallPolicy)
	ny, _ := time.LoadLocation("America/New_York")
	req := rules.CorrectionRequest{
		Kind: rules.CorrectMissingOut,
		Date: rules.MustDate("2026-03-10"),
		At:   time.Date(2026, 3, 10, 17, 0, 0, 0, ny),
	}
	fmt.Println(p.CheckCorrection(req, 0, time.Date(2026, 3, 12, 9, 0, 0, 0, ny)))
	err := p.CheckCorrection(req, 0, time.Date(2026, 3, 14, 9, 0, 0, 0, ny))
	fmt.Println(errors.Is(err, rules.ErrCorrectionDeadline))
	err = p.CheckCorrection(req, 2, time.Date(2026, 3, 12, 9, 0, 0, 0, ny))
	fmt.Println(err)
	// Output:
	// <nil>
	// true
	// rules: correction limit reached: 2 of 2 requests used in 2026-03-01–2026-03-31 (corrections.limit)
}

func ExamplePolicy_PeriodOf() {
	p := mustPolicy(smallPolicy)
	from, to := p.PeriodOf(rules.MustDate("2026-03-10"))
	fmt.Println(from, to)
	// Output:
	// 2026-03-02 2026-03-15
}
