package projection

import (
	"github.com/vmihailenco/msgpack/v5/msgpcode"

	"github.com/punchledger/punchledger/internal/msgpwire"
)

// Wire codecs of the records (see wire.go). Field order is the struct's; the report
// rows (Figures, DayRow, PayrollRow, ...) write an empty slice as nil, like their
// msgpack.CustomEncoder methods always have.

func (f *findingRec) appendWire(b []byte) []byte {
	b = msgpwire.AppendArrayLen(b, 3)
	b = msgpwire.AppendStr(b, f.Code)
	b = msgpwire.AppendStr(b, f.Clause)
	return msgpwire.AppendStr(b, f.Detail)
}

func (f *findingRec) decodeWire(r *wireReader) {
	r.array(3)
	f.Code, f.Clause, f.Detail = r.str(), r.str(), r.str()
}

// Inputs are written in a compact form: an array whose length depends on the kind,
// integers in their shortest form, times after the first as differences, absent IDs
// and decisions as nil. Day states are written on every change of a day, so their
// size is most of what a rebuild writes.
const (
	punchFields      = 15
	correctionFields = 11
	leaveFields      = 6
)

func (in *inputRec) appendWire(b []byte) []byte {
	switch in.Kind {
	case inputPunch:
		b = msgpwire.AppendArrayLen(b, punchFields)
	case inputCorrection:
		b = msgpwire.AppendArrayLen(b, correctionFields)
	default:
		b = msgpwire.AppendArrayLen(b, leaveFields)
	}
	b = appendInt(b, int64(in.Kind))
	b = appendInt(b, int64(in.Seq))
	b = appendID(b, in.ID)
	switch in.Kind {
	case inputPunch:
		b = appendInt(b, int64(in.PunchKind))
		b = appendInt(b, in.At)
		b = appendInt(b, in.ReceivedAt-in.At)
		b = appendInt(b, in.RecordedAt-in.At)
		b = appendInt(b, int64(in.Source))
		b = msgpwire.AppendStr(b, in.DeviceID)
		b = appendInt(b, int64(flags(in.DeviceBound, in.Offline)))
		b = appendStrings(b, in.Factors)
		b = appendInt(b, int64(in.Signature))
		b = appendInt(b, int64(in.Outcome))
		b = appendSlice(b, in.Findings)
		return appendDecision(b, in.VoidSeq, in.VoidID)
	case inputCorrection:
		b = msgpwire.AppendStr(b, in.CorrKind)
		b = appendInt(b, int64(in.PunchKind))
		b = appendInt(b, in.At)
		b = appendOptID(b, in.CorrPunch)
		b = appendInt(b, int64(in.CorrState))
		b = msgpwire.AppendStr(b, in.CorrStage)
		b = appendInt(b, in.RecordedAt)
		return appendDecision(b, in.DecisionSeq, in.DecisionID)
	}
	b = msgpwire.AppendStr(b, in.LeaveKind)
	b = appendInt(b, int64(in.LeaveMinutes))
	return appendInt(b, in.RecordedAt)
}

func (in *inputRec) decodeWire(r *wireReader) {
	n := r.arrayLen()
	*in = inputRec{Kind: r.small(), Seq: uint64(r.int()), ID: r.id()}
	want := 0
	switch in.Kind {
	case inputPunch:
		want = punchFields
	case inputCorrection:
		want = correctionFields
	case inputLeave:
		want = leaveFields
	}
	if r.err == nil && n != want {
		r.fail("input of kind %d with %d fields", in.Kind, n)
	}
	if r.err != nil {
		return
	}
	switch in.Kind {
	case inputPunch:
		in.PunchKind, in.At = r.small(), r.int()
		in.ReceivedAt, in.RecordedAt = in.At+r.int(), in.At+r.int()
		in.Source, in.DeviceID = r.small(), r.str()
		f := r.small()
		if f > 3 {
			r.fail("flags %d", f)
		}
		in.DeviceBound, in.Offline = f&1 != 0, f&2 != 0
		in.Factors = decodeStrings(r)
		in.Signature, in.Outcome = r.small(), r.small()
		in.Findings = decodeSlice[findingRec](r)
		in.VoidSeq, in.VoidID = decodeDecision(r)
	case inputCorrection:
		in.CorrKind, in.PunchKind, in.At = r.str(), r.small(), r.int()
		in.CorrPunch = decodeOptID(r)
		in.CorrState, in.CorrStage, in.RecordedAt = r.small(), r.str(), r.int()
		in.DecisionSeq, in.DecisionID = decodeDecision(r)
	case inputLeave:
		in.LeaveKind, in.LeaveMinutes, in.RecordedAt = r.str(), r.int32v(), r.int()
	}
}

func flags(bits ...bool) uint8 {
	var f uint8
	for i, b := range bits {
		if b {
			f |= 1 << i
		}
	}
	return f
}

// appendOptID writes an ID, nil when zero.
func appendOptID(b []byte, id [16]byte) []byte {
	if id == ([16]byte{}) {
		return append(b, msgpcode.Nil)
	}
	return appendID(b, id)
}

func decodeOptID(r *wireReader) [16]byte {
	if r.isNil() {
		return [16]byte{}
	}
	id := r.id()
	if r.err == nil && id == ([16]byte{}) {
		r.fail("zero id not written as nil")
	}
	return id
}

// appendDecision writes the event that voided or decided an input: nil for none
// (seq 0), else [seq, id].
func appendDecision(b []byte, seq uint64, id [16]byte) []byte {
	if seq == 0 {
		return append(b, msgpcode.Nil)
	}
	b = msgpwire.AppendArrayLen(b, 2)
	return appendID(appendInt(b, int64(seq)), id)
}

func decodeDecision(r *wireReader) (uint64, [16]byte) {
	if r.isNil() {
		return 0, [16]byte{}
	}
	r.array(2)
	seq, id := uint64(r.int()), r.id()
	if r.err == nil && seq == 0 {
		r.fail("decision at seq 0")
	}
	return seq, id
}

func (st *dayState) appendWire(b []byte) []byte {
	b = msgpwire.AppendArrayLen(b, 9)
	b = appendSlice(b, st.Inputs)
	b = st.Last.appendCompact(b)
	b = msgpwire.AppendBool(b, st.Evaluated)
	b = msgpwire.AppendStr(b, st.Period)
	b = st.Base.appendCompact(b)
	b = msgpwire.AppendStr(b, st.AdjPeriod)
	b = st.Adj.appendCompact(b)
	b = appendInt(b, st.AsOf)
	return appendInt(b, int64(st.Seq))
}

func (st *dayState) decodeWire(r *wireReader) {
	r.array(9)
	st.Inputs = decodeSlice[inputRec](r)
	st.Last.decodeCompact(r)
	st.Evaluated, st.Period = r.boolean(), r.str()
	st.Base.decodeCompact(r)
	st.AdjPeriod = r.str()
	st.Adj.decodeCompact(r)
	st.AsOf, st.Seq = r.int(), uint64(r.int())
}

// appendCompact writes g as appendWire does, integers in their shortest form (the
// form of day states).
func (g *Figures) appendCompact(b []byte) []byte {
	b = msgpwire.AppendArrayLen(b, 8)
	b = appendInt(b, int64(g.Days))
	b = appendInt(b, int64(g.Worked))
	b = appendInt(b, int64(g.Regular))
	b = appendRows(b, g.Overtime)
	b = appendInt(b, int64(g.Night))
	b = appendInt(b, int64(g.UnpaidBreak))
	b = appendInt(b, int64(g.Absent))
	return appendInt(b, int64(g.Leave))
}

func (g *Figures) decodeCompact(r *wireReader) {
	r.array(8)
	g.Days, g.Worked, g.Regular = r.int32v(), r.int32v(), r.int32v()
	g.Overtime = decodeRows[OvertimeRow](r)
	g.Night, g.UnpaidBreak, g.Absent, g.Leave = r.int32v(), r.int32v(), r.int32v(), r.int32v()
}

func (ro *rosterRec) appendWire(b []byte) []byte {
	b = msgpwire.AppendArrayLen(b, 5)
	b = msgpwire.AppendStr(b, ro.From)
	b = msgpwire.AppendStr(b, ro.To)
	b = msgpwire.AppendStr(b, ro.Shift)
	b = msgpwire.AppendU64(b, ro.Seq)
	return appendID(b, ro.ID)
}

func (ro *rosterRec) decodeWire(r *wireReader) {
	r.array(5)
	ro.From, ro.To, ro.Shift, ro.Seq, ro.ID = r.str(), r.str(), r.str(), r.u64(), r.id()
}

func (e *employeeRec) appendWire(b []byte) []byte {
	b = msgpwire.AppendArrayLen(b, 16)
	b = msgpwire.AppendStr(b, e.ID)
	b = msgpwire.AppendStr(b, e.Manager)
	b = msgpwire.AppendStr(b, e.Site)
	b = msgpwire.AppendStr(b, e.PolicyID)
	b = msgpwire.AppendStr(b, e.TimeZone)
	b = msgpwire.AppendStr(b, e.JoinedOn)
	b = msgpwire.AppendStr(b, e.LeftOn)
	b = msgpwire.AppendBool(b, e.Erased)
	b = appendSlice(b, e.Roster)
	b = msgpwire.AppendStr(b, e.Start)
	b = msgpwire.AppendStr(b, e.Through)
	b = msgpwire.AppendI64(b, e.DueAt)
	b = msgpwire.AppendStr(b, e.LastState)
	b = msgpwire.AppendU64(b, e.Registered)
	b = msgpwire.AppendStr(b, e.LastPay)
	return appendSlice(b, e.Pending)
}

func (e *employeeRec) decodeWire(r *wireReader) {
	r.array(16)
	e.ID, e.Manager, e.Site, e.PolicyID, e.TimeZone, e.JoinedOn, e.LeftOn = r.str(), r.str(), r.str(), r.str(), r.str(), r.str(), r.str()
	e.Erased = r.boolean()
	e.Roster = decodeSlice[rosterRec](r)
	e.Start, e.Through, e.DueAt, e.LastState, e.Registered, e.LastPay = r.str(), r.str(), r.i64(), r.str(), r.u64(), r.str()
	e.Pending = decodeSlice[pendingRec](r)
}

func (p *pendingRec) appendWire(b []byte) []byte {
	b = msgpwire.AppendArrayLen(b, 3)
	b = msgpwire.AppendStr(b, p.Date)
	b = msgpwire.AppendI64(b, p.AsOf)
	return msgpwire.AppendU64(b, p.Seq)
}

func (p *pendingRec) decodeWire(r *wireReader) {
	r.array(3)
	p.Date, p.AsOf, p.Seq = r.str(), r.i64(), r.u64()
}

func (rr *refRec) appendWire(b []byte) []byte {
	b = msgpwire.AppendArrayLen(b, 3)
	b = msgpwire.AppendStr(b, rr.Employee)
	b = msgpwire.AppendStr(b, rr.Date)
	return msgpwire.AppendU64(b, rr.Seq)
}

func (rr *refRec) decodeWire(r *wireReader) {
	r.array(3)
	rr.Employee, rr.Date, rr.Seq = r.str(), r.str(), r.u64()
}

func (c *closedRec) appendWire(b []byte) []byte {
	b = msgpwire.AppendArrayLen(b, 5)
	b = msgpwire.AppendStr(b, c.PolicyID)
	b = msgpwire.AppendStr(b, c.From)
	b = msgpwire.AppendStr(b, c.To)
	b = msgpwire.AppendU64(b, c.Seq)
	return appendID(b, c.ID)
}

func (c *closedRec) decodeWire(r *wireReader) {
	r.array(5)
	c.PolicyID, c.From, c.To, c.Seq, c.ID = r.str(), r.str(), r.str(), r.u64(), r.id()
}

func (p *policyRec) appendWire(b []byte) []byte {
	b = msgpwire.AppendArrayLen(b, 6)
	b = msgpwire.AppendStr(b, p.PolicyID)
	b = msgpwire.AppendI64(b, p.Version)
	b = msgpwire.AppendStr(b, p.EffectiveFrom)
	b = msgpwire.AppendU64(b, p.Seq)
	b = appendID(b, p.ID)
	return msgpwire.AppendBin(b, p.Policy)
}

func (p *policyRec) decodeWire(r *wireReader) {
	r.array(6)
	p.PolicyID, p.Version, p.EffectiveFrom, p.Seq, p.ID, p.Policy = r.str(), r.i64(), r.str(), r.u64(), r.id(), r.bin()
}

func (q *QuotaRow) appendWire(b []byte) []byte {
	b = msgpwire.AppendArrayLen(b, 9)
	b = msgpwire.AppendStr(b, q.Employee)
	b = msgpwire.AppendStr(b, q.Month)
	for _, v := range [...]int32{q.Requested, q.Pending, q.Approved, q.Rejected, q.Withdrawn, q.Used, q.Limit} {
		b = msgpwire.AppendI32(b, v)
	}
	return b
}

func (q *QuotaRow) decodeWire(r *wireReader) {
	r.array(9)
	q.Employee, q.Month = r.str(), r.str()
	q.Requested, q.Pending, q.Approved, q.Rejected, q.Withdrawn, q.Used, q.Limit = r.i32(), r.i32(), r.i32(), r.i32(), r.i32(), r.i32(), r.i32()
}

// --- report rows: empty slices are written as nil and read back as nil ---

func (e *EventRef) appendWire(b []byte) []byte {
	b = msgpwire.AppendArrayLen(b, 3)
	b = msgpwire.AppendU64(b, e.Seq)
	b = msgpwire.AppendStr(b, e.Type)
	return msgpwire.AppendStr(b, e.ID)
}

func (e *EventRef) decodeWire(r *wireReader) {
	r.array(3)
	e.Seq, e.Type, e.ID = r.u64(), r.str(), r.str()
}

func (o *OvertimeRow) appendWire(b []byte) []byte {
	b = msgpwire.AppendArrayLen(b, 4)
	b = msgpwire.AppendStr(b, o.Category)
	b = msgpwire.AppendI32(b, o.Percent)
	b = msgpwire.AppendBool(b, o.Approved)
	return msgpwire.AppendI32(b, o.Minutes)
}

func (o *OvertimeRow) decodeWire(r *wireReader) {
	r.array(4)
	o.Category, o.Percent, o.Approved, o.Minutes = r.str(), r.i32(), r.boolean(), r.i32()
}

// appendRows writes a report row slice, nil when empty.
func appendRows[T any, P interface {
	*T
	wireRecord
}](b []byte, s []T) []byte {
	if len(s) == 0 {
		s = nil
	}
	return appendSlice[T, P](b, s)
}

// decodeRows reads a report row slice, nil when empty.
func decodeRows[T any, P interface {
	*T
	wireRecord
}](r *wireReader) []T {
	s := decodeSlice[T, P](r)
	if len(s) == 0 {
		return nil
	}
	return s
}

func (g *Figures) appendWire(b []byte) []byte {
	b = msgpwire.AppendArrayLen(b, 8)
	b = msgpwire.AppendI32(b, g.Days)
	b = msgpwire.AppendI32(b, g.Worked)
	b = msgpwire.AppendI32(b, g.Regular)
	b = appendRows(b, g.Overtime)
	b = msgpwire.AppendI32(b, g.Night)
	b = msgpwire.AppendI32(b, g.UnpaidBreak)
	b = msgpwire.AppendI32(b, g.Absent)
	return msgpwire.AppendI32(b, g.Leave)
}

func (g *Figures) decodeWire(r *wireReader) {
	r.array(8)
	g.Days, g.Worked, g.Regular = r.i32(), r.i32(), r.i32()
	g.Overtime = decodeRows[OvertimeRow](r)
	g.Night, g.UnpaidBreak, g.Absent, g.Leave = r.i32(), r.i32(), r.i32(), r.i32()
}

func (a *AdjustmentRow) appendWire(b []byte) []byte {
	b = msgpwire.AppendArrayLen(b, 4)
	b = msgpwire.AppendStr(b, a.Date)
	b = msgpwire.AppendStr(b, a.Period)
	b = a.Delta.appendWire(b)
	return msgpwire.AppendU64(b, a.Seq)
}

func (a *AdjustmentRow) decodeWire(r *wireReader) {
	r.array(4)
	a.Date, a.Period = r.str(), r.str()
	a.Delta.decodeWire(r)
	a.Seq = r.u64()
}

func (p *PayrollRow) appendWire(b []byte) []byte {
	b = msgpwire.AppendArrayLen(b, 8)
	b = msgpwire.AppendStr(b, p.Employee)
	b = msgpwire.AppendStr(b, p.From)
	b = msgpwire.AppendStr(b, p.To)
	b = msgpwire.AppendBool(b, p.Closed)
	b = p.ClosedBy.appendWire(b)
	b = p.Totals.appendWire(b)
	b = appendRows(b, p.Adjustments)
	return p.Adjusted.appendWire(b)
}

func (p *PayrollRow) decodeWire(r *wireReader) {
	r.array(8)
	p.Employee, p.From, p.To, p.Closed = r.str(), r.str(), r.str(), r.boolean()
	p.ClosedBy.decodeWire(r)
	p.Totals.decodeWire(r)
	p.Adjustments = decodeRows[AdjustmentRow](r)
	p.Adjusted.decodeWire(r)
}

func (x *ReasonRow) appendWire(b []byte) []byte {
	b = msgpwire.AppendArrayLen(b, 3)
	b = msgpwire.AppendStr(b, x.Code)
	b = msgpwire.AppendStr(b, x.Clause)
	return msgpwire.AppendStr(b, x.Detail)
}

func (x *ReasonRow) decodeWire(r *wireReader) {
	r.array(3)
	x.Code, x.Clause, x.Detail = r.str(), r.str(), r.str()
}

func (e *ExceptionRow) appendWire(b []byte) []byte {
	b = msgpwire.AppendArrayLen(b, 6)
	b = msgpwire.AppendStr(b, e.Employee)
	b = msgpwire.AppendStr(b, e.Date)
	b = msgpwire.AppendStr(b, e.Code)
	b = msgpwire.AppendStr(b, e.Clause)
	b = msgpwire.AppendStr(b, e.Detail)
	return e.Event.appendWire(b)
}

func (e *ExceptionRow) decodeWire(r *wireReader) {
	r.array(6)
	e.Employee, e.Date, e.Code, e.Clause, e.Detail = r.str(), r.str(), r.str(), r.str(), r.str()
	e.Event.decodeWire(r)
}

func (d *DayRow) appendWire(b []byte) []byte {
	b = msgpwire.AppendArrayLen(b, 21)
	b = msgpwire.AppendStr(b, d.Employee)
	b = msgpwire.AppendStr(b, d.Date)
	b = msgpwire.AppendStr(b, d.Kind)
	b = msgpwire.AppendStr(b, d.Shift)
	b = msgpwire.AppendStr(b, d.Status)
	b = msgpwire.AppendBool(b, d.Final)
	b = msgpwire.AppendBool(b, d.Field)
	b = msgpwire.AppendStr(b, d.FirstIn)
	b = msgpwire.AppendStr(b, d.LastOut)
	b = msgpwire.AppendI32(b, d.Worked)
	b = msgpwire.AppendI32(b, d.WorkedExact)
	b = msgpwire.AppendI32(b, d.Late)
	b = msgpwire.AppendI32(b, d.EarlyLeave)
	b = d.Figures.appendWire(b)
	b = appendRows(b, d.Reasons)
	b = appendRows(b, d.Exceptions)
	b = msgpwire.AppendStr(b, d.PolicyID)
	b = msgpwire.AppendI64(b, d.PolicyVersion)
	b = d.PolicyEvent.appendWire(b)
	b = msgpwire.AppendStr(b, d.AsOf)
	return msgpwire.AppendU64(b, d.LastSeq)
}

func (d *DayRow) decodeWire(r *wireReader) {
	r.array(21)
	d.Employee, d.Date, d.Kind, d.Shift, d.Status = r.str(), r.str(), r.str(), r.str(), r.str()
	d.Final, d.Field = r.boolean(), r.boolean()
	d.FirstIn, d.LastOut = r.str(), r.str()
	d.Worked, d.WorkedExact, d.Late, d.EarlyLeave = r.i32(), r.i32(), r.i32(), r.i32()
	d.Figures.decodeWire(r)
	d.Reasons = decodeRows[ReasonRow](r)
	d.Exceptions = decodeRows[ExceptionRow](r)
	d.PolicyID, d.PolicyVersion = r.str(), r.i64()
	d.PolicyEvent.decodeWire(r)
	d.AsOf, d.LastSeq = r.str(), r.u64()
}
