package attendance

import (
	"context"
	"slices"
)

// Authorization.
//
// The embedding application authenticates callers and passes an Actor; everything an
// Actor may do follows from the ledger:
//
//   - roles (hr, admin, auditor) from role.granted / role.revoked in the org stream;
//     admin includes every power of hr;
//   - managers from the ManagerID in each employee's own stream;
//   - devices from device.bound / device.unbound in each employee's stream.
//
// Who may do what (self = the employee the command is about; manager = his manager):
//
//	command                         self  manager  hr  admin  auditor  device  system
//	Bootstrap (empty org only)       -      -      -    -       -        -       yes (or an employee making himself admin)
//	GrantRole, RevokeRole            -      -      -   yes      -        -       -
//	PublishPolicy                    -      -      -   yes      -        -       -
//	RegisterEmployee, UpdateEmployee -      -     yes  yes      -        -       -
//	BindDevice                      yes*    -     yes  yes      -        -       -      *only while none is bound
//	UnbindDevice                     -      -     yes  yes      -        -       -
//	RequestRebind                   yes     -      -    -       -        -       -
//	ApproveRebind, RejectRebind      -     yes    yes  yes      -        -       -
//	RecordPunch, SyncOffline        yes     -      -    -       -       yes*    yes     *a device bound to self
//	VoidPunch                        -     yes    yes  yes      -        -       -
//	RequestCorrection, Withdraw…    yes     -      -    -       -        -       -
//	Approve/Reject/DecideCorrection  -     yes*   yes  yes      -        -       -      *unless the policy's approver is admin
//	AssignShift, RecordLeave         -     yes    yes  yes      -        -       -
//	ClosePayPeriod                   -      -     yes  yes      -        -       yes
//	ReportWorkLocation              yes     -      -    -       -        -       -
//	Approve/RejectWorkLocation       -     yes    yes  yes      -        -       -
//	EraseSubject                     -      -     yes  yes      -        -       -
//	Employee, CanRead (read)        yes    yes    yes  yes     yes       -       -
//	AccessRequest (read)            yes     -     yes  yes      -        -       -
//	PunchEvidence (read)            yes    yes    yes  yes      -        -       -
//	Export (read; personal: hr/admin) -     -     yes  yes     yes       -       -
//	Roles (one's own roles)         yes    yes    yes  yes     yes      yes     yes
//
// Nobody decides his own request (correction, rebind, work location), voids his own
// punch, rosters himself or erases himself, whatever his roles. An auditor never
// writes in that capacity. Refusals are *ForbiddenError (errors.Is ErrForbidden), and
// write nothing.

// who is an Actor with its roles resolved.
type who struct {
	Actor
	roles []Role
}

func (s *Service) resolve(ctx context.Context, a Actor) (who, error) {
	if err := a.Validate(); err != nil {
		return who{}, err
	}
	w := who{Actor: a}
	if a.Kind != KindEmployee {
		return w, nil
	}
	org, err := s.orgView(ctx)
	if err != nil {
		return who{}, err
	}
	w.roles = org.roles[a.ID]
	return w, nil
}

func (w who) has(r Role) bool {
	if w.Kind != KindEmployee {
		return false
	}
	if r == RoleHR && slices.Contains(w.roles, RoleAdmin) {
		return true
	}
	return slices.Contains(w.roles, r)
}

// hr reports whether w holds hr or admin.
func (w who) hr() bool { return w.has(RoleHR) }

func (w who) isSelf(st *employeeState) bool { return w.Kind == KindEmployee && w.ID == st.id }

func (w who) manages(st *employeeState) bool {
	return w.Kind == KindEmployee && st.exists && st.rec.ManagerID != "" && st.rec.ManagerID == w.ID
}

// boundDevice reports whether w is a device bound to st's employee.
func (w who) boundDevice(st *employeeState) bool {
	if w.Kind != KindDevice {
		return false
	}
	_, ok := st.device(w.ID)
	return ok
}

// decider checks the common rule for decisions about an employee (by his manager, hr
// or admin, never by himself).
func (w who) decider(op string, st *employeeState) error {
	if w.isSelf(st) {
		return forbidden(w.Actor, op, st.stream, "nobody decides his own request")
	}
	if w.manages(st) || w.hr() {
		return nil
	}
	return forbidden(w.Actor, op, st.stream, "only the employee's manager, hr or an admin decides")
}

// needSelf checks that w is the employee himself.
func (w who) needSelf(op string, st *employeeState) error {
	if w.isSelf(st) {
		return nil
	}
	return forbidden(w.Actor, op, st.stream, "an employee acts only for himself")
}

// needHR checks that w holds hr or admin.
func (w who) needHR(op, subject string) error {
	if w.hr() {
		return nil
	}
	return forbidden(w.Actor, op, subject, "needs the hr or admin role")
}

// canRead reports whether w may read the employee's records.
func (w who) canRead(st *employeeState) bool {
	return w.isSelf(st) || w.manages(st) || w.hr() || w.has(RoleAuditor)
}

// existing checks, after authorization, that the employee exists and is not erased.
func existing(st *employeeState) error {
	if !st.exists {
		return errUnknown(st.id)
	}
	if st.erased {
		return errErased(st.id)
	}
	return nil
}

func errUnknown(id string) error { return &subjectError{ErrUnknownEmployee, id} }
func errErased(id string) error  { return &subjectError{ErrErased, id} }

type subjectError struct {
	kind error
	id   string
}

func (e *subjectError) Error() string        { return e.kind.Error() + ": " + e.id }
func (e *subjectError) Is(target error) bool { return target == e.kind }

// CanReadEmployee is the read rule as a pure function, for readers (projections) that
// hold the facts themselves: a may read the records of employee employeeID, whose
// manager is managerID, when a is that employee, his manager, or holds one of roles
// hr, admin or auditor (roles are a's roles from the org stream; see Service.Roles).
// It returns nil or a *ForbiddenError.
func CanReadEmployee(a Actor, roles []Role, employeeID, managerID string) error {
	w := who{Actor: a, roles: roles}
	if a.Kind == KindEmployee && (a.ID == employeeID || managerID != "" && a.ID == managerID) || w.hr() || w.has(RoleAuditor) {
		return nil
	}
	return forbidden(a, "read", EmployeeStream(employeeID), "an employee reads his own records, a manager his team's")
}

// Roles returns the roles a holds now (sorted; none for devices and the system).
func (s *Service) Roles(ctx context.Context, a Actor) ([]Role, error) {
	w, err := s.resolve(ctx, a)
	if err != nil {
		return nil, err
	}
	return slices.Clone(w.roles), nil
}
