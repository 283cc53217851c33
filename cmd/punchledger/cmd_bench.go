package main

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/projection"
	"github.com/punchledger/punchledger/rules"
)

func init() {
	register(&command{
		name:    "bench",
		summary: "measure the library beside raw Pebble doing the same bytes, in the same run",
		long: `Generates EMPLOYEES × DAYS of punches (four a day) and measures, each beside raw
Pebble writing or reading the same bytes with the same batching and the same fsync:

  ingest batched   AppendBatch, one request per employee-day, --batch events per call
  ingest single    durable single-event appends from --writers goroutines (group commit)
  scan             full ordered read and envelope decode of the log
  verify           Verify: every leaf hash, chain hash and the Merkle root (no raw twin)
  sync offline     attendance.SyncOffline, one upload per employee (all his punches)
  rebuild          the attendance projection rebuilt from the log; raw: scan and decode
  report           daily and payroll rows for the month for everyone (no raw twin)

It prints events/s for both, the ratio (library / raw: 1.0 means no overhead) and the
peak Go heap during each phase. The store lives in a temporary directory (or --dir) that
is removed afterwards. Keep runs short on a shared machine.`,
		example: `punchledger bench --employees 200 --days 20
punchledger bench --employees 1000 --days 22 --format json`,
		run: runBench,
	})
}

type benchRow struct {
	Phase       string  `json:"phase"`
	Events      int     `json:"events"`
	LibSeconds  float64 `json:"lib_seconds"`
	LibPerSec   float64 `json:"lib_events_per_sec"`
	RawSeconds  float64 `json:"raw_seconds,omitempty"`
	RawPerSec   float64 `json:"raw_events_per_sec,omitempty"`
	Ratio       float64 `json:"ratio,omitempty"`
	PeakHeapMiB float64 `json:"peak_heap_mib"`
	Note        string  `json:"note,omitempty"`
}

type benchReport struct {
	Employees  int        `json:"employees"`
	Days       int        `json:"days"`
	Events     int        `json:"events"`
	Writers    int        `json:"writers"`
	GOMAXPROCS int        `json:"gomaxprocs"`
	Rows       []benchRow `json:"rows"`
	PeakRSSMiB float64    `json:"peak_rss_mib,omitempty"`
}

type benchConfig struct {
	employees, days, batch, writers, single int
	dir                                     string
	seed                                    uint64
}

func runBench(e *env, args []string) error {
	fs := e.flags()
	var c benchConfig
	fs.IntVar(&c.employees, "employees", 200, "number of employees `N`")
	fs.IntVar(&c.days, "days", 20, "working days `D` per employee")
	fs.IntVar(&c.batch, "batch", 1000, "events per batched append")
	fs.IntVar(&c.writers, "writers", 64, "goroutines for the single-append phase")
	fs.IntVar(&c.single, "single", 4000, "events appended one by one in the single-append phase")
	fs.StringVar(&c.dir, "dir", "", "work `directory` (default: a temporary directory, removed afterwards)")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the generated data")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	switch {
	case c.employees < 1 || c.days < 1:
		return usagef("--employees and --days must be at least 1")
	case c.batch < 4 || c.writers < 1 || c.single < c.writers:
		return usagef("--batch must be at least 4, --writers at least 1, --single at least --writers")
	}
	dir := c.dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "punchledger-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := ensureEmptyDir(dir); err != nil {
		return err
	}
	b := &bencher{e: e, cfg: c, dir: dir}
	rep, err := b.run()
	if err != nil {
		return err
	}
	t := newTable("phase", "events", "lib ev/s", "raw ev/s", "lib/raw", "peak heap MiB", "note")
	for _, r := range rep.Rows {
		raw, ratio := "-", "-"
		if r.RawPerSec > 0 {
			raw, ratio = fmt.Sprintf("%.0f", r.RawPerSec), fmt.Sprintf("%.2f", r.Ratio)
		}
		t.add(r.Phase, r.Events, fmt.Sprintf("%.0f", r.LibPerSec), raw, ratio, fmt.Sprintf("%.1f", r.PeakHeapMiB), r.Note)
	}
	if err := e.emit(rep, t); err != nil {
		return err
	}
	if e.format == "table" {
		fmt.Fprintf(e.stdout, "\n%d employees × %d days, %d events, %d writers, GOMAXPROCS %d, peak RSS %.0f MiB\n",
			rep.Employees, rep.Days, rep.Events, rep.Writers, rep.GOMAXPROCS, rep.PeakRSSMiB)
	}
	return nil
}

type bencher struct {
	e   *env
	cfg benchConfig
	dir string
	rep benchReport
}

// genDay returns the four punches of one employee-day as proposed events with a
// payload of realistic size (a punch with location, Wi-Fi and device fields is about
// 150-200 bytes of msgpack).
func genDay(rng *rand.Rand, emp, day int, base time.Time) []ledger.Proposed {
	out := make([]ledger.Proposed, 4)
	d := base.AddDate(0, 0, day)
	for i := range out {
		at := d.Add(time.Duration(8*60+i*150+rng.IntN(40)) * time.Minute)
		data := make([]byte, 150+rng.IntN(50))
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		var id ledger.ID
		binary.BigEndian.PutUint64(id[:], uint64(emp)<<32|uint64(day)<<4|uint64(i))
		binary.BigEndian.PutUint64(id[8:], rng.Uint64())
		out[i] = ledger.Proposed{ID: id, Type: "punch.recorded", Schema: 1, OccurredAt: at,
			Actor: fmt.Sprintf("employee:E%05d", emp), Data: data}
	}
	return out
}

// heapSampler records the peak Go heap (live objects plus fragmentation) while a phase runs.
type heapSampler struct {
	stop chan struct{}
	done chan struct{}
	peak atomic.Uint64
}

func sampleHeap() *heapSampler {
	runtime.GC()
	s := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	read := func() {
		metrics.Read(samples)
		v := samples[0].Value.Uint64() + samples[1].Value.Uint64()
		if v > s.peak.Load() {
			s.peak.Store(v)
		}
	}
	go func() {
		defer close(s.done)
		tk := time.NewTicker(5 * time.Millisecond)
		defer tk.Stop()
		for {
			read()
			select {
			case <-s.stop:
				read()
				return
			case <-tk.C:
			}
		}
	}()
	return s
}

func (s *heapSampler) finish() float64 {
	close(s.stop)
	<-s.done
	return float64(s.peak.Load()) / (1 << 20)
}

// measure runs fn and returns its duration and the peak heap.
func (b *bencher) measure(fn func() error) (time.Duration, float64, error) {
	hs := sampleHeap()
	start := b.e.m.Now()
	err := fn()
	d := b.e.m.Now().Sub(start)
	return d, hs.finish(), err
}

func (b *bencher) row(phase string, n int, lib, raw time.Duration, heap float64, note string) {
	r := benchRow{Phase: phase, Events: n, LibSeconds: lib.Seconds(), PeakHeapMiB: heap, Note: note}
	r.LibPerSec = float64(n) / lib.Seconds()
	if raw > 0 {
		r.RawSeconds = raw.Seconds()
		r.RawPerSec = float64(n) / raw.Seconds()
		r.Ratio = r.LibPerSec / r.RawPerSec
	}
	b.rep.Rows = append(b.rep.Rows, r)
}

// openRaw opens the raw twin's store with exactly the options the ledger gives Pebble,
// so that a ratio measures the library's work, not a difference in tuning.
func openRaw(dir string) (*pebble.DB, error) {
	po := (&ledger.Options{}).PebbleOptions()
	po.Logger = quietPebble{}
	return pebble.Open(dir, po)
}

// quietPebble drops Pebble's log lines (the ledger does the same by default).
type quietPebble struct{}

func (quietPebble) Infof(string, ...any)  {}
func (quietPebble) Errorf(string, ...any) {}
func (quietPebble) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf("pebble: "+format, args...))
}

func seqKey(seq uint64) []byte {
	k := make([]byte, 9)
	k[0] = 'e'
	binary.BigEndian.PutUint64(k[1:], seq)
	return k
}

// rawBatch writes envs to the raw twin under the sequence numbers first, first+1, ... in
// one synced batch: the raw counterpart of one append call.
func rawBatch(raw *pebble.DB, first uint64, envs [][]byte) error {
	wb := raw.NewBatch()
	defer wb.Close()
	for i, env := range envs {
		if err := wb.Set(seqKey(first+uint64(i)), env, nil); err != nil {
			return err
		}
	}
	return wb.Commit(pebble.Sync)
}

func (b *bencher) run() (*benchReport, error) {
	c := b.cfg
	b.rep = benchReport{Employees: c.employees, Days: c.days, Writers: c.writers, GOMAXPROCS: runtime.GOMAXPROCS(0)}
	ctx := b.e.ctx
	l, err := ledger.Open(filepath.Join(b.dir, "ledger"), b.e.ledgerOptions())
	if err != nil {
		return nil, err
	}
	defer l.Close()
	raw, err := openRaw(filepath.Join(b.dir, "raw"))
	if err != nil {
		return nil, err
	}
	defer raw.Close()

	// 1. Batched ingest: one AppendRequest per employee-day, c.batch events per call.
	rng := rand.New(rand.NewPCG(c.seed, 7))
	base := time.Date(2026, 10, 1, 13, 0, 0, 0, time.UTC)
	total := c.employees * c.days * 4
	b.rep.Events = total
	perCall := c.batch / 4
	var stored [][]byte // the envelopes as stored, for the raw twin
	bar := b.e.progress("ingest", int64(total))
	libD, heap, err := b.measure(func() error {
		reqs := make([]ledger.AppendRequest, 0, perCall)
		flush := func() error {
			if len(reqs) == 0 {
				return nil
			}
			res, err := l.AppendBatch(ctx, reqs)
			if err != nil {
				return err
			}
			for _, r := range res {
				if r.Err != nil {
					return r.Err
				}
				for i := range r.Result.Events {
					stored = append(stored, ledger.EncodeEvent(&r.Result.Events[i]))
				}
			}
			bar.add(int64(len(reqs) * 4))
			reqs = reqs[:0]
			return nil
		}
		for d := 0; d < c.days; d++ {
			for emp := 0; emp < c.employees; emp++ {
				reqs = append(reqs, ledger.AppendRequest{Stream: fmt.Sprintf("employee/E%05d", emp),
					Expect: ledger.Any, Events: genDay(rng, emp, d, base)})
				if len(reqs) == perCall {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		}
		return flush()
	})
	bar.finish()
	if err != nil {
		return nil, fmt.Errorf("ingest batched: %w", err)
	}
	rawD, _, err := b.measure(func() error {
		for i := 0; i < len(stored); i += c.batch {
			if err := rawBatch(raw, uint64(i+1), stored[i:min(i+c.batch, len(stored))]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("raw ingest batched: %w", err)
	}
	b.row("ingest batched", total, libD, rawD, heap, fmt.Sprintf("%d events/call, fsync each", c.batch))

	// 2. Concurrent single-event durable appends.
	n := c.single - c.single%c.writers
	perWriter := n / c.writers
	singles := make([][]ledger.Proposed, c.writers)
	for w := range singles {
		for i := 0; i < perWriter; i++ {
			singles[w] = append(singles[w], genDay(rng, 900000+w, c.days+i, base)[0])
		}
	}
	var mu sync.Mutex
	var singleStored [][]byte
	libD, heap, err = b.measure(func() error {
		return parallel(c.writers, func(w int) error {
			for _, p := range singles[w] {
				r, err := l.Append(ctx, fmt.Sprintf("employee/W%03d", w), ledger.Any, p)
				if err != nil {
					return err
				}
				mu.Lock()
				singleStored = append(singleStored, ledger.EncodeEvent(&r.Events[0]))
				mu.Unlock()
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("ingest single: %w", err)
	}
	var next atomic.Uint64
	next.Store(uint64(len(stored)))
	rawD, _, err = b.measure(func() error {
		return parallel(c.writers, func(w int) error {
			for i := 0; i < perWriter; i++ {
				v := singleStored[w*perWriter+i]
				if err := raw.Set(seqKey(next.Add(1)), v, pebble.Sync); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("raw ingest single: %w", err)
	}
	b.row("ingest single", n, libD, rawD, heap, fmt.Sprintf("%d writers, 1 event/append, fsync", c.writers))

	// 3. Full scan with envelope decode.
	head, _ := l.Head()
	var count int
	libD, heap, err = b.measure(func() error {
		count = 0
		return l.Scan(ctx, 1, 0, func(ev *ledger.Event) error { count++; return nil })
	})
	if err != nil {
		return nil, fmt.Errorf("scan: %w", err)
	}
	rawD, _, err = b.measure(func() error { return rawScan(raw, nil) })
	if err != nil {
		return nil, fmt.Errorf("raw scan: %w", err)
	}
	b.row("scan + decode", int(head), libD, rawD, heap, "raw: iterate and decode the same envelopes")
	if uint64(count) != head {
		return nil, fmt.Errorf("scan saw %d events, head is %d", count, head)
	}

	// 4. Verify (no raw twin: raw Pebble has no chain to check; the scan row is its floor).
	libD, heap, err = b.measure(func() error { return l.Verify(ctx) })
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	b.row("verify", int(head), libD, 0, heap, "leaf hashes, chain and Merkle root")

	if err := b.attendancePhases(); err != nil {
		return nil, err
	}
	b.rep.PeakRSSMiB = peakRSS()
	return &b.rep, nil
}

// attendancePhases measures offline sync through the attendance service, a projection
// rebuild and the month's reports, on a second ledger holding real attendance events.
func (b *bencher) attendancePhases() error {
	c := b.cfg
	ctx := b.e.ctx
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	al, err := ledger.Open(filepath.Join(b.dir, "attendance"), &ledger.Options{Now: clock, Rand: b.e.m.Rand})
	if err != nil {
		return err
	}
	defer al.Close()
	svc, err := attendance.New(al, &attendance.Options{Now: clock, Rand: b.e.m.Rand, MaxSyncPunches: 4 * c.days})
	if err != nil {
		return err
	}
	pol, err := rules.ParsePolicy(demoPolicy)
	if err != nil {
		return err
	}
	admin := attendance.EmployeeActor("admin")
	if _, err := svc.Bootstrap(ctx, attendance.SystemActor(), "admin"); err != nil {
		return err
	}
	if _, err := svc.PublishPolicy(ctx, admin, pol); err != nil {
		return err
	}
	ids := make([]string, c.employees)
	for i := range ids {
		ids[i] = fmt.Sprintf("E%05d", i)
		if _, err := svc.RegisterEmployee(ctx, admin, attendance.Employee{ID: ids[i], PolicyID: pol.ID}); err != nil {
			return err
		}
		if _, err := svc.BindDevice(ctx, admin, ids[i], attendance.Device{ID: "phone-" + ids[i]}); err != nil {
			return err
		}
	}
	loc, err := time.LoadLocation(pol.TimeZone)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(c.seed, 11))
	batches := make([]attendance.SyncBatch, c.employees)
	for i, id := range ids {
		bt := attendance.SyncBatch{EmployeeID: id, DeviceID: "phone-" + id, DeviceNow: now}
		for d, day := 0, time.Date(2026, 11, 2, 0, 0, 0, 0, loc); d < c.days; day = day.AddDate(0, 0, 1) {
			if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
				continue
			}
			for k, m := range []int{8*60 + 50, 12 * 60, 12*60 + 30, 17*60 + 5} {
				var pid ledger.ID
				binary.BigEndian.PutUint64(pid[:], rng.Uint64())
				binary.BigEndian.PutUint64(pid[8:], rng.Uint64())
				bt.Punches = append(bt.Punches, attendance.PunchInput{ID: pid, Kind: rules.PunchKind(1 + k%2),
					Source: attendance.SourceApp, DeviceID: bt.DeviceID, Factors: []string{"pin"},
					At: day.Add(time.Duration(m+rng.IntN(9)) * time.Minute),
					Location: &attendance.Location{Lat: 40.7527 + rng.Float64()*1e-3, Lon: -73.9772 + rng.Float64()*1e-3,
						Accuracy: 10 + rng.Float64()*20, Provider: "fused"}})
			}
			d++
		}
		batches[i] = bt
	}
	first, _ := al.Head()
	first++
	total := 0
	bar := b.e.progress("sync", int64(c.employees))
	libD, heap, err := b.measure(func() error {
		for _, bt := range batches {
			res, err := svc.SyncOffline(ctx, attendance.EmployeeActor(bt.EmployeeID), bt)
			if err != nil {
				return err
			}
			for _, it := range res.Items {
				if it.Err != nil {
					return it.Err
				}
			}
			total += len(bt.Punches)
			bar.add(1)
		}
		return nil
	})
	bar.finish()
	if err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	raw, err := openRaw(filepath.Join(b.dir, "raw-attendance"))
	if err != nil {
		return err
	}
	defer raw.Close()
	var stored [][]byte
	if err := al.Scan(ctx, first, 0, func(ev *ledger.Event) error {
		stored = append(stored, ledger.EncodeEvent(ev))
		return nil
	}); err != nil {
		return err
	}
	rawD, _, err := b.measure(func() error {
		k := 0
		for _, bt := range batches {
			n := len(bt.Punches)
			if err := rawBatch(raw, uint64(k+1), stored[k:k+n]); err != nil {
				return err
			}
			k += n
		}
		return nil
	})
	if err != nil {
		return err
	}
	b.row("sync offline", total, libD, rawD, heap, fmt.Sprintf("SyncOffline, %d punches/upload, one fsync", 4*c.days))

	// Rebuild of the attendance projection from the whole log, beside a raw scan that
	// decodes the same envelopes and payloads.
	st, err := projection.Open(filepath.Join(b.dir, "projections"), al, &projection.Options{NoSync: true})
	if err != nil {
		return err
	}
	defer st.Close()
	head, _ := al.Head()
	libD, heap, err = b.measure(func() error { return st.Rebuild(ctx, projection.NewAttendance()) })
	if err != nil {
		return fmt.Errorf("rebuild: %w", err)
	}
	rawD, _, err = b.measure(func() error {
		return rawScan(raw, func(ev *ledger.Event) error {
			_, err := attendance.Decode(ev)
			return err
		})
	})
	if err != nil {
		return err
	}
	b.row("rebuild", int(head), libD, rawD, heap, "attendance projection; raw: scan + decode envelopes and payloads")

	// The month's reports for everyone, from the projection.
	v := st.View()
	defer v.Close()
	rows := 0
	libD, heap, err = b.measure(func() error {
		rd := v.Reader(projection.AttendanceName)
		q := projection.Query{From: rules.MustDate("2026-11-01"), To: rules.MustDate("2026-11-30")}
		days, err := projection.Daily(rd, admin, q)
		if err != nil {
			return err
		}
		pay, err := projection.Payroll(rd, admin, q)
		rows = len(days) + len(pay)
		return err
	})
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	b.row("report", rows, libD, 0, heap, fmt.Sprintf("daily + payroll rows for the month (%.0f ms)", libD.Seconds()*1000))
	return nil
}

// rawScan iterates the raw twin's events in key order, decodes each envelope and hands
// it to fn (nil: decode only).
func rawScan(raw *pebble.DB, fn func(*ledger.Event) error) error {
	var ev ledger.Event
	it, err := raw.NewIter(&pebble.IterOptions{LowerBound: []byte{'e'}, UpperBound: []byte{'f'}})
	if err != nil {
		return err
	}
	for it.First(); it.Valid(); it.Next() {
		if err := ledger.DecodeEvent(it.Value(), &ev); err != nil {
			it.Close()
			return err
		}
		if fn != nil {
			if err := fn(&ev); err != nil {
				it.Close()
				return err
			}
		}
	}
	return it.Close()
}

// parallel runs fn(0..n-1) in n goroutines and returns the first error.
func parallel(n int, fn func(i int) error) error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = fn(i) }()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// peakRSS reads the process's peak resident set (VmHWM) on Linux; 0 elsewhere.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(rest), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}
