package geofence

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// InputError says where zone JSON or GeoJSON input is wrong. errors.Is(err,
// ErrInput) holds for every InputError; when the JSON was well formed but described
// an unusable zone or point, errors.Is(err, ErrInvalidZone) or errors.Is(err,
// ErrInvalidPoint) holds as well.
type InputError struct {
	// Path locates the value in JSON-path style, e.g.
	// "features[2].geometry.coordinates[0][5][1]"; empty for the whole input.
	Path string
	// Offset is the byte offset in the input where the offending value (or, for a
	// member that should not be there, its key) starts.
	Offset int64
	Reason string
	Err    error // underlying error (*json.SyntaxError, *ZoneError, *PointError) or nil
}

func (e *InputError) Error() string {
	p := e.Path
	if p == "" {
		p = "input"
	}
	return fmt.Sprintf("geofence: %s (offset %d): %s", p, e.Offset, e.Reason)
}

// Is makes errors.Is(err, ErrInput) true.
func (e *InputError) Is(target error) bool { return target == ErrInput }

// Unwrap returns the underlying error.
func (e *InputError) Unwrap() error { return e.Err }

// walker reads one JSON document token by token, keeping the path and byte offset of
// the current value so that every error says where it is.
type walker struct {
	data []byte
	base int64 // offset of data within the caller's input
	dec  *json.Decoder
	path []string
	off  int64 // offset (in data) of the last token read
}

func newWalker(data []byte, base int64, path []string) *walker {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return &walker{data: data, base: base, dec: dec, path: append([]string(nil), path...)}
}

func (w *walker) pathString() string {
	var b strings.Builder
	for _, s := range w.path {
		if !strings.HasPrefix(s, "[") && b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

func (w *walker) errAt(off int64, err error, format string, args ...any) error {
	return &InputError{Path: w.pathString(), Offset: w.base + off, Reason: fmt.Sprintf(format, args...), Err: err}
}

// token reads the next token, recording where it starts.
func (w *walker) token() (json.Token, error) {
	off := w.dec.InputOffset()
	for off < int64(len(w.data)) {
		c := w.data[off]
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != ':' && c != ',' {
			break
		}
		off++
	}
	w.off = off
	t, err := w.dec.Token()
	if err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return nil, &InputError{Path: w.pathString(), Offset: w.base + se.Offset, Reason: se.Error(), Err: err}
		case err == io.EOF:
			return nil, w.errAt(int64(len(w.data)), err, "unexpected end of input")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, w.errAt(int64(len(w.data)), err, "unexpected end of input")
		}
		return nil, w.errAt(off, err, "%v", err)
	}
	return t, nil
}

func describe(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		switch v {
		case '{':
			return "an object"
		case '[':
			return "an array"
		}
		return fmt.Sprintf("%q", string(v))
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", t)
}

// skipRest consumes the rest of a value whose first token was t.
func (w *walker) skipRest(t json.Token) error {
	d, ok := t.(json.Delim)
	if !ok || (d != '{' && d != '[') {
		return nil
	}
	depth := 1
	for depth > 0 {
		t, err := w.token()
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// object reads an object, calling member for each key with the walker positioned
// before the value; member must consume the value. Duplicate keys are an error.
func (w *walker) object(member func(key string, keyOff int64) error) error {
	t, err := w.token()
	if err != nil {
		return err
	}
	if t != json.Delim('{') {
		off := w.off
		w.skipRest(t)
		return w.errAt(off, nil, "want an object, got %s", describe(t))
	}
	return w.objectBody(member)
}

func (w *walker) objectBody(member func(key string, keyOff int64) error) error {
	seen := map[string]bool{}
	for w.dec.More() {
		t, err := w.token()
		if err != nil {
			return err
		}
		key := t.(string) // the decoder guarantees object keys are strings
		keyOff := w.off
		w.path = append(w.path, key)
		if seen[key] {
			err = w.errAt(keyOff, nil, "duplicate member")
		} else {
			seen[key] = true
			err = member(key, keyOff)
		}
		w.path = w.path[:len(w.path)-1]
		if err != nil {
			return err
		}
	}
	_, err := w.token() // '}'
	return err
}

// array reads an array, calling elem for each element, which must consume it.
func (w *walker) array(elem func(i int) error) error {
	t, err := w.token()
	if err != nil {
		return err
	}
	if t != json.Delim('[') {
		off := w.off
		w.skipRest(t)
		return w.errAt(off, nil, "want an array, got %s", describe(t))
	}
	for i := 0; w.dec.More(); i++ {
		w.path = append(w.path, fmt.Sprintf("[%d]", i))
		err := elem(i)
		w.path = w.path[:len(w.path)-1]
		if err != nil {
			return err
		}
	}
	_, err = w.token() // ']'
	return err
}

func (w *walker) number() (float64, error) {
	t, err := w.token()
	if err != nil {
		return 0, err
	}
	n, ok := t.(json.Number)
	if !ok {
		off := w.off
		w.skipRest(t)
		return 0, w.errAt(off, nil, "want a number, got %s", describe(t))
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, w.errAt(w.off, err, "number %s out of range", n)
	}
	return f, nil
}

func (w *walker) str() (string, error) {
	t, err := w.token()
	if err != nil {
		return "", err
	}
	s, ok := t.(string)
	if !ok {
		off := w.off
		w.skipRest(t)
		return "", w.errAt(off, nil, "want a string, got %s", describe(t))
	}
	return s, nil
}

// raw consumes one value and returns a walker over just its bytes, with the same path,
// to decode it later (GeoJSON members may come in any order).
func (w *walker) raw() (*walker, error) {
	t, err := w.token()
	if err != nil {
		return nil, err
	}
	start := w.off
	if err := w.skipRest(t); err != nil {
		return nil, err
	}
	end := w.dec.InputOffset()
	return newWalker(w.data[start:end], w.base+start, w.path), nil
}

// end checks that nothing but white space follows the document.
func (w *walker) end() error {
	if _, err := w.dec.Token(); err != io.EOF {
		return w.errAt(w.dec.InputOffset(), nil, "data after the end of the JSON value")
	}
	return nil
}

// point reads a Point as an object {"lat": ..., "lon": ...}, both required.
func (w *walker) point() (Point, error) {
	var p Point
	var hasLat, hasLon bool
	start := int64(-1)
	err := w.object(func(key string, keyOff int64) error {
		if start < 0 {
			start = keyOff
		}
		var err error
		switch key {
		case "lat":
			p.Lat, err = w.number()
			hasLat = true
			if err == nil && (p.Lat < -90 || p.Lat > 90) {
				err = w.errAt(w.off, ErrInvalidPoint, "latitude %v outside [-90, 90]", p.Lat)
			}
		case "lon":
			p.Lon, err = w.number()
			hasLon = true
			if err == nil && (p.Lon < -180 || p.Lon > 180) {
				err = w.errAt(w.off, ErrInvalidPoint, "longitude %v outside [-180, 180]", p.Lon)
			}
		default:
			return w.errAt(keyOff, nil, "unknown member (want lat, lon)")
		}
		return err
	})
	if err != nil {
		return p, err
	}
	if !hasLat || !hasLon {
		return p, w.errAt(w.off, nil, "point needs both lat and lon")
	}
	return p, nil
}
