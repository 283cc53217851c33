package geofence_test

import (
	"errors"
	"net/netip"
	"slices"
	"testing"

	"github.com/punchledger/punchledger/geofence"
)

func TestParseBSSID(t *testing.T) {
	for _, tc := range []struct {
		in     string
		want   string // canonical; "" = error
		offset int
	}{
		{"aa:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:ff", 0},
		{"AA:BB:CC:DD:EE:FF", "aa:bb:cc:dd:ee:ff", 0},
		{"0A-1b-2C-3d-4E-5f", "0a:1b:2c:3d:4e:5f", 0},
		{"0a1b.2c3d.4e5f", "0a:1b:2c:3d:4e:5f", 0},
		{"0A1B2C3D4E5F", "0a:1b:2c:3d:4e:5f", 0},
		{"", "", 0},
		{"aa:bb:cc:dd:ee", "", 14},
		{"aa:bb:cc:dd:ee:ff:00", "", 17},
		{"aa:bb-cc:dd:ee:ff", "", 5},
		{"aa:bb:cc:dd:ee:fg", "", 16},
		{"aa.bb.cc.dd.ee.ff", "", 2},
		{"aabb:ccdd:eeff", "", 4},
		{"aabbccddeeZZ", "", 10},
		{" aabbccddeeff", "", 0},
		{"a:b:c:d:e:f", "", 1},
	} {
		t.Run(tc.in, func(t *testing.T) {
			b, err := geofence.ParseBSSID(tc.in)
			if tc.want != "" {
				if err != nil || b.String() != tc.want {
					t.Fatalf("ParseBSSID(%q) = %v, %v; want %s", tc.in, b, err, tc.want)
				}
				return
			}
			var be *geofence.BSSIDError
			if !errors.As(err, &be) || !errors.Is(err, geofence.ErrInvalidBSSID) {
				t.Fatalf("ParseBSSID(%q) = %v, %v; want a *BSSIDError", tc.in, b, err)
			}
			if be.Offset != tc.offset {
				t.Errorf("offset %d, want %d (%v)", be.Offset, tc.offset, err)
			}
		})
	}
}

func TestBSSIDSet(t *testing.T) {
	s, err := geofence.NewBSSIDSet([]string{"AA-BB-CC-DD-EE-FF", "00:11:22:33:44:55", "aabb.ccdd.eeff"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Strings(), []string{"00:11:22:33:44:55", "aa:bb:cc:dd:ee:ff"}; !slices.Equal(got, want) {
		t.Errorf("Strings() = %q, want %q", got, want)
	}
	for in, want := range map[string]bool{"aa:bb:cc:dd:ee:ff": true, "00-11-22-33-44-55": true, "00:11:22:33:44:56": false} {
		if got := s.Contains(geofence.MustParseBSSID(in)); got != want {
			t.Errorf("Contains(%s) = %v", in, got)
		}
	}
	for _, bad := range []string{"02:00:00:00:00:00", "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff", "nope"} {
		if _, err := geofence.NewBSSIDSet([]string{"aa:bb:cc:dd:ee:ff", bad}); !errors.Is(err, geofence.ErrInvalidBSSID) {
			t.Errorf("NewBSSIDSet with %q: %v", bad, err)
		}
	}
	var none *geofence.BSSIDSet
	if none.Contains(geofence.MustParseBSSID("aa:bb:cc:dd:ee:ff")) {
		t.Error("nil set contains something")
	}
}

func TestMatchWiFi(t *testing.T) {
	bs, _ := geofence.NewBSSIDSet([]string{"aa:bb:cc:dd:ee:ff"})
	ss, err := geofence.NewSSIDSet([]string{"Office", "Office-5G"})
	if err != nil {
		t.Fatal(err)
	}
	ap := geofence.MustParseBSSID("aa:bb:cc:dd:ee:ff")
	other := geofence.MustParseBSSID("aa:bb:cc:dd:ee:00")
	for _, tc := range []struct {
		name  string
		bssid geofence.BSSID
		ssid  string
		want  geofence.WiFiMatch
	}{
		{"BSSID", ap, "Home", geofence.WiFiBSSID},
		{"SSIDOnly", other, "Office", geofence.WiFiSSID},
		{"SSIDCaseSensitive", other, "office", geofence.WiFiNone},
		{"Neither", other, "", geofence.WiFiNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := geofence.MatchWiFi(bs, ss, tc.bssid, tc.ssid); got != tc.want {
				t.Errorf("MatchWiFi = %v, want %v", got, tc.want)
			}
		})
	}
	if geofence.MatchWiFi(nil, nil, ap, "Office") != geofence.WiFiNone {
		t.Error("nil sets matched")
	}
	for _, bad := range []string{"", "0123456789012345678901234567890123"} {
		if _, err := geofence.NewSSIDSet([]string{bad}); !errors.Is(err, geofence.ErrInvalidSSID) {
			t.Errorf("NewSSIDSet(%q) = %v", bad, err)
		}
	}
}

func TestIPSet(t *testing.T) {
	s, err := geofence.ParseIPSet([]string{"203.0.113.77/24", "10.0.0.0/8", "2001:db8:aa::/48", "198.51.100.7", "::ffff:192.0.2.0/120", "10.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "192.0.2.0/24", "198.51.100.7/32", "203.0.113.0/24", "2001:db8:aa::/48"}
	if got := s.Strings(); !slices.Equal(got, want) {
		t.Errorf("Strings() = %q, want %q", got, want)
	}
	for _, tc := range []struct {
		addr string
		want bool
	}{
		{"203.0.113.1", true},
		{"203.0.114.1", false},
		{"10.255.0.1", true},
		{"::ffff:10.1.2.3", true}, // IPv4-mapped IPv6
		{"::ffff:192.0.2.200", true},
		{"192.0.2.200", true},
		{"198.51.100.7", true},
		{"198.51.100.8", false},
		{"2001:db8:aa:1::5", true},
		{"2001:db8:ab::5", false},
		{"fe80::1%eth0", false},
		{"::a00:1", false}, // IPv4-compatible (not mapped) is plain IPv6
	} {
		if got := s.Contains(netip.MustParseAddr(tc.addr)); got != tc.want {
			t.Errorf("Contains(%s) = %v, want %v", tc.addr, got, tc.want)
		}
	}
	if s.Contains(netip.Addr{}) {
		t.Error("zero Addr contained")
	}
	round, err := geofence.ParseIPSet(s.Strings())
	if err != nil || !slices.Equal(round.Strings(), want) {
		t.Errorf("round trip: %v, %v", round.Strings(), err)
	}
	for i, bad := range []string{"10.0.0.0/33", "300.1.1.1", "fe80::1%eth0", "", "10.0.0.0/", "2001:db8::/129"} {
		_, err := geofence.ParseIPSet([]string{"10.0.0.0/8", bad})
		var ce *geofence.CIDRError
		if !errors.As(err, &ce) || !errors.Is(err, geofence.ErrInvalidCIDR) || ce.Index != 1 || ce.Input != bad {
			t.Errorf("%d: ParseIPSet(%q) = %v", i, bad, err)
		}
	}
}
