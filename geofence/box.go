package geofence

import "math"

// box3 is an axis-aligned box in ECEF coordinates (metres).
type box3 struct{ min, max vec3 }

func emptyBox() box3 {
	inf := math.Inf(1)
	return box3{min: vec3{inf, inf, inf}, max: vec3{-inf, -inf, -inf}}
}

func (b box3) union(o box3) box3 {
	for i := range 3 {
		b.min[i] = math.Min(b.min[i], o.min[i])
		b.max[i] = math.Max(b.max[i], o.max[i])
	}
	return b
}

func (b box3) addPoint(v vec3) box3 {
	for i := range 3 {
		b.min[i] = math.Min(b.min[i], v[i])
		b.max[i] = math.Max(b.max[i], v[i])
	}
	return b
}

// dist returns the Euclidean distance from v to the box (0 inside). Since a chord is
// never longer than the geodesic, it is a lower bound on the geodesic distance from v's
// point to anything in the box.
func (b box3) dist(v vec3) float64 {
	var s float64
	for i := range 3 {
		if d := b.min[i] - v[i]; d > 0 {
			s += d * d
		} else if d := v[i] - b.max[i]; d > 0 {
			s += d * d
		}
	}
	return math.Sqrt(s)
}

func (b box3) diagonal() float64 {
	dx, dy, dz := b.max[0]-b.min[0], b.max[1]-b.min[1], b.max[2]-b.min[2]
	return math.Sqrt(dx*dx + dy*dy + dz*dz)
}

func (b box3) centre(axis int) float64 { return (b.min[axis] + b.max[axis]) / 2 }

// latLonBox returns the ECEF box of every surface point with latitude in [minLat,
// maxLat] and longitude in [minLon, maxLon] (degrees, longitudes possibly unwrapped).
// ECEF x and y are N(φ)cosφ times cosλ or sinλ and z depends on φ alone, and N(φ)cosφ is
// largest at the equator and falls with |φ|, so the extremes lie at the corners, at the
// equator, or at a longitude that is a multiple of 90°.
func latLonBox(minLat, maxLat, minLon, maxLon float64) box3 {
	lats := []float64{minLat, maxLat}
	if minLat < 0 && maxLat > 0 {
		lats = append(lats, 0)
	}
	lons := []float64{minLon, maxLon}
	for l := math.Ceil(minLon/90) * 90; l < maxLon; l += 90 {
		lons = append(lons, l)
	}
	b := emptyBox()
	for _, la := range lats {
		for _, lo := range lons {
			b = b.addPoint(ecefRad(la*deg, lo*deg))
		}
	}
	// Allow for rounding in the trigonometry.
	for i := range 3 {
		b.min[i] -= 0.01
		b.max[i] += 0.01
	}
	return b
}
