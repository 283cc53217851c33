package attendance_test

import (
	"bytes"
	"testing"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
)

// FuzzDecodePayload feeds arbitrary bytes to the decoder of every payload type (the
// type picked by the first argument). Decoding must never panic, and whatever decodes
// (through attendance.Decode) must re-encode to exactly the same bytes: every payload value has one byte form.
// The seed corpus in testdata/fuzz/FuzzDecodePayload holds the golden payloads and a few
// near misses (wrong integer widths, trailing bytes, truncations).
func FuzzDecodePayload(f *testing.F) {
	samples := samplePayloads()
	for i, p := range samples {
		data, err := ledger.Marshal(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), data)
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		proto := samples[int(which)%len(samples)]
		e := ledger.Event{Type: proto.EventType(), Schema: proto.SchemaVersion(), Data: data}
		p, err := attendance.Decode(&e)
		if err != nil {
			return
		}
		again, err := ledger.Marshal(p)
		if err != nil {
			t.Fatalf("decoded %T does not re-encode: %v", p, err)
		}
		if !bytes.Equal(again, data) {
			t.Fatalf("%s: decoded bytes re-encode differently:\n in %x\nout %x", proto.EventType(), data, again)
		}
		if pr, ok := p.(*attendance.PunchRecorded); ok {
			var fast attendance.PunchRecorded
			if err := fast.UnmarshalBinary(data); err != nil {
				t.Fatalf("registry decoded a punch the fast path refuses: %v", err)
			}
			b, _ := fast.AppendBinary(nil)
			b2, _ := pr.AppendBinary(nil)
			if !bytes.Equal(b, b2) {
				t.Fatal("fast path and registry disagree")
			}
		}
	})
}
