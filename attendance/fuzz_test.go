package attendance_test

import (
	"bytes"
	"testing"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/vmihailenco/msgpack/v5"
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
			// (A msgpack nil decodes to a zero punch on the msgpack path; the punch's own
			// decoder, like the registry, refuses it.)
			if e.Type == "punch.recorded" && !bytes.Equal(data, []byte{0xc0}) {
				var slow attendance.PunchRecorded
				r := bytes.NewReader(data)
				dec := msgpack.NewDecoder(r)
				dec.DisallowUnknownFields(true)
				if dec.Decode(&slow) == nil && r.Len() == 0 {
					t.Fatalf("the msgpack path decodes a punch the registry refuses (%v)", err)
				}
			}
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
			// The registry takes the punch's own decoder (ledger.PayloadDecoder); the
			// msgpack decoder's path (DecodeMsgpack, strict, nothing left over) must
			// agree with it.
			var slow attendance.PunchRecorded
			r := bytes.NewReader(data)
			dec := msgpack.NewDecoder(r)
			dec.DisallowUnknownFields(true)
			if err := dec.Decode(&slow); err != nil || r.Len() != 0 {
				t.Fatalf("registry decoded a punch the msgpack path refuses: %v (%d bytes left)", err, r.Len())
			}
			b, _ := slow.AppendBinary(nil)
			b2, _ := pr.AppendBinary(nil)
			if !bytes.Equal(b, b2) {
				t.Fatal("msgpack path and registry disagree")
			}
		}
	})
}
