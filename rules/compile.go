package rules

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"
	_ "time/tzdata" // results never depend on the host's zoneinfo

	"github.com/punchledger/punchledger/geofence"
)

// compiled is the validated, precomputed form of a Policy.
type compiled struct {
	src       *Policy
	loc       *time.Location
	weekStart time.Weekday
	shifts    []cshift
	shiftIdx  map[string]int
	week      [7]int // shift index per weekday, -1 = rest day
	weekPath  [7]string
	offShift  int           // shift whose window bounds off days, -1 = calendar day
	holidays  map[int64]int // day number → index into Calendar.Holidays
	working   map[int64]int // day number → index into Calendar.WorkingDays
	workShift map[int64]int // day number → shift index for swapped working days
	rest      map[int64]int // day number → index into Calendar.RestDays
	round     [2]cround     // in, out
	ot        cot
	night     bool
	nightFrom int // minutes
	nightTo   int // minutes, > nightFrom (crossing midnight adds 1440)
	// reachBefore/After: how far (minutes) a window may start before its date's
	// midnight or end after the next midnight; decides how many neighbours to check.
	neighbours int
	remote     cremote
	corrAllow  uint8 // bit per correction kind
}

type cshift struct {
	name          string
	path          string // "shifts[3]"
	start, end    int    // minutes after the date's midnight, end > start
	open, close   int
	lateGrace     int
	earlyGrace    int
	halfDay       int
	absent        int
	breaks        []cbreak
	auto          *AutoBreak
	flex          bool
	coreStart     int
	coreEnd       int
	required      int
	pairs         bool
	alternating   bool
	hasUnpaidBrks bool
}

type cbreak struct {
	start, end int
	paid       bool
}

type cround struct {
	interval int64 // seconds
	mode     RoundMode
}

type cot struct {
	daily, weekly, restDay, holiday, seventh []Tier
	dailyPath, weeklyPath, restPath          string
	holidayPath, seventhPath                 string
	block                                    int
	approval                                 bool
	early                                    bool
}

var locCache sync.Map // zone name → *time.Location (a pure cache)

func loadLocation(name string) (*time.Location, error) {
	if l, ok := locCache.Load(name); ok {
		return l.(*time.Location), nil
	}
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("not an IANA zone name")
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locCache.Store(name, l)
	return l, nil
}

// parseClock parses "HH:MM"; allow24 admits "24:00".
func parseClock(c Clock, allow24 bool) (int, bool) {
	s := string(c)
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	h, ok1 := atoiN(s[:2])
	m, ok2 := atoiN(s[3:])
	if !ok1 || !ok2 || m > 59 || h > 24 || (h == 24 && (m != 0 || !allow24)) {
		return 0, false
	}
	return h*60 + m, true
}

var weekdayNames = [7]Weekday{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

func parseWeekday(w Weekday) (time.Weekday, bool) {
	for i, n := range weekdayNames {
		if n == w {
			return time.Weekday(i), true
		}
	}
	return 0, false
}

// Findings JudgePunch can report; Remote.Actions may name them.
var knownFindings = []string{
	FindingOutsideFence, FindingLocationUncertain, FindingNoLocation, FindingWiFiMismatch,
	FindingIPMismatch, FindingUnboundDevice, FindingMissingFactor, FindingTooFewFactors,
	FindingOfflineDelay, FindingClockSkew, FindingSignatureInvalid, FindingMockLocation,
	FindingImpossibleTravel, FindingImplausibleAccuracy, FindingOfflineJump, FindingBadLocation,
}

type problems struct{ list []Problem }

func (ps *problems) add(path, format string, args ...any) {
	ps.list = append(ps.list, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// Validate checks the whole policy and returns a *ValidationError listing every
// problem with its field path, or nil. A valid policy is compiled and the compiled
// form is cached on p (see Policy).
func (p *Policy) Validate() error {
	c, ps := compile(p)
	if len(ps) > 0 {
		return &ValidationError{Problems: ps}
	}
	p.c = c
	return nil
}

// compiledPolicy returns the cached compiled form or compiles p anew.
func (p *Policy) compiledPolicy() (*compiled, error) {
	if c := p.c; c != nil && c.src == p {
		return c, nil
	}
	c, ps := compile(p)
	if len(ps) > 0 {
		return nil, &ValidationError{Problems: ps}
	}
	return c, nil
}

func compile(p *Policy) (*compiled, []Problem) {
	var ps problems
	c := &compiled{src: p, offShift: -1, shiftIdx: make(map[string]int, len(p.Shifts))}
	if p.ID == "" {
		ps.add("id", "must not be empty")
	}
	if p.Version < 1 {
		ps.add("version", "must be at least 1, got %d", p.Version)
	}
	if !p.EffectiveFrom.IsValid() {
		ps.add("effective_from", "must be a valid date")
	}
	if loc, err := loadLocation(p.TimeZone); err != nil {
		ps.add("time_zone", "unknown time zone %q: %v", p.TimeZone, err)
		c.loc = time.UTC
	} else {
		c.loc = loc
	}
	c.weekStart = time.Monday
	if p.WeekStart != "" {
		if w, ok := parseWeekday(p.WeekStart); ok {
			c.weekStart = w
		} else {
			ps.add("week_start", "unknown weekday %q", p.WeekStart)
		}
	}

	// Shifts.
	reachBefore, reachAfter := 0, 0
	for i := range p.Shifts {
		s := &p.Shifts[i]
		path := "shifts[" + strconv.Itoa(i) + "]"
		cs := compileShift(s, path, &ps)
		if s.Name == "" {
			ps.add(path+".name", "must not be empty")
		} else if _, dup := c.shiftIdx[s.Name]; dup {
			ps.add(path+".name", "duplicate shift name %q", s.Name)
		} else {
			c.shiftIdx[s.Name] = i
		}
		reachBefore = max(reachBefore, -cs.open)
		reachAfter = max(reachAfter, cs.close-1440)
		c.shifts = append(c.shifts, cs)
	}
	c.neighbours = 1
	if reachBefore+reachAfter > 1440 {
		c.neighbours = 2
	}

	// Week.
	for i := range c.week {
		c.week[i] = -1
	}
	for i, wd := range p.Week {
		path := "week[" + strconv.Itoa(i) + "]"
		w, ok := parseWeekday(wd.Day)
		if !ok {
			ps.add(path+".day", "unknown weekday %q", wd.Day)
			continue
		}
		idx, ok := c.shiftIdx[wd.Shift]
		if !ok {
			ps.add(path+".shift", "unknown shift %q", wd.Shift)
			continue
		}
		if c.week[w] >= 0 {
			ps.add(path+".day", "weekday %q listed twice", wd.Day)
			continue
		}
		c.week[w] = idx
		c.weekPath[w] = path
	}
	if p.OffDayShift != "" {
		if idx, ok := c.shiftIdx[p.OffDayShift]; ok {
			c.offShift = idx
		} else {
			ps.add("off_day_shift", "unknown shift %q", p.OffDayShift)
		}
	}

	compileCalendar(p, c, &ps)
	compileRounding(p, c, &ps)
	compileOvertime(p, c, &ps)

	if p.Night != nil {
		f, ok1 := parseClock(p.Night.Start, false)
		t, ok2 := parseClock(p.Night.End, true)
		if !ok1 {
			ps.add("night.start", "bad clock %q (want HH:MM)", p.Night.Start)
		}
		if !ok2 {
			ps.add("night.end", "bad clock %q (want HH:MM)", p.Night.End)
		}
		if ok1 && ok2 {
			if t == f {
				ps.add("night.end", "must differ from night.start")
			}
			if t <= f {
				t += 1440
			}
			c.night, c.nightFrom, c.nightTo = true, f, t
		}
	}

	compileRemote(p, c, &ps)
	compileCorrections(p, c, &ps)

	switch p.Privacy.Location {
	case "", LocationExact, LocationCoarse, LocationVerdict:
	default:
		ps.add("privacy.location", "unknown level %q (want exact, coarse or verdict)", p.Privacy.Location)
	}
	switch p.PayPeriod.Kind {
	case "", Monthly:
		if p.PayPeriod.StartDay < 0 || p.PayPeriod.StartDay > 28 {
			ps.add("pay_period.start_day", "must be 1–28, got %d", p.PayPeriod.StartDay)
		}
		if !p.PayPeriod.Anchor.IsZero() {
			ps.add("pay_period.anchor", "only weekly and biweekly periods have an anchor")
		}
	case Weekly, Biweekly:
		if !p.PayPeriod.Anchor.IsValid() {
			ps.add("pay_period.anchor", "weekly and biweekly periods need a valid anchor date")
		}
		if p.PayPeriod.StartDay != 0 {
			ps.add("pay_period.start_day", "only monthly periods have a start day")
		}
	default:
		ps.add("pay_period.kind", "unknown kind %q (want monthly, weekly or biweekly)", p.PayPeriod.Kind)
	}
	return c, ps.list
}

func compileShift(s *Shift, path string, ps *problems) cshift {
	cs := cshift{name: s.Name, path: path}
	st, ok1 := parseClock(s.Start, false)
	en, ok2 := parseClock(s.End, true)
	if !ok1 {
		ps.add(path+".start", "bad clock %q (want HH:MM)", s.Start)
	}
	if !ok2 {
		ps.add(path+".end", "bad clock %q (want HH:MM)", s.End)
	}
	if en <= st {
		en += 1440
	}
	cs.start, cs.end = st, en
	length := en - st
	checkRange := func(field string, v, lo, hi int) {
		if v < lo || v > hi {
			ps.add(path+"."+field, "must be %d–%d minutes, got %d", lo, hi, v)
		}
	}
	checkRange("check_in_opens", s.CheckInOpens, 0, 720)
	checkRange("check_out_closes", s.CheckOutCloses, 0, 720)
	checkRange("late_grace", s.LateGrace, 0, length)
	checkRange("early_leave_grace", s.EarlyLeaveGrace, 0, length)
	checkRange("half_day_below", s.HalfDayBelow, 0, 1440)
	checkRange("absent_below", s.AbsentBelow, 0, 1440)
	if s.HalfDayBelow > 0 && s.AbsentBelow > s.HalfDayBelow {
		ps.add(path+".absent_below", "must not exceed half_day_below (%d)", s.HalfDayBelow)
	}
	cs.open = st - max(0, min(s.CheckInOpens, 720))
	cs.close = en + max(0, min(s.CheckOutCloses, 720))
	cs.lateGrace, cs.earlyGrace = s.LateGrace, s.EarlyLeaveGrace
	cs.halfDay, cs.absent = s.HalfDayBelow, s.AbsentBelow

	// rel places a wall clock inside the shift's span [st, en].
	rel := func(m int) int {
		if m < st {
			m += 1440
		}
		return m
	}
	for j, b := range s.Breaks {
		bp := path + ".breaks[" + strconv.Itoa(j) + "]"
		bs, okS := parseClock(b.Start, false)
		be, okE := parseClock(b.End, true)
		if !okS {
			ps.add(bp+".start", "bad clock %q (want HH:MM)", b.Start)
		}
		if !okE {
			ps.add(bp+".end", "bad clock %q (want HH:MM)", b.End)
		}
		if !okS || !okE {
			continue
		}
		bs = rel(bs)
		for be <= bs {
			be += 1440
		}
		if !ok1 || !ok2 {
			continue
		}
		if bs < st || be > en {
			ps.add(bp, "break %s–%s is not inside the shift %s–%s", b.Start, b.End, s.Start, s.End)
			continue
		}
		if n := len(cs.breaks); n > 0 && bs < cs.breaks[n-1].end {
			ps.add(bp, "breaks must be in order and must not overlap")
			continue
		}
		cs.breaks = append(cs.breaks, cbreak{bs, be, b.Paid})
		if !b.Paid {
			cs.hasUnpaidBrks = true
		}
	}
	if a := s.AutoBreak; a != nil {
		if a.After <= 0 || a.After > 1440 {
			ps.add(path+".auto_break.after", "must be 1–1440 minutes, got %d", a.After)
		}
		if a.Minutes <= 0 || a.Minutes >= max(a.After, 1) {
			ps.add(path+".auto_break.minutes", "must be positive and less than after (%d), got %d", a.After, a.Minutes)
		}
		cs.auto = a
	}
	if f := s.Flex; f != nil {
		cs.flex = true
		cst, okS := parseClock(f.CoreStart, false)
		cen, okE := parseClock(f.CoreEnd, true)
		if !okS {
			ps.add(path+".flex.core_start", "bad clock %q (want HH:MM)", f.CoreStart)
		}
		if !okE {
			ps.add(path+".flex.core_end", "bad clock %q (want HH:MM)", f.CoreEnd)
		}
		if okS && okE && ok1 && ok2 {
			cst = rel(cst)
			for cen <= cst {
				cen += 1440
			}
			if cst < st || cen > en {
				ps.add(path+".flex", "core hours %s–%s are not inside the shift %s–%s", f.CoreStart, f.CoreEnd, s.Start, s.End)
			}
		}
		cs.coreStart, cs.coreEnd = cst, cen
		if f.RequiredMinutes <= 0 || f.RequiredMinutes > length {
			ps.add(path+".flex.required_minutes", "must be 1–%d (the shift's length), got %d", length, f.RequiredMinutes)
		}
		cs.required = f.RequiredMinutes
	}
	switch s.Worked {
	case "", WorkedFirstLast:
	case WorkedPairs:
		cs.pairs = true
	default:
		ps.add(path+".worked", "unknown mode %q (want first_last or pairs)", s.Worked)
	}
	switch s.Pairing {
	case "", PairStrict:
	case PairAlternating:
		cs.alternating = true
	default:
		ps.add(path+".pairing", "unknown pairing %q (want strict or alternating)", s.Pairing)
	}
	return cs
}

func compileCalendar(p *Policy, c *compiled, ps *problems) {
	cal := &p.Calendar
	c.holidays = make(map[int64]int, len(cal.Holidays))
	c.working = make(map[int64]int, len(cal.WorkingDays))
	c.workShift = make(map[int64]int, len(cal.WorkingDays))
	c.rest = make(map[int64]int, len(cal.RestDays))
	for i, h := range cal.Holidays {
		path := "calendar.holidays[" + strconv.Itoa(i) + "]"
		if !h.Date.IsValid() {
			ps.add(path+".date", "must be a valid date")
			continue
		}
		if _, dup := c.holidays[h.Date.days()]; dup {
			ps.add(path+".date", "holiday %s listed twice", h.Date)
			continue
		}
		c.holidays[h.Date.days()] = i
	}
	defShift := -1
	for w := range 7 {
		if idx := c.week[(int(c.weekStart)+w)%7]; idx >= 0 {
			defShift = idx
			break
		}
	}
	for i, wd := range cal.WorkingDays {
		path := "calendar.working_days[" + strconv.Itoa(i) + "]"
		if !wd.Date.IsValid() {
			ps.add(path+".date", "must be a valid date")
			continue
		}
		k := wd.Date.days()
		if _, dup := c.working[k]; dup {
			ps.add(path+".date", "working day %s listed twice", wd.Date)
			continue
		}
		if _, hol := c.holidays[k]; hol {
			ps.add(path+".date", "%s is also a holiday", wd.Date)
		}
		idx := defShift
		if wd.Shift != "" {
			var ok bool
			if idx, ok = c.shiftIdx[wd.Shift]; !ok {
				ps.add(path+".shift", "unknown shift %q", wd.Shift)
				continue
			}
		} else if idx < 0 {
			ps.add(path+".shift", "needed: the default week has no shift to take")
			continue
		}
		c.working[k] = i
		c.workShift[k] = idx
	}
	for i, d := range cal.RestDays {
		path := "calendar.rest_days[" + strconv.Itoa(i) + "]"
		if !d.IsValid() {
			ps.add(path, "must be a valid date")
			continue
		}
		k := d.days()
		if _, dup := c.rest[k]; dup {
			ps.add(path, "rest day %s listed twice", d)
			continue
		}
		if _, w := c.working[k]; w {
			ps.add(path, "%s is also a working day", d)
		}
		c.rest[k] = i
	}
}

func compileRounding(p *Policy, c *compiled, ps *problems) {
	for i, r := range [2]RoundRule{p.Rounding.In, p.Rounding.Out} {
		path := "rounding.in"
		if i == 1 {
			path = "rounding.out"
		}
		if r.Interval < 0 || r.Interval > 60 || (r.Interval > 0 && 1440%r.Interval != 0) {
			ps.add(path+".interval", "must be 0 or a divisor of 1440 up to 60, got %d", r.Interval)
		}
		mode := r.Mode
		switch mode {
		case "":
			mode = RoundNearest
		case RoundUp, RoundDown, RoundNearest:
		default:
			ps.add(path+".mode", "unknown mode %q (want up, down or nearest)", r.Mode)
		}
		c.round[i] = cround{interval: int64(max(r.Interval, 0)) * 60, mode: mode}
	}
}

// Preset returns the overtime tiers a preset stands for.
func Preset(name OvertimePreset) (Overtime, bool) {
	switch name {
	case PresetChinaArt44:
		// Labour Law of the PRC, art. 44: 150% beyond the working day, 200% on rest
		// days (no compensatory time off), 300% on statutory holidays.
		return Overtime{
			Daily:   []Tier{{After: 480, Percent: 150}},
			RestDay: []Tier{{After: 0, Percent: 200}},
			Holiday: []Tier{{After: 0, Percent: 300}},
		}, true
	case PresetUSFLSA:
		// FLSA: over 40 hours in the workweek at 1.5×.
		return Overtime{Weekly: []Tier{{After: 2400, Percent: 150}}}, true
	case PresetCalifornia:
		// Cal. Labor Code §510: over 8 h/day 1.5×, over 12 h/day 2×, over 40 h/week
		// 1.5×; the seventh consecutive day of the workweek: first 8 h 1.5×, beyond 2×.
		return Overtime{
			Daily:      []Tier{{After: 480, Percent: 150}, {After: 720, Percent: 200}},
			Weekly:     []Tier{{After: 2400, Percent: 150}},
			SeventhDay: []Tier{{After: 0, Percent: 150}, {After: 480, Percent: 200}},
		}, true
	}
	return Overtime{}, false
}

func compileOvertime(p *Policy, c *compiled, ps *problems) {
	o := &p.Overtime
	var pre Overtime
	presetPath := ""
	if o.Preset != "" {
		var ok bool
		if pre, ok = Preset(o.Preset); !ok {
			ps.add("overtime.preset", "unknown preset %q (want china_art44, us_flsa or california)", o.Preset)
		}
		presetPath = "overtime.preset"
	}
	pick := func(own, preset []Tier, name string) ([]Tier, string) {
		path := "overtime." + name
		for i, t := range own {
			tp := path + "[" + strconv.Itoa(i) + "]"
			if t.After < 0 || t.After > 10080 {
				ps.add(tp+".after", "must be 0–10080 minutes, got %d", t.After)
			}
			if i > 0 && t.After <= own[i-1].After {
				ps.add(tp+".after", "tiers must be in increasing order of after")
			}
			if t.Percent < 100 || t.Percent > 1000 {
				ps.add(tp+".percent", "must be 100–1000, got %d", t.Percent)
			}
		}
		if len(own) > 0 {
			return own, path
		}
		if len(preset) > 0 {
			return preset, presetPath
		}
		return nil, ""
	}
	c.ot.daily, c.ot.dailyPath = pick(o.Daily, pre.Daily, "daily")
	c.ot.weekly, c.ot.weeklyPath = pick(o.Weekly, pre.Weekly, "weekly")
	c.ot.restDay, c.ot.restPath = pick(o.RestDay, pre.RestDay, "rest_day")
	c.ot.holiday, c.ot.holidayPath = pick(o.Holiday, pre.Holiday, "holiday")
	c.ot.seventh, c.ot.seventhPath = pick(o.SeventhDay, pre.SeventhDay, "seventh_day")
	if o.MinimumBlock < 0 || o.MinimumBlock > 240 {
		ps.add("overtime.minimum_block", "must be 0–240 minutes, got %d", o.MinimumBlock)
	}
	c.ot.block = max(o.MinimumBlock, 0)
	c.ot.approval = o.ApprovalRequired
	c.ot.early = o.CountEarlyArrival
}

type cremote struct {
	zones    *geofence.ZoneSet
	wifi     *geofence.BSSIDSet
	ip       *geofence.IPSet
	allOf    bool
	actions  map[string]Action
	factors  []string
	maxSpeed float64
}

func compileRemote(p *Policy, c *compiled, ps *problems) {
	r := &p.Remote
	switch r.Mode {
	case "", AnyOf:
	case AllOf:
		c.remote.allOf = true
	default:
		ps.add("remote.mode", "unknown mode %q (want any_of or all_of)", r.Mode)
	}
	if len(r.Zones) > 0 {
		bad := false
		seen := make(map[string]bool, len(r.Zones))
		for i, z := range r.Zones {
			zp := "remote.zones[" + strconv.Itoa(i) + "]"
			if err := z.Validate(); err != nil {
				ps.add(zp, "%v", err)
				bad = true
			} else if seen[z.Name] {
				ps.add(zp+".name", "duplicate zone name %q", z.Name)
				bad = true
			}
			seen[z.Name] = true
		}
		if !bad {
			zs, err := geofence.NewZoneSet(r.Zones)
			if err != nil {
				ps.add("remote.zones", "%v", err)
			}
			c.remote.zones = zs
		}
	}
	if len(r.WiFi) > 0 {
		bad := false
		for i, s := range r.WiFi {
			if _, err := geofence.ParseBSSID(s); err != nil {
				ps.add("remote.wifi["+strconv.Itoa(i)+"]", "%v", err)
				bad = true
			}
		}
		if !bad {
			set, err := geofence.NewBSSIDSet(r.WiFi)
			if err != nil {
				ps.add("remote.wifi", "%v", err)
			}
			c.remote.wifi = set
		}
	}
	if len(r.IP) > 0 {
		bad := false
		for i, s := range r.IP {
			// geofence parses the entries (a CIDR or a single address); one at a
			// time here so that every bad entry is named, not only the first.
			if _, err := geofence.ParseIPSet([]string{s}); err != nil {
				if ce, ok := errors.AsType[*geofence.CIDRError](err); ok {
					err = ce.Err
				}
				ps.add("remote.ip["+strconv.Itoa(i)+"]", "%v", err)
				bad = true
			}
		}
		if !bad {
			set, err := geofence.ParseIPSet(r.IP)
			if err != nil {
				ps.add("remote.ip", "%v", err)
			}
			c.remote.ip = set
		}
	}
	for i, f := range r.RequiredFactors {
		if f == "" {
			ps.add("remote.required_factors["+strconv.Itoa(i)+"]", "must not be empty")
		}
	}
	c.remote.factors = r.RequiredFactors
	if r.MinFactors < 0 || r.MinFactors > 16 {
		ps.add("remote.min_factors", "must be 0–16, got %d", r.MinFactors)
	}
	if r.MaxOfflineDelay < 0 {
		ps.add("remote.max_offline_delay", "must not be negative")
	}
	if r.MaxClockSkew < 0 {
		ps.add("remote.max_clock_skew", "must not be negative")
	}
	if r.MaxSpeed < 0 || math.IsNaN(r.MaxSpeed) || math.IsInf(r.MaxSpeed, 0) {
		ps.add("remote.max_speed", "must be a finite number ≥ 0")
	}
	c.remote.maxSpeed = r.MaxSpeed
	c.remote.actions = make(map[string]Action, len(r.Actions))
	for i, a := range r.Actions {
		ap := "remote.actions[" + strconv.Itoa(i) + "]"
		known := false
		for _, f := range knownFindings {
			known = known || f == a.Finding
		}
		if !known {
			ps.add(ap+".finding", "unknown finding %q", a.Finding)
		} else if _, dup := c.remote.actions[a.Finding]; dup {
			ps.add(ap+".finding", "finding %q listed twice", a.Finding)
		}
		switch a.Action {
		case ActionAccept, ActionField, ActionFlag, ActionReject:
		default:
			ps.add(ap+".action", "unknown action %q (want reject, flag, field or accept)", a.Action)
		}
		c.remote.actions[a.Finding] = a.Action
	}
}

var correctionKinds = []CorrectionKind{CorrectMissingIn, CorrectMissingOut, CorrectChange, CorrectVoid}

func correctionBit(k CorrectionKind) uint8 {
	for i, x := range correctionKinds {
		if x == k {
			return 1 << i
		}
	}
	return 0
}

func compileCorrections(p *Policy, c *compiled, ps *problems) {
	r := &p.Corrections
	for i, k := range r.Allowed {
		bit := correctionBit(k)
		path := "corrections.allowed[" + strconv.Itoa(i) + "]"
		if bit == 0 {
			ps.add(path, "unknown kind %q (want missing_in, missing_out, change or void)", k)
		} else if c.corrAllow&bit != 0 {
			ps.add(path, "kind %q listed twice", k)
		}
		c.corrAllow |= bit
	}
	if r.Limit < 0 {
		ps.add("corrections.limit", "must not be negative")
	}
	switch r.LimitPer {
	case "", PerMonth, PerPayPeriod:
	default:
		ps.add("corrections.limit_per", "unknown period %q (want month or pay_period)", r.LimitPer)
	}
	if r.Deadline < 0 || r.Deadline > 366 {
		ps.add("corrections.deadline", "must be 0–366 days, got %d", r.Deadline)
	}
	switch r.DeadlineUnit {
	case "", CalendarDays, WorkingDays:
	default:
		ps.add("corrections.deadline_unit", "unknown unit %q (want calendar_days or working_days)", r.DeadlineUnit)
	}
	switch r.Approver {
	case "", ApproverManager, ApproverAdmin, ApproverManagerAndAdmin, ApproverNone:
	default:
		ps.add("corrections.approver", "unknown approver %q (want manager, admin, manager_and_admin or none)", r.Approver)
	}
}
