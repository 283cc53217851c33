package geofence_test

import (
	"encoding/json"
	"errors"
	"net"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/punchledger/punchledger/geofence"
)

// The seed corpora live in testdata/fuzz/<FuzzName>/; `go test` runs them as unit
// tests, `go test -fuzz=FuzzName` explores from them.

// checkInputError requires err to be an *InputError pointing inside data.
func checkInputError(t *testing.T, data []byte, err error) {
	t.Helper()
	var ie *geofence.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error %T %v is not an *InputError", err, err)
	}
	if ie.Offset < 0 || ie.Offset > int64(len(data)) {
		t.Fatalf("offset %d outside the input of %d bytes: %v", ie.Offset, len(data), err)
	}
}

// FuzzZoneJSON: decoding never panics; what decodes is valid and survives
// encode → decode unchanged.
func FuzzZoneJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		var z geofence.Zone
		err := z.UnmarshalJSON(data)
		if err != nil {
			checkInputError(t, data, err)
			return
		}
		if strings.TrimSpace(string(data)) == "null" {
			return
		}
		if err := z.Validate(); err != nil {
			t.Fatalf("decoded an invalid zone: %v", err)
		}
		out, err := json.Marshal(z)
		if err != nil {
			t.Fatal(err)
		}
		var back geofence.Zone
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("re-decoding %s: %v", out, err)
		}
		if !reflect.DeepEqual(z, back) {
			t.Fatalf("round trip changed the zone:\n%+v\n%+v", z, back)
		}
		if _, err := geofence.NewZoneSet([]geofence.Zone{z}); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzGeoJSON: parsing never panics; parsed zones are valid, survive
// MarshalGeoJSON → ParseGeoJSON unchanged, and can be judged.
func FuzzGeoJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		zs, err := geofence.ParseGeoJSON(data)
		if err != nil {
			checkInputError(t, data, err)
			return
		}
		out, err := geofence.MarshalGeoJSON(zs)
		if err != nil {
			t.Fatalf("MarshalGeoJSON of parsed zones: %v", err)
		}
		back, err := geofence.ParseGeoJSON(out)
		if err != nil {
			t.Fatalf("re-parsing %s: %v", out, err)
		}
		if !reflect.DeepEqual(zs, back) {
			t.Fatalf("round trip changed the zones:\n%+v\n%+v", zs, back)
		}
		set, err := geofence.NewZoneSet(zs)
		if err != nil {
			t.Fatal(err)
		}
		for _, z := range zs {
			var p geofence.Point
			if z.Circle != nil {
				p = z.Circle.Center
			} else {
				p = z.Polygons[0].Outer[0]
			}
			if j := set.Judge(p, 1); j.Verdict == geofence.Unknown || j.Zone == "" {
				t.Fatalf("Judge(%v) = %+v", p, j)
			}
			// The index must agree with a plain scan, here and across the globe.
			for _, q := range []geofence.Point{p, {Lat: -p.Lat, Lon: p.Lon / 2}, {Lat: p.Lat / 3, Lon: -p.Lon}} {
				if got, want := set.Judge(q, 5), set.JudgeLinear(q, 5); got != want {
					t.Fatalf("Judge(%v) = %+v, plain scan %+v", q, got, want)
				}
			}
		}
	})
}

// FuzzParseBSSID: accepted input round-trips through the canonical form, and
// everything net.ParseMAC reads as a 6-byte address is accepted with the same bytes.
func FuzzParseBSSID(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		b, err := geofence.ParseBSSID(s)
		if mac, merr := net.ParseMAC(s); merr == nil && len(mac) == 6 {
			if err != nil || string(b[:]) != string(mac) {
				t.Fatalf("ParseBSSID(%q) = %v, %v; net.ParseMAC says %v", s, b, err, mac)
			}
		}
		if err != nil {
			var be *geofence.BSSIDError
			if !errors.As(err, &be) || be.Offset < 0 || be.Offset > len(s) {
				t.Fatalf("bad error %v", err)
			}
			return
		}
		c := b.String()
		if c != strings.ToLower(c) || len(c) != 17 {
			t.Fatalf("String() = %q is not canonical", c)
		}
		if b2, err := geofence.ParseBSSID(c); err != nil || b2 != b {
			t.Fatalf("round trip %q → %v → %v, %v", s, c, b2, err)
		}
	})
}

// FuzzParseIPSet: entries are comma-separated. An accepted set round-trips through
// Strings, contains each prefix's address, and agrees with net/netip on every
// entry that is a plain address.
func FuzzParseIPSet(f *testing.F) {
	f.Fuzz(func(t *testing.T, list string) {
		entries := strings.Split(list, ",")
		s, err := geofence.ParseIPSet(entries)
		if err != nil {
			var ce *geofence.CIDRError
			if !errors.As(err, &ce) || ce.Index < 0 || ce.Index >= len(entries) || ce.Input != entries[ce.Index] {
				t.Fatalf("bad error %v", err)
			}
			return
		}
		back, err := geofence.ParseIPSet(s.Strings())
		if err != nil || !reflect.DeepEqual(back.Strings(), s.Strings()) {
			t.Fatalf("round trip %q → %q: %v", s.Strings(), back.Strings(), err)
		}
		for _, e := range s.Strings() {
			p := netip.MustParsePrefix(e)
			if !s.Contains(p.Addr()) {
				t.Fatalf("set does not contain its own prefix %s", p)
			}
		}
		for _, e := range entries {
			if a, err := netip.ParseAddr(e); err == nil {
				if !s.Contains(a) {
					t.Fatalf("set from %q does not contain the address %s", list, a)
				}
				if a.Is4() && !s.Contains(netip.AddrFrom16(a.As16())) {
					t.Fatalf("IPv4-mapped form of %s not contained", a)
				}
			}
		}
	})
}
