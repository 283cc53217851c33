package rules

import (
	"cmp"
	"errors"
	"fmt"
	"time"
)

// Date is a civil date (no time, no zone). The zero value is not a valid date
// (IsZero reports it). Dates compare with Compare, Before and After, and are
// encoded as "YYYY-MM-DD" in JSON and text.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ErrBadDate is returned (wrapped in a *DateError) by ParseDate.
var ErrBadDate = errors.New("rules: bad date")

// DateError reports a string that is not a "YYYY-MM-DD" date.
type DateError struct{ Input string }

func (e *DateError) Error() string {
	return fmt.Sprintf("rules: bad date %q (want YYYY-MM-DD)", e.Input)
}

// Unwrap makes errors.Is(err, ErrBadDate) true.
func (e *DateError) Unwrap() error { return ErrBadDate }

// ParseDate parses "YYYY-MM-DD" (years 0001–9999). The date must exist.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, &DateError{s}
	}
	y, ok1 := atoiN(s[0:4])
	m, ok2 := atoiN(s[5:7])
	d, ok3 := atoiN(s[8:10])
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(time.Month(m), y) {
		return Date{}, &DateError{s}
	}
	return Date{y, time.Month(m), d}, nil
}

// MustDate is ParseDate for tests and literals; it panics on a bad date.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func atoiN(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(m time.Month, y int) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// DateOf returns the civil date of t in t's own location. Use t.In(loc) first to
// pick a zone; DateOf never consults the host zone.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// IsValid reports whether d is a real calendar date in years 1–9999.
func (d Date) IsValid() bool {
	return d.Year >= 1 && d.Year <= 9999 && d.Month >= 1 && d.Month <= 12 && d.Day >= 1 && d.Day <= daysIn(d.Month, d.Year)
}

// String returns "YYYY-MM-DD".
func (d Date) String() string {
	var b [10]byte
	return string(d.appendTo(b[:0]))
}

func (d Date) appendTo(b []byte) []byte {
	y := d.Year
	if y < 0 {
		y = 0
	}
	b = append(b, byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	b = append(b, byte('0'+int(d.Month)/10%10), byte('0'+int(d.Month)%10), '-')
	return append(b, byte('0'+d.Day/10%10), byte('0'+d.Day%10))
}

// MarshalText encodes d as "YYYY-MM-DD".
func (d Date) MarshalText() ([]byte, error) { return d.appendTo(nil), nil }

// UnmarshalText parses "YYYY-MM-DD".
func (d *Date) UnmarshalText(b []byte) error {
	x, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = x
	return nil
}

// days returns the number of days since 1970-01-01 (proleptic Gregorian).
func (d Date) days() int64 {
	// Algorithm from Howard Hinnant's days_from_civil.
	y := int64(d.Year)
	m := int64(d.Month)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + int64(d.Day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func dateFromDays(z int64) Date {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return Date{int(y), time.Month(m), int(day)}
}

// AddDays returns d moved by n days (negative n goes back).
func (d Date) AddDays(n int) Date { return dateFromDays(d.days() + int64(n)) }

// DaysSince returns the number of days from o to d (negative if d is earlier).
func (d Date) DaysSince(o Date) int { return int(d.days() - o.days()) }

// Compare returns -1, 0 or +1.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmp.Compare(d.Year, o.Year)
	case d.Month != o.Month:
		return cmp.Compare(d.Month, o.Month)
	}
	return cmp.Compare(d.Day, o.Day)
}

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return weekdayOf(d.days()) }

func weekdayOf(day int64) time.Weekday {
	// 1970-01-01 was a Thursday.
	w := (day + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// At returns the instant of the wall-clock time minute (minutes after midnight,
// may exceed 1440 to reach into following days) on d in loc. Wall times that do not
// exist (a DST gap) are normalized by time.Date's rules.
func (d Date) At(minute int, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, minute, 0, 0, loc)
}
