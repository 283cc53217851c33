package geofence_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/punchledger/punchledger/geofence"
)

func TestPointValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		p     geofence.Point
		field string // "" = valid
	}{
		{"OK", geofence.Point{Lat: 52.52, Lon: 13.405}, ""},
		{"OKCorners", geofence.Point{Lat: -90, Lon: 180}, ""},
		{"OKZero", geofence.Point{}, ""},
		{"ErrLatNaN", geofence.Point{Lat: math.NaN()}, "lat"},
		{"ErrLonInf", geofence.Point{Lon: math.Inf(-1)}, "lon"},
		{"ErrLatRange", geofence.Point{Lat: 90.0000001}, "lat"},
		{"ErrLonRange", geofence.Point{Lon: -180.5}, "lon"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.p.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			var pe *geofence.PointError
			if !errors.As(err, &pe) || !errors.Is(err, geofence.ErrInvalidPoint) {
				t.Fatalf("Validate() = %v, want a *PointError", err)
			}
			if got, want := pe.Field, tc.field; got != want {
				t.Errorf("Field = %q, want %q", got, want)
			}
		})
	}
}

// TestDistanceEdgeCases covers what the reference file does not: coincident points,
// poles, and nearly antipodal points, where Vincenty's iteration fails and the spherical
// fallback must still be within 0.5% of GeographicLib.
func TestDistanceEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b geofence.Point
		want float64 // GeodSolve -i
		tol  float64 // relative
	}{
		{"Same", geofence.Point{Lat: 10, Lon: 20}, geofence.Point{Lat: 10, Lon: 20}, 0, 0},
		{"Poles", geofence.Point{Lat: 90}, geofence.Point{Lat: -90, Lon: 33}, 20003931.459, 0.005},
		{"AntipodalEquator", geofence.Point{}, geofence.Point{Lon: 180}, 20003931.459, 0.005},
		{"NearlyAntipodal", geofence.Point{}, geofence.Point{Lat: 0.5, Lon: 179.7}, 19944127.421, 0.005},
		{"NearlyAntipodal2", geofence.Point{}, geofence.Point{Lon: 179.5}, 19980861.909, 0.005},
		{"AcrossAntimeridian", geofence.Point{Lat: -16.8, Lon: 179.999}, geofence.Point{Lat: -16.8, Lon: -179.999}, 213.37, 0.001},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := geofence.Distance(tc.a, tc.b)
			if math.Abs(got-tc.want) > tc.tol*tc.want {
				t.Errorf("Distance = %.3f, want %.3f ±%.2f%%", got, tc.want, 100*tc.tol)
			}
		})
	}
	if got := geofence.Bearing(geofence.Point{}, geofence.Point{Lat: 1}); got != 0 {
		t.Errorf("Bearing north = %v", got)
	}
	if got := geofence.Bearing(geofence.Point{}, geofence.Point{Lon: -1}); math.Abs(got-270) > 1e-9 {
		t.Errorf("Bearing west = %v", got)
	}
}

// square returns a closed-free ring of a lat/lon-aligned rectangle.
func square(lat0, lon0, lat1, lon1 float64) geofence.Ring {
	return geofence.Ring{{Lat: lat0, Lon: lon0}, {Lat: lat0, Lon: lon1}, {Lat: lat1, Lon: lon1}, {Lat: lat1, Lon: lon0}}
}

// east returns the point d metres due east of p (by a geodesic along the parallel,
// close enough for small d).
func east(p geofence.Point, d float64) geofence.Point {
	// One degree of longitude at p.Lat, measured with Distance itself.
	per := geofence.Distance(p, geofence.Point{Lat: p.Lat, Lon: p.Lon + 0.001}) / 0.001
	return geofence.Point{Lat: p.Lat, Lon: p.Lon + d/per}
}

func north(p geofence.Point, d float64) geofence.Point {
	per := geofence.Distance(p, geofence.Point{Lat: p.Lat + 0.001, Lon: p.Lon}) / 0.001
	return geofence.Point{Lat: p.Lat + d/per, Lon: p.Lon}
}

func TestJudge(t *testing.T) {
	hq := geofence.Point{Lat: 52.52, Lon: 13.405}
	// Two touching parcels sharing the meridian 13.41: West [13.40, 13.41], East [13.41, 13.42].
	west := geofence.NewPolygonZone("West", geofence.Polygon{Outer: square(52.50, 13.40, 52.51, 13.41)})
	eastZone := geofence.NewPolygonZone("East", geofence.Polygon{Outer: square(52.50, 13.42, 52.51, 13.41)}) // other winding
	// A campus with a courtyard hole, far from the rest.
	campus := geofence.NewPolygonZone("Campus", geofence.Polygon{
		Outer: square(48.0, 11.0, 48.01, 11.01),
		Holes: []geofence.Ring{square(48.004, 11.004, 48.006, 11.006)},
	})
	// An island across the antimeridian.
	fiji := geofence.NewPolygonZone("Fiji", geofence.Polygon{Outer: geofence.Ring{
		{Lat: -17, Lon: 179.9}, {Lat: -17, Lon: -179.9}, {Lat: -16.9, Lon: -179.9}, {Lat: -16.9, Lon: 179.9}}})
	set, err := geofence.NewZoneSet([]geofence.Zone{
		geofence.NewCircleZone("HQ", hq, 100), west, eastZone, campus, fiji,
	})
	if err != nil {
		t.Fatal(err)
	}
	shared := geofence.Point{Lat: 52.505, Lon: 13.41}

	for _, tc := range []struct {
		name     string
		p        geofence.Point
		accuracy float64
		verdict  geofence.Verdict
		zone     string
		dist     float64 // expected signed distance
		tol      float64
	}{
		{"CircleCentre", hq, 10, geofence.Inside, "HQ", -100, 1e-9},
		{"CircleInsideTight", east(hq, 60), 39.99, geofence.Inside, "HQ", -40, 1e-3},
		{"CircleStraddleFromInside", east(hq, 60), 40.5, geofence.Uncertain, "HQ", -40, 1e-3},
		{"CircleStraddleFromOutside", north(hq, 130), 31, geofence.Uncertain, "HQ", 30, 1e-3},
		{"CircleOutsideTight", north(hq, 130), 29.9, geofence.Outside, "HQ", 30, 1e-3},
		{"CircleBoundaryZeroAccuracy", north(hq, 100), 0, geofence.Inside, "HQ", 0, 1e-3},
		{"CircleHugeAccuracy", hq, 1e9, geofence.Uncertain, "HQ", -100, 1e-9},
		{"PolygonInside", geofence.Point{Lat: 52.505, Lon: 13.405}, 5, geofence.Inside, "West", -338.6, 1},
		{"PolygonOutsideNorth", north(geofence.Point{Lat: 52.51, Lon: 13.405}, 50), 10, geofence.Outside, "West", 50, 0.01},
		{"PolygonStraddleEdge", north(geofence.Point{Lat: 52.51, Lon: 13.405}, 50), 60, geofence.Uncertain, "West", 50, 0.01},
		// Touching zones: the accuracy circle crosses the shared edge. Judged zone by
		// zone, so Uncertain, named after the zone the point is in.
		{"TouchingStraddleWest", east(shared, -20), 30, geofence.Uncertain, "West", -20, 0.01},
		{"TouchingStraddleEast", east(shared, 20), 30, geofence.Uncertain, "East", -20, 0.01},
		{"TouchingInsideEast", east(shared, 20), 15, geofence.Inside, "East", -20, 0.01},
		{"HoleCentre", geofence.Point{Lat: 48.005, Lon: 11.005}, 10, geofence.Outside, "Campus", 74.6, 0.1},
		{"HoleStraddle", geofence.Point{Lat: 48.005, Lon: 11.005}, 120, geofence.Uncertain, "Campus", 74.6, 0.1},
		{"BesideHole", north(geofence.Point{Lat: 48.006, Lon: 11.005}, 30), 20, geofence.Inside, "Campus", -30, 0.01},
		{"AntimeridianWestSide", geofence.Point{Lat: -16.95, Lon: 179.99}, 50, geofence.Inside, "Fiji", -5533.4, 0.5},
		{"AntimeridianEastSide", geofence.Point{Lat: -16.95, Lon: -179.99}, 50, geofence.Inside, "Fiji", -5533.4, 0.5},
		{"AntimeridianOutsideEast", geofence.Point{Lat: -16.95, Lon: -179.8}, 50, geofence.Outside, "Fiji", 10650, 20},
		{"NearestOfTwoOutside", north(geofence.Point{Lat: 52.51, Lon: 13.415}, 300), 10, geofence.Outside, "East", 300, 0.1},
		// Sydney to the island's corner (-17, 179.9): GeodSolve -i gives 3420952.843 m.
		{"FarAway", geofence.Point{Lat: -33.9, Lon: 151.2}, 10, geofence.Outside, "Fiji", 3420952.843, 0.01},
		{"ErrNaNAccuracy", hq, math.NaN(), geofence.Unknown, "", 0, 0},
		{"ErrNegativeAccuracy", hq, -1, geofence.Unknown, "", 0, 0},
		{"ErrInvalidPoint", geofence.Point{Lat: 91}, 5, geofence.Unknown, "", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := set.Judge(tc.p, tc.accuracy)
			if j.Verdict != tc.verdict || j.Zone != tc.zone || math.Abs(j.Distance-tc.dist) > tc.tol {
				t.Errorf("Judge(%v, %v) = %+v, want %v in %q at %v ±%v", tc.p, tc.accuracy, j, tc.verdict, tc.zone, tc.dist, tc.tol)
			}
			if lin := set.JudgeLinear(tc.p, tc.accuracy); lin != j {
				t.Errorf("linear scan %+v differs from index %+v", lin, j)
			}
		})
	}

	t.Run("EmptySet", func(t *testing.T) {
		empty, err := geofence.NewZoneSet(nil)
		if err != nil {
			t.Fatal(err)
		}
		var null *geofence.ZoneSet
		for _, s := range []*geofence.ZoneSet{empty, null} {
			j := s.Judge(hq, 5)
			if j.Verdict != geofence.Outside || j.Zone != "" || !math.IsInf(j.Distance, 1) {
				t.Errorf("Judge on empty set = %+v", j)
			}
			if got := s.Containing(nil, hq); got != nil {
				t.Errorf("Containing on empty set = %q", got)
			}
			if _, ok := s.JudgeZone("HQ", hq, 5); ok {
				t.Error("JudgeZone on empty set found a zone")
			}
		}
	})
	t.Run("TiesGoToFirstZone", func(t *testing.T) {
		twins, err := geofence.NewZoneSet([]geofence.Zone{
			geofence.NewCircleZone("B", hq, 50), geofence.NewCircleZone("A", hq, 50),
		})
		if err != nil {
			t.Fatal(err)
		}
		if j := twins.Judge(east(hq, 10), 1); j.Zone != "B" {
			t.Errorf("tie went to %q", j.Zone)
		}
	})
	t.Run("JudgeZone", func(t *testing.T) {
		j, ok := set.JudgeZone("West", hq, 0)
		if !ok || j.Verdict != geofence.Outside || j.Zone != "West" {
			t.Errorf("JudgeZone = %+v, %v", j, ok)
		}
		if _, ok := set.JudgeZone("nope", hq, 0); ok {
			t.Error("JudgeZone found a zone that does not exist")
		}
	})
}

// TestPolygonDistance checks the boundary distance of a polygon against Distance to
// the foot of the perpendicular, at several latitudes and offsets.
func TestPolygonDistance(t *testing.T) {
	for _, lat := range []float64{-65, -30, 0, 30, 60, 69} {
		edge := geofence.Point{Lat: lat + 0.05, Lon: 20.1}
		z := geofence.NewPolygonZone("Z", geofence.Polygon{Outer: square(lat, 20.0, lat+0.1, 20.1)})
		set, err := geofence.NewZoneSet([]geofence.Zone{z})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []float64{-500, -50, -1, 1, 10, 100, 1000} {
			p := east(edge, d)
			j := set.Judge(p, 0)
			if math.Abs(j.Distance-d) > 0.001*math.Abs(d)+0.01 {
				t.Errorf("lat %v, %v m east of the edge: Distance = %.3f", lat, d, j.Distance)
			}
		}
	}
}

// TestJudgeIndexMatchesLinear checks the index against a plain scan on thousands of
// random fixes over 5,000 circles and a few polygons, including fixes inside zones and
// far away from all of them.
func TestJudgeIndexMatchesLinear(t *testing.T) {
	zs := sites(5000, 7)
	zs = append(zs, polygon1000(), geofence.NewPolygonZone("Fiji", geofence.Polygon{Outer: geofence.Ring{
		{Lat: -17, Lon: 179.9}, {Lat: -17, Lon: -179.9}, {Lat: -16.9, Lon: -179.9}, {Lat: -16.9, Lon: 179.9}}}),
		// Continent-sized shapes, where chords and geodesics differ most.
		geofence.NewPolygonZone("Continent", geofence.Polygon{Outer: square(-40, 20, 45, 130), Holes: []geofence.Ring{square(-10, 60, 10, 90)}}),
		geofence.NewCircleZone("Wide", geofence.Point{Lat: -60, Lon: -100}, geofence.MaxRadius))
	set, err := geofence.NewZoneSet(zs)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 8))
	n := 600 // the plain scan costs ~3 ms a fix
	if testing.Short() {
		n = 120
	}
	for i := range n {
		var p geofence.Point
		switch i % 5 {
		case 0: // anywhere on Earth
			p = geofence.Point{Lat: -89 + 178*r.Float64(), Lon: -180 + 360*r.Float64()}
		case 1: // near a random site
			c := zs[r.IntN(5000)].Circle
			p = geofence.Point{Lat: c.Center.Lat + 0.01*(r.Float64()-0.5), Lon: c.Center.Lon + 0.01*(r.Float64()-0.5)}
		case 2: // over the site area
			p = geofence.Point{Lat: 47 + 8*r.Float64(), Lon: 5 + 11*r.Float64()}
		case 3: // near the polygons
			p = geofence.Point{Lat: 52.52 + 0.05*(r.Float64()-0.5), Lon: 13.405 + 0.08*(r.Float64()-0.5)}
		case 4: // near the antipode of a site, where Distance leaves Vincenty's method
			c := zs[r.IntN(5000)].Circle.Center
			p = geofence.Point{Lat: -c.Lat + 2*(r.Float64()-0.5), Lon: c.Lon - 180 + 2*(r.Float64()-0.5)}
		}
		acc := 100 * r.Float64()
		if got, want := set.Judge(p, acc), set.JudgeLinear(p, acc); got != want {
			t.Fatalf("fix %d at %v ±%v: index %+v, linear %+v", i, p, acc, got, want)
		}
	}
}

func TestZoneValidate(t *testing.T) {
	ok := square(1, 1, 2, 2)
	for _, tc := range []struct {
		name string
		z    geofence.Zone
		path string // "" = valid
	}{
		{"OKCircle", geofence.NewCircleZone("a", geofence.Point{}, 10), ""},
		{"OKClosedRing", geofence.NewPolygonZone("a", geofence.Polygon{Outer: append(ok, ok[0])}), ""},
		{"OKMultiPolygon", geofence.NewPolygonZone("a", geofence.Polygon{Outer: ok}, geofence.Polygon{Outer: square(3, 3, 4, 4)}), ""},
		{"ErrNoName", geofence.NewCircleZone("", geofence.Point{}, 10), "name"},
		{"ErrNoShape", geofence.Zone{Name: "a"}, ""},
		{"ErrBothShapes", geofence.Zone{Name: "a", Circle: &geofence.Circle{Radius: 1}, Polygons: []geofence.Polygon{{Outer: ok}}}, ""},
		{"ErrRadiusZero", geofence.NewCircleZone("a", geofence.Point{}, 0), "circle.radius_m"},
		{"ErrRadiusNaN", geofence.NewCircleZone("a", geofence.Point{}, math.NaN()), "circle.radius_m"},
		{"ErrRadiusHuge", geofence.NewCircleZone("a", geofence.Point{}, 2e6), "circle.radius_m"},
		{"ErrCentre", geofence.NewCircleZone("a", geofence.Point{Lat: 100}, 10), "circle.center.lat"},
		{"ErrTwoVertices", geofence.NewPolygonZone("a", geofence.Polygon{Outer: geofence.Ring{{}, {Lat: 1}, {}}}), "polygons[0].outer"},
		{"ErrBadVertex", geofence.NewPolygonZone("a", geofence.Polygon{Outer: ok}, geofence.Polygon{Outer: ok, Holes: []geofence.Ring{{{}, {Lon: 200}, {Lat: 1}}}}), "polygons[1].holes[0][1].lon"},
		{"ErrPole", geofence.NewPolygonZone("a", geofence.Polygon{Outer: geofence.Ring{{Lat: 80, Lon: 0}, {Lat: 80, Lon: 120}, {Lat: 80, Lon: -120}}}), "polygons[0].outer"},
		{"ErrTooWide", geofence.NewPolygonZone("a", geofence.Polygon{Outer: geofence.Ring{{Lon: -100}, {Lon: 0}, {Lon: 100}, {Lat: 1, Lon: 0}}}), "polygons[0].outer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.z.Validate()
			if tc.name[:2] == "OK" {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			var ze *geofence.ZoneError
			if !errors.As(err, &ze) || !errors.Is(err, geofence.ErrInvalidZone) {
				t.Fatalf("Validate() = %v, want a *ZoneError", err)
			}
			if ze.Path != tc.path {
				t.Errorf("Path = %q, want %q (%v)", ze.Path, tc.path, err)
			}
		})
	}
	t.Run("ErrSetPath", func(t *testing.T) {
		_, err := geofence.NewZoneSet([]geofence.Zone{geofence.NewCircleZone("a", geofence.Point{}, 1), {Name: "b"}})
		var ze *geofence.ZoneError
		if !errors.As(err, &ze) || ze.Path != "[1]" {
			t.Fatalf("NewZoneSet = %v", err)
		}
	})
	t.Run("ErrDuplicateName", func(t *testing.T) {
		_, err := geofence.NewZoneSet([]geofence.Zone{geofence.NewCircleZone("a", geofence.Point{}, 1), geofence.NewCircleZone("a", geofence.Point{}, 2)})
		var ze *geofence.ZoneError
		if !errors.As(err, &ze) || ze.Path != "[1].name" {
			t.Fatalf("NewZoneSet = %v", err)
		}
	})
}

// TestContaining checks Containing against the sign of each zone's boundary distance.
func TestContaining(t *testing.T) {
	zs := sites(300, 11)
	zs = append(zs, polygon1000(), geofence.NewCircleZone("Big", geofence.Point{Lat: 52.52, Lon: 13.41}, 3000))
	set, err := geofence.NewZoneSet(zs)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(11, 12))
	var got []string
	multi := 0
	for i := range 400 {
		p := geofence.Point{Lat: 52.52 + 0.06*(r.Float64()-0.5), Lon: 13.405 + 0.1*(r.Float64()-0.5)}
		if i%2 == 0 {
			c := zs[r.IntN(300)].Circle
			p = geofence.Point{Lat: c.Center.Lat + 0.004*(r.Float64()-0.5), Lon: c.Center.Lon + 0.006*(r.Float64()-0.5)}
		}
		got = set.Containing(got[:0], p)
		var want []string
		for _, z := range zs {
			if j, _ := set.JudgeZone(z.Name, p, 0); j.Distance < 0 {
				want = append(want, z.Name)
			}
		}
		if len(want) > 1 {
			multi++
		}
		if !slices.Equal(got, want) {
			t.Fatalf("Containing(%v) = %q, want %q", p, got, want)
		}
	}
	if multi == 0 {
		t.Error("no point was in two zones; the test does not cover ordering")
	}
	if got := set.Containing(nil, geofence.Point{Lat: math.NaN()}); got != nil {
		t.Errorf("Containing(NaN) = %q", got)
	}
}

// TestPolygonDistanceBound checks the documented bound on a polygon's boundary
// distance: the boundary point found in the tangent plane is as near as the nearest of
// densely sampled boundary points (to 0.01%), for fixes up to about 30 km away.
func TestPolygonDistanceBound(t *testing.T) {
	full := polygon1000().Polygons[0].Outer
	for _, lat := range []float64{0, 45, 69} {
		var ring geofence.Ring
		for i := 0; i < len(full); i += 10 {
			ring = append(ring, geofence.Point{Lat: full[i].Lat + lat - 52.52, Lon: full[i].Lon})
		}
		set, err := geofence.NewZoneSet([]geofence.Zone{geofence.NewPolygonZone("P", geofence.Polygon{Outer: ring})})
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(5, uint64(lat)))
		for range 60 {
			p := geofence.Point{Lat: lat + 0.5*(r.Float64()-0.5), Lon: 13.405 + 0.8*(r.Float64()-0.5)}
			got := math.Abs(set.Judge(p, 0).Distance)
			best := math.Inf(1)
			for k := range ring {
				a, b := ring[k], ring[(k+1)%len(ring)]
				for s := 0; s <= 50; s++ {
					f := float64(s) / 50
					q := geofence.Point{Lat: a.Lat + f*(b.Lat-a.Lat), Lon: a.Lon + f*(b.Lon-a.Lon)}
					best = math.Min(best, geofence.Distance(p, q))
				}
			}
			if got > best*1.0001+1e-6 {
				t.Errorf("lat %v, %v: boundary distance %.3f m, but a boundary point lies %.3f m away", lat, p, got, best)
			}
		}
	}
}

// TestPolygonInvariance: winding order, the starting vertex, a repeated closing vertex
// and the order of zones in the set do not change a judgement.
func TestPolygonInvariance(t *testing.T) {
	base := polygon1000().Polygons[0].Outer[:0:0]
	for i, p := range polygon1000().Polygons[0].Outer {
		if i%7 == 0 {
			base = append(base, p)
		}
	}
	hole := square(52.515, 13.40, 52.525, 13.41)
	variants := map[string]geofence.Polygon{
		"base":     {Outer: base, Holes: []geofence.Ring{hole}},
		"reversed": {Outer: reversed(base), Holes: []geofence.Ring{reversed(hole)}},
		"rotated":  {Outer: append(slices.Clone(base[40:]), base[:40]...), Holes: []geofence.Ring{append(slices.Clone(hole[2:]), hole[:2]...)}},
		"closed":   {Outer: append(slices.Clone(base), base[0]), Holes: []geofence.Ring{append(slices.Clone(hole), hole[0])}},
	}
	sets := map[string]*geofence.ZoneSet{}
	for name, poly := range variants {
		s, err := geofence.NewZoneSet([]geofence.Zone{
			geofence.NewCircleZone("C", geofence.Point{Lat: 52.50, Lon: 13.38}, 400),
			geofence.NewPolygonZone("P", poly),
		})
		if err != nil {
			t.Fatal(name, err)
		}
		sets[name] = s
	}
	swapped, err := geofence.NewZoneSet([]geofence.Zone{
		geofence.NewPolygonZone("P", variants["base"]),
		geofence.NewCircleZone("C", geofence.Point{Lat: 52.50, Lon: 13.38}, 400),
	})
	if err != nil {
		t.Fatal(err)
	}
	sets["swapped"] = swapped
	r := rand.New(rand.NewPCG(9, 9))
	for range 300 {
		p := geofence.Point{Lat: 52.52 + 0.06*(r.Float64()-0.5), Lon: 13.405 + 0.1*(r.Float64()-0.5)}
		acc := 80 * r.Float64()
		want := sets["base"].Judge(p, acc)
		for name, s := range sets {
			got := s.Judge(p, acc)
			if got.Verdict != want.Verdict || got.Zone != want.Zone || math.Abs(got.Distance-want.Distance) > 1e-6 {
				t.Fatalf("%s: Judge(%v, %v) = %+v, base gives %+v", name, p, acc, got, want)
			}
		}
	}
}

func reversed(r geofence.Ring) geofence.Ring {
	out := slices.Clone(r)
	slices.Reverse(out)
	return out
}

// TestAntimeridianInvariance: the ellipsoid is symmetric about its axis, so moving a
// polygon and the fixes by the same longitude, here onto the antimeridian, must not
// change any judgement.
func TestAntimeridianInvariance(t *testing.T) {
	shift := func(p geofence.Point, d float64) geofence.Point {
		lon := p.Lon + d
		if lon >= 180 {
			lon -= 360
		}
		return geofence.Point{Lat: p.Lat, Lon: lon}
	}
	const d = 180 - 13.405 // centre of polygon1000 onto 180°
	var ring geofence.Ring
	for i, p := range polygon1000().Polygons[0].Outer {
		if i%5 == 0 {
			ring = append(ring, p)
		}
	}
	moved := make(geofence.Ring, len(ring))
	for i, p := range ring {
		moved[i] = shift(p, d)
	}
	home, err := geofence.NewZoneSet([]geofence.Zone{geofence.NewPolygonZone("P", geofence.Polygon{Outer: ring})})
	if err != nil {
		t.Fatal(err)
	}
	away, err := geofence.NewZoneSet([]geofence.Zone{geofence.NewPolygonZone("P", geofence.Polygon{Outer: moved})})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(4, 4))
	sides := 0
	for range 400 {
		p := geofence.Point{Lat: 52.52 + 0.06*(r.Float64()-0.5), Lon: 13.405 + 0.1*(r.Float64()-0.5)}
		q := shift(p, d)
		if q.Lon < 0 {
			sides++
		}
		a, b := home.Judge(p, 30), away.Judge(q, 30)
		if a.Verdict != b.Verdict || math.Abs(a.Distance-b.Distance) > 1e-4 {
			t.Fatalf("%v: %+v; moved to %v: %+v", p, a, q, b)
		}
	}
	if sides < 100 || sides > 300 {
		t.Errorf("%d of 400 fixes past the antimeridian (negative longitude); the test does not straddle it", sides)
	}
}

// TestIndexWork bounds the work of the index, counted in nodes visited plus zones
// measured (deterministic, unlike time): one fix against 5,000 sites, whether near
// them, across the world, or near their antipodes.
func TestIndexWork(t *testing.T) {
	zs := sites(5000, 1)
	set, err := geofence.NewZoneSet(zs)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(13, 13))
	for _, tc := range []struct {
		name      string
		point     func() geofence.Point
		mean, max int
	}{
		{"NearSites", func() geofence.Point { return geofence.Point{Lat: 47 + 8*r.Float64(), Lon: 5 + 11*r.Float64()} }, 60, 200},
		{"Anywhere", func() geofence.Point { return geofence.Point{Lat: -89 + 178*r.Float64(), Lon: -180 + 360*r.Float64()} }, 80, 400},
		{"Antipodes", func() geofence.Point {
			c := zs[r.IntN(len(zs))].Circle.Center
			return geofence.Point{Lat: -c.Lat + 4*(r.Float64()-0.5), Lon: c.Lon - 180 + 4*(r.Float64()-0.5)}
		}, 150, 600},
	} {
		t.Run(tc.name, func(t *testing.T) {
			total, worst := 0, 0
			const n = 400
			for range n {
				_, w := set.JudgeWork(tc.point(), 20)
				total += w
				worst = max(worst, w)
			}
			t.Logf("mean %d, worst %d (of %d zones)", total/n, worst, len(zs))
			if total/n > tc.mean || worst > tc.max {
				t.Errorf("mean work %d (limit %d), worst %d (limit %d)", total/n, tc.mean, worst, tc.max)
			}
		})
	}
}
