package rules_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/punchledger/punchledger/geofence"
	"github.com/punchledger/punchledger/rules"
)

// FuzzParsePolicy: the parser never panics; a policy that passes Validate never
// panics Evaluate, JudgePunch, AttendanceDate, Schedule or CheckCorrection, keeps
// Evaluate's invariants, and survives a JSON round trip unchanged. The seed corpus
// is in testdata/fuzz/FuzzParsePolicy (the example policy and the scenario policies).
func FuzzParsePolicy(f *testing.F) {
	if data, err := os.ReadFile("testdata/policy-example.json"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := rules.ParsePolicy(data)
		if err != nil {
			return
		}
		again, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("marshal a valid policy: %v", err)
		}
		q, err := rules.ParsePolicy(again)
		if err != nil {
			t.Fatalf("re-parse of a marshalled valid policy: %v\n%s", err, again)
		}
		if third, _ := json.Marshal(q); !bytes.Equal(again, third) {
			t.Fatalf("JSON round trip changed the policy:\n%s\n%s", again, third)
		}
		exercise(t, p, rand.New(rand.NewPCG(uint64(len(data)), 7)))
	})
}

// exercise runs every entry point on a valid policy with a few random days.
func exercise(t *testing.T, p *rules.Policy, r *rand.Rand) {
	t.Helper()
	loc, err := time.LoadLocation(p.TimeZone)
	if err != nil {
		t.Fatalf("valid policy with bad zone %q", p.TimeZone)
	}
	for range 4 {
		in := randomDay(r, p)
		res := rules.Evaluate(in)
		if res.Worked.Exact < 0 || res.Worked.Rounded < 0 || res.Regular < 0 {
			t.Fatalf("negative figures: %+v", res)
		}
		ot := 0
		for _, l := range res.Overtime {
			ot += l.Minutes
		}
		if res.Regular+time.Duration(ot)*time.Minute != res.Worked.Rounded {
			t.Fatalf("regular + overtime != worked: %+v", res)
		}
		for _, pu := range in.Punches {
			p.AttendanceDate(in.Roster, pu.At)
		}
		if _, err := p.Schedule(in.Roster, in.Date); err != nil {
			t.Fatal(err)
		}
	}
	rules.EvaluateWeek([]rules.DayInput{randomDay(r, p), randomDay(r, p), randomDay(r, p)})
	at := time.Date(2026, 3, 9, 9, 0, 0, 0, loc)
	fix := &geofence.Fix{Point: geofence.Point{Lat: 31.230512, Lon: 121.473843}, Accuracy: 25, At: at}
	rules.JudgePunch(p, rules.Punch{ID: "x", At: at, ReceivedAt: at.Add(time.Hour), Evidence: rules.Evidence{
		Location: fix, BSSID: "00:11:22:33:44:55", IP: netip.MustParseAddr("10.20.1.1"), Factors: []string{"face"}, Offline: true}},
		[]geofence.Fix{{Point: geofence.Point{Lat: 31.1, Lon: 121.3}, Accuracy: 10, At: at.Add(-time.Hour)}}, nil)
	for _, k := range []rules.CorrectionKind{rules.CorrectMissingIn, rules.CorrectVoid, "bogus"} {
		_ = p.CheckCorrection(rules.CorrectionRequest{Kind: k, Date: rules.MustDate("2026-03-09"), At: at, PunchID: "x", Evidence: []string{"e"}}, r.IntN(5), at.Add(time.Duration(r.IntN(400))*time.Hour))
	}
	p.PeriodOf(rules.MustDate("2026-03-09"))
	p.StoredLocation(fix)
}

// FuzzEvaluate drives Evaluate on the example policy with punches decoded from the
// fuzz input: never a panic, never a negative figure, never order-dependent.
func FuzzEvaluate(f *testing.F) {
	f.Add([]byte{9, 0, 1, 18, 0, 2}, uint8(0))
	f.Add([]byte{21, 55, 0, 30, 5, 0, 6, 5, 0}, uint8(1))
	f.Add([]byte{}, uint8(2))
	p := loadExample(f)
	loc, _ := time.LoadLocation(p.TimeZone)
	f.Fuzz(func(t *testing.T, data []byte, day uint8) {
		d := rules.MustDate("2026-03-08").AddDays(int(day % 9))
		base := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
		var in rules.DayInput
		in.Policy, in.Date = p, d
		for i := 0; i+2 < len(data) && len(in.Punches) < 12; i += 3 {
			at := base.Add(time.Duration(int(data[i])%48)*time.Hour - 6*time.Hour + time.Duration(data[i+1]%60)*time.Minute)
			in.Punches = append(in.Punches, rules.Punch{ID: string(rune('a' + i/3)), Kind: rules.PunchKind(data[i+2] % 3), At: at, Outcome: rules.Outcome(data[i+2] / 3 % 5)})
		}
		if day&0x80 != 0 {
			in.Roster.Assignments = []rules.Assignment{{From: d.AddDays(-1), To: d.AddDays(1), Shift: "night"}}
		}
		in.AsOf = base.Add(time.Duration(day%72) * time.Hour)
		in.SyncedThrough = in.AsOf
		a := rules.Evaluate(in)
		if a.Worked.Exact < 0 || a.Worked.Rounded < 0 || a.Late.Exact < 0 || a.EarlyLeave.Exact < 0 || a.Night < 0 {
			t.Fatalf("negative figure: %+v", a)
		}
		for i, j := 0, len(in.Punches)-1; i < j; i, j = i+1, j-1 {
			in.Punches[i], in.Punches[j] = in.Punches[j], in.Punches[i]
		}
		if b := rules.Evaluate(in); formatResult(a, loc, true) != formatResult(b, loc, true) {
			t.Fatalf("order-dependent:\n%s\n%s", formatResult(a, loc, true), formatResult(b, loc, true))
		}
	})
}

// TestFuzzCorpusPresent keeps the seed corpus from silently disappearing.
func TestFuzzCorpusPresent(t *testing.T) {
	for _, name := range []string{"FuzzParsePolicy", "FuzzEvaluate"} {
		files, _ := filepath.Glob(filepath.Join("testdata", "fuzz", name, "*"))
		if len(files) < 3 {
			t.Errorf("%s: %d seed files in testdata/fuzz/%s, want at least 3", name, len(files), name)
		}
	}
}
