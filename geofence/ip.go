package geofence

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// CIDRError describes an IP allow-list entry that is neither an address nor a prefix.
type CIDRError struct {
	Index int    // position in the list
	Input string // the entry
	Err   error  // from net/netip
}

func (e *CIDRError) Error() string {
	return fmt.Sprintf("geofence: invalid CIDR [%d] %q: %v", e.Index, e.Input, e.Err)
}

// Is makes errors.Is(err, ErrInvalidCIDR) true.
func (e *CIDRError) Is(target error) bool { return target == ErrInvalidCIDR }

// Unwrap returns the net/netip error.
func (e *CIDRError) Unwrap() error { return e.Err }

// IPSet is an allow-list of IPv4 and IPv6 prefixes. The zero value and nil are empty.
type IPSet struct {
	prefixes []netip.Prefix // masked, IPv4-mapped IPv6 turned into IPv4, sorted, unique
}

// ParseIPSet parses CIDR prefixes ("203.0.113.0/24", "2001:db8::/32") and single
// addresses (taken as /32 or /128). Host bits are cleared ("10.1.2.3/8" is 10.0.0.0/8),
// and an IPv4-mapped IPv6 prefix (::ffff:10.0.0.0/104) is stored as its IPv4 prefix.
// Zoned addresses are rejected. A bad entry is a *CIDRError (errors.Is ErrInvalidCIDR).
func ParseIPSet(cidrs []string) (*IPSet, error) {
	s := &IPSet{prefixes: make([]netip.Prefix, 0, len(cidrs))}
	for i, c := range cidrs {
		var p netip.Prefix
		var err error
		if strings.Contains(c, "/") {
			p, err = netip.ParsePrefix(c)
		} else {
			var a netip.Addr
			a, err = netip.ParseAddr(c)
			if err == nil && a.Zone() != "" {
				err = fmt.Errorf("zoned address not allowed")
			}
			if err == nil {
				p = netip.PrefixFrom(a, a.BitLen())
			}
		}
		if err != nil {
			return nil, &CIDRError{Index: i, Input: c, Err: err}
		}
		p = p.Masked()
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		s.prefixes = append(s.prefixes, p)
	}
	slices.SortFunc(s.prefixes, func(a, b netip.Prefix) int {
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c
		}
		return a.Bits() - b.Bits()
	})
	s.prefixes = slices.Compact(s.prefixes)
	return s, nil
}

// Contains reports whether a is in one of the prefixes. An IPv4-mapped IPv6 address
// (::ffff:203.0.113.5) matches IPv4 prefixes; an address's zone is ignored.
func (s *IPSet) Contains(a netip.Addr) bool {
	if s == nil || !a.IsValid() {
		return false
	}
	a = a.WithZone("").Unmap()
	for _, p := range s.prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Strings returns the set's prefixes in canonical form, sorted; ParseIPSet of the
// result gives an equal set.
func (s *IPSet) Strings() []string {
	if s == nil {
		return nil
	}
	out := make([]string, len(s.prefixes))
	for i, p := range s.prefixes {
		out[i] = p.String()
	}
	return out
}
