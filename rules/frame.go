package rules

import "time"

// frame maps wall-clock times on the dates around one date to instants. When the
// zone has one UTC offset over the whole range (no DST change nearby), it does so by
// arithmetic; otherwise it falls back to time.Date, which handles the change.
type frame struct {
	loc    *time.Location
	fast   bool
	off    int64 // seconds east of UTC, valid for unix seconds in [lo, hi)
	lo, hi int64
	day    int64 // the date's day number
}

func newFrame(d Date, loc *time.Location) frame {
	t := d.At(0, loc)
	_, off := t.Zone()
	f := frame{loc: loc, off: int64(off), day: d.days()}
	// The range covers the windows of d±2 (each may reach 12 h beyond its dates)
	// and the night windows of d±1.
	f.lo = (f.day-3)*86400 - f.off
	f.hi = (f.day+5)*86400 - f.off
	start, end := t.ZoneBounds()
	f.fast = (start.IsZero() || start.Unix() <= f.lo) && (end.IsZero() || end.Unix() >= f.hi)
	return f
}

// at returns the instant of wall-clock minute m (may exceed 1440) on date d.
func (f *frame) at(d Date, m int) time.Time { return f.atDay(d.days(), m) }

// atDay is at for a day number (days since 1970-01-01).
func (f *frame) atDay(dd int64, m int) time.Time {
	if f.fast && m >= -720 && m <= 2160 && dd >= f.day-2 && dd <= f.day+3 {
		return time.Unix(dd*86400+int64(m)*60-f.off, 0).UTC()
	}
	return dateFromDays(dd).At(m, f.loc)
}

// offset returns the zone's offset at t in seconds.
func (f *frame) offset(t time.Time) int64 {
	if f.fast {
		if u := t.Unix(); u >= f.lo && u < f.hi {
			return f.off
		}
	}
	_, off := t.In(f.loc).Zone()
	return int64(off)
}
