package msgpwire_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/punchledger/punchledger/internal/msgpwire"
)

// TestMatchesMsgpack checks every form against msgpack's encoder with its default
// settings, at the boundaries between length forms.
func TestMatchesMsgpack(t *testing.T) {
	var cases []struct {
		name string
		got  []byte
		want any
	}
	add := func(name string, got []byte, want any) {
		cases = append(cases, struct {
			name string
			got  []byte
			want any
		}{name, got, want})
	}
	for _, n := range []int{0, 1, 31, 32, 255, 256, 65535, 65536} {
		s := strings.Repeat("x", n)
		add("str", msgpwire.AppendStr(nil, s), s)
	}
	for _, n := range []int{0, 15, 16, 65535, 65536} {
		add("array", msgpwire.AppendArrayLen(nil, n), make([]struct{}, n))
	}
	for _, v := range []uint8{0, 1, 127, 128, 255} {
		add("u8", msgpwire.AppendU8(nil, v), v)
	}
	for _, v := range []int32{0, -1, 1 << 30, -1 << 31} {
		add("i32", msgpwire.AppendI32(nil, v), v)
	}
	for _, v := range []int64{0, -1, 1 << 62, -1 << 63} {
		add("i64", msgpwire.AppendI64(nil, v), v)
	}
	for _, v := range []uint64{0, 1, 1 << 63} {
		add("u64", msgpwire.AppendU64(nil, v), v)
	}
	add("true", msgpwire.AppendBool(nil, true), true)
	add("false", msgpwire.AppendBool(nil, false), false)
	for _, tc := range cases {
		want, err := msgpack.Marshal(tc.want)
		if err != nil {
			t.Fatal(err)
		}
		if tc.name == "array" {
			// An array of empty structs encodes each element: compare the header only.
			want = want[:len(tc.got)]
		}
		if !bytes.Equal(tc.got, want) {
			t.Errorf("%s: got % x, msgpack writes % x", tc.name, head(tc.got), head(want))
		}
	}
}

func head(b []byte) []byte { return b[:min(len(b), 8)] }

// TestAppendBin checks bins against msgpack's encoder: nil, empty and each length form.
func TestAppendBin(t *testing.T) {
	for _, v := range [][]byte{nil, {}, {1}, bytes.Repeat([]byte{2}, 255), bytes.Repeat([]byte{3}, 256), bytes.Repeat([]byte{4}, 65536)} {
		want, err := msgpack.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := msgpwire.AppendBin(nil, v); !bytes.Equal(got, want) {
			t.Errorf("%d bytes (nil %v): got % x, msgpack writes % x", len(v), v == nil, head(got), head(want))
		}
	}
}
