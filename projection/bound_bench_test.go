package projection_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

// BenchmarkRebuildBound is a yardstick for BenchmarkRebuild, not a feature: the least
// work any rebuild of daily attendance does on the same generated log, written as
// leanly as we could. One goroutine reads the log and decodes the punches (as the raw
// twin does); another files each punch under its employee-day (the date in the
// policy's zone), evaluates every calendar day of every employee once with
// rules.Evaluate (the single policy of the generated log, no roster, no corrections,
// no leave, no week-to-date figures), and writes one compact row per day (status,
// minutes, the punches' seqs) to Pebble with the ledger's options, in 65,536-event
// unsynced batches, flushed at the end. No payroll, exceptions, explain, quota, policy
// versions or checkpoints. Run it beside BenchmarkRebuild
// (`-test.bench 'BenchmarkRebuild'` runs both) to see how far the raw twin is from
// what a projection has to do at the least.
func BenchmarkRebuildBound(b *testing.B) {
	employees, days := benchSize(b)
	bl := benchLedger(b, employees, days)
	l, err := ledger.Open(filepath.Join(bl.dir, "ledger"), &ledger.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	pol := loadPolicy(b, "testdata/policy.json", 1, "2026-01-01")
	loc, err := time.LoadLocation(pol.TimeZone)
	if err != nil {
		b.Fatal(err)
	}
	b.Run(fmt.Sprintf("lean/employees=%d", employees), func(b *testing.B) {
		b.ResetTimer()
		start, cpu := time.Now(), processCPU()
		evals := 0
		for range b.N {
			evals = leanRebuild(b, l, pol, loc, b.TempDir())
		}
		el, cpu := time.Since(start), processCPU()-cpu
		b.ReportMetric(float64(bl.events)*float64(b.N)/el.Seconds(), "events/s")
		reportCPU(b, cpu, el, float64(bl.events)*float64(b.N))
		b.ReportMetric(float64(evals), "days")
	})
}

// boundPunch is what the lean rebuild keeps of a punch.
type boundPunch struct {
	stream             string
	seq                uint64
	id                 ledger.ID
	occurred, recorded time.Time
	kind, outcome      uint8
}

type boundDay struct {
	date    rules.Date
	punches []rules.Punch
	seqs    []uint64
}

type boundEmployee struct {
	name string
	open []boundDay // days with punches not evaluated yet, in date order
	next rules.Date // the first day not evaluated yet
}

// leanRebuild runs the lean rebuild into a Pebble database in dir and returns the
// number of days it evaluated.
func leanRebuild(b *testing.B, l *ledger.Ledger, pol *rules.Policy, loc *time.Location, dir string) int {
	db, err := pebble.Open(dir, (&ledger.Options{NoSync: true, Logger: slog.New(slog.DiscardHandler)}).PebbleOptions())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()

	chunks := make(chan []boundPunch, 4)
	var scanErr error
	go func() {
		defer close(chunks)
		var p attendance.PunchRecorded
		c := make([]boundPunch, 0, 1024)
		scanErr = l.Scan(context.Background(), 1, 0, func(ev *ledger.Event) error {
			if ev.Type != attendance.TypePunchRecorded {
				return nil
			}
			if err := p.UnmarshalBinary(ev.Data); err != nil {
				return err
			}
			c = append(c, boundPunch{ev.Stream, ev.Seq, ev.ID, ev.OccurredAt, ev.RecordedAt, uint8(p.Kind), uint8(p.Outcome)})
			if len(c) == cap(c) {
				chunks <- c
				c = make([]boundPunch, 0, 1024)
			}
			return nil
		})
		chunks <- c
	}()

	emps := map[string]*boundEmployee{}
	var order []*boundEmployee
	batch := db.NewBatch()
	pending, evals := 0, 0
	var key, val []byte
	write := func(e *boundEmployee, d *boundDay, asOf time.Time) {
		res := rules.Evaluate(rules.DayInput{Policy: pol, Date: d.date, AsOf: asOf, SyncedThrough: asOf, Punches: d.punches})
		evals++
		key = append(append(append(key[:0], "d/"...), e.name...), '/')
		key = append(key, d.date.String()...)
		val = append(append(val[:0], byte(len(res.Status))), res.Status...)
		for _, x := range []time.Duration{res.Worked.Exact, res.Worked.Rounded, res.Late.Exact, res.EarlyLeave.Exact, res.Regular, res.Night, res.UnpaidBreak} {
			val = binary.AppendVarint(val, int64(x/time.Minute))
		}
		for _, s := range d.seqs {
			val = binary.AppendUvarint(val, s)
		}
		if err := batch.Set(key, val, nil); err != nil {
			b.Fatal(err)
		}
	}
	// evaluate evaluates e's days up to and including upto.
	evaluate := func(e *boundEmployee, upto rules.Date, asOf time.Time) {
		for ; !e.next.After(upto); e.next = e.next.AddDays(1) {
			if len(e.open) > 0 && e.open[0].date == e.next {
				write(e, &e.open[0], asOf)
				e.open = e.open[1:]
			} else {
				write(e, &boundDay{date: e.next}, asOf)
			}
		}
	}
	for c := range chunks {
		for i := range c {
			pu := &c[i]
			name := strings.TrimPrefix(pu.stream, "employee/")
			d := rules.DateOf(pu.occurred.In(loc))
			e := emps[name]
			if e == nil {
				e = &boundEmployee{name: name, next: d}
				emps[name] = e
				order = append(order, e)
			}
			// A day is evaluated once the log has moved three days past it (offline
			// punches arrive within that in the generated log).
			if cut := d.AddDays(-3); !e.next.After(cut) {
				evaluate(e, cut, pu.recorded)
			}
			j := 0
			for j < len(e.open) && e.open[j].date.Before(d) {
				j++
			}
			if j == len(e.open) || e.open[j].date != d {
				e.open = append(e.open, boundDay{})
				copy(e.open[j+1:], e.open[j:])
				e.open[j] = boundDay{date: d}
			}
			od := &e.open[j]
			od.punches = append(od.punches, rules.Punch{ID: pu.id.String(), Kind: rules.PunchKind(pu.kind),
				At: pu.occurred, RecordedAt: pu.recorded, Outcome: rules.Outcome(pu.outcome)})
			od.seqs = append(od.seqs, pu.seq)
			if pending++; pending >= 65536 {
				if err := batch.Commit(pebble.NoSync); err != nil {
					b.Fatal(err)
				}
				batch, pending = db.NewBatch(), 0
			}
		}
	}
	if scanErr != nil {
		b.Fatal(scanErr)
	}
	_, at := l.Head()
	for _, e := range order {
		if n := len(e.open); n > 0 {
			evaluate(e, e.open[n-1].date, at)
		}
	}
	if err := batch.Commit(pebble.NoSync); err != nil {
		b.Fatal(err)
	}
	if err := db.Flush(); err != nil {
		b.Fatal(err)
	}
	return evals
}
