package ledger_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/punchledger/punchledger/ledger"
)

// Import writes events with their original RecordedAt even when the importing
// ledger's clock is far ahead (the import path never reads the clock), and the
// imported ledger goes on appending after them.
func TestImportKeepsRecordedAt(t *testing.T) {
	ctx := context.Background()
	src := openMem(t)
	for i := range 5 {
		_, err := src.Append(ctx, "s", ledger.Any, punch(string(rune('a'+i))))
		mustf(t, err, "append")
	}
	var buf bytes.Buffer
	th, err := src.Export(ctx, &buf, ledger.ExportOptions{})
	mustf(t, err, "export")
	opts := memOptions(nil)
	future := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	opts.Now = func() time.Time { return future }
	ith, err := ledger.Import(ctx, "imported", &buf, opts)
	mustf(t, err, "import")
	if ith != th {
		t.Fatalf("imported tree %v, exported %v", ith, th)
	}
	dst, err := ledger.Open("imported", opts)
	mustf(t, err, "open imported")
	defer dst.Close()
	for seq := uint64(1); seq <= 5; seq++ {
		a, _ := src.Get(seq)
		b, err := dst.Get(seq)
		mustf(t, err, "get")
		if !a.RecordedAt.Equal(b.RecordedAt) || a.Hash != b.Hash {
			t.Fatalf("seq %d: %v/%v vs %v/%v", seq, a.RecordedAt, a.Hash, b.RecordedAt, b.Hash)
		}
	}
	_, at := src.Head()
	if seq, _ := dst.SeqAsOf(at); seq != 5 {
		t.Fatalf("SeqAsOf on the imported ledger = %d", seq)
	}
	r, err := dst.Append(ctx, "s", ledger.ExactVersion(5), punch("after import"))
	mustf(t, err, "append after import")
	if r.FirstSeq != 6 || !r.Events[0].RecordedAt.Equal(future) {
		t.Fatalf("after import: %+v", r.Events[0])
	}
	// An imported ID is known: appending it again is a duplicate.
	again, err := dst.Append(ctx, "s", ledger.Any, punch("a"))
	mustf(t, err, "append imported ID")
	if !again.Duplicate || again.FirstSeq != 1 {
		t.Fatalf("imported ID appended again: %+v", again)
	}
	mustf(t, dst.Verify(ctx), "verify")
}
