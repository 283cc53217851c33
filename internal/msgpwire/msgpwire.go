// Package msgpwire appends msgpack values in the forms punchledger's hand-written codecs
// share (attendance's payloads, projection's records): fixed-width integers as declared
// (uint8 0xcc, int32 0xd2, int64 0xd3, uint64 0xcf), strings and arrays in their
// shortest length form. These are the bytes msgpack's reflection encoder writes for the
// same Go types with its default settings, so a codec built from them can replace
// reflection without changing stored bytes.
package msgpwire

import (
	"encoding/binary"
	"math"

	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// AppendArrayLen appends an array header of n elements.
func AppendArrayLen(b []byte, n int) []byte {
	switch {
	case n < 16:
		return append(b, msgpcode.FixedArrayLow|byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(b, msgpcode.Array16), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(b, msgpcode.Array32), uint32(n))
}

// AppendU8 appends v as a uint8 (0xcc).
func AppendU8(b []byte, v uint8) []byte { return append(b, msgpcode.Uint8, v) }

// AppendI32 appends v as an int32 (0xd2).
func AppendI32(b []byte, v int32) []byte {
	return binary.BigEndian.AppendUint32(append(b, msgpcode.Int32), uint32(v))
}

// AppendI64 appends v as an int64 (0xd3).
func AppendI64(b []byte, v int64) []byte {
	return binary.BigEndian.AppendUint64(append(b, msgpcode.Int64), uint64(v))
}

// AppendU64 appends v as a uint64 (0xcf).
func AppendU64(b []byte, v uint64) []byte {
	return binary.BigEndian.AppendUint64(append(b, msgpcode.Uint64), v)
}

// AppendBool appends v.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, msgpcode.True)
	}
	return append(b, msgpcode.False)
}

// AppendStr appends s as a string in its shortest form.
func AppendStr(b []byte, s string) []byte {
	if n := len(s); n < 32 {
		b = append(b, msgpcode.FixedStrLow|byte(n))
	} else {
		b = appendSized(b, n, msgpcode.Str8, msgpcode.Str16, msgpcode.Str32)
	}
	return append(b, s...)
}

// AppendBin appends v as a bin in its shortest form, and a nil v as Nil (as
// reflection writes a nil []byte; an empty, non-nil one is an empty bin).
func AppendBin(b []byte, v []byte) []byte {
	if v == nil {
		return append(b, msgpcode.Nil)
	}
	return append(appendSized(b, len(v), msgpcode.Bin8, msgpcode.Bin16, msgpcode.Bin32), v...)
}

// appendSized appends the header of a string or bin of n bytes in the shortest of its
// 8-, 16- and 32-bit length forms, whose codes are given.
func appendSized(b []byte, n int, c8, c16, c32 byte) []byte {
	switch {
	case n < 256:
		return append(b, c8, byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(b, c16), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(b, c32), uint32(n))
}
