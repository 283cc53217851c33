package geofence_test

import (
	"fmt"

	"github.com/punchledger/punchledger/geofence"
)

// A fix is judged with its accuracy: the circle the true position lies in must be
// wholly inside a zone for Inside, wholly outside all zones for Outside.
func ExampleZoneSet_Judge() {
	office := geofence.NewCircleZone("Office", geofence.Point{Lat: 52.520008, Lon: 13.404954}, 150)
	yard := geofence.NewPolygonZone("Yard", geofence.Polygon{Outer: geofence.Ring{
		{Lat: 52.5100, Lon: 13.3900}, {Lat: 52.5100, Lon: 13.3950},
		{Lat: 52.5130, Lon: 13.3950}, {Lat: 52.5130, Lon: 13.3900},
	}})
	zones, err := geofence.NewZoneSet([]geofence.Zone{office, yard})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, fix := range []struct {
		p        geofence.Point
		accuracy float64
	}{
		{geofence.Point{Lat: 52.520100, Lon: 13.405100}, 20},  // at the office, good fix
		{geofence.Point{Lat: 52.521200, Lon: 13.405000}, 40},  // near the office's edge
		{geofence.Point{Lat: 52.511500, Lon: 13.392500}, 25},  // in the yard
		{geofence.Point{Lat: 52.530000, Lon: 13.420000}, 500}, // elsewhere
	} {
		j := zones.Judge(fix.p, fix.accuracy)
		fmt.Printf("%-9s nearest %-6s %+7.0f m\n", j.Verdict, j.Zone, j.Distance)
	}
	// Output:
	// inside    nearest Office    -136 m
	// uncertain nearest Office     -17 m
	// inside    nearest Yard      -167 m
	// outside   nearest Office   +1360 m
}

// Distance and Bearing follow the WGS-84 ellipsoid. GeographicLib (GeodSolve -i) gives
// 879699.316 m and an azimuth of -113.193° for this pair.
func ExampleDistance() {
	berlin := geofence.Point{Lat: 52.5200, Lon: 13.4050}
	paris := geofence.Point{Lat: 48.8566, Lon: 2.3522}
	fmt.Printf("%.3f km, initial bearing %.2f°\n", geofence.Distance(berlin, paris)/1000, geofence.Bearing(berlin, paris))
	// Output:
	// 879.699 km, initial bearing 246.81°
}

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
