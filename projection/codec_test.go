package projection_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/punchledger/punchledger/projection"
)

// TestCodecsMatchReflection checks the hand-written codecs of the report rows against
// msgpack's reflection encoder (the same struct without methods): same bytes, and a
// round trip gives the value back.
func TestCodecsMatchReflection(t *testing.T) {
	ref := projection.EventRef{Seq: 42, Type: "punch.recorded", ID: "00112233445566778899aabbccddeeff"}
	fig := projection.Figures{Days: 1, Worked: 510, Regular: 480, Night: 30, UnpaidBreak: 60, Absent: 0, Leave: 1,
		Overtime: []projection.OvertimeRow{{Category: "daily", Percent: 150, Approved: true, Minutes: 30}, {Category: "rest_day", Percent: 200, Minutes: 5}}}
	type plainRef projection.EventRef
	type plainOT projection.OvertimeRow
	type plainFig projection.Figures
	type plainAdj projection.AdjustmentRow
	type plainPay projection.PayrollRow
	type plainReason projection.ReasonRow
	type plainExc projection.ExceptionRow
	type plainDay projection.DayRow
	adj := projection.AdjustmentRow{Date: "2026-11-13", Period: "2026-11-02", Delta: fig, Seq: 7}
	pay := projection.PayrollRow{Employee: "E1", From: "2026-11-16", To: "2026-11-29", Closed: true, ClosedBy: ref, Totals: fig,
		Adjustments: []projection.AdjustmentRow{adj}, Adjusted: fig}
	exc := projection.ExceptionRow{Employee: "E1", Date: "2026-11-13", Code: "missing_out", Clause: "shifts[0]", Detail: "d", Event: ref}
	day := projection.DayRow{Employee: "E1", Date: "2026-11-13", Kind: "working", Shift: "day", Status: "present", Final: true, Field: true,
		FirstIn: "2026-11-13T09:00:00-05:00", LastOut: "2026-11-13T17:00:00-05:00", Worked: 480, WorkedExact: 481, Late: 3, EarlyLeave: 4,
		Figures: fig, Reasons: []projection.ReasonRow{{Code: "late", Clause: "shifts[0].late_grace", Detail: "3 min"}},
		Exceptions: []projection.ExceptionRow{exc}, PolicyID: "default", PolicyVersion: 3, PolicyEvent: ref, AsOf: "2026-11-14T02:00:00Z", LastSeq: 99}
	for _, tc := range []struct {
		name          string
		custom, plain any
		fresh         func() any
	}{
		{"EventRef", &ref, (*plainRef)(&ref), func() any { return new(projection.EventRef) }},
		{"OvertimeRow", &fig.Overtime[0], (*plainOT)(&fig.Overtime[0]), func() any { return new(projection.OvertimeRow) }},
		{"Figures", &fig, (*plainFig)(&fig), func() any { return new(projection.Figures) }},
		{"FiguresEmpty", &projection.Figures{}, &plainFig{}, func() any { return new(projection.Figures) }},
		{"AdjustmentRow", &adj, (*plainAdj)(&adj), func() any { return new(projection.AdjustmentRow) }},
		{"PayrollRow", &pay, (*plainPay)(&pay), func() any { return new(projection.PayrollRow) }},
		{"PayrollRowEmpty", &projection.PayrollRow{Employee: "E2"}, &plainPay{Employee: "E2"}, func() any { return new(projection.PayrollRow) }},
		{"ReasonRow", &day.Reasons[0], (*plainReason)(&day.Reasons[0]), func() any { return new(projection.ReasonRow) }},
		{"ExceptionRow", &exc, (*plainExc)(&exc), func() any { return new(projection.ExceptionRow) }},
		{"DayRow", &day, (*plainDay)(&day), func() any { return new(projection.DayRow) }},
		{"DayRowEmpty", &projection.DayRow{Date: "2026-11-01"}, &plainDay{Date: "2026-11-01"}, func() any { return new(projection.DayRow) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := msgpack.Marshal(tc.custom)
			if err != nil {
				t.Fatal(err)
			}
			want, err := msgpack.Marshal(tc.plain)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("custom %x\nreflection %x", got, want)
			}
			back := tc.fresh()
			if err := msgpack.Unmarshal(got, back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, tc.custom) {
				t.Fatalf("round trip: %+v, want %+v", back, tc.custom)
			}
		})
	}
}
