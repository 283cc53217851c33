package projection

import (
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/punchledger/punchledger/rules"
)

// TestAttendanceDateMemo checks that attendanceDate gives, with its memo, what it gives
// without: punches at random instants in time order (day and night workers, policy
// versions in two zones, across a DST change), each answered once through the memo of
// the previous ones and once afresh.
func TestAttendanceDateMemo(t *testing.T) {
	b, err := os.ReadFile("testdata/policy.json")
	if err != nil {
		t.Fatal(err)
	}
	version := func(v int64, from, zone string) *policyVersion {
		p, err := rules.ParsePolicy(b)
		if err != nil {
			t.Fatal(err)
		}
		p.TimeZone = zone
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		return &policyVersion{rec: policyRec{PolicyID: "default", Version: v}, from: rules.MustDate(from), policy: p, loc: loc}
	}
	a := NewAttendance()
	a.policies = map[string][]*policyVersion{"default": {
		version(1, "2026-10-01", "America/New_York"),
		version(2, "2026-11-05", "Asia/Kolkata"), // a zone change mid-way
	}}
	a.batch = 1
	day := &employeeRec{ID: "E1", PolicyID: "default"}
	night := &employeeRec{ID: "E2", PolicyID: "default",
		Roster: []rosterRec{{From: "2026-10-20", To: "2026-11-20", Shift: "night"}}}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, rec := range []*employeeRec{day, night} {
		at := time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC)
		for at.Before(time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)) {
			at = at.Add(time.Duration(rng.IntN(300)) * time.Minute)
			got, gotPV, err := a.attendanceDate(nil, rec, at)
			if err != nil {
				t.Fatal(err)
			}
			saved, shared := rec.dates, a.shared
			rec.dates, a.shared = dateMemo{}, dateMemo{}
			want, wantPV, err := a.attendanceDate(nil, rec, at)
			if err != nil {
				t.Fatal(err)
			}
			rec.dates, a.shared = saved, shared
			if got != want || gotPV != wantPV {
				t.Fatalf("%s at %v: memo gives %v (v%d), afresh %v (v%d)", rec.ID, at, got, gotPV.rec.Version, want, wantPV.rec.Version)
			}
		}
	}
}
