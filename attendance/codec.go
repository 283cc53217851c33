package attendance

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
	"unicode/utf8"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"

	"github.com/punchledger/punchledger/internal/msgpwire"
)

// Payload encoding.
//
// Every payload implements msgpack.CustomEncoder and msgpack.CustomDecoder, so its
// bytes depend on this package only, never on the options of the encoder the ledger
// happens to use. Most payloads are structs tagged as_array, encoded by msgpack's
// reflection with its default settings (fixed-width integers as declared, float64 as
// float64, no maps anywhere); punch.recorded, the bulk of every log, has a hand-written
// encoder and decoder (punch_codec.go).
//
// Decoding is strict: an array of the wrong length, a value of the wrong type, or a
// value that is not in its canonical form (an integer in a different width than the
// field's, for instance) is an error, so every payload value has exactly one byte form.

// errNonCanonical: decoded bytes that re-encode differently.
var errNonCanonical = errors.New("attendance: payload not in canonical form")

var encPool = sync.Pool{New: func() any {
	var b bytes.Buffer
	return &pooledEnc{buf: &b, enc: msgpack.NewEncoder(&b)}
}}

type pooledEnc struct {
	buf *bytes.Buffer
	enc *msgpack.Encoder
}

// marshalPlain encodes v (a pointer to a struct type without custom methods) with
// default encoder settings.
func marshalPlain(v any) ([]byte, error) {
	p := encPool.Get().(*pooledEnc)
	defer encPool.Put(p)
	p.buf.Reset()
	if err := p.enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.Clone(p.buf.Bytes()), nil
}

// encodePlain writes v's default encoding into enc.
func encodePlain(enc *msgpack.Encoder, v any) error {
	b, err := marshalPlain(v)
	if err != nil {
		return err
	}
	return enc.Encode(msgpack.RawMessage(b))
}

// decodePlain reads one value from dec into v (a pointer to a struct type without
// custom methods) and checks that it was in canonical form.
func decodePlain(dec *msgpack.Decoder, v any) error {
	raw, err := dec.DecodeRaw()
	if err != nil {
		return err
	}
	return unmarshalPlain(raw, v)
}

// unmarshalPlain decodes all of raw into v strictly.
func unmarshalPlain(raw []byte, v any) error {
	r := bytes.NewReader(raw)
	d := msgpack.NewDecoder(r)
	d.DisallowUnknownFields(true)
	if err := d.Decode(v); err != nil {
		return err
	}
	if r.Len() != 0 {
		return fmt.Errorf("attendance: %d bytes after payload", r.Len())
	}
	again, err := marshalPlain(v)
	if err != nil {
		return err
	}
	if !bytes.Equal(again, raw) {
		return errNonCanonical
	}
	return nil
}

// The hand-written codec writes and reads raw bytes. Each value has exactly one form:
// uint8 as 0xcc, int32 as 0xd2, int64 as 0xd3, strings and bins in the shortest length
// form (an empty bin is nil), arrays in the shortest form. It has no floats: only
// sealed values (PunchEvidence, WorkLocation) carry them, encoded by reflection. The
// integer, string and array forms are internal/msgpwire's (shared with projection).

// appendBin writes an empty bin as nil (the one form of an empty value here).
func appendBin(b []byte, v []byte) []byte {
	if len(v) == 0 {
		return append(b, msgpcode.Nil)
	}
	return msgpwire.AppendBin(b, v)
}

// reader reads the forms above and nothing else. The first error sticks; later reads
// return zero values.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(what string, format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s: %s", errNonCanonical, what, fmt.Sprintf(format, args...))
	}
}

func (r *reader) take(n int, what string) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || len(r.b) < n {
		r.fail(what, "truncated")
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) code(what string) byte {
	c := r.take(1, what)
	if c == nil {
		return 0
	}
	return c[0]
}

func (r *reader) fixed(code byte, n int, what string) []byte {
	if c := r.code(what); r.err == nil && c != code {
		r.fail(what, "code 0x%02x, want 0x%02x", c, code)
	}
	return r.take(n, what)
}

// length reads a length written in one of three forms: a fix form (code&^mask ==
// fixLow, up to fixMax), 8/16/32-bit (code8 may be 0 for arrays, which have none), and
// checks it is the shortest.
func (r *reader) length(what string, fixLow, fixMask byte, fixMax int, code8, code16, code32 byte) int {
	c := r.code(what)
	if r.err != nil {
		return 0
	}
	var n int
	switch {
	case c&^fixMask == fixLow:
		return int(c & fixMask)
	case code8 != 0 && c == code8:
		if b := r.take(1, what); b != nil {
			n = int(b[0])
		}
		if n <= fixMax {
			r.fail(what, "length %d not in shortest form", n)
		}
	case c == code16:
		if b := r.take(2, what); b != nil {
			n = int(binary.BigEndian.Uint16(b))
		}
		if n <= fixMax || code8 != 0 && n < 256 {
			r.fail(what, "length %d not in shortest form", n)
		}
	case c == code32:
		if b := r.take(4, what); b != nil {
			n = int(binary.BigEndian.Uint32(b))
		}
		if n <= math.MaxUint16 {
			r.fail(what, "length %d not in shortest form", n)
		}
	default:
		r.fail(what, "unexpected code 0x%02x", c)
	}
	return n
}

func (r *reader) arrayLen(what string, max int) int {
	n := r.length(what, msgpcode.FixedArrayLow, 0x0f, 15, 0, msgpcode.Array16, msgpcode.Array32)
	if n > max {
		r.fail(what, "%d elements, at most %d", n, max)
		return 0
	}
	return n
}

func (r *reader) array(want int, what string) {
	if n := r.arrayLen(what, want); r.err == nil && n != want {
		r.fail(what, "array of %d, want %d", n, want)
	}
}

func (r *reader) u8(what string) uint8 {
	if b := r.fixed(msgpcode.Uint8, 1, what); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) i32(what string) int32 {
	if b := r.fixed(msgpcode.Int32, 4, what); b != nil {
		return int32(binary.BigEndian.Uint32(b))
	}
	return 0
}

func (r *reader) i64(what string) int64 {
	if b := r.fixed(msgpcode.Int64, 8, what); b != nil {
		return int64(binary.BigEndian.Uint64(b))
	}
	return 0
}

func (r *reader) boolean(what string) bool {
	switch c := r.code(what); {
	case r.err != nil:
	case c == msgpcode.True:
		return true
	case c == msgpcode.False:
	default:
		r.fail(what, "code 0x%02x, want a bool", c)
	}
	return false
}

func (r *reader) str(what string) string {
	n := r.length(what, msgpcode.FixedStrLow, 0x1f, 31, msgpcode.Str8, msgpcode.Str16, msgpcode.Str32)
	b := r.take(n, what)
	if r.err == nil && !utf8.Valid(b) {
		r.fail(what, "invalid UTF-8")
	}
	return string(b)
}

func (r *reader) bin(what string) []byte {
	if r.err == nil && len(r.b) > 0 && r.b[0] == msgpcode.Nil {
		r.b = r.b[1:]
		return nil
	}
	// Bin has no fix form: fixLow 0xff with mask 0 never matches a bin code.
	n := r.length(what, 0xff, 0, -1, msgpcode.Bin8, msgpcode.Bin16, msgpcode.Bin32)
	if r.err == nil && n == 0 {
		r.fail(what, "empty bin (written as nil)")
	}
	return bytes.Clone(r.take(n, what))
}

func (r *reader) end(what string) error {
	if r.err == nil && len(r.b) != 0 {
		r.fail(what, "%d bytes left over", len(r.b))
	}
	return r.err
}
