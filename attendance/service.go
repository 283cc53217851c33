package attendance

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/punchledger/punchledger/ledger"
)

// Options configure New. The zero value (or nil) means all defaults.
type Options struct {
	// Now is the service's clock: it stamps ReceivedAt on punches, decides correction
	// deadlines and dates commands' OccurredAt. Default time.Now (the one place this
	// package reads the wall clock, as a default).
	Now func() time.Time
	// Rand is the source of event IDs and data keys. Default crypto/rand.Reader. It
	// must be safe for concurrent use, or the Service must be used from one goroutine.
	Rand io.Reader
	// Logger receives one Debug line per command and Warn lines for trouble that does
	// not fail a command. Default: discard.
	Logger *slog.Logger
	// MaxSyncPunches bounds the punches of one SyncOffline batch. Default 1000.
	MaxSyncPunches int
	// StateCacheStreams bounds how many employees' folded states stay cached between
	// commands. Default 4096. A state dropped from the cache is folded again from the
	// ledger when next needed.
	StateCacheStreams int
	// MaxRetries bounds how often a command is re-decided when its stream changed
	// under it (another Service on the same ledger). Default 8; then ErrBusy.
	MaxRetries int
}

// EnsureDefaults returns a copy of o with every zero field set to its default.
func (o *Options) EnsureDefaults() *Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.MaxSyncPunches == 0 {
		c.MaxSyncPunches = 1000
	}
	if c.StateCacheStreams == 0 {
		c.StateCacheStreams = 4096
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = 8
	}
	return &c
}

// Validate checks the options.
func (o *Options) Validate() error {
	if o.MaxSyncPunches < 0 || o.StateCacheStreams < 0 || o.MaxRetries < 0 {
		return fmt.Errorf("%w: negative option", ErrInvalid)
	}
	return nil
}

// Service runs the attendance commands against one ledger. It is safe for concurrent
// use. Commands on the same employee are serialized inside the Service; commands on
// different employees run in parallel and share the ledger's group commit.
type Service struct {
	l    *ledger.Ledger
	opts Options
	log  *slog.Logger

	seed  maphash.Seed
	locks [64]sync.Mutex // employee streams, striped

	randMu sync.Mutex

	mu   sync.Mutex
	emps map[string]*employeeState

	orgMu sync.Mutex
	org   *orgState

	polMu    sync.Mutex
	policies map[string]*policyState
}

// New returns a Service over l. It reads nothing yet; state is folded on demand.
func New(l *ledger.Ledger, opts *Options) (*Service, error) {
	if l == nil {
		return nil, fmt.Errorf("%w: nil ledger", ErrInvalid)
	}
	o := opts.EnsureDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return &Service{
		l:        l,
		opts:     *o,
		log:      o.Logger,
		seed:     maphash.MakeSeed(),
		emps:     make(map[string]*employeeState),
		org:      newOrgState(),
		policies: make(map[string]*policyState),
	}, nil
}

// Ledger returns the ledger the Service writes to.
func (s *Service) Ledger() *ledger.Ledger { return s.l }

func (s *Service) now() time.Time { return s.opts.Now().UTC() }

func (s *Service) newID() (ledger.ID, error) {
	s.randMu.Lock()
	defer s.randMu.Unlock()
	return ledger.NewID(s.opts.Rand)
}

// idOr returns id, or a fresh ID when id is zero (an optional caller-chosen ID).
func (s *Service) idOr(id ledger.ID) (ledger.ID, error) {
	if !id.IsZero() {
		return id, nil
	}
	return s.newID()
}

func (s *Service) randBytes(n int) ([]byte, error) {
	s.randMu.Lock()
	defer s.randMu.Unlock()
	b := make([]byte, n)
	if _, err := io.ReadFull(s.opts.Rand, b); err != nil {
		return nil, fmt.Errorf("attendance: random: %w", err)
	}
	return b, nil
}

func (s *Service) lockEmployee(id string) func() {
	m := &s.locks[maphash.String(s.seed, id)%uint64(len(s.locks))]
	m.Lock()
	return m.Unlock
}

// employee returns the employee's folded state, caught up with the ledger. The caller
// holds the employee's lock.
func (s *Service) employee(ctx context.Context, id string) (*employeeState, error) {
	s.mu.Lock()
	st := s.emps[id]
	if st == nil {
		if len(s.emps) >= s.opts.StateCacheStreams {
			// Drop some states; which ones does not matter for correctness.
			n := 0
			for k := range s.emps {
				delete(s.emps, k)
				if n++; n >= len(s.emps)/4+1 {
					break
				}
			}
		}
		st = newEmployeeState(id)
		s.emps[id] = st
	}
	s.mu.Unlock()
	if err := s.l.ScanStream(ctx, st.stream, st.version+1, st.apply); err != nil {
		s.forget(id)
		return nil, fmt.Errorf("attendance: read %s: %w", st.stream, err)
	}
	return st, nil
}

func (s *Service) forget(id string) {
	s.mu.Lock()
	delete(s.emps, id)
	s.mu.Unlock()
}

// orgView returns the org state caught up with the ledger. The state returned is
// never changed afterwards (new events are folded into a copy), so callers share it
// without copying.
func (s *Service) orgView(ctx context.Context) (*orgState, error) {
	s.orgMu.Lock()
	defer s.orgMu.Unlock()
	cur := s.org
	next := cur
	err := s.l.ScanStream(ctx, OrgStream, cur.version+1, func(e *ledger.Event) error {
		if next == cur {
			next = cur.clone()
		}
		return next.apply(e)
	})
	if err != nil {
		return nil, fmt.Errorf("attendance: read org: %w", err)
	}
	s.org = next
	return next, nil
}

func expectFor(version uint64) ledger.Expected {
	if version == 0 {
		return ledger.NoStream
	}
	return ledger.ExactVersion(version)
}

// Receipt says where a command's events went.
type Receipt struct {
	ID         ledger.ID // ID of the (first) event written: the request, punch or decision
	FirstSeq   uint64
	LastSeq    uint64
	Version    uint64    // the stream's version after the append
	RecordedAt time.Time // ledger commit time
	Duplicate  bool      // an earlier identical request; nothing was written
}

func receiptOf(res ledger.AppendResult) Receipt {
	r := Receipt{FirstSeq: res.FirstSeq, LastSeq: res.LastSeq, Version: res.Version, Duplicate: res.Duplicate}
	if len(res.Events) > 0 {
		r.ID = res.Events[0].ID
		r.RecordedAt = res.Events[len(res.Events)-1].RecordedAt
	}
	return r
}

func receiptOfEvent(e *ledger.Event) Receipt {
	return Receipt{ID: e.ID, FirstSeq: e.Seq, LastSeq: e.Seq, Version: e.Version, RecordedAt: e.RecordedAt, Duplicate: true}
}

// decideFunc decides a command from the employee's folded state: the events to
// append, or a receipt without appending (a retried request), or an error.
type decideFunc func(st *employeeState) ([]ledger.Proposed, *Receipt, error)

// onEmployee runs decide against the employee's state under its lock and appends the
// events it returns, expecting the version it decided on; if the stream moved (another
// Service on the same ledger), it decides again. decide may return no events and a
// receipt (an idempotent repeat).
func (s *Service) onEmployee(ctx context.Context, op string, id string, decide decideFunc) (Receipt, error) {
	if err := ctx.Err(); err != nil {
		return Receipt{}, err
	}
	unlock := s.lockEmployee(id)
	defer unlock()
	for range s.opts.MaxRetries + 1 {
		st, err := s.employee(ctx, id)
		if err != nil {
			return Receipt{}, err
		}
		evs, done, err := decide(st)
		if err != nil {
			s.log.Debug("attendance: refused", "op", op, "stream", st.stream, "err", err)
			return Receipt{}, err
		}
		if done != nil {
			return *done, nil
		}
		res, err := s.l.Append(ctx, st.stream, expectFor(st.version), evs...)
		if errors.Is(err, ledger.ErrConflict) {
			continue
		}
		if err != nil {
			return Receipt{}, fmt.Errorf("attendance: %s: append %s: %w", op, st.stream, err)
		}
		s.foldAppended(st, res)
		s.log.Debug("attendance: recorded", "op", op, "stream", st.stream, "seq", res.LastSeq)
		return receiptOf(res), nil
	}
	return Receipt{}, fmt.Errorf("attendance: %s %s: %w", op, EmployeeStream(id), ErrBusy)
}

// onExisting wraps a command's decision in the checks most commands on an employee
// open with: allow (w.decider, w.needSelf), then existing.
func onExisting(allow func(op string, st *employeeState) error, op string, decide decideFunc) decideFunc {
	return func(st *employeeState) ([]ledger.Proposed, *Receipt, error) {
		if err := allow(op, st); err != nil {
			return nil, nil, err
		}
		if err := existing(st); err != nil {
			return nil, nil, err
		}
		return decide(st)
	}
}

// foldAppended folds just-committed events into st (the caller holds its lock); if
// they do not follow on, the state is dropped and folded afresh next time.
func (s *Service) foldAppended(st *employeeState, res ledger.AppendResult) {
	if res.Duplicate {
		return
	}
	for i := range res.Events {
		if err := st.apply(&res.Events[i]); err != nil {
			s.forget(st.id)
			return
		}
	}
}

// onOrg is onEmployee for the org stream.
func (s *Service) onOrg(ctx context.Context, op string, decide func(o *orgState) ([]ledger.Proposed, error)) (Receipt, error) {
	for range s.opts.MaxRetries + 1 {
		o, err := s.orgView(ctx)
		if err != nil {
			return Receipt{}, err
		}
		evs, err := decide(o)
		if err != nil {
			return Receipt{}, err
		}
		res, err := s.l.Append(ctx, OrgStream, expectFor(o.version), evs...)
		if errors.Is(err, ledger.ErrConflict) {
			continue
		}
		if err != nil {
			return Receipt{}, fmt.Errorf("attendance: %s: append org: %w", op, err)
		}
		return receiptOf(res), nil
	}
	return Receipt{}, fmt.Errorf("attendance: %s org: %w", op, ErrBusy)
}

// propose encodes p as an event with a fresh ID (or id when not zero).
func (s *Service) propose(p ledger.Payload, id ledger.ID, at time.Time, a Actor) (ledger.Proposed, error) {
	pr, err := ledger.NewProposed(p, at, a.String())
	if err != nil {
		return ledger.Proposed{}, err
	}
	if pr.ID, err = s.idOr(id); err != nil {
		return ledger.Proposed{}, err
	}
	return pr, nil
}

// sealerFor returns the employee's sealer, loading the data key on first use; nil
// after erasure.
func (s *Service) sealerFor(st *employeeState) (*sealer, error) {
	if st.erased || !st.exists {
		return nil, nil
	}
	if st.sealer != nil {
		return st.sealer, nil
	}
	key, err := s.l.GetSecret(keySubject(st.id, st.registration))
	if errors.Is(err, ledger.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("attendance: data key of %s: %w", st.id, err)
	}
	sl, err := newSealer(key)
	if err != nil {
		return nil, err
	}
	st.sealer = sl
	return sl, nil
}

// mustSealer is sealerFor for commands that write personal data: a missing key is an
// error (the employee was erased, or the key was lost).
func (s *Service) mustSealer(st *employeeState) (*sealer, error) {
	sl, err := s.sealerFor(st)
	if err == nil && sl == nil {
		err = fmt.Errorf("attendance: no data key for %s: %w", st.id, ErrErased)
	}
	return sl, err
}

// sealValue encodes v (a struct tagged as_array) and seals it.
func sealValue(sl *sealer, stream string, id ledger.ID, label string, v any) ([]byte, error) {
	b, err := marshalPlain(v)
	if err != nil {
		return nil, err
	}
	return sl.seal(stream, id, label, b), nil
}

// sealFor seals plaintext as field label of event id in the employee's stream, with
// his data key (mustSealer: no key is an error).
func (s *Service) sealFor(st *employeeState, id ledger.ID, label string, plaintext []byte) ([]byte, error) {
	sl, err := s.mustSealer(st)
	if err != nil {
		return nil, err
	}
	return sl.seal(st.stream, id, label, plaintext), nil
}

// sealValueFor is sealValue with the employee's data key (mustSealer).
func (s *Service) sealValueFor(st *employeeState, id ledger.ID, label string, v any) ([]byte, error) {
	sl, err := s.mustSealer(st)
	if err != nil {
		return nil, err
	}
	return sealValue(sl, st.stream, id, label, v)
}

// openValue opens sealed bytes into v; ok is false when there is nothing to open or no
// key.
func openValue(sl *sealer, stream string, id ledger.ID, label string, sealed []byte, v any) (bool, error) {
	if sl == nil || len(sealed) == 0 {
		return false, nil
	}
	b, err := sl.open(stream, id, label, sealed)
	if err != nil {
		return false, err
	}
	return true, unmarshalPlain(b, v)
}

func isConflict(err error) bool { return errors.Is(err, ledger.ErrConflict) }

func isNotFound(err error) bool { return errors.Is(err, ledger.ErrNotFound) }
