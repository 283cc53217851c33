package projection

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

// DayRow is the daily attendance of one employee-day as the projection holds it: the
// rules.DayResult in a stable, compact form, the exceptions that need a person, and
// what it was computed from.
type DayRow struct {
	_msgpack      struct{}       `msgpack:",as_array"`
	Employee      string         `json:"employee"`
	Date          string         `json:"date"`
	Kind          string         `json:"kind"` // working, rest, holiday
	Shift         string         `json:"shift,omitempty"`
	Status        string         `json:"status"`
	Final         bool           `json:"final"`
	Field         bool           `json:"field,omitempty"`
	FirstIn       string         `json:"first_in,omitempty"` // RFC 3339 in the policy's zone
	LastOut       string         `json:"last_out,omitempty"`
	Worked        int32          `json:"worked_min"` // rounded
	WorkedExact   int32          `json:"worked_exact_min"`
	Late          int32          `json:"late_min"`
	EarlyLeave    int32          `json:"early_leave_min"`
	Figures       Figures        `json:"figures"`
	Reasons       []ReasonRow    `json:"reasons,omitempty"`
	Exceptions    []ExceptionRow `json:"exceptions,omitempty"`
	PolicyID      string         `json:"policy_id"`
	PolicyVersion int64          `json:"policy_version"`
	PolicyEvent   EventRef       `json:"policy_event"`
	AsOf          string         `json:"as_of"`    // the evaluation instant (RecordedAt of the last event that affected the day)
	LastSeq       uint64         `json:"last_seq"` // that event's seq
}

// ReasonRow is a rules.Reason: code, the policy clause behind it, detail.
type ReasonRow struct {
	_msgpack struct{} `msgpack:",as_array"`
	Code     string   `json:"code"`
	Clause   string   `json:"clause,omitempty"`
	Detail   string   `json:"detail,omitempty"`
}

// ExceptionRow is something about a day that needs a person: a missing punch, a
// flagged or rejected punch (outside the fence, unbound device, clock skew, spoofing
// signals, ...), a late upload, a pending correction.
type ExceptionRow struct {
	_msgpack struct{} `msgpack:",as_array"`
	Employee string   `json:"employee"`
	Date     string   `json:"date"`
	Code     string   `json:"code"`
	Clause   string   `json:"clause,omitempty"`
	Detail   string   `json:"detail,omitempty"`
	Event    EventRef `json:"event"` // the punch, request or decisive event; zero for the day itself
}

// Figures are a day's or period's payroll minutes.
type Figures struct {
	_msgpack    struct{}      `msgpack:",as_array"`
	Days        int32         `json:"days"` // days with worked time
	Worked      int32         `json:"worked_min"`
	Regular     int32         `json:"regular_min"`
	Overtime    []OvertimeRow `json:"overtime,omitempty"` // sorted by category, multiplier
	Night       int32         `json:"night_min"`
	UnpaidBreak int32         `json:"unpaid_break_min"`
	Absent      int32         `json:"absent_days"`
	Leave       int32         `json:"leave_days"`
}

// OvertimeRow is overtime minutes of one category at one multiplier (percent).
type OvertimeRow struct {
	_msgpack struct{} `msgpack:",as_array"`
	Category string   `json:"category"`
	Percent  int32    `json:"percent"`
	Approved bool     `json:"approved"`
	Minutes  int32    `json:"minutes"`
}

func (f *Figures) isZero() bool {
	return f.Days == 0 && f.Worked == 0 && f.Regular == 0 && len(f.Overtime) == 0 && f.Night == 0 &&
		f.UnpaidBreak == 0 && f.Absent == 0 && f.Leave == 0
}

// add returns f + sign*g, overtime lines merged by (category, percent, approved).
func (f Figures) add(g Figures, sign int32) Figures {
	out := Figures{
		Days: f.Days + sign*g.Days, Worked: f.Worked + sign*g.Worked, Regular: f.Regular + sign*g.Regular,
		Night: f.Night + sign*g.Night, UnpaidBreak: f.UnpaidBreak + sign*g.UnpaidBreak,
		Absent: f.Absent + sign*g.Absent, Leave: f.Leave + sign*g.Leave,
	}
	lines := slices.Clone(f.Overtime)
	for _, l := range g.Overtime {
		l.Minutes *= sign
		i := slices.IndexFunc(lines, func(x OvertimeRow) bool {
			return x.Category == l.Category && x.Percent == l.Percent && x.Approved == l.Approved
		})
		if i < 0 {
			lines = append(lines, l)
		} else {
			lines[i].Minutes += l.Minutes
		}
	}
	lines = slices.DeleteFunc(lines, func(x OvertimeRow) bool { return x.Minutes == 0 })
	sortOvertime(lines)
	if len(lines) > 0 {
		out.Overtime = lines
	}
	return out
}

func sortOvertime(lines []OvertimeRow) {
	slices.SortFunc(lines, func(x, y OvertimeRow) int {
		if c := strings.Compare(x.Category, y.Category); c != 0 {
			return c
		}
		if x.Percent != y.Percent {
			return int(x.Percent - y.Percent)
		}
		if x.Approved != y.Approved {
			if x.Approved {
				return 1
			}
			return -1
		}
		return 0
	})
}

func (f Figures) equal(g Figures) bool {
	d := f.add(g, -1)
	return d.isZero()
}

func minutes(d time.Duration) int32 { return int32(d / time.Minute) }

// Flush implements Flusher: it evaluates every day touched in the batch, then writes the
// employee records changed in it. On the intermediate commits of a catch-up, days that
// will be evaluated again when their window closes are left for then (see
// deferOpenDays).
func (a *Attendance) Flush(w Writer) error {
	if !a.inBatch(w) {
		if err := a.beginBatch(w); err != nil {
			return err
		}
	}
	if !a.duesLoaded {
		if err := a.loadDues(w); err != nil { // and the pending days
			return err
		}
	}
	pw, _ := w.(*writer)
	var keep map[string]*dirtyDays
	if pw != nil && pw.more {
		var err error
		if keep, err = a.deferOpenDays(w); err != nil {
			return err
		}
	}
	if err := a.evaluateDirty(w); err != nil {
		return err
	}
	if err := a.notePending(w, keep); err != nil {
		return err
	}
	if pw != nil && len(keep) > 0 {
		pw.deferred = true
	}
	// Each changed record is written once, so any order commits the same state; they
	// are written in key order, which the memtable inserts faster than random order.
	slices.SortFunc(a.daysDirty, func(x, y dirtyState) int {
		if c := strings.Compare(x.emp, y.emp); c != 0 {
			return c
		}
		return strings.Compare(x.date, y.date)
	})
	encs := a.encodeDays()
	for i, k := range a.daysDirty {
		if rec := k.rec; rec != nil && k.date > rec.LastState {
			rec.LastState = k.date
			a.empDirty[k.emp] = true
		}
		k.st.changed = false
		if err := a.setBlind(w, keyDayState(k.emp, k.date), encs.get(i)); err != nil {
			return err
		}
	}
	pays := sortedKeys(a.paysDirty, func(x, y payKey) int {
		if c := strings.Compare(x.from, y.from); c != 0 {
			return c
		}
		return strings.Compare(x.emp, y.emp)
	})
	for _, k := range pays {
		row := a.paysDirty[k]
		if rec, _ := a.emps.get(k.emp); rec != nil && k.from > rec.LastPay {
			rec.LastPay = k.from
			a.empDirty[k.emp] = true
		}
		if err := a.writeBlind(w, keyPay(k.from, k.emp), row); err != nil {
			return err
		}
	}
	for _, e := range sortedKeys(a.empDirty, strings.Compare) {
		rec, _ := a.emps.get(e)
		if rec == nil {
			continue
		}
		write := a.writeBlind
		if a.empNew[e] {
			write = a.write // already written through the index in this batch
		}
		if err := write(w, keyEmp(e), rec); err != nil {
			return err
		}
	}
	a.batchOpen = false // per-batch caches start afresh with the next event
	return nil
}

// deferOpenDays takes out of a.dirty, and returns, the days whose evaluation can wait:
// those the employee's due days have not reached yet (see dueWillReach). Each of them
// is evaluated again when its window closes, as of then, and that evaluation is the
// one that stays; evaluating it now as well, at an intermediate commit of a catch-up,
// would be work thrown away (a third of a rebuild's evaluations). The catch-up's last
// commit, a live batch, and a pay period's close (see periodClosed) evaluate every day
// pending, so the state they leave is the one evaluating at every commit leaves.
func (a *Attendance) deferOpenDays(r Reader) (map[string]*dirtyDays, error) {
	var keep map[string]*dirtyDays
	for emp, l := range a.dirty {
		rec, err := a.employeeRec(r, emp)
		if err != nil {
			return nil, err
		}
		if rec == nil {
			continue
		}
		var wait dirtyDays
		*l = slices.DeleteFunc(*l, func(d dirtyDay) bool {
			if rec.dueWillReach(d.date) {
				wait = append(wait, d)
				return true
			}
			return false
		})
		if len(wait) > 0 {
			if keep == nil {
				keep = map[string]*dirtyDays{}
			}
			keep[emp] = &wait
		}
	}
	return keep, nil
}

// dueWillReach reports whether rec's due days will reach date (see fireDue): a due is
// scheduled, date is after the last one materialized (or the first to be), and the
// employee is neither erased nor gone by then.
func (rec *employeeRec) dueWillReach(date string) bool {
	if rec.DueAt == 0 || rec.Erased || date <= rec.Through || rec.Through == "" && date < rec.Start {
		return false
	}
	if left, err := rules.ParseDate(rec.LeftOn); err == nil && date > left.String() {
		return false
	}
	return true
}

// notePending makes a.dirty the days kept for later (keep, after the others were
// evaluated) and records them in their employees' records, so that a run resuming
// from this commit evaluates them too (loadDues); the records of employees with none
// left lose theirs.
func (a *Attendance) notePending(r Reader, keep map[string]*dirtyDays) error {
	for emp := range a.pendingEmps {
		if keep[emp] != nil {
			continue
		}
		rec, err := a.employeeRec(r, emp)
		if err != nil {
			return err
		}
		if rec != nil {
			rec.Pending = nil
			a.empDirty[emp] = true
		}
		delete(a.pendingEmps, emp)
	}
	for emp, l := range keep {
		rec, err := a.employeeRec(r, emp)
		if err != nil {
			return err
		}
		slices.SortFunc(*l, func(x, y dirtyDay) int { return strings.Compare(x.date, y.date) })
		list := make([]pendingRec, len(*l))
		for i, d := range *l {
			list[i] = pendingRec{Date: d.date, AsOf: d.asOf, Seq: d.seq}
		}
		if !slices.Equal(rec.Pending, list) {
			rec.Pending = list
			a.empDirty[emp] = true
		}
		if a.pendingEmps == nil {
			a.pendingEmps = map[string]bool{}
		}
		a.pendingEmps[emp] = true
		a.dirty[emp] = l // evaluateDirty left a.dirty empty
	}
	a.dirtyGen++ // the lists are new: no record may point at an old one
	return nil
}

// encodings are the encoded day states of a.daysDirty, in chunks of encodeChunk.
type encodings struct {
	bufs [][]byte // one per chunk
	ends []int    // per day state: its end in its chunk's buffer
}

const encodeChunk = 512

func (e *encodings) get(i int) []byte {
	b := e.bufs[i/encodeChunk]
	start := 0
	if i%encodeChunk != 0 {
		start = e.ends[i-1]
	}
	return b[start:e.ends[i]]
}

// encodeDays encodes the changed day states, most of what a batch writes, on several
// goroutines (encoding reads them only).
func (a *Attendance) encodeDays() *encodings {
	n := len(a.daysDirty)
	e := &a.encs
	chunks := (n + encodeChunk - 1) / encodeChunk
	for len(e.bufs) < chunks {
		e.bufs = append(e.bufs, nil)
	}
	e.ends = slices.Grow(e.ends[:0], n)[:n]
	inParallel(chunks, 1, func(c, _ int) {
		b := e.bufs[c][:0]
		for i := c * encodeChunk; i < min(n, (c+1)*encodeChunk); i++ {
			b = a.daysDirty[i].st.appendWire(b)
			e.ends[i] = len(b)
		}
		e.bufs[c] = b
	})
	return e
}

// inParallel calls fn(i, worker) for every i in [0, n), on the calling goroutine
// (worker 0) and on up to maxEvalWorkers-1 others (workers 1, 2, ...), one per
// perWorker items, and returns when all are done. Items are handed out in order, one
// at a time.
func inParallel(n, perWorker int, fn func(i, worker int)) {
	var next atomic.Int64
	work := func(worker int) {
		for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
			fn(i, worker)
		}
	}
	var wg sync.WaitGroup
	for worker := 1; worker < min(runtime.GOMAXPROCS(0), maxEvalWorkers, (n+perWorker-1)/perWorker); worker++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(worker)
		}()
	}
	work(0)
	wg.Wait()
}

// setBlind sets key to value blind when w is the runner's writer (see writeBlind).
func (a *Attendance) setBlind(w Writer, key, value []byte) error {
	if pw, ok := w.(*writer); ok {
		return pw.setBlind(key, value)
	}
	return w.Set(key, value)
}

// write encodes rec into a.buf and sets it at key.
func (a *Attendance) write(w Writer, key []byte, rec wireRecord) error {
	a.buf = rec.appendWire(a.buf[:0])
	return w.Set(key, a.buf)
}

// sortedKeys returns the keys of m in the order of cmp.
func sortedKeys[K comparable, V any](m map[K]V, cmp func(x, y K) int) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmp)
	return keys
}

// evaluateDirty evaluates the touched days, per employee in date order (a day's result
// feeds the later days of its workweek).
//
// The evaluations themselves (rules.Evaluate and the day row, pure functions of what
// was read for them) run on several goroutines: days are queued (dayJob), computed in
// parallel when the queue is full, then finished one by one in queue order (row write,
// payroll booking), so the result is the same as one by one. Days of a policy whose
// results depend on the earlier days of their workweek are evaluated one by one, after
// everything queued before them.
func (a *Attendance) evaluateDirty(w Writer) error {
	a.dirtyGen++ // lists leave a.dirty below
	for len(a.dirty) > 0 {
		for _, emp := range sortedKeys(a.dirty, strings.Compare) {
			for l := a.dirty[emp]; len(*l) > 0; {
				// Evaluate in date order; a day may touch later days of its week,
				// which are then picked up in this pass or the next.
				dates := make([]string, len(*l))
				for i, d := range *l {
					dates[i] = d.date
				}
				slices.Sort(dates)
				for _, date := range dates {
					d, ok := l.take(date)
					if !ok {
						continue
					}
					if err := a.evaluateDay(w, emp, date, d); err != nil {
						return fmt.Errorf("evaluate %s %s: %w", emp, date, err)
					}
				}
			}
			delete(a.dirty, emp)
		}
		if err := a.runJobs(w); err != nil {
			return err
		}
	}
	return nil
}

// dayJob is one day's evaluation: what evaluateDay read for it, then what computeDay
// made of it.
type dayJob struct {
	emp, date string
	day       rules.Date
	dd        dirtyDay
	rec       *employeeRec
	pv        *policyVersion
	st        *dayState
	week      rules.WeekToDate

	row *DayRow
	enc []byte // row's encoding
}

// jobQueueLen bounds the queued evaluations (and so their memory).
const jobQueueLen = 4096

// evaluateDay evaluates emp's date: at once when its policy is week-dependent (after
// the queued days), else queued.
func (a *Attendance) evaluateDay(w Writer, emp, date string, dd dirtyDay) error {
	rec, err := a.employeeRec(w, emp)
	if err != nil || rec == nil {
		return err
	}
	day, err := rules.ParseDate(date)
	if err != nil {
		return err
	}
	pv, err := a.policyFor(w, rec.PolicyID, day)
	if err != nil {
		return err
	}
	st, err := a.dayState(w, emp, date)
	if err != nil {
		return err
	}
	dd.asOf, dd.seq = max(dd.asOf, st.AsOf), max(dd.seq, st.Seq) // never back (see dayState)
	if len(a.jobs) == cap(a.jobs) {
		a.jobs = slices.Grow(a.jobs, jobQueueLen)
	}
	a.jobs = a.jobs[:len(a.jobs)+1]
	j := &a.jobs[len(a.jobs)-1]
	*j = dayJob{emp: emp, date: date, day: day, dd: dd, rec: rec, pv: pv, st: st, enc: j.enc[:0]}
	if pv == nil || !weekDependent(pv.policy) {
		if len(a.jobs) >= jobQueueLen {
			return a.runJobs(w)
		}
		return nil
	}
	// Weekly overtime and the seventh-day rule need the earlier days of the workweek:
	// their rows must be written first.
	last := *j
	a.jobs = a.jobs[:len(a.jobs)-1]
	if err := a.runJobs(w); err != nil {
		return err
	}
	ws := pv.policy.WeekStartOf(day).String()
	add := func(regular int32, worked bool) {
		last.week.Regular += time.Duration(regular) * time.Minute
		if worked {
			last.week.DaysWorked++
		}
	}
	rows := a.batchRows(rec) // written in this batch: the scan does not see them
	prefix := keyDay(emp, "")
	if err := w.Scan(keyDay(emp, ws), keyDay(emp, date), func(k, v []byte) error {
		d := string(k[len(prefix):])
		if slices.ContainsFunc(rows, func(r writtenRow) bool { return r.date == d }) {
			return nil
		}
		var prev DayRow
		if err := unmarshalWire(v, &prev); err != nil {
			return err
		}
		add(prev.Figures.Regular, prev.Worked > 0)
		return nil
	}); err != nil {
		return err
	}
	for _, r := range rows {
		if r.date >= ws && r.date < date {
			add(r.regular, r.worked)
		}
	}
	a.computeDay(&last, &a.punches)
	return a.finishDay(w, &last)
}

// runJobs computes the queued days in parallel, then finishes them in order.
func (a *Attendance) runJobs(w Writer) error {
	jobs := a.jobs
	if len(jobs) == 0 {
		return nil
	}
	// Each goroutine has its own scratch punches; the caller's are a.punches.
	var scratch [maxEvalWorkers][]rules.Punch
	scratch[0] = a.punches
	inParallel(len(jobs), 64, func(i, worker int) { a.computeDay(&jobs[i], &scratch[worker]) })
	a.punches = scratch[0]
	for i := range jobs {
		if err := a.finishDay(w, &jobs[i]); err != nil {
			return fmt.Errorf("evaluate %s %s: %w", jobs[i].emp, jobs[i].date, err)
		}
		jobs[i] = dayJob{enc: jobs[i].enc[:0]} // hold nothing but the buffer
	}
	a.jobs = jobs[:0]
	return nil
}

// maxEvalWorkers bounds the goroutines evaluating days.
const maxEvalWorkers = 4

// computeDay evaluates j's day and encodes its row. It reads only j and what j points
// to (never writes them), so jobs are computed in parallel; punches is the caller's
// scratch buffer.
func (a *Attendance) computeDay(j *dayJob, punches *[]rules.Punch) {
	ins := j.st.Inputs
	day := j.day
	asOf := time.Unix(0, j.dd.asOf).UTC()
	in := rules.DayInput{Date: day, Roster: j.rec.roster(), AsOf: asOf, SyncedThrough: asOf, Punches: (*punches)[:0], Week: j.week}
	if j.pv != nil {
		in.Policy = j.pv.policy
	}
	for i := range ins {
		x := &ins[i]
		switch x.Kind {
		case inputPunch:
			if x.VoidSeq != 0 {
				continue
			}
			in.Punches = append(in.Punches, rules.Punch{
				ID: ledger.ID(x.ID).String(), Kind: rules.PunchKind(x.PunchKind),
				At: time.Unix(0, x.At).UTC(), ReceivedAt: time.Unix(0, x.ReceivedAt).UTC(), RecordedAt: time.Unix(0, x.RecordedAt).UTC(),
				Source: attendance.Source(x.Source).String(), Outcome: rules.Outcome(x.Outcome),
				Evidence: rules.Evidence{
					DeviceID: x.DeviceID, DeviceBound: x.DeviceBound, Factors: x.Factors, Offline: x.Offline,
					Signed: x.Signature != uint8(attendance.SignatureAbsent), SignatureValid: x.Signature == uint8(attendance.SignatureValid),
				},
			})
		case inputCorrection:
			if x.CorrState != corrApproved {
				continue
			}
			in.Corrections = append(in.Corrections, rules.Correction{
				ID: ledger.ID(x.ID).String(), Kind: rules.CorrectionKind(x.CorrKind), Date: day,
				At: time.Unix(0, x.At).UTC(), PunchID: punchIDString(x.CorrPunch),
			})
		case inputLeave:
			l := rules.Leave{From: day, To: day, Kind: x.LeaveKind, Paid: x.LeaveKind != "unpaid"}
			if x.LeaveMinutes > 0 {
				l.Half = rules.FirstHalf
			}
			in.Leave = append(in.Leave, l)
		}
	}
	res := rules.Evaluate(in) // keeps nothing of in.Punches (its Punches are ID copies)
	*punches = in.Punches
	clear(*punches) // the next evaluation overwrites them; hold no strings meanwhile
	j.row = dayRow(j.emp, j.date, &res, ins, j.pv, j.dd)
	j.enc = j.row.appendWire(j.enc[:0])
}

// finishDay writes j's row and books its figures.
func (a *Attendance) finishDay(w Writer, j *dayJob) error {
	emp, date, day, st, pv, dd, row := j.emp, j.date, j.day, j.st, j.pv, j.dd, j.row
	// Rows are written blind; reads of d/ in this batch add them from the record.
	if err := a.setBlind(w, keyDay(emp, date), j.enc); err != nil {
		return err
	}
	a.wroteRow(j.rec, date, &row.Figures)
	if pv != nil && weekDependent(pv.policy) {
		// The later days of the workweek depend on this one: they are evaluated again,
		// as of this day's AsOf at least, whether or not its figures changed (whether
		// they changed depends on what an earlier batch had evaluated, and with it the
		// later days' AsOf would depend on where batches ended).
		we := pv.policy.WeekStartOf(day).AddDays(7)
		if err := a.touchDays(w, emp, day.AddDays(1).String(), we.String(), dd.asOf, dd.seq); err != nil {
			return err
		}
	}
	if !st.Evaluated || !st.Last.equal(row.Figures) || st.AsOf != dd.asOf || st.Seq != dd.seq {
		st.Evaluated, st.Last, st.AsOf, st.Seq = true, row.Figures, dd.asOf, dd.seq
		a.changedDay(j.rec, emp, date, st)
	}
	if pv == nil {
		return nil
	}
	return a.book(w, j.rec, emp, day, st, pv, row.Figures, dd.seq)
}

// getRecord reads and decodes the record at key; nil (and no error) when there is none.
func getRecord[T any, P interface {
	*T
	wireRecord
}](r Reader, key []byte) (*T, error) {
	v, err := r.Get(key)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rec := new(T)
	if err := unmarshalWire(v, P(rec)); err != nil {
		return nil, fmt.Errorf("projection: decode %q: %w", key, err)
	}
	return rec, nil
}

var spoofCodes = map[string]bool{"mock_location": true, "impossible_travel": true, "implausible_accuracy": true, "offline_jump": true}

func punchIDString(id [16]byte) string {
	if id == ([16]byte{}) {
		return ""
	}
	return ledger.ID(id).String()
}

func dayRow(emp, date string, res *rules.DayResult, ins []inputRec, pv *policyVersion, dd dirtyDay) *DayRow {
	row := &DayRow{
		Employee: emp, Date: date, Kind: string(res.Kind), Shift: res.Shift, Status: string(res.Status),
		Final: res.Final, Field: res.Field,
		Worked: minutes(res.Worked.Rounded), WorkedExact: minutes(res.Worked.Exact),
		Late: minutes(res.Late.Exact), EarlyLeave: minutes(res.EarlyLeave.Exact),
		AsOf: time.Unix(0, dd.asOf).UTC().Format(time.RFC3339Nano), LastSeq: dd.seq,
	}
	if pv != nil {
		row.PolicyID, row.PolicyVersion = pv.rec.PolicyID, pv.rec.Version
		row.PolicyEvent = pv.event
		if !res.FirstIn.IsZero() {
			row.FirstIn = res.FirstIn.In(pv.loc).Format(time.RFC3339)
		}
		if !res.LastOut.IsZero() {
			row.LastOut = res.LastOut.In(pv.loc).Format(time.RFC3339)
		}
	}
	f := &row.Figures
	if res.Worked.Rounded > 0 {
		f.Days = 1
	}
	f.Worked, f.Regular = minutes(res.Worked.Rounded), minutes(res.Regular)
	f.Night, f.UnpaidBreak = minutes(res.Night), minutes(res.UnpaidBreak)
	if res.Status == rules.StatusAbsent {
		f.Absent = 1
	}
	if res.Status == rules.StatusOnLeave {
		f.Leave = 1
	}
	for _, l := range res.Overtime {
		f.Overtime = append(f.Overtime, OvertimeRow{Category: l.Category, Percent: int32(l.Multiplier), Approved: l.Approved, Minutes: int32(l.Minutes)})
	}
	f.Overtime = (Figures{}).add(*f, 1).Overtime // merge equal lines (add sorts them)
	for _, r := range res.Reasons {
		row.Reasons = append(row.Reasons, ReasonRow{Code: r.Code, Clause: r.Clause, Detail: r.Detail})
		switch r.Code {
		case rules.ReasonMissingIn, rules.ReasonMissingOut, rules.ReasonOTUnapproved, rules.ReasonCorrectionStray, rules.ReasonUnknownShift:
		case rules.ReasonNoPunches:
			if !res.Final {
				continue
			}
		default:
			continue
		}
		row.Exceptions = append(row.Exceptions, ExceptionRow{Employee: emp, Date: date, Code: r.Code, Clause: r.Clause, Detail: r.Detail})
	}
	for i := range ins {
		x := &ins[i]
		ev := ref(x.Seq, x.typ(), x.ID)
		switch {
		case x.Kind == inputPunch && x.VoidSeq == 0:
			flagged := x.Outcome == uint8(rules.OutcomeFlag) || x.Outcome == uint8(rules.OutcomeReject)
			for _, fd := range x.Findings {
				if flagged || spoofCodes[fd.Code] {
					row.Exceptions = append(row.Exceptions, ExceptionRow{Employee: emp, Date: date, Code: fd.Code, Clause: fd.Clause, Detail: fd.Detail, Event: ev})
				}
			}
			if x.Offline && !res.Close.IsZero() && x.RecordedAt >= res.Close.UnixNano() {
				row.Exceptions = append(row.Exceptions, ExceptionRow{Employee: emp, Date: date, Code: "late_upload",
					Detail: "offline punch recorded " + time.Unix(0, x.RecordedAt).UTC().Format(time.RFC3339) + ", after the day's window closed", Event: ev})
			}
		case x.Kind == inputCorrection && x.CorrState == corrPending:
			row.Exceptions = append(row.Exceptions, ExceptionRow{Employee: emp, Date: date, Code: "pending_correction",
				Detail: x.CorrKind + " awaiting a decision" + stageNote(x.CorrStage), Event: ev})
		}
	}
	return row
}

func stageNote(stage string) string {
	if stage == "" {
		return ""
	}
	return " (approved by " + stage + ", needs another approval)"
}

// weekDependent reports whether a day's result depends on the earlier days of its
// workweek (weekly overtime tiers, the seventh-day rule, or a preset that may have them).
func weekDependent(p *rules.Policy) bool {
	o := &p.Overtime
	return o.Preset != "" || len(o.Weekly) > 0 || len(o.SeventhDay) > 0
}
