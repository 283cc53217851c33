package projection

import (
	"fmt"
	"slices"
	"time"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/rules"
)

// Explanation is everything behind one employee-day's figures: the day row (with the
// reasons and the policy clause of each), the policy version in force and the event
// that published it, and every event that went into the day, each with its role.
type Explanation struct {
	Employee      string           `json:"employee"`
	Date          string           `json:"date"`
	Day           *DayRow          `json:"day"` // nil: the day was never evaluated
	PolicyID      string           `json:"policy_id"`
	PolicyVersion int64            `json:"policy_version"`
	Policy        EventRef         `json:"policy_event"`
	Events        []ExplainedEvent `json:"events"` // by seq
	// BookedIn is the payroll period the day belongs to; Adjustments the line for it
	// in a later period when it changed after its period closed.
	BookedIn    string          `json:"booked_in,omitempty"`
	AdjustedIn  string          `json:"adjusted_in,omitempty"`
	Adjustments []AdjustmentRow `json:"adjustments,omitempty"`
}

// ExplainedEvent is one event behind a day.
type ExplainedEvent struct {
	EventRef
	Role    string `json:"role"`    // punch, void, correction, decision, leave, roster
	Counted bool   `json:"counted"` // the event changes the day's figures as things stand
	Detail  string `json:"detail"`
}

// Explain returns the explanation of emp's date d, if who may read emp's records.
func Explain(r Reader, who attendance.Actor, emp string, d rules.Date) (*Explanation, error) {
	if _, err := scope(r, who, Query{Employee: emp}, "explain"); err != nil {
		return nil, err
	}
	date := d.String()
	x := &Explanation{Employee: emp, Date: date}
	day, err := getRecord[DayRow](r, keyDay(emp, date))
	if err != nil {
		return nil, err
	}
	x.Day = day
	if day != nil {
		x.PolicyID, x.PolicyVersion, x.Policy = day.PolicyID, day.PolicyVersion, day.PolicyEvent
	}
	rec, err := readEmployee(r, emp)
	if err != nil {
		return nil, err
	}
	loc := time.UTC
	if day != nil && day.PolicyID != "" {
		if v, err := r.Get(keyPolicy(day.PolicyID, day.PolicyVersion)); err == nil {
			var pr policyRec
			if unmarshalWire(v, &pr) == nil {
				if p, err := decodePolicy(pr); err == nil {
					if l, err := time.LoadLocation(p.TimeZone); err == nil {
						loc = l
					}
				}
			}
		}
	}
	clock := func(ns int64) string { return time.Unix(0, ns).In(loc).Format("2006-01-02 15:04:05 MST") }
	if rec == nil {
		return nil, fmt.Errorf("projection: explain %s: %w", emp, attendance.ErrUnknownEmployee)
	}
	for _, ro := range rec.Roster {
		if ro.From <= date && date <= ro.To {
			shift := ro.Shift
			if shift == "" {
				shift = "rest day"
			}
			x.Events = append(x.Events, ExplainedEvent{EventRef: ref(ro.Seq, attendance.TypeShiftAssigned, ro.ID), Role: "roster",
				Counted: true, Detail: fmt.Sprintf("rostered %s for %s..%s", shift, ro.From, ro.To)})
		}
	}
	st, err := getRecord[dayState](r, keyDayState(emp, date))
	if err != nil {
		return nil, err
	}
	if st == nil {
		st = new(dayState)
	}
	for _, in := range st.Inputs {
		e := ExplainedEvent{EventRef: ref(in.Seq, in.typ(), in.ID)}
		switch in.Kind {
		case inputPunch:
			e.Role = "punch"
			e.Counted = in.VoidSeq == 0 && in.Outcome != uint8(rules.OutcomeReject)
			e.Detail = fmt.Sprintf("%s at %s (device time) from %s, recorded %s", rules.PunchKind(in.PunchKind), clock(in.At),
				attendance.Source(in.Source), clock(in.RecordedAt))
			if in.Offline {
				e.Detail += ", punched offline and uploaded later"
			}
			e.Detail += ", outcome " + rules.Outcome(in.Outcome).String()
			for _, f := range in.Findings {
				e.Detail += fmt.Sprintf("; %s (%s): %s", f.Code, f.Clause, f.Detail)
			}
			x.Events = append(x.Events, e)
			if in.VoidSeq != 0 {
				x.Events = append(x.Events, ExplainedEvent{EventRef: ref(in.VoidSeq, attendance.TypePunchVoided, in.VoidID), Role: "void",
					Counted: true, Detail: "voids punch " + e.ID})
			}
		case inputCorrection:
			e.Role = "correction"
			e.Counted = in.CorrState == corrApproved
			e.Detail = fmt.Sprintf("%s requested", in.CorrKind)
			if in.At != 0 {
				e.Detail += " for " + clock(in.At)
			}
			e.Detail += ", " + corrStateName(in.CorrState)
			x.Events = append(x.Events, e)
			if in.DecisionSeq != 0 {
				typ := map[uint8]string{corrApproved: attendance.TypeCorrectionApproved, corrRejected: attendance.TypeCorrectionRejected,
					corrWithdrawn: attendance.TypeCorrectionWithdrawn, corrPending: attendance.TypeCorrectionApproved}[in.CorrState]
				x.Events = append(x.Events, ExplainedEvent{EventRef: ref(in.DecisionSeq, typ, in.DecisionID), Role: "decision",
					Counted: in.CorrState == corrApproved, Detail: corrStateName(in.CorrState) + " correction " + e.ID})
			}
		case inputLeave:
			e.Role, e.Counted = "leave", true
			e.Detail = "leave: " + in.LeaveKind
			if in.LeaveMinutes > 0 {
				e.Detail += fmt.Sprintf(" (%d min)", in.LeaveMinutes)
			}
			x.Events = append(x.Events, e)
		}
	}
	slices.SortStableFunc(x.Events, func(a, b ExplainedEvent) int { return int(int64(a.Seq) - int64(b.Seq)) })
	if st.Period == "" {
		return x, nil
	}
	x.BookedIn = st.Period
	if st.AdjPeriod == "" {
		return x, nil
	}
	x.AdjustedIn = st.AdjPeriod
	row, err := getPay(r, st.AdjPeriod, emp)
	if err != nil {
		return nil, err
	}
	if row != nil {
		for _, adj := range row.Adjustments {
			if adj.Date == date {
				x.Adjustments = append(x.Adjustments, adj)
			}
		}
	}
	return x, nil
}

func corrStateName(s uint8) string {
	switch s {
	case corrPending:
		return "pending"
	case corrApproved:
		return "approved"
	case corrRejected:
		return "rejected"
	case corrWithdrawn:
		return "withdrawn"
	}
	return fmt.Sprintf("state %d", s)
}
