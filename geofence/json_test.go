package geofence_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/punchledger/punchledger/geofence"
)

func TestParseZones(t *testing.T) {
	const good = `[
  {"name": "HQ", "circle": {"center": {"lat": 52.52, "lon": 13.405}, "radius_m": 150}},
  {"name": "Yard", "polygons": [{"outer": [{"lat": 52.50, "lon": 13.40}, {"lat": 52.50, "lon": 13.41}, {"lat": 52.51, "lon": 13.41}],
                                 "holes": [[{"lat": 52.503, "lon": 13.405}, {"lat": 52.503, "lon": 13.406}, {"lat": 52.504, "lon": 13.406}]]}]}
]`
	zs, err := geofence.ParseZones([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	want := []geofence.Zone{
		geofence.NewCircleZone("HQ", geofence.Point{Lat: 52.52, Lon: 13.405}, 150),
		geofence.NewPolygonZone("Yard", geofence.Polygon{
			Outer: geofence.Ring{{Lat: 52.50, Lon: 13.40}, {Lat: 52.50, Lon: 13.41}, {Lat: 52.51, Lon: 13.41}},
			Holes: []geofence.Ring{{{Lat: 52.503, Lon: 13.405}, {Lat: 52.503, Lon: 13.406}, {Lat: 52.504, Lon: 13.406}}},
		}),
	}
	if !reflect.DeepEqual(zs, want) {
		t.Fatalf("ParseZones = %+v", zs)
	}
	out, err := json.Marshal(zs)
	if err != nil {
		t.Fatal(err)
	}
	var back []geofence.Zone
	if err := json.Unmarshal(out, &back); err != nil || !reflect.DeepEqual(back, want) {
		t.Fatalf("round trip: %v\n%s", err, out)
	}
}

// TestInputErrors checks that bad input is reported at the right place: Path, and
// Offset such that the input from Offset on starts with at.
func TestInputErrors(t *testing.T) {
	const circle = `{"name":"HQ","circle":{"center":{"lat":52.5,"lon":13.4},"radius_m":100}}`
	for _, tc := range []struct {
		name    string
		geojson bool
		in      string
		path    string
		at      string
		zoneErr bool // errors.Is ErrInvalidZone
	}{
		{"ErrSyntax", false, `[{"name":"HQ",}]`, "[0]", `}]`, false},
		{"ErrTruncated", false, `[` + circle, "", ``, false},
		{"ErrTrailing", false, `[` + circle + `] x`, "", `x`, false},
		{"ErrNotArray", false, circle, "", `{"name"`, false},
		{"ErrUnknownMember", false, `[{"name":"HQ","colour":"red"}]`, "[0].colour", `"colour"`, false},
		{"ErrDuplicateMember", false, `[{"name":"HQ","name":"X"}]`, "[0].name", `"name":"X"`, false},
		{"ErrWrongType", false, `[{"name":"HQ","circle":{"center":{"lat":"52.5","lon":13.4},"radius_m":100}}]`, "[0].circle.center.lat", `"52.5"`, false},
		{"ErrLatRange", false, `[{"name":"HQ","circle":{"center":{"lat":152.5,"lon":13.4},"radius_m":100}}]`, "[0].circle.center.lat", `152.5`, false},
		{"ErrMissingLon", false, `[{"name":"HQ","circle":{"center":{"lat":52.5},"radius_m":100}}]`, "[0].circle.center", `}`, false},
		{"ErrRadius", false, `[{"name":"HQ","circle":{"center":{"lat":52.5,"lon":13.4},"radius_m":-1}}]`, "[0].circle.radius_m", `-1}`, true},
		{"ErrHugeNumber", false, `[{"name":"HQ","circle":{"center":{"lat":52.5,"lon":13.4},"radius_m":1e999}}]`, "[0].circle.radius_m", `1e999`, false},
		{"ErrNoShape", false, `[{"name":"HQ"}]`, "[0]", `{"name":"HQ"}`, true},
		{"ErrNoName", false, `[{"circle":{"center":{"lat":52.5,"lon":13.4},"radius_m":100}}]`, "[0].name", `{"circle"`, true},
		{"ErrRingTooShort", false, `[{"name":"P","polygons":[{"outer":[{"lat":1,"lon":1},{"lat":2,"lon":2}]}]}]`, "[0].polygons[0].outer", `[{"lat":1`, true},
		{"ErrDuplicateName", false, `[` + circle + `, ` + circle + `]`, "[1].name", `{"name":"HQ"`, true},
		{"GeoErrNoType", true, `{"features":[]}`, "", `{"features"`, false},
		{"GeoErrBareGeometry", true, `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}`, "", `{"type"`, false},
		{"GeoErrLineString", true, `{"type":"Feature","properties":{"name":"a"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}`, "geometry.type", `"LineString"`, false},
		{"GeoErrLat", true, `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,91],[0,0]]]}}]}`, "features[0].geometry.coordinates[0][2][1]", `91]`, false},
		{"GeoErrNotClosed", true, `{"type":"Feature","properties":{"name":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}`, "geometry.coordinates[0]", `[[0,0],[1,0]`, true},
		{"GeoErrShortRing", true, `{"type":"Feature","properties":{"name":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}}`, "geometry.coordinates[0]", `[[0,0],[1,0],[0,0]]`, true},
		{"GeoErrPosition", true, `{"type":"Feature","properties":{"name":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1],[1,1],[0,0]]]}}`, "geometry.coordinates[0][1]", `[1]`, false},
		{"GeoErrNoName", true, `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}]}`, "features[0]", `{"type":"Feature"`, true},
		{"GeoErrNoRadius", true, `{"type":"Feature","properties":{"name":"a"},"geometry":{"type":"Point","coordinates":[1,2]}}`, "", `{"type"`, false},
		{"GeoErrRadius", true, `{"type":"Feature","properties":{"name":"a","radius":0},"geometry":{"type":"Point","coordinates":[1,2]}}`, "properties.radius", `0}`, true},
		{"GeoErrDuplicateName", true, `{"type":"FeatureCollection","features":[` +
			`{"type":"Feature","properties":{"name":"a","radius":5},"geometry":{"type":"Point","coordinates":[1,2]}},` +
			`{"type":"Feature","properties":{"name":"a","radius":5},"geometry":{"type":"Point","coordinates":[1,2]}}]}`, "features[1]", `{"type":"Feature","properties":{"name":"a","radius":5}`, true},
		{"GeoErrPole", true, `{"type":"Feature","properties":{"name":"a"},"geometry":{"type":"Polygon","coordinates":[[[0,80],[120,80],[-120,80],[0,80]]]}}`, "geometry.coordinates[0]", `[[0,80]`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.geojson {
				_, err = geofence.ParseGeoJSON([]byte(tc.in))
			} else {
				_, err = geofence.ParseZones([]byte(tc.in))
			}
			var ie *geofence.InputError
			if !errors.As(err, &ie) || !errors.Is(err, geofence.ErrInput) {
				t.Fatalf("error %v, want an *InputError", err)
			}
			if ie.Path != tc.path {
				t.Errorf("Path = %q, want %q (%v)", ie.Path, tc.path, err)
			}
			if ie.Offset < 0 || ie.Offset > int64(len(tc.in)) || !strings.HasPrefix(tc.in[ie.Offset:], tc.at) {
				t.Errorf("Offset %d points at %.20q, want %q (%v)", ie.Offset, tc.in[min(max(ie.Offset, 0), int64(len(tc.in))):], tc.at, err)
			}
			if got := errors.Is(err, geofence.ErrInvalidZone); got != tc.zoneErr {
				t.Errorf("errors.Is(err, ErrInvalidZone) = %v, want %v (%v)", got, tc.zoneErr, err)
			}
		})
	}
}

func TestGeoJSON(t *testing.T) {
	const in = `{"type": "FeatureCollection", "features": [
	  {"type": "Feature", "id": "hq", "properties": {"radius": 120.5, "fill": "#f00"}, "geometry": {"type": "Point", "coordinates": [13.405, 52.52, 34]}},
	  {"type": "Feature", "properties": {"name": "Depot", "radius_m": 80}, "geometry": {"coordinates": [2.35, 48.85], "type": "Point"}},
	  {"type": "Feature", "properties": {"name": "Yard"}, "geometry": {"type": "MultiPolygon", "coordinates": [
	      [[[0, 0], [1, 0], [1, 1], [0, 0]], [[0.5, 0.1], [0.9, 0.1], [0.9, 0.5], [0.5, 0.1]]],
	      [[[179.9, -17], [-179.9, -17], [-179.9, -16.9], [179.9, -16.9], [179.9, -17]]]]}, "bbox": [0, 0, 1, 1]}
	]}`
	zs, err := geofence.ParseGeoJSON([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []geofence.Zone{
		geofence.NewCircleZone("hq", geofence.Point{Lat: 52.52, Lon: 13.405}, 120.5),
		geofence.NewCircleZone("Depot", geofence.Point{Lat: 48.85, Lon: 2.35}, 80),
		geofence.NewPolygonZone("Yard",
			geofence.Polygon{Outer: geofence.Ring{{Lat: 0, Lon: 0}, {Lat: 0, Lon: 1}, {Lat: 1, Lon: 1}},
				Holes: []geofence.Ring{{{Lat: 0.1, Lon: 0.5}, {Lat: 0.1, Lon: 0.9}, {Lat: 0.5, Lon: 0.9}}}},
			geofence.Polygon{Outer: geofence.Ring{{Lat: -17, Lon: 179.9}, {Lat: -17, Lon: -179.9}, {Lat: -16.9, Lon: -179.9}, {Lat: -16.9, Lon: 179.9}}}),
	}
	if !reflect.DeepEqual(zs, want) {
		t.Fatalf("ParseGeoJSON =\n%+v\nwant\n%+v", zs, want)
	}
	out, err := geofence.MarshalGeoJSON(zs)
	if err != nil {
		t.Fatal(err)
	}
	back, err := geofence.ParseGeoJSON(out)
	if err != nil || !reflect.DeepEqual(back, want) {
		t.Fatalf("round trip: %v\n%s", err, out)
	}
	set, err := geofence.NewZoneSet(zs)
	if err != nil {
		t.Fatal(err)
	}
	if j := set.Judge(geofence.Point{Lat: -16.95, Lon: -179.95}, 10); j.Verdict != geofence.Inside || j.Zone != "Yard" {
		t.Errorf("antimeridian part: %+v", j)
	}
	if j := set.Judge(geofence.Point{Lat: 0.2, Lon: 0.8}, 1); j.Verdict != geofence.Outside || j.Zone != "Yard" {
		t.Errorf("in the hole: %+v", j)
	}
}
