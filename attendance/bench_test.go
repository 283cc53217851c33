package attendance_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

const (
	benchPunches   = 100_000
	benchBatch     = 500
	benchEmployees = 20
)

// benchBatches returns the offline uploads of the benchmark: benchEmployees employees,
// each with bound phone, benchPunches punches in all, in batches of benchBatch.
func benchBatches() []attendance.SyncBatch {
	rng := newSeeded(42)
	per := benchPunches / benchEmployees
	var out []attendance.SyncBatch
	for k := range benchEmployees {
		id := fmt.Sprintf("B%03d", k)
		var ps []attendance.PunchInput
		for n := range per {
			var pid ledger.ID
			rng.Read(pid[:])
			kind := rules.KindIn
			at := t0.Add(-30 * 24 * time.Hour).Add(time.Duration(n/2) * 6 * time.Minute)
			if n%2 == 1 {
				kind, at = rules.KindOut, at.Add(5*time.Minute)
			}
			p := punchAt(pid, kind, at)
			p.DeviceID = "phone-" + id
			p.Factors = []string{"face"}
			ps = append(ps, p)
		}
		for len(ps) > 0 {
			n := min(benchBatch, len(ps))
			out = append(out, attendance.SyncBatch{EmployeeID: id, DeviceID: "phone-" + id, DeviceNow: t0, Punches: ps[:n]})
			ps = ps[n:]
		}
	}
	return out
}

func benchSetup(b *testing.B, e *env) {
	e.org()
	for k := range benchEmployees {
		id := fmt.Sprintf("B%03d", k)
		e.id(e.svc.RegisterEmployee(e.ctx, hr, attendance.Employee{ID: id, ManagerID: "M1", PolicyID: "default"}))
		e.id(e.svc.BindDevice(e.ctx, hr, id, attendance.Device{ID: "phone-" + id}))
	}
}

var (
	benchOnce   sync.Once
	benchStored [][]byte // the stored envelopes of the punches, for the raw twin
)

// BenchmarkSyncOffline: 100,000 offline punches of 20 employees uploaded in batches
// of 500 (one AppendBatch and one fsync per batch) into a ledger on disk, with
// durable commits — beside raw Pebble writing the same stored event bytes in batches
// of 500 with one fsync each. Run with -benchtime=1x: one iteration is the whole
// 100,000. The attendance-4way variant runs four uploaders at once (different
// employees), sharing the ledger's group commit.
//
//	go test -run XXX -bench SyncOffline -benchtime 1x ./attendance/
func BenchmarkSyncOffline(b *testing.B) {
	batches := benchBatches()
	for _, par := range []int{1, 4} {
		// par uploaders at a time (different employees): their batches share the
		// ledger's group commit. par=1 is the figure of record.
		name := "attendance"
		if par > 1 {
			name = fmt.Sprintf("attendance-%dway", par)
		}
		b.Run(name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				e := newEnvDurable(b)
				benchSetup(b, e)
				work := make(chan attendance.SyncBatch)
				errs := make(chan error, par)
				b.StartTimer()
				var wg sync.WaitGroup
				for range par {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for bt := range work {
							res, err := e.svc.SyncOffline(e.ctx, attendance.DeviceActor(bt.DeviceID), bt)
							if err == nil {
								for _, it := range res.Items {
									if it.Err != nil || it.Duplicate {
										err = fmt.Errorf("item: %v, duplicate %v", it.Err, it.Duplicate)
										break
									}
								}
							}
							if err != nil {
								errs <- err
								return
							}
						}
					}()
				}
				// Round-robin over employees so that parallel uploaders hit different
				// employees.
				per := len(batches) / benchEmployees
				for i := range per {
					for k := range benchEmployees {
						work <- batches[k*per+i]
					}
				}
				close(work)
				wg.Wait()
				b.StopTimer()
				select {
				case err := <-errs:
					b.Fatal(err)
				default:
				}
				b.ReportMetric(float64(benchPunches)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
				if par == 1 {
					benchOnce.Do(func() { benchStored = storedPunches(b, e) })
				}
				e.l.Close()
			}
		})
	}
	b.Run("pebble", func(b *testing.B) {
		if benchStored == nil {
			b.Skip("needs the attendance sub-benchmark first")
		}
		for range b.N {
			b.StopTimer()
			db := openRawPebble(b)
			b.StartTimer()
			key := make([]byte, 9)
			for i := 0; i < len(benchStored); i += benchBatch {
				bt := db.NewBatch()
				for j := i; j < min(i+benchBatch, len(benchStored)); j++ {
					key[0] = 'e'
					binary.BigEndian.PutUint64(key[1:], uint64(j+1))
					bt.Set(key, benchStored[j], nil)
				}
				if err := bt.Commit(pebble.Sync); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(len(benchStored))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
			db.Close()
		}
	})
}

func storedPunches(b *testing.B, e *env) [][]byte {
	var out [][]byte
	err := e.l.Scan(context.Background(), 1, 0, func(ev *ledger.Event) error {
		if ev.Type == attendance.TypePunchRecorded {
			out = append(out, ledger.EncodeEvent(ev))
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if len(out) != benchPunches {
		b.Fatalf("%d punches stored", len(out))
	}
	return out
}

// newEnvDurable is newEnv on disk with fsync on commit.
func newEnvDurable(b *testing.B) *env {
	c := &clock{t: t0}
	seed := seeds.Add(2)
	l, err := ledger.Open(b.TempDir(), &ledger.Options{Now: c.Now, Rand: newSeeded(seed)})
	if err != nil {
		b.Fatal(err)
	}
	svc, err := attendance.New(l, &attendance.Options{Now: c.Now, Rand: newSeeded(seed + 1)})
	if err != nil {
		b.Fatal(err)
	}
	return &env{t: b, ctx: context.Background(), clock: c, l: l, svc: svc}
}

type quietLogger struct{}

func (quietLogger) Infof(string, ...any)  {}
func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf(format, args...))
}

// BenchmarkRecordPunch: one online punch per command, each durably committed on its
// own (no batching) — beside raw Pebble writing the same stored bytes, one synced
// batch per event.
//
//	go test -run XXX -bench RecordPunch -benchtime 2000x ./attendance/
func BenchmarkRecordPunch(b *testing.B) {
	var stored [][]byte
	b.Run("attendance", func(b *testing.B) {
		e := newEnvDurable(b)
		benchSetup(b, e)
		ins := make([]attendance.PunchInput, b.N)
		for i := range ins {
			ins[i] = punchAt(ledger.ID{}, []rules.PunchKind{rules.KindIn, rules.KindOut}[i%2], t0.Add(-time.Duration(b.N-i)*time.Minute))
			ins[i].DeviceID = "phone-B000"
		}
		b.ResetTimer()
		for i := range ins {
			if _, err := e.svc.RecordPunch(e.ctx, attendance.DeviceActor("phone-B000"), "B000", ins[i]); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		b.StopTimer()
		err := e.l.ScanStream(e.ctx, attendance.EmployeeStream("B000"), 1, func(ev *ledger.Event) error {
			if ev.Type == attendance.TypePunchRecorded {
				stored = append(stored, ledger.EncodeEvent(ev))
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		e.l.Close()
	})
	b.Run("pebble", func(b *testing.B) {
		if len(stored) == 0 {
			b.Skip("needs the attendance sub-benchmark first")
		}
		db := openRawPebble(b)
		defer db.Close()
		key := make([]byte, 9)
		key[0] = 'e'
		b.ResetTimer()
		for i := range b.N {
			binary.BigEndian.PutUint64(key[1:], uint64(i+1))
			if err := db.Set(key, stored[i%len(stored)], pebble.Sync); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
}

// openRawPebble opens the raw twin's store with exactly the options the ledger gives
// Pebble, so that a ratio measures the library's work, not a difference in tuning.
func openRawPebble(b *testing.B) *pebble.DB {
	b.Helper()
	po := (&ledger.Options{}).PebbleOptions()
	po.Logger = quietLogger{}
	db, err := pebble.Open(b.TempDir(), po)
	if err != nil {
		b.Fatal(err)
	}
	return db
}
