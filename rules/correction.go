package rules

import (
	"errors"
	"fmt"
	"time"
)

// CorrectionRequest is an employee's request to correct a day (a make-up request).
type CorrectionRequest struct {
	Kind     CorrectionKind
	Date     Date      // the attendance date to correct
	At       time.Time // the claimed time (missing_in, missing_out, change)
	PunchID  string    // the punch to change or void
	Evidence []string  // references to evidence (e.g. SHA-256 of an attachment)
	Reason   string
}

// Errors of CheckCorrection, wrapped in *CorrectionError.
var (
	ErrCorrectionInvalid  = errors.New("rules: correction request incomplete")
	ErrCorrectionKind     = errors.New("rules: correction kind not allowed")
	ErrCorrectionLimit    = errors.New("rules: correction limit reached")
	ErrCorrectionDeadline = errors.New("rules: correction deadline passed")
	ErrEvidenceRequired   = errors.New("rules: correction needs evidence")
)

// CorrectionError says why a correction request is refused: Err is one of the
// ErrCorrection… sentinels (errors.Is works), Clause the policy path behind it.
type CorrectionError struct {
	Err    error
	Clause string
	Detail string
}

func (e *CorrectionError) Error() string {
	return e.Err.Error() + ": " + e.Detail + " (" + e.Clause + ")"
}

// Unwrap returns the sentinel.
func (e *CorrectionError) Unwrap() error { return e.Err }

// CheckCorrection checks a request against the corrections policy: the kind is
// allowed, the request is complete, evidence is attached if required, it is made
// within the deadline (counted from the corrected day to the local date of
// requestedAt, in calendar days or in working days of the policy's default week and
// calendar), and usedInPeriod (requests already made in the request's limit period,
// see CorrectionPeriod) is below the limit. It returns nil or a *CorrectionError.
func (p *Policy) CheckCorrection(req CorrectionRequest, usedInPeriod int, requestedAt time.Time) error {
	c, err := p.compiledPolicy()
	if err != nil {
		return err
	}
	cp := &p.Corrections
	fail := func(e error, clause, format string, args ...any) error {
		return &CorrectionError{Err: e, Clause: clause, Detail: fmt.Sprintf(format, args...)}
	}
	if !req.Date.IsValid() {
		return fail(ErrCorrectionInvalid, "corrections", "no valid date")
	}
	bit := correctionBit(req.Kind)
	if bit == 0 || c.corrAllow&bit == 0 {
		return fail(ErrCorrectionKind, "corrections.allowed", "kind %q is not allowed", req.Kind)
	}
	switch req.Kind {
	case CorrectMissingIn, CorrectMissingOut:
		if req.At.IsZero() {
			return fail(ErrCorrectionInvalid, "corrections.allowed", "%s needs a time", req.Kind)
		}
	case CorrectChange:
		if req.At.IsZero() || req.PunchID == "" {
			return fail(ErrCorrectionInvalid, "corrections.allowed", "change needs a punch and a time")
		}
	case CorrectVoid:
		if req.PunchID == "" {
			return fail(ErrCorrectionInvalid, "corrections.allowed", "void needs a punch")
		}
	}
	if cp.EvidenceRequired {
		n := 0
		for _, e := range req.Evidence {
			if e != "" {
				n++
			}
		}
		if n == 0 {
			return fail(ErrEvidenceRequired, "corrections.evidence_required", "no evidence attached")
		}
	}
	reqDate := DateOf(requestedAt.In(c.loc))
	if reqDate.Before(req.Date) {
		return fail(ErrCorrectionInvalid, "corrections", "day %s has not begun on %s", req.Date, reqDate)
	}
	if cp.Deadline > 0 {
		if cp.DeadlineUnit == WorkingDays {
			n := 0
			var empty Roster
			for d := req.Date.AddDays(1); !d.After(reqDate) && n <= cp.Deadline; d = d.AddDays(1) {
				if c.planDay(d, &empty).kind == DayWorking {
					n++
				}
			}
			if n > cp.Deadline {
				return fail(ErrCorrectionDeadline, "corrections.deadline", "requested %s, more than %d working days after %s", reqDate, cp.Deadline, req.Date)
			}
		} else if days := reqDate.DaysSince(req.Date); days > cp.Deadline {
			return fail(ErrCorrectionDeadline, "corrections.deadline", "requested %s, %d days after %s (limit %d)", reqDate, days, req.Date, cp.Deadline)
		}
	}
	if cp.Limit > 0 && usedInPeriod >= cp.Limit {
		from, to := p.CorrectionPeriod(req.Date)
		return fail(ErrCorrectionLimit, "corrections.limit", "%d of %d requests used in %s–%s", usedInPeriod, cp.Limit, from, to)
	}
	return nil
}

// CorrectionPeriod returns the period [from, to] (inclusive) over which the
// correction limit counts requests for day d: its calendar month or its pay period.
func (p *Policy) CorrectionPeriod(d Date) (from, to Date) {
	if p.Corrections.LimitPer == PerPayPeriod {
		return p.PeriodOf(d)
	}
	from = Date{d.Year, d.Month, 1}
	return from, monthShift(from, 1).AddDays(-1)
}

// CorrectionApprover returns who approves corrections (default "manager").
func (p *Policy) CorrectionApprover() Approver {
	if p.Corrections.Approver == "" {
		return ApproverManager
	}
	return p.Corrections.Approver
}
