package geofence

import (
	"bufio"
	"math"
	"math/rand/v2"
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
			lb := geodesicFloor(floorFromPoint(pq[0]), reducedOf(pq[1]))
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

// TestGeodesicFloorRandom checks geodesicFloor <= Distance on many random pairs at
// every range, and that it is tight enough to be useful below 17,000 km.
func TestGeodesicFloorRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 17))
	worst := 0.0
	for i := range 30000 {
		a := Point{Lat: -90 + 180*r.Float64(), Lon: -180 + 360*r.Float64()}
		b := Point{Lat: -90 + 180*r.Float64(), Lon: -180 + 360*r.Float64()}
		if i%2 == 0 { // nearby pairs too
			b = Point{Lat: max(-90, min(90, a.Lat+20*(r.Float64()-0.5))), Lon: a.Lon + 20*(r.Float64()-0.5)}
		}
		d := Distance(a, b)
		lb := geodesicFloor(floorFromPoint(a), reducedOf(b))
		if lb > d {
			t.Fatalf("geodesicFloor(%v, %v) = %.3f > Distance %.3f", a, b, lb, d)
		}
		if d > 1000 && d < 17_000e3 {
			worst = math.Max(worst, (d-lb)/d)
		}
	}
	if worst > 2e-4 {
		t.Errorf("geodesicFloor up to %.2e below Distance; too loose to prune", worst)
	}
	t.Logf("geodesicFloor at most %.2e below Distance (1 km to 17,000 km)", worst)
}
