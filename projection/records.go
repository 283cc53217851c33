package projection

import (
	"encoding/hex"
	"fmt"
	"time"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

// State layout of the built-in Attendance projection (inside its own space, see Store):
//
//	e/<emp>                   employee record (employeeRec)
//	t/<manager>/<emp>         team index (empty value)
//	y/<policy>/<emp>          employees by policy (empty value)
//	o/<principal>/<role>      roles granted in the org stream (empty value)
//	P/<policy>/<version:10>   published policy versions (policyRec)
//	i/<emp>/<date>            inputs of an employee-day (punches, corrections, leave) and its payroll booking (dayState)
//	r/<request id>            where a correction request went (refRec)
//	d/<emp>/<date>            the evaluated day (DayRow)
//	q/<emp>/<yyyy-mm>         correction quota use (QuotaRow)
//	W                         due watermark: every due day (employeeRec.DueAt) before it is processed
//	G                         present once the state has seen an event (see beginBatch)
//	c/<policy or *>/<from>    closed pay periods (closedRec)
//	p/<from>/<emp>            payroll per pay period (PayrollRow)
//
// Dates are YYYY-MM-DD, so keys sort in date order. Values are msgpack arrays of the
// record structs below (no maps), so encodings are stable.

type employeeRec struct {
	_msgpack   struct{} `msgpack:",as_array"`
	ID         string
	Manager    string
	Site       string
	PolicyID   string
	TimeZone   string
	JoinedOn   string
	LeftOn     string
	Erased     bool
	Roster     []rosterRec
	Start      string // first date materialized (marked absent when nothing arrives)
	Through    string // last date materialized; "" before the first
	DueAt      int64  // unix ns of the pending due entry; 0 for none
	LastState  string // latest date with a stored dayState ("" none): later dates need no read
	Registered uint64 // seq of employee.registered
	LastPay    string // latest pay period (from-date) with a stored row ("" none): later ones need no read
	// Pending are the days whose evaluation an intermediate catch-up commit left for
	// later (see Attendance.deferOpenDays), in date order; nil once evaluated.
	Pending []pendingRec

	// In memory only: the states of the employee's days cached from batch to batch
	// (see Attendance.dayStateOf; pruned when daysBatch is not the current batch) and
	// his attendance-date memo (see Attendance.attendanceDate).
	days      []dayEntry
	daysBatch uint64
	dates     dateMemo
	// The day rows written in batch rowsBatch: they are written blind, so reads of
	// d/ in the same batch add them from here (see Attendance.batchRows).
	rows      []writtenRow
	rowsBatch uint64
	// The employee's list in Attendance.dirty while dirtyGen is the Attendance's.
	dirty    *dirtyDays
	dirtyGen uint64
	// The payroll row payRowOf last returned, of the period from payFrom; payBatch:
	// the batch it was last marked changed in.
	pay      *PayrollRow
	payFrom  rules.Date
	payBatch uint64
}

// writtenRow is what reads in the batch need of a day row written in it.
type writtenRow struct {
	date    string
	regular int32 // Figures.Regular
	worked  bool  // Worked > 0
}

// dayEntry is a cached day state.
type dayEntry struct {
	date string
	st   *dayState
}

// dateMemo remembers an attendance date and the window that gave it (see
// Attendance.attendanceDate). It is valid while policies is the Attendance's policy
// generation, for employees of policyID.
type dateMemo struct {
	valid      bool
	policies   uint64
	policyID   string
	utc, local rules.Date     // the punch's UTC date and local date in loc, which chose pv
	loc        *time.Location // the zone of the version in force on utc
	pv         *policyVersion
	open, end  int64      // window [open, end) of day, in unix ns
	day        rules.Date // attendance date of every instant in the window
}

// pendingRec is a day left to evaluate: its date and the latest event that affected
// it (dirtyDay).
type pendingRec struct {
	_msgpack struct{} `msgpack:",as_array"`
	Date     string
	AsOf     int64
	Seq      uint64
}

type rosterRec struct {
	_msgpack struct{} `msgpack:",as_array"`
	From, To string
	Shift    string // "" rest day
	Seq      uint64
	ID       [16]byte
}

type policyRec struct {
	_msgpack      struct{} `msgpack:",as_array"`
	PolicyID      string
	Version       int64
	EffectiveFrom string
	Seq           uint64
	ID            [16]byte
	Policy        []byte // rules.Policy, msgpack
}

// Input kinds (persisted; never renumber).
const (
	inputPunch      uint8 = 1
	inputCorrection uint8 = 2
	inputLeave      uint8 = 3
)

// Correction states (persisted; never renumber).
const (
	corrPending   uint8 = 1
	corrApproved  uint8 = 2
	corrRejected  uint8 = 3
	corrWithdrawn uint8 = 4
)

type findingRec struct {
	_msgpack struct{} `msgpack:",as_array"`
	Code     string
	Clause   string
	Detail   string
}

// inputRec is one input of an employee-day: a punch, a correction request or a day of
// leave. It keeps what evaluation, the day's exceptions and explain use, nothing more
// (the event's type follows from Kind).
type inputRec struct {
	Kind uint8
	Seq  uint64
	ID   [16]byte

	// Punch.
	PunchKind   uint8
	At          int64 // device time (punch), proposed time (correction)
	ReceivedAt  int64
	RecordedAt  int64
	Source      uint8
	DeviceID    string
	DeviceBound bool
	Factors     []string
	Offline     bool
	Signature   uint8
	Outcome     uint8
	Findings    []findingRec
	VoidSeq     uint64
	VoidID      [16]byte

	// Correction.
	CorrKind    string
	CorrPunch   [16]byte
	CorrState   uint8
	CorrStage   string
	DecisionSeq uint64
	DecisionID  [16]byte

	// Leave.
	LeaveKind    string
	LeaveMinutes int32
}

// typ returns the type of the event the input came from.
func (in *inputRec) typ() string {
	switch in.Kind {
	case inputPunch:
		return attendance.TypePunchRecorded
	case inputCorrection:
		return attendance.TypeCorrectionRequested
	case inputLeave:
		return attendance.TypeLeaveRecorded
	}
	return ""
}

type refRec struct {
	_msgpack struct{} `msgpack:",as_array"`
	Employee string
	Date     string
	Seq      uint64
}

type closedRec struct {
	_msgpack struct{} `msgpack:",as_array"`
	PolicyID string
	From, To string
	Seq      uint64
	ID       [16]byte
}

// dayState is an employee-day's inputs, by seq, and how its figures are accounted for
// in payroll: Base is what its own period's Totals (or, once frozen, an earlier
// adjustment) holds for it; Adj is its adjustment line in AdjPeriod, a later open period.
type dayState struct {
	_msgpack  struct{} `msgpack:",as_array"`
	Inputs    []inputRec
	Last      Figures // figures of the last evaluation
	Evaluated bool
	Period    string // from-date of the day's own pay period ("" before booking)
	Base      Figures
	AdjPeriod string // "" for none
	Adj       Figures
	// AsOf and Seq of the last evaluation: a day evaluated again (because an earlier
	// day of its workweek changed) is evaluated as of the later of these and the
	// event that touched it, so its AsOf never goes back.
	AsOf int64
	Seq  uint64

	changed bool // in memory only: to be written at Flush (see Attendance.changedDay)
}

func keyEmp(emp string) []byte              { return []byte("e/" + emp) }
func keyTeam(mgr, emp string) []byte        { return []byte("t/" + mgr + "/" + emp) }
func keyByPolicy(pol, emp string) []byte    { return []byte("y/" + pol + "/" + emp) }
func keyRole(principal, role string) []byte { return []byte("o/" + principal + "/" + role) }
func keyPolicy(pol string, v int64) []byte  { return []byte("P/" + pol + "/" + fmt.Sprintf("%010d", v)) }
func keyDayState(emp, date string) []byte   { return []byte("i/" + emp + "/" + date) }
func keyDay(emp, date string) []byte        { return []byte("d/" + emp + "/" + date) }
func keyQuota(emp, month string) []byte     { return []byte("q/" + emp + "/" + month) }
func keyClosed(pol, from string) []byte     { return []byte("c/" + policyOrAll(pol) + "/" + from) }
func keyPay(from, emp string) []byte        { return []byte("p/" + from + "/" + emp) }

// refKey names a reference record: r/<request id hex>.
type refKey struct {
	kind byte // refPunch or refRequest
	id   [16]byte
}

const refRequest = 'r'

func (k refKey) appendKey(b []byte) []byte {
	return hex.AppendEncode(append(b, k.kind, '/'), k.id[:])
}

func policyOrAll(pol string) string {
	if pol == "" {
		return "*"
	}
	return pol
}

// EventRef names an event of the log.
type EventRef struct {
	_msgpack struct{} `msgpack:",as_array"`
	Seq      uint64   `json:"seq"`
	Type     string   `json:"type"`
	ID       string   `json:"id"` // 32 hex
}

func ref(seq uint64, typ string, id [16]byte) EventRef {
	return EventRef{Seq: seq, Type: typ, ID: ledger.ID(id).String()}
}
