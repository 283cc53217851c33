package projection_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/projection"
	"github.com/punchledger/punchledger/rules"
)

var fuzzTypes = []string{
	attendance.TypePunchRecorded, attendance.TypePunchVoided, attendance.TypeCorrectionRequested,
	attendance.TypeCorrectionApproved, attendance.TypeShiftAssigned, attendance.TypeLeaveRecorded,
	attendance.TypePayPeriodClosed, attendance.TypeEmployeeUpdated, attendance.TypePolicyPublished,
}

// FuzzApplyPayload appends an event with arbitrary payload bytes to a ledger holding a
// valid little org and catches the attendance projection up: a payload that does not
// decode must stop the runner with an *ApplyError (corruption is never skipped
// silently), anything that decodes must be applied without a panic, and either way the
// committed state must stay at a checkpoint.
func FuzzApplyPayload(f *testing.F) {
	w := newWorld(f, vfs.NewMem(), "seed")
	good := w.punchEvent(punchSpec{emp: "E1", name: "p", kind: rules.KindIn, at: time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)}, time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC))
	w.close()
	f.Add(uint8(0), good.p.Data)
	f.Add(uint8(0), good.p.Data[:len(good.p.Data)/2])
	f.Add(uint8(3), []byte{0x94, 0xa0, 0xa0, 0xa0, 0xc3})
	f.Add(uint8(5), []byte{0x94, 0xaa, '2', '0', '2', '6', '-', '1', '1', '-', '0', '2'})
	f.Fuzz(func(t *testing.T, typ uint8, data []byte) {
		fs := vfs.NewMem()
		w := newWorld(t, fs, "ledger")
		defer w.close()
		w.clock = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
		w.commit(w.clock, w.policyEvent(loadPolicy(t, "testdata/policy.json", 1, "2026-01-01")),
			w.employeeEvent("E1", "", "default", "2026-11-02"))
		ev := ledger.Proposed{Type: fuzzTypes[int(typ)%len(fuzzTypes)], Schema: 1, OccurredAt: w.clock, Actor: "system", Data: data, ID: nameID("fuzz")}
		w.clock = w.clock.Add(time.Hour)
		w.commit(w.clock, pending{"employee/E1", ev})
		s, err := projection.Open("p", w.l, &projection.Options{FS: fs})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		err = s.CatchUp(context.Background(), 0, projection.NewAttendance())
		var ae *projection.ApplyError
		if err != nil && !errors.As(err, &ae) {
			t.Fatalf("CatchUp: %v, want nil or *ApplyError", err)
		}
		cp, cerr := s.Checkpoint(projection.AttendanceName)
		if cerr != nil {
			t.Fatal(cerr)
		}
		if err == nil && cp.Seq != 3 || err != nil && cp.Seq > 2 {
			t.Fatalf("checkpoint %d after %v", cp.Seq, err)
		}
	})
}
