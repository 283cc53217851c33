package geofence

import (
	"fmt"
	"math"
)

// MaxRadius is the largest circle radius a zone may have, in metres.
const MaxRadius = 1_000_000

// Zone is a named place: either a circle (Circle non-nil) or an area made of one or
// more polygons (Polygons non-empty), never both. Build one with NewCircleZone or
// NewPolygonZone, or decode it from JSON or GeoJSON.
type Zone struct {
	Name     string
	Circle   *Circle
	Polygons []Polygon
}

// Circle is every point within Radius metres (geodesic distance) of Center.
type Circle struct {
	Center Point
	Radius float64 // metres, > 0 and <= MaxRadius
}

// Polygon is an area bounded by an outer ring, minus its holes. Rings may wind either
// way and need not repeat their first vertex at the end. Edges are straight lines in
// longitude/latitude, as in GeoJSON (RFC 7946 §3.1.1); an edge never spans more than
// 180° of longitude — a longer step is read as crossing the antimeridian. Rings that
// intersect themselves are read with the even-odd rule. Holes are not checked against
// the outer ring: a point is in the polygon when it is inside the outer ring and in no
// hole, and the boundary distance counts every ring's edges.
type Polygon struct {
	Outer Ring
	Holes []Ring
}

// Ring is a closed sequence of vertices; the closing vertex may be omitted.
type Ring []Point

// NewCircleZone returns a circular zone.
func NewCircleZone(name string, center Point, radius float64) Zone {
	return Zone{Name: name, Circle: &Circle{Center: center, Radius: radius}}
}

// NewPolygonZone returns a zone made of one or more polygons.
func NewPolygonZone(name string, polys ...Polygon) Zone {
	return Zone{Name: name, Polygons: polys}
}

// Validate reports a *ZoneError (errors.Is ErrInvalidZone) if z is not usable: no
// name, neither or both shapes, a bad radius or point, a ring with fewer than three
// distinct vertices, a ring around a pole, or a polygon wider than 180° of longitude.
func (z Zone) Validate() error {
	_, err := prepare(z)
	return err
}

// prepZone is a validated zone in the form the judge uses.
type prepZone struct {
	name   string
	circle bool
	center Point
	radius float64
	parts  []prepPoly
	box    box3 // ECEF bounding box of the whole area (not just the boundary)
	// depth bounds how far inside the zone a point can be: its boundary distance is
	// never below -depth.
	depth float64
	// Every point of the zone lies within reach metres (geodesic) of hub.
	hub   Point
	hubR  reduced
	reach float64
}

// prepPoly is a polygon with each ring's longitudes unwrapped so that consecutive
// vertices differ by at most 180°, all rings in the same 360° frame.
type prepPoly struct {
	rings                          [][]Point // rings[0] is the outer ring; no closing vertex
	minLat, maxLat, minLon, maxLon float64   // of the outer ring, unwrapped
	midLon                         float64
}

func prepare(z Zone) (prepZone, error) {
	zerr := func(path, reason string, err error) error {
		return &ZoneError{Zone: z.Name, Path: path, Reason: reason, Err: err}
	}
	if z.Name == "" {
		return prepZone{}, zerr("name", "empty", nil)
	}
	switch {
	case z.Circle == nil && len(z.Polygons) == 0:
		return prepZone{}, zerr("", "neither circle nor polygons", nil)
	case z.Circle != nil && len(z.Polygons) > 0:
		return prepZone{}, zerr("", "both circle and polygons", nil)
	}
	pz := prepZone{name: z.Name}
	if c := z.Circle; c != nil {
		if err := c.Center.Validate(); err != nil {
			pe := err.(*PointError)
			return prepZone{}, zerr("circle.center."+pe.Field, pe.Reason, err)
		}
		if math.IsNaN(c.Radius) || c.Radius <= 0 || c.Radius > MaxRadius {
			return prepZone{}, zerr("circle.radius_m", fmt.Sprintf("%v not in (0, %d]", c.Radius, MaxRadius), nil)
		}
		pz.circle, pz.center, pz.radius, pz.depth = true, c.Center, c.Radius, c.Radius
		pz.hub, pz.hubR, pz.reach = c.Center, reducedOf(c.Center), limitReach(c.Radius)
		o := ecef(c.Center)
		// The chord is never longer than the geodesic, so the disc lies in this cube.
		for i := range 3 {
			pz.box.min[i], pz.box.max[i] = o[i]-c.Radius, o[i]+c.Radius
		}
		return pz, nil
	}
	pz.box = emptyBox()
	for i, poly := range z.Polygons {
		pp, err := preparePoly(poly)
		if err != nil {
			if ze, ok := err.(*ZoneError); ok {
				ze.Zone = z.Name
				ze.Path = joinPath(fmt.Sprintf("polygons[%d]", i), ze.Path)
			}
			return prepZone{}, err
		}
		pz.parts = append(pz.parts, pp)
		pz.box = pz.box.union(latLonBox(pp.minLat, pp.maxLat, pp.minLon, pp.maxLon))
	}
	// A point's distance to the boundary is at most the geodesic to any boundary point,
	// which lies in the box, and a geodesic is less than 1.6 times its chord (π/2 on a
	// sphere, for antipodes).
	pz.depth = pz.box.diagonal()*1.6 + 1
	// The hub is a corner of the first part's latitude/longitude box, so it lies in the
	// ECEF box, within a chord of diagonal() of every point of the zone.
	pz.hub = Point{Lat: pz.parts[0].minLat, Lon: normLon(pz.parts[0].minLon)}
	pz.hubR, pz.reach = reducedOf(pz.hub), limitReach(pz.depth)
	return pz, nil
}

// joinPath appends a relative path to a JSON-style path.
func joinPath(base, rel string) string {
	switch {
	case base == "":
		return rel
	case rel == "" || rel[0] == '[':
		return base + rel
	}
	return base + "." + rel
}

func preparePoly(poly Polygon) (prepPoly, error) {
	var pp prepPoly
	outer, err := prepareRing(poly.Outer, "outer")
	if err != nil {
		return pp, err
	}
	pp.rings = append(pp.rings, outer)
	pp.minLat, pp.maxLat, pp.minLon, pp.maxLon = ringBounds(outer)
	if pp.maxLon-pp.minLon > 180 {
		return pp, &ZoneError{Path: "outer", Reason: fmt.Sprintf("spans %.1f° of longitude, more than 180°", pp.maxLon-pp.minLon)}
	}
	pp.midLon = (pp.minLon + pp.maxLon) / 2
	for i, h := range poly.Holes {
		hr, err := prepareRing(h, fmt.Sprintf("holes[%d]", i))
		if err != nil {
			return pp, err
		}
		// Put the hole in the outer ring's 360° frame.
		_, _, lo, hi := ringBounds(hr)
		if shift := 360 * math.Round((pp.midLon-(lo+hi)/2)/360); shift != 0 {
			for j := range hr {
				hr[j].Lon += shift
			}
		}
		pp.rings = append(pp.rings, hr)
	}
	return pp, nil
}

// prepareRing validates a ring and returns a copy without the closing vertex and with
// longitudes unwrapped.
func prepareRing(r Ring, path string) ([]Point, error) {
	for i, p := range r {
		if err := p.Validate(); err != nil {
			pe := err.(*PointError)
			return nil, &ZoneError{Path: fmt.Sprintf("%s[%d].%s", path, i, pe.Field), Reason: pe.Reason, Err: err}
		}
	}
	n := len(r)
	if n > 1 && r[0] == r[n-1] {
		n--
	}
	out := make([]Point, n)
	copy(out, r[:n])
	distinct := 0
	for i := range out {
		if i == 0 || out[i] != out[i-1] {
			distinct++
		}
	}
	if distinct < 3 {
		return nil, &ZoneError{Path: path, Reason: fmt.Sprintf("%d distinct vertices, need at least 3", distinct)}
	}
	for i := 1; i < n; i++ {
		d := out[i].Lon - out[i-1].Lon
		switch {
		case d > 180:
			out[i].Lon -= 360 * math.Ceil((d-180)/360)
		case d < -180:
			out[i].Lon += 360 * math.Ceil((-d-180)/360)
		}
	}
	if d := out[0].Lon - out[n-1].Lon; d > 180 || d < -180 {
		return nil, &ZoneError{Path: path, Reason: "encircles a pole (its longitudes do not close)"}
	}
	return out, nil
}

func ringBounds(r []Point) (minLat, maxLat, minLon, maxLon float64) {
	minLat, maxLat, minLon, maxLon = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, p := range r {
		minLat, maxLat = math.Min(minLat, p.Lat), math.Max(maxLat, p.Lat)
		minLon, maxLon = math.Min(minLon, p.Lon), math.Max(maxLon, p.Lon)
	}
	return
}

// contains reports whether p is in the zone (boundary points may go either way).
func (z *prepZone) contains(p Point) bool {
	if z.circle {
		return Distance(p, z.center) <= z.radius
	}
	for i := range z.parts {
		pp := &z.parts[i]
		if pp.contains(p.Lat, p.Lon+360*math.Round((pp.midLon-p.Lon)/360)) {
			return true
		}
	}
	return false
}

// signedDistance returns the distance in metres from p to the zone's boundary, negative
// when p is inside the zone (boundary included, where it is 0).
func (z *prepZone) signedDistance(p Point) float64 {
	if z.circle {
		return Distance(p, z.center) - z.radius
	}
	inside := false
	best := math.Inf(1)
	var bestPt Point
	perLat, perLon := metresPerDegree(p.Lat)
	for i := range z.parts {
		pp := &z.parts[i]
		lon := p.Lon + 360*math.Round((pp.midLon-p.Lon)/360)
		if !inside && pp.contains(p.Lat, lon) {
			inside = true
		}
		d2, q := pp.nearest(p.Lat, lon, perLat, perLon)
		if d2 < best {
			best, bestPt = d2, q
		}
	}
	// The nearest boundary point is found in a local plane tangent at p; its distance is
	// then measured on the ellipsoid, so the result is a true distance to a boundary point.
	d := Distance(p, Point{Lat: bestPt.Lat, Lon: normLon(bestPt.Lon)})
	if inside {
		return -d
	}
	return d
}

// contains reports whether (lat, lon) — lon in the polygon's frame — is in the polygon.
// Points exactly on the boundary may land on either side; callers use the boundary
// distance, which is 0 there.
func (pp *prepPoly) contains(lat, lon float64) bool {
	if lat < pp.minLat || lat > pp.maxLat || lon < pp.minLon || lon > pp.maxLon {
		return false
	}
	if !ringContains(pp.rings[0], lat, lon) {
		return false
	}
	for _, h := range pp.rings[1:] {
		if ringContains(h, lat, lon) {
			return false
		}
	}
	return true
}

// ringContains is the even-odd crossing test (W. Randolph Franklin's PNPOLY).
func ringContains(r []Point, lat, lon float64) bool {
	in := false
	j := len(r) - 1
	for i := range r {
		a, b := r[j], r[i]
		j = i
		if (a.Lat > lat) != (b.Lat > lat) &&
			lon < (b.Lon-a.Lon)*(lat-a.Lat)/(b.Lat-a.Lat)+a.Lon {
			in = !in
		}
	}
	return in
}

// farApart reports whether the interval between a and c (one coordinate of an edge's
// ends) lies wholly on one side of 0 and farther than sqrt(best2) from it.
func farApart(a, c, best2 float64) bool {
	if a > c {
		a, c = c, a
	}
	switch {
	case a > 0:
		return a*a > best2
	case c < 0:
		return c*c > best2
	}
	return false
}

// nearest returns the squared planar distance from (lat, lon) to the polygon's nearest
// boundary point and that point, in a plane tangent at lat scaled to metres.
func (pp *prepPoly) nearest(lat, lon, perLat, perLon float64) (float64, Point) {
	best := math.Inf(1)
	var bx, by float64
	for _, r := range pp.rings {
		last := r[len(r)-1]
		ax, ay := (last.Lon-lon)*perLon, (last.Lat-lat)*perLat
		for i := range r {
			cx, cy := (r[i].Lon-lon)*perLon, (r[i].Lat-lat)*perLat
			if !farApart(ax, cx, best) && !farApart(ay, cy, best) {
				dx, dy := cx-ax, cy-ay
				qx, qy := ax, ay
				if dot := -(ax*dx + ay*dy); dot > 0 {
					if l2 := dx*dx + dy*dy; dot >= l2 {
						qx, qy = cx, cy
					} else {
						t := dot / l2
						qx, qy = ax+t*dx, ay+t*dy
					}
				}
				if d2 := qx*qx + qy*qy; d2 < best {
					best, bx, by = d2, qx, qy
				}
			}
			ax, ay = cx, cy
		}
	}
	q := Point{Lat: lat + by/perLat, Lon: lon}
	if perLon > 0 {
		q.Lon = lon + bx/perLon
	}
	return best, q
}
