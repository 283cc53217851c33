package rules

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestFrameMatchesTimeDate checks the fast wall-clock arithmetic against time.Date
// (the naive implementation) around DST changes and in fixed zones.
func TestFrameMatchesTimeDate(t *testing.T) {
	zones := []string{"UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham", "America/Santiago", "Asia/Shanghai"}
	r := rand.New(rand.NewPCG(1, 2))
	start := MustDate("2025-12-01")
	for _, z := range zones {
		loc, err := time.LoadLocation(z)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 4000; i++ {
			d := start.AddDays(r.IntN(500))
			f := newFrame(d, loc)
			dd := d.AddDays(r.IntN(6) - 2)
			m := r.IntN(2881) - 720
			if got, want := f.at(dd, m), dd.At(m, loc); !got.Equal(want) {
				t.Fatalf("%s: frame of %s: at(%s, %d) = %v, time.Date gives %v", z, d, dd, m, got, want)
			}
			tt := d.At(r.IntN(5*1440)-2*1440, loc).Add(time.Duration(r.IntN(3600)) * time.Second)
			_, off := tt.In(loc).Zone()
			if got := f.offset(tt); got != int64(off) {
				t.Fatalf("%s: frame of %s: offset(%v) = %d, want %d", z, d, tt, got, off)
			}
		}
	}
}
