package geofence_test

import (
	"fmt"

	"github.com/punchledger/punchledger/geofence"
)

// Distance and Bearing follow the WGS-84 ellipsoid. GeographicLib (GeodSolve -i) gives
// 879699.316 m and an azimuth of -113.193° for this pair.
func ExampleDistance() {
	berlin := geofence.Point{Lat: 52.5200, Lon: 13.4050}
	paris := geofence.Point{Lat: 48.8566, Lon: 2.3522}
	fmt.Printf("%.3f km, initial bearing %.2f°\n", geofence.Distance(berlin, paris)/1000, geofence.Bearing(berlin, paris))
	// Output:
	// 879.699 km, initial bearing 246.81°
}
