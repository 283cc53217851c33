package projection_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/projection"
	"github.com/punchledger/punchledger/rules"
)

// Benchmark sizes: PUNCHLEDGER_BENCH_EMPLOYEES (default 10000) employees, each with
// PUNCHLEDGER_BENCH_DAYS calendar days (default 350: about 250 working days) of four
// punches per working day: 10,000 × 250 × 4 = 10M events by default. Use small values
// while developing, e.g. PUNCHLEDGER_BENCH_EMPLOYEES=200.
func benchSize(b *testing.B) (employees, days int) {
	employees, days = 10000, 350
	if v, err := strconv.Atoi(os.Getenv("PUNCHLEDGER_BENCH_EMPLOYEES")); err == nil && v > 0 {
		employees = v
	}
	if v, err := strconv.Atoi(os.Getenv("PUNCHLEDGER_BENCH_DAYS")); err == nil && v > 0 {
		days = v
	}
	return employees, days
}

// benchBatch is PUNCHLEDGER_BENCH_BATCH, the rebuild's Options.BatchEvents (0: default).
func benchBatch() int {
	n, _ := strconv.Atoi(os.Getenv("PUNCHLEDGER_BENCH_BATCH"))
	return n
}

type benchLog struct {
	dir    string
	events int
	keep   bool // given by PUNCHLEDGER_BENCH_LEDGER, or PUNCHLEDGER_BENCH_KEEP set: not removed
}

var (
	benchLogs   = map[string]*benchLog{}
	benchLogsMu sync.Mutex
)

// benchLedger generates (once per process and size) a ledger on disk.
func benchLedger(b *testing.B, employees, days int) *benchLog {
	benchLogsMu.Lock()
	defer benchLogsMu.Unlock()
	key := fmt.Sprint(employees, "x", days)
	if bl, ok := benchLogs[key]; ok {
		return bl
	}
	// PUNCHLEDGER_BENCH_LEDGER names a directory whose "ledger" a previous run generated
	// (with the same sizes): reuse it instead of generating again.
	if dir := os.Getenv("PUNCHLEDGER_BENCH_LEDGER"); dir != "" {
		l, err := ledger.Open(filepath.Join(dir, "ledger"), &ledger.Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		head, _ := l.Head()
		l.Close()
		bl := &benchLog{dir: dir, events: int(head), keep: true}
		benchLogs[key] = bl
		return bl
	}
	dir, err := os.MkdirTemp("", "punchledger-projection-bench-")
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	w := newWorld(b, vfs.Default, filepath.Join(dir, "ledger"))
	from := rules.MustDate("2026-01-05")
	// Punches are recorded as they happen: the ledger clock starts before the first
	// day (the world's default start is later, so every punch would look uploaded
	// months late and no day's window would close in log time).
	w.clock = local(b, from.AddDays(-4).String()+" 00:00")
	n := generate(b, w, monthSpec{Employees: employees, From: from, To: from.AddDays(days - 1), Punches: 4, Seed: 3, Bucket: 5 * time.Minute}, "testdata/policy.json")
	w.close()
	b.Logf("generated %d events for %d employees × %d days in %v (%s)", n, employees, days, time.Since(start), dir)
	// PUNCHLEDGER_BENCH_KEEP=1 keeps the generated log for reuse with
	// PUNCHLEDGER_BENCH_LEDGER (e.g. to profile the rebuild without the generation).
	bl := &benchLog{dir: dir, events: n, keep: os.Getenv("PUNCHLEDGER_BENCH_KEEP") != ""}
	if bl.keep {
		b.Logf("kept for PUNCHLEDGER_BENCH_LEDGER=%s", dir)
	}
	benchLogs[key] = bl
	return bl
}

// TestMain removes the benchmark logs.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, bl := range benchLogs {
		if !bl.keep {
			os.RemoveAll(bl.dir)
		}
	}
	os.Exit(code)
}

// memSampler samples runtime.MemStats.HeapInuse every 20 ms and keeps the peak, and
// every sample for fifths.
type memSampler struct {
	peak    atomic.Uint64
	stop    chan struct{}
	done    chan struct{}
	samples []uint64 // written by the sampler only; read after finish
}

func sampleMemory() *memSampler {
	s := &memSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > s.peak.Load() {
				s.peak.Store(ms.HeapInuse)
			}
			s.samples = append(s.samples, ms.HeapInuse)
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *memSampler) finish() uint64 { close(s.stop); <-s.done; return s.peak.Load() }

// fifthPeak returns the highest sample in the i-th fifth (1 to 5) of the run. A rebuild
// runs at a roughly even pace through the log, so the fifths of its duration are about
// the fifths of the log: memory that does not grow with the log peaks alike in the
// second and the last fifth (the first includes the caches filling up).
func (s *memSampler) fifthPeak(i int) uint64 {
	n := len(s.samples)
	var peak uint64
	for _, v := range s.samples[n*(i-1)/5 : n*i/5] {
		peak = max(peak, v)
	}
	return peak
}

// BenchmarkRebuild rebuilds the attendance projection from the generated log, beside
// the raw twin (a Pebble scan of the ledger's event keys plus envelope decode, the least
// any rebuild must do) and the raw twin plus payload decode. Reported: events/s, peak
// HeapInuse (sampled), the HeapInuse before the run (after a GC) and the peak above it
// (overall, and in the second and the last fifth of the run: alike when memory does not
// grow with the log), and allocated bytes per event. HeapInuse does not count Pebble's memtables and block
// cache (allocated outside the Go heap, fixed in size by the options).
//
//	go test -run '^$' -bench BenchmarkRebuild -benchtime 1x ./projection/
//	PUNCHLEDGER_BENCH_EMPLOYEES=500 go test -run '^$' -bench BenchmarkRebuild -benchtime 1x ./projection/
func BenchmarkRebuild(b *testing.B) {
	employees, days := benchSize(b)
	bl := benchLedger(b, employees, days)
	ledgerDir := filepath.Join(bl.dir, "ledger")
	ctx := context.Background()

	measure := func(b *testing.B, fn func(b *testing.B)) {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		ms := sampleMemory()
		b.ResetTimer()
		start, cpu := time.Now(), processCPU()
		for i := 0; i < b.N; i++ {
			fn(b)
		}
		el, cpu := time.Since(start), processCPU()-cpu
		b.StopTimer()
		peak := ms.finish()
		runtime.ReadMemStats(&after)
		total := float64(bl.events) * float64(b.N)
		b.ReportMetric(total/el.Seconds(), "events/s")
		reportCPU(b, cpu, el, total)
		// The process's heap includes what was there before the run (the opened
		// ledger's Pebble state, the benchmark's own): report the peak above it too,
		// and the peaks above it in the second and the last fifth of the run.
		above := func(v uint64) float64 { return float64(v-min(v, before.HeapInuse)) / (1 << 20) }
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(before.HeapInuse)/(1<<20), "base-heap-MiB")
		b.ReportMetric(above(peak), "peak-above-base-MiB")
		b.ReportMetric(above(ms.fifthPeak(2)), "fifth2-peak-above-base-MiB")
		b.ReportMetric(above(ms.fifthPeak(5)), "fifth5-peak-above-base-MiB")
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/total, "alloc-B/event")
		b.ReportMetric(float64(bl.events), "events")
	}

	b.Run(fmt.Sprintf("projection/employees=%d", employees), func(b *testing.B) {
		l, err := ledger.Open(ledgerDir, &ledger.Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		defer l.Close()
		measure(b, func(b *testing.B) {
			dir := b.TempDir()
			s, err := projection.Open(dir, l, &projection.Options{NoSync: true, BatchEvents: benchBatch()})
			if err != nil {
				b.Fatal(err)
			}
			if err := s.CatchUp(ctx, 0, projection.NewAttendance()); err != nil {
				b.Fatal(err)
			}
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
		})
	})

	raw := func(b *testing.B, payloads bool) {
		// The very options the ledger gives Pebble (cache, filters, span policy), so
		// that the ratio measures the projection's work, not a difference in tuning.
		po := (&ledger.Options{NoSync: true, Logger: slog.New(slog.DiscardHandler)}).PebbleOptions()
		po.ReadOnly = true
		db, err := pebble.Open(ledgerDir, po)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		reg := attendance.Registry()
		measure(b, func(b *testing.B) {
			it, err := db.NewIter(&pebble.IterOptions{LowerBound: []byte{'e'}, UpperBound: []byte{'f'}})
			if err != nil {
				b.Fatal(err)
			}
			var ev ledger.Event
			n := 0
			for ok := it.First(); ok; ok = it.Next() {
				v, err := it.ValueAndErr()
				if err != nil {
					b.Fatal(err)
				}
				if err := ledger.DecodeEvent(v, &ev); err != nil {
					b.Fatal(err)
				}
				if payloads {
					if _, err := reg.Decode(&ev); err != nil {
						b.Fatal(err)
					}
				}
				n++
			}
			it.Close()
			if n != bl.events {
				b.Fatalf("raw scan saw %d events, want %d", n, bl.events)
			}
		})
	}
	b.Run(fmt.Sprintf("raw-scan+envelope/employees=%d", employees), func(b *testing.B) { raw(b, false) })
	b.Run(fmt.Sprintf("raw-scan+envelope+payload/employees=%d", employees), func(b *testing.B) { raw(b, true) })
}

// processCPU returns the process's CPU time so far: user and system, every goroutine
// (the reader, the evaluation workers, Pebble's commits, flushes and compactions, GC).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports cpu-ns/event, the work a run did whatever the cores it had, and
// cores, how many it kept busy on average. Wall time on this shared 2-core machine
// mixes the two: a rebuild at R× its raw twin's events/s needs cpu-ns/event of at
// most cores × R × the twin's wall ns/event.
func reportCPU(b *testing.B, cpu, wall time.Duration, events float64) {
	b.ReportMetric(float64(cpu.Nanoseconds())/events, "cpu-ns/event")
	b.ReportMetric(cpu.Seconds()/wall.Seconds(), "cores")
}

// BenchmarkMonthReport measures the month's reports for every employee (as HR would ask
// them) from a built projection: payroll hours per pay period, and the daily rows.
//
//	PUNCHLEDGER_BENCH_DAYS=35 go test -run '^$' -bench BenchmarkMonthReport -benchtime 5x ./projection/
func BenchmarkMonthReport(b *testing.B) {
	employees, days := benchSize(b)
	days = min(days, 35)
	bl := benchLedger(b, employees, days)
	l, err := ledger.Open(filepath.Join(bl.dir, "ledger"), &ledger.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	s, err := projection.Open(b.TempDir(), l, &projection.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.CatchUp(context.Background(), 0, projection.NewAttendance()); err != nil {
		b.Fatal(err)
	}
	v := s.View()
	defer v.Close()
	r := v.Reader(projection.AttendanceName)
	q := projection.Query{From: rules.MustDate("2026-01-05"), To: rules.MustDate("2026-02-01")}
	who := hr
	b.Run(fmt.Sprintf("payroll/employees=%d", employees), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			rows, err := projection.Payroll(r, who, q)
			if err != nil {
				b.Fatal(err)
			}
			if len(rows) < employees {
				b.Fatalf("%d payroll rows for %d employees", len(rows), employees)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/report")
	})
	b.Run(fmt.Sprintf("daily/employees=%d", employees), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			rows, err := projection.Daily(r, who, q)
			if err != nil {
				b.Fatal(err)
			}
			if len(rows) < employees*20 {
				b.Fatalf("%d daily rows for %d employees", len(rows), employees)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/report")
	})
}
