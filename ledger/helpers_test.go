package ledger_test

import (
	"crypto/sha256"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/punchledger/punchledger/ledger"
)

// clock is a deterministic clock advancing by step at every read.
type clock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func newClock() *clock {
	return &clock{t: time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC), step: time.Millisecond}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(c.step)
	return c.t
}

// seqReader is a deterministic io.Reader for ledger-chosen IDs.
type seqReader struct {
	mu sync.Mutex
	n  uint64
}

func (r *seqReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range p {
		if i%8 == 0 {
			r.n++
		}
		p[i] = byte(r.n >> (8 * (i % 8)))
	}
	return len(p), nil
}

func memOptions(fs vfs.FS) *ledger.Options {
	if fs == nil {
		fs = vfs.NewMem()
	}
	return &ledger.Options{Now: newClock().Now, Rand: &seqReader{}, FS: fs, MemTableSize: 8 << 20, CacheSize: 8 << 20}
}

func openMem(t testing.TB) *ledger.Ledger {
	t.Helper()
	l, err := ledger.Open("db", memOptions(nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// testID returns a deterministic ID for a name.
func testID(name string) ledger.ID {
	h := sha256.Sum256([]byte(name))
	var id ledger.ID
	copy(id[:], h[:])
	return id
}

var t0 = time.Date(2026, 3, 9, 7, 58, 0, 0, time.UTC)

// punch returns a proposed event with an ID derived from name.
func punch(name string) ledger.Proposed {
	return ledger.Proposed{
		ID:         testID(name),
		Type:       "punch.recorded",
		Schema:     1,
		OccurredAt: t0,
		Actor:      "device:D1",
		Data:       []byte("payload " + name),
	}
}

func mustf(t testing.TB, err error, format string, args ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", fmt.Sprintf(format, args...), err)
	}
}

func sha256sum(b []byte) []byte { s := sha256.Sum256(b); return s[:] }
