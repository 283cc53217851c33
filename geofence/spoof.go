package geofence

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Fix is one location reading from a device.
type Fix struct {
	Point    Point
	Accuracy float64   // horizontal accuracy in metres (radius, as reported by the device)
	At       time.Time // when the device took the fix (device clock)
	Mock     bool      // the device said the location came from a mock provider
	Provider string    // "gps", "network", "fused", ... as reported; informational
	Offline  bool      // taken while the device was offline and uploaded later
}

// Reason codes of spoofing signals. They are stable strings and may be stored.
const (
	CodeImpossibleTravel    = "impossible_travel"
	CodeMockLocation        = "mock_location"
	CodeImplausibleAccuracy = "implausible_accuracy"
	CodeOfflineJump         = "offline_jump"
	CodeInvalidPoint        = "invalid_point"
)

// Signal is one reason to doubt a fix, with the figures behind it.
type Signal struct {
	Code    string   // one of the Code constants
	Detail  string   // a sentence for people
	Figures []Figure // the measurements, in a fixed order per code; always finite
}

// Figure is one named measurement of a Signal.
type Figure struct {
	Name  string  // e.g. "speed"
	Value float64 // in Unit
	Unit  string  // "m", "s", "m/s", "decimals"
}

// SpoofLimits sets the thresholds of Spoofing. The zero value means all defaults; a
// negative value disables that check.
type SpoofLimits struct {
	// MaxSpeed is the fastest plausible travel between two fixes in m/s, after their
	// accuracy circles are allowed for. Default 250 m/s (900 km/h, an airliner).
	MaxSpeed float64
	// MinAccuracy is the smallest plausible reported accuracy in metres; a fix claiming
	// better is flagged. Zero and negative accuracies are always flagged. Default 1 m.
	MinAccuracy float64
	// ExactDecimals flags a fix whose latitude and longitude both have at most this
	// many decimal places, as typed-in coordinates do; a real receiver gives many more.
	// Default 4 (about 11 m); negative disables.
	ExactDecimals int
	// OfflineJump is the distance in metres beyond which a fix separated from its
	// neighbour by an offline period is flagged, even at a plausible speed. Default
	// 50 km.
	OfflineJump float64
}

func (l SpoofLimits) withDefaults() SpoofLimits {
	if l.MaxSpeed == 0 {
		l.MaxSpeed = 250
	}
	if l.MinAccuracy == 0 {
		l.MinAccuracy = 1
	}
	if l.ExactDecimals == 0 {
		l.ExactDecimals = 4
	}
	if l.OfflineJump == 0 {
		l.OfflineJump = 50_000
	}
	return l
}

// Spoofing returns the reasons to doubt next, given the same device's or employee's
// earlier fixes prev (in any order; they may include fixes taken after next that were
// uploaded before it). Signals come in a fixed order: invalid point, mock location,
// implausible accuracy, then travel from the fix just before next in time, then travel
// to the fix just after it. An empty result means nothing suspicious was measured.
//
// Travel is measured between next and its neighbours in time: the distance minus both
// accuracy radii (the least the device must have moved) over the time between them.
// A radius that is negative or not finite counts as 0 here (it is flagged on its own),
// so a bogus accuracy cannot hide a jump. Moving at all in zero time is impossible
// travel (its figures then have no speed). A jump after an offline period is a
// neighbour pair where either fix was taken offline and the least distance moved
// exceeds lim.OfflineJump. Earlier fixes with invalid points are skipped, and so is a
// fix with next's time and point (next itself, if the caller's history includes it).
func Spoofing(prev []Fix, next Fix, lim SpoofLimits) []Signal {
	lim = lim.withDefaults()
	var out []Signal
	if err := next.Point.Validate(); err != nil {
		return append(out, Signal{Code: CodeInvalidPoint, Detail: err.Error()})
	}
	if next.Mock {
		d := "the device reported a mock location provider"
		if next.Provider != "" {
			d += fmt.Sprintf(" (%s)", next.Provider)
		}
		out = append(out, Signal{Code: CodeMockLocation, Detail: d})
	}
	out = append(out, accuracySignals(next, lim)...)

	// Neighbours in time among the valid earlier fixes.
	var before, after *Fix
	for i := range prev {
		f := &prev[i]
		if f.Point.Validate() != nil || (f.At.Equal(next.At) && f.Point == next.Point) {
			continue // invalid, or next itself passed in prev
		}
		if !f.At.After(next.At) {
			if before == nil || f.At.After(before.At) {
				before = f
			}
		} else if after == nil || f.At.Before(after.At) {
			after = f
		}
	}
	if before != nil {
		out = append(out, travelSignals(*before, next, lim)...)
	}
	if after != nil {
		out = append(out, travelSignals(next, *after, lim)...)
	}
	return out
}

// travelRadius is the accuracy radius allowed for when measuring travel: a usable
// accuracy, or 0 for a negative, NaN or infinite one.
func travelRadius(a float64) float64 {
	if a > 0 && !math.IsInf(a, 0) {
		return a
	}
	return 0
}

func accuracySignals(f Fix, lim SpoofLimits) []Signal {
	var out []Signal
	acc := []Figure{{Name: "accuracy", Value: f.Accuracy, Unit: "m"}}
	switch {
	case math.IsNaN(f.Accuracy) || math.IsInf(f.Accuracy, 0):
		// No figure: NaN and infinities do not survive JSON.
		out = append(out, Signal{Code: CodeImplausibleAccuracy, Detail: fmt.Sprintf("accuracy %v is not a finite number", f.Accuracy)})
	case f.Accuracy <= 0:
		out = append(out, Signal{Code: CodeImplausibleAccuracy, Detail: fmt.Sprintf("accuracy %v m is not positive", f.Accuracy), Figures: acc})
	case lim.MinAccuracy > 0 && f.Accuracy < lim.MinAccuracy:
		out = append(out, Signal{Code: CodeImplausibleAccuracy,
			Detail:  fmt.Sprintf("accuracy %v m is better than the plausible %v m", f.Accuracy, lim.MinAccuracy),
			Figures: append(acc, Figure{Name: "min_accuracy", Value: lim.MinAccuracy, Unit: "m"})})
	}
	if lim.ExactDecimals >= 0 {
		dl, dn := decimals(f.Point.Lat), decimals(f.Point.Lon)
		if dl <= lim.ExactDecimals && dn <= lim.ExactDecimals {
			out = append(out, Signal{Code: CodeImplausibleAccuracy,
				Detail: fmt.Sprintf("coordinates %v have only %d and %d decimals, as if typed in", f.Point, dl, dn),
				Figures: []Figure{
					{Name: "lat_decimals", Value: float64(dl), Unit: "decimals"},
					{Name: "lon_decimals", Value: float64(dn), Unit: "decimals"},
					{Name: "max_decimals", Value: float64(lim.ExactDecimals), Unit: "decimals"},
				}})
		}
	}
	return out
}

// decimals returns how many decimal places the shortest exact representation of v has.
func decimals(v float64) int {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return len(s) - i - 1
		}
	}
	return 0
}

// travelSignals judges the move from a to b (a not after b).
func travelSignals(a, b Fix, lim SpoofLimits) []Signal {
	var out []Signal
	dist := Distance(a.Point, b.Point)
	least := math.Max(0, dist-travelRadius(a.Accuracy)-travelRadius(b.Accuracy))
	secs := b.At.Sub(a.At).Seconds()
	figures := []Figure{
		{Name: "distance", Value: dist, Unit: "m"},
		{Name: "least_distance", Value: least, Unit: "m"},
		{Name: "interval", Value: secs, Unit: "s"},
	}
	if lim.MaxSpeed > 0 && least > 0 {
		speed := math.Inf(1)
		f := figures[:3:3]
		if secs > 0 {
			speed = least / secs
			f = append(f, Figure{Name: "speed", Value: speed, Unit: "m/s"})
		}
		if speed > lim.MaxSpeed {
			f = append(f, Figure{Name: "max_speed", Value: lim.MaxSpeed, Unit: "m/s"})
			out = append(out, Signal{Code: CodeImpossibleTravel,
				Detail:  fmt.Sprintf("moved at least %.0f m in %s (%s), faster than %.0f m/s", least, b.At.Sub(a.At), speedText(speed), lim.MaxSpeed),
				Figures: f})
		}
	}
	if lim.OfflineJump > 0 && (a.Offline || b.Offline) && least > lim.OfflineJump {
		f := append(figures[:3:3], Figure{Name: "max_jump", Value: lim.OfflineJump, Unit: "m"})
		out = append(out, Signal{Code: CodeOfflineJump,
			Detail:  fmt.Sprintf("moved at least %.0f m across an offline period of %s, more than %.0f m", least, b.At.Sub(a.At), lim.OfflineJump),
			Figures: f})
	}
	return out
}

func speedText(v float64) string {
	if math.IsInf(v, 1) {
		return "no time at all"
	}
	return fmt.Sprintf("%.0f m/s", v)
}
