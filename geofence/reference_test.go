package geofence_test

import (
	"bufio"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/punchledger/punchledger/geofence"
)

// readCSV returns the numeric rows of a fixture, skipping '#' comment lines.
func readCSV(t *testing.T, path string) [][]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var row []float64
		for _, field := range strings.Split(line, ",") {
			v, err := strconv.ParseFloat(field, 64)
			if err != nil {
				t.Fatalf("%s: %q: %v", path, line, err)
			}
			row = append(row, v)
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestDistanceReference checks Distance and Bearing against GeographicLib (GeodSolve -i)
// on 2,000 pairs 10 m to 100 km apart at latitudes -70..70 (testdata/gen_geodesic.sh).
// The documented bound is 0.5%; Vincenty's method should in fact agree to a millimetre.
func TestDistanceReference(t *testing.T) {
	rows := readCSV(t, "testdata/geodesic.csv")
	if len(rows) < 1000 {
		t.Fatalf("only %d reference pairs", len(rows))
	}
	var worstAbs, worstRel, worstAz float64
	for _, r := range rows {
		a, b := geofence.Point{Lat: r[0], Lon: r[1]}, geofence.Point{Lat: r[2], Lon: r[3]}
		ref, refAz := r[4], r[5]
		got := geofence.Distance(a, b)
		abs := math.Abs(got - ref)
		if rel := abs / ref; rel > 0.005 {
			t.Errorf("Distance(%v, %v) = %.6f m, GeographicLib %.6f m: off by %.3f%%", a, b, got, ref, 100*rel)
		}
		if abs > 1e-3 {
			t.Errorf("Distance(%v, %v) = %.6f m, GeographicLib %.6f m: off by %.6f m (Vincenty should be within 1 mm)", a, b, got, ref, abs)
		}
		worstAbs = math.Max(worstAbs, abs)
		worstRel = math.Max(worstRel, abs/ref)
		az := geofence.Bearing(a, b)
		daz := math.Abs(math.Mod(az-refAz+540, 360) - 180)
		// Compare bearings by the sideways offset they make at b's distance.
		if side := daz * math.Pi / 180 * ref; side > 1e-3 {
			t.Errorf("Bearing(%v, %v) = %.9f°, GeographicLib %.9f°: %.4f m sideways at %.0f m", a, b, az, refAz, side, ref)
		}
		worstAz = math.Max(worstAz, daz)
		if back := geofence.Distance(b, a); math.Abs(back-got) > 1e-6 {
			t.Errorf("Distance not symmetric: %v vs %v", got, back)
		}
	}
	t.Logf("%d pairs: worst error %.2e m (%.2e relative), bearing %.2e°", len(rows), worstAbs, worstRel, worstAz)
}

// TestContainsReference compares containment with Shapely (GEOS) on 10,000 random
// points per polygon (testdata/gen_pip.py): concave, with holes, 4,000 vertices, and
// across the antimeridian. Points within 2 m of an edge were left out by the generator.
func TestContainsReference(t *testing.T) {
	data, err := os.ReadFile("testdata/pip/polygons.geojson")
	if err != nil {
		t.Fatal(err)
	}
	zones, err := geofence.ParseGeoJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(zones) < 5 {
		t.Fatalf("%d polygons", len(zones))
	}
	set, err := geofence.NewZoneSet(zones)
	if err != nil {
		t.Fatal(err)
	}
	for _, z := range zones {
		t.Run(z.Name, func(t *testing.T) {
			rows := readCSV(t, filepath.Join("testdata/pip", z.Name+".csv"))
			if len(rows) < 10000 {
				t.Fatalf("only %d points", len(rows))
			}
			ins := 0
			for _, r := range rows {
				p, want := geofence.Point{Lat: r[0], Lon: r[1]}, r[2] == 1
				j, ok := set.JudgeZone(z.Name, p, 0)
				if !ok {
					t.Fatal("zone missing")
				}
				if got := j.Distance < 0; got != want {
					t.Errorf("%v: inside = %v, Shapely says %v (boundary distance %.3f m)", p, got, want, j.Distance)
				}
				if want {
					ins++
				}
				if math.Abs(j.Distance) < 1 {
					t.Errorf("%v: boundary distance %.3f m, but the generator excluded points within 2 m", p, j.Distance)
				}
			}
			t.Logf("%d points agree (%d inside)", len(rows), ins)
		})
	}
}
