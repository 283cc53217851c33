package geofence

import "math"

// reduced is a point on the auxiliary sphere of reduced latitude β (tan β = (1-f)
// tan φ), kept as sin β, cos β and the longitude in degrees, so that Lambert's formula
// needs no further trigonometry for it.
type reduced struct{ sin, cos, lon float64 }

func reducedOf(p Point) reduced {
	s, c := math.Sincos(p.Lat * deg)
	s *= 1 - wgsF
	n := math.Hypot(s, c)
	return reduced{s / n, c / n, p.Lon}
}

// lambertDistance is Lambert's formula for long lines on the ellipsoid (Andoyer-Lambert):
// a great circle on the sphere of reduced latitudes, corrected to first order in the
// flattening. It costs one sine and one arcsine against Vincenty's iteration and is
// within about 1e-5 of the distance up to 17,000 km; the zone index uses it, with a
// margin, only to rule zones out.
func lambertDistance(p1, p2 reduced) float64 {
	sl := math.Sin((p2.lon - p1.lon) * deg / 2)
	// h = sin²(σ/2), σ the central angle, by the haversine formula with
	// sin²((β2-β1)/2) = (1 - cos(β2-β1))/2.
	h := (1-(p1.cos*p2.cos+p1.sin*p2.sin))/2 + p1.cos*p2.cos*sl*sl
	if h <= 0 {
		return 0
	}
	h = math.Min(h, 1)
	sigma := 2 * math.Asin(math.Sqrt(h))
	sinSigma := 2 * math.Sqrt(h*(1-h))
	// With P = (β1+β2)/2 and Q = (β2-β1)/2: sin P cos Q = (sin β1 + sin β2)/2 and
	// cos P sin Q = (sin β2 - sin β1)/2.
	pq := (p1.sin + p2.sin) / 2
	qp := (p2.sin - p1.sin) / 2
	var x float64
	if c2 := 1 - h; c2 > 0 { // cos²(σ/2)
		x = (sigma - sinSigma) * pq * pq / c2
	}
	y := (sigma + sinSigma) * qp * qp / h
	return wgsA * (sigma - wgsF/2*(x+y))
}

// Lambert's formula is within about 1e-5 of the geodesic's length up to 17,000 km
// (TestGeodesicFloor checks it against GeographicLib); nearer the antipode it degrades.
const (
	lambertMargin   = 1e-4     // relative slack: ten times the worst error seen
	lambertMaxRange = 17_000e3 // metres
	// halfMeridian is the geodesic distance between any two antipodal points: half a
	// meridian ellipse (GeodSolve -i 0 0 0 180).
	halfMeridian = 20003931.458625
)

// floorFrom holds what geodesicFloor needs of its first point: the point and its
// antipode on the auxiliary sphere.
type floorFrom struct{ p, anti reduced }

func floorFromPoint(p Point) floorFrom {
	return floorFrom{reducedOf(p), reducedOf(Point{Lat: -p.Lat, Lon: p.Lon + 180})}
}

// geodesicFloor returns a lower bound on Distance(p, q), cheaply: up to 17,000 km
// Lambert's distance less a margin, beyond that antipodalFloor.
func geodesicFloor(from floorFrom, q reduced) float64 {
	d := lambertDistance(from.p, q)
	if d <= lambertMaxRange {
		return d*(1-lambertMargin) - 0.01
	}
	return antipodalFloor(from.anti, q)
}

// antipodalFloor bounds the geodesic from p to q from below, given the antipode p* of
// p: every geodesic from p to p* is halfMeridian long, so by the triangle inequality
// the distance is at least halfMeridian - Distance(p*, q), with Lambert's distance plus
// a margin standing in for the latter. It is 0 unless q is within 17,000 km of p*.
func antipodalFloor(anti, q reduced) float64 {
	da := lambertDistance(anti, q)
	if da > lambertMaxRange {
		return 0
	}
	return halfMeridian - (da*(1+lambertMargin) + 0.01)
}
