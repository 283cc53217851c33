package geofence_test

import (
	"fmt"
	"time"

	"github.com/punchledger/punchledger/geofence"
)

// Spoofing lists reasons to doubt a fix, each with a code and its figures.
func ExampleSpoofing() {
	t0 := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	prev := []geofence.Fix{
		{Point: geofence.Point{Lat: 52.5200081, Lon: 13.4049542}, Accuracy: 12, At: t0, Provider: "fused"},
	}
	// Five minutes later in Dresden, 165 km away, from a mock provider.
	next := geofence.Fix{Point: geofence.Point{Lat: 51.0504088, Lon: 13.7372621}, Accuracy: 8,
		At: t0.Add(5 * time.Minute), Mock: true, Provider: "gps"}
	for _, s := range geofence.Spoofing(prev, next, geofence.SpoofLimits{}) {
		fmt.Println(s.Code+":", s.Detail)
		for _, f := range s.Figures {
			fmt.Printf("  %s = %.1f %s\n", f.Name, f.Value, f.Unit)
		}
	}
	// Output:
	// mock_location: the device reported a mock location provider (gps)
	// impossible_travel: moved at least 165092 m in 5m0s (550 m/s), faster than 250 m/s
	//   distance = 165112.0 m
	//   least_distance = 165092.0 m
	//   interval = 300.0 s
	//   speed = 550.3 m/s
	//   max_speed = 250.0 m/s
}
