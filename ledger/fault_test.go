package ledger_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"
	"github.com/punchledger/punchledger/ledger"
)

var errInjected = errors.New("injected write error")

// A failed WAL write fails the whole group: every caller gets the error, nothing
// becomes visible (head, reads, subscribers), and the error is not mistaken for a
// request's own failure.
func TestCommitFailure(t *testing.T) {
	var on atomic.Bool
	inj := errorfs.InjectorFunc(func(op errorfs.Op) error {
		if on.Load() && strings.HasSuffix(op.Path, ".log") && (op.Kind == errorfs.OpFileWrite || op.Kind == errorfs.OpFileSync) {
			return errInjected
		}
		return nil
	})
	o := memOptions(errorfs.Wrap(vfs.NewMem(), inj))
	l, err := ledger.Open("db", o)
	mustf(t, err, "open")
	ctx := context.Background()
	_, err = l.Append(ctx, "s", ledger.NoStream, punch("before"))
	mustf(t, err, "append")
	on.Store(true)
	res, err := l.AppendBatch(ctx, []ledger.AppendRequest{
		{Stream: "s", Events: []ledger.Proposed{punch("x")}},
		{Stream: "t", Events: []ledger.Proposed{punch("y")}},
	})
	if err == nil || res != nil {
		t.Fatalf("append during WAL failure: %v %+v", err, res)
	}
	if !errors.Is(err, ledger.ErrFailed) || !strings.Contains(err.Error(), errInjected.Error()) {
		t.Fatalf("want ErrFailed naming the injected error, got %v", err)
	}
	if seq, _ := l.Head(); seq != 1 {
		t.Fatalf("head %d after a failed commit", seq)
	}
	if _, err := l.Lookup(testID("x")); !errors.Is(err, ledger.ErrNotFound) {
		t.Fatalf("failed event visible: %v", err)
	}
	// The failure is sticky for writes, even with the fault gone.
	on.Store(false)
	if _, err := l.Append(ctx, "s", ledger.Any, punch("z")); !errors.Is(err, ledger.ErrFailed) {
		t.Fatalf("append after failure: %v", err)
	}
	if err := l.PutSecret("employee/E1", []byte("k")); !errors.Is(err, ledger.ErrFailed) {
		t.Fatalf("put secret after failure: %v", err)
	}
	if err := l.Close(); !errors.Is(err, ledger.ErrFailed) {
		t.Fatalf("close after failure: %v", err)
	}
	// Reopening the directory recovers every acknowledged event.
	l, err = ledger.Open("db", o)
	mustf(t, err, "reopen")
	defer l.Close()
	if seq, _ := l.Head(); seq != 1 {
		t.Fatalf("head %d after reopen", seq)
	}
	_, err = l.Append(ctx, "s", ledger.ExactVersion(1), punch("after"))
	mustf(t, err, "append after reopen")
	mustf(t, l.Verify(ctx), "verify")
}
