package rules

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Status is a day's primary status.
type Status string

// Statuses. A day has one primary status; the reasons list every flag that applies
// (a late day that also left early has status "late" and both reasons).
const (
	StatusPresent    Status = "present"
	StatusLate       Status = "late"
	StatusEarlyLeave Status = "early_leave"
	StatusHalfDay    Status = "half_day"
	StatusAbsent     Status = "absent"
	StatusOnLeave    Status = "on_leave"
	StatusHoliday    Status = "holiday"
	StatusRestDay    Status = "rest_day"
	StatusMissingIn  Status = "missing_in"
	StatusMissingOut Status = "missing_out"
	StatusField      Status = "field"
	// StatusPending: the day is not final and nothing decisive is known yet (no
	// punches while the window is open or devices have not synced past it).
	StatusPending Status = "pending"
	// StatusInvalid: the policy is missing or invalid; see the reasons.
	StatusInvalid Status = "invalid"
)

// Reason codes of day results.
const (
	ReasonLate            = "late"
	ReasonEarlyLeave      = "early_leave"
	ReasonShortHours      = "short_hours" // flexible shift: fewer than the required minutes
	ReasonHalfDay         = "half_day"
	ReasonAbsent          = "absent"          // worked below the absent threshold
	ReasonNoPunches       = "no_punches"      // a working day without punches
	ReasonMissingIn       = "missing_in"      // no check-in
	ReasonMissingOut      = "missing_out"     // no check-out (after the last check-in)
	ReasonDuplicateIn     = "duplicate_in"    // a check-in while already checked in (pairs)
	ReasonUnpairedOut     = "unpaired_out"    // a check-out without a check-in (pairs)
	ReasonOnLeave         = "on_leave"        // full-day leave
	ReasonHalfDayLeave    = "half_day_leave"  // half-day leave moved the expected start or end
	ReasonWorkedOnLeave   = "worked_on_leave" // punches on a full-day leave
	ReasonHoliday         = "holiday"
	ReasonRestDay         = "rest_day"
	ReasonHolidayIgnored  = "holiday_punches_ignored" // punches on a holiday not evaluated
	ReasonSwappedDay      = "swapped_working_day"
	ReasonPunchRejected   = "punch_rejected"
	ReasonPunchFlagged    = "punch_flagged"
	ReasonFieldPunch      = "field_punch"
	ReasonCorrected       = "corrected"
	ReasonOvertime        = "overtime"
	ReasonOTUnapproved    = "overtime_unapproved"
	ReasonAutoBreak       = "auto_break"
	ReasonPendingWindow   = "pending_window_open"
	ReasonPendingSync     = "pending_sync"
	ReasonUnknownShift    = "roster_unknown_shift"
	ReasonPolicyInvalid   = "policy_invalid"
	ReasonNotInForce      = "policy_not_in_force"    // the date is before the policy's effective_from
	ReasonCorrectionStray = "correction_not_applied" // a change/void naming no punch of the day
)

// Reason explains one flag of a day result or punch verdict: a stable code, the
// rule clause behind it (a field path into the policy such as "shifts[0].late_grace",
// or into the input such as "leave[0]" or "roster[1]") and a human detail.
type Reason struct {
	Code   string
	Clause string
	Detail string
}

// Leave is approved leave for the dates From–To inclusive.
type Leave struct {
	From, To Date
	Kind     string  // "annual", "sick", … (reported, not interpreted)
	Half     HalfDay // "" (full day), "am" or "pm"
	Paid     bool
}

// HalfDay is "am" (first half of the shift) or "pm" (second half).
type HalfDay string

// Half days.
const (
	FirstHalf  HalfDay = "am"
	SecondHalf HalfDay = "pm"
)

// Correction is an approved correction applied to a day.
type Correction struct {
	ID      string
	Kind    CorrectionKind
	Date    Date      // the attendance date corrected
	At      time.Time // the new time (missing_in, missing_out, change)
	PunchID string    // the punch changed or voided
}

// WeekToDate carries the earlier days of the same workweek, for weekly overtime
// and the seventh-day rule. EvaluateWeek fills it; callers that evaluate one day at
// a time sum Regular and count DaysWorked from the earlier days' results.
type WeekToDate struct {
	// Regular is the regular (not overtime) time of the earlier days of the workweek.
	Regular time.Duration
	// DaysWorked is how many earlier days of the workweek had worked time.
	DaysWorked int
}

// DayInput is everything Evaluate needs for one employee-day. Evaluate reads no
// clock: AsOf is "now" for the caller.
type DayInput struct {
	Policy *Policy
	Date   Date // the attendance date (the date a shift starts on)
	Roster Roster
	Leave  []Leave
	// Punches of the employee around the date; only those inside the date's window
	// count, so passing the neighbouring days' punches too is fine.
	Punches     []Punch
	Corrections []Correction // approved corrections; those for other dates are ignored
	Week        WeekToDate
	// OvertimeApproved approves the day's overtime where the policy requires approval.
	OvertimeApproved bool
	// SyncedThrough: the employee's devices have uploaded every punch made before this
	// instant. AsOf: the evaluation instant. The day is final only when both have
	// passed the window's close.
	SyncedThrough time.Time
	AsOf          time.Time
}

// Figure is a duration kept exact (from the punches as made) and rounded (from the
// punches rounded by the policy's rounding rules).
type Figure struct {
	Exact   time.Duration
	Rounded time.Duration
}

// OvertimeLine is overtime of one category at one multiplier.
type OvertimeLine struct {
	Category   string // "daily", "weekly", "rest_day", "holiday", "seventh_day"
	Minutes    int
	Multiplier Percent
	Approved   bool
	Clause     string // the policy path of the tier
}

// DayResult is the evaluation of one employee-day.
type DayResult struct {
	Date          Date
	PolicyID      string
	PolicyVersion int
	Kind          DayKind
	Shift         string // the scheduled shift; "" on rest days and holidays
	Status        Status
	// Final is false while the window is open or devices have not synced past it;
	// a day that is not final is never absent.
	Final bool
	// Open and Close bound the attendance window [Open, Close).
	Open, Close time.Time
	// FirstIn and LastOut as punched (zero if none); the rounded ones next to them.
	FirstIn, LastOut               time.Time
	FirstInRounded, LastOutRounded time.Time
	Worked                         Figure
	Late                           Figure
	EarlyLeave                     Figure
	// Regular is the rounded worked time that is not overtime.
	Regular  time.Duration
	Overtime []OvertimeLine
	// Night is rounded presence inside the policy's night window.
	Night time.Duration
	// UnpaidBreak is the unpaid break time deducted from the rounded worked time.
	UnpaidBreak time.Duration
	Field       bool     // some counted punch was a field punch
	Punches     []string // IDs of the counted punches, in time order
	Reasons     []Reason
}

// OvertimeMinutes returns the total overtime minutes.
func (r *DayResult) OvertimeMinutes() int {
	n := 0
	for _, l := range r.Overtime {
		n += l.Minutes
	}
	return n
}

// pt is a punch inside the window, as evaluation sees it.
type pt struct {
	at      time.Time
	kind    PunchKind // as punched (or corrected)
	eff     PunchKind // after pairing
	id      string
	outcome Outcome
	fix     bool // added or moved by a correction
}

func ptLess(a, b *pt) bool {
	if !a.at.Equal(b.at) {
		return a.at.Before(b.at)
	}
	if a.kind != b.kind {
		return a.kind < b.kind
	}
	if a.id != b.id {
		return a.id < b.id
	}
	return a.outcome < b.outcome
}

type ival struct{ s, e time.Time }

// Evaluate evaluates one employee-day. It is pure: the result depends only on in.
func Evaluate(in DayInput) DayResult {
	res := DayResult{Date: in.Date}
	if in.Policy == nil {
		res.Status = StatusInvalid
		res.Reasons = append(res.Reasons, Reason{ReasonPolicyInvalid, "", "no policy"})
		return res
	}
	res.PolicyID, res.PolicyVersion = in.Policy.ID, in.Policy.Version
	c, err := in.Policy.compiledPolicy()
	if err != nil || !in.Date.IsValid() {
		res.Status = StatusInvalid
		detail := "invalid date"
		if err != nil {
			detail = err.Error()
		}
		res.Reasons = append(res.Reasons, Reason{ReasonPolicyInvalid, "", detail})
		return res
	}
	e := evalPool.Get().(*evaluator)
	e.c, e.in, e.res = c, in, res
	e.run()
	res = e.res
	*e = evaluator{}
	evalPool.Put(e)
	return res
}

var evalPool = sync.Pool{New: func() any { return new(evaluator) }}

type evaluator struct {
	c   *compiled
	in  DayInput
	res DayResult
	f   frame
	pl  plan
	w   window
	sh  *cshift // scheduled shift (working days) or nil
	ws  *cshift // shift bounding the window (or nil)

	buf   [16]pt
	pts   []pt
	ivbuf [8]ival
}

func (e *evaluator) reason(code, clause, detail string) {
	e.res.Reasons = append(e.res.Reasons, Reason{code, clause, detail})
}

func (e *evaluator) clock(t time.Time) string {
	t = t.In(e.c.loc)
	h, m, s := t.Clock()
	b := []byte{byte('0' + h/10), byte('0' + h%10), ':', byte('0' + m/10), byte('0' + m%10)}
	if s != 0 {
		b = append(b, ':', byte('0'+s/10), byte('0'+s%10))
	}
	if d := DateOf(t); d != e.in.Date {
		return d.String() + " " + string(b)
	}
	return string(b)
}

func (e *evaluator) run() {
	c, in, res := e.c, &e.in, &e.res
	e.f = newFrame(in.Date, c.loc)
	e.pl, e.w = c.dayWindow(in.Date, &in.Roster, &e.f)
	pl, w := &e.pl, &e.w
	res.Kind = pl.kind
	res.Open, res.Close = w.open.In(c.loc), w.close.In(c.loc)
	if pl.shift >= 0 {
		e.sh = &c.shifts[pl.shift]
		res.Shift = e.sh.name
	}
	if pl.winShift >= 0 {
		e.ws = &c.shifts[pl.winShift]
	}
	if in.Date.Before(c.src.EffectiveFrom) {
		e.reason(ReasonNotInForce, "effective_from", "the policy takes effect on "+c.src.EffectiveFrom.String())
	}
	if pl.unknown != "" {
		e.reason(ReasonUnknownShift, "roster["+strconv.Itoa(pl.unknownAt)+"]", fmt.Sprintf("roster names unknown shift %q; the default schedule applies", pl.unknown))
	}
	if _, ok := c.working[e.f.day]; ok && pl.kind == DayWorking && strings.HasPrefix(pl.clause, "calendar.") {
		e.reason(ReasonSwappedDay, pl.clause, "a swapped working day")
	}
	res.Final = !in.AsOf.Before(w.close) && !in.SyncedThrough.Before(w.close)
	if !res.Final {
		if in.AsOf.Before(w.close) {
			e.reason(ReasonPendingWindow, "as_of", "the window closes at "+e.clock(w.close))
		} else {
			e.reason(ReasonPendingSync, "synced_through", "devices have synced only through "+e.clock(in.SyncedThrough))
		}
	}

	e.collect()

	// Leave.
	leaveIdx, leave := -1, (*Leave)(nil)
	for i := len(in.Leave) - 1; i >= 0; i-- {
		l := &in.Leave[i]
		if !in.Date.Before(l.From) && !in.Date.After(l.To) {
			leaveIdx, leave = i, l
			break
		}
	}
	leavePath := ""
	if leave != nil {
		leavePath = "leave[" + strconv.Itoa(leaveIdx) + "]"
	}

	if pl.kind == DayHoliday && !c.src.Calendar.EvaluateOnHolidays {
		res.Status = StatusHoliday
		e.reason(ReasonHoliday, pl.clause, c.src.Calendar.Holidays[c.holidays[e.f.day]].Name)
		if len(e.pts) > 0 {
			e.reason(ReasonHolidayIgnored, "calendar.evaluate_on_holidays", fmt.Sprintf("%d punch(es) not evaluated", len(e.pts)))
		}
		return
	}

	e.pair()
	firstIn, lastOut, ivs, missingIn, missingOut := e.intervals()
	if !firstIn.IsZero() {
		res.FirstIn = firstIn.In(c.loc)
		res.FirstInRounded = c.round[0].apply(firstIn, &e.f).In(c.loc)
	}
	if !lastOut.IsZero() {
		res.LastOut = lastOut.In(c.loc)
		res.LastOutRounded = c.round[1].apply(lastOut, &e.f).In(c.loc)
	}

	// Worked time, exact and rounded.
	var rbuf [8]ival
	rivs := rbuf[:0]
	for _, iv := range ivs {
		rivs = append(rivs, ival{c.round[0].apply(iv.s, &e.f), c.round[1].apply(iv.e, &e.f)})
	}
	e.clampStart(ivs)
	e.clampStart(rivs)
	wExact, _ := e.worked(ivs, false)
	wRound, unpaid := e.worked(rivs, true)
	res.Worked = Figure{wExact, wRound}
	res.UnpaidBreak = unpaid
	if c.night {
		res.Night = e.night(rivs)
	}

	// Expected start and end (working days).
	// Leave applies to working days only; on rest days and holidays it is not taken.
	if pl.kind != DayWorking {
		leave = nil
	}
	halfLeave := leave != nil && leave.Half != ""
	fullLeave := leave != nil && leave.Half == ""
	thresholdScale := 1
	if halfLeave {
		thresholdScale = 2
	}
	late, early, short := false, false, false
	if e.sh != nil && !fullLeave {
		sh := e.sh
		expStart, expEnd := w.start, w.end
		if sh.flex {
			expStart, expEnd = e.f.at(in.Date, sh.coreStart), e.f.at(in.Date, sh.coreEnd)
		}
		if halfLeave {
			mid := w.start.Add(w.end.Sub(w.start) / 2)
			if leave.Half == FirstHalf {
				expStart = mid
			} else {
				expEnd = mid
			}
			e.reason(ReasonHalfDayLeave, leavePath, fmt.Sprintf("%s leave (%s)", leave.Half, leave.Kind))
		}
		grace := time.Duration(sh.lateGrace) * time.Minute
		if !firstIn.IsZero() {
			if d := firstIn.Sub(expStart); d > grace {
				late = true
				res.Late.Exact = d
				if rd := res.FirstInRounded.Sub(expStart); rd > 0 {
					res.Late.Rounded = rd
				}
				clause := sh.path + ".late_grace"
				if sh.flex {
					clause = sh.path + ".flex.core_start"
				}
				e.reason(ReasonLate, clause, fmt.Sprintf("first in %s, %s after %s (grace %dm)", e.clock(firstIn), fmtDur(d), e.clock(expStart), sh.lateGrace))
			}
		}
		egrace := time.Duration(sh.earlyGrace) * time.Minute
		if !lastOut.IsZero() && !missingOut && (res.Final || !in.AsOf.Before(expEnd)) {
			if d := expEnd.Sub(lastOut); d > egrace {
				early = true
				res.EarlyLeave.Exact = d
				if rd := expEnd.Sub(res.LastOutRounded); rd > 0 {
					res.EarlyLeave.Rounded = rd
				}
				clause := sh.path + ".early_leave_grace"
				if sh.flex {
					clause = sh.path + ".flex.core_end"
				}
				e.reason(ReasonEarlyLeave, clause, fmt.Sprintf("last out %s, %s before %s (grace %dm)", e.clock(lastOut), fmtDur(d), e.clock(expEnd), sh.earlyGrace))
			}
		}
		if sh.flex && res.Final && len(ivs) > 0 {
			req := time.Duration(sh.required/thresholdScale) * time.Minute
			if wExact+egrace < req {
				short = true
				e.reason(ReasonShortHours, sh.path+".flex.required_minutes", fmt.Sprintf("worked %s of %s required", fmtDur(wExact), fmtDur(req)))
			}
		}
	}

	// Status.
	hasPunches := len(e.pts) > 0
	allField := hasPunches
	for i := range e.pts {
		if e.pts[i].outcome != OutcomeField {
			allField = false
		}
	}
	clauseOf := func(field string) string {
		if e.sh != nil {
			return e.sh.path + field
		}
		return pl.clause
	}
	switch {
	case fullLeave:
		res.Status = StatusOnLeave
		e.reason(ReasonOnLeave, leavePath, leave.Kind)
		if hasPunches {
			e.reason(ReasonWorkedOnLeave, leavePath, fmt.Sprintf("%d punch(es) on a leave day", len(e.pts)))
		}
	case !hasPunches:
		switch {
		case pl.kind == DayHoliday:
			res.Status = StatusHoliday
			e.reason(ReasonHoliday, pl.clause, c.src.Calendar.Holidays[c.holidays[e.f.day]].Name)
		case pl.kind == DayRest:
			res.Status = StatusRestDay
			e.reason(ReasonRestDay, pl.clause, pl.why)
		case !res.Final:
			res.Status = StatusPending
		default:
			res.Status = StatusAbsent
			e.reason(ReasonNoPunches, clauseOf(""), "no punches in the window "+e.clock(w.open)+"–"+e.clock(w.close))
		}
	case missingIn && res.Final:
		res.Status = StatusMissingIn
		e.reason(ReasonMissingIn, clauseOf(".worked"), "no check-in")
	case missingOut && res.Final:
		res.Status = StatusMissingOut
		e.reason(ReasonMissingOut, clauseOf(".worked"), "no check-out after "+e.clock(e.lastInAt()))
	case e.sh != nil && res.Final && e.sh.absent > 0 && wExact < time.Duration(e.sh.absent/thresholdScale)*time.Minute:
		res.Status = StatusAbsent
		e.reason(ReasonAbsent, e.sh.path+".absent_below", fmt.Sprintf("worked %s, below %dm", fmtDur(wExact), e.sh.absent/thresholdScale))
	case e.sh != nil && res.Final && e.sh.halfDay > 0 && wExact < time.Duration(e.sh.halfDay/thresholdScale)*time.Minute:
		res.Status = StatusHalfDay
		e.reason(ReasonHalfDay, e.sh.path+".half_day_below", fmt.Sprintf("worked %s, below %dm", fmtDur(wExact), e.sh.halfDay/thresholdScale))
	case late:
		res.Status = StatusLate
	case early || short:
		res.Status = StatusEarlyLeave
	case allField:
		res.Status = StatusField
	default:
		res.Status = StatusPresent
	}
	if hasPunches && pl.kind == DayRest {
		e.reason(ReasonRestDay, pl.clause, "worked on a rest day")
	}
	if hasPunches && pl.kind == DayHoliday {
		e.reason(ReasonHoliday, pl.clause, "worked on "+c.src.Calendar.Holidays[c.holidays[e.f.day]].Name)
	}
	e.overtime()
}

// collect picks the punches inside the window, applies corrections and sorts.
func (e *evaluator) collect() {
	in, w := &e.in, &e.w
	e.pts = e.buf[:0]
	for i := range in.Punches {
		p := &in.Punches[i]
		if p.At.Before(w.open) || !p.At.Before(w.close) {
			continue
		}
		e.pts = append(e.pts, pt{at: p.At, kind: p.Kind, id: p.ID, outcome: p.Outcome})
	}
	e.sort()
	// Reasons in time order (never in input order); rejected and repeated punches out.
	n := 0
	for i := range e.pts {
		p := e.pts[i]
		if n > 0 && e.pts[n-1].id == p.id && e.pts[n-1].at.Equal(p.at) && e.pts[n-1].kind == p.kind {
			continue // the same punch given twice
		}
		switch p.outcome {
		case OutcomeReject:
			e.reason(ReasonPunchRejected, "remote.actions", "punch "+p.id+" at "+e.clock(p.at)+" was rejected")
			continue
		case OutcomeFlag:
			e.reason(ReasonPunchFlagged, "remote.actions", "punch "+p.id+" at "+e.clock(p.at)+" needs review")
		case OutcomeField:
			e.res.Field = true
		}
		e.pts[n] = p
		n++
	}
	e.pts = e.pts[:n]
	for i := range in.Corrections {
		cr := &in.Corrections[i]
		if cr.Date != in.Date {
			continue
		}
		path := "corrections[" + strconv.Itoa(i) + "]"
		switch cr.Kind {
		case CorrectMissingIn, CorrectMissingOut:
			k := KindIn
			if cr.Kind == CorrectMissingOut {
				k = KindOut
			}
			e.pts = append(e.pts, pt{at: cr.At, kind: k, id: cr.ID, fix: true})
			e.reason(ReasonCorrected, path, fmt.Sprintf("%s added at %s", k, e.clock(cr.At)))
		case CorrectChange, CorrectVoid:
			found := false
			for j := range e.pts {
				if e.pts[j].id != cr.PunchID || cr.PunchID == "" {
					continue
				}
				found = true
				if cr.Kind == CorrectVoid {
					e.pts = append(e.pts[:j], e.pts[j+1:]...)
					e.reason(ReasonCorrected, path, "punch "+cr.PunchID+" voided")
				} else {
					e.pts[j].at, e.pts[j].fix = cr.At, true
					e.reason(ReasonCorrected, path, "punch "+cr.PunchID+" moved to "+e.clock(cr.At))
				}
				break
			}
			if !found {
				e.reason(ReasonCorrectionStray, path, "no punch "+cr.PunchID+" in the day")
			}
		default:
			e.reason(ReasonCorrectionStray, path, fmt.Sprintf("unknown correction kind %q", cr.Kind))
		}
	}
	e.sort()
	if len(e.pts) > 0 {
		e.res.Punches = make([]string, len(e.pts))
		for i := range e.pts {
			e.res.Punches[i] = e.pts[i].id
		}
	}
}

// sort orders the punches by time, kind, ID and outcome. Insertion sort: days have
// few punches, and it does not allocate.
func (e *evaluator) sort() {
	for i := 1; i < len(e.pts); i++ {
		for j := i; j > 0 && ptLess(&e.pts[j], &e.pts[j-1]); j-- {
			e.pts[j], e.pts[j-1] = e.pts[j-1], e.pts[j]
		}
	}
}

// pair assigns effective kinds: alternating ignores kinds; strict keeps them and
// infers unknown ones from the state (checked in → out, else in). For first_last,
// an unknown (or, alternating, any) first punch is the in and last punch the out.
func (e *evaluator) pair() {
	alternating := e.ws != nil && e.ws.alternating
	firstLast := e.ws == nil || !e.ws.pairs
	last := len(e.pts) - 1
	open := false
	for i := range e.pts {
		p := &e.pts[i]
		switch {
		case firstLast && (alternating || p.kind == KindUnknown) && i == 0:
			p.eff = KindIn
		case firstLast && (alternating || p.kind == KindUnknown) && i == last:
			p.eff = KindOut
		case alternating:
			p.eff = KindIn
			if i%2 == 1 {
				p.eff = KindOut
			}
		case p.kind == KindUnknown:
			p.eff = KindIn
			if open {
				p.eff = KindOut
			}
		default:
			p.eff = p.kind
		}
		open = p.eff == KindIn
	}
}

func (e *evaluator) lastInAt() time.Time {
	for i := len(e.pts) - 1; i >= 0; i-- {
		if e.pts[i].eff == KindIn {
			return e.pts[i].at
		}
	}
	return time.Time{}
}

// intervals returns the worked intervals (exact), first in and last out.
func (e *evaluator) intervals() (firstIn, lastOut time.Time, ivs []ival, missingIn, missingOut bool) {
	pts := e.pts
	if len(pts) == 0 {
		return
	}
	fi, lo := -1, -1
	for i := range pts {
		if pts[i].eff == KindIn && fi < 0 {
			fi = i
		}
		if pts[i].eff == KindOut {
			lo = i
		}
	}
	if fi >= 0 {
		firstIn = pts[fi].at
	}
	if lo >= 0 {
		lastOut = pts[lo].at
	}
	if fi < 0 {
		return firstIn, lastOut, nil, true, false
	}
	ivs = e.ivbuf[:0]
	pairs := e.ws != nil && e.ws.pairs
	if !pairs {
		if lo < fi {
			return firstIn, time.Time{}, nil, false, true
		}
		return firstIn, lastOut, append(ivs, ival{firstIn, lastOut}), false, false
	}
	openAt := -1
	for i := range pts {
		p := &pts[i]
		switch p.eff {
		case KindIn:
			if openAt >= 0 {
				e.reason(ReasonDuplicateIn, e.ws.path+".pairing", "check-in at "+e.clock(p.at)+" while checked in since "+e.clock(pts[openAt].at))
				continue
			}
			openAt = i
		case KindOut:
			if openAt < 0 {
				e.reason(ReasonUnpairedOut, e.ws.path+".pairing", "check-out at "+e.clock(p.at)+" without a check-in")
				continue
			}
			ivs = append(ivs, ival{pts[openAt].at, p.at})
			openAt = -1
		}
	}
	if openAt >= 0 {
		missingOut = true
	}
	if lo < fi {
		lastOut = time.Time{}
	}
	return firstIn, lastOut, ivs, false, missingOut
}

// clampStart moves starts before a working shift's start to the start, unless the
// policy counts early arrival.
func (e *evaluator) clampStart(ivs []ival) {
	if e.sh == nil || e.c.ot.early {
		return
	}
	st := e.w.start
	for i := range ivs {
		if ivs[i].s.Before(st) {
			ivs[i].s = st
		}
		if ivs[i].e.Before(ivs[i].s) {
			ivs[i].e = ivs[i].s
		}
	}
}

// worked sums intervals minus unpaid breaks; it returns the unpaid break deducted.
func (e *evaluator) worked(ivs []ival, note bool) (worked, unpaid time.Duration) {
	for _, iv := range ivs {
		if d := iv.e.Sub(iv.s); d > 0 {
			worked += d
		}
	}
	ws := e.ws
	if ws == nil || worked == 0 {
		return worked, 0
	}
	if ws.hasUnpaidBrks {
		for _, b := range ws.breaks {
			if b.paid {
				continue
			}
			bs, be := e.f.atDay(e.f.day, b.start), e.f.atDay(e.f.day, b.end)
			for _, iv := range ivs {
				if d := overlap(iv.s, iv.e, bs, be); d > 0 {
					unpaid += d
				}
			}
		}
		worked -= unpaid
	}
	if a := ws.auto; a != nil && !a.Paid && worked >= time.Duration(a.After)*time.Minute {
		var gaps time.Duration
		for i := 1; i < len(ivs); i++ {
			if d := ivs[i].s.Sub(ivs[i-1].e); d > 0 {
				gaps += d
			}
		}
		ded := time.Duration(a.Minutes)*time.Minute - gaps - unpaid
		if ded > 0 {
			worked -= ded
			unpaid += ded
			if note {
				e.reason(ReasonAutoBreak, ws.path+".auto_break", fmt.Sprintf("%s deducted after %dm worked", fmtDur(ded), a.After))
			}
		}
	}
	if worked < 0 {
		worked = 0
	}
	return worked, unpaid
}

func overlap(as, ae, bs, be time.Time) time.Duration {
	s, en := as, ae
	if bs.After(s) {
		s = bs
	}
	if be.Before(en) {
		en = be
	}
	return en.Sub(s)
}

func (e *evaluator) night(ivs []ival) time.Duration {
	var n time.Duration
	for k := -1; k <= 1; k++ {
		d := e.f.day + int64(k)
		ns, ne := e.f.atDay(d, e.c.nightFrom), e.f.atDay(d, e.c.nightTo)
		for _, iv := range ivs {
			if o := overlap(iv.s, iv.e, ns, ne); o > 0 {
				n += o
			}
		}
	}
	return n
}

func (r cround) apply(t time.Time, f *frame) time.Time {
	if r.interval == 0 || t.IsZero() {
		return t
	}
	off := f.offset(t)
	sec := t.Unix() + off
	ns := int64(t.Nanosecond())
	rem := sec % r.interval
	if rem < 0 {
		rem += r.interval
	}
	if rem == 0 && ns == 0 {
		return t
	}
	down := sec - rem
	up := down + r.interval
	switch r.mode {
	case RoundDown:
		sec = down
	case RoundUp:
		sec = up
	default:
		if 2*(rem*1e9+ns) >= r.interval*1e9 {
			sec = up
		} else {
			sec = down
		}
	}
	return time.Unix(sec-off, 0).UTC()
}

func fmtDur(d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	s := ""
	if h := d / time.Hour; h > 0 {
		s = strconv.Itoa(int(h)) + "h"
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 || s == "" {
		s += strconv.Itoa(int(m)) + "m"
		d -= m * time.Minute
	}
	if sec := d / time.Second; sec > 0 {
		s += strconv.Itoa(int(sec)) + "s"
	}
	if neg {
		s = "-" + s
	}
	return s
}
