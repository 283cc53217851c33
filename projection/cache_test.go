package projection

import "testing"

// TestGenCacheBounded checks that the cache keeps what recent batches used and never
// more than two generations of max entries.
func TestGenCacheBounded(t *testing.T) {
	c := newGenCache[int, int](4)
	for batch := 0; batch < 100; batch++ {
		for i := 0; i < 3; i++ {
			k := batch*3 + i
			if _, ok := c.get(k); ok {
				t.Fatalf("batch %d: %d cached before it was put", batch, k)
			}
			c.put(k, k)
		}
		c.get(0) // used by every batch: never retired
		c.rotate()
		if n := len(c.cur) + len(c.old); n > 2*4 {
			t.Fatalf("batch %d: %d entries, bound 8", batch, n)
		}
		if v, ok := c.get(0); !ok || v != 0 {
			t.Fatalf("batch %d: entry used every batch is gone", batch)
		}
	}
}
