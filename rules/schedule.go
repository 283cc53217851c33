package rules

import (
	"strconv"
	"time"
)

// Roster is an employee's shift assignments; they override the policy's default
// week. Where assignments overlap, the later one in the slice wins.
type Roster struct {
	Assignments []Assignment
}

// Assignment assigns a shift (by name) or a day off to the dates From–To inclusive.
type Assignment struct {
	From, To Date
	Shift    string // a shift name of the policy; ignored when Off
	Off      bool   // a rest day
}

// DayKind says what kind of day the calendar makes a date.
type DayKind string

// Day kinds.
const (
	DayWorking DayKind = "working"
	DayRest    DayKind = "rest"
	DayHoliday DayKind = "holiday"
)

// plan is one date's schedule.
type plan struct {
	date      Date
	day       int64 // the date's day number
	kind      DayKind
	shift     int    // scheduled shift (working days), else -1
	winShift  int    // shift bounding the window: shift, or the off-day shift, or -1 (calendar day)
	clause    string // policy path (or roster path) that made the day what it is
	why       string // a few words on why the day is a rest day
	unknown   string // roster named an unknown shift
	unknownAt int    // index of that roster assignment
}

// indexPaths holds "name[i]" for the list fields a plan names, for small i, so that
// planning a day does not allocate.
var indexPaths = func() map[string][]string {
	m := map[string][]string{}
	for _, name := range []string{"roster", "calendar.working_days", "calendar.rest_days", "calendar.holidays"} {
		l := make([]string, 64)
		for i := range l {
			l[i] = name + "[" + strconv.Itoa(i) + "]"
		}
		m[name] = l
	}
	return m
}()

func indexPath(name string, i int) string {
	if l := indexPaths[name]; i < len(l) {
		return l[i]
	}
	return name + "[" + strconv.Itoa(i) + "]"
}

var weekRestWhy = func() (w [7]string) {
	for i, n := range weekdayNames {
		w[i] = "no shift on " + string(n) + " in the default week"
	}
	return w
}()

// planDay works out date d's kind and shift. Precedence: holiday, then the roster,
// then swapped working days, then extra rest days, then the default week.
func (c *compiled) planDay(d Date, r *Roster) plan {
	k := d.days()
	wd := weekdayOf(k)
	pl := plan{date: d, day: k, kind: DayWorking, shift: -1, winShift: -1}
	assigned := false
	for i := len(r.Assignments) - 1; i >= 0; i-- {
		a := &r.Assignments[i]
		if d.Before(a.From) || d.After(a.To) {
			continue
		}
		if a.Off {
			pl.kind = DayRest
			pl.clause = indexPath("roster", i)
			pl.why = "a day off in the roster"
			assigned = true
			break
		}
		if idx, ok := c.shiftIdx[a.Shift]; ok {
			pl.shift = idx
			pl.clause = indexPath("roster", i)
			assigned = true
			break
		}
		pl.unknown, pl.unknownAt = a.Shift, i
		break
	}
	if !assigned {
		if _, ok := c.working[k]; ok {
			pl.shift = c.workShift[k]
			pl.clause = indexPath("calendar.working_days", c.working[k])
		} else if i, ok := c.rest[k]; ok {
			pl.kind = DayRest
			pl.clause = indexPath("calendar.rest_days", i)
			pl.why = "an extra rest day in the calendar"
		} else if idx := c.week[wd]; idx >= 0 {
			pl.shift = idx
			pl.clause = c.weekPath[wd]
		} else {
			pl.kind = DayRest
			pl.clause = "week"
			pl.why = weekRestWhy[wd]
		}
	}
	if i, ok := c.holidays[k]; ok {
		pl.kind = DayHoliday
		pl.clause = indexPath("calendar.holidays", i)
	}
	pl.winShift = pl.shift
	if pl.kind != DayWorking {
		if pl.winShift < 0 {
			pl.winShift = c.offShift
		}
		pl.shift = -1
	}
	return pl
}

// window is a plan's attendance window [open, close) and its shift's [start, end).
type window struct {
	open, close time.Time
	start, end  time.Time // shift start and end; for a calendar-day window, open and close
	real        bool      // bounded by a shift (not a bare calendar day)
}

func (c *compiled) rawWindow(pl *plan, f *frame) window {
	if pl.winShift < 0 {
		o := f.atDay(pl.day, 0)
		e := f.atDay(pl.day, 1440)
		return window{open: o, close: e, start: o, end: e}
	}
	s := &c.shifts[pl.winShift]
	return window{
		open:  f.atDay(pl.day, s.open),
		close: f.atDay(pl.day, s.close),
		start: f.atDay(pl.day, s.start),
		end:   f.atDay(pl.day, s.end),
		real:  pl.shift >= 0,
	}
}

// cut returns where two overlapping windows (a earlier than b) split: at the earlier
// shift's end, kept within the overlap. A scheduled shift wins over an off day's
// window.
func cut(a, b *window) time.Time {
	switch {
	case a.real && !b.real:
		return a.close
	case !a.real && b.real:
		return b.open
	}
	t := a.end
	if t.Before(b.open) {
		t = b.open
	}
	if t.After(a.close) {
		t = a.close
	}
	return t
}

// dayWindow returns date d's plan and window after splitting against neighbours.
func (c *compiled) dayWindow(d Date, r *Roster, f *frame) (plan, window) {
	pl := c.planDay(d, r)
	w := c.rawWindow(&pl, f)
	for k := -c.neighbours; k <= c.neighbours; k++ {
		if k == 0 {
			continue
		}
		npl := c.planDay(dateFromDays(pl.day+int64(k)), r)
		nw := c.rawWindow(&npl, f)
		if k < 0 {
			if nw.close.After(w.open) && nw.open.Before(w.close) {
				if t := cut(&nw, &w); t.After(w.open) {
					w.open = t
				}
			}
		} else if w.close.After(nw.open) && w.open.Before(nw.close) {
			if t := cut(&w, &nw); t.Before(w.close) {
				w.close = t
			}
		}
	}
	if w.close.Before(w.open) {
		w.close = w.open
	}
	return pl, w
}

// AttendanceDate returns the date whose attendance window holds the instant at:
// the date its shift starts on (or, on a day without a shift, the local calendar
// day). ok is false when at lies in no window (e.g. between shifts' windows) or the
// policy is invalid.
func (p *Policy) AttendanceDate(roster Roster, at time.Time) (Date, bool) {
	c, err := p.compiledPolicy()
	if err != nil {
		return Date{}, false
	}
	return c.attendanceDate(&roster, at)
}

func (c *compiled) attendanceDate(r *Roster, at time.Time) (Date, bool) {
	local := DateOf(at.In(c.loc))
	lo, hi := -1, 1
	if c.neighbours > 1 {
		lo, hi = -2, 2
	}
	for k := lo; k <= hi; k++ {
		d := local.AddDays(k)
		f := newFrame(d, c.loc)
		_, w := c.dayWindow(d, r, &f)
		if !at.Before(w.open) && at.Before(w.close) {
			return d, true
		}
	}
	return Date{}, false
}

// Schedule describes a date for an employee: its kind, shift and window.
type Schedule struct {
	Date  Date
	Kind  DayKind
	Shift string // scheduled shift name; "" on rest days and holidays
	// Open and Close bound the attendance window [Open, Close) after splitting
	// against neighbouring days' windows.
	Open, Close time.Time
	// Start and End are the scheduled shift's start and end (zero without a shift).
	Start, End time.Time
	Clause     string // the policy (or roster) path that decided the day's kind
}

// Schedule returns date d's schedule under this policy and roster.
func (p *Policy) Schedule(roster Roster, d Date) (Schedule, error) {
	c, err := p.compiledPolicy()
	if err != nil {
		return Schedule{}, err
	}
	f := newFrame(d, c.loc)
	pl, w := c.dayWindow(d, &roster, &f)
	s := Schedule{Date: d, Kind: pl.kind, Open: w.open, Close: w.close, Clause: pl.clause}
	if pl.shift >= 0 {
		s.Shift = c.shifts[pl.shift].name
		s.Start, s.End = w.start, w.end
	}
	return s, nil
}
