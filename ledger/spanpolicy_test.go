package ledger

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"testing"
	"time"
)

// TestSSTablesHoldOnePrefix: with the span policy, every flushed or compacted table
// holds keys of one prefix, so appending never makes a table overlap the next flush's,
// and Pebble moves the append-only ranges down the levels instead of rewriting them.
func TestSSTablesHoldOnePrefix(t *testing.T) {
	l, err := Open(t.TempDir(), &Options{NoSync: true, MemTableSize: 1 << 20, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	data := bytes.Repeat([]byte("punch "), 30)
	var n uint64
	for b := 0; b < 60; b++ {
		evs := make([]Proposed, 200)
		for i := range evs {
			n++
			var id ID
			binary.BigEndian.PutUint64(id[:], n*0x9e3779b97f4a7c15) // IDs in no order
			evs[i] = Proposed{ID: id, Type: "punch.recorded", Schema: 1, OccurredAt: time.Unix(1, 0), Actor: "device:d1", Data: data}
		}
		if _, err := l.Append(ctx, fmt.Sprintf("employee/E%02d", b%7), Any, evs...); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.db.Flush(); err != nil {
		t.Fatal(err)
	}
	levels, err := l.db.SSTables()
	if err != nil {
		t.Fatal(err)
	}
	tables := 0
	for level, ts := range levels {
		for _, tab := range ts {
			tables++
			lo, hi := tab.Smallest.UserKey, tab.Largest.UserKey
			if len(lo) == 0 || len(hi) == 0 || lo[0] != hi[0] {
				t.Errorf("L%d table %v spans prefixes: %q .. %q", level, tab.FileNum, lo, hi)
			}
		}
	}
	if tables < 4 {
		t.Fatalf("only %d sstables: the test did not flush enough to mean anything", tables)
	}
	if err := l.Verify(ctx); err != nil {
		t.Fatal(err)
	}
}
