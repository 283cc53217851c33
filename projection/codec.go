package projection

import (
	"fmt"

	"github.com/vmihailenco/msgpack/v5"
)

// Hand-written msgpack codecs for the rows reports read in bulk. They write exactly
// what the reflection encoder writes for these structs (arrays of fields, fixed-width
// integers; checked by TestCodecsMatchReflection) but decode several times faster.

func arrayOf(dec *msgpack.Decoder, n int, what string) error {
	got, err := dec.DecodeArrayLen()
	if err != nil {
		return fmt.Errorf("projection: decode %s: %w", what, err)
	}
	if got != n {
		return fmt.Errorf("projection: decode %s: %d fields, want %d", what, got, n)
	}
	return nil
}

// fieldDecoder decodes fields in order and keeps the first error.
type fieldDecoder struct {
	dec *msgpack.Decoder
	err error
}

func (f *fieldDecoder) str() string {
	if f.err != nil {
		return ""
	}
	s, err := f.dec.DecodeString()
	f.err = err
	return s
}

func (f *fieldDecoder) i32() int32 {
	if f.err != nil {
		return 0
	}
	v, err := f.dec.DecodeInt32()
	f.err = err
	return v
}

func (f *fieldDecoder) i64() int64 {
	if f.err != nil {
		return 0
	}
	v, err := f.dec.DecodeInt64()
	f.err = err
	return v
}

func (f *fieldDecoder) u64() uint64 {
	if f.err != nil {
		return 0
	}
	v, err := f.dec.DecodeUint64()
	f.err = err
	return v
}

func (f *fieldDecoder) boolean() bool {
	if f.err != nil {
		return false
	}
	v, err := f.dec.DecodeBool()
	f.err = err
	return v
}

// sliceLen decodes an array length; -1 (nil) becomes 0.
func (f *fieldDecoder) sliceLen() int {
	if f.err != nil {
		return 0
	}
	n, err := f.dec.DecodeArrayLen()
	f.err = err
	return max(n, 0)
}

func (f *fieldDecoder) value(v msgpack.CustomDecoder) {
	if f.err != nil {
		return
	}
	f.err = v.DecodeMsgpack(f.dec)
}

type fieldEncoder struct {
	enc *msgpack.Encoder
	err error
}

func (f *fieldEncoder) do(fn func() error) {
	if f.err == nil {
		f.err = fn()
	}
}

func (f *fieldEncoder) str(s string) { f.do(func() error { return f.enc.EncodeString(s) }) }
func (f *fieldEncoder) i32(v int32)  { f.do(func() error { return f.enc.EncodeInt32(v) }) }
func (f *fieldEncoder) i64(v int64)  { f.do(func() error { return f.enc.EncodeInt64(v) }) }
func (f *fieldEncoder) u64(v uint64) { f.do(func() error { return f.enc.EncodeUint64(v) }) }
func (f *fieldEncoder) boolean(v bool) {
	f.do(func() error { return f.enc.EncodeBool(v) })
}
func (f *fieldEncoder) array(n int) { f.do(func() error { return f.enc.EncodeArrayLen(n) }) }

// sliceLen writes a slice's length, nil for an empty one (as reflection does for nil).
func (f *fieldEncoder) sliceLen(n int) {
	if n == 0 {
		f.do(func() error { return f.enc.EncodeNil() })
		return
	}
	f.array(n)
}
func (f *fieldEncoder) value(v msgpack.CustomEncoder) {
	f.do(func() error { return v.EncodeMsgpack(f.enc) })
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (r *EventRef) EncodeMsgpack(enc *msgpack.Encoder) error {
	f := fieldEncoder{enc: enc}
	f.array(3)
	f.u64(r.Seq)
	f.str(r.Type)
	f.str(r.ID)
	return f.err
}

// DecodeMsgpack implements msgpack.CustomDecoder.
func (r *EventRef) DecodeMsgpack(dec *msgpack.Decoder) error {
	if err := arrayOf(dec, 3, "event ref"); err != nil {
		return err
	}
	f := fieldDecoder{dec: dec}
	r.Seq, r.Type, r.ID = f.u64(), f.str(), f.str()
	return f.err
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (o *OvertimeRow) EncodeMsgpack(enc *msgpack.Encoder) error {
	f := fieldEncoder{enc: enc}
	f.array(4)
	f.str(o.Category)
	f.i32(o.Percent)
	f.boolean(o.Approved)
	f.i32(o.Minutes)
	return f.err
}

// DecodeMsgpack implements msgpack.CustomDecoder.
func (o *OvertimeRow) DecodeMsgpack(dec *msgpack.Decoder) error {
	if err := arrayOf(dec, 4, "overtime"); err != nil {
		return err
	}
	f := fieldDecoder{dec: dec}
	o.Category, o.Percent, o.Approved, o.Minutes = f.str(), f.i32(), f.boolean(), f.i32()
	return f.err
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (g *Figures) EncodeMsgpack(enc *msgpack.Encoder) error {
	f := fieldEncoder{enc: enc}
	f.array(8)
	f.i32(g.Days)
	f.i32(g.Worked)
	f.i32(g.Regular)
	f.sliceLen(len(g.Overtime))
	for i := range g.Overtime {
		f.value(&g.Overtime[i])
	}
	f.i32(g.Night)
	f.i32(g.UnpaidBreak)
	f.i32(g.Absent)
	f.i32(g.Leave)
	return f.err
}

// DecodeMsgpack implements msgpack.CustomDecoder.
func (g *Figures) DecodeMsgpack(dec *msgpack.Decoder) error {
	if err := arrayOf(dec, 8, "figures"); err != nil {
		return err
	}
	f := fieldDecoder{dec: dec}
	g.Days, g.Worked, g.Regular = f.i32(), f.i32(), f.i32()
	g.Overtime = nil
	if n := f.sliceLen(); n > 0 {
		g.Overtime = make([]OvertimeRow, n)
		for i := range g.Overtime {
			f.value(&g.Overtime[i])
		}
	}
	g.Night, g.UnpaidBreak, g.Absent, g.Leave = f.i32(), f.i32(), f.i32(), f.i32()
	return f.err
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (a *AdjustmentRow) EncodeMsgpack(enc *msgpack.Encoder) error {
	f := fieldEncoder{enc: enc}
	f.array(4)
	f.str(a.Date)
	f.str(a.Period)
	f.value(&a.Delta)
	f.u64(a.Seq)
	return f.err
}

// DecodeMsgpack implements msgpack.CustomDecoder.
func (a *AdjustmentRow) DecodeMsgpack(dec *msgpack.Decoder) error {
	if err := arrayOf(dec, 4, "adjustment"); err != nil {
		return err
	}
	f := fieldDecoder{dec: dec}
	a.Date, a.Period = f.str(), f.str()
	f.value(&a.Delta)
	a.Seq = f.u64()
	return f.err
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *PayrollRow) EncodeMsgpack(enc *msgpack.Encoder) error {
	f := fieldEncoder{enc: enc}
	f.array(8)
	f.str(p.Employee)
	f.str(p.From)
	f.str(p.To)
	f.boolean(p.Closed)
	f.value(&p.ClosedBy)
	f.value(&p.Totals)
	f.sliceLen(len(p.Adjustments))
	for i := range p.Adjustments {
		f.value(&p.Adjustments[i])
	}
	f.value(&p.Adjusted)
	return f.err
}

// DecodeMsgpack implements msgpack.CustomDecoder.
func (p *PayrollRow) DecodeMsgpack(dec *msgpack.Decoder) error {
	if err := arrayOf(dec, 8, "payroll row"); err != nil {
		return err
	}
	f := fieldDecoder{dec: dec}
	p.Employee, p.From, p.To, p.Closed = f.str(), f.str(), f.str(), f.boolean()
	f.value(&p.ClosedBy)
	f.value(&p.Totals)
	p.Adjustments = nil
	if n := f.sliceLen(); n > 0 {
		p.Adjustments = make([]AdjustmentRow, n)
		for i := range p.Adjustments {
			f.value(&p.Adjustments[i])
		}
	}
	f.value(&p.Adjusted)
	return f.err
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (r *ReasonRow) EncodeMsgpack(enc *msgpack.Encoder) error {
	f := fieldEncoder{enc: enc}
	f.array(3)
	f.str(r.Code)
	f.str(r.Clause)
	f.str(r.Detail)
	return f.err
}

// DecodeMsgpack implements msgpack.CustomDecoder.
func (r *ReasonRow) DecodeMsgpack(dec *msgpack.Decoder) error {
	if err := arrayOf(dec, 3, "reason"); err != nil {
		return err
	}
	f := fieldDecoder{dec: dec}
	r.Code, r.Clause, r.Detail = f.str(), f.str(), f.str()
	return f.err
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (e *ExceptionRow) EncodeMsgpack(enc *msgpack.Encoder) error {
	f := fieldEncoder{enc: enc}
	f.array(6)
	f.str(e.Employee)
	f.str(e.Date)
	f.str(e.Code)
	f.str(e.Clause)
	f.str(e.Detail)
	f.value(&e.Event)
	return f.err
}

// DecodeMsgpack implements msgpack.CustomDecoder.
func (e *ExceptionRow) DecodeMsgpack(dec *msgpack.Decoder) error {
	if err := arrayOf(dec, 6, "exception"); err != nil {
		return err
	}
	f := fieldDecoder{dec: dec}
	e.Employee, e.Date, e.Code, e.Clause, e.Detail = f.str(), f.str(), f.str(), f.str(), f.str()
	f.value(&e.Event)
	return f.err
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (d *DayRow) EncodeMsgpack(enc *msgpack.Encoder) error {
	f := fieldEncoder{enc: enc}
	f.array(21)
	f.str(d.Employee)
	f.str(d.Date)
	f.str(d.Kind)
	f.str(d.Shift)
	f.str(d.Status)
	f.boolean(d.Final)
	f.boolean(d.Field)
	f.str(d.FirstIn)
	f.str(d.LastOut)
	f.i32(d.Worked)
	f.i32(d.WorkedExact)
	f.i32(d.Late)
	f.i32(d.EarlyLeave)
	f.value(&d.Figures)
	f.sliceLen(len(d.Reasons))
	for i := range d.Reasons {
		f.value(&d.Reasons[i])
	}
	f.sliceLen(len(d.Exceptions))
	for i := range d.Exceptions {
		f.value(&d.Exceptions[i])
	}
	f.str(d.PolicyID)
	f.i64(d.PolicyVersion)
	f.value(&d.PolicyEvent)
	f.str(d.AsOf)
	f.u64(d.LastSeq)
	return f.err
}

// DecodeMsgpack implements msgpack.CustomDecoder.
func (d *DayRow) DecodeMsgpack(dec *msgpack.Decoder) error {
	if err := arrayOf(dec, 21, "day row"); err != nil {
		return err
	}
	f := fieldDecoder{dec: dec}
	d.Employee, d.Date, d.Kind, d.Shift, d.Status = f.str(), f.str(), f.str(), f.str(), f.str()
	d.Final, d.Field = f.boolean(), f.boolean()
	d.FirstIn, d.LastOut = f.str(), f.str()
	d.Worked, d.WorkedExact, d.Late, d.EarlyLeave = f.i32(), f.i32(), f.i32(), f.i32()
	f.value(&d.Figures)
	d.Reasons = nil
	if n := f.sliceLen(); n > 0 {
		d.Reasons = make([]ReasonRow, n)
		for i := range d.Reasons {
			f.value(&d.Reasons[i])
		}
	}
	d.Exceptions = nil
	if n := f.sliceLen(); n > 0 {
		d.Exceptions = make([]ExceptionRow, n)
		for i := range d.Exceptions {
			f.value(&d.Exceptions[i])
		}
	}
	d.PolicyID, d.PolicyVersion = f.str(), f.i64()
	f.value(&d.PolicyEvent)
	d.AsOf, d.LastSeq = f.str(), f.u64()
	return f.err
}
