package attendance

import (
	"context"
	"fmt"

	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

// Bootstrap makes adminID the first admin. It succeeds only while the org stream does
// not exist (a fresh ledger), for the system actor or for an employee actor making
// himself admin; afterwards roles are granted by admins (ErrBootstrapped).
func (s *Service) Bootstrap(ctx context.Context, a Actor, adminID string) (Receipt, error) {
	const op = "Bootstrap"
	if err := a.Validate(); err != nil {
		return Receipt{}, err
	}
	if err := validID("admin ID", adminID); err != nil {
		return Receipt{}, invalid(op, "adminID", err.Error())
	}
	if !(a.Kind == KindSystem || a.Kind == KindEmployee && a.ID == adminID) {
		return Receipt{}, forbidden(a, op, OrgStream, "only the system, or the future admin himself, bootstraps")
	}
	ev, err := s.propose(&RoleGranted{Principal: adminID, Role: string(RoleAdmin), Bootstrap: true}, ledger.ID{}, s.now(), a)
	if err != nil {
		return Receipt{}, err
	}
	res, err := s.l.Append(ctx, OrgStream, ledger.NoStream, ev)
	if isConflict(err) {
		return Receipt{}, fmt.Errorf("attendance: %s: %w", op, ErrBootstrapped)
	}
	if err != nil {
		return Receipt{}, fmt.Errorf("attendance: %s: %w", op, err)
	}
	return receiptOf(res), nil
}

// GrantRole grants role to employee principal (admins only). Granting a role the
// principal holds already writes nothing and returns a Duplicate receipt.
func (s *Service) GrantRole(ctx context.Context, a Actor, principal string, role Role) (Receipt, error) {
	return s.changeRole(ctx, "GrantRole", a, principal, role, true)
}

// RevokeRole revokes role from principal (admins only). The last admin cannot be
// revoked (ErrInvalid); revoking a role not held writes nothing (Duplicate receipt).
func (s *Service) RevokeRole(ctx context.Context, a Actor, principal string, role Role) (Receipt, error) {
	return s.changeRole(ctx, "RevokeRole", a, principal, role, false)
}

func (s *Service) changeRole(ctx context.Context, op string, a Actor, principal string, role Role, grant bool) (Receipt, error) {
	w, err := s.resolve(ctx, a)
	if err != nil {
		return Receipt{}, err
	}
	if !w.has(RoleAdmin) {
		return Receipt{}, forbidden(a, op, OrgStream, "only an admin grants and revokes roles")
	}
	if err := validID("principal", principal); err != nil {
		return Receipt{}, invalid(op, "principal", err.Error())
	}
	if err := role.Validate(); err != nil {
		return Receipt{}, invalid(op, "role", err.Error())
	}
	var dup bool
	r, err := s.onOrg(ctx, op, func(o *orgState) ([]ledger.Proposed, error) {
		held := o.has(principal, role)
		var p ledger.Payload
		switch {
		case grant && held, !grant && !held:
			dup = true
			return nil, nil
		case grant:
			p = &RoleGranted{Principal: principal, Role: string(role)}
		default:
			if role == RoleAdmin && o.admins() == 1 {
				return nil, invalid(op, "principal", "the last admin cannot be revoked")
			}
			p = &RoleRevoked{Principal: principal, Role: string(role)}
		}
		ev, err := s.propose(p, ledger.ID{}, s.now(), a)
		return []ledger.Proposed{ev}, err
	})
	if dup {
		return Receipt{Duplicate: true}, nil
	}
	return r, err
}

// PayPeriod is a pay period to close.
type PayPeriod struct {
	PolicyID string // "" closes the period for every employee
	From, To rules.Date
}

// ClosePayPeriod closes a pay period (hr, admin or the system). With a PolicyID the
// dates must be exactly one pay period of the policy in force on From. A period that
// overlaps one already closed (for the same policy, or for all) is refused with
// ErrPeriodClosed.
func (s *Service) ClosePayPeriod(ctx context.Context, a Actor, pp PayPeriod) (Receipt, error) {
	const op = "ClosePayPeriod"
	w, err := s.resolve(ctx, a)
	if err != nil {
		return Receipt{}, err
	}
	if !(w.hr() || a.Kind == KindSystem) {
		return Receipt{}, forbidden(a, op, OrgStream, "needs the hr or admin role")
	}
	if !pp.From.IsValid() || !pp.To.IsValid() || pp.To.Before(pp.From) {
		return Receipt{}, invalid(op, "From/To", fmt.Sprintf("%s–%s is not a date range", pp.From, pp.To))
	}
	if pp.PolicyID != "" {
		pv, err := s.policyOn(ctx, pp.PolicyID, pp.From)
		if err != nil {
			return Receipt{}, err
		}
		if f, t := pv.policy.PeriodOf(pp.From); f != pp.From || t != pp.To {
			return Receipt{}, invalid(op, "From/To", fmt.Sprintf("%s–%s is not a pay period of policy %s (that would be %s–%s)", pp.From, pp.To, pp.PolicyID, f, t))
		}
	}
	return s.onOrg(ctx, op, func(o *orgState) ([]ledger.Proposed, error) {
		for _, c := range o.periods {
			if c.PolicyID != "" && pp.PolicyID != "" && c.PolicyID != pp.PolicyID {
				continue
			}
			if c.From <= pp.To.String() && pp.From.String() <= c.To {
				return nil, fmt.Errorf("%w: %s–%s overlaps %s–%s (policy %q)", ErrPeriodClosed, pp.From, pp.To, c.From, c.To, c.PolicyID)
			}
		}
		ev, err := s.propose(&PayPeriodClosed{PolicyID: pp.PolicyID, From: pp.From.String(), To: pp.To.String()}, ledger.ID{}, s.now(), a)
		return []ledger.Proposed{ev}, err
	})
}
