package geofence_test

import (
	"fmt"
	"net/netip"

	"github.com/punchledger/punchledger/geofence"
)

// Wi-Fi evidence: an access point's BSSID is strong evidence, a network name weak.
func ExampleMatchWiFi() {
	aps, err := geofence.NewBSSIDSet([]string{"3C-84-6A-12-AB-CD", "3c84.6a12.abce"})
	if err != nil {
		fmt.Println(err)
		return
	}
	names, _ := geofence.NewSSIDSet([]string{"ACME-Office"})
	fmt.Println(aps.Strings())
	seen, _ := geofence.ParseBSSID("3c:84:6a:12:ab:cd")
	fmt.Println(geofence.MatchWiFi(aps, names, seen, "ACME-Office"))
	fmt.Println(geofence.MatchWiFi(aps, names, geofence.MustParseBSSID("0e:00:00:00:00:01"), "ACME-Office"))
	_, err = geofence.ParseBSSID("3c:84:6a:12:ab")
	fmt.Println(err)
	// Output:
	// [3c:84:6a:12:ab:cd 3c:84:6a:12:ab:ce]
	// bssid
	// ssid
	// geofence: invalid BSSID "3c:84:6a:12:ab" at offset 14: length 14, want 17 for this form
}

// An IP allow-list by CIDR; IPv4-mapped IPv6 addresses match IPv4 prefixes.
func ExampleIPSet_Contains() {
	office, err := geofence.ParseIPSet([]string{"203.0.113.0/24", "2001:db8:1200::/40"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range []string{"203.0.113.9", "::ffff:203.0.113.9", "2001:db8:12ff::1", "198.51.100.1"} {
		fmt.Println(a, office.Contains(netip.MustParseAddr(a)))
	}
	// Output:
	// 203.0.113.9 true
	// ::ffff:203.0.113.9 true
	// 2001:db8:12ff::1 true
	// 198.51.100.1 false
}
