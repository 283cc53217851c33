package geofence_test

import (
	"fmt"

	"github.com/punchledger/punchledger/geofence"
)

// Zones have a JSON form of their own.
func ExampleParseZones() {
	zs, err := geofence.ParseZones([]byte(`[
	  {"name": "HQ", "circle": {"center": {"lat": 52.52, "lon": 13.405}, "radius_m": 150}},
	  {"name": "Depot", "circle": {"center": {"lat": 52.48, "lon": 13.5}, "radius_m": -80}}
	]`))
	fmt.Println(len(zs), err)
	// Output:
	// 0 geofence: [1].circle.radius_m (offset 174): radius -80 m not in (0, 1000000]
}
