package attendance_test

import (
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

var syncSeed = flag.Uint64("sync.seed", 0, "seed of TestSyncOfflineChaos (0: random, printed)")

// TestSyncOfflineChaos uploads 10,000 offline punches of four employees (2,000 under
// -short) in batches of random size, through two Services on one ledger, with random
// whole-batch retries, punches repeated within and across batches, shuffled order, a
// moving server clock and a few malformed punches. Every valid punch must be stored
// exactly once, every upload must return one result per punch, and every result for a
// punch must name the same position.
func TestSyncOfflineChaos(t *testing.T) {
	seed := *syncSeed
	if seed == 0 {
		var b [8]byte
		crand.Read(b[:])
		seed = binary.LittleEndian.Uint64(b[:])
	}
	t.Logf("seed %d (rerun with -sync.seed=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))

	total := 10000
	if testing.Short() {
		total = 2000
	}
	e := newEnv(t)
	e.org()
	emps := []string{"E1", "E3", "E4", "E5"}
	for _, id := range emps[1:] {
		e.id(e.svc.RegisterEmployee(e.ctx, hr, attendance.Employee{ID: id, ManagerID: "M1", PolicyID: "default"}))
		e.id(e.svc.BindDevice(e.ctx, hr, id, attendance.Device{ID: "phone-" + id}))
	}
	other, err := attendance.New(e.l, &attendance.Options{Now: e.clock.Now, Rand: newSeeded(seed)})
	if err != nil {
		t.Fatal(err)
	}
	svcs := []*attendance.Service{e.svc, other}

	// The punches: per employee, in and out on consecutive days, in the office.
	type punch struct {
		emp string
		in  attendance.PunchInput
	}
	var all []punch
	for i := range total {
		id := emps[i%len(emps)]
		n := i / len(emps)
		var pid ledger.ID
		binary.BigEndian.PutUint64(pid[:8], rng.Uint64())
		binary.BigEndian.PutUint64(pid[8:], rng.Uint64())
		kind := rules.KindIn
		at := t0.Add(-40 * 24 * time.Hour).Add(time.Duration(n/2) * 3 * time.Hour)
		if n%2 == 1 {
			kind, at = rules.KindOut, at.Add(2*time.Hour)
		}
		in := punchAt(pid, kind, at.Add(time.Duration(rng.IntN(60))*time.Second))
		in.DeviceID = "phone-" + id
		in.Location.Lat += float64(rng.IntN(100)) * 1e-6
		all = append(all, punch{id, in})
	}
	// Split each employee's punches into batches, shuffled, with repeats.
	type upload struct {
		b attendance.SyncBatch
	}
	var uploads []upload
	bad := 0
	for _, id := range emps {
		var mine []attendance.PunchInput
		for _, p := range all {
			if p.emp == id {
				mine = append(mine, p.in)
			}
		}
		rng.Shuffle(len(mine), func(i, j int) { mine[i], mine[j] = mine[j], mine[i] })
		for len(mine) > 0 {
			n := min(len(mine), 1+rng.IntN(500))
			batch := append([]attendance.PunchInput(nil), mine[:n]...)
			mine = mine[n:]
			for range rng.IntN(4) { // repeats within the batch
				batch = append(batch, batch[rng.IntN(len(batch))])
			}
			if rng.IntN(5) == 0 { // a malformed punch
				batch = append(batch, attendance.PunchInput{Kind: rules.KindIn, Source: attendance.SourceApp, At: t0})
				bad++
			}
			rng.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
			uploads = append(uploads, upload{attendance.SyncBatch{EmployeeID: id, DeviceID: "phone-" + id, Punches: batch}})
		}
	}
	// Retries: a third of the uploads is sent again later, some twice.
	n := len(uploads)
	for range n / 3 {
		uploads = append(uploads, uploads[rng.IntN(n)])
	}
	rng.Shuffle(len(uploads), func(i, j int) { uploads[i], uploads[j] = uploads[j], uploads[i] })

	// Send, four at a time, through either Service.
	var (
		mu      sync.Mutex
		results = map[ledger.ID]uint64{}
		wg      sync.WaitGroup
		errs    = make(chan error, len(uploads))
		work    = make(chan int)
		picks   = make([]int, len(uploads))
	)
	for i := range picks {
		picks[i] = rng.IntN(len(svcs))
	}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				u := uploads[i].b
				e.clock.Add(time.Second)
				u.DeviceNow = e.clock.Now().Add(3 * time.Second)
				res, err := svcs[picks[i]].SyncOffline(e.ctx, attendance.DeviceActor(u.DeviceID), u)
				if err != nil {
					errs <- fmt.Errorf("upload %d: %w", i, err)
					continue
				}
				if len(res.Items) != len(u.Punches) {
					errs <- fmt.Errorf("upload %d: %d items for %d punches", i, len(res.Items), len(u.Punches))
					continue
				}
				mu.Lock()
				for k, it := range res.Items {
					if u.Punches[k].ID.IsZero() {
						if !errors.Is(it.Err, attendance.ErrInvalid) {
							errs <- fmt.Errorf("upload %d: malformed punch: %v", i, it.Err)
						}
						continue
					}
					if it.Err != nil {
						errs <- fmt.Errorf("upload %d punch %s: %w", i, u.Punches[k].ID, it.Err)
						continue
					}
					if it.ID != u.Punches[k].ID || it.FirstSeq == 0 {
						errs <- fmt.Errorf("upload %d: result %+v for punch %s", i, it.Receipt, u.Punches[k].ID)
						continue
					}
					if prev, ok := results[it.ID]; ok && prev != it.FirstSeq {
						errs <- fmt.Errorf("punch %s at seq %d and %d", it.ID, prev, it.FirstSeq)
					}
					results[it.ID] = it.FirstSeq
				}
				mu.Unlock()
			}
		}()
	}
	for i := range uploads {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	nerr := 0
	for err := range errs {
		if nerr++; nerr <= 10 {
			t.Error(err)
		}
	}
	if nerr > 0 {
		t.Fatalf("%d errors", nerr)
	}
	if len(results) != total {
		t.Fatalf("%d punches acknowledged, want %d", len(results), total)
	}
	// The log holds each punch exactly once, where the results said.
	stored := map[ledger.ID]uint64{}
	err = e.l.Scan(e.ctx, 1, 0, func(ev *ledger.Event) error {
		if ev.Type != attendance.TypePunchRecorded {
			return nil
		}
		if _, dup := stored[ev.ID]; dup {
			return fmt.Errorf("punch %s stored twice", ev.ID)
		}
		stored[ev.ID] = ev.Seq
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != total {
		t.Fatalf("%d punches stored, want %d", len(stored), total)
	}
	for id, seq := range results {
		if stored[id] != seq {
			t.Fatalf("punch %s: result seq %d, stored at %d", id, seq, stored[id])
		}
	}
	t.Logf("%d uploads (%d malformed punches), %d punches stored once each", len(uploads), bad, total)
}
