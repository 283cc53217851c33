package geofence_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/punchledger/punchledger/geofence"
)

func TestSpoofing(t *testing.T) {
	t0 := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	// Realistic receiver output: many decimals.
	home := geofence.Point{Lat: 52.520008123456, Lon: 13.404954987654}
	fix := func(p geofence.Point, acc float64, after time.Duration) geofence.Fix {
		return geofence.Fix{Point: p, Accuracy: acc, At: t0.Add(after), Provider: "fused"}
	}
	tenKmEast := east(home, 10_000)
	for _, tc := range []struct {
		name  string
		prev  []geofence.Fix
		next  geofence.Fix
		lim   geofence.SpoofLimits
		codes []string
	}{
		{"OK", []geofence.Fix{fix(home, 10, 0)}, fix(tenKmEast, 10, 20*time.Minute), geofence.SpoofLimits{}, nil},
		{"OKNoHistory", nil, fix(home, 8, 0), geofence.SpoofLimits{}, nil},
		{"MockLocation", nil, geofence.Fix{Point: home, Accuracy: 5, At: t0, Mock: true}, geofence.SpoofLimits{}, []string{geofence.CodeMockLocation}},
		{"ZeroAccuracy", nil, fix(home, 0, 0), geofence.SpoofLimits{}, []string{geofence.CodeImplausibleAccuracy}},
		{"NegativeAccuracy", nil, fix(home, -3, 0), geofence.SpoofLimits{}, []string{geofence.CodeImplausibleAccuracy}},
		{"NaNAccuracy", nil, fix(home, math.NaN(), 0), geofence.SpoofLimits{}, []string{geofence.CodeImplausibleAccuracy}},
		{"SubMetreAccuracy", nil, fix(home, 0.3, 0), geofence.SpoofLimits{}, []string{geofence.CodeImplausibleAccuracy}},
		{"SubMetreAllowed", nil, fix(home, 0.3, 0), geofence.SpoofLimits{MinAccuracy: -1}, nil},
		{"TypedInCoordinates", nil, fix(geofence.Point{Lat: 52.52, Lon: 13.405}, 5, 0), geofence.SpoofLimits{}, []string{geofence.CodeImplausibleAccuracy}},
		{"TypedInOneAxisOnly", nil, fix(geofence.Point{Lat: 52.52, Lon: 13.404954987654}, 5, 0), geofence.SpoofLimits{}, nil},
		{"TypedInCheckDisabled", nil, fix(geofence.Point{Lat: 52.52, Lon: 13.405}, 5, 0), geofence.SpoofLimits{ExactDecimals: -1}, nil},
		// 10 km in 60 s is 167 m/s: under the default 250 m/s, over a 50 m/s limit.
		{"FastButPlausible", []geofence.Fix{fix(home, 10, 0)}, fix(tenKmEast, 10, time.Minute), geofence.SpoofLimits{}, nil},
		{"ImpossibleTravel", []geofence.Fix{fix(home, 10, 0)}, fix(tenKmEast, 10, time.Minute), geofence.SpoofLimits{MaxSpeed: 50}, []string{geofence.CodeImpossibleTravel}},
		// Accuracy taken into account: 2 km apart in 10 s, but each fix is only
		// good to 1 km, so the device may not have moved at all.
		{"CoarseFixesExplainJump", []geofence.Fix{fix(home, 1000, 0)}, fix(east(home, 2000), 1000, 10*time.Second), geofence.SpoofLimits{}, nil},
		{"CoarseFixesStillTooFar", []geofence.Fix{fix(home, 1000, 0)}, fix(east(home, 6000), 1000, 10*time.Second), geofence.SpoofLimits{}, []string{geofence.CodeImpossibleTravel}},
		{"ZeroInterval", []geofence.Fix{fix(home, 5, 0)}, fix(east(home, 100), 5, 0), geofence.SpoofLimits{}, []string{geofence.CodeImpossibleTravel}},
		{"ZeroIntervalSamePlace", []geofence.Fix{fix(home, 5, 0)}, fix(east(home, 8), 5, 0), geofence.SpoofLimits{}, nil},
		{"TravelCheckDisabled", []geofence.Fix{fix(home, 5, 0)}, fix(east(home, 100), 5, 0), geofence.SpoofLimits{MaxSpeed: -1}, nil},
		// Uses the neighbour in time, not the last element of prev.
		{"NeighbourInTime", []geofence.Fix{fix(east(home, 50_000), 10, -5*time.Hour), fix(home, 10, -time.Minute), fix(east(home, 900_000), 10, -48*time.Hour)}, fix(east(home, 20_000), 10, 0), geofence.SpoofLimits{}, []string{geofence.CodeImpossibleTravel}},
		// An offline fix uploaded late: the fix after it in time is also checked.
		{"LaterFixToo", []geofence.Fix{fix(home, 10, -time.Hour), fix(home, 10, time.Minute)}, fix(tenKmEast, 10, 0), geofence.SpoofLimits{MaxSpeed: 100}, []string{geofence.CodeImpossibleTravel}},
		{"OfflineJump", []geofence.Fix{fix(home, 10, 0)}, geofence.Fix{Point: east(home, 120_000), Accuracy: 10, At: t0.Add(3 * time.Hour), Offline: true}, geofence.SpoofLimits{}, []string{geofence.CodeOfflineJump}},
		{"OfflineShortMove", []geofence.Fix{fix(home, 10, 0)}, geofence.Fix{Point: east(home, 20_000), Accuracy: 10, At: t0.Add(3 * time.Hour), Offline: true}, geofence.SpoofLimits{}, nil},
		{"OnlineLongMove", []geofence.Fix{fix(home, 10, 0)}, fix(east(home, 120_000), 10, 3*time.Hour), geofence.SpoofLimits{}, nil},
		{"OfflineJumpAndTooFast", []geofence.Fix{{Point: home, Accuracy: 10, At: t0, Offline: true}}, fix(east(home, 600_000), 10, 30*time.Minute), geofence.SpoofLimits{}, []string{geofence.CodeImpossibleTravel, geofence.CodeOfflineJump}},
		// A bogus accuracy on the new fix does not hide the jump.
		{"NaNAccuracyStillTravels", []geofence.Fix{fix(home, 10, 0)}, fix(east(home, 100_000), math.NaN(), time.Minute), geofence.SpoofLimits{}, []string{geofence.CodeImplausibleAccuracy, geofence.CodeImpossibleTravel}},
		{"NegativeAccuracyStillTravels", []geofence.Fix{fix(home, 10, 0)}, fix(east(home, 100_000), -50_000, time.Minute), geofence.SpoofLimits{}, []string{geofence.CodeImplausibleAccuracy, geofence.CodeImpossibleTravel}},
		{"NextInHistory", []geofence.Fix{fix(home, 10, 0), fix(tenKmEast, 10, time.Minute)}, fix(tenKmEast, 10, time.Minute), geofence.SpoofLimits{MaxSpeed: 50}, []string{geofence.CodeImpossibleTravel}},
		{"InvalidPrevIgnored", []geofence.Fix{fix(geofence.Point{Lat: math.NaN()}, 10, 0)}, fix(home, 10, time.Minute), geofence.SpoofLimits{}, nil},
		{"InvalidPoint", nil, fix(geofence.Point{Lat: 95}, 10, 0), geofence.SpoofLimits{}, []string{geofence.CodeInvalidPoint}},
		{"Several", []geofence.Fix{fix(home, 10, 0)}, geofence.Fix{Point: geofence.Point{Lat: 48.8566, Lon: 2.3522}, Accuracy: 0, At: t0.Add(time.Minute), Mock: true},
			geofence.SpoofLimits{}, []string{geofence.CodeMockLocation, geofence.CodeImplausibleAccuracy, geofence.CodeImplausibleAccuracy, geofence.CodeImpossibleTravel}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sigs := geofence.Spoofing(tc.prev, tc.next, tc.lim)
			var codes []string
			for _, s := range sigs {
				codes = append(codes, s.Code)
				if s.Detail == "" {
					t.Errorf("%s without detail", s.Code)
				}
			}
			if !slices.Equal(codes, tc.codes) {
				t.Errorf("codes = %q, want %q", codes, tc.codes)
				for _, s := range sigs {
					t.Logf("%s: %s %v", s.Code, s.Detail, s.Figures)
				}
			}
		})
	}
}

// TestSpoofingFigures checks the figures behind an impossible-travel signal.
func TestSpoofingFigures(t *testing.T) {
	t0 := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	a := geofence.Point{Lat: 52.520008123456, Lon: 13.404954987654}
	b := east(a, 10_000)
	sigs := geofence.Spoofing(
		[]geofence.Fix{{Point: a, Accuracy: 20, At: t0}},
		geofence.Fix{Point: b, Accuracy: 30, At: t0.Add(100 * time.Second)},
		geofence.SpoofLimits{MaxSpeed: 50})
	if len(sigs) != 1 || sigs[0].Code != geofence.CodeImpossibleTravel {
		t.Fatalf("signals = %+v", sigs)
	}
	want := map[string]float64{"distance": 10_000, "least_distance": 9_950, "interval": 100, "speed": 99.5, "max_speed": 50}
	var names []string
	for _, f := range sigs[0].Figures {
		names = append(names, f.Name)
		if w, ok := want[f.Name]; !ok || math.Abs(f.Value-w) > 0.01 {
			t.Errorf("figure %s = %v %s, want %v", f.Name, f.Value, f.Unit, w)
		}
	}
	if got := []string{"distance", "least_distance", "interval", "speed", "max_speed"}; !slices.Equal(names, got) {
		t.Errorf("figure order %q, want %q", names, got)
	}
	t.Log(sigs[0].Detail)
}
