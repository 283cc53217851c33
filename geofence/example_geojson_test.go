package geofence_test

import (
	"fmt"

	"github.com/punchledger/punchledger/geofence"
)

// Map tools export GeoJSON: polygons, and circles as a Point with a radius property.
func ExampleParseGeoJSON() {
	zs, err := geofence.ParseGeoJSON([]byte(`{"type": "FeatureCollection", "features": [
	  {"type": "Feature", "properties": {"name": "HQ", "radius": 120},
	   "geometry": {"type": "Point", "coordinates": [13.405, 52.52]}},
	  {"type": "Feature", "properties": {"name": "Suva port"},
	   "geometry": {"type": "Polygon", "coordinates": [[[179.9, -17], [-179.9, -17], [-179.9, -16.9], [179.9, -16.9], [179.9, -17]]]}}
	]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, z := range zs {
		if z.Circle != nil {
			fmt.Printf("%s: circle of %.0f m around %v\n", z.Name, z.Circle.Radius, z.Circle.Center)
		} else {
			fmt.Printf("%s: polygon of %d vertices\n", z.Name, len(z.Polygons[0].Outer))
		}
	}

	_, err = geofence.ParseGeoJSON([]byte(`{"type": "Feature", "properties": {"name": "x"},
	  "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 95], [0, 0]]]}}`))
	fmt.Println(err)
	// Output:
	// HQ: circle of 120 m around 52.52,13.405
	// Suva port: polygon of 4 vertices
	// geofence: geometry.coordinates[0][2][1] (offset 121): latitude 95 outside [-90, 90]
}
