package geofence

import "math"

// lambertDistance is Lambert's formula for long lines on the ellipsoid (Andoyer-Lambert):
// a great circle on the sphere of reduced latitudes, corrected to first order in the
// flattening. It costs a few trigonometric calls against Vincenty's iteration and is
// within about 10 m at thousands of kilometres; the zone index uses it, with a margin,
// only to rule zones out.
func lambertDistance(p1, p2 Point) float64 {
	b1 := math.Atan((1 - wgsF) * math.Tan(p1.Lat*deg))
	b2 := math.Atan((1 - wgsF) * math.Tan(p2.Lat*deg))
	dl := (p2.Lon - p1.Lon) * deg
	sh := math.Sin((b2 - b1) / 2)
	sl := math.Sin(dl / 2)
	h := sh*sh + math.Cos(b1)*math.Cos(b2)*sl*sl
	if h <= 0 {
		return 0
	}
	h = math.Min(h, 1)
	sigma := 2 * math.Asin(math.Sqrt(h)) // central angle; sin²(σ/2) = h
	sinP, cosP := math.Sincos((b1 + b2) / 2)
	sinQ, cosQ := math.Sincos((b2 - b1) / 2)
	sinSigma := math.Sin(sigma)
	var x, y float64
	if c2 := 1 - h; c2 > 0 { // cos²(σ/2)
		x = (sigma - sinSigma) * sinP * sinP * cosQ * cosQ / c2
	}
	y = (sigma + sinSigma) * cosP * cosP * sinQ * sinQ / h
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

// geodesicFloor returns a lower bound on Distance(p, q), cheaply: up to 17,000 km
// Lambert's distance less a margin, beyond that antipodalFloor.
func geodesicFloor(p, q Point) float64 {
	d := lambertDistance(p, q)
	if d <= lambertMaxRange {
		return d*(1-lambertMargin) - 0.01
	}
	return antipodalFloor(p, q)
}

// antipodalFloor bounds the geodesic from p to q from below using the antipode p* of
// p: every geodesic from p to p* is halfMeridian long, so by the triangle inequality
// the distance is at least halfMeridian - Distance(p*, q), with Lambert's distance plus
// a margin standing in for the latter. It is 0 unless q is within 17,000 km of p*.
func antipodalFloor(p, q Point) float64 {
	da := lambertDistance(Point{Lat: -p.Lat, Lon: p.Lon + 180}, q)
	if da > lambertMaxRange {
		return 0
	}
	return halfMeridian - (da*(1+lambertMargin) + 0.01)
}
