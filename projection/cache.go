package projection

// genCache is a bounded cache of decoded records that the built-in projection keeps
// across batches. Lookups look in the current generation, then in the previous one
// (moving the entry forward); rotate, called between batches, retires the previous
// generation once the current one holds max entries. So the cache never holds more
// than 2×max entries plus what one batch touches, however long the log, while the
// records recent batches used (an employee's open days and pay period) stay decoded.
type genCache[K comparable, V any] struct {
	cur, old map[K]V
	max      int
}

func newGenCache[K comparable, V any](max int) genCache[K, V] {
	return genCache[K, V]{cur: map[K]V{}, old: map[K]V{}, max: max}
}

func (c *genCache[K, V]) get(k K) (V, bool) {
	if v, ok := c.cur[k]; ok {
		return v, true
	}
	v, ok := c.old[k]
	if ok {
		delete(c.old, k)
		c.cur[k] = v
	}
	return v, ok
}

func (c *genCache[K, V]) put(k K, v V) { c.cur[k] = v }

// rotate is called between batches, when every entry has been written.
func (c *genCache[K, V]) rotate() {
	if len(c.cur) >= c.max {
		c.old, c.cur = c.cur, make(map[K]V, len(c.cur))
	}
}

// Cache bounds (entries per generation for emps and pays; day states are cached in
// the employee records, see Attendance.dayStateOf). A catch-up batch touches every
// active employee and his current pay row: with more of them than the bound, every
// batch rotates, so the caches hold what the last two batches used and reach that size
// within two batches, whatever the length of the log (with a larger bound, the payroll
// rows of past periods would pile up until it was reached, and memory would keep
// growing for the first million events or so). Employee records do not pile up (one
// per employee): their bound is larger, so that up to 16,384 employees are never
// rotated, which costs two map operations more per lookup in the batch after.
const (
	cacheEmployees = 1 << 14
	cachePays      = 1 << 13
	// Open days per cached employee record (a day shift has one, a night shift two;
	// more pile up only when log time does not pass the windows, as when everything
	// arrives late).
	cacheDaysPerEmployee = 4
)

// dayKey names an employee-day in the caches (no string concatenation per lookup).
type dayKey struct{ emp, date string }

// dirtyState is a day state changed in a batch, to be written at Flush, with its
// employee's record (nil when unknown).
type dirtyState struct {
	rec       *employeeRec
	emp, date string
	st        *dayState
}

// payKey names an employee's row of a pay period (from-date).
type payKey struct{ from, emp string }
