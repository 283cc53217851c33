package rules

import (
	"fmt"
	"sort"
	"strconv"
	"time"
)

// overtime splits the rounded worked minutes into regular time and overtime lines.
func (e *evaluator) overtime() {
	c, in, res := e.c, &e.in, &e.res
	total := int(res.Worked.Rounded / time.Minute)
	if total <= 0 {
		res.Regular = res.Worked.Rounded
		return
	}
	ot := &c.ot
	var lines [6]OvertimeLine
	ls := lines[:0]
	tiers := func(list []Tier, cat, path string) {
		for i, t := range list {
			hi := total
			if i+1 < len(list) {
				hi = min(hi, list[i+1].After)
			}
			if m := hi - t.After; m > 0 {
				clause := path
				if path != "overtime.preset" {
					clause = path + "[" + strconv.Itoa(i) + "]"
				}
				ls = append(ls, OvertimeLine{Category: cat, Minutes: m, Multiplier: t.Percent, Clause: clause})
			}
		}
	}
	seventh := len(ot.seventh) > 0 && in.Week.DaysWorked >= 6 && e.weekIndex() == 6
	switch {
	case e.pl.kind == DayHoliday && len(ot.holiday) > 0:
		tiers(ot.holiday, "holiday", ot.holidayPath)
	case e.pl.kind == DayRest && len(ot.restDay) > 0:
		tiers(ot.restDay, "rest_day", ot.restPath)
	case seventh:
		tiers(ot.seventh, "seventh_day", ot.seventhPath)
	default:
		tiers(ot.daily, "daily", ot.dailyPath)
	}
	used := 0
	for _, l := range ls {
		used += l.Minutes
	}
	regular := total - used
	if len(ot.weekly) > 0 && regular > 0 {
		prior := int(in.Week.Regular / time.Minute)
		lo, hi := prior, prior+regular
		for i, t := range ot.weekly {
			tHi := hi
			if i+1 < len(ot.weekly) {
				tHi = min(tHi, ot.weekly[i+1].After)
			}
			if m := tHi - max(lo, t.After); m > 0 {
				clause := ot.weeklyPath
				if clause != "overtime.preset" {
					clause += "[" + strconv.Itoa(i) + "]"
				}
				ls = append(ls, OvertimeLine{Category: "weekly", Minutes: m, Multiplier: t.Percent, Clause: clause})
				regular -= m
			}
		}
	}
	// Minimum block: overtime counts in whole blocks; the rest stays regular.
	n := 0
	for _, l := range ls {
		if ot.block > 0 {
			rem := l.Minutes % ot.block
			l.Minutes -= rem
			regular += rem
		}
		if l.Minutes > 0 {
			l.Approved = !ot.approval || in.OvertimeApproved
			ls[n] = l
			n++
		}
	}
	ls = ls[:n]
	res.Regular = res.Worked.Rounded - time.Duration(total-regular)*time.Minute
	if len(ls) == 0 {
		return
	}
	res.Overtime = append([]OvertimeLine(nil), ls...)
	for _, l := range ls {
		detail := fmt.Sprintf("%dm %s at %s", l.Minutes, l.Category, l.Multiplier)
		if l.Clause == "overtime.preset" {
			detail += " (preset " + string(c.src.Overtime.Preset) + ")"
		}
		e.reason(ReasonOvertime, l.Clause, detail)
	}
	if ot.approval && !in.OvertimeApproved {
		e.reason(ReasonOTUnapproved, "overtime.approval_required", "overtime needs approval")
	}
}

// weekIndex is the date's position in its workweek (0 = the policy's week start).
func (e *evaluator) weekIndex() int {
	return (int(e.in.Date.Weekday()) - int(e.c.weekStart) + 7) % 7
}

// WeekStartOf returns the first day of the workweek that holds d.
func (p *Policy) WeekStartOf(d Date) Date {
	ws := time.Monday
	if w, ok := parseWeekday(p.WeekStart); ok {
		ws = w
	}
	return d.AddDays(-((int(d.Weekday()) - int(ws) + 7) % 7))
}

// EvaluateWeek evaluates several days of one employee (any dates, any order) in date
// order and returns the results in that order. Each day's Week is computed from the
// results of the earlier days of the same workweek among ins, added to the Week
// given with the first of them in that workweek (so a caller can pass days before
// the first one as a starting point). Inputs with a nil Policy or invalid policy are
// evaluated as Evaluate would.
func EvaluateWeek(ins []DayInput) []DayResult {
	order := make([]int, len(ins))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return ins[order[a]].Date.Before(ins[order[b]].Date) })
	out := make([]DayResult, 0, len(ins))
	var week WeekToDate
	var cur Date
	for n, i := range order {
		in := ins[i]
		var ws Date
		if in.Policy != nil {
			ws = in.Policy.WeekStartOf(in.Date)
		}
		if n == 0 || ws != cur {
			cur = ws
			week = in.Week
		}
		in.Week = week
		r := Evaluate(in)
		week.Regular += r.Regular
		if r.Worked.Rounded > 0 {
			week.DaysWorked++
		}
		out = append(out, r)
	}
	return out
}

// PeriodOf returns the pay period [from, to] (inclusive) that holds d.
func (p *Policy) PeriodOf(d Date) (from, to Date) {
	pp := p.PayPeriod
	switch pp.Kind {
	case Weekly, Biweekly:
		n := 7
		if pp.Kind == Biweekly {
			n = 14
		}
		off := d.DaysSince(pp.Anchor) % n
		if off < 0 {
			off += n
		}
		from = d.AddDays(-off)
		return from, from.AddDays(n - 1)
	}
	sd := max(pp.StartDay, 1)
	from = Date{d.Year, d.Month, sd}
	if d.Day < sd {
		from = monthShift(from, -1)
	}
	return from, monthShift(from, 1).AddDays(-1)
}

func monthShift(d Date, n int) Date {
	m := int(d.Month) - 1 + n
	y := d.Year + m/12
	m %= 12
	if m < 0 {
		m += 12
		y--
	}
	return Date{y, time.Month(m + 1), d.Day}
}
