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
