package ledger_test

import (
	"bytes"
	"testing"

	"github.com/punchledger/punchledger/ledger"
)

// FuzzDecodeEvent: decoding arbitrary bytes never panics, and whatever decodes
// re-encodes to exactly the input (the decoder accepts one encoding per event).
// Seed corpus: testdata/fuzz/FuzzDecodeEvent (golden envelopes, truncations, bad
// lengths, an unknown format byte).
func FuzzDecodeEvent(f *testing.F) {
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		var e ledger.Event
		if err := ledger.DecodeEvent(b, &e); err != nil {
			return
		}
		if got := ledger.EncodeEvent(&e); !bytes.Equal(got, b) {
			t.Fatalf("decode/encode changed the bytes:\n in %x\nout %x", b, got)
		}
	})
}
