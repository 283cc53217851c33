package geofence

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestGeodesicFloor checks the bound the zone index prunes with: geodesicFloor never
// exceeds GeographicLib's distance or Distance, on pairs at every range including
// nearly antipodal ones (testdata/geodesic_long.csv). It also checks Distance's
// documented 0.5% bound where Vincenty's method gives way to the sphere.
func TestGeodesicFloor(t *testing.T) {
	f, err := os.Open("testdata/geodesic_long.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	var worstDist, worstSlack float64
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		var v [5]float64
		for i, field := range strings.Split(line, ",") {
			if v[i], err = strconv.ParseFloat(field, 64); err != nil {
				t.Fatal(line, err)
			}
		}
		a, b, ref := Point{Lat: v[0], Lon: v[1]}, Point{Lat: v[2], Lon: v[3]}, v[4]
		d := Distance(a, b)
		if rel := math.Abs(d-ref) / ref; rel > 0.005 {
			t.Errorf("Distance(%v, %v) = %.3f, GeographicLib %.3f: %.3f%% off", a, b, d, ref, 100*rel)
		} else {
			worstDist = math.Max(worstDist, rel)
		}
		for _, pq := range [2][2]Point{{a, b}, {b, a}} {
			lb := geodesicFloor(pq[0], pq[1])
			if lb > ref || lb > d {
				t.Errorf("geodesicFloor(%v, %v) = %.3f > geodesic %.3f (Distance %.3f)", pq[0], pq[1], lb, ref, d)
			}
			worstSlack = math.Max(worstSlack, (ref-lb)/ref)
		}
		n++
	}
	if n < 3000 {
		t.Fatalf("%d pairs", n)
	}
	t.Logf("%d pairs: Distance worst %.2e relative; geodesicFloor at most %.2e below", n, worstDist, worstSlack)
}
