package rules

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/punchledger/punchledger/geofence"
)

// Findings of JudgePunch (reason codes; Remote.Actions names them).
const (
	FindingOutsideFence        = "outside_fence"      // the fix is outside every zone
	FindingLocationUncertain   = "location_uncertain" // the accuracy circle straddles a boundary
	FindingNoLocation          = "no_location"        // zones are required but the punch has no fix
	FindingBadLocation         = geofence.CodeInvalidPoint
	FindingWiFiMismatch        = "wifi_mismatch"
	FindingIPMismatch          = "ip_mismatch"
	FindingUnboundDevice       = "unbound_device"
	FindingMissingFactor       = "missing_factor"
	FindingTooFewFactors       = "too_few_factors"
	FindingOfflineDelay        = "offline_delay"
	FindingClockSkew           = "clock_skew"
	FindingSignatureInvalid    = "signature_invalid"
	FindingMockLocation        = geofence.CodeMockLocation
	FindingImpossibleTravel    = geofence.CodeImpossibleTravel
	FindingImplausibleAccuracy = geofence.CodeImplausibleAccuracy
	FindingOfflineJump         = geofence.CodeOfflineJump
)

// PunchVerdict is the judgement of one punch against the remote-punch requirements.
type PunchVerdict struct {
	// Outcome is the most severe action among the findings (reject > flag > field >
	// accept); accept when there are none.
	Outcome Outcome
	// Field: some finding's action was "field".
	Field bool
	// Reasons lists every finding in a fixed order; Actions[i] is what Reasons[i] did.
	// A reason's clause is the requirement's field path, or for findings without one
	// the remote.actions entry that decided (or "remote.actions": flagged by default).
	Reasons []Reason
	Actions []Action
	// Location is the fix's judgement against the zones (Verdict Unknown when no
	// zones are configured or there is no fix); it is what "verdict only" privacy keeps.
	Location geofence.Judgement
}

// JudgePunch judges a punch against the policy's remote-punch requirements. prev are
// the employee's earlier fixes (for the spoofing checks, oldest first); extraZones
// are zones allowed for this employee in addition to the policy's (a client site).
// It is pure. An invalid policy rejects the punch with reason "policy_invalid".
func JudgePunch(p *Policy, pu Punch, prev []geofence.Fix, extraZones []geofence.Zone) PunchVerdict {
	var v PunchVerdict
	c, err := p.compiledPolicy()
	if err != nil {
		v.Outcome = OutcomeReject
		v.Reasons = []Reason{{ReasonPolicyInvalid, "", err.Error()}}
		v.Actions = []Action{ActionReject}
		return v
	}
	r := &c.remote
	actionOf := func(code string) Action {
		if a, ok := r.actions[code]; ok {
			return a
		}
		return ActionFlag
	}
	addAs := func(code, clause, detail string, a Action) {
		if clause == "" {
			clause = "remote.actions"
			for i, f := range p.Remote.Actions {
				if f.Finding == code {
					clause = "remote.actions[" + strconv.Itoa(i) + "]"
				}
			}
		}
		v.Reasons = append(v.Reasons, Reason{code, clause, detail})
		v.Actions = append(v.Actions, a)
		o := OutcomeAccept
		switch a {
		case ActionField:
			o = OutcomeField
			v.Field = true
		case ActionFlag:
			o = OutcomeFlag
		case ActionReject:
			o = OutcomeReject
		}
		v.Outcome = max(v.Outcome, o)
	}
	add := func(code, clause, detail string) { addAs(code, clause, detail, actionOf(code)) }
	ev := &pu.Evidence

	// Location requirements, combined any-of or all-of.
	type check struct {
		pass                 bool
		code, clause, detail string
	}
	var checks [3]check
	n := 0
	var extra *geofence.ZoneSet
	if len(extraZones) > 0 {
		extra, _ = geofence.NewZoneSet(extraZones) // invalid extra zones: ignored
	}
	if r.zones != nil || extra != nil {
		ck := check{clause: "remote.zones"}
		switch {
		case ev.Location == nil:
			ck.code, ck.detail = FindingNoLocation, "the punch has no location"
		case ev.Location.Point.Validate() != nil || !(ev.Location.Accuracy >= 0) || math.IsInf(ev.Location.Accuracy, 0):
			ck.code, ck.detail = FindingBadLocation, "the location is not a valid point with an accuracy"
		default:
			j := judgeBest(r.zones, extra, ev.Location.Point, ev.Location.Accuracy)
			v.Location = j
			switch j.Verdict {
			case geofence.Inside:
				ck.pass = true
			case geofence.Uncertain:
				ck.code = FindingLocationUncertain
				ck.detail = fmt.Sprintf("accuracy %.0f m straddles the boundary of zone %q (%.0f m from it)", ev.Location.Accuracy, j.Zone, math.Abs(j.Distance))
			default:
				ck.code = FindingOutsideFence
				ck.detail = fmt.Sprintf("outside by %.0f m of zone %q", j.Distance, j.Zone)
			}
		}
		checks[n] = ck
		n++
	}
	if r.wifi != nil {
		ck := check{clause: "remote.wifi", code: FindingWiFiMismatch}
		b, err := geofence.ParseBSSID(ev.BSSID)
		switch {
		case ev.BSSID == "":
			ck.detail = "no Wi-Fi access point reported"
		case err != nil:
			ck.detail = fmt.Sprintf("bad BSSID %q", ev.BSSID)
		case r.wifi.Contains(b):
			ck.pass = true
		default:
			ck.detail = "access point " + b.String() + " is not allowed"
		}
		checks[n] = ck
		n++
	}
	if r.ip != nil {
		ck := check{clause: "remote.ip", code: FindingIPMismatch}
		switch {
		case !ev.IP.IsValid():
			ck.detail = "no client address"
		case r.ip.Contains(ev.IP):
			ck.pass = true
		default:
			ck.detail = "address " + ev.IP.String() + " is not in an allowed network"
		}
		checks[n] = ck
		n++
	}
	anyPass := false
	for _, ck := range checks[:n] {
		anyPass = anyPass || ck.pass
	}
	switch {
	case r.allOf:
		for _, ck := range checks[:n] {
			if !ck.pass {
				add(ck.code, ck.clause, ck.detail)
			}
		}
	case !anyPass && n > 0:
		// any_of: the punch is as acceptable as its best alternative, so every failed
		// check is reported with the least severe of their actions.
		least := ActionReject
		for _, ck := range checks[:n] {
			if a := actionOf(ck.code); severity(a) < severity(least) {
				least = a
			}
		}
		for _, ck := range checks[:n] {
			addAs(ck.code, ck.clause, ck.detail, least)
		}
	}

	// Spoofing signals from the fix history.
	if ev.Location != nil {
		for _, s := range geofence.Spoofing(prev, *ev.Location, geofence.SpoofLimits{MaxSpeed: r.maxSpeed}) {
			if s.Code == geofence.CodeInvalidPoint && n > 0 && r.zones != nil {
				continue // already reported by the zone check
			}
			clause := ""
			if s.Code == FindingImpossibleTravel || s.Code == FindingOfflineJump {
				clause = "remote.max_speed"
			}
			add(s.Code, clause, s.Detail)
		}
	}

	// Device, factors, signature.
	if p.Remote.RequireBoundDevice && !ev.DeviceBound {
		add(FindingUnboundDevice, "remote.require_bound_device", "device "+strconv.Quote(ev.DeviceID)+" is not bound to the employee")
	}
	for i, f := range r.factors {
		found := false
		for _, g := range ev.Factors {
			found = found || g == f
		}
		if !found {
			add(FindingMissingFactor, "remote.required_factors["+strconv.Itoa(i)+"]", "factor "+strconv.Quote(f)+" missing")
		}
	}
	if m := p.Remote.MinFactors; m > 0 {
		distinct := 0
		for i, f := range ev.Factors {
			dup := false
			for _, g := range ev.Factors[:i] {
				dup = dup || g == f
			}
			if !dup && f != "" {
				distinct++
			}
		}
		if distinct < m {
			add(FindingTooFewFactors, "remote.min_factors", fmt.Sprintf("%d factor(s), %d required", distinct, m))
		}
	}
	if ev.Signed && !ev.SignatureValid {
		add(FindingSignatureInvalid, "", "the device signature does not verify")
	}

	// Clocks: offline upload delay, and device clock skew.
	if !pu.ReceivedAt.IsZero() {
		delay := pu.ReceivedAt.Sub(pu.At)
		if ev.Offline {
			if lim := time.Duration(p.Remote.MaxOfflineDelay) * time.Minute; lim > 0 && delay > lim {
				add(FindingOfflineDelay, "remote.max_offline_delay", fmt.Sprintf("uploaded %s after the punch (limit %s)", fmtDur(delay), fmtDur(lim)))
			}
			if lim := time.Duration(p.Remote.MaxClockSkew) * time.Second; lim > 0 && -delay > lim {
				add(FindingClockSkew, "remote.max_clock_skew", fmt.Sprintf("device clock %s ahead of the server (limit %s)", fmtDur(-delay), fmtDur(lim)))
			}
		} else if lim := time.Duration(p.Remote.MaxClockSkew) * time.Second; lim > 0 && (delay > lim || -delay > lim) {
			dir := "behind"
			if delay < 0 {
				dir, delay = "ahead of", -delay
			}
			add(FindingClockSkew, "remote.max_clock_skew", fmt.Sprintf("device clock %s %s the server (limit %s)", fmtDur(delay), dir, fmtDur(lim)))
		}
	}
	if v.Outcome == OutcomeNone {
		v.Outcome = OutcomeAccept
	}
	return v
}

func severity(a Action) int {
	switch a {
	case ActionAccept:
		return 0
	case ActionField:
		return 1
	case ActionFlag:
		return 2
	}
	return 3
}

func judgeBest(a, b *geofence.ZoneSet, pt geofence.Point, acc float64) geofence.Judgement {
	rank := func(v geofence.Verdict) int {
		switch v {
		case geofence.Inside:
			return 3
		case geofence.Uncertain:
			return 2
		case geofence.Outside:
			return 1
		}
		return 0
	}
	var best geofence.Judgement
	for _, s := range [2]*geofence.ZoneSet{a, b} {
		if s == nil {
			continue
		}
		j := s.Judge(pt, acc)
		if best.Zone == "" && best.Verdict == geofence.Unknown || rank(j.Verdict) > rank(best.Verdict) ||
			rank(j.Verdict) == rank(best.Verdict) && j.Distance < best.Distance {
			best = j
		}
	}
	return best
}

// StoredLocation returns what the policy's privacy level keeps of a fix: the fix
// itself (exact), the fix with coordinates rounded to 0.01° and accuracy at least
// 1,100 m (coarse), or nil (verdict only: keep PunchVerdict.Location instead).
func (p *Policy) StoredLocation(f *geofence.Fix) *geofence.Fix {
	if f == nil {
		return nil
	}
	switch p.Privacy.Location {
	case LocationVerdict:
		return nil
	case LocationCoarse:
		g := *f
		g.Point.Lat = math.Round(g.Point.Lat*100) / 100
		g.Point.Lon = math.Round(g.Point.Lon*100) / 100
		if !(g.Accuracy >= 1100) {
			g.Accuracy = 1100
		}
		return &g
	}
	g := *f
	return &g
}
