package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/punchledger/punchledger/geofence"
)

// Policy is an attendance policy: data, versioned, effective from a date, in one IANA
// time zone. Its JSON form is documented in doc.go and shown complete in
// testdata/policy-example.json. It holds no maps (sorted slices only), so its
// msgpack encoding is deterministic and can be stored in a ledger event as is.
//
// A Policy must pass Validate before use. Validate also compiles the policy (zone,
// clock times, lookup tables) and caches the result on the Policy; Evaluate and the
// other methods use that cache. Do not change a Policy after Validate (or call
// Validate again after changing it, before sharing it between goroutines). A Policy
// that was never validated is compiled on every call, which is slow but correct.
type Policy struct {
	ID            string `json:"id" msgpack:"id"`
	Version       int    `json:"version" msgpack:"version"`
	EffectiveFrom Date   `json:"effective_from" msgpack:"effective_from"`
	TimeZone      string `json:"time_zone" msgpack:"time_zone"` // IANA name, e.g. "Asia/Shanghai"
	// WeekStart is the first day of the workweek for weekly overtime, the seventh-day
	// rule and EvaluateWeek. Default "monday".
	WeekStart Weekday `json:"week_start,omitempty" msgpack:"week_start,omitempty"`

	Shifts []Shift `json:"shifts" msgpack:"shifts"`
	// Week is the default schedule: one entry per weekday that has a shift. A weekday
	// with no entry is a rest day. Roster assignments override it.
	Week []WeekDay `json:"week" msgpack:"week"`
	// OffDayShift names a shift whose window, breaks and worked mode apply on rest
	// days and holidays without a scheduled shift, so that work on those days can be
	// attributed (lateness and thresholds are never judged on such days). Empty: the
	// whole local calendar day, minus what neighbouring shifts' windows claim. A
	// holiday that falls on a scheduled shift keeps that shift's window and breaks.
	OffDayShift string `json:"off_day_shift,omitempty" msgpack:"off_day_shift,omitempty"`

	Calendar    Calendar    `json:"calendar" msgpack:"calendar"`
	Rounding    Rounding    `json:"rounding" msgpack:"rounding"`
	Overtime    Overtime    `json:"overtime" msgpack:"overtime"`
	Night       *Night      `json:"night,omitempty" msgpack:"night,omitempty"`
	Remote      Remote      `json:"remote" msgpack:"remote"`
	Corrections Corrections `json:"corrections" msgpack:"corrections"`
	Privacy     Privacy     `json:"privacy" msgpack:"privacy"`
	PayPeriod   PayPeriod   `json:"pay_period" msgpack:"pay_period"`

	c *compiled // set by Validate; never encoded (unexported)
}

// Clock is a wall-clock time of day "HH:MM" (00:00–23:59), or "24:00" where an end
// of day is meant.
type Clock string

// Weekday is a lower-case English day name: "monday" … "sunday".
type Weekday string

// Shift is a named working shift. End at or before Start means the shift crosses
// midnight (ends the next day).
type Shift struct {
	Name  string `json:"name" msgpack:"name"`
	Start Clock  `json:"start" msgpack:"start"`
	End   Clock  `json:"end" msgpack:"end"`
	// CheckInOpens is how many minutes before Start the window opens (default 0).
	CheckInOpens int `json:"check_in_opens" msgpack:"check_in_opens"`
	// CheckOutCloses is how many minutes after End the window closes (default 0).
	CheckOutCloses int `json:"check_out_closes" msgpack:"check_out_closes"`
	// LateGrace: arriving up to this many minutes after the start is not late. Past
	// the grace, the whole lateness counts.
	LateGrace int `json:"late_grace" msgpack:"late_grace"`
	// EarlyLeaveGrace: leaving up to this many minutes before the end is not early.
	EarlyLeaveGrace int `json:"early_leave_grace" msgpack:"early_leave_grace"`
	// HalfDayBelow: worked minutes below this make the day a half day (0: off).
	HalfDayBelow int `json:"half_day_below" msgpack:"half_day_below"`
	// AbsentBelow: worked minutes below this make the day absent (0: off).
	AbsentBelow int `json:"absent_below" msgpack:"absent_below"`
	// Breaks are fixed breaks at wall-clock times.
	Breaks []Break `json:"breaks,omitempty" msgpack:"breaks,omitempty"`
	// AutoBreak, if set, deducts a break once worked time reaches a threshold.
	AutoBreak *AutoBreak `json:"auto_break,omitempty" msgpack:"auto_break,omitempty"`
	// Flex, if set, makes the shift flexible: Start/End bound the window (with
	// CheckInOpens/CheckOutCloses) and lateness is judged against core hours.
	Flex *Flex `json:"flex,omitempty" msgpack:"flex,omitempty"`
	// Worked: "first_last" (first in to last out; default) or "pairs" (sum of in/out pairs).
	Worked WorkedMode `json:"worked,omitempty" msgpack:"worked,omitempty"`
	// Pairing for "pairs": "strict" (punch kinds decide; default) or "alternating"
	// (kinds ignored: in, out, in, out … within the shift's window).
	Pairing Pairing `json:"pairing,omitempty" msgpack:"pairing,omitempty"`
}

// WorkedMode says how worked time is measured.
type WorkedMode string

// Worked modes.
const (
	WorkedFirstLast WorkedMode = "first_last"
	WorkedPairs     WorkedMode = "pairs"
)

// Pairing says how punches form in/out pairs.
type Pairing string

// Pairings.
const (
	PairStrict      Pairing = "strict"
	PairAlternating Pairing = "alternating"
)

// Break is a fixed break. Paid breaks are not deducted from worked time.
type Break struct {
	Start Clock `json:"start" msgpack:"start"`
	End   Clock `json:"end" msgpack:"end"`
	Paid  bool  `json:"paid" msgpack:"paid"`
}

// AutoBreak deducts Minutes once worked time reaches After minutes (unless Paid).
// Gaps between in/out pairs already count against the deduction.
type AutoBreak struct {
	After   int  `json:"after" msgpack:"after"`
	Minutes int  `json:"minutes" msgpack:"minutes"`
	Paid    bool `json:"paid" msgpack:"paid"`
}

// Flex describes a flexible shift: presence is required during core hours and the
// day needs RequiredMinutes of work.
type Flex struct {
	CoreStart       Clock `json:"core_start" msgpack:"core_start"`
	CoreEnd         Clock `json:"core_end" msgpack:"core_end"`
	RequiredMinutes int   `json:"required_minutes" msgpack:"required_minutes"`
}

// WeekDay assigns a shift to a weekday in the default week.
type WeekDay struct {
	Day   Weekday `json:"day" msgpack:"day"`
	Shift string  `json:"shift" msgpack:"shift"`
}

// Calendar lists the organisation's exceptions to the default week.
type Calendar struct {
	Holidays []Holiday `json:"holidays,omitempty" msgpack:"holidays,omitempty"`
	// WorkingDays are swapped working days: a day that would be a rest day (often a
	// weekend day, in exchange for a bridge holiday) is a working day.
	WorkingDays []WorkingDay `json:"working_days,omitempty" msgpack:"working_days,omitempty"`
	// RestDays are extra rest days (e.g. the bridge day given in exchange).
	RestDays []Date `json:"rest_days,omitempty" msgpack:"rest_days,omitempty"`
	// EvaluateOnHolidays: true evaluates punches on holidays (worked time, holiday
	// overtime); false ignores them and reports the day as a holiday.
	EvaluateOnHolidays bool `json:"evaluate_on_holidays" msgpack:"evaluate_on_holidays"`
}

// Holiday is a (statutory or company) holiday.
type Holiday struct {
	Date Date   `json:"date" msgpack:"date"`
	Name string `json:"name" msgpack:"name"`
}

// WorkingDay is a swapped working day; Shift empty means the shift of the first
// weekday entry of the default week.
type WorkingDay struct {
	Date  Date   `json:"date" msgpack:"date"`
	Shift string `json:"shift,omitempty" msgpack:"shift,omitempty"`
	Name  string `json:"name,omitempty" msgpack:"name,omitempty"`
}

// Rounding of punch times for the rounded figures. Exact figures are always kept.
type Rounding struct {
	In  RoundRule `json:"in" msgpack:"in"`
	Out RoundRule `json:"out" msgpack:"out"`
}

// RoundRule rounds wall-clock times to a multiple of Interval minutes after local
// midnight. Interval 0 disables rounding.
type RoundRule struct {
	Interval int       `json:"interval" msgpack:"interval"`
	Mode     RoundMode `json:"mode,omitempty" msgpack:"mode,omitempty"` // default "nearest"
}

// RoundMode is "up", "down" or "nearest".
type RoundMode string

// Round modes.
const (
	RoundUp      RoundMode = "up"
	RoundDown    RoundMode = "down"
	RoundNearest RoundMode = "nearest"
)

// Percent is a pay multiplier in percent: 150 means 1.5×.
type Percent int

// String returns e.g. "1.5x".
func (p Percent) String() string {
	if p%100 == 0 {
		return fmt.Sprintf("%dx", p/100)
	}
	if p%10 == 0 {
		return fmt.Sprintf("%d.%dx", p/100, p%100/10)
	}
	return fmt.Sprintf("%d.%02dx", p/100, p%100)
}

// Tier: minutes beyond After (within the day, or the week for weekly tiers) are paid
// at Percent, up to the next tier's After.
type Tier struct {
	After   int     `json:"after" msgpack:"after"`
	Percent Percent `json:"percent" msgpack:"percent"`
}

// Overtime rules. A preset fills every category the policy leaves empty.
type Overtime struct {
	// Preset: "" (none), "china_art44", "us_flsa" or "california". See doc.go.
	Preset OvertimePreset `json:"preset,omitempty" msgpack:"preset,omitempty"`
	// Daily tiers on working days (minutes worked in the day).
	Daily []Tier `json:"daily,omitempty" msgpack:"daily,omitempty"`
	// Weekly tiers over regular (not already overtime) minutes in the workweek.
	Weekly []Tier `json:"weekly,omitempty" msgpack:"weekly,omitempty"`
	// RestDay tiers apply to work on rest days (After 0: every minute is overtime).
	RestDay []Tier `json:"rest_day,omitempty" msgpack:"rest_day,omitempty"`
	// Holiday tiers apply to work on holidays.
	Holiday []Tier `json:"holiday,omitempty" msgpack:"holiday,omitempty"`
	// SeventhDay tiers apply on the seventh day of the workweek when the six days
	// before were all worked (California).
	SeventhDay []Tier `json:"seventh_day,omitempty" msgpack:"seventh_day,omitempty"`
	// MinimumBlock: overtime counts in whole blocks of this many minutes (0: every
	// minute). The remainder stays regular time.
	MinimumBlock int `json:"minimum_block,omitempty" msgpack:"minimum_block,omitempty"`
	// ApprovalRequired: overtime lines are unapproved unless DayInput.OvertimeApproved.
	ApprovalRequired bool `json:"approval_required" msgpack:"approval_required"`
	// CountEarlyArrival: time before a fixed shift's start counts as worked time
	// (and so towards overtime). Default false: worked time starts at the shift start.
	CountEarlyArrival bool `json:"count_early_arrival" msgpack:"count_early_arrival"`
}

// OvertimePreset names a statutory overtime rule set.
type OvertimePreset string

// Overtime presets.
const (
	PresetChinaArt44 OvertimePreset = "china_art44"
	PresetUSFLSA     OvertimePreset = "us_flsa"
	PresetCalifornia OvertimePreset = "california"
)

// Night is the night-hours window for payroll; End at or before Start crosses midnight.
type Night struct {
	Start Clock `json:"start" msgpack:"start"`
	End   Clock `json:"end" msgpack:"end"`
}

// Remote holds the requirements for remote punches and what each finding does.
type Remote struct {
	// Mode combines the location checks that are configured (zones, Wi-Fi, IP):
	// "any_of" (default: one passing check is enough) or "all_of".
	Mode Combine `json:"mode,omitempty" msgpack:"mode,omitempty"`
	// Zones: geofence zones; a fix inside one of them passes the zone check.
	Zones []geofence.Zone `json:"zones,omitempty" msgpack:"zones,omitempty"`
	// WiFi: allowed BSSIDs ("aa:bb:cc:dd:ee:ff").
	WiFi []string `json:"wifi,omitempty" msgpack:"wifi,omitempty"`
	// IP: allowed networks in CIDR form ("10.20.0.0/16"), or single addresses
	// ("203.0.113.7", the same as "203.0.113.7/32").
	IP []string `json:"ip,omitempty" msgpack:"ip,omitempty"`
	// RequireBoundDevice: the punch must come from a device bound to the employee.
	RequireBoundDevice bool `json:"require_bound_device" msgpack:"require_bound_device"`
	// RequiredFactors must all be present among the punch's verification factors.
	RequiredFactors []string `json:"required_factors,omitempty" msgpack:"required_factors,omitempty"`
	// MinFactors: at least this many distinct factors.
	MinFactors int `json:"min_factors,omitempty" msgpack:"min_factors,omitempty"`
	// MaxOfflineDelay: minutes between the punch (device time) and its receipt for an
	// offline punch (0: no limit).
	MaxOfflineDelay int `json:"max_offline_delay,omitempty" msgpack:"max_offline_delay,omitempty"`
	// MaxClockSkew: seconds the device clock of an online punch may differ from the
	// server's receipt time (0: no limit).
	MaxClockSkew int `json:"max_clock_skew,omitempty" msgpack:"max_clock_skew,omitempty"`
	// MaxSpeed in metres per second for the impossible-travel check (0: geofence default).
	MaxSpeed float64 `json:"max_speed,omitempty" msgpack:"max_speed,omitempty"`
	// Actions say what each finding does; a finding not listed is flagged for review.
	Actions []FindingAction `json:"actions,omitempty" msgpack:"actions,omitempty"`
}

// Combine is "any_of" or "all_of".
type Combine string

// Combine modes.
const (
	AnyOf Combine = "any_of"
	AllOf Combine = "all_of"
)

// FindingAction maps a finding (a reason code of JudgePunch) to an action.
type FindingAction struct {
	Finding string `json:"finding" msgpack:"finding"`
	Action  Action `json:"action" msgpack:"action"`
}

// Action is what a finding does to a punch: "reject", "flag" (accept, needs review),
// "field" (accept as a field punch) or "accept".
type Action string

// Actions.
const (
	ActionAccept Action = "accept"
	ActionField  Action = "field"
	ActionFlag   Action = "flag"
	ActionReject Action = "reject"
)

// Corrections is the policy for make-up (correction) requests.
type Corrections struct {
	// Allowed kinds; empty: no corrections are allowed.
	Allowed []CorrectionKind `json:"allowed" msgpack:"allowed"`
	// Limit requests per LimitPer period (0: no limit).
	Limit int `json:"limit" msgpack:"limit"`
	// LimitPer: "month" (calendar month of the corrected day; default) or "pay_period".
	LimitPer LimitPeriod `json:"limit_per,omitempty" msgpack:"limit_per,omitempty"`
	// Deadline: a request must be made within this many days after the corrected
	// day (0: no deadline).
	Deadline int `json:"deadline" msgpack:"deadline"`
	// DeadlineUnit: "calendar_days" (default) or "working_days".
	DeadlineUnit DeadlineUnit `json:"deadline_unit,omitempty" msgpack:"deadline_unit,omitempty"`
	// EvidenceRequired: a request must reference at least one piece of evidence.
	EvidenceRequired bool `json:"evidence_required" msgpack:"evidence_required"`
	// Approver: "manager" (default), "admin", "manager_and_admin" or "none" (automatic).
	Approver Approver `json:"approver,omitempty" msgpack:"approver,omitempty"`
}

// CorrectionKind is the kind of a correction.
type CorrectionKind string

// Correction kinds.
const (
	CorrectMissingIn  CorrectionKind = "missing_in"  // add a forgotten check-in
	CorrectMissingOut CorrectionKind = "missing_out" // add a forgotten check-out
	CorrectChange     CorrectionKind = "change"      // move a punch to another time
	CorrectVoid       CorrectionKind = "void"        // drop a punch
)

// LimitPeriod is "month" or "pay_period".
type LimitPeriod string

// Limit periods.
const (
	PerMonth     LimitPeriod = "month"
	PerPayPeriod LimitPeriod = "pay_period"
)

// DeadlineUnit is "calendar_days" or "working_days".
type DeadlineUnit string

// Deadline units.
const (
	CalendarDays DeadlineUnit = "calendar_days"
	WorkingDays  DeadlineUnit = "working_days"
)

// Approver names who approves corrections.
type Approver string

// Approvers.
const (
	ApproverManager         Approver = "manager"
	ApproverAdmin           Approver = "admin"
	ApproverManagerAndAdmin Approver = "manager_and_admin"
	ApproverNone            Approver = "none"
)

// Privacy says what is stored of a punch location.
type Privacy struct {
	// Location: "exact" (default), "coarse" (rounded to 0.01°, about 1 km) or
	// "verdict" (no coordinates, only the inside/outside verdict).
	Location LocationPrivacy `json:"location,omitempty" msgpack:"location,omitempty"`
}

// LocationPrivacy is a privacy level for stored locations.
type LocationPrivacy string

// Location privacy levels.
const (
	LocationExact   LocationPrivacy = "exact"
	LocationCoarse  LocationPrivacy = "coarse"
	LocationVerdict LocationPrivacy = "verdict"
)

// PayPeriod defines pay periods: "monthly" (from StartDay of each month; default
// StartDay 1), "weekly" or "biweekly" (anchored at Anchor, the first day of one period).
type PayPeriod struct {
	Kind     PeriodKind `json:"kind" msgpack:"kind"`
	StartDay int        `json:"start_day,omitempty" msgpack:"start_day,omitempty"`
	Anchor   Date       `json:"anchor,omitzero" msgpack:"anchor,omitempty"`
}

// PeriodKind is "monthly", "weekly" or "biweekly".
type PeriodKind string

// Pay period kinds.
const (
	Monthly  PeriodKind = "monthly"
	Weekly   PeriodKind = "weekly"
	Biweekly PeriodKind = "biweekly"
)

// ErrInvalidPolicy is wrapped by *ValidationError.
var ErrInvalidPolicy = errors.New("rules: invalid policy")

// Problem is one validation problem: a field path into the policy (JSON names,
// e.g. "shifts[0].start") and what is wrong.
type Problem struct {
	Path    string
	Message string
}

// ValidationError lists every problem found in a policy, in field order.
type ValidationError struct{ Problems []Problem }

func (e *ValidationError) Error() string {
	var b bytes.Buffer
	b.WriteString("rules: invalid policy: ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Path)
		b.WriteString(": ")
		b.WriteString(p.Message)
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrInvalidPolicy) true.
func (e *ValidationError) Unwrap() error { return ErrInvalidPolicy }

// ParsePolicy decodes a policy from JSON (unknown fields and trailing data are
// errors) and validates it. A decoding error is a *ValidationError with one problem;
// a policy that decodes but is invalid gives a *ValidationError listing every problem.
func ParsePolicy(data []byte) (*Policy, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	p := new(Policy)
	if err := dec.Decode(p); err != nil {
		if ps := zoneProblems(data); len(ps) > 0 {
			return nil, &ValidationError{ps}
		}
		return nil, &ValidationError{[]Problem{{Path: jsonErrPath(err), Message: err.Error()}}}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &ValidationError{[]Problem{{Path: "", Message: "trailing data after the policy object"}}}
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// zoneProblems decodes remote.zones one by one, to name the zone that failed to
// decode (encoding/json does not say where a custom decoder failed).
func zoneProblems(data []byte) []Problem {
	var raw struct {
		Remote struct {
			Zones []json.RawMessage `json:"zones"`
		} `json:"remote"`
	}
	if json.Unmarshal(data, &raw) != nil {
		return nil
	}
	var ps []Problem
	for i, z := range raw.Remote.Zones {
		var zone geofence.Zone
		if err := zone.UnmarshalJSON(z); err != nil {
			ps = append(ps, Problem{Path: "remote.zones[" + strconv.Itoa(i) + "]", Message: err.Error()})
		}
	}
	return ps
}

func jsonErrPath(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field
	}
	return ""
}

// InForce returns the policy in force on date d among versions of one policy: the
// one with the latest EffectiveFrom on or before d, the highest Version among those
// (a retroactive correction published later wins). Nil if none is in force yet.
func InForce(versions []*Policy, d Date) *Policy {
	var best *Policy
	for _, p := range versions {
		if p == nil || p.EffectiveFrom.After(d) {
			continue
		}
		if best == nil || p.EffectiveFrom.After(best.EffectiveFrom) ||
			p.EffectiveFrom == best.EffectiveFrom && p.Version > best.Version {
			best = p
		}
	}
	return best
}

// MarshalJSON encodes the policy in its documented JSON form.
func (p *Policy) MarshalJSON() ([]byte, error) {
	type plain Policy // drops methods, keeps fields and tags
	return json.Marshal((*plain)(p))
}
