package projection_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/projection"
	"github.com/punchledger/punchledger/projection/projectiontest"
	"github.com/punchledger/punchledger/rules"
)

// TestConformanceAttendance runs the conformance suite on the built-in projection over a
// generated fortnight with the story's complications (night shifts across the DST
// change, offline uploads, corrections, leave, policy changes, a closed period).
func TestConformanceAttendance(t *testing.T) {
	n := 12
	if testing.Short() {
		n = 6
	}
	conformance(t, n, "testdata/policy.json")
}

// TestConformanceAttendanceWeekly is TestConformanceAttendance under a policy with
// weekly overtime, whose days depend on the earlier days of their workweek (evaluated
// one by one, and reading rows written earlier in the same batch).
func TestConformanceAttendanceWeekly(t *testing.T) {
	conformance(t, 4, "testdata/policy_weekly.json")
}

func conformance(t *testing.T, n int, policyFile string) {
	w := newWorld(t, vfs.NewMem(), "gen")
	defer w.close()
	generate(t, w, monthSpec{Employees: n, From: rules.MustDate("2026-10-31"), To: rules.MustDate("2026-11-21"), Seed: 4, Story: true}, policyFile)
	var events []ledger.Event
	if err := w.l.Scan(context.Background(), 1, 0, func(ev *ledger.Event) error {
		c := *ev
		c.Data = bytes.Clone(ev.Data)
		events = append(events, c)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	projectiontest.RunWithOptions(t, func() projection.Projection { return projection.NewAttendance() }, events, projectiontest.Options{Seed: 3, Kills: 4})
}
