package geofence

import (
	"bytes"
	"fmt"
	"slices"
)

// BSSID is a Wi-Fi access point's hardware (MAC) address. The zero value is
// 00:00:00:00:00:00, which no access point has.
type BSSID [6]byte

// BSSIDError describes input that is not a BSSID.
type BSSIDError struct {
	Input  string
	Offset int // byte offset in Input where it went wrong
	Reason string
}

func (e *BSSIDError) Error() string {
	return fmt.Sprintf("geofence: invalid BSSID %q at offset %d: %s", e.Input, e.Offset, e.Reason)
}

// Is makes errors.Is(err, ErrInvalidBSSID) true.
func (e *BSSIDError) Is(target error) bool { return target == ErrInvalidBSSID }

// ParseBSSID parses six octets in any common spelling, case-insensitively:
// "aa:bb:cc:dd:ee:ff", "AA-BB-CC-DD-EE-FF", "aabb.ccdd.eeff" (Cisco) or
// "aabbccddeeff". Octets must have two digits and one separator style must be used
// throughout. Anything else is a *BSSIDError (errors.Is ErrInvalidBSSID).
func ParseBSSID(s string) (BSSID, error) {
	var b BSSID
	bad := func(off int, reason string) (BSSID, error) {
		return BSSID{}, &BSSIDError{Input: s, Offset: off, Reason: reason}
	}
	// The form is told by the first separator; the other positions must follow it.
	group, sep, want := 12, byte(0), 12 // hex digits between separators, separator, length
	switch {
	case len(s) > 2 && (s[2] == ':' || s[2] == '-'):
		group, sep, want = 2, s[2], 17
	case len(s) > 4 && s[4] == '.':
		group, sep, want = 4, '.', 14
	}
	nib := 0
	for i := 0; i < len(s) && i < want; i++ {
		c := s[i]
		if group < 12 && (i+1)%(group+1) == 0 {
			if c != sep {
				return bad(i, fmt.Sprintf("expected %q", sep))
			}
			continue
		}
		var v byte
		switch {
		case '0' <= c && c <= '9':
			v = c - '0'
		case 'a' <= c && c <= 'f':
			v = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			v = c - 'A' + 10
		default:
			return bad(i, fmt.Sprintf("%q is not a hexadecimal digit", c))
		}
		b[nib/2] |= v << (4 * (1 - nib%2))
		nib++
	}
	if len(s) != want {
		return bad(min(len(s), want), fmt.Sprintf("length %d, want %d for this form", len(s), want))
	}
	return b, nil
}

// MustParseBSSID is ParseBSSID that panics on error; for tests and constants.
func MustParseBSSID(s string) BSSID {
	b, err := ParseBSSID(s)
	if err != nil {
		panic(err)
	}
	return b
}

// String returns the canonical form: lowercase, colon-separated.
func (b BSSID) String() string {
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 17)
	for i, o := range b {
		if i > 0 {
			out = append(out, ':')
		}
		out = append(out, hex[o>>4], hex[o&15])
	}
	return string(out)
}

// IsPlaceholder reports whether b is an address devices report when they hide or lack
// the real one: all zeros, broadcast (all ones), or 02:00:00:00:00:00, which Android
// returns to apps without location permission. A placeholder proves nothing.
func (b BSSID) IsPlaceholder() bool {
	return b == BSSID{} || b == BSSID{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} || b == BSSID{0x02}
}

// BSSIDSet is an allow-list of access points. The zero value and nil are empty sets.
type BSSIDSet struct {
	list []BSSID // sorted, unique
}

// NewBSSIDSet parses each entry with ParseBSSID. A malformed entry or a placeholder
// address is an error naming the entry's index.
func NewBSSIDSet(list []string) (*BSSIDSet, error) {
	s := &BSSIDSet{list: make([]BSSID, 0, len(list))}
	for i, e := range list {
		b, err := ParseBSSID(e)
		if err != nil {
			return nil, fmt.Errorf("geofence: BSSID list [%d]: %w", i, err)
		}
		if b.IsPlaceholder() {
			return nil, fmt.Errorf("geofence: BSSID list [%d]: %w", i, &BSSIDError{Input: e, Reason: "placeholder address, not a real access point"})
		}
		s.list = append(s.list, b)
	}
	slices.SortFunc(s.list, compareBSSID)
	s.list = slices.Compact(s.list)
	return s, nil
}

// Contains reports whether b is in the set. Placeholders are never contained.
func (s *BSSIDSet) Contains(b BSSID) bool {
	if s == nil {
		return false
	}
	_, found := slices.BinarySearchFunc(s.list, b, compareBSSID)
	return found
}

func compareBSSID(a, b BSSID) int { return bytes.Compare(a[:], b[:]) }

// Strings returns the set's entries in canonical form, sorted.
func (s *BSSIDSet) Strings() []string {
	if s == nil {
		return nil
	}
	out := make([]string, len(s.list))
	for i, b := range s.list {
		out[i] = b.String()
	}
	return out
}

// SSIDSet is an allow-list of Wi-Fi network names. An SSID is weaker evidence than a
// BSSID: anyone can give a phone hotspot the office network's name. SSIDs compare
// exactly (they are case-sensitive bytes). The zero value and nil are empty sets.
type SSIDSet struct {
	names []string // sorted, unique
}

// NewSSIDSet returns a set of the given names; an empty name or one longer than 32
// bytes (the 802.11 limit) is an error wrapping ErrInvalidSSID.
func NewSSIDSet(names []string) (*SSIDSet, error) {
	s := &SSIDSet{names: make([]string, 0, len(names))}
	for i, n := range names {
		if n == "" || len(n) > 32 {
			return nil, fmt.Errorf("%w: list [%d] %q: length %d, want 1 to 32 bytes", ErrInvalidSSID, i, n, len(n))
		}
		s.names = append(s.names, n)
	}
	slices.Sort(s.names)
	s.names = slices.Compact(s.names)
	return s, nil
}

// Contains reports whether ssid is in the set.
func (s *SSIDSet) Contains(ssid string) bool {
	if s == nil {
		return false
	}
	_, found := slices.BinarySearch(s.names, ssid)
	return found
}

// WiFiMatch grades Wi-Fi evidence. The numbers are stable and may be stored.
type WiFiMatch uint8

const (
	// WiFiNone: neither the access point nor the network name is allowed.
	WiFiNone WiFiMatch = 0
	// WiFiSSID: only the network name matched — weak evidence.
	WiFiSSID WiFiMatch = 1
	// WiFiBSSID: the access point's hardware address matched.
	WiFiBSSID WiFiMatch = 2
)

// String returns "none", "ssid" or "bssid".
func (m WiFiMatch) String() string {
	switch m {
	case WiFiNone:
		return "none"
	case WiFiSSID:
		return "ssid"
	case WiFiBSSID:
		return "bssid"
	}
	return fmt.Sprintf("WiFiMatch(%d)", uint8(m))
}

// MatchWiFi grades what a device reported: WiFiBSSID if bssid is allowed, else
// WiFiSSID if ssid is allowed, else WiFiNone. Either set may be nil.
func MatchWiFi(bssids *BSSIDSet, ssids *SSIDSet, bssid BSSID, ssid string) WiFiMatch {
	switch {
	case bssids.Contains(bssid):
		return WiFiBSSID
	case ssid != "" && ssids.Contains(ssid):
		return WiFiSSID
	}
	return WiFiNone
}
