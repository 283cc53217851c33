package geofence

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// The JSON form of a zone is an object with a name and exactly one shape:
//
//	{"name": "HQ", "circle": {"center": {"lat": 52.52, "lon": 13.405}, "radius_m": 150}}
//	{"name": "Yard", "polygons": [{"outer": [{"lat": 52.5, "lon": 13.4}, ...],
//	                               "holes": [[{"lat": ..., "lon": ...}, ...]]}]}
//
// Unknown members, duplicate members and data after the value are errors, and the
// decoded zone must pass Validate. Encoding then decoding gives an equal Zone.

type jsonZone struct {
	Name     string        `json:"name"`
	Circle   *jsonCircle   `json:"circle,omitempty"`
	Polygons []jsonPolygon `json:"polygons,omitempty"`
}

type jsonCircle struct {
	Center Point   `json:"center"`
	Radius float64 `json:"radius_m"`
}

type jsonPolygon struct {
	Outer []Point   `json:"outer"`
	Holes [][]Point `json:"holes,omitempty"`
}

// MarshalJSON encodes z in the JSON form above. It does not validate z.
func (z Zone) MarshalJSON() ([]byte, error) {
	j := jsonZone{Name: z.Name}
	if z.Circle != nil {
		j.Circle = &jsonCircle{Center: z.Circle.Center, Radius: z.Circle.Radius}
	}
	for _, p := range z.Polygons {
		jp := jsonPolygon{Outer: nonNil(p.Outer)}
		for _, h := range p.Holes {
			jp.Holes = append(jp.Holes, nonNil(h))
		}
		j.Polygons = append(j.Polygons, jp)
	}
	return json.Marshal(j)
}

func nonNil(r Ring) []Point {
	if r == nil {
		return []Point{}
	}
	return r
}

// UnmarshalJSON decodes the JSON form above and validates the zone. Errors are
// *InputError values whose Path and Offset are relative to data. As encoding/json
// expects, a JSON null leaves z unchanged.
func (z *Zone) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	w := newWalker(data, 0, nil)
	dz, err := w.zone()
	if err != nil {
		return err
	}
	if err := w.end(); err != nil {
		return err
	}
	*z = dz
	return nil
}

// ParseZones decodes a JSON array of zones and checks that the set is usable (valid
// zones, unique names). Errors are *InputError values with the path ("[2].circle") and
// byte offset of the problem.
func ParseZones(data []byte) ([]Zone, error) {
	w := newWalker(data, 0, nil)
	var zs []Zone
	var offs []int64
	err := w.array(func(int) error {
		offs = append(offs, w.dec.InputOffset())
		z, err := w.zone()
		zs = append(zs, z)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := w.end(); err != nil {
		return nil, err
	}
	if zs == nil {
		zs = []Zone{}
	}
	seen := make(map[string]int, len(zs))
	for i, z := range zs {
		if j, dup := seen[z.Name]; dup {
			return nil, &InputError{Path: fmt.Sprintf("[%d].name", i), Offset: skipSpace(data, offs[i]),
				Reason: fmt.Sprintf("duplicate of zone [%d] %q", j, z.Name), Err: ErrInvalidZone}
		}
		seen[z.Name] = i
	}
	return zs, nil
}

// zone decodes one zone object and validates it.
func (w *walker) zone() (Zone, error) {
	var z Zone
	start := w.dec.InputOffset()
	err := w.object(func(key string, keyOff int64) error {
		var err error
		switch key {
		case "name":
			z.Name, err = w.str()
		case "circle":
			c := &Circle{}
			var hasCenter, hasRadius bool
			err = w.object(func(key string, keyOff int64) error {
				var err error
				switch key {
				case "center":
					c.Center, err = w.point()
					hasCenter = true
				case "radius_m":
					c.Radius, err = w.number()
					hasRadius = true
					if err == nil && (c.Radius <= 0 || c.Radius > MaxRadius) {
						err = w.errAt(w.off, ErrInvalidZone, "radius %v m not in (0, %d]", c.Radius, MaxRadius)
					}
				default:
					err = w.errAt(keyOff, nil, "unknown member (want center, radius_m)")
				}
				return err
			})
			if err == nil && !(hasCenter && hasRadius) {
				err = w.errAt(w.off, nil, "circle needs center and radius_m")
			}
			z.Circle = c
		case "polygons":
			err = w.array(func(int) error {
				var p Polygon
				err := w.object(func(key string, keyOff int64) error {
					switch key {
					case "outer":
						r, err := w.ring()
						p.Outer = r
						return err
					case "holes":
						return w.array(func(int) error {
							r, err := w.ring()
							p.Holes = append(p.Holes, r)
							return err
						})
					}
					return w.errAt(keyOff, nil, "unknown member (want outer, holes)")
				})
				z.Polygons = append(z.Polygons, p)
				return err
			})
		default:
			err = w.errAt(keyOff, nil, "unknown member (want name, circle, polygons)")
		}
		return err
	})
	if err != nil {
		return Zone{}, err
	}
	if _, err := prepare(z); err != nil {
		var ze *ZoneError
		if errors.As(err, &ze) {
			return Zone{}, &InputError{Path: joinPath(w.pathString(), ze.Path), Offset: w.base + skipSpace(w.data, start), Reason: ze.Reason, Err: err}
		}
		return Zone{}, err
	}
	return z, nil
}

// ring decodes an array of point objects, keeping the offset for ring-level errors.
func (w *walker) ring() (Ring, error) {
	r := Ring{}
	start := skipSpace(w.data, w.dec.InputOffset())
	err := w.array(func(int) error {
		p, err := w.point()
		r = append(r, p)
		return err
	})
	if err != nil {
		return r, err
	}
	if _, err := prepareRing(r, ""); err != nil {
		return r, w.errAt(start, err, "%s", err.(*ZoneError).Reason)
	}
	return r, nil
}

func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}
