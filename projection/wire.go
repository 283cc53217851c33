package projection

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/vmihailenco/msgpack/v5/msgpcode"

	"github.com/punchledger/punchledger/internal/msgpwire"
)

// Append-style codecs for the records the projection writes and reads back on every
// batch (day states, day rows, payroll rows, employee records, punch references).
// Reflection msgpack spent most of a rebuild's CPU and allocations on them; these write
// exactly the bytes msgpack's reflection encoder writes for the same structs with its
// default settings (arrays of fields; uint8, int32, int64 and uint64 in their fixed
// widths; [16]byte as an 16-byte bin; a nil slice as nil, an empty one as an empty
// array; strings in their shortest form), so the stored state is unchanged
// (TestWireMatchesReflection). The exceptions are day states and their inputs, most of
// what a rebuild writes: they are msgpack too, but with integers in their shortest
// form and fields by kind (records_wire.go). The decoders read those forms and nothing
// else.

// errWire reports bytes that are not a record this package wrote.
var errWire = errors.New("projection: corrupt record")

// wireRecord is a record with an append-style encoder and a decoder of its bytes.
type wireRecord interface {
	appendWire(b []byte) []byte
	decodeWire(r *wireReader)
}

// maxWireSlice bounds decoded slice lengths, so that corrupt bytes cannot make a decoder
// allocate more than the input could hold (every element takes at least one byte).
func maxWireSlice(r *wireReader) int { return len(r.b) }

// appendSliceLen writes a slice's header: nil for a nil slice, as reflection does.
func appendSliceLen(b []byte, n int, isNil bool) []byte {
	if isNil {
		return append(b, msgpcode.Nil)
	}
	return msgpwire.AppendArrayLen(b, n)
}

// appendID writes a [16]byte as reflection does: a bin of 16 bytes, zero or not.
func appendID(b []byte, id [16]byte) []byte {
	return append(append(b, msgpcode.Bin8, 16), id[:]...)
}

// wireReader reads the forms above. The first error sticks; later reads return zero
// values, so decoders read field after field and check err once.
type wireReader struct {
	b   []byte
	err error
}

func (r *wireReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", errWire, fmt.Sprintf(format, args...))
	}
}

func (r *wireReader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || len(r.b) < n {
		r.fail("truncated")
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *wireReader) code() byte {
	if c := r.take(1); c != nil {
		return c[0]
	}
	return 0
}

func (r *wireReader) fixed(code byte, n int) []byte {
	if c := r.code(); r.err == nil && c != code {
		r.fail("code 0x%02x, want 0x%02x", c, code)
		return nil
	}
	return r.take(n)
}

func (r *wireReader) i32() int32 {
	if b := r.fixed(msgpcode.Int32, 4); b != nil {
		return int32(binary.BigEndian.Uint32(b))
	}
	return 0
}

func (r *wireReader) i64() int64 {
	if b := r.fixed(msgpcode.Int64, 8); b != nil {
		return int64(binary.BigEndian.Uint64(b))
	}
	return 0
}

func (r *wireReader) u64() uint64 {
	if b := r.fixed(msgpcode.Uint64, 8); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

// appendInt writes v in msgpack's shortest signed form (fixints, then int8..int64).
// The compact records (inputRec, dayState) use it; the others keep reflection's fixed
// widths.
func appendInt(b []byte, v int64) []byte {
	switch {
	case v >= 0 && v <= 127, v >= -32 && v < 0:
		return append(b, byte(v))
	case v >= math.MinInt8 && v <= math.MaxInt8:
		return append(b, msgpcode.Int8, byte(v))
	case v >= math.MinInt16 && v <= math.MaxInt16:
		return binary.BigEndian.AppendUint16(append(b, msgpcode.Int16), uint16(v))
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return binary.BigEndian.AppendUint32(append(b, msgpcode.Int32), uint32(v))
	}
	return binary.BigEndian.AppendUint64(append(b, msgpcode.Int64), uint64(v))
}

// int reads an integer written by appendInt (any signed form or a fixint).
func (r *wireReader) int() int64 {
	c := r.code()
	if r.err != nil {
		return 0
	}
	switch {
	case c <= msgpcode.PosFixedNumHigh || c >= msgpcode.NegFixedNumLow:
		return int64(int8(c))
	case c == msgpcode.Int8:
		if b := r.take(1); b != nil {
			return int64(int8(b[0]))
		}
	case c == msgpcode.Int16:
		if b := r.take(2); b != nil {
			return int64(int16(binary.BigEndian.Uint16(b)))
		}
	case c == msgpcode.Int32:
		if b := r.take(4); b != nil {
			return int64(int32(binary.BigEndian.Uint32(b)))
		}
	case c == msgpcode.Int64:
		if b := r.take(8); b != nil {
			return int64(binary.BigEndian.Uint64(b))
		}
	default:
		r.fail("code 0x%02x, want an integer", c)
	}
	return 0
}

// small reads an integer written by appendInt that must fit in a uint8.
func (r *wireReader) small() uint8 { return uint8(r.intIn(0, math.MaxUint8)) }

// int32v reads an integer written by appendInt that must fit in an int32.
func (r *wireReader) int32v() int32 { return int32(r.intIn(math.MinInt32, math.MaxInt32)) }

// intIn reads an integer written by appendInt that must be in [lo, hi].
func (r *wireReader) intIn(lo, hi int64) int64 {
	v := r.int()
	if v < lo || v > hi {
		r.fail("%d out of range", v)
		return 0
	}
	return v
}

// isNil reports (and consumes) a nil.
func (r *wireReader) isNil() bool {
	if r.err == nil && len(r.b) > 0 && r.b[0] == msgpcode.Nil {
		r.b = r.b[1:]
		return true
	}
	return false
}

func (r *wireReader) boolean() bool {
	switch c := r.code(); {
	case r.err != nil:
	case c == msgpcode.True:
		return true
	case c != msgpcode.False:
		r.fail("code 0x%02x, want a bool", c)
	}
	return false
}

// length reads a length in its fix form (code&^mask == fixLow) or an 8/16/32-bit form
// (code8 0: none, as for arrays).
func (r *wireReader) length(fixLow, mask, code8, code16, code32 byte) int {
	c := r.code()
	if r.err != nil {
		return 0
	}
	switch {
	case c&^mask == fixLow:
		return int(c & mask)
	case code8 != 0 && c == code8:
		if b := r.take(1); b != nil {
			return int(b[0])
		}
	case c == code16:
		if b := r.take(2); b != nil {
			return int(binary.BigEndian.Uint16(b))
		}
	case c == code32:
		if b := r.take(4); b != nil {
			return int(binary.BigEndian.Uint32(b))
		}
	default:
		r.fail("code 0x%02x, want a length", c)
	}
	return 0
}

func (r *wireReader) str() string {
	n := r.length(msgpcode.FixedStrLow, 0x1f, msgpcode.Str8, msgpcode.Str16, msgpcode.Str32)
	return string(r.take(n))
}

// bin reads a bin (nil for Nil), copied.
func (r *wireReader) bin() []byte {
	if r.err == nil && len(r.b) > 0 && r.b[0] == msgpcode.Nil {
		r.b = r.b[1:]
		return nil
	}
	// Bin has no fix form: fixLow 0xff with mask 0 matches no bin code.
	n := r.length(0xff, 0, msgpcode.Bin8, msgpcode.Bin16, msgpcode.Bin32)
	return append([]byte{}, r.take(n)...)
}

func (r *wireReader) id() (id [16]byte) {
	if b := r.fixed(msgpcode.Bin8, 17); b != nil {
		if b[0] != 16 {
			r.fail("id of %d bytes", b[0])
			return id
		}
		copy(id[:], b[1:])
	}
	return id
}

// arrayLen reads an array length.
func (r *wireReader) arrayLen() int {
	n := r.length(msgpcode.FixedArrayLow, 0x0f, 0, msgpcode.Array16, msgpcode.Array32)
	if n > maxWireSlice(r) {
		r.fail("array of %d elements in %d bytes", n, len(r.b))
		return 0
	}
	return n
}

// array reads the header of a record of want fields.
func (r *wireReader) array(want int) {
	if n := r.arrayLen(); r.err == nil && n != want {
		r.fail("record of %d fields, want %d", n, want)
	}
}

// sliceLen reads a slice header: ok false for nil (a nil slice).
func (r *wireReader) sliceLen() (n int, ok bool) {
	if r.err == nil && len(r.b) > 0 && r.b[0] == msgpcode.Nil {
		r.b = r.b[1:]
		return 0, false
	}
	return r.arrayLen(), r.err == nil
}

// decodeSlice reads a slice of records, nil for nil and empty (not nil) for an empty
// array, as reflection does.
func decodeSlice[T any, P interface {
	*T
	wireRecord
}](r *wireReader) []T {
	n, ok := r.sliceLen()
	if !ok {
		return nil
	}
	out := make([]T, n)
	for i := range out {
		P(&out[i]).decodeWire(r)
	}
	return out
}

func appendSlice[T any, P interface {
	*T
	wireRecord
}](b []byte, s []T) []byte {
	b = appendSliceLen(b, len(s), s == nil)
	for i := range s {
		b = P(&s[i]).appendWire(b)
	}
	return b
}

func decodeStrings(r *wireReader) []string {
	n, ok := r.sliceLen()
	if !ok {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = r.str()
	}
	return out
}

func appendStrings(b []byte, s []string) []byte {
	b = appendSliceLen(b, len(s), s == nil)
	for _, x := range s {
		b = msgpwire.AppendStr(b, x)
	}
	return b
}

// unmarshalWire decodes all of b into v.
func unmarshalWire(b []byte, v wireRecord) error {
	r := wireReader{b: b}
	v.decodeWire(&r)
	if r.err == nil && len(r.b) != 0 {
		r.fail("%d bytes left over", len(r.b))
	}
	return r.err
}
