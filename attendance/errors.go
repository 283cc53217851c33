package attendance

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every refusal of a command wraps one of them (check with errors.Is)
// and writes nothing to the ledger.
var (
	// ErrForbidden: the actor may not do this to this subject; see *ForbiddenError.
	ErrForbidden = errors.New("attendance: forbidden")
	// ErrInvalid: the request itself is malformed; see *InvalidError.
	ErrInvalid = errors.New("attendance: invalid request")
	// ErrUnknownEmployee: the employee stream does not exist.
	ErrUnknownEmployee = errors.New("attendance: unknown employee")
	// ErrEmployeeExists: RegisterEmployee for an ID that is already registered.
	ErrEmployeeExists = errors.New("attendance: employee already registered")
	// ErrErased: the subject was erased; nothing more can be recorded about it.
	ErrErased = errors.New("attendance: subject erased")
	// ErrUnknownPolicy: no policy with that ID has been published, or none is in force
	// on the date in question.
	ErrUnknownPolicy = errors.New("attendance: unknown policy")
	// ErrLimitExceeded: a correction over the policy's limit per month or pay cycle.
	ErrLimitExceeded = errors.New("attendance: correction limit exceeded")
	// ErrDeadlinePassed: a correction requested after the policy's deadline.
	ErrDeadlinePassed = errors.New("attendance: correction deadline passed")
	// ErrEvidenceRequired: the policy requires evidence for this kind of correction.
	ErrEvidenceRequired = errors.New("attendance: evidence required")
	// ErrKindNotAllowed: the policy does not allow this kind of correction.
	ErrKindNotAllowed = errors.New("attendance: correction kind not allowed")
	// ErrDeviceAlreadyBound: the employee already has a bound device; unbind it first
	// (HR) or request a rebind (the employee) that the manager approves.
	ErrDeviceAlreadyBound = errors.New("attendance: a device is already bound")
	// ErrDeviceNotBound: the device named is not bound to the employee.
	ErrDeviceNotBound = errors.New("attendance: device not bound")
	// ErrUnknownRequest: no pending correction, rebind or work-location request with
	// that ID in the employee's stream.
	ErrUnknownRequest = errors.New("attendance: unknown request")
	// ErrAlreadyDecided: the request was already approved, rejected or withdrawn.
	ErrAlreadyDecided = errors.New("attendance: request already decided")
	// ErrUnknownPunch: no punch with that ID in the employee's stream.
	ErrUnknownPunch = errors.New("attendance: unknown punch")
	// ErrAlreadyVoided: the punch was already voided.
	ErrAlreadyVoided = errors.New("attendance: punch already voided")
	// ErrPeriodClosed: the pay period overlaps one that is already closed.
	ErrPeriodClosed = errors.New("attendance: pay period already closed")
	// ErrBootstrapped: Bootstrap on a ledger whose org stream already exists.
	ErrBootstrapped = errors.New("attendance: org already bootstrapped")
	// ErrDuplicatePunch: a punch ID that already names a different punch.
	ErrDuplicatePunch = errors.New("attendance: punch ID already used for a different punch")
	// ErrBusy: the subject's stream kept changing under the command (optimistic
	// concurrency retries exhausted). Safe to retry.
	ErrBusy = errors.New("attendance: stream busy, retry")
)

// ForbiddenError says who was refused what, on which subject, and why.
type ForbiddenError struct {
	Actor   Actor  // who asked
	Action  string // the command or read, e.g. "ApproveCorrection"
	Subject string // the stream it concerned, e.g. "employee/E1001"
	Reason  string // why, e.g. "nobody decides his own correction"
}

func (e *ForbiddenError) Error() string {
	return fmt.Sprintf("attendance: %s may not %s %s: %s", e.Actor, e.Action, e.Subject, e.Reason)
}

// Is makes errors.Is(err, ErrForbidden) true.
func (e *ForbiddenError) Is(target error) bool { return target == ErrForbidden }

// InvalidError names the field of a request that is wrong.
type InvalidError struct {
	Action  string // the command
	Field   string // e.g. "Punches[3].At"
	Problem string // e.g. "zero time"
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("attendance: %s: invalid %s: %s", e.Action, e.Field, e.Problem)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// CorrectionRefusedError is a correction request the policy refuses. Cause is the
// rules package's error; Kind is one of ErrLimitExceeded, ErrDeadlinePassed,
// ErrEvidenceRequired or ErrKindNotAllowed, and errors.Is matches both.
type CorrectionRefusedError struct {
	Kind     error
	PolicyID string
	Version  int
	Cause    error
}

func (e *CorrectionRefusedError) Error() string {
	return fmt.Sprintf("%v (policy %s v%d): %v", e.Kind, e.PolicyID, e.Version, e.Cause)
}

// Is matches the Kind sentinel.
func (e *CorrectionRefusedError) Is(target error) bool { return target == e.Kind }

// Unwrap returns the rules package's error.
func (e *CorrectionRefusedError) Unwrap() error { return e.Cause }

func forbidden(a Actor, action, subject, reason string) error {
	return &ForbiddenError{Actor: a, Action: action, Subject: subject, Reason: reason}
}

func invalid(action, field, problem string) error {
	return &InvalidError{Action: action, Field: field, Problem: problem}
}
