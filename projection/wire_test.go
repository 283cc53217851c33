package projection

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// wireSamples are records as the projection writes them, with every field set, and
// with the zero and nil forms.
func wireSamples() []struct {
	name  string
	rec   wireRecord
	plain any // the same value as a type without methods, for msgpack's reflection
	fresh func() wireRecord
} {
	fig := Figures{Days: 1, Worked: 510, Regular: 480, Night: 30, UnpaidBreak: 60, Leave: 1,
		Overtime: []OvertimeRow{{Category: "daily", Percent: 150, Approved: true, Minutes: 30}}}
	id := [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	punch := inputRec{Kind: inputPunch, Seq: 1 << 40, ID: id,
		PunchKind: 1, At: -5, ReceivedAt: 1 << 60, RecordedAt: 1<<60 + 1, Source: 2, DeviceID: "D1", DeviceBound: true,
		Factors: []string{"device", "pin"}, Offline: true, Signature: 2, Outcome: 3,
		Findings: []findingRec{{Code: "outside_fence", Clause: "remote.actions[0]", Detail: "412 m outside zone HQ, a detail longer than thirty-one bytes"}},
		VoidSeq:  9, VoidID: id}
	punchEmpty := inputRec{Kind: inputPunch, Seq: 3, At: math.MinInt64, ReceivedAt: math.MaxInt64, Factors: []string{}, Findings: []findingRec{}}
	corr := inputRec{Kind: inputCorrection, Seq: 2, CorrKind: "missing_out", At: 1 << 62, RecordedAt: -1 << 40,
		CorrPunch: id, CorrState: corrApproved, CorrStage: "manager", DecisionSeq: 3, DecisionID: id}
	leave := inputRec{Kind: inputLeave, LeaveKind: "annual", LeaveMinutes: 240}
	st := dayState{Inputs: []inputRec{punch, corr, leave}, Last: fig, Evaluated: true, Period: "2026-11-02", Base: fig,
		AdjPeriod: "2026-11-16", Adj: Figures{Worked: -5}, AsOf: 1 << 60, Seq: 77}
	emp := employeeRec{ID: "E00001", Manager: "E00000", Site: "HQ", PolicyID: "default", TimeZone: "America/New_York",
		JoinedOn: "2026-01-05", LeftOn: "2027-01-01", Erased: true,
		Roster: []rosterRec{{From: "2026-11-01", To: "2026-11-30", Shift: "night", Seq: 7, ID: id}, {From: "2026-12-01", To: "2026-12-01"}},
		Start:  "2026-01-05", Through: "2026-11-30", DueAt: 1 << 62, LastState: "2026-11-30", Registered: 4, LastPay: "2026-11-16",
		Pending: []pendingRec{{Date: "2026-12-01", AsOf: 1 << 61, Seq: 90}, {Date: "2026-12-02", AsOf: -1, Seq: 1 << 40}}}
	ref := EventRef{Seq: 42, Type: "punch.recorded", ID: "00112233445566778899aabbccddeeff"}
	day := DayRow{Employee: "E1", Date: "2026-11-13", Kind: "working", Status: "present", Final: true, Figures: fig,
		Reasons:    []ReasonRow{{Code: "late", Clause: "shifts[0].late_grace", Detail: "3 min"}},
		Exceptions: []ExceptionRow{{Employee: "E1", Date: "2026-11-13", Code: "missing_out", Event: ref}},
		PolicyID:   "default", PolicyVersion: 3, PolicyEvent: ref, AsOf: "2026-11-14T02:00:00Z", LastSeq: 99}
	pay := PayrollRow{Employee: "E1", From: "2026-11-16", To: "2026-11-29", Closed: true, ClosedBy: ref, Totals: fig,
		Adjustments: []AdjustmentRow{{Date: "2026-11-13", Period: "2026-11-02", Delta: fig, Seq: 7}}, Adjusted: fig}

	type plainEmp employeeRec
	type plainRoster rosterRec
	type plainPending pendingRec
	type plainRef refRec
	type plainClosed closedRec
	type plainPolicy policyRec
	type plainQuota QuotaRow
	type plainFinding findingRec
	ref1 := refRec{Employee: "E1", Date: "2026-11-13", Seq: 5}
	closed := closedRec{PolicyID: "default", From: "2026-11-02", To: "2026-11-15", Seq: 6, ID: id}
	pol := policyRec{PolicyID: "default", Version: 2, EffectiveFrom: "2026-11-16", Seq: 3, ID: id, Policy: bytes.Repeat([]byte{0x90}, 300)}
	polEmpty := policyRec{Policy: []byte{}}
	quota := QuotaRow{Employee: "E1", Month: "2026-11", Requested: 3, Pending: 1, Approved: 1, Rejected: 1, Used: 3, Limit: 4}
	finding := punch.Findings[0]
	return []struct {
		name  string
		rec   wireRecord
		plain any
		fresh func() wireRecord
	}{
		// Inputs and day states have a compact form of their own (no reflection twin).
		{"inputPunch", &punch, nil, func() wireRecord { return new(inputRec) }},
		{"inputCorrection", &corr, nil, func() wireRecord { return new(inputRec) }},
		{"inputLeave", &leave, nil, func() wireRecord { return new(inputRec) }},
		{"dayState", &st, nil, func() wireRecord { return new(dayState) }},
		{"dayStateZero", &dayState{}, nil, func() wireRecord { return new(dayState) }},
		{"employee", &emp, (*plainEmp)(&emp), func() wireRecord { return new(employeeRec) }},
		{"employeeZero", &employeeRec{}, &plainEmp{}, func() wireRecord { return new(employeeRec) }},
		{"roster", &emp.Roster[0], (*plainRoster)(&emp.Roster[0]), func() wireRecord { return new(rosterRec) }},
		{"ref", &ref1, (*plainRef)(&ref1), func() wireRecord { return new(refRec) }},
		{"closed", &closed, (*plainClosed)(&closed), func() wireRecord { return new(closedRec) }},
		{"policy", &pol, (*plainPolicy)(&pol), func() wireRecord { return new(policyRec) }},
		{"policyEmpty", &polEmpty, (*plainPolicy)(&polEmpty), func() wireRecord { return new(policyRec) }},
		{"policyNil", &policyRec{}, &plainPolicy{}, func() wireRecord { return new(policyRec) }},
		{"quota", &quota, (*plainQuota)(&quota), func() wireRecord { return new(QuotaRow) }},
		{"finding", &finding, (*plainFinding)(&finding), func() wireRecord { return new(findingRec) }},
		// The report rows' reflection forms are checked in TestCodecsMatchReflection.
		{"day", &day, nil, func() wireRecord { return new(DayRow) }},
		{"pay", &pay, nil, func() wireRecord { return new(PayrollRow) }},
		{"inputPunchEmpty", &punchEmpty, nil, func() wireRecord { return new(inputRec) }},
		{"pending", &emp.Pending[0], (*plainPending)(&emp.Pending[0]), func() wireRecord { return new(pendingRec) }},
	}
}

// TestWireMatchesReflection checks that each wire encoder writes the bytes msgpack's
// reflection encoder writes for the same value (so stored state did not change with
// them), and that decoding gives the value back, nil and empty slices included.
func TestWireMatchesReflection(t *testing.T) {
	for _, tc := range wireSamples() {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.rec.appendWire([]byte{0xee})[1:] // appends, never overwrites
			if tc.plain != nil {
				want, err := msgpack.Marshal(tc.plain)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("wire       %x\nreflection %x", got, want)
				}
			}
			back := tc.fresh()
			if err := unmarshalWire(got, back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, tc.rec) {
				t.Fatalf("round trip: %+v\nwant %+v", back, tc.rec)
			}
			// msgpack's decoder reads the same bytes into the same value.
			if tc.plain != nil {
				viaMsgpack := reflect.New(reflect.TypeOf(tc.plain).Elem()).Interface()
				if err := msgpack.Unmarshal(got, viaMsgpack); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(viaMsgpack, tc.plain) {
					t.Fatalf("msgpack decodes %+v\nwant %+v", viaMsgpack, tc.plain)
				}
			}
		})
	}
}

// TestWireRejects checks that truncated, extended and mistyped bytes are errors
// wrapping errWire, never a panic or a silently different value.
func TestWireRejects(t *testing.T) {
	for _, tc := range wireSamples() {
		t.Run(tc.name, func(t *testing.T) {
			good := tc.rec.appendWire(nil)
			for n := 0; n < len(good); n++ {
				if err := unmarshalWire(good[:n], tc.fresh()); !errors.Is(err, errWire) {
					t.Fatalf("truncated to %d of %d bytes: %v", n, len(good), err)
				}
			}
			if err := unmarshalWire(append(bytes.Clone(good), 0xc0), tc.fresh()); !errors.Is(err, errWire) {
				t.Fatalf("trailing byte: %v", err)
			}
			bad := bytes.Clone(good)
			bad[0] ^= 0x01 // another field count
			if err := unmarshalWire(bad, tc.fresh()); !errors.Is(err, errWire) {
				t.Fatalf("field count changed: %v", err)
			}
		})
	}
}

// FuzzCheckpoint decodes arbitrary bytes as a stored checkpoint: either an error, or a
// checkpoint that encodes to the very same bytes.
func FuzzCheckpoint(f *testing.F) {
	at := time.Date(2026, 11, 18, 17, 30, 0, 0, time.UTC)
	for _, cp := range []Checkpoint{{}, {Version: 7, Seq: 42, RecordedAt: at}, {Version: 7, Seq: 1 << 40, RecordedAt: at, Pending: true}} {
		f.Add(encodeMeta(cp))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		cp, err := decodeMeta(b)
		if err != nil {
			return
		}
		if enc := encodeMeta(cp); !bytes.Equal(enc, b) {
			t.Fatalf("%x decodes to %+v, which encodes to %x", b, cp, enc)
		}
	})
}

// FuzzWireRecords decodes arbitrary bytes as each record: no panic, and whatever
// decodes re-encodes to bytes that decode to the same value and encode the same again.
func FuzzWireRecords(f *testing.F) {
	samples := wireSamples()
	for i, tc := range samples {
		f.Add(uint8(i), tc.rec.appendWire(nil))
	}
	f.Add(uint8(3), []byte{0x97, 0xdc, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		tc := samples[int(which)%len(samples)]
		v := tc.fresh()
		if err := unmarshalWire(data, v); err != nil {
			if !errors.Is(err, errWire) {
				t.Fatalf("error %v does not wrap errWire", err)
			}
			return
		}
		enc := v.appendWire(nil)
		again := tc.fresh()
		if err := unmarshalWire(enc, again); err != nil {
			t.Fatalf("re-encoded %x does not decode: %v", enc, err)
		}
		if !reflect.DeepEqual(v, again) {
			t.Fatalf("round trip changed %+v to %+v", v, again)
		}
		if enc2 := again.appendWire(nil); !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding not stable: %x then %x", enc, enc2)
		}
	})
}
