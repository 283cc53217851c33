package attendance_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

// refused asserts err is want, and that nothing was written.
func (e *env) refused(err, want error, before uint64) {
	e.t.Helper()
	if !errors.Is(err, want) {
		e.t.Fatalf("want %v, got %v", want, err)
	}
	if h := e.head(); h != before {
		e.t.Fatalf("refusal wrote: head %d → %d", before, h)
	}
}

func TestCorrectionLimitsAndDeadlines(t *testing.T) {
	e := newEnv(t)
	e.org()
	e.clock.Set(time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)) // Friday
	req := func(day string, kind rules.CorrectionKind) (attendance.Receipt, error) {
		d := rules.MustDate(day)
		return e.svc.RequestCorrection(e.ctx, emp, "E1", attendance.CorrectionInput{Day: d, Kind: kind, At: d.At(9*60, time.UTC)})
	}
	// Deadline: 7 calendar days after the corrected day (Berlin dates).
	before := e.head()
	_, err := req("2026-03-12", rules.CorrectMissingIn) // 8 days
	e.refused(err, attendance.ErrDeadlinePassed, before)
	var cre *attendance.CorrectionRefusedError
	if !errors.As(err, &cre) || cre.PolicyID != "default" || cre.Version != 1 {
		t.Fatalf("%#v", err)
	}
	var ids []ledger.ID
	for _, day := range []string{"2026-03-13", "2026-03-16", "2026-03-19"} { // 7, 4, 1 days
		ids = append(ids, e.id(req(day, rules.CorrectMissingIn)))
	}
	// Limit: three per calendar month of the corrected day.
	before = e.head()
	_, err = req("2026-03-18", rules.CorrectMissingOut)
	e.refused(err, attendance.ErrLimitExceeded, before)
	// Withdrawn and rejected requests do not count.
	e.id(e.svc.WithdrawCorrection(e.ctx, emp, "E1", ids[0]))
	ids = append(ids, e.id(req("2026-03-18", rules.CorrectMissingOut)))
	if _, err := e.svc.RejectCorrection(e.ctx, mgr, "E1", ids[1], "no"); err != nil {
		t.Fatal(err)
	}
	e.id(req("2026-03-17", rules.CorrectMissingOut))
	before = e.head()
	_, err = req("2026-03-17", rules.CorrectMissingIn)
	e.refused(err, attendance.ErrLimitExceeded, before)
	// A kind the policy does not allow.
	_, err = req("2026-03-19", rules.CorrectVoid)
	e.refused(err, attendance.ErrKindNotAllowed, before)
	// The limit counts by the corrected day's month: April is free again.
	e.clock.Set(time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC))
	e.id(req("2026-04-01", rules.CorrectMissingIn))
	// A day that has not begun is malformed.
	_, err = req("2026-04-02", rules.CorrectMissingIn)
	e.refused(err, attendance.ErrInvalid, e.head())

	// A new policy version from April requires evidence and approval by manager and
	// admin.
	p := loadPolicy(t)
	p.Version, p.EffectiveFrom = 2, rules.MustDate("2026-04-01")
	p.Corrections.EvidenceRequired = true
	p.Corrections.Approver = rules.ApproverManagerAndAdmin
	p.Corrections.Limit = 0
	e.id(e.svc.PublishPolicy(e.ctx, admin, p))
	e.clock.Set(time.Date(2026, 4, 3, 9, 0, 0, 0, time.UTC))
	before = e.head()
	_, err = req("2026-04-02", rules.CorrectMissingIn)
	e.refused(err, attendance.ErrEvidenceRequired, before)
	var sum [32]byte
	sum[0] = 1
	rc := e.id(e.svc.RequestCorrection(e.ctx, emp, "E1", attendance.CorrectionInput{
		Day: rules.MustDate("2026-04-02"), Kind: rules.CorrectMissingIn, At: time.Date(2026, 4, 2, 7, 0, 0, 0, time.UTC),
		Evidence: []attendance.EvidenceRef{{SHA256: sum, MediaType: "image/jpeg", Size: 1000}},
	}))
	// Two approvals by two people: the manager, then hr. The manager cannot give both.
	d, err := e.svc.ApproveCorrection(e.ctx, mgr, "E1", rc, "")
	if err != nil || d.Final {
		t.Fatalf("first approval: %+v %v", d, err)
	}
	before = e.head()
	_, err = e.svc.ApproveCorrection(e.ctx, mgr, "E1", rc, "")
	e.refused(err, attendance.ErrForbidden, before)
	d, err = e.svc.ApproveCorrection(e.ctx, hr, "E1", rc, "")
	if err != nil || !d.Final {
		t.Fatalf("second approval: %+v %v", d, err)
	}
	v, err := e.svc.Employee(e.ctx, hr, "E1")
	if err != nil {
		t.Fatal(err)
	}
	for _, pv := range v.Pending {
		if pv.ID == rc {
			t.Fatal("approved correction still pending")
		}
	}
}

// TestDecideCorrections: a manager's inbox in one call; each decision stands alone,
// and the ones he may not make are refused without writing.
func TestDecideCorrections(t *testing.T) {
	e := newEnv(t)
	e.org()
	day := rules.MustDate("2026-03-09")
	in := attendance.CorrectionInput{Day: day, Kind: rules.CorrectMissingOut, At: t0.Add(8 * time.Hour)}
	r1 := e.id(e.svc.RequestCorrection(e.ctx, emp, "E1", in))
	r2 := e.id(e.svc.RequestCorrection(e.ctx, emp2, "E2", in))
	in.Kind, in.At = rules.CorrectMissingIn, t0
	r3 := e.id(e.svc.RequestCorrection(e.ctx, emp, "E1", in))
	before := e.head()
	res := e.svc.DecideCorrections(e.ctx, mgr, []attendance.Decision{
		{EmployeeID: "E1", RequestID: r1, Approve: true},
		{EmployeeID: "E2", RequestID: r2, Approve: true}, // not his team
		{EmployeeID: "E1", RequestID: r3, Approve: false, Comment: "you were on leave"},
		{EmployeeID: "E1", RequestID: r1, Approve: true}, // decided above
		{EmployeeID: "E1", RequestID: ledger.ID{9}},      // unknown
		{EmployeeID: "M1", RequestID: ledger.ID{9}},      // his own
		{EmployeeID: "E404", RequestID: ledger.ID{9}},    // unknown employee
	})
	wantErr := []error{nil, attendance.ErrForbidden, nil, attendance.ErrAlreadyDecided, attendance.ErrUnknownRequest, attendance.ErrForbidden, attendance.ErrForbidden}
	for i, r := range res {
		if wantErr[i] == nil && r.Err != nil || wantErr[i] != nil && !errors.Is(r.Err, wantErr[i]) {
			t.Errorf("decision %d: %v, want %v", i, r.Err, wantErr[i])
		}
		if r.Err == nil && (!r.Final || r.LastSeq == 0) {
			t.Errorf("decision %d: %+v", i, r)
		}
	}
	if got := e.head() - before; got != 2 {
		t.Fatalf("%d events written, want 2", got)
	}
}

// TestRebindFlow: the broken-phone story.
func TestRebindFlow(t *testing.T) {
	e := newEnv(t)
	e.org()
	before := e.head()
	_, err := e.svc.BindDevice(e.ctx, emp, "E1", attendance.Device{ID: "phone-2"})
	e.refused(err, attendance.ErrDeviceAlreadyBound, before)
	_, err = e.svc.BindDevice(e.ctx, hr, "E1", attendance.Device{ID: "phone-2"})
	e.refused(err, attendance.ErrDeviceAlreadyBound, before)
	rq := e.id(e.svc.RequestRebind(e.ctx, emp, "E1", attendance.RebindRequest{Device: attendance.Device{ID: "phone-2", Details: &attendance.DeviceDetails{Model: "Pixel 9"}}, Reason: "broken"}))
	e.id(e.svc.ApproveRebind(e.ctx, mgr, "E1", rq))
	v, err := e.svc.Employee(e.ctx, emp, "E1")
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Devices) != 1 || v.Devices[0].ID != "phone-2" {
		t.Fatalf("devices %+v", v.Devices)
	}
	// The old phone lost its authority to punch for E1.
	before = e.head()
	_, err = e.svc.RecordPunch(e.ctx, phone, "E1", punchAt(ledger.ID{}, rules.KindIn, t0))
	e.refused(err, attendance.ErrForbidden, before)
	// HR can also unbind directly, after which the employee binds the next one himself.
	e.id(e.svc.UnbindDevice(e.ctx, hr, "E1", "phone-2", "lost"))
	e.id(e.svc.BindDevice(e.ctx, emp, "E1", attendance.Device{ID: "phone-3"}))
}

// TestCorrectionLimitPerPayPeriod: with limit_per pay_period the limit counts over the
// corrected day's pay period (here weekly, from Mondays).
func TestCorrectionLimitPerPayPeriod(t *testing.T) {
	e := newEnv(t)
	e.org()
	p := loadPolicy(t)
	p.Version, p.EffectiveFrom = 2, rules.MustDate("2026-05-01")
	p.Corrections.Limit, p.Corrections.LimitPer = 1, rules.PerPayPeriod
	p.PayPeriod = rules.PayPeriod{Kind: rules.Weekly, Anchor: rules.MustDate("2026-05-04")}
	e.id(e.svc.PublishPolicy(e.ctx, admin, p))
	e.clock.Set(time.Date(2026, 5, 12, 9, 0, 0, 0, time.UTC))
	req := func(day string) (attendance.Receipt, error) {
		d := rules.MustDate(day)
		return e.svc.RequestCorrection(e.ctx, emp, "E1", attendance.CorrectionInput{Day: d, Kind: rules.CorrectMissingIn, At: d.At(9*60, time.UTC)})
	}
	e.id(req("2026-05-05"))
	before := e.head()
	_, err := req("2026-05-08") // same week
	e.refused(err, attendance.ErrLimitExceeded, before)
	e.id(req("2026-05-11")) // next pay period
	// A pay period can be closed once, and only as the policy defines it.
	e.id(e.svc.ClosePayPeriod(e.ctx, hr, attendance.PayPeriod{PolicyID: "default", From: rules.MustDate("2026-05-04"), To: rules.MustDate("2026-05-10")}))
	before = e.head()
	_, err = e.svc.ClosePayPeriod(e.ctx, hr, attendance.PayPeriod{PolicyID: "default", From: rules.MustDate("2026-05-04"), To: rules.MustDate("2026-05-10")})
	e.refused(err, attendance.ErrPeriodClosed, before)
	_, err = e.svc.ClosePayPeriod(e.ctx, hr, attendance.PayPeriod{PolicyID: "default", From: rules.MustDate("2026-05-05"), To: rules.MustDate("2026-05-11")})
	e.refused(err, attendance.ErrInvalid, before)
}

// TestCorrectionLimitUnderRaces: two Services on one ledger take correction requests
// for the same employee concurrently; the limit (3 a month) holds exactly, because each
// decision is appended with the stream version it was made on and re-decided when the
// stream moved.
func TestCorrectionLimitUnderRaces(t *testing.T) {
	e := newEnv(t)
	e.org()
	// Slow randomness widens the window between a decision and its append (the
	// request ID is drawn in between), so the two Services really do race.
	svcs := e.racingServices(2)
	e.clock.Set(time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC))
	const n = 12
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := rules.MustDate("2026-03-16").AddDays(i % 4)
			_, err := svcs[i%2].RequestCorrection(e.ctx, emp, "E1", attendance.CorrectionInput{Day: d, Kind: rules.CorrectMissingIn, At: d.At(8*60, time.UTC)})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	ok, limited := 0, 0
	for err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, attendance.ErrLimitExceeded):
			limited++
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	if ok != 3 || limited != n-3 {
		t.Fatalf("%d accepted, %d over the limit; want 3 and %d", ok, limited, n-3)
	}
	v, err := e.svc.Employee(e.ctx, emp, "E1")
	if err != nil || len(v.Pending) != 3 {
		t.Fatalf("pending %v %v", v.Pending, err)
	}
}
