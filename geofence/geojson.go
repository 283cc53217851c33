package geofence

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ParseGeoJSON reads zones from GeoJSON (RFC 7946) as map tools export it: a
// FeatureCollection or a single Feature whose geometry is a Polygon, a MultiPolygon or
// a Point with a radius in metres in properties.radius (or properties.radius_m), as
// Leaflet.draw and similar tools export circles. A zone's name is properties.name, or
// else the feature's id. Positions are [longitude, latitude] with an optional altitude
// that is ignored; rings must be closed (first position repeated at the end) and are
// stored without the repeated position. Every feature must become a zone: other
// geometry types, missing names and invalid shapes are *InputError values naming the
// path ("features[3].geometry.coordinates[0][7][1]") and byte offset. Foreign members
// are ignored, as the RFC asks.
func ParseGeoJSON(data []byte) ([]Zone, error) {
	w := newWalker(data, 0, nil)
	m, err := w.members("type", "features", "geometry", "properties", "id")
	if err != nil {
		return nil, err
	}
	if err := w.end(); err != nil {
		return nil, err
	}
	typ, err := m.typ(w, "FeatureCollection", "Feature", "Polygon", "MultiPolygon", "Point")
	if err != nil {
		return nil, err
	}
	switch typ {
	case "Feature":
		z, err := feature(m)
		if err != nil {
			return nil, err
		}
		return []Zone{z}, nil
	case "FeatureCollection":
		fw, ok := m["features"]
		if !ok {
			return nil, w.errAt(0, nil, "FeatureCollection without features")
		}
		zs := []Zone{}
		names := map[string]int{}
		err := fw.array(func(i int) error {
			one, err := fw.raw()
			if err != nil {
				return err
			}
			fm, err := one.members("type", "geometry", "properties", "id")
			if err != nil {
				return err
			}
			if _, err := fm.typ(one, "Feature"); err != nil {
				return err
			}
			z, err := feature(fm)
			if err != nil {
				return err
			}
			if j, dup := names[z.Name]; dup {
				return one.errAt(skipSpace(one.data, 0), ErrInvalidZone, "zone name %q already used by features[%d]", z.Name, j)
			}
			names[z.Name] = i
			zs = append(zs, z)
			return nil
		})
		if err != nil {
			return nil, err
		}
		return zs, nil
	}
	return nil, w.errAt(skipSpace(data, 0), nil, "a bare %s has no name; wrap it in a Feature with properties.name", typ)
}

// members holds the raw values of an object's interesting members.
type members map[string]*walker

// members reads an object, keeping walkers over the values of the named members and
// skipping the others.
func (w *walker) members(names ...string) (members, error) {
	m := members{"": w}
	err := w.object(func(key string, keyOff int64) error {
		for _, n := range names {
			if key == n {
				v, err := w.raw()
				m[key] = v
				return err
			}
		}
		t, err := w.token()
		if err != nil {
			return err
		}
		return w.skipRest(t)
	})
	return m, err
}

// typ returns the "type" member, which must be one of allowed.
func (m members) typ(w *walker, allowed ...string) (string, error) {
	tw, ok := m["type"]
	if !ok {
		return "", w.errAt(skipSpace(w.data, 0), nil, "no \"type\" member")
	}
	t, err := tw.str()
	if err != nil {
		return "", err
	}
	for _, a := range allowed {
		if t == a {
			return t, nil
		}
	}
	return "", tw.errAt(tw.off, nil, "type %q not supported here (want one of %q)", t, allowed)
}

func feature(m members) (Zone, error) {
	var z Zone
	radius, hasRadius := 0.0, false
	if pw, ok := m["properties"]; ok {
		t, err := pw.token()
		if err != nil {
			return z, err
		}
		if t != nil { // properties may be null
			if t != json.Delim('{') {
				return z, pw.errAt(pw.off, nil, "want an object or null, got %s", describe(t))
			}
			err = pw.objectBody(func(key string, keyOff int64) error {
				var err error
				switch key {
				case "name":
					z.Name, err = pw.str()
				case "radius", "radius_m":
					if hasRadius {
						return pw.errAt(keyOff, nil, "both radius and radius_m given")
					}
					radius, err = pw.number()
					hasRadius = true
					if err == nil && (radius <= 0 || radius > MaxRadius) {
						err = pw.errAt(pw.off, ErrInvalidZone, "radius %v m not in (0, %d]", radius, MaxRadius)
					}
				default:
					var t json.Token
					if t, err = pw.token(); err == nil {
						err = pw.skipRest(t)
					}
				}
				return err
			})
			if err != nil {
				return z, err
			}
		}
	}
	if iw, ok := m["id"]; z.Name == "" && ok {
		t, err := iw.token()
		if err != nil {
			return z, err
		}
		switch v := t.(type) {
		case string:
			z.Name = v
		case json.Number:
			z.Name = string(v)
		default:
			return z, iw.errAt(iw.off, nil, "id must be a string or number, got %s", describe(t))
		}
	}
	fw := m[""]
	if z.Name == "" {
		return z, fw.errAt(skipSpace(fw.data, 0), ErrInvalidZone, "feature has no name (properties.name or id)")
	}
	gw, ok := m["geometry"]
	if !ok {
		return z, fw.errAt(skipSpace(fw.data, 0), nil, "feature has no geometry")
	}
	gstart := skipSpace(gw.data, 0)
	gm, err := gw.members("type", "coordinates")
	if err != nil {
		return z, err
	}
	typ, err := gm.typ(gw, "Polygon", "MultiPolygon", "Point")
	if err != nil {
		return z, err
	}
	cw, ok := gm["coordinates"]
	if !ok {
		return z, gw.errAt(gstart, nil, "%s without coordinates", typ)
	}
	switch typ {
	case "Point":
		if !hasRadius {
			return z, fw.errAt(skipSpace(fw.data, 0), nil, "a Point zone needs properties.radius in metres")
		}
		c, err := cw.position()
		if err != nil {
			return z, err
		}
		z.Circle = &Circle{Center: c, Radius: radius}
	case "Polygon":
		p, err := cw.geoPolygon()
		if err != nil {
			return z, err
		}
		z.Polygons = []Polygon{p}
	case "MultiPolygon":
		err := cw.array(func(int) error {
			p, err := cw.geoPolygon()
			z.Polygons = append(z.Polygons, p)
			return err
		})
		if err != nil {
			return z, err
		}
	}
	if _, err := prepare(z); err != nil {
		var ze *ZoneError
		if errors.As(err, &ze) {
			return Zone{}, gw.errAt(gstart, err, "%s", err)
		}
		return Zone{}, err
	}
	return z, nil
}

// position reads [lon, lat] or [lon, lat, alt, ...].
func (w *walker) position() (Point, error) {
	var p Point
	start := skipSpace(w.data, w.dec.InputOffset())
	n := 0
	err := w.array(func(i int) error {
		v, err := w.number()
		if err != nil {
			return err
		}
		switch i {
		case 0:
			if v < -180 || v > 180 {
				return w.errAt(w.off, ErrInvalidPoint, "longitude %v outside [-180, 180]", v)
			}
			p.Lon = v
		case 1:
			if v < -90 || v > 90 {
				return w.errAt(w.off, ErrInvalidPoint, "latitude %v outside [-90, 90]", v)
			}
			p.Lat = v
		}
		n++
		return nil
	})
	if err == nil && n < 2 {
		err = w.errAt(start, nil, "a position needs longitude and latitude, got %d numbers", n)
	}
	return p, err
}

// geoPolygon reads a GeoJSON polygon's coordinates: an outer ring, then holes.
func (w *walker) geoPolygon() (Polygon, error) {
	var p Polygon
	start := skipSpace(w.data, w.dec.InputOffset())
	err := w.array(func(i int) error {
		rstart := skipSpace(w.data, w.dec.InputOffset())
		var r Ring
		err := w.array(func(int) error {
			q, err := w.position()
			r = append(r, q)
			return err
		})
		if err != nil {
			return err
		}
		if len(r) < 4 {
			return w.errAt(rstart, ErrInvalidZone, "a linear ring needs at least 4 positions, got %d", len(r))
		}
		if r[0] != r[len(r)-1] {
			return w.errAt(rstart, ErrInvalidZone, "ring not closed: last position [%v, %v] differs from first [%v, %v]", r[len(r)-1].Lon, r[len(r)-1].Lat, r[0].Lon, r[0].Lat)
		}
		r = r[: len(r)-1 : len(r)-1]
		if _, err := prepareRing(r, ""); err != nil {
			return w.errAt(rstart, err, "%s", err.(*ZoneError).Reason)
		}
		if i == 0 {
			p.Outer = r
		} else {
			p.Holes = append(p.Holes, r)
		}
		return nil
	})
	if err == nil && p.Outer == nil {
		err = w.errAt(start, ErrInvalidZone, "a polygon needs an outer ring")
	}
	return p, err
}

type geoFeatureCollection struct {
	Type     string       `json:"type"`
	Features []geoFeature `json:"features"`
}

type geoFeature struct {
	Type       string        `json:"type"`
	Properties geoProperties `json:"properties"`
	Geometry   geoGeometry   `json:"geometry"`
}

type geoProperties struct {
	Name   string   `json:"name"`
	Radius *float64 `json:"radius,omitempty"`
}

type geoGeometry struct {
	Type        string `json:"type"`
	Coordinates any    `json:"coordinates"`
}

// MarshalGeoJSON writes zones as a GeoJSON FeatureCollection: circles as Points with
// properties.radius, one-polygon zones as Polygons, others as MultiPolygons, each with
// properties.name. Rings are closed. ParseGeoJSON of the result gives equal zones. An
// invalid zone is an error.
func MarshalGeoJSON(zones []Zone) ([]byte, error) {
	fc := geoFeatureCollection{Type: "FeatureCollection", Features: []geoFeature{}}
	for i, z := range zones {
		if err := z.Validate(); err != nil {
			return nil, fmt.Errorf("geofence: zone [%d]: %w", i, err)
		}
		f := geoFeature{Type: "Feature", Properties: geoProperties{Name: z.Name}}
		switch {
		case z.Circle != nil:
			r := z.Circle.Radius
			f.Properties.Radius = &r
			f.Geometry = geoGeometry{Type: "Point", Coordinates: []float64{z.Circle.Center.Lon, z.Circle.Center.Lat}}
		case len(z.Polygons) == 1:
			f.Geometry = geoGeometry{Type: "Polygon", Coordinates: geoRings(z.Polygons[0])}
		default:
			var mp [][][][]float64
			for _, p := range z.Polygons {
				mp = append(mp, geoRings(p))
			}
			f.Geometry = geoGeometry{Type: "MultiPolygon", Coordinates: mp}
		}
		fc.Features = append(fc.Features, f)
	}
	return json.Marshal(fc)
}

func geoRings(p Polygon) [][][]float64 {
	rings := [][][]float64{geoRing(p.Outer)}
	for _, h := range p.Holes {
		rings = append(rings, geoRing(h))
	}
	return rings
}

// geoRing closes the ring by repeating its first vertex (always, so that a ring that
// happens to end on its first vertex survives the round trip).
func geoRing(r Ring) [][]float64 {
	out := make([][]float64, 0, len(r)+1)
	for _, q := range r {
		out = append(out, []float64{q.Lon, q.Lat})
	}
	return append(out, []float64{r[0].Lon, r[0].Lat})
}
