package projection

import (
	"bytes"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

// AttendanceName is the name of the built-in attendance projection.
const AttendanceName = "attendance"

// attendanceVersion is the code version of the built-in projection; bump it whenever a
// change would give different state for the same log.
const attendanceVersion = 7

// Attendance is the built-in projection behind the reports: daily attendance (every
// employee-day evaluated with rules.Evaluate under the policy in force), payroll hours
// per pay period with frozen closed periods and adjustments, open exceptions, correction
// quota use and explain. They share one fold because payroll and exceptions are
// functions of the day results: one checkpoint keeps them consistent with each other.
//
// When a day is (re)evaluated: when anything that affects it arrives (a punch, even a
// late offline one; a void; a correction request or decision; leave; a roster change; a
// new policy version effective on or before it), and once when its attendance window has
// closed in log time (the first event recorded after the window's close), so that a day
// with no punches at all shows as absent. Evaluation uses AsOf = the RecordedAt of the
// last event that affected the day, never a wall clock, so results are a function of
// the log alone. Evaluation is deferred to the end of each batch (Flusher), and done
// earlier when a pay period is closed, so that the close freezes exactly what the log
// said up to that event.
//
// Queries: Daily, Payroll, Exceptions, Quota, Explain and DiffDaily, each authorized for
// an actor (see Query).
//
// Known simplifications: a punch is filed under the attendance date its policy and
// roster gave it when it was recorded (a later roster change re-evaluates days but does
// not move punches between them); DayInput.SyncedThrough is taken to be AsOf (the log
// does not say how far each device has synced), so a day is final once log time passes
// its window, and a later offline punch re-evaluates it; leave with a number of minutes
// is evaluated as a first-half day off.
type Attendance struct {
	reg *ledger.Registry

	// Caches. emps, days and pays live across batches, bounded (see beginBatch and
	// genCache); the others are per batch (reset by Flush) and only hold what the
	// batch's Writer says.
	emps     genCache[string, *employeeRec]
	empDirty map[string]bool
	policies map[string][]*policyVersion // by policy ID, ascending (EffectiveFrom, Version)
	// dues: the employees' due days (see fireDues), loaded with the caches; watermark:
	// every due day before it has been processed.
	dues       dueHeap
	duesLoaded bool
	watermark  int64

	dirty map[string]*dirtyDays // employee → pending evaluations
	// pendingEmps: the employees whose stored record lists pending days (see
	// notePending).
	pendingEmps map[string]bool
	closed      *[]closedRec // closed pay periods (per batch)

	// Day states and payroll rows; the ones changed in this batch are written at Flush.
	days      map[dayKey]*dayState
	daysDirty []dirtyState // the days whose state changed in this batch (dayState.changed)
	pays      genCache[payKey, *PayrollRow]
	paysDirty map[payKey]*PayrollRow
	// Punch and correction-request references written in this batch (blind, so a void
	// or decision in the same batch finds them here), and the employees whose record
	// was written through the batch index (new ones, for scans of e/).
	refs   map[refKey]refRec
	empNew map[string]bool
	// cached: the caches hold the state of space as committed by this value; mark: the
	// batch it last applied events to (a new run is one whose batches' mark.run differs).
	cached bool
	mark   batchMark

	punch   prePunch      // reused by the punch fast path when not predecoded
	punches []rules.Punch // reused by computeDay for DayInput.Punches (on the calling goroutine)
	jobs    []dayJob      // evaluations queued (see evaluateDirty)
	encs    encodings     // the changed day states' encodings (see encodeDays)
	// space is the key prefix of the state the employee cache belongs to.
	space     []byte
	batchOpen bool
	buf       []byte // encodings handed to Writer.Set or setBlind, which copy them
	kbuf      []byte

	// Decoded policies and their zones by policy ID and version; immutable once
	// published.
	decoded map[string]decodedPolicy

	strs map[string]string // interned policy IDs (see intern)
	// dirtyGen changes whenever lists leave a.dirty (see markDirtyOf); it starts at 1,
	// so that a record's zero dirtyGen never matches.
	dirtyGen uint64

	// batch counts batches and policyGen published policies (see employeeRec.days, dateMemo).
	batch, policyGen uint64
	shared           dateMemo     // attendance dates of employees without a roster
	closes           [4]closeMemo // the last closes computed for employees without a roster
	nextClose        int
	dateStrs         [8]dateStr // see dateString
	nextDateStr      int
}

type decodedPolicy struct {
	policy *rules.Policy
	loc    *time.Location
}

type dirtyDay struct {
	date string
	asOf int64  // RecordedAt of the last event that affected the day
	seq  uint64 // that event's seq
}

type policyVersion struct {
	rec    policyRec
	from   rules.Date
	policy *rules.Policy
	loc    *time.Location
	event  EventRef // the policy.published event, as day rows cite it
}

// NewAttendance returns the built-in attendance projection.
func NewAttendance() *Attendance {
	return &Attendance{reg: attendance.Registry(), decoded: map[string]decodedPolicy{}, dirtyGen: 1}
}

// Name implements Projection.
func (a *Attendance) Name() string { return AttendanceName }

// Version implements Projection.
func (a *Attendance) Version() uint32 { return attendanceVersion }

var keyGeneration = []byte("G")

// beginBatch resets the per-batch caches. Employee records, day states and payroll
// rows stay cached across batches while the state is the same one this value has been
// writing (same space, not reset since, and at the start of a run, the batch this value
// last applied events to was the space's last commit: see batchMark): G is written with
// the first event after a reset, so its absence means the state is new.
func (a *Attendance) beginBatch(w Writer) error {
	var prefix []byte
	var mark batchMark // zero for a writer not the runner's
	pw, _ := w.(*writer)
	if pw != nil {
		prefix, mark = pw.prefix, pw.mark
	}
	newRun := mark.run != a.mark.run
	same := a.cached && prefix != nil && bytes.Equal(prefix, a.space)
	if same && newRun && pw.committed() != a.mark {
		// The last batch this value applied was never committed (its run failed, or
		// the commit did), or something else has written the space since: what the
		// caches hold is not the stored state.
		same = false
	}
	fresh := false
	if !same || newRun {
		// Within one run the state is this value's alone: G need only be read at the
		// start of a run (or of another space). Not reading it between batches lets
		// the batch be applied while the previous one is still being committed.
		_, err := w.Get(keyGeneration)
		fresh = errors.Is(err, ErrNotFound)
		if err != nil && !fresh {
			return err
		}
		if fresh {
			if err := w.Set(keyGeneration, []byte{1}); err != nil {
				return err
			}
		}
	}
	if fresh || !same {
		a.emps = newGenCache[string, *employeeRec](cacheEmployees)
		a.days = map[dayKey]*dayState{}
		a.pays = newGenCache[payKey, *PayrollRow](cachePays)
		a.policies = map[string][]*policyVersion{} // kept from batch to batch, like the others
		a.space = bytes.Clone(prefix)
		a.cached = prefix != nil
		a.shared = dateMemo{}
		a.duesLoaded = false
		a.dirty = nil // a failed run's pending days
		a.pendingEmps = nil
		a.jobs = a.jobs[:0]
	} else {
		a.emps.rotate()
		a.pays.rotate()
		clear(a.days) // unknown employees' days (the others' are pruned in their records)
	}
	a.mark = mark
	a.reset()
	a.batch++
	a.batchOpen = true
	return nil
}

// inBatch reports whether w's batch is the one this value began last and has not
// flushed. A runner's batch is told by its mark: a batch a failed run left open is not
// the next run's.
func (a *Attendance) inBatch(w Writer) bool {
	if pw, ok := w.(*writer); ok && pw.mark != a.mark {
		return false
	}
	return a.batchOpen
}

func (a *Attendance) reset() {
	// The per-batch maps are cleared rather than made again: a catch-up batch fills
	// them with tens of thousands of entries, and a cleared map keeps its buckets.
	a.empDirty = clearOrMake(a.empDirty)
	a.closed = nil
	a.daysDirty = a.daysDirty[:0]
	a.paysDirty = clearOrMake(a.paysDirty)
	a.refs, a.empNew = clearOrMake(a.refs), clearOrMake(a.empNew)
	if a.dirty == nil {
		a.dirty = map[string]*dirtyDays{}
	}
}

// Apply implements Projection.
func (a *Attendance) Apply(ev *ledger.Event, w Writer) error { return a.apply(ev, nil, w) }

// prePunch is a punch payload decoded ahead of its Apply (see predecoder).
type prePunch struct {
	p   attendance.PunchRecorded
	err error
}

// predecode implements predecoder: it decodes punch payloads, which is most of the
// decoding a rebuild does, on the log reader's goroutine. It touches nothing but ev
// and *slot (reusing the prePunch a slot holds).
func (a *Attendance) predecode(ev *ledger.Event, slot *any) {
	if ev.Type != attendance.TypePunchRecorded || ev.Schema != 1 {
		return
	}
	pp, _ := (*slot).(*prePunch)
	if pp == nil {
		pp = new(prePunch)
		*slot = pp
	}
	pp.err = pp.p.UnmarshalBinary(ev.Data)
}

// applyPredecoded implements predecoder.
func (a *Attendance) applyPredecoded(ev *ledger.Event, pre any, w Writer) error {
	pp, _ := pre.(*prePunch)
	return a.apply(ev, pp, w)
}

// apply is Apply with ev's punch payload already decoded into pp (nil: not decoded).
func (a *Attendance) apply(ev *ledger.Event, pp *prePunch, w Writer) error {
	if !a.inBatch(w) {
		if err := a.beginBatch(w); err != nil {
			return err
		}
	}
	at := ev.RecordedAt.UnixNano()
	if err := a.fireDues(w, at, ev.Seq); err != nil {
		return err
	}
	switch ev.Type {
	case attendance.TypeEmployeeRegistered, attendance.TypeEmployeeUpdated,
		attendance.TypeRoleGranted, attendance.TypeRoleRevoked,
		attendance.TypePunchRecorded, attendance.TypePunchVoided,
		attendance.TypeCorrectionRequested, attendance.TypeCorrectionApproved,
		attendance.TypeCorrectionRejected, attendance.TypeCorrectionWithdrawn,
		attendance.TypePolicyPublished, attendance.TypeShiftAssigned,
		attendance.TypeLeaveRecorded, attendance.TypePayPeriodClosed,
		attendance.TypeSubjectErased:
	default:
		return nil // not ours
	}
	emp, _ := strings.CutPrefix(ev.Stream, "employee/")
	if ev.Type == attendance.TypePunchRecorded && ev.Schema == 1 {
		if pp == nil {
			pp = &a.punch
			pp.err = pp.p.UnmarshalBinary(ev.Data)
		}
		if pp.err != nil {
			return fmt.Errorf("decode %s: %w", ev.Type, pp.err)
		}
		return a.punchRecorded(w, ev, emp, &pp.p)
	}
	p, err := a.reg.Decode(ev)
	if err != nil {
		return fmt.Errorf("decode %s: %w", ev.Type, err)
	}
	switch p := p.(type) {
	case *attendance.EmployeeRegistered:
		return a.employee(w, ev, emp, p.ManagerID, p.Site, p.PolicyID, p.TimeZone, p.JoinedOn, p.LeftOn)
	case *attendance.EmployeeUpdated:
		return a.employee(w, ev, emp, p.ManagerID, p.Site, p.PolicyID, p.TimeZone, p.JoinedOn, p.LeftOn)
	case *attendance.RoleGranted:
		return w.Set(keyRole(p.Principal, p.Role), nil)
	case *attendance.RoleRevoked:
		return w.Delete(keyRole(p.Principal, p.Role))
	case *attendance.PunchRecorded:
		return a.punchRecorded(w, ev, emp, p)
	case *attendance.PunchVoided:
		return a.void(w, ev, emp, p)
	case *attendance.CorrectionRequested:
		return a.correctionRequested(w, ev, emp, p)
	case *attendance.CorrectionApproved:
		state := corrPending
		if p.Final {
			state = corrApproved
		}
		return a.correctionDecided(w, ev, p.RequestID, state, p.Stage)
	case *attendance.CorrectionRejected:
		return a.correctionDecided(w, ev, p.RequestID, corrRejected, p.Stage)
	case *attendance.CorrectionWithdrawn:
		return a.correctionDecided(w, ev, p.RequestID, corrWithdrawn, "")
	case *attendance.PolicyPublished:
		return a.policyPublished(w, ev, p)
	case *attendance.ShiftAssigned:
		return a.shiftAssigned(w, ev, emp, p)
	case *attendance.LeaveRecorded:
		return a.leave(w, ev, emp, p)
	case *attendance.PayPeriodClosed:
		return a.periodClosed(w, ev, p)
	case *attendance.SubjectErased:
		rec, err := a.employeeRec(w, emp)
		if err != nil || rec == nil {
			return err
		}
		rec.Erased = true
		a.empDirty[emp] = true
	}
	return nil
}

func clearOrMake[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return map[K]V{}
	}
	clear(m)
	return m
}

// --- employees ---

func (a *Attendance) employeeRec(r Reader, emp string) (*employeeRec, error) {
	if rec, ok := a.emps.get(emp); ok {
		return rec, nil
	}
	v, err := r.Get(keyEmp(emp))
	if errors.Is(err, ErrNotFound) {
		a.emps.put(emp, nil)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rec, err := a.decodeEmployee(emp, v)
	if err != nil {
		return nil, err
	}
	a.emps.put(emp, rec)
	return rec, nil
}

// decodeEmployee decodes emp's stored record. Its policy ID is interned: every record
// of a policy then shares one string, which the attendance-date memo compares.
func (a *Attendance) decodeEmployee(emp string, v []byte) (*employeeRec, error) {
	rec := new(employeeRec)
	if err := unmarshalWire(v, rec); err != nil {
		return nil, fmt.Errorf("employee %s: %w", emp, err)
	}
	rec.PolicyID = a.intern(rec.PolicyID)
	return rec, nil
}

// intern returns the one copy of s this value keeps (policy IDs: a few).
func (a *Attendance) intern(s string) string {
	if c, ok := a.strs[s]; ok {
		return c
	}
	if a.strs == nil {
		a.strs = map[string]string{}
	}
	a.strs[s] = s
	return s
}

func (a *Attendance) employee(w Writer, ev *ledger.Event, emp, mgr, site, pol, tz, joined, left string) error {
	pol = a.intern(pol)
	rec, err := a.employeeRec(w, emp)
	if err != nil {
		return err
	}
	isNew := rec == nil
	if isNew {
		rec = &employeeRec{ID: emp, Registered: ev.Seq}
		start := rules.DateOf(ev.RecordedAt.UTC())
		if j, err := rules.ParseDate(joined); err == nil && j.After(start) {
			start = j
		}
		rec.Start = start.String()
		a.emps.put(emp, rec)
		// Written at once (and again at Flush, through the index too) so that scans
		// of e/ see it in this batch.
		a.empNew[emp] = true
		if err := w.Set(keyEmp(emp), rec.appendWire(nil)); err != nil {
			return err
		}
	}
	if rec.Manager != mgr {
		if rec.Manager != "" {
			if err := w.Delete(keyTeam(rec.Manager, emp)); err != nil {
				return err
			}
		}
		if mgr != "" {
			if err := w.Set(keyTeam(mgr, emp), nil); err != nil {
				return err
			}
		}
	}
	policyChanged := !isNew && rec.PolicyID != pol
	if rec.PolicyID != pol {
		if rec.PolicyID != "" {
			if err := w.Delete(keyByPolicy(rec.PolicyID, emp)); err != nil {
				return err
			}
		}
		if err := w.Set(keyByPolicy(pol, emp), nil); err != nil {
			return err
		}
	}
	rec.Manager, rec.Site, rec.PolicyID, rec.TimeZone, rec.JoinedOn, rec.LeftOn = mgr, site, pol, tz, joined, left
	rec.dates = dateMemo{}
	a.empDirty[emp] = true
	if policyChanged {
		// Another policy now applies to every day already evaluated.
		if err := a.dirtyDaysFrom(w, emp, "", ev); err != nil {
			return err
		}
	}
	if rec.DueAt == 0 {
		return a.scheduleNext(w, rec)
	}
	return nil
}

func (r *employeeRec) roster() rules.Roster {
	var ro rules.Roster
	for _, a := range r.Roster {
		from, err1 := rules.ParseDate(a.From)
		to, err2 := rules.ParseDate(a.To)
		if err1 != nil || err2 != nil {
			continue
		}
		ro.Assignments = append(ro.Assignments, rules.Assignment{From: from, To: to, Shift: a.Shift, Off: a.Shift == ""})
	}
	return ro
}

// --- policies ---

func (a *Attendance) policyVersions(r Reader, pol string) ([]*policyVersion, error) {
	if vs, ok := a.policies[pol]; ok {
		return vs, nil
	}
	prefix := []byte("P/" + pol + "/")
	var vs []*policyVersion
	err := r.Scan(prefix, PrefixEnd(prefix), func(_, v []byte) error {
		var rec policyRec
		if err := unmarshalWire(v, &rec); err != nil {
			return err
		}
		pv, err := a.loadPolicy(rec)
		if err != nil {
			return err
		}
		vs = append(vs, pv)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sortPolicies(vs)
	a.policies[pol] = vs
	return vs, nil
}

func sortPolicies(vs []*policyVersion) {
	slices.SortFunc(vs, func(x, y *policyVersion) int {
		if c := x.from.Compare(y.from); c != 0 {
			return c
		}
		return int(x.rec.Version - y.rec.Version)
	})
}

func (a *Attendance) loadPolicy(rec policyRec) (*policyVersion, error) {
	from, err := rules.ParseDate(rec.EffectiveFrom)
	if err != nil {
		return nil, fmt.Errorf("policy %s v%d: %w", rec.PolicyID, rec.Version, err)
	}
	k := fmt.Sprintf("%s/%d", rec.PolicyID, rec.Version)
	dp, ok := a.decoded[k]
	if !ok {
		p, err := decodePolicy(rec)
		if err != nil {
			return nil, err
		}
		loc, err := time.LoadLocation(p.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("policy %s v%d: %w", rec.PolicyID, rec.Version, err)
		}
		dp = decodedPolicy{p, loc}
		a.decoded[k] = dp
	}
	return &policyVersion{rec: rec, from: from, policy: dp.policy, loc: dp.loc,
		event: ref(rec.Seq, attendance.TypePolicyPublished, rec.ID)}, nil
}

// policyFor returns the policy version in force on d: the latest version (by version
// number) among those effective on or before d.
func (a *Attendance) policyFor(r Reader, pol string, d rules.Date) (*policyVersion, error) {
	vs, err := a.policyVersions(r, pol)
	if err != nil {
		return nil, err
	}
	var best *policyVersion
	for _, v := range vs {
		if v.from.After(d) {
			continue
		}
		if best == nil || v.rec.Version > best.rec.Version {
			best = v
		}
	}
	return best, nil
}

func (a *Attendance) policyPublished(w Writer, ev *ledger.Event, p *attendance.PolicyPublished) error {
	rec := policyRec{PolicyID: p.PolicyID, Version: p.Version, EffectiveFrom: p.EffectiveFrom, Seq: ev.Seq, ID: ev.ID, Policy: p.Policy}
	pv, err := a.loadPolicy(rec)
	if err != nil {
		return err
	}
	if err := a.write(w, keyPolicy(p.PolicyID, p.Version), &rec); err != nil {
		return err
	}
	a.policyGen++
	if vs, ok := a.policies[p.PolicyID]; ok {
		vs = append(vs, pv)
		sortPolicies(vs)
		a.policies[p.PolicyID] = vs
	}
	// Every employee on this policy: re-evaluate days from the effective date, and
	// schedule the first day of those that had no policy before.
	emps, err := listKeys(w, "y/"+p.PolicyID+"/")
	if err != nil {
		return err
	}
	for _, emp := range emps {
		if err := a.dirtyDaysFrom(w, emp, p.EffectiveFrom, ev); err != nil {
			return err
		}
		rec, err := a.employeeRec(w, emp)
		if err != nil {
			return err
		}
		if rec != nil && rec.DueAt == 0 {
			if err := a.scheduleNext(w, rec); err != nil {
				return err
			}
		}
	}
	return nil
}

// dirtyDaysFrom marks every day of emp on or after from ("" all) that is evaluated or
// pending evaluation for re-evaluation.
func (a *Attendance) dirtyDaysFrom(w Writer, emp, from string, ev *ledger.Event) error {
	return a.touchDays(w, emp, from, "", ev.RecordedAt.UnixNano(), ev.Seq)
}

// touchDays marks the days of emp in [from, to) ("" open) that are evaluated (have a
// row) or pending evaluation in this batch, as affected by an event at asOf/seq. Both
// kinds must be treated alike, or the result would depend on where batches end.
func (a *Attendance) touchDays(w Writer, emp, from, to string, asOf int64, seq uint64) error {
	rec, err := a.employeeRec(w, emp)
	if err != nil {
		return err
	}
	for _, r := range a.batchRows(rec) {
		if r.date >= from && (to == "" || r.date < to) {
			a.markDirty(emp, r.date, asOf, seq)
		}
	}
	prefix := []byte("d/" + emp + "/")
	lo := append(slices.Clip(prefix), from...)
	hi := PrefixEnd(prefix)
	if to != "" {
		hi = append(slices.Clip(prefix), to...)
	}
	if l := a.dirty[emp]; l != nil {
		for i := range *l {
			if d := &(*l)[i]; d.date >= from && (to == "" || d.date < to) {
				d.touch(asOf, seq)
			}
		}
	}
	return w.Scan(lo, hi, func(k, _ []byte) error {
		a.markDirty(emp, string(k[len(prefix):]), asOf, seq)
		return nil
	})
}

func (a *Attendance) markDirty(emp, date string, asOf int64, seq uint64) {
	a.markDirtyOf(nil, emp, date, asOf, seq)
}

// markDirtyOf is markDirty for emp's record rec (nil: not at hand), which remembers
// its list of pending days while a.dirtyGen is unchanged.
func (a *Attendance) markDirtyOf(rec *employeeRec, emp, date string, asOf int64, seq uint64) {
	var l *dirtyDays
	if rec != nil && rec.dirtyGen == a.dirtyGen {
		l = rec.dirty
	} else {
		if l = a.dirty[emp]; l == nil {
			l = new(dirtyDays)
			a.dirty[emp] = l
		}
		if rec != nil {
			rec.dirty, rec.dirtyGen = l, a.dirtyGen
		}
	}
	if i := l.index(date); i >= 0 {
		(*l)[i].touch(asOf, seq)
		return
	}
	*l = append(*l, dirtyDay{date: date})
	(*l)[len(*l)-1].touch(asOf, seq)
}

// dirtyDays are an employee's days pending evaluation, in no order (a few: the days
// of one batch).
type dirtyDays []dirtyDay

func (l *dirtyDays) index(date string) int {
	for i := range *l {
		if (*l)[i].date == date {
			return i
		}
	}
	return -1
}

// take removes date's entry and returns it; ok false when it is not there.
func (l *dirtyDays) take(date string) (d dirtyDay, ok bool) {
	i := l.index(date)
	if i < 0 {
		return d, false
	}
	d = (*l)[i]
	*l = slices.Delete(*l, i, i+1)
	return d, true
}

func (d *dirtyDay) touch(asOf int64, seq uint64) {
	d.asOf, d.seq = max(d.asOf, asOf), max(d.seq, seq)
}

// --- roster and leave ---

const maxRangeDays = 366

func dateRange(from, to string) ([]string, error) {
	f, err := rules.ParseDate(from)
	if err != nil {
		return nil, err
	}
	t, err := rules.ParseDate(to)
	if err != nil {
		return nil, err
	}
	n := t.DaysSince(f)
	if n < 0 || n >= maxRangeDays {
		return nil, fmt.Errorf("date range %s..%s: want 1..%d days", from, to, maxRangeDays)
	}
	out := make([]string, 0, n+1)
	for d := f; !d.After(t); d = d.AddDays(1) {
		out = append(out, d.String())
	}
	return out, nil
}

func (a *Attendance) shiftAssigned(w Writer, ev *ledger.Event, emp string, p *attendance.ShiftAssigned) error {
	rec, err := a.employeeRec(w, emp)
	if err != nil || rec == nil {
		return err
	}
	days, err := dateRange(p.From, p.To)
	if err != nil {
		return nil // attendance validates ranges; a bad one affects nothing here
	}
	rec.Roster = append(rec.Roster, rosterRec{From: p.From, To: p.To, Shift: p.Shift, Seq: ev.Seq, ID: ev.ID})
	rec.dates = dateMemo{}
	a.empDirty[emp] = true
	for _, d := range days {
		if rec.Through != "" && d <= rec.Through || a.hasDay(w, emp, d) {
			a.markDirty(emp, d, ev.RecordedAt.UnixNano(), ev.Seq)
		}
	}
	return nil
}

func (a *Attendance) hasDay(r Reader, emp, date string) bool {
	if l := a.dirty[emp]; l != nil && l.index(date) >= 0 {
		return true
	}
	if rec, _ := a.employeeRec(r, emp); rec != nil {
		for _, row := range a.batchRows(rec) {
			if row.date == date {
				return true
			}
		}
	}
	_, err := r.Get(keyDay(emp, date))
	return err == nil
}

// batchRows returns the day rows of rec written in this batch (blind: reads of the
// batch do not see them).
func (a *Attendance) batchRows(rec *employeeRec) []writtenRow {
	if rec == nil || rec.rowsBatch != a.batch {
		return nil
	}
	return rec.rows
}

// wroteRow notes a row of rec written in this batch.
func (a *Attendance) wroteRow(rec *employeeRec, date string, f *Figures) {
	if rec.rowsBatch != a.batch {
		rec.rows, rec.rowsBatch = rec.rows[:0], a.batch
	}
	r := writtenRow{date: date, regular: f.Regular, worked: f.Worked > 0}
	for i := range rec.rows {
		if rec.rows[i].date == date {
			rec.rows[i] = r
			return
		}
	}
	rec.rows = append(rec.rows, r)
}

func (a *Attendance) leave(w Writer, ev *ledger.Event, emp string, p *attendance.LeaveRecorded) error {
	days, err := dateRange(p.From, p.To)
	if err != nil {
		return nil
	}
	for _, d := range days {
		in := inputRec{Kind: inputLeave, Seq: ev.Seq, ID: ev.ID,
			LeaveKind: p.Kind, LeaveMinutes: p.Minutes, RecordedAt: ev.RecordedAt.UnixNano()}
		if err := a.putInput(w, emp, d, &in); err != nil {
			return err
		}
		a.markDirty(emp, d, ev.RecordedAt.UnixNano(), ev.Seq)
	}
	return nil
}

// dayState returns the state of emp's date, from this batch's cache or the store (a
// zero state when there is none).
func (a *Attendance) dayState(r Reader, emp, date string) (*dayState, error) {
	rec, err := a.employeeRec(r, emp)
	if err != nil {
		return nil, err
	}
	return a.dayStateOf(r, rec, emp, date)
}

// dayStateOf is dayState for emp's record rec (nil when unknown). The states of a
// known employee's days are cached in his record (employeeRec.days); a.days holds those
// of unknown ones.
func (a *Attendance) dayStateOf(r Reader, rec *employeeRec, emp, date string) (*dayState, error) {
	if st, ok := a.cachedDay(rec, emp, date); ok {
		return st, nil
	}
	if rec == nil {
		st, err := loadDayState(r, emp, date)
		if err == nil {
			a.days[dayKey{emp, date}] = st
		}
		return st, err
	}
	st := new(dayState)
	if date <= rec.LastState { // else nothing is stored for this date yet
		var err error
		if st, err = loadDayState(r, emp, date); err != nil {
			return nil, err
		}
	}
	rec.days = append(rec.days, dayEntry{date, st})
	return st, nil
}

// cachedDay returns the cached state of emp's date, if any (rec: emp's record, nil when
// unknown).
func (a *Attendance) cachedDay(rec *employeeRec, emp, date string) (*dayState, bool) {
	if rec == nil {
		st, ok := a.days[dayKey{emp, date}]
		return st, ok
	}
	days := a.cachedDays(rec)
	for i := len(days) - 1; i >= 0; i-- { // the latest days are asked for most
		if days[i].date == date {
			return days[i].st, true
		}
	}
	return nil, false
}

// cachedDays returns the day states cached in rec, pruned once per batch.
func (a *Attendance) cachedDays(rec *employeeRec) []dayEntry {
	if rec.daysBatch != a.batch {
		a.pruneDays(rec)
	}
	return rec.days
}

func loadDayState(r Reader, emp, date string) (*dayState, error) {
	st := new(dayState)
	v, err := r.Get(keyDayState(emp, date))
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return nil, err
	default:
		if err := unmarshalWire(v, st); err != nil {
			return nil, fmt.Errorf("day %s %s: %w", emp, date, err)
		}
	}
	return st, nil
}

// pruneDays keeps, from one batch to the next, the day states of rec's days whose
// window has not been materialized yet (after Through), at most the latest
// cacheDaysPerEmployee of them: the days the next punches go to. The rest (closed
// days, which only a late upload or a correction touches again) are read from the
// store when needed. Every cached state is the committed one: what a batch changes is
// written at its Flush.
func (a *Attendance) pruneDays(rec *employeeRec) {
	rec.days = slices.DeleteFunc(rec.days, func(d dayEntry) bool { return d.date <= rec.Through })
	if n := len(rec.days) - cacheDaysPerEmployee; n > 0 {
		slices.SortFunc(rec.days, func(x, y dayEntry) int { return strings.Compare(x.date, y.date) })
		rec.days = slices.Delete(rec.days, 0, n)
	}
	rec.daysBatch = a.batch
}

// changedDay marks st, the state of emp's date, to be written at Flush; rec is emp's
// record (nil when unknown).
func (a *Attendance) changedDay(rec *employeeRec, emp, date string, st *dayState) {
	if !st.changed {
		st.changed = true
		a.daysDirty = append(a.daysDirty, dirtyState{rec, emp, date, st})
	}
}

// putInput adds (or replaces, by seq) an input of emp's date.
func (a *Attendance) putInput(r Reader, emp, date string, in *inputRec) error {
	rec, err := a.employeeRec(r, emp)
	if err != nil {
		return err
	}
	return a.putInputOf(r, rec, emp, date, in)
}

// putInputOf is putInput for emp's record rec (nil when unknown).
func (a *Attendance) putInputOf(r Reader, rec *employeeRec, emp, date string, in *inputRec) error {
	st, err := a.dayStateOf(r, rec, emp, date)
	if err != nil {
		return err
	}
	if st.Inputs == nil {
		st.Inputs = make([]inputRec, 0, 4) // a working day's punches, allocated once
	}
	// Inputs arrive in seq order: the place is nearly always the end.
	i := len(st.Inputs)
	for i > 0 && st.Inputs[i-1].Seq > in.Seq {
		i--
	}
	if i > 0 && st.Inputs[i-1].Seq == in.Seq {
		st.Inputs[i-1] = *in
	} else {
		st.Inputs = slices.Insert(st.Inputs, i, *in)
	}
	a.changedDay(rec, emp, date, st)
	return nil
}

// putRef writes a reference blind: only getRef reads it back, from refs in this batch.
func (a *Attendance) putRef(w Writer, k refKey, rr refRec) error {
	a.refs[k] = rr
	a.kbuf = k.appendKey(a.kbuf[:0])
	return a.writeBlind(w, a.kbuf, &rr)
}

// getRef reads a reference: from this batch, else from the store.
func (a *Attendance) getRef(r Reader, k refKey) (*refRec, error) {
	if rr, ok := a.refs[k]; ok {
		return &rr, nil
	}
	return getRecord[refRec](r, k.appendKey(nil))
}

// writeBlind sets key to rec's encoding, bypassing the batch index when w is the
// runner's writer (see writer.setBlind): for the records that are read back in the
// same batch from the caches only (day states, payroll rows, employee records other
// than new ones, references). Never for a key also written with Set in the batch.
func (a *Attendance) writeBlind(w Writer, key []byte, rec wireRecord) error {
	pw, ok := w.(*writer)
	if !ok {
		return a.write(w, key, rec)
	}
	a.buf = rec.appendWire(a.buf[:0])
	return pw.setBlind(key, a.buf)
}

func (a *Attendance) getInput(r Reader, rr *refRec) (*inputRec, error) {
	st, err := a.dayState(r, rr.Employee, rr.Date)
	if err != nil {
		return nil, err
	}
	for i := range st.Inputs {
		if st.Inputs[i].Seq == rr.Seq {
			in := st.Inputs[i]
			return &in, nil
		}
	}
	return nil, fmt.Errorf("input seq %d of %s %s: %w", rr.Seq, rr.Employee, rr.Date, ErrNotFound)
}

// --- punches ---

// attendanceDate returns the date a punch at t belongs to for emp, under the policy in
// force on t's local date. ok is false when no policy is known yet.
//
// A dateMemo remembers the last result with the window it came from: an instant with
// the same UTC and local dates (so the same policy version) inside that window has the
// same attendance date, since the policy's windows of neighbouring days do not overlap
// (TestAttendanceDateMemo compares the two). Employees without a roster share one
// memo (the date is a function of the policy and the instant alone: every employee's
// first punch of a day after the first one's is answered from it); the others have
// their own.
func (a *Attendance) attendanceDate(r Reader, rec *employeeRec, t time.Time) (rules.Date, *policyVersion, error) {
	utc := rules.DateOf(t.UTC())
	m := &rec.dates
	if len(rec.Roster) == 0 {
		m = &a.shared
	}
	ns := t.UnixNano()
	if m.valid && m.policies == a.policyGen && m.policyID == rec.PolicyID && m.utc == utc && ns >= m.open && ns < m.end &&
		rules.DateOf(t.In(m.loc)) == m.local {
		return m.day, m.pv, nil
	}
	pv, err := a.policyFor(r, rec.PolicyID, utc)
	if err != nil || pv == nil {
		return utc, nil, err
	}
	loc := pv.loc
	local := rules.DateOf(t.In(loc))
	if pv2, err := a.policyFor(r, rec.PolicyID, local); err == nil && pv2 != nil {
		pv = pv2
	}
	roster := rec.roster()
	d, ok := pv.policy.AttendanceDate(roster, t)
	if !ok {
		return local, pv, nil
	}
	if s, err := pv.policy.Schedule(roster, d); err == nil && ns >= s.Open.UnixNano() && ns < s.Close.UnixNano() {
		*m = dateMemo{valid: true, policies: a.policyGen, policyID: rec.PolicyID, utc: utc, loc: loc, local: local,
			pv: pv, open: s.Open.UnixNano(), end: s.Close.UnixNano(), day: d}
	}
	return d, pv, nil
}

func (a *Attendance) punchRecorded(w Writer, ev *ledger.Event, emp string, p *attendance.PunchRecorded) error {
	rec, err := a.employeeRec(w, emp)
	if err != nil {
		return err
	}
	if rec == nil {
		return nil // attendance refuses punches for unknown employees; nothing to attach to
	}
	at := ev.OccurredAt
	d, _, err := a.attendanceDate(w, rec, at)
	if err != nil {
		return err
	}
	date := a.dateString(d)
	in := inputRec{
		Kind: inputPunch, Seq: ev.Seq, ID: ev.ID,
		PunchKind: uint8(p.Kind), At: at.UnixNano(), ReceivedAt: p.ReceivedAt, RecordedAt: ev.RecordedAt.UnixNano(),
		Source: uint8(p.Source), DeviceID: p.DeviceID, DeviceBound: p.DeviceBound, Factors: slices.Clone(p.Factors),
		Offline: p.Offline, Signature: uint8(p.Signature), Outcome: uint8(p.Outcome),
	}
	for _, f := range p.Findings {
		in.Findings = append(in.Findings, findingRec{Code: f.Code, Clause: f.Clause, Detail: f.Detail})
	}
	if err := a.putInputOf(w, rec, emp, date, &in); err != nil {
		return err
	}
	a.markDirtyOf(rec, emp, date, ev.RecordedAt.UnixNano(), ev.Seq)
	return nil
}

// findPunch returns where emp's punch id went, nil if nowhere. Punches have no
// reference records of their own (one per punch would be a large part of what a rebuild
// writes, for the rare void): the employee's days are searched, those of this batch
// first, the stored ones with a byte search for the ID before decoding.
func (a *Attendance) findPunch(r Reader, emp string, id [16]byte) (*refRec, error) {
	has := func(st *dayState) uint64 {
		for i := range st.Inputs {
			if in := &st.Inputs[i]; in.Kind == inputPunch && in.ID == id {
				return in.Seq
			}
		}
		return 0
	}
	rec, err := a.employeeRec(r, emp)
	if err != nil {
		return nil, err
	}
	// The cached days: a known employee's are in his record, only unknown ones' in a.days
	// (see dayStateOf).
	if rec != nil {
		for _, d := range a.cachedDays(rec) {
			if seq := has(d.st); seq != 0 {
				return &refRec{Employee: emp, Date: d.date, Seq: seq}, nil
			}
		}
	} else {
		for k, st := range a.days { // at most one day holds the punch: order does not matter
			if k.emp == emp {
				if seq := has(st); seq != 0 {
					return &refRec{Employee: emp, Date: k.date, Seq: seq}, nil
				}
			}
		}
	}
	var found *refRec
	prefix := keyDayState(emp, "")
	err = r.Scan(prefix, PrefixEnd(prefix), func(k, v []byte) error {
		date := string(k[len(prefix):])
		if _, ok := a.cachedDay(rec, emp, date); ok || !bytes.Contains(v, id[:]) {
			return nil
		}
		var st dayState
		if err := unmarshalWire(v, &st); err != nil {
			return fmt.Errorf("day %s %s: %w", emp, date, err)
		}
		if seq := has(&st); seq != 0 {
			found = &refRec{Employee: emp, Date: date, Seq: seq}
			return ErrStop
		}
		return nil
	})
	return found, err
}

func (a *Attendance) void(w Writer, ev *ledger.Event, emp string, p *attendance.PunchVoided) error {
	rr, err := a.findPunch(w, emp, p.PunchID)
	if err != nil || rr == nil {
		return err
	}
	in, err := a.getInput(w, rr)
	if err != nil {
		return err
	}
	in.VoidSeq, in.VoidID = ev.Seq, ev.ID
	if err := a.putInput(w, rr.Employee, rr.Date, in); err != nil {
		return err
	}
	a.markDirty(rr.Employee, rr.Date, ev.RecordedAt.UnixNano(), ev.Seq)
	return nil
}

// --- corrections ---

func (a *Attendance) correctionRequested(w Writer, ev *ledger.Event, emp string, p *attendance.CorrectionRequested) error {
	if _, err := rules.ParseDate(p.Day); err != nil {
		return nil
	}
	in := inputRec{
		Kind: inputCorrection, Seq: ev.Seq, ID: ev.ID,
		CorrKind: p.Kind, PunchKind: p.PunchKind, At: p.At, CorrPunch: p.PunchID, CorrState: corrPending,
		RecordedAt: ev.RecordedAt.UnixNano(),
	}
	if err := a.putInput(w, emp, p.Day, &in); err != nil {
		return err
	}
	if err := a.putRef(w, refKey{refRequest, ev.ID}, refRec{Employee: emp, Date: p.Day, Seq: ev.Seq}); err != nil {
		return err
	}
	if err := a.quota(w, emp, p.Day, func(q *QuotaRow) { q.Requested++; q.Pending++ }); err != nil {
		return err
	}
	a.markDirty(emp, p.Day, ev.RecordedAt.UnixNano(), ev.Seq)
	return nil
}

func (a *Attendance) correctionDecided(w Writer, ev *ledger.Event, reqID [16]byte, state uint8, stage string) error {
	rr, err := a.getRef(w, refKey{refRequest, reqID})
	if err != nil || rr == nil {
		return err
	}
	in, err := a.getInput(w, rr)
	if err != nil {
		return err
	}
	was := in.CorrState
	if was != corrPending {
		return nil // attendance refuses deciding twice
	}
	in.CorrState, in.CorrStage = state, stage
	in.DecisionSeq, in.DecisionID = ev.Seq, ev.ID
	if err := a.putInput(w, rr.Employee, rr.Date, in); err != nil {
		return err
	}
	if state != corrPending {
		if err := a.quota(w, rr.Employee, rr.Date, func(q *QuotaRow) {
			q.Pending--
			switch state {
			case corrApproved:
				q.Approved++
			case corrRejected:
				q.Rejected++
			case corrWithdrawn:
				q.Withdrawn++
			}
		}); err != nil {
			return err
		}
	}
	a.markDirty(rr.Employee, rr.Date, ev.RecordedAt.UnixNano(), ev.Seq)
	return nil
}

// QuotaRow is an employee's correction requests in one calendar month (of the corrected
// day). Used is what counts against the policy's monthly limit: every request that was
// not withdrawn.
type QuotaRow struct {
	_msgpack  struct{} `msgpack:",as_array"`
	Employee  string   `json:"employee"`
	Month     string   `json:"month"` // YYYY-MM
	Requested int32    `json:"requested"`
	Pending   int32    `json:"pending"`
	Approved  int32    `json:"approved"`
	Rejected  int32    `json:"rejected"`
	Withdrawn int32    `json:"withdrawn"`
	Used      int32    `json:"used"`
	Limit     int32    `json:"limit"` // the policy's limit (0: none), from the policy in force on the 1st
}

func (a *Attendance) quota(w Writer, emp, day string, f func(*QuotaRow)) error {
	month := day[:7]
	k := keyQuota(emp, month)
	q := QuotaRow{Employee: emp, Month: month}
	v, err := w.Get(k)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return err
	default:
		if err := unmarshalWire(v, &q); err != nil {
			return err
		}
	}
	f(&q)
	q.Used = q.Requested - q.Withdrawn
	if rec, err := a.employeeRec(w, emp); err == nil && rec != nil {
		if d, err := rules.ParseDate(month + "-01"); err == nil {
			if pv, err := a.policyFor(w, rec.PolicyID, d); err == nil && pv != nil && pv.policy.Corrections.LimitPer != rules.PerPayPeriod {
				q.Limit = int32(pv.policy.Corrections.Limit)
			}
		}
	}
	return a.write(w, k, &q)
}

// --- due days (absence needs no event of its own) ---

// closeOf returns when emp's date d is over: its attendance window's close under the
// policy in force. ok is false when no policy is known.
func (a *Attendance) closeOf(r Reader, rec *employeeRec, d rules.Date) (int64, bool, error) {
	pv, err := a.policyFor(r, rec.PolicyID, d)
	if err != nil || pv == nil {
		return 0, false, err
	}
	// Without a roster the close is the policy's alone: remembered for the next
	// employees (dues fire employee after employee for the same days).
	shared := len(rec.Roster) == 0
	if shared {
		for _, m := range a.closes {
			if m.pv == pv && m.day == d {
				return m.close, true, nil
			}
		}
	}
	s, err := pv.policy.Schedule(rec.roster(), d)
	if err != nil {
		return 0, false, err
	}
	if shared {
		a.closes[a.nextClose%len(a.closes)] = closeMemo{pv, d, s.Close.UnixNano()}
		a.nextClose++
	}
	return s.Close.UnixNano(), true, nil
}

// dateString returns d.String(), the same string for the same date while d is among
// the last few asked: a punch's date is compared with those of its employee's cached
// and pending days, and equal strings that share their bytes compare without reading
// them (which, for 10,000 employees' days, are rarely in the CPU's cache).
func (a *Attendance) dateString(d rules.Date) string {
	for i := range a.dateStrs {
		if e := &a.dateStrs[i]; e.s != "" && e.d == d {
			return e.s
		}
	}
	s := d.String()
	a.dateStrs[a.nextDateStr%len(a.dateStrs)] = dateStr{d, s}
	a.nextDateStr++
	return s
}

type dateStr struct {
	d rules.Date
	s string
}

// closeMemo is the close of day under a policy version, for employees without a
// roster.
type closeMemo struct {
	pv    *policyVersion
	day   rules.Date
	close int64
}

// nextDate returns the employee's next date to materialize; ok false after LeftOn.
func (rec *employeeRec) nextDate() (rules.Date, bool) {
	var d rules.Date
	if rec.Through == "" {
		d, _ = rules.ParseDate(rec.Start)
	} else {
		t, _ := rules.ParseDate(rec.Through)
		d = t.AddDays(1)
	}
	if left, err := rules.ParseDate(rec.LeftOn); err == nil && d.After(left) {
		return d, false
	}
	return d, !d.IsZero()
}

func (a *Attendance) scheduleNext(w Writer, rec *employeeRec) error {
	if rec.DueAt != 0 {
		rec.DueAt = 0 // its heap entry is now stale
		a.empDirty[rec.ID] = true
	}
	d, ok := rec.nextDate()
	if !ok || rec.Erased {
		return nil
	}
	at, ok, err := a.closeOf(w, rec, d)
	if err != nil || !ok {
		return err
	}
	a.setDue(rec, at)
	return nil
}

// setDue schedules rec's next day at at, never before the watermark (so that a day
// scheduled while dues fire at some instant fires with the next later instant, as it
// did when dues were scanned from the store).
func (a *Attendance) setDue(rec *employeeRec, at int64) {
	rec.DueAt = max(at, a.watermark)
	a.empDirty[rec.ID] = true
	heap.Push(&a.dues, dueEntry{rec.DueAt, rec.ID})
}

var keyWatermark = []byte("W")

// loadDues reads the watermark and builds the heap of due days from the employee
// records (their DueAt), once per state this value caches (see beginBatch).
func (a *Attendance) loadDues(r Reader) error {
	a.dues, a.watermark = a.dues[:0], 0
	switch v, err := r.Get(keyWatermark); {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return err
	case len(v) != 8:
		return fmt.Errorf("projection: bad due watermark %x", v)
	default:
		a.watermark = int64(binary.BigEndian.Uint64(v))
	}
	err := r.Scan([]byte("e/"), PrefixEnd([]byte("e/")), func(k, v []byte) error {
		emp := string(k[2:])
		rec, ok := a.emps.get(emp)
		if !ok {
			var err error
			if rec, err = a.decodeEmployee(emp, v); err != nil {
				return err
			}
			a.emps.put(emp, rec)
		}
		if rec != nil && rec.DueAt != 0 {
			a.dues = append(a.dues, dueEntry{rec.DueAt, emp}) // heap.Init below
		}
		if rec != nil && len(rec.Pending) > 0 {
			// Days an intermediate commit left pending (see notePending).
			for _, p := range rec.Pending {
				a.markDirty(emp, p.Date, p.AsOf, p.Seq)
			}
			if a.pendingEmps == nil {
				a.pendingEmps = map[string]bool{}
			}
			a.pendingEmps[emp] = true
		}
		return nil
	})
	heap.Init(&a.dues)
	a.duesLoaded = err == nil
	return err
}

// fireDues materializes every employee-day whose window closed at or before now (the
// RecordedAt of the event being applied): the day is evaluated as of now. Due days are
// taken in (instant, employee) order; an employee's next day due by now too is taken
// in turn.
func (a *Attendance) fireDues(w Writer, now int64, seq uint64) error {
	if !a.duesLoaded {
		if err := a.loadDues(w); err != nil {
			return err
		}
	}
	if len(a.dues) == 0 || a.dues[0].at > now {
		return nil
	}
	for len(a.dues) > 0 && a.dues[0].at <= now {
		if err := a.fireDue(w, heap.Pop(&a.dues).(dueEntry), now, seq); err != nil {
			return err
		}
	}
	// Every entry up to now is done; later ones are never scheduled before now+1.
	a.watermark = now + 1
	return w.Set(keyWatermark, binary.BigEndian.AppendUint64(nil, uint64(a.watermark)))
}

func (a *Attendance) fireDue(w Writer, due dueEntry, now int64, seq uint64) error {
	emp := due.emp
	rec, err := a.employeeRec(w, emp)
	if err != nil {
		return err
	}
	if rec == nil || rec.DueAt != due.at {
		return nil // stale entry
	}
	rec.DueAt = 0
	a.empDirty[emp] = true
	d, ok := rec.nextDate()
	if !ok || rec.Erased {
		return nil // left, or erased: no more days are expected of him
	}
	// The policy or roster may have moved the close since it was scheduled.
	closeAt, ok, err := a.closeOf(w, rec, d)
	if err != nil {
		return err
	}
	if ok && closeAt > now {
		a.setDue(rec, closeAt)
		return nil
	}
	date := a.dateString(d)
	a.markDirtyOf(rec, emp, date, now, seq)
	rec.Through = date
	return a.scheduleNext(w, rec)
}

// dueEntry is an employee's day due at an instant (unix ns). dueHeap is a min-heap of
// them by (at, emp) (container/heap); an entry whose employee's DueAt has changed since
// is stale.
type dueEntry struct {
	at  int64
	emp string
}

type dueHeap []dueEntry

func (h dueHeap) Len() int { return len(h) }

func (h dueHeap) Less(i, j int) bool {
	return h[i].at < h[j].at || h[i].at == h[j].at && h[i].emp < h[j].emp
}

func (h dueHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }

func (h *dueHeap) Push(x any) { *h = append(*h, x.(dueEntry)) }

func (h *dueHeap) Pop() any {
	old := *h
	n := len(old) - 1
	e := old[n]
	old[n] = dueEntry{} // hold no employee ID
	*h = old[:n]
	return e
}

// decodePolicy decodes and validates a stored policy version, as attendance does.
func decodePolicy(rec policyRec) (*rules.Policy, error) {
	pp := attendance.PolicyPublished{PolicyID: rec.PolicyID, Version: rec.Version, EffectiveFrom: rec.EffectiveFrom, Policy: rec.Policy}
	return pp.DecodePolicy()
}
