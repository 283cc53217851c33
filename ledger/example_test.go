package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/punchledger/punchledger/ledger"
)

// exampleStore opens a ledger in memory with a fixed clock.
func exampleStore() *ledger.Ledger {
	now := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	l, err := ledger.Open("example", &ledger.Options{FS: vfs.NewMem(), Now: func() time.Time { return now }})
	if err != nil {
		panic(err)
	}
	return l
}

func Example() {
	ctx := context.Background()
	l := exampleStore()
	defer l.Close()

	id, _ := ledger.ParseID("0102030405060708090a0b0c0d0e0f10") // chosen by the device
	punch := ledger.Proposed{
		ID: id, Type: "punch.recorded", Schema: 1, Actor: "device:D1",
		OccurredAt: time.Date(2026, 3, 9, 7, 58, 0, 0, time.UTC),
	}
	res, err := l.Append(ctx, "employee/E1001", ledger.NoStream, punch)
	if err != nil {
		panic(err)
	}
	fmt.Println("seq", res.FirstSeq, "version", res.Version)

	// A retried upload of the same punch is the same event.
	again, _ := l.Append(ctx, "employee/E1001", ledger.NoStream, punch)
	fmt.Println("duplicate", again.Duplicate, "seq", again.FirstSeq)

	// Another writer that read version 0 loses.
	other := punch
	other.ID = ledger.ID{}
	_, err = l.Append(ctx, "employee/E1001", ledger.NoStream, other)
	var ce *ledger.ConflictError
	fmt.Println("conflict", errors.As(err, &ce), "actual", ce.Actual)

	_ = l.Scan(ctx, 1, 0, func(e *ledger.Event) error {
		fmt.Println(e.Seq, e.Stream, e.Version, e.Type, e.RecordedAt.Format(time.RFC3339))
		return nil
	})
	// Output:
	// seq 1 version 1
	// duplicate true seq 1
	// conflict true actual 1
	// 1 employee/E1001 1 punch.recorded 2026-03-09T08:00:00Z
}

func ExampleLedger_Subscribe() {
	ctx, cancel := context.WithCancel(context.Background())
	l := exampleStore()
	defer l.Close()
	p := ledger.Proposed{Type: "note", OccurredAt: time.Date(2026, 3, 9, 7, 0, 0, 0, time.UTC)}
	l.Append(ctx, "org", ledger.Any, p)

	done := make(chan error)
	go func() {
		done <- l.Subscribe(ctx, 1, func(e *ledger.Event) error {
			fmt.Println("saw", e.Seq)
			if e.Seq == 3 {
				cancel()
			}
			return nil
		})
	}()
	l.Append(ctx, "org", ledger.Any, p)
	l.Append(ctx, "org", ledger.Any, p)
	fmt.Println(<-done)
	// Output:
	// saw 1
	// saw 2
	// saw 3
	// context canceled
}

type shiftAssigned struct {
	Employee string
	Shift    string
}

func (shiftAssigned) EventType() string     { return "shift.assigned" }
func (shiftAssigned) SchemaVersion() uint16 { return 1 }

func ExampleRegistry() {
	ctx := context.Background()
	l := exampleStore()
	defer l.Close()
	reg := ledger.NewRegistry()
	reg.Register(&shiftAssigned{})

	p, _ := ledger.NewProposed(shiftAssigned{Employee: "E1001", Shift: "early"}, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), "manager:M7")
	l.Append(ctx, "employee/E1001", ledger.Any, p)
	l.Append(ctx, "org", ledger.Any, ledger.Proposed{Type: "future.thing", Schema: 9, Data: []byte{0xc0}, OccurredAt: p.OccurredAt})

	_ = l.Scan(ctx, 1, 0, func(e *ledger.Event) error {
		payload, err := reg.Decode(e) // payloads are decoded only when asked for
		if err != nil {
			return err
		}
		switch v := payload.(type) {
		case *shiftAssigned:
			fmt.Println("shift", v.Employee, v.Shift)
		case *ledger.Unknown:
			fmt.Println("unknown", v.Type, v.Schema, len(v.Data), "bytes kept")
		}
		return nil
	})
	// Output:
	// shift E1001 early
	// unknown future.thing 9 1 bytes kept
}

func ExampleLedger_AsOf() {
	ctx := context.Background()
	l := exampleStore()
	defer l.Close()
	p := ledger.Proposed{Type: "note", OccurredAt: time.Date(2026, 3, 9, 7, 0, 0, 0, time.UTC)}
	for range 3 {
		l.Append(ctx, "org", ledger.Any, p)
	}
	snap := l.AsOf(2) // what a reader saw when seq 2 was the last event
	defer snap.Close()
	v, _ := snap.StreamVersion("org")
	now, _ := l.StreamVersion("org")
	fmt.Println("then", v, "now", now)
	// Output: then 2 now 3
}
