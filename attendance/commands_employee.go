package attendance

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/punchledger/punchledger/geofence"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

// Employee is an employee's registration: the plaintext record and the personal data
// (sealed in the log).
type Employee struct {
	ID        string
	ManagerID string     // "" for none
	Site      string     // opaque site ID ("" for none)
	PolicyID  string     // required; the policy need not be published yet
	TimeZone  string     // IANA name, informational: the policy's zone decides dates
	JoinedOn  rules.Date // zero for unknown
	LeftOn    rules.Date // zero while employed
	Personal  *Personal  // name, e-mail, phone; nil for none (UpdateEmployee: unchanged)
}

func (e *Employee) validate(op string) error {
	if err := validID("employee ID", e.ID); err != nil {
		return invalid(op, "ID", err.Error())
	}
	if e.ManagerID != "" {
		if err := validID("manager ID", e.ManagerID); err != nil {
			return invalid(op, "ManagerID", err.Error())
		}
		if e.ManagerID == e.ID {
			return invalid(op, "ManagerID", "an employee does not manage himself")
		}
	}
	if e.Site != "" {
		if err := validID("site", e.Site); err != nil {
			return invalid(op, "Site", err.Error())
		}
	}
	if err := validID("policy ID", e.PolicyID); err != nil {
		return invalid(op, "PolicyID", err.Error())
	}
	if e.TimeZone != "" {
		if _, err := time.LoadLocation(e.TimeZone); err != nil || e.TimeZone == "Local" {
			return invalid(op, "TimeZone", fmt.Sprintf("%q is not an IANA time zone", e.TimeZone))
		}
	}
	if !e.JoinedOn.IsZero() && !e.JoinedOn.IsValid() || !e.LeftOn.IsZero() && !e.LeftOn.IsValid() {
		return invalid(op, "JoinedOn/LeftOn", "not a valid date")
	}
	if !e.JoinedOn.IsZero() && !e.LeftOn.IsZero() && e.LeftOn.Before(e.JoinedOn) {
		return invalid(op, "LeftOn", "before JoinedOn")
	}
	if e.Personal != nil && len(e.Personal.Name)+len(e.Personal.Email)+len(e.Personal.Phone) > 4096 {
		return invalid(op, "Personal", "longer than 4096 bytes")
	}
	return nil
}

func dateText(d rules.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// RegisterEmployee registers a new employee (hr or admin) and creates his data key.
func (s *Service) RegisterEmployee(ctx context.Context, a Actor, e Employee) (Receipt, error) {
	const op = "RegisterEmployee"
	w, err := s.resolve(ctx, a)
	if err != nil {
		return Receipt{}, err
	}
	if err := w.needHR(op, EmployeeStream(e.ID)); err != nil {
		return Receipt{}, err
	}
	if err := e.validate(op); err != nil {
		return Receipt{}, err
	}
	var attempts []ledger.ID // registration IDs tried; each has a key
	r, err := s.onEmployee(ctx, op, e.ID, func(st *employeeState) ([]ledger.Proposed, *Receipt, error) {
		if st.exists || st.version > 0 {
			return nil, nil, fmt.Errorf("%w: %s", ErrEmployeeExists, e.ID)
		}
		// The key is written before the event, under a subject named by the event's
		// ID; if the append fails, the key is deleted again (see keySubject).
		id, err := s.newID()
		if err != nil {
			return nil, nil, err
		}
		key, err := s.randBytes(dataKeyLen)
		if err != nil {
			return nil, nil, err
		}
		sl, err := newSealer(key)
		if err != nil {
			return nil, nil, err
		}
		if err := s.l.PutSecret(keySubject(e.ID, id), key); err != nil {
			return nil, nil, fmt.Errorf("attendance: %s: store data key: %w", op, err)
		}
		attempts = append(attempts, id)
		p := &EmployeeRegistered{EmployeeID: e.ID, ManagerID: e.ManagerID, Site: e.Site, PolicyID: e.PolicyID, TimeZone: e.TimeZone, JoinedOn: dateText(e.JoinedOn), LeftOn: dateText(e.LeftOn)}
		if e.Personal != nil {
			if p.Sealed, err = sealValue(sl, st.stream, id, "personal", e.Personal); err != nil {
				return nil, nil, err
			}
		}
		ev, err := s.propose(p, id, s.now(), a)
		return []ledger.Proposed{ev}, nil, err
	})
	// Delete the keys of attempts whose registration did not commit (a lost race, a
	// failed append). An attempt is judged by the ledger, not by the error: an append
	// can fail to report a commit (a cancelled context).
	for _, id := range attempts {
		if _, lerr := s.l.Lookup(id); lerr == nil || !isNotFound(lerr) {
			continue
		}
		if derr := s.l.DeleteSecret(ctx, keySubject(e.ID, id)); derr != nil {
			s.log.Warn("attendance: could not delete the key of a failed registration", "employee", e.ID, "err", derr)
		}
	}
	return r, err
}

// UpdateEmployee replaces an employee's record (hr or admin). Every field is the new
// value; Personal nil keeps the personal data as it is.
func (s *Service) UpdateEmployee(ctx context.Context, a Actor, e Employee) (Receipt, error) {
	const op = "UpdateEmployee"
	w, err := s.resolve(ctx, a)
	if err != nil {
		return Receipt{}, err
	}
	if err := w.needHR(op, EmployeeStream(e.ID)); err != nil {
		return Receipt{}, err
	}
	if err := e.validate(op); err != nil {
		return Receipt{}, err
	}
	return s.onEmployee(ctx, op, e.ID, func(st *employeeState) ([]ledger.Proposed, *Receipt, error) {
		if err := existing(st); err != nil {
			return nil, nil, err
		}
		id, err := s.newID()
		if err != nil {
			return nil, nil, err
		}
		p := &EmployeeUpdated{EmployeeID: e.ID, ManagerID: e.ManagerID, Site: e.Site, PolicyID: e.PolicyID, TimeZone: e.TimeZone, JoinedOn: dateText(e.JoinedOn), LeftOn: dateText(e.LeftOn)}
		if e.Personal != nil {
			if p.Sealed, err = s.sealValueFor(st, id, "personal", e.Personal); err != nil {
				return nil, nil, err
			}
		}
		ev, err := s.propose(p, id, s.now(), a)
		return []ledger.Proposed{ev}, nil, err
	})
}

// Device is a device to bind.
type Device struct {
	ID        string            // opaque app-installation ID
	PublicKey ed25519.PublicKey // nil when the device does not sign punches
	Details   *DeviceDetails    // model, OS, app version; sealed in the log
}

func (d *Device) validate(op string) error {
	if err := validID("device ID", d.ID); err != nil {
		return invalid(op, "Device.ID", err.Error())
	}
	if d.PublicKey != nil && len(d.PublicKey) != ed25519.PublicKeySize {
		return invalid(op, "Device.PublicKey", fmt.Sprintf("%d bytes, want %d", len(d.PublicKey), ed25519.PublicKeySize))
	}
	return nil
}

// BindDevice binds a device to the employee: the employee himself while no device is
// bound, or hr/admin. A second device needs the first unbound (ErrDeviceAlreadyBound):
// hr unbinds it, or the employee requests a rebind that his manager approves.
func (s *Service) BindDevice(ctx context.Context, a Actor, employeeID string, d Device) (Receipt, error) {
	const op = "BindDevice"
	w, err := s.resolve(ctx, a)
	if err != nil {
		return Receipt{}, err
	}
	return s.onEmployee(ctx, op, employeeID, func(st *employeeState) ([]ledger.Proposed, *Receipt, error) {
		if !w.isSelf(st) && !w.hr() {
			return nil, nil, forbidden(a, op, st.stream, "only the employee or hr binds a device")
		}
		if err := existing(st); err != nil {
			return nil, nil, err
		}
		if err := d.validate(op); err != nil {
			return nil, nil, err
		}
		if len(st.devices) > 0 {
			return nil, nil, fmt.Errorf("%w: %s has %s; unbind it first", ErrDeviceAlreadyBound, employeeID, st.devices[0].ID)
		}
		ev, err := s.bindEvent(st, a, d, [16]byte{})
		return []ledger.Proposed{ev}, nil, err
	})
}

func (s *Service) bindEvent(st *employeeState, a Actor, d Device, request [16]byte) (ledger.Proposed, error) {
	id, err := s.newID()
	if err != nil {
		return ledger.Proposed{}, err
	}
	p := &DeviceBound{DeviceID: d.ID, PublicKey: []byte(d.PublicKey), RequestID: request}
	if len(p.PublicKey) == 0 {
		p.PublicKey = nil
	}
	if d.Details != nil {
		if p.Sealed, err = s.sealValueFor(st, id, "device", d.Details); err != nil {
			return ledger.Proposed{}, err
		}
	}
	return s.propose(p, id, s.now(), a)
}

// UnbindDevice ends a device's binding (hr or admin). reason is a code ("lost",
// "broken", "replaced", "left", "other").
func (s *Service) UnbindDevice(ctx context.Context, a Actor, employeeID, deviceID, reason string) (Receipt, error) {
	const op = "UnbindDevice"
	w, err := s.resolve(ctx, a)
	if err != nil {
		return Receipt{}, err
	}
	if err := w.needHR(op, EmployeeStream(employeeID)); err != nil {
		return Receipt{}, err
	}
	if err := validCode(op, "reason", reason); err != nil {
		return Receipt{}, err
	}
	return s.onEmployee(ctx, op, employeeID, func(st *employeeState) ([]ledger.Proposed, *Receipt, error) {
		if err := existing(st); err != nil {
			return nil, nil, err
		}
		if _, ok := st.device(deviceID); !ok {
			return nil, nil, fmt.Errorf("%w: %q to %s", ErrDeviceNotBound, deviceID, employeeID)
		}
		ev, err := s.propose(&DeviceUnbound{DeviceID: deviceID, Reason: reason}, ledger.ID{}, s.now(), a)
		return []ledger.Proposed{ev}, nil, err
	})
}

// RebindRequest is an employee's request to replace his bound device.
type RebindRequest struct {
	ID     ledger.ID // optional: makes a retried request idempotent
	Device Device    // the new device
	Reason string    // a code: "lost", "broken", "replaced", "other"
}

// RequestRebind records the employee's request to replace his bound device (a broken
// or lost phone). His manager (or hr, an admin) approves it with ApproveRebind.
func (s *Service) RequestRebind(ctx context.Context, a Actor, employeeID string, r RebindRequest) (Receipt, error) {
	const op = "RequestRebind"
	w, err := s.resolve(ctx, a)
	if err != nil {
		return Receipt{}, err
	}
	if err := r.Device.validate(op); err != nil {
		return Receipt{}, err
	}
	if err := validCode(op, "Reason", r.Reason); err != nil {
		return Receipt{}, err
	}
	return s.onEmployee(ctx, op, employeeID, onExisting(w.needSelf, op, func(st *employeeState) ([]ledger.Proposed, *Receipt, error) {
		if rc, ok, err := s.repeat(st, r.ID, TypeDeviceRebindRequested); ok || err != nil {
			return nil, rc, err
		}
		id, err := s.idOr(r.ID)
		if err != nil {
			return nil, nil, err
		}
		p := &DeviceRebindRequested{NewDeviceID: r.Device.ID, PublicKey: []byte(r.Device.PublicKey), Reason: r.Reason}
		if len(p.PublicKey) == 0 {
			p.PublicKey = nil
		}
		if len(st.devices) > 0 {
			p.OldDeviceID = st.devices[0].ID
		}
		if r.Device.Details != nil {
			if p.Sealed, err = s.sealValueFor(st, id, "device", r.Device.Details); err != nil {
				return nil, nil, err
			}
		}
		ev, err := s.propose(p, id, s.now(), a)
		return []ledger.Proposed{ev}, nil, err
	}))
}

// ApproveRebind approves a pending rebind request (the manager, hr or an admin; not
// the employee): the old device is unbound and the new one bound, atomically.
func (s *Service) ApproveRebind(ctx context.Context, a Actor, employeeID string, requestID ledger.ID) (Receipt, error) {
	return s.decideRebind(ctx, "ApproveRebind", a, employeeID, requestID, true, "")
}

// RejectRebind rejects a pending rebind request.
func (s *Service) RejectRebind(ctx context.Context, a Actor, employeeID string, requestID ledger.ID, reason string) (Receipt, error) {
	return s.decideRebind(ctx, "RejectRebind", a, employeeID, requestID, false, reason)
}

func (s *Service) decideRebind(ctx context.Context, op string, a Actor, employeeID string, requestID ledger.ID, approve bool, reason string) (Receipt, error) {
	w, err := s.resolve(ctx, a)
	if err != nil {
		return Receipt{}, err
	}
	if !approve {
		if err := validCode(op, "reason", reason); err != nil {
			return Receipt{}, err
		}
	}
	return s.onEmployee(ctx, op, employeeID, onExisting(w.decider, op, func(st *employeeState) ([]ledger.Proposed, *Receipt, error) {
		r := st.rebinds[requestID]
		if r == nil {
			return nil, nil, fmt.Errorf("%w: rebind %s", ErrUnknownRequest, requestID)
		}
		if r.Status != statusPending {
			return nil, nil, fmt.Errorf("%w: rebind %s is %s", ErrAlreadyDecided, requestID, r.Status)
		}
		if !approve {
			ev, err := s.propose(&DeviceRebindRejected{RequestID: requestID, Reason: reason}, ledger.ID{}, s.now(), a)
			return []ledger.Proposed{ev}, nil, err
		}
		var evs []ledger.Proposed
		for _, d := range st.devices {
			ev, err := s.propose(&DeviceUnbound{DeviceID: d.ID, Reason: orCode(r.Reason, "replaced"), RequestID: requestID}, ledger.ID{}, s.now(), a)
			if err != nil {
				return nil, nil, err
			}
			evs = append(evs, ev)
		}
		// The new binding carries the request's sealed details as they were sealed
		// for the request event: re-seal them for the new event.
		d := Device{ID: r.NewDeviceID, PublicKey: r.PublicKey}
		var det DeviceDetails
		if sl, _ := s.sealerFor(st); sl != nil {
			if ok, err := openValue(sl, st.stream, requestID, "device", r.Sealed, &det); err == nil && ok {
				d.Details = &det
			}
		}
		ev, err := s.bindEvent(st, a, d, requestID)
		if err != nil {
			return nil, nil, err
		}
		return append(evs, ev), nil, nil
	}))
}

func orCode(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// validCode accepts short codes ("broken", "request") made of [a-z0-9_]: codes are
// stored in plaintext, so they must never carry free text.
func validCode(op, field, s string) error {
	if s == "" {
		return invalid(op, field, "empty code")
	}
	if len(s) > 32 {
		return invalid(op, field, "code longer than 32")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return invalid(op, field, fmt.Sprintf("code %q: only [a-z0-9_]", s))
		}
	}
	return nil
}

// repeat handles a caller-chosen request ID: if an event with that ID exists in the
// employee's stream with the expected type, the request is a retry and its original
// receipt is returned (ok true). An ID used for something else is ErrInvalid.
func (s *Service) repeat(st *employeeState, id ledger.ID, typ string) (*Receipt, bool, error) {
	if id.IsZero() {
		return nil, false, nil
	}
	e, err := s.l.Lookup(id)
	if err != nil {
		if isNotFound(err) {
			return nil, false, nil
		}
		return nil, false, err
	}
	if e.Stream != st.stream || e.Type != typ {
		return nil, false, invalid("request", "ID", fmt.Sprintf("%s already names a %s in %s", id, e.Type, e.Stream))
	}
	r := receiptOfEvent(&e)
	return &r, true, nil
}

// VoidPunch takes a punch out of evaluation (the manager, hr or an admin; never the
// employee himself — he requests a correction instead). The punch stays in the log.
func (s *Service) VoidPunch(ctx context.Context, a Actor, employeeID string, punchID ledger.ID, reason string) (Receipt, error) {
	const op = "VoidPunch"
	w, err := s.resolve(ctx, a)
	if err != nil {
		return Receipt{}, err
	}
	if err := validCode(op, "reason", reason); err != nil {
		return Receipt{}, err
	}
	return s.onEmployee(ctx, op, employeeID, onExisting(w.decider, op, func(st *employeeState) ([]ledger.Proposed, *Receipt, error) {
		voided, ok := st.punches[punchID]
		if !ok {
			return nil, nil, fmt.Errorf("%w: %s in %s", ErrUnknownPunch, punchID, st.stream)
		}
		if voided {
			return nil, nil, fmt.Errorf("%w: %s", ErrAlreadyVoided, punchID)
		}
		ev, err := s.propose(&PunchVoided{PunchID: punchID, Reason: reason}, ledger.ID{}, s.now(), a)
		return []ledger.Proposed{ev}, nil, err
	}))
}

// AssignShift rosters the employee (his manager, hr or an admin; not himself): a
// shift of his policy, or a rest day (Off), for every day of [From, To].
func (s *Service) AssignShift(ctx context.Context, a Actor, employeeID string, as rules.Assignment) (Receipt, error) {
	const op = "AssignShift"
	w, err := s.resolve(ctx, a)
	if err != nil {
		return Receipt{}, err
	}
	if !as.From.IsValid() || !as.To.IsValid() || as.To.Before(as.From) {
		return Receipt{}, invalid(op, "From/To", fmt.Sprintf("%s–%s is not a date range", as.From, as.To))
	}
	if as.To.DaysSince(as.From) > 366 {
		return Receipt{}, invalid(op, "From/To", "longer than a year")
	}
	if as.Off {
		as.Shift = ""
	}
	return s.onEmployee(ctx, op, employeeID, onExisting(w.decider, op, func(st *employeeState) ([]ledger.Proposed, *Receipt, error) {
		if !as.Off {
			pv, err := s.policyOn(ctx, st.rec.PolicyID, as.From)
			if err != nil {
				return nil, nil, err
			}
			if !hasShift(pv.policy, as.Shift) {
				return nil, nil, invalid(op, "Shift", fmt.Sprintf("policy %s v%d has no shift %q", pv.policy.ID, pv.policy.Version, as.Shift))
			}
		}
		ev, err := s.propose(&ShiftAssigned{From: as.From.String(), To: as.To.String(), Shift: as.Shift, Off: as.Off}, ledger.ID{}, s.now(), a)
		return []ledger.Proposed{ev}, nil, err
	}))
}

func hasShift(p *rules.Policy, name string) bool {
	for _, sh := range p.Shifts {
		if sh.Name == name {
			return true
		}
	}
	return false
}

// Leave is leave to record.
type Leave struct {
	From, To rules.Date
	Kind     string // a code: "vacation", "sick", "unpaid", ...
	Minutes  int    // per day; 0 for whole days
	Note     string // free text; sealed
}

// RecordLeave records leave (the manager, hr or an admin; not the employee himself).
func (s *Service) RecordLeave(ctx context.Context, a Actor, employeeID string, lv Leave) (Receipt, error) {
	const op = "RecordLeave"
	w, err := s.resolve(ctx, a)
	if err != nil {
		return Receipt{}, err
	}
	if !lv.From.IsValid() || !lv.To.IsValid() || lv.To.Before(lv.From) {
		return Receipt{}, invalid(op, "From/To", fmt.Sprintf("%s–%s is not a date range", lv.From, lv.To))
	}
	if err := validCode(op, "Kind", lv.Kind); err != nil {
		return Receipt{}, err
	}
	if lv.Minutes < 0 || lv.Minutes > 24*60 {
		return Receipt{}, invalid(op, "Minutes", "not within a day")
	}
	return s.onEmployee(ctx, op, employeeID, onExisting(w.decider, op, func(st *employeeState) ([]ledger.Proposed, *Receipt, error) {
		id, err := s.newID()
		if err != nil {
			return nil, nil, err
		}
		p := &LeaveRecorded{From: lv.From.String(), To: lv.To.String(), Kind: lv.Kind, Minutes: int32(lv.Minutes)}
		if lv.Note != "" {
			if p.Sealed, err = s.sealFor(st, id, "note", []byte(lv.Note)); err != nil {
				return nil, nil, err
			}
		}
		ev, err := s.propose(p, id, s.now(), a)
		return []ledger.Proposed{ev}, nil, err
	}))
}

// WorkLocationReport is a place an employee works from.
type WorkLocationReport struct {
	ID      ledger.ID // optional: makes a retried report idempotent
	Kind    string    // "home" or "client"
	Label   string    // sealed
	Address string    // sealed
	Center  geofence.Point
	RadiusM float64 // 10 to 5,000 metres
}

// ReportWorkLocation records a place the employee works from (the employee himself).
// Once his manager approves it, it is a zone named "worklocation:<ID>" for his punches.
func (s *Service) ReportWorkLocation(ctx context.Context, a Actor, employeeID string, r WorkLocationReport) (Receipt, error) {
	const op = "ReportWorkLocation"
	w, err := s.resolve(ctx, a)
	if err != nil {
		return Receipt{}, err
	}
	if r.Kind != "home" && r.Kind != "client" {
		return Receipt{}, invalid(op, "Kind", fmt.Sprintf("%q: want home or client", r.Kind))
	}
	if err := r.Center.Validate(); err != nil {
		return Receipt{}, invalid(op, "Center", err.Error())
	}
	if !(r.RadiusM >= 10 && r.RadiusM <= 5000) {
		return Receipt{}, invalid(op, "RadiusM", "not within 10–5000 m")
	}
	return s.onEmployee(ctx, op, employeeID, onExisting(w.needSelf, op, func(st *employeeState) ([]ledger.Proposed, *Receipt, error) {
		if rc, ok, err := s.repeat(st, r.ID, TypeWorkLocationReported); ok || err != nil {
			return nil, rc, err
		}
		// An erased employee has no data key: refuse before an ID is drawn.
		if _, err := s.mustSealer(st); err != nil {
			return nil, nil, err
		}
		id, err := s.idOr(r.ID)
		if err != nil {
			return nil, nil, err
		}
		loc := &WorkLocation{Label: r.Label, Address: r.Address, Lat: r.Center.Lat, Lon: r.Center.Lon, Radius: r.RadiusM}
		sealed, err := s.sealValueFor(st, id, "worklocation", loc)
		if err != nil {
			return nil, nil, err
		}
		ev, err := s.propose(&WorkLocationReported{Kind: r.Kind, Sealed: sealed}, id, s.now(), a)
		return []ledger.Proposed{ev}, nil, err
	}))
}

// ApproveWorkLocation approves a reported work location (the manager, hr or an admin).
func (s *Service) ApproveWorkLocation(ctx context.Context, a Actor, employeeID string, locationID ledger.ID) (Receipt, error) {
	return s.decideLocation(ctx, "ApproveWorkLocation", a, employeeID, locationID, true, "")
}

// RejectWorkLocation rejects a reported work location.
func (s *Service) RejectWorkLocation(ctx context.Context, a Actor, employeeID string, locationID ledger.ID, reason string) (Receipt, error) {
	return s.decideLocation(ctx, "RejectWorkLocation", a, employeeID, locationID, false, reason)
}

func (s *Service) decideLocation(ctx context.Context, op string, a Actor, employeeID string, locationID ledger.ID, approve bool, reason string) (Receipt, error) {
	w, err := s.resolve(ctx, a)
	if err != nil {
		return Receipt{}, err
	}
	if !approve {
		if err := validCode(op, "reason", reason); err != nil {
			return Receipt{}, err
		}
	}
	return s.onEmployee(ctx, op, employeeID, onExisting(w.decider, op, func(st *employeeState) ([]ledger.Proposed, *Receipt, error) {
		l := st.locations[locationID]
		if l == nil {
			return nil, nil, fmt.Errorf("%w: work location %s", ErrUnknownRequest, locationID)
		}
		if l.Status != statusPending {
			return nil, nil, fmt.Errorf("%w: work location %s is %s", ErrAlreadyDecided, locationID, l.Status)
		}
		var p ledger.Payload = &WorkLocationApproved{RequestID: locationID}
		if !approve {
			p = &WorkLocationRejected{RequestID: locationID, Reason: reason}
		}
		ev, err := s.propose(p, ledger.ID{}, s.now(), a)
		return []ledger.Proposed{ev}, nil, err
	}))
}

// EraseSubject erases an employee (hr or an admin; not himself): it records
// subject.erased and then destroys the employee's data key (ledger.DeleteSecret, which
// purges it from disk). Afterwards nothing sealed about him can be opened, the log
// still verifies, and no command records anything more about him. Erasing an erased
// employee again only repeats the key purge (for a purge cut short by ctx).
func (s *Service) EraseSubject(ctx context.Context, a Actor, employeeID, reason string) (Receipt, error) {
	const op = "EraseSubject"
	w, err := s.resolve(ctx, a)
	if err != nil {
		return Receipt{}, err
	}
	if err := validCode(op, "reason", reason); err != nil {
		return Receipt{}, err
	}
	var registration [16]byte
	r, err := s.onEmployee(ctx, op, employeeID, func(st *employeeState) ([]ledger.Proposed, *Receipt, error) {
		if w.isSelf(st) {
			return nil, nil, forbidden(a, op, st.stream, "nobody erases himself")
		}
		if err := w.needHR(op, st.stream); err != nil {
			return nil, nil, err
		}
		if !st.exists {
			return nil, nil, errUnknown(employeeID)
		}
		registration = st.registration
		st.sealer = nil
		if st.erased {
			return nil, &Receipt{Duplicate: true}, nil
		}
		ev, err := s.propose(&SubjectErased{Reason: reason}, ledger.ID{}, s.now(), a)
		return []ledger.Proposed{ev}, nil, err
	})
	if err != nil {
		return Receipt{}, err
	}
	if err := s.l.DeleteSecret(ctx, keySubject(employeeID, registration)); err != nil {
		return r, fmt.Errorf("attendance: %s: purge data key (recorded as erased; call again to finish): %w", op, err)
	}
	return r, nil
}
