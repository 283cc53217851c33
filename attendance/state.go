package attendance

import (
	"fmt"
	"slices"

	"github.com/punchledger/punchledger/ledger"
)

// Commands decide from state folded from the subject's own stream (plus the org
// stream and the policy streams), never from projections. The fold is a pure function
// of the events; the Service caches folded state per stream and catches up from the
// cached version before every decision (see service.go).

// requestStatus is the state of a correction, rebind or work-location request.
type requestStatus uint8

const (
	statusPending requestStatus = iota + 1
	statusApproved
	statusRejected
	statusWithdrawn
)

func (s requestStatus) String() string {
	switch s {
	case statusPending:
		return "pending"
	case statusApproved:
		return "approved"
	case statusRejected:
		return "rejected"
	case statusWithdrawn:
		return "withdrawn"
	}
	return "unknown"
}

type boundDevice struct {
	ID        string
	PublicKey []byte
}

type rebindState struct {
	Status      requestStatus
	OldDeviceID string
	NewDeviceID string
	PublicKey   []byte
	Reason      string
	Sealed      []byte
}

type correctionState struct {
	Status      requestStatus
	Day         string
	Kind        string
	RequestedAt int64    // recorded-at of the request (unix ns)
	Approvals   []string // stages approved so far
	approvedBy  string   // actor of the last approval (two-stage approvals need two people)
	PunchID     [16]byte
}

type punchRef struct {
	ID      [16]byte
	Payload PunchRecorded
}

type locationState struct {
	Status requestStatus
	Kind   string
	Sealed []byte
}

// recentPunches is how many of the latest punches the fold keeps whole, for the
// spoofing checks (impossible travel) of the next punch.
const recentPunches = 4

// employeeState is an employee's stream folded.
type employeeState struct {
	id      string
	stream  string
	version uint64
	exists  bool
	erased  bool

	rec            EmployeeRecord
	personalSealed []byte // latest sealed Personal
	personalEvent  [16]byte
	registration   [16]byte // ID of employee.registered: names the data key

	devices     []boundDevice // currently bound, in binding order
	rebinds     map[[16]byte]*rebindState
	corrections map[[16]byte]*correctionState
	punches     map[[16]byte]bool // punch ID → voided
	recent      []punchRef        // the last recentPunches punches, oldest first
	locations   map[[16]byte]*locationState
	locationIDs [][16]byte // in report order

	sealer *sealer // data key, loaded on first use (not part of the fold)
}

// EmployeeRecord is the plaintext part of an employee's registration.
type EmployeeRecord struct {
	EmployeeID string `json:"employee_id"`
	ManagerID  string `json:"manager_id,omitempty"`
	Site       string `json:"site,omitempty"`
	PolicyID   string `json:"policy_id"`
	TimeZone   string `json:"time_zone,omitempty"`
	JoinedOn   string `json:"joined_on,omitempty"`
	LeftOn     string `json:"left_on,omitempty"`
}

func newEmployeeState(id string) *employeeState {
	return &employeeState{
		id:          id,
		stream:      EmployeeStream(id),
		rebinds:     make(map[[16]byte]*rebindState),
		corrections: make(map[[16]byte]*correctionState),
		punches:     make(map[[16]byte]bool),
		locations:   make(map[[16]byte]*locationState),
	}
}

func (st *employeeState) device(id string) (boundDevice, bool) {
	for _, d := range st.devices {
		if d.ID == id {
			return d, true
		}
	}
	return boundDevice{}, false
}

// apply folds one event of the employee's stream. Unknown event types are skipped.
func (st *employeeState) apply(e *ledger.Event) error {
	if e.Version != st.version+1 {
		return fmt.Errorf("attendance: fold %s: version %d after %d", st.stream, e.Version, st.version)
	}
	st.version = e.Version
	if e.Type == TypePunchRecorded && e.Schema == 1 {
		// hot path: no registry, no reflection
		var p PunchRecorded
		if err := p.UnmarshalBinary(e.Data); err != nil {
			return fmt.Errorf("attendance: fold %s v%d: %w", st.stream, e.Version, err)
		}
		st.punches[e.ID] = false
		if len(st.recent) == recentPunches {
			copy(st.recent, st.recent[1:])
			st.recent = st.recent[:recentPunches-1]
		}
		st.recent = append(st.recent, punchRef{ID: e.ID, Payload: p})
		return nil
	}
	p, err := Decode(e)
	if err != nil {
		return fmt.Errorf("attendance: fold %s v%d: %w", st.stream, e.Version, err)
	}
	switch p := p.(type) {
	case *EmployeeRegistered:
		st.exists = true
		st.registration = e.ID
		st.rec = EmployeeRecord{p.EmployeeID, p.ManagerID, p.Site, p.PolicyID, p.TimeZone, p.JoinedOn, p.LeftOn}
		st.personalSealed, st.personalEvent = p.Sealed, e.ID
	case *EmployeeUpdated:
		st.rec = EmployeeRecord{p.EmployeeID, p.ManagerID, p.Site, p.PolicyID, p.TimeZone, p.JoinedOn, p.LeftOn}
		if p.Sealed != nil {
			st.personalSealed, st.personalEvent = p.Sealed, e.ID
		}
	case *DeviceBound:
		st.devices = append(st.devices, boundDevice{ID: p.DeviceID, PublicKey: p.PublicKey})
		if r := st.rebinds[p.RequestID]; r != nil {
			r.Status = statusApproved
		}
	case *DeviceUnbound:
		st.devices = slices.DeleteFunc(st.devices, func(d boundDevice) bool { return d.ID == p.DeviceID })
	case *DeviceRebindRequested:
		st.rebinds[e.ID] = &rebindState{Status: statusPending, OldDeviceID: p.OldDeviceID, NewDeviceID: p.NewDeviceID, PublicKey: p.PublicKey, Reason: p.Reason, Sealed: p.Sealed}
	case *DeviceRebindRejected:
		if r := st.rebinds[p.RequestID]; r != nil {
			r.Status = statusRejected
		}
	case *PunchVoided:
		st.punches[p.PunchID] = true
	case *CorrectionRequested:
		st.corrections[e.ID] = &correctionState{Status: statusPending, Day: p.Day, Kind: p.Kind, RequestedAt: e.RecordedAt.UnixNano(), PunchID: p.PunchID}
	case *CorrectionApproved:
		if c := st.corrections[p.RequestID]; c != nil {
			c.Approvals = append(c.Approvals, p.Stage)
			c.approvedBy = e.Actor
			if p.Final {
				c.Status = statusApproved
			}
		}
	case *CorrectionRejected:
		if c := st.corrections[p.RequestID]; c != nil {
			c.Status = statusRejected
		}
	case *CorrectionWithdrawn:
		if c := st.corrections[p.RequestID]; c != nil {
			c.Status = statusWithdrawn
		}
	case *WorkLocationReported:
		st.locations[e.ID] = &locationState{Status: statusPending, Kind: p.Kind, Sealed: p.Sealed}
		st.locationIDs = append(st.locationIDs, e.ID)
	case *WorkLocationApproved:
		if l := st.locations[p.RequestID]; l != nil {
			l.Status = statusApproved
		}
	case *WorkLocationRejected:
		if l := st.locations[p.RequestID]; l != nil {
			l.Status = statusRejected
		}
	case *SubjectErased:
		st.erased = true
		st.personalSealed = nil
	}
	return nil
}

// orgState is the org stream folded: roles and closed pay periods.
type orgState struct {
	version uint64
	roles   map[string][]Role // principal → roles, sorted
	periods []PayPeriodClosed
}

func newOrgState() *orgState { return &orgState{roles: make(map[string][]Role)} }

func (o *orgState) clone() *orgState {
	c := &orgState{version: o.version, roles: make(map[string][]Role, len(o.roles)), periods: slices.Clone(o.periods)}
	for k, v := range o.roles {
		c.roles[k] = slices.Clone(v)
	}
	return c
}

func (o *orgState) has(principal string, r Role) bool {
	return slices.Contains(o.roles[principal], r)
}

func (o *orgState) admins() int {
	n := 0
	for _, rs := range o.roles {
		if slices.Contains(rs, RoleAdmin) {
			n++
		}
	}
	return n
}

func (o *orgState) apply(e *ledger.Event) error {
	if e.Version != o.version+1 {
		return fmt.Errorf("attendance: fold org: version %d after %d", e.Version, o.version)
	}
	o.version = e.Version
	p, err := Decode(e)
	if err != nil {
		return fmt.Errorf("attendance: fold org v%d: %w", e.Version, err)
	}
	switch p := p.(type) {
	case *RoleGranted:
		rs := o.roles[p.Principal]
		if !slices.Contains(rs, Role(p.Role)) {
			rs = append(rs, Role(p.Role))
			slices.Sort(rs)
			o.roles[p.Principal] = rs
		}
	case *RoleRevoked:
		rs := slices.DeleteFunc(o.roles[p.Principal], func(r Role) bool { return r == Role(p.Role) })
		if len(rs) == 0 {
			delete(o.roles, p.Principal)
		} else {
			o.roles[p.Principal] = rs
		}
	case *PayPeriodClosed:
		o.periods = append(o.periods, *p)
	}
	return nil
}
