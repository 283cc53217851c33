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

// box is a latitude/longitude rectangle fixes are drawn from.
type box struct{ lat, lon, dlat, dlon float64 }

var (
	siteArea   = box{47, 5, 8, 11}                             // over the 5,000 sites
	berlin     = box{52.52 - 0.025, 13.405 - 0.04, 0.05, 0.08} // around polygon1000
	wholeEarth = box{-89, -180, 178, 360}
)

// fixes returns 1,024 points drawn uniformly from bx with a fixed seed.
func fixes(seed uint64, bx box) []geofence.Point {
	r := rand.New(rand.NewPCG(seed, seed))
	pts := make([]geofence.Point, 1024)
	for i := range pts {
		pts[i] = geofence.Point{Lat: bx.lat + bx.dlat*r.Float64(), Lon: bx.lon + bx.dlon*r.Float64()}
	}
	return pts
}

// benchJudge judges the fixes in turn with judge.
func benchJudge(b *testing.B, zones []geofence.Zone, pts []geofence.Point, judge func(*geofence.ZoneSet, geofence.Point)) {
	set, err := geofence.NewZoneSet(zones)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		judge(set, pts[i%len(pts)])
	}
}

func judge20(s *geofence.ZoneSet, p geofence.Point) { s.Judge(p, 20) }

// BenchmarkJudge5000Sites judges one fix against 5,000 circular sites through the
// index (the budget: 50 µs per fix); the fixes lie over the sites' area.
func BenchmarkJudge5000Sites(b *testing.B) {
	benchJudge(b, sites(5000, 1), fixes(2, siteArea), judge20)
}

// BenchmarkJudge5000SitesAnywhere judges fixes spread over the whole Earth, most of
// them thousands of kilometres from every site, where chord bounds are weakest.
func BenchmarkJudge5000SitesAnywhere(b *testing.B) {
	benchJudge(b, sites(5000, 1), fixes(6, wholeEarth), judge20)
}

// BenchmarkJudge5000SitesLinear is BenchmarkJudge5000Sites without the index.
func BenchmarkJudge5000SitesLinear(b *testing.B) {
	benchJudge(b, sites(5000, 1), fixes(2, siteArea), func(s *geofence.ZoneSet, p geofence.Point) { s.JudgeLinear(p, 20) })
}

// BenchmarkPolygon1000 judges fixes against one 1,000-vertex polygon: containment plus
// the distance to the nearest edge.
func BenchmarkPolygon1000(b *testing.B) {
	benchJudge(b, []geofence.Zone{polygon1000()}, fixes(3, berlin), judge20)
}

// BenchmarkContainsPolygon1000 is the point-in-polygon test alone on a 1,000-vertex
// polygon (no boundary distance).
func BenchmarkContainsPolygon1000(b *testing.B) {
	var dst []string
	benchJudge(b, []geofence.Zone{polygon1000()}, fixes(3, berlin), func(s *geofence.ZoneSet, p geofence.Point) { dst = s.Containing(dst[:0], p) })
}

// BenchmarkDistance is one Vincenty inverse solution for pairs up to ~1,000 km apart.
func BenchmarkDistance(b *testing.B) {
	pts := fixes(5, siteArea)
	for i := 0; b.Loop(); i++ {
		geofence.Distance(pts[i%len(pts)], pts[(i+1)%len(pts)])
	}
}

// BenchmarkNewZoneSet5000 builds the index over 5,000 circular sites.
func BenchmarkNewZoneSet5000(b *testing.B) {
	zs := sites(5000, 1)
	for b.Loop() {
		if _, err := geofence.NewZoneSet(zs); err != nil {
			b.Fatal(err)
		}
	}
}
