package attendance

import (
	"context"
	"fmt"
	"time"

	"github.com/punchledger/punchledger/geofence"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

// PolicyBytes returns the msgpack form of p stored in policy.published: rules.Policy
// holds no maps, so the encoding (by this package's encoder with default settings)
// is deterministic.
func PolicyBytes(p *rules.Policy) ([]byte, error) { return marshalPlain(p) }

// DecodePolicy decodes and validates the policy of a policy.published payload.
func (p *PolicyPublished) DecodePolicy() (*rules.Policy, error) {
	var pol rules.Policy
	if err := unmarshalPlain(p.Policy, &pol); err != nil {
		return nil, fmt.Errorf("attendance: policy %s v%d: %w", p.PolicyID, p.Version, err)
	}
	if err := pol.Validate(); err != nil {
		return nil, fmt.Errorf("attendance: policy %s v%d: %w", p.PolicyID, p.Version, err)
	}
	return &pol, nil
}

// policyVersion is one published version, compiled.
type policyVersion struct {
	policy *rules.Policy
	from   rules.Date
	wifi   *geofence.BSSIDSet // nil when the policy lists no access points
	ip     *geofence.IPSet    // nil when the policy lists no networks
	loc    *time.Location
}

// policyState is a policy stream folded: its versions in publication order.
type policyState struct {
	version  uint64
	versions []*policyVersion
}

func (ps *policyState) apply(e *ledger.Event) error {
	if e.Version != ps.version+1 {
		return fmt.Errorf("attendance: fold %s: version %d after %d", e.Stream, e.Version, ps.version)
	}
	ps.version = e.Version
	p, err := Decode(e)
	if err != nil {
		return err
	}
	pp, ok := p.(*PolicyPublished)
	if !ok {
		return nil
	}
	pol, err := pp.DecodePolicy()
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(pol.TimeZone)
	if err != nil {
		return fmt.Errorf("attendance: policy %s v%d: %w", pp.PolicyID, pp.Version, err)
	}
	pv := &policyVersion{policy: pol, from: pol.EffectiveFrom, loc: loc}
	if len(pol.Remote.WiFi) > 0 {
		pv.wifi, _ = geofence.NewBSSIDSet(pol.Remote.WiFi) // validated by Validate
	}
	if len(pol.Remote.IP) > 0 {
		pv.ip, _ = geofence.ParseIPSet(pol.Remote.IP)
	}
	ps.versions = append(ps.versions, pv)
	return nil
}

// policyVersions returns the published versions of policy id (immutable slice).
func (s *Service) policyVersions(ctx context.Context, id string) ([]*policyVersion, error) {
	s.polMu.Lock()
	defer s.polMu.Unlock()
	ps := s.policies[id]
	if ps == nil {
		ps = &policyState{}
		s.policies[id] = ps
	}
	if err := s.l.ScanStream(ctx, PolicyStream(id), ps.version+1, ps.apply); err != nil {
		delete(s.policies, id)
		return nil, fmt.Errorf("attendance: read %s: %w", PolicyStream(id), err)
	}
	return ps.versions[:len(ps.versions):len(ps.versions)], nil
}

// policyOn returns the version of policy id in force on date d (rules.InForce: the
// latest EffectiveFrom not after d, the highest version among those).
// ErrUnknownPolicy when there is none.
func (s *Service) policyOn(ctx context.Context, id string, d rules.Date) (*policyVersion, error) {
	vs, err := s.policyVersions(ctx, id)
	if err != nil {
		return nil, err
	}
	best := pickPolicy(vs, d)
	if best == nil {
		return nil, fmt.Errorf("%w: %q on %s", ErrUnknownPolicy, id, d)
	}
	return best, nil
}

// PublishPolicy publishes a version of a policy (admins only). The policy must
// validate, and its Version must be greater than every version already published
// under its ID. The policy's EffectiveFrom may lie in the past: a retroactive change
// is itself visible history.
func (s *Service) PublishPolicy(ctx context.Context, a Actor, p *rules.Policy) (Receipt, error) {
	const op = "PublishPolicy"
	if err := a.Validate(); err != nil {
		return Receipt{}, err
	}
	if p == nil {
		return Receipt{}, invalid(op, "policy", "nil")
	}
	org, err := s.orgView(ctx)
	if err != nil {
		return Receipt{}, err
	}
	if a.Kind != KindEmployee || !org.has(a.ID, RoleAdmin) {
		return Receipt{}, forbidden(a, op, PolicyStream(p.ID), "only an admin publishes policies")
	}
	if err := validID("policy ID", p.ID); err != nil {
		return Receipt{}, invalid(op, "policy.id", err.Error())
	}
	if err := p.Validate(); err != nil {
		return Receipt{}, fmt.Errorf("%w: %s: %w", ErrInvalid, op, err)
	}
	data, err := PolicyBytes(p)
	if err != nil {
		return Receipt{}, err
	}
	for range s.opts.MaxRetries + 1 {
		vs, err := s.policyVersions(ctx, p.ID)
		if err != nil {
			return Receipt{}, err
		}
		for _, v := range vs {
			if v.policy.Version >= p.Version {
				return Receipt{}, invalid(op, "policy.version", fmt.Sprintf("%d is not above published version %d", p.Version, v.policy.Version))
			}
		}
		ver, err := s.l.StreamVersion(PolicyStream(p.ID))
		if err != nil {
			return Receipt{}, err
		}
		if ver != uint64(len(vs)) {
			continue // moved since the fold
		}
		ev, err := s.propose(&PolicyPublished{PolicyID: p.ID, Version: int64(p.Version), EffectiveFrom: p.EffectiveFrom.String(), Policy: data}, ledger.ID{}, s.now(), a)
		if err != nil {
			return Receipt{}, err
		}
		res, err := s.l.Append(ctx, PolicyStream(p.ID), expectFor(ver), ev)
		if err != nil {
			if isConflict(err) {
				continue
			}
			return Receipt{}, fmt.Errorf("attendance: %s: %w", op, err)
		}
		return receiptOf(res), nil
	}
	return Receipt{}, fmt.Errorf("attendance: %s: %w", op, ErrBusy)
}
