package rules_test

import (
	"os"
	"testing"
	"time"

	"github.com/punchledger/punchledger/rules"
)

func loadExample(tb testing.TB) *rules.Policy {
	tb.Helper()
	data, err := os.ReadFile("testdata/policy-example.json")
	if err != nil {
		tb.Fatal(err)
	}
	p, err := rules.ParsePolicy(data)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkEvaluate evaluates one employee-day on the example policy: a day shift
// with an in and an out punch, rounding, a lunch break, overtime rules and night hours.
func BenchmarkEvaluate(b *testing.B) {
	p := loadExample(b)
	loc, _ := time.LoadLocation(p.TimeZone)
	in := rules.DayInput{
		Policy: p,
		Date:   rules.MustDate("2026-03-09"),
		Punches: []rules.Punch{
			{ID: "a", Kind: rules.KindIn, At: time.Date(2026, 3, 9, 8, 57, 12, 0, loc)},
			{ID: "b", Kind: rules.KindOut, At: time.Date(2026, 3, 9, 18, 4, 40, 0, loc)},
		},
		AsOf:          time.Date(2026, 3, 10, 12, 0, 0, 0, loc),
		SyncedThrough: time.Date(2026, 3, 10, 12, 0, 0, 0, loc),
	}
	b.ReportAllocs()
	for b.Loop() {
		r := rules.Evaluate(in)
		if r.Status != rules.StatusPresent {
			b.Fatal(r.Status)
		}
	}
}

// BenchmarkEvaluateNight is a night shift with four punches (pairs, auto break).
func BenchmarkEvaluateNight(b *testing.B) {
	p := loadExample(b)
	loc, _ := time.LoadLocation(p.TimeZone)
	d := rules.MustDate("2026-03-09")
	at := func(day, h, m int) time.Time { return time.Date(2026, 3, day, h, m, 0, 0, loc) }
	in := rules.DayInput{
		Policy: p,
		Date:   d,
		Roster: rules.Roster{Assignments: []rules.Assignment{{From: d, To: d.AddDays(6), Shift: "night"}}},
		Punches: []rules.Punch{
			{ID: "a", At: at(9, 21, 55)}, {ID: "b", At: at(10, 1, 0)},
			{ID: "c", At: at(10, 1, 30)}, {ID: "d", At: at(10, 6, 5)},
		},
		AsOf:          at(11, 12, 0),
		SyncedThrough: at(11, 12, 0),
	}
	b.ReportAllocs()
	for b.Loop() {
		rules.Evaluate(in)
	}
}

func BenchmarkParsePolicy(b *testing.B) {
	data, err := os.ReadFile("testdata/policy-example.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rules.ParsePolicy(data); err != nil {
			b.Fatal(err)
		}
	}
}
