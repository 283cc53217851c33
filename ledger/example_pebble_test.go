package ledger_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/punchledger/punchledger/ledger"
)

// A tool that looks at a closed ledger's files with Pebble directly (here: counting the
// stored events, read-only) opens them with the options the ledger itself uses.
func ExampleOptions_PebbleOptions() {
	at := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	opts := &ledger.Options{FS: vfs.NewMem(), Now: func() time.Time { return at }}
	l, err := ledger.Open("db", opts)
	if err != nil {
		panic(err)
	}
	for i := range 3 {
		if _, err := l.Append(context.Background(), "employee/E1", ledger.Any,
			ledger.Proposed{Type: "punch.recorded", Schema: 1, OccurredAt: at, Actor: "device:D1", Data: []byte{byte(i)}}); err != nil {
			panic(err)
		}
	}
	l.Close()

	po := opts.PebbleOptions()
	po.ReadOnly = true
	db, err := pebble.Open("db", po)
	if err != nil {
		panic(err)
	}
	defer db.Close()
	it, err := db.NewIter(&pebble.IterOptions{LowerBound: []byte{'e'}, UpperBound: []byte{'f'}})
	if err != nil {
		panic(err)
	}
	n := 0
	for ok := it.First(); ok; ok = it.Next() {
		n++
	}
	it.Close()
	fmt.Println(n, "events")
	// Output: 3 events
}

// punchCount is a payload with its own decoder (ledger.PayloadDecoder): Unmarshal,
// and so Registry.Decode, hand it the stored bytes instead of running msgpack's
// decoder. It must accept exactly what Marshal writes: here a msgpack array of one
// positive fixint.
type punchCount struct {
	_msgpack struct{} `msgpack:",as_array"`
	N        int
}

func (punchCount) EventType() string     { return "example.punch_count" }
func (punchCount) SchemaVersion() uint16 { return 1 }

func (p *punchCount) DecodePayload(data []byte) error {
	if len(data) != 2 || data[0] != 0x91 || data[1] > 0x7f {
		return fmt.Errorf("punch count: not [fixint]: % x", data)
	}
	p.N = int(data[1])
	return nil
}

func ExamplePayloadDecoder() {
	data, err := ledger.Marshal(&punchCount{N: 4})
	if err != nil {
		panic(err)
	}
	var p punchCount
	if err := ledger.Unmarshal(data, &p); err != nil {
		panic(err)
	}
	fmt.Println(p.N, ledger.Unmarshal(append(data, 0), &p) != nil)
	// Output: 4 true
}
