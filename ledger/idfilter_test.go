package ledger

import (
	"math/rand/v2"
	"testing"
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
