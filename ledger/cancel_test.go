package ledger_test

import (
	"context"
	"errors"
	"testing"

	"github.com/punchledger/punchledger/ledger"
)

func TestAppendCanceledContext(t *testing.T) {
	l := openMem(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Append(ctx, "s", ledger.Any, punch("a")); !errors.Is(err, context.Canceled) {
		t.Fatalf("append with a canceled context: %v", err)
	}
	if seq, _ := l.Head(); seq != 0 {
		t.Fatalf("head %d: a canceled append was written", seq)
	}
	// The ledger is still usable.
	_, err := l.Append(context.Background(), "s", ledger.NoStream, punch("a"))
	mustf(t, err, "append")
}
