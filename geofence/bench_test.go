package geofence_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/punchledger/punchledger/geofence"
)

// sites returns n circular sites of 50..500 m scattered over a country-sized area
// around Germany, from a fixed seed.
func sites(n int, seed uint64) []geofence.Zone {
	r := rand.New(rand.NewPCG(seed, 1))
	zs := make([]geofence.Zone, n)
	for i := range zs {
		c := geofence.Point{Lat: 47.5 + 7*r.Float64(), Lon: 6 + 9*r.Float64()}
		zs[i] = geofence.NewCircleZone(fmt.Sprintf("site-%04d", i), c, 50+450*r.Float64())
	}
	return zs
}

// polygon1000 returns a concave 1,000-vertex polygon of about 2 km around Berlin.
func polygon1000() geofence.Zone {
	const n = 1000
	ring := make(geofence.Ring, n)
	for i := range ring {
		t := 2 * math.Pi * float64(i) / n
		r := 1 + 0.3*math.Sin(5*t) + 0.05*math.Sin(37*t)
		ring[i] = geofence.Point{Lat: 52.52 + 0.018*r*math.Sin(t), Lon: 13.405 + 0.03*r*math.Cos(t)}
	}
	return geofence.NewPolygonZone("poly-1000", geofence.Polygon{Outer: ring})
}

// BenchmarkJudge5000Sites judges one fix against 5,000 circular sites through the
// index (the budget: 50 µs per fix). The fixes cycle through points near sites
// and points far from any.
func BenchmarkJudge5000Sites(b *testing.B) {
	zs := sites(5000, 1)
	set, err := geofence.NewZoneSet(zs)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(2, 2))
	pts := make([]geofence.Point, 1024)
	for i := range pts {
		pts[i] = geofence.Point{Lat: 47 + 8*r.Float64(), Lon: 5 + 11*r.Float64()}
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		set.Judge(pts[i%len(pts)], 20)
	}
}

// BenchmarkJudge5000SitesLinear is the same work without the index, for comparison.
func BenchmarkJudge5000SitesLinear(b *testing.B) {
	set, err := geofence.NewZoneSet(sites(5000, 1))
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(2, 2))
	pts := make([]geofence.Point, 1024)
	for i := range pts {
		pts[i] = geofence.Point{Lat: 47 + 8*r.Float64(), Lon: 5 + 11*r.Float64()}
	}
	for i := 0; b.Loop(); i++ {
		set.JudgeLinear(pts[i%len(pts)], 20)
	}
}

// BenchmarkPolygon1000 judges fixes against one 1,000-vertex polygon: containment plus
// the distance to the nearest edge.
func BenchmarkPolygon1000(b *testing.B) {
	set, err := geofence.NewZoneSet([]geofence.Zone{polygon1000()})
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 3))
	pts := make([]geofence.Point, 1024)
	for i := range pts {
		pts[i] = geofence.Point{Lat: 52.52 + 0.05*(r.Float64()-0.5), Lon: 13.405 + 0.08*(r.Float64()-0.5)}
	}
	for i := 0; b.Loop(); i++ {
		set.Judge(pts[i%len(pts)], 10)
	}
}

// BenchmarkContainsPolygon1000 is the point-in-polygon test alone on a 1,000-vertex
// polygon (no boundary distance).
func BenchmarkContainsPolygon1000(b *testing.B) {
	set, err := geofence.NewZoneSet([]geofence.Zone{polygon1000()})
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 3))
	pts := make([]geofence.Point, 1024)
	for i := range pts {
		pts[i] = geofence.Point{Lat: 52.52 + 0.05*(r.Float64()-0.5), Lon: 13.405 + 0.08*(r.Float64()-0.5)}
	}
	var dst []string
	for i := 0; b.Loop(); i++ {
		dst = set.Containing(dst[:0], pts[i%len(pts)])
	}
}

// BenchmarkDistance is one Vincenty inverse solution for pairs up to ~1,000 km apart.
func BenchmarkDistance(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 5))
	pts := make([]geofence.Point, 1024)
	for i := range pts {
		pts[i] = geofence.Point{Lat: 47 + 8*r.Float64(), Lon: 5 + 11*r.Float64()}
	}
	for i := 0; b.Loop(); i++ {
		geofence.Distance(pts[i%len(pts)], pts[(i+1)%len(pts)])
	}
}

// BenchmarkJudge5000SitesAnywhere judges fixes spread over the whole Earth, most of
// them thousands of kilometres from every site, where chord bounds are weakest.
func BenchmarkJudge5000SitesAnywhere(b *testing.B) {
	set, err := geofence.NewZoneSet(sites(5000, 1))
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(6, 6))
	pts := make([]geofence.Point, 1024)
	for i := range pts {
		pts[i] = geofence.Point{Lat: -89 + 178*r.Float64(), Lon: -180 + 360*r.Float64()}
	}
	for i := 0; b.Loop(); i++ {
		set.Judge(pts[i%len(pts)], 20)
	}
}
