package geofence

import (
	"fmt"
	"math"
)

// Point is a position on the WGS-84 ellipsoid in degrees: Lat in [-90, 90], Lon in
// [-180, 180]. The zero value is the point 0°N 0°E, a valid point.
type Point struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// String formats p as "lat,lon" with the shortest decimals that round-trip.
func (p Point) String() string {
	return fmt.Sprintf("%v,%v", p.Lat, p.Lon)
}

// Validate reports a *PointError (errors.Is ErrInvalidPoint) when a coordinate is NaN,
// infinite or out of range.
func (p Point) Validate() error {
	switch {
	case math.IsNaN(p.Lat) || math.IsInf(p.Lat, 0):
		return &PointError{Point: p, Field: "lat", Reason: "not a finite number"}
	case math.IsNaN(p.Lon) || math.IsInf(p.Lon, 0):
		return &PointError{Point: p, Field: "lon", Reason: "not a finite number"}
	case p.Lat < -90 || p.Lat > 90:
		return &PointError{Point: p, Field: "lat", Reason: "outside [-90, 90]"}
	case p.Lon < -180 || p.Lon > 180:
		return &PointError{Point: p, Field: "lon", Reason: "outside [-180, 180]"}
	}
	return nil
}

// WGS-84 ellipsoid.
const (
	wgsA  = 6378137.0
	wgsF  = 1 / 298.257223563
	wgsB  = wgsA * (1 - wgsF)
	wgsE2 = wgsF * (2 - wgsF)
	// meanRadius is the IUGG mean Earth radius R1 = (2a+b)/3, used by the spherical
	// fallback for nearly antipodal points.
	meanRadius = (2*wgsA + wgsB) / 3
	deg        = math.Pi / 180
)

// Distance returns the length in metres of the shortest path on the WGS-84 ellipsoid
// between a and b (the geodesic), computed with Vincenty's inverse formula. Vincenty's
// method agrees with Karney's (GeographicLib) to well under a millimetre wherever it
// converges; it fails to converge only for nearly antipodal points (more than about
// 19,900 km apart), where Distance falls back to a great circle on a sphere of the mean
// radius (raised, if need be, to a lower bound that holds on the ellipsoid), within
// 0.5%; on the 1,000 nearly antipodal pairs of testdata/geodesic_long.csv the worst
// error against GeographicLib is 0.12%. Distance does not validate its arguments: an
// invalid point gives a meaningless (possibly NaN) result.
func Distance(a, b Point) float64 {
	s, _ := inverse(a, b)
	return s
}

// Bearing returns the initial bearing (forward azimuth) of the geodesic from a to b in
// degrees clockwise from true north, in [0, 360). It is 0 when a and b coincide.
func Bearing(a, b Point) float64 {
	_, az := inverse(a, b)
	az = math.Mod(az/deg, 360)
	if az < 0 {
		az += 360
	}
	if az >= 360 {
		az = 0
	}
	return az
}

// inverse solves the inverse geodesic problem with Vincenty's method and returns the
// distance in metres and the initial azimuth in radians.
func inverse(p1, p2 Point) (float64, float64) {
	if p1 == p2 {
		return 0, 0
	}
	L := (p2.Lon - p1.Lon) * deg
	tanU1 := (1 - wgsF) * math.Tan(p1.Lat*deg)
	tanU2 := (1 - wgsF) * math.Tan(p2.Lat*deg)
	cosU1 := 1 / math.Sqrt(1+tanU1*tanU1)
	sinU1 := tanU1 * cosU1
	cosU2 := 1 / math.Sqrt(1+tanU2*tanU2)
	sinU2 := tanU2 * cosU2
	if math.Abs(p1.Lat) == 90 {
		sinU1, cosU1 = math.Copysign(1, p1.Lat), 0
	}
	if math.Abs(p2.Lat) == 90 {
		sinU2, cosU2 = math.Copysign(1, p2.Lat), 0
	}

	lambda := L
	var sinLambda, cosLambda, sinSigma, cosSigma, sigma, cosSqAlpha, cos2SigmaM float64
	converged := false
	for i := 0; i < 200; i++ {
		sinLambda, cosLambda = math.Sincos(lambda)
		t1 := cosU2 * sinLambda
		t2 := cosU1*sinU2 - sinU1*cosU2*cosLambda
		sinSigma = math.Sqrt(t1*t1 + t2*t2)
		if sinSigma == 0 {
			if sinU1*sinU2+cosU1*cosU2*cosLambda > 0 {
				return 0, 0 // coincident points (e.g. both at a pole)
			}
			break // antipodal (e.g. pole to pole)
		}
		cosSigma = sinU1*sinU2 + cosU1*cosU2*cosLambda
		sigma = math.Atan2(sinSigma, cosSigma)
		sinAlpha := cosU1 * cosU2 * sinLambda / sinSigma
		cosSqAlpha = 1 - sinAlpha*sinAlpha
		if cosSqAlpha != 0 {
			cos2SigmaM = cosSigma - 2*sinU1*sinU2/cosSqAlpha
		} else {
			cos2SigmaM = 0 // equatorial line
		}
		C := wgsF / 16 * cosSqAlpha * (4 + wgsF*(4-3*cosSqAlpha))
		prev := lambda
		lambda = L + (1-C)*wgsF*sinAlpha*(sigma+C*sinSigma*(cos2SigmaM+C*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
		if math.Abs(lambda-prev) < 1e-12 {
			converged = true
			break
		}
		if math.Abs(lambda) > math.Pi+1e-9 && math.Abs(L) < math.Pi {
			break // diverging: nearly antipodal
		}
	}
	if !converged {
		// Nearly antipodal: a sphere, but never below a bound that holds on the
		// ellipsoid (so the zone index, which prunes with that bound, agrees).
		s, az := sphericalInverse(p1, p2)
		return math.Max(s, antipodalFloor(floorFromPoint(p1).anti, reducedOf(p2))), az
	}
	uSq := cosSqAlpha * (wgsA*wgsA - wgsB*wgsB) / (wgsB * wgsB)
	A := 1 + uSq/16384*(4096+uSq*(-768+uSq*(320-175*uSq)))
	B := uSq / 1024 * (256 + uSq*(-128+uSq*(74-47*uSq)))
	deltaSigma := B * sinSigma * (cos2SigmaM + B/4*(cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)-
		B/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*cos2SigmaM*cos2SigmaM)))
	s := wgsB * A * (sigma - deltaSigma)
	az := math.Atan2(cosU2*sinLambda, cosU1*sinU2-sinU1*cosU2*cosLambda)
	return s, az
}

// sphericalInverse is the great-circle distance and initial bearing on a sphere of the
// mean radius; used only where Vincenty's iteration does not converge.
func sphericalInverse(p1, p2 Point) (float64, float64) {
	phi1, phi2 := p1.Lat*deg, p2.Lat*deg
	dphi := phi2 - phi1
	dl := (p2.Lon - p1.Lon) * deg
	h := math.Sin(dphi/2)*math.Sin(dphi/2) + math.Cos(phi1)*math.Cos(phi2)*math.Sin(dl/2)*math.Sin(dl/2)
	c := 2 * math.Atan2(math.Sqrt(h), math.Sqrt(1-h))
	az := math.Atan2(math.Sin(dl)*math.Cos(phi2), math.Cos(phi1)*math.Sin(phi2)-math.Sin(phi1)*math.Cos(phi2)*math.Cos(dl))
	return meanRadius * c, az
}

// ecef returns p's earth-centred, earth-fixed coordinates in metres (height 0). The
// straight-line (chord) distance between two ECEF points never exceeds the geodesic
// distance, which makes it a cheap lower bound for the zone index.
func ecef(p Point) vec3 {
	return ecefRad(p.Lat*deg, p.Lon*deg)
}

func ecefRad(phi, lambda float64) vec3 {
	sinPhi, cosPhi := math.Sincos(phi)
	sinL, cosL := math.Sincos(lambda)
	n := wgsA / math.Sqrt(1-wgsE2*sinPhi*sinPhi)
	return vec3{n * cosPhi * cosL, n * cosPhi * sinL, n * (1 - wgsE2) * sinPhi}
}

type vec3 [3]float64

// metresPerDegree returns the lengths in metres of one degree of latitude (along the
// meridian) and one degree of longitude (along the parallel) at latitude lat.
func metresPerDegree(lat float64) (perLat, perLon float64) {
	s, c := math.Sincos(lat * deg)
	w := 1 - wgsE2*s*s
	n := wgsA / math.Sqrt(w)    // prime vertical radius of curvature
	m := n * (1 - wgsE2) / w    // meridional radius of curvature
	return m * deg, n * c * deg // per degree
}

// normLon maps a longitude in degrees to [-180, 180).
func normLon(lon float64) float64 {
	if lon >= -180 && lon < 180 {
		return lon
	}
	lon = math.Mod(lon+180, 360)
	if lon < 0 {
		lon += 360
	}
	return lon - 180
}
