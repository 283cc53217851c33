package attendance

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

// CorrectionInput is an employee's request to correct a day.
type CorrectionInput struct {
	ID        ledger.ID // optional: makes a retried request idempotent
	Day       rules.Date
	Kind      rules.CorrectionKind
	PunchKind rules.PunchKind // of the punch added or changed (missing_in/out: implied)
	At        time.Time       // the claimed time (missing_in, missing_out, change)
	PunchID   ledger.ID       // the punch changed or voided (change, void)
	Evidence  []EvidenceRef
	Reason    string // free text; sealed
}

// RequestCorrection records the employee's own correction request. The policy in
// force on the corrected day decides: a kind it does not allow (ErrKindNotAllowed),
// a request after its deadline (ErrDeadlinePassed, judged on the service clock),
// missing evidence (ErrEvidenceRequired), or over its limit per month or pay period
// (ErrLimitExceeded; pending and approved requests count, withdrawn and rejected ones
// do not) are refused with a *CorrectionRefusedError and nothing is written. With the
// policy's approver "none", the request is approved in the same append.
func (s *Service) RequestCorrection(ctx context.Context, a Actor, employeeID string, c CorrectionInput) (Receipt, error) {
	const op = "RequestCorrection"
	w, err := s.resolve(ctx, a)
	if err != nil {
		return Receipt{}, err
	}
	if !c.Day.IsValid() {
		return Receipt{}, invalid(op, "Day", "not a valid date")
	}
	if len(c.Evidence) > 16 {
		return Receipt{}, invalid(op, "Evidence", "more than 16")
	}
	if len(c.Reason) > 4096 {
		return Receipt{}, invalid(op, "Reason", "longer than 4096 bytes")
	}
	switch c.Kind {
	case rules.CorrectMissingIn:
		c.PunchKind = rules.KindIn
	case rules.CorrectMissingOut:
		c.PunchKind = rules.KindOut
	}
	return s.onEmployee(ctx, op, employeeID, onExisting(w.needSelf, op, func(st *employeeState) ([]ledger.Proposed, *Receipt, error) {
		if rc, ok, err := s.repeat(st, c.ID, TypeCorrectionRequested); ok || err != nil {
			return nil, rc, err
		}
		pv, err := s.policyOn(ctx, st.rec.PolicyID, c.Day)
		if err != nil {
			return nil, nil, err
		}
		pol := pv.policy
		req := rules.CorrectionRequest{Kind: c.Kind, Date: c.Day, At: c.At, Reason: c.Reason}
		if !c.PunchID.IsZero() {
			req.PunchID = c.PunchID.String()
		}
		for _, e := range c.Evidence {
			req.Evidence = append(req.Evidence, ledger.Hash(e.SHA256).String())
		}
		from, to := pol.CorrectionPeriod(c.Day)
		used := 0
		for _, cs := range st.corrections {
			if cs.Status != statusPending && cs.Status != statusApproved {
				continue
			}
			if d, err := rules.ParseDate(cs.Day); err == nil && !d.Before(from) && !d.After(to) {
				used++
			}
		}
		now := s.now()
		if err := pol.CheckCorrection(req, used, now); err != nil {
			return nil, nil, refusal(pol, err)
		}
		if c.Kind == rules.CorrectChange || c.Kind == rules.CorrectVoid {
			voided, ok := st.punches[c.PunchID]
			if !ok {
				return nil, nil, fmt.Errorf("%w: %s in %s", ErrUnknownPunch, c.PunchID, st.stream)
			}
			if voided {
				return nil, nil, fmt.Errorf("%w: %s", ErrAlreadyVoided, c.PunchID)
			}
		}
		id, err := s.idOr(c.ID)
		if err != nil {
			return nil, nil, err
		}
		p := &CorrectionRequested{Day: c.Day.String(), Kind: string(c.Kind), PunchKind: uint8(c.PunchKind), PunchID: c.PunchID, Evidence: c.Evidence}
		if !c.At.IsZero() {
			p.At = c.At.UnixNano()
		}
		if c.Reason != "" {
			if p.Sealed, err = s.sealFor(st, id, "reason", []byte(c.Reason)); err != nil {
				return nil, nil, err
			}
		}
		ev, err := s.propose(p, id, now, a)
		if err != nil {
			return nil, nil, err
		}
		evs := []ledger.Proposed{ev}
		if pol.CorrectionApprover() == rules.ApproverNone {
			auto, err := s.propose(&CorrectionApproved{RequestID: id, Stage: "auto", Final: true}, ledger.ID{}, now, a)
			if err != nil {
				return nil, nil, err
			}
			evs = append(evs, auto)
		}
		return evs, nil, nil
	}))
}

func refusal(pol *rules.Policy, err error) error {
	var kind error
	switch {
	case errors.Is(err, rules.ErrCorrectionKind):
		kind = ErrKindNotAllowed
	case errors.Is(err, rules.ErrCorrectionLimit):
		kind = ErrLimitExceeded
	case errors.Is(err, rules.ErrCorrectionDeadline):
		kind = ErrDeadlinePassed
	case errors.Is(err, rules.ErrEvidenceRequired):
		kind = ErrEvidenceRequired
	default:
		kind = ErrInvalid
	}
	return &CorrectionRefusedError{Kind: kind, PolicyID: pol.ID, Version: pol.Version, Cause: err}
}

// Decision is one decision on a pending correction request.
type Decision struct {
	EmployeeID string
	RequestID  ledger.ID
	Approve    bool
	Comment    string // free text; sealed
}

// DecisionResult is the outcome of one Decision.
type DecisionResult struct {
	Receipt
	Final bool // the correction is now approved (or rejected) for good
	Err   error
}

// ApproveCorrection approves a pending correction request. Who may: with the policy's
// approver "manager" (the default), the employee's manager, hr or an admin; with
// "admin", hr or an admin; with "manager_and_admin", the manager and then (or first)
// hr or an admin — two different people — and the correction takes effect with the
// second approval. Nobody decides his own request.
func (s *Service) ApproveCorrection(ctx context.Context, a Actor, employeeID string, requestID ledger.ID, comment string) (DecisionResult, error) {
	r := s.decide(ctx, "ApproveCorrection", a, Decision{EmployeeID: employeeID, RequestID: requestID, Approve: true, Comment: comment})
	return r, r.Err
}

// RejectCorrection rejects a pending correction request (same deciders as
// ApproveCorrection); one rejection is final.
func (s *Service) RejectCorrection(ctx context.Context, a Actor, employeeID string, requestID ledger.ID, comment string) (DecisionResult, error) {
	r := s.decide(ctx, "RejectCorrection", a, Decision{EmployeeID: employeeID, RequestID: requestID, Comment: comment})
	return r, r.Err
}

// DecideCorrections decides many pending requests in one call (a manager's inbox).
// Each decision is authorized and applied on its own and gets its own result; one
// refused decision does not affect the others. The results are in the order of ds.
func (s *Service) DecideCorrections(ctx context.Context, a Actor, ds []Decision) []DecisionResult {
	out := make([]DecisionResult, len(ds))
	for i, d := range ds {
		op := "RejectCorrection"
		if d.Approve {
			op = "ApproveCorrection"
		}
		out[i] = s.decide(ctx, op, a, d)
	}
	return out
}

func (s *Service) decide(ctx context.Context, op string, a Actor, d Decision) DecisionResult {
	w, err := s.resolve(ctx, a)
	if err != nil {
		return DecisionResult{Err: err}
	}
	if len(d.Comment) > 4096 {
		return DecisionResult{Err: invalid(op, "Comment", "longer than 4096 bytes")}
	}
	var final bool
	r, err := s.onEmployee(ctx, op, d.EmployeeID, func(st *employeeState) ([]ledger.Proposed, *Receipt, error) {
		if w.isSelf(st) {
			return nil, nil, forbidden(a, op, st.stream, "nobody decides his own correction")
		}
		if !w.manages(st) && !w.hr() {
			return nil, nil, forbidden(a, op, st.stream, "only the employee's manager, hr or an admin decides")
		}
		if err := existing(st); err != nil {
			return nil, nil, err
		}
		c := st.corrections[d.RequestID]
		if c == nil {
			return nil, nil, fmt.Errorf("%w: correction %s in %s", ErrUnknownRequest, d.RequestID, st.stream)
		}
		if c.Status != statusPending {
			return nil, nil, fmt.Errorf("%w: correction %s is %s", ErrAlreadyDecided, d.RequestID, c.Status)
		}
		day, err := rules.ParseDate(c.Day)
		if err != nil {
			return nil, nil, err
		}
		pv, err := s.policyOn(ctx, st.rec.PolicyID, day)
		if err != nil {
			return nil, nil, err
		}
		// The capacity the decider acts in.
		stage := ""
		switch pv.policy.CorrectionApprover() {
		case rules.ApproverAdmin:
			if w.hr() {
				stage = "admin"
			}
		case rules.ApproverManagerAndAdmin:
			has := func(s string) bool {
				for _, x := range c.Approvals {
					if x == s {
						return true
					}
				}
				return false
			}
			switch {
			case w.manages(st) && !has("manager"):
				stage = "manager"
			case w.hr() && !has("admin"):
				stage = "admin"
			}
			if stage != "" && len(c.Approvals) > 0 && c.approvedBy == a.String() {
				stage = ""
			}
		default:
			switch {
			case w.manages(st):
				stage = "manager"
			case w.hr():
				stage = "admin"
			}
		}
		if stage == "" {
			return nil, nil, forbidden(a, op, st.stream, fmt.Sprintf("policy %s v%d: approver %q, and this actor has no capacity left to decide", pv.policy.ID, pv.policy.Version, pv.policy.CorrectionApprover()))
		}
		id, err := s.newID()
		if err != nil {
			return nil, nil, err
		}
		var sealed []byte
		if d.Comment != "" {
			if sealed, err = s.sealFor(st, id, "comment", []byte(d.Comment)); err != nil {
				return nil, nil, err
			}
		}
		var p ledger.Payload
		if d.Approve {
			final = pv.policy.CorrectionApprover() != rules.ApproverManagerAndAdmin || len(c.Approvals) == 1
			p = &CorrectionApproved{RequestID: d.RequestID, Stage: stage, Final: final, Sealed: sealed}
		} else {
			final = true
			p = &CorrectionRejected{RequestID: d.RequestID, Stage: stage, Sealed: sealed}
		}
		ev, err := s.propose(p, id, s.now(), a)
		return []ledger.Proposed{ev}, nil, err
	})
	return DecisionResult{Receipt: r, Final: final && err == nil, Err: err}
}

// WithdrawCorrection withdraws the employee's own pending request.
func (s *Service) WithdrawCorrection(ctx context.Context, a Actor, employeeID string, requestID ledger.ID) (Receipt, error) {
	const op = "WithdrawCorrection"
	w, err := s.resolve(ctx, a)
	if err != nil {
		return Receipt{}, err
	}
	return s.onEmployee(ctx, op, employeeID, onExisting(w.needSelf, op, func(st *employeeState) ([]ledger.Proposed, *Receipt, error) {
		c := st.corrections[requestID]
		if c == nil {
			return nil, nil, fmt.Errorf("%w: correction %s in %s", ErrUnknownRequest, requestID, st.stream)
		}
		if c.Status != statusPending {
			return nil, nil, fmt.Errorf("%w: correction %s is %s", ErrAlreadyDecided, requestID, c.Status)
		}
		ev, err := s.propose(&CorrectionWithdrawn{RequestID: requestID}, ledger.ID{}, s.now(), a)
		return []ledger.Proposed{ev}, nil, err
	}))
}
