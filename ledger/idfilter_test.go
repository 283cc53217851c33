package ledger

import (
	"context"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

func TestIDFilter(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func() ID {
		var id ID
		for i := range id {
			id[i] = byte(rng.Uint32())
		}
		return id
	}
	f := newIDFilter()
	added := make([]ID, 300_000) // spans three segments
	for i := range added {
		added[i] = random()
		f.add(added[i])
	}
	if len(f.segs) != 3 {
		t.Fatalf("%d segments for %d IDs", len(f.segs), len(added))
	}
	for _, id := range added {
		if !f.mayContain(id) {
			t.Fatalf("false negative for %v", id)
		}
	}
	fp := 0
	const probes = 200_000
	for range probes {
		if f.mayContain(random()) {
			fp++
		}
	}
	if rate := float64(fp) / probes; rate > 0.005 {
		t.Fatalf("false-positive rate %.4f", rate)
	}
	// Sequential IDs (tests and benchmarks use them) are hashed, not used raw.
	g := newIDFilter()
	var id ID
	for i := range 100_000 {
		id[15], id[14], id[13] = byte(i), byte(i>>8), byte(i>>16)
		g.add(id)
	}
	fp = 0
	for i := range probes {
		id[15], id[14], id[13], id[0] = byte(i), byte(i>>8), byte(i>>16), 1
		if g.mayContain(id) {
			fp++
		}
	}
	if rate := float64(fp) / probes; rate > 0.005 {
		t.Fatalf("false-positive rate %.4f for sequential IDs", rate)
	}
}

// BenchmarkIDFilter: what the committer does for each new ID (look it up, then add
// it), on a filter already holding 1M IDs (four segments, beyond the CPU caches).
func BenchmarkIDFilter(b *testing.B) {
	f := newIDFilter()
	var id ID
	for i := range 1 << 20 {
		id[0], id[1], id[2], id[3] = byte(i), byte(i>>8), byte(i>>16), 0xee
		f.add(id)
	}
	i := uint64(0)
	for b.Loop() {
		i++
		id[0], id[1], id[2], id[3], id[4], id[5] = byte(i), byte(i>>8), byte(i>>16), byte(i>>24), byte(i>>32), 0xaa
		if !f.mayContain(id) {
			f.add(id)
		}
	}
}

// TestIDFilterSizedAtOpen: Open sizes the filter for the IDs already in the ledger, so a
// reopened ledger has one segment to probe, and the filter still knows every ID.
func TestIDFilterSizedAtOpen(t *testing.T) {
	f := newIDFilterFor(300_000)
	rng := rand.New(rand.NewPCG(5, 6))
	ids := make([]ID, 300_000)
	for i := range ids {
		binary.BigEndian.PutUint64(ids[i][:], rng.Uint64())
		binary.BigEndian.PutUint64(ids[i][8:], rng.Uint64())
		f.add(ids[i])
	}
	if len(f.segs) != 1 || f.segs[0].limit != 1<<19 {
		t.Fatalf("%d segments (first for %d IDs) after 300,000 IDs, want one for 524,288", len(f.segs), f.segs[0].limit)
	}
	f.add(ID{1})
	for i := 0; i < 1<<19; i++ {
		var id ID
		binary.BigEndian.PutUint64(id[:], uint64(i)+1)
		f.add(id)
	}
	if len(f.segs) != 2 || f.segs[1].limit != 1<<20 {
		t.Fatalf("%d segments after outgrowing the first, want 2 (the second for 1,048,576 IDs)", len(f.segs))
	}
	for _, id := range ids {
		if !f.mayContain(id) {
			t.Fatalf("false negative for %v", id)
		}
	}

	l, err := Open(t.TempDir(), &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := l.dir
	for b := range 3 {
		evs := make([]Proposed, 50_000)
		for i := range evs {
			binary.BigEndian.PutUint64(evs[i].ID[:], uint64(b*len(evs)+i+1))
			evs[i].Type, evs[i].Schema, evs[i].OccurredAt, evs[i].Actor = "t", 1, time.Unix(1, 0), "a"
		}
		if _, err := l.Append(context.Background(), "s", Any, evs...); err != nil {
			t.Fatal(err)
		}
	}
	waitFilter(t, l)
	if n := len(l.c.filter.segs); n != 2 {
		t.Fatalf("a ledger grown from empty to 150,000 IDs has %d segments, want 2", n)
	}
	l.Close()
	if l, err = Open(dir, &Options{NoSync: true}); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	one := Proposed{ID: ID{0xff}, Type: "t", Schema: 1, OccurredAt: time.Unix(1, 0), Actor: "a"}
	if _, err := l.Append(context.Background(), "s", Any, one); err != nil { // starts the scan
		t.Fatal(err)
	}
	waitFilter(t, l)
	if n := len(l.c.filter.segs); n != 1 {
		t.Fatalf("reopened with 150,000 IDs: %d segments, want 1", n)
	}
	var id ID
	binary.BigEndian.PutUint64(id[:], 77)
	if got, err := l.Lookup(id); err != nil || got.Seq != 77 {
		t.Fatalf("lookup after reopen: %v %v", got.Seq, err)
	}
}

// waitFilter waits until the committer has adopted the filter the first append started
// to load: once the scan has ended (l.loader closed), the next append adopts it before
// staging anything. The append (one event to a stream of its own) also orders the
// committer's writes before the test's reads of the filter.
func waitFilter(t *testing.T, l *Ledger) {
	t.Helper()
	select {
	case <-l.loader:
	case <-time.After(10 * time.Second):
		t.Fatal("the ID index's scan did not end within 10 s")
	}
	waitFilterAppends++
	var id ID
	binary.BigEndian.PutUint64(id[:], 0xfeed_0000_0000_0000|waitFilterAppends)
	ev := Proposed{ID: id, Type: "t", Schema: 1, OccurredAt: time.Unix(1, 0), Actor: "a"}
	if _, err := l.Append(context.Background(), "waitfilter", Any, ev); err != nil {
		t.Fatal(err)
	}
	if l.c.filterState != filterReady {
		t.Fatalf("filter state %d after its scan and an append, want ready", l.c.filterState)
	}
}

// waitFilterAppends numbers waitFilter's events.
var waitFilterAppends uint64

// TestAppendWhileFilterLoads: the ID index is scanned into the filter in the background,
// from the first append on. Appends meanwhile still find every existing ID (retries are answered, reused
// IDs refused), and the IDs they add are in the filter once it is adopted.
func TestAppendWhileFilterLoads(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l, err := Open(dir, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	batch := func(first, n int) []Proposed {
		evs := make([]Proposed, n)
		for i := range evs {
			binary.BigEndian.PutUint64(evs[i].ID[:], uint64(first+i))
			evs[i].Type, evs[i].Schema, evs[i].OccurredAt, evs[i].Actor = "t", 1, time.Unix(1, 0), "a"
		}
		return evs
	}
	old := batch(1, 200_000) // a scan of a few tens of milliseconds
	if _, err := l.Append(ctx, "s", Any, old...); err != nil {
		t.Fatal(err)
	}
	l.Close()

	// Hold the scan back until the appends below are done: the committer must not
	// adopt the filter (nor trust it) before then.
	release := make(chan struct{})
	loadFilterHook = func() { <-release }
	defer func() { loadFilterHook = nil }()
	if l, err = Open(dir, &Options{NoSync: true}); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l.c.filterState != filterUnloaded { // nothing appended yet: the committer has not touched it
		t.Fatal("filter scan started or adopted before any append")
	}
	res, err := l.Append(ctx, "s", Any, old[1000:1010]...)
	if err != nil || !res.Duplicate || res.FirstSeq != 1001 {
		t.Fatalf("retry of stored events while the filter loads: %+v, %v", res, err)
	}
	other := old[5]
	other.Actor = "someone else"
	var dup *DuplicateIDError
	if _, err := l.Append(ctx, "s", Any, other); !errors.As(err, &dup) || dup.Seq != 6 {
		t.Fatalf("reused ID while the filter loads: %v, want DuplicateIDError for seq 6", err)
	}
	fresh := batch(500_000, 50)
	if _, err := l.Append(ctx, "t", Any, fresh...); err != nil {
		t.Fatal(err)
	}
	close(release)
	waitFilter(t, l)
	for _, ev := range append(fresh, old[0], old[len(old)-1]) {
		if !l.c.filter.mayContain(ev.ID) {
			t.Fatalf("ID %v missing from the adopted filter", ev.ID)
		}
	}
	if res, err := l.Append(ctx, "t", Any, fresh...); err != nil || !res.Duplicate {
		t.Fatalf("retry after the filter is adopted: %+v, %v", res, err)
	}
}

// TestCloseWhileFilterLoads: Close does not wait for the whole scan.
func TestCloseWhileFilterLoads(t *testing.T) {
	release := make(chan struct{})
	loadFilterHook = func() { <-release }
	defer func() { loadFilterHook = nil }()
	l, err := Open(t.TempDir(), &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	one := Proposed{ID: ID{1}, Type: "t", Schema: 1, OccurredAt: time.Unix(1, 0), Actor: "a"}
	if _, err := l.Append(context.Background(), "s", Any, one); err != nil { // starts the scan
		t.Fatal(err)
	}
	closed := make(chan error)
	go func() { closed <- l.Close() }()
	time.Sleep(10 * time.Millisecond)
	close(release) // the hook returns; the scan sees Close and stops
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
}

// TestReadOnlyUseLoadsNoFilter: a ledger that is opened, read and closed never scans
// the ID index.
func TestReadOnlyUseLoadsNoFilter(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	one := Proposed{ID: ID{1}, Type: "t", Schema: 1, OccurredAt: time.Unix(1, 0), Actor: "a"}
	if _, err := l.Append(context.Background(), "s", Any, one); err != nil {
		t.Fatal(err)
	}
	l.Close()
	scanned := false
	loadFilterHook = func() { scanned = true }
	defer func() { loadFilterHook = nil }()
	if l, err = Open(dir, &Options{NoSync: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Lookup(ID{1}); err != nil {
		t.Fatal(err)
	}
	if err := l.Scan(context.Background(), 1, 0, func(*Event) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if scanned {
		t.Fatal("the ID index was scanned for a ledger that was only read")
	}
}
