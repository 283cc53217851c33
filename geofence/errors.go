package geofence

import (
	"errors"
	"fmt"
)

// Sentinel errors; every error this package returns matches one of them with errors.Is.
var (
	// ErrInvalidPoint: a coordinate is NaN, infinite or out of range.
	ErrInvalidPoint = errors.New("geofence: invalid point")
	// ErrInvalidZone: a zone's shape, radius or name is unusable.
	ErrInvalidZone = errors.New("geofence: invalid zone")
	// ErrInput: zone JSON or GeoJSON input is malformed or describes an unusable zone
	// (every *InputError).
	ErrInput = errors.New("geofence: bad zone input")
	// ErrInvalidBSSID: a Wi-Fi BSSID is not six hexadecimal octets.
	ErrInvalidBSSID = errors.New("geofence: invalid BSSID")
	// ErrInvalidSSID: a Wi-Fi SSID is empty or longer than 32 bytes.
	ErrInvalidSSID = errors.New("geofence: invalid SSID")
	// ErrInvalidCIDR: an IP allow-list entry is neither an address nor a CIDR prefix.
	ErrInvalidCIDR = errors.New("geofence: invalid CIDR")
)

// PointError describes an invalid Point.
type PointError struct {
	Point  Point
	Field  string // "lat" or "lon"
	Reason string
}

func (e *PointError) Error() string {
	return fmt.Sprintf("geofence: invalid point: %s %v %s", e.Field, e.value(), e.Reason)
}

func (e *PointError) value() float64 {
	if e.Field == "lat" {
		return e.Point.Lat
	}
	return e.Point.Lon
}

// Is makes errors.Is(err, ErrInvalidPoint) true.
func (e *PointError) Is(target error) bool { return target == ErrInvalidPoint }

// ZoneError describes an invalid zone. Path locates the problem inside the zone, in the
// same notation as the JSON form ("polygons[0].holes[1][7].lat"); it may be empty.
type ZoneError struct {
	Zone   string // the zone's name; may be empty
	Path   string
	Reason string
	Err    error // an underlying error such as a *PointError, or nil
}

func (e *ZoneError) Error() string {
	s := "geofence: invalid zone"
	if e.Zone != "" {
		s += fmt.Sprintf(" %q", e.Zone)
	}
	if e.Path != "" {
		s += ": " + e.Path
	}
	s += ": " + e.Reason
	return s
}

// Is makes errors.Is(err, ErrInvalidZone) true.
func (e *ZoneError) Is(target error) bool { return target == ErrInvalidZone }

// Unwrap returns the underlying error.
func (e *ZoneError) Unwrap() error { return e.Err }
