package rules

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/punchledger/punchledger/geofence"
)

// PunchKind is the kind of a punch. The numbers are stored; never renumber.
type PunchKind uint8

// Punch kinds.
const (
	KindUnknown PunchKind = 0 // the device did not say (kiosks, biometric readers)
	KindIn      PunchKind = 1
	KindOut     PunchKind = 2
)

func (k PunchKind) String() string {
	switch k {
	case KindIn:
		return "in"
	case KindOut:
		return "out"
	case KindUnknown:
		return "unknown"
	}
	return "PunchKind(" + strconv.Itoa(int(k)) + ")"
}

// ParsePunchKind parses "in", "out" or "unknown" (also "").
func ParsePunchKind(s string) (PunchKind, bool) {
	switch s {
	case "in":
		return KindIn, true
	case "out":
		return KindOut, true
	case "", "unknown":
		return KindUnknown, true
	}
	return 0, false
}

// Outcome is a punch verdict's outcome, ordered by severity. The numbers are stored;
// never renumber.
type Outcome uint8

// Outcomes. The zero value means "not judged"; Evaluate counts such punches like
// accepted ones.
const (
	OutcomeNone   Outcome = 0
	OutcomeAccept Outcome = 1
	OutcomeField  Outcome = 2 // accepted as a field (off-site) punch
	OutcomeFlag   Outcome = 3 // accepted, needs review
	OutcomeReject Outcome = 4 // not counted
)

func (o Outcome) String() string {
	switch o {
	case OutcomeNone:
		return "none"
	case OutcomeAccept:
		return "accept"
	case OutcomeField:
		return "field"
	case OutcomeFlag:
		return "flag"
	case OutcomeReject:
		return "reject"
	}
	return "Outcome(" + strconv.Itoa(int(o)) + ")"
}

// Punch is one clock-in or clock-out with its evidence. It carries three clocks:
// At (the device's clock at the punch: business time), ReceivedAt (the server's
// clock on receipt) and RecordedAt (the ledger's commit time).
type Punch struct {
	ID         string
	Kind       PunchKind
	At         time.Time
	ReceivedAt time.Time
	RecordedAt time.Time
	Source     string // "app", "web", "kiosk", "biometric", …
	// Outcome is the verdict recorded with the punch (see JudgePunch). Rejected
	// punches are not counted; field punches make a field day.
	Outcome  Outcome
	Evidence Evidence
}

// Evidence is what a device reports with a punch.
type Evidence struct {
	Location *geofence.Fix // nil: no location
	BSSID    string        // connected Wi-Fi access point, "aa:bb:cc:dd:ee:ff"
	SSID     string
	IP       netip.Addr // client address as seen by the server (zero: unknown)
	DeviceID string
	// DeviceBound: the device is bound to the employee (the caller knows the bindings).
	DeviceBound bool
	// Factors are the verification factors used ("face", "pin", "fingerprint", …).
	Factors []string
	Offline bool // punched offline, uploaded later
	// Signed: the punch carried a device signature; SignatureValid: it verified.
	Signed         bool
	SignatureValid bool
}
