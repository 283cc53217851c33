package geofence

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Verdict says where a fix's accuracy circle lies relative to a zone set. The numbers
// are stable and may be stored; new verdicts get new numbers.
type Verdict uint8

const (
	// Unknown is the zero Verdict: the input could not be judged (invalid point, NaN or
	// negative accuracy).
	Unknown Verdict = 0
	// Outside: the whole accuracy circle is outside every zone.
	Outside Verdict = 1
	// Inside: the whole accuracy circle is inside one zone.
	Inside Verdict = 2
	// Uncertain: the accuracy circle straddles a zone boundary.
	Uncertain Verdict = 3
)

// String returns "unknown", "outside", "inside" or "uncertain".
func (v Verdict) String() string {
	switch v {
	case Unknown:
		return "unknown"
	case Outside:
		return "outside"
	case Inside:
		return "inside"
	case Uncertain:
		return "uncertain"
	}
	return fmt.Sprintf("Verdict(%d)", uint8(v))
}

// Judgement is the measured relation between a fix and a zone set.
type Judgement struct {
	Verdict Verdict
	// Zone is the name of the nearest zone: the one whose signed boundary distance is
	// smallest (the zone p is deepest inside, or else the closest one). Ties go to the
	// zone given first to NewZoneSet. Empty when the set is empty or the input invalid.
	Zone string
	// Distance is the signed distance in metres from the fix's point to Zone's boundary:
	// negative inside, positive outside. +Inf when the set is empty; 0 when the input
	// is invalid.
	Distance float64
}

// ZoneSet is an immutable, indexed set of zones, safe for concurrent use. A nil
// *ZoneSet is an empty set.
type ZoneSet struct {
	zones  []prepZone
	byName map[string]int
	nodes  []bvhNode
	order  []int32 // zone indexes in leaf order
}

// bvhNode is a node of a bounding-volume hierarchy over the zones' ECEF boxes. A leaf
// has count > 0 and covers order[first:first+count]; an inner node's children are
// nodes[left] and nodes[left+1].
type bvhNode struct {
	box   box3
	depth float64 // the largest depth of its zones
	// Every zone of the node lies within reach metres (geodesic) of hub.
	hub         Point
	hubR        reduced
	reach       float64
	left, first int32
	count       int32
}

const leafSize = 4

// NewZoneSet validates the zones and indexes them. Names must be unique. The error is
// a *ZoneError naming the first bad zone (errors.Is ErrInvalidZone); its Path starts
// with the zone's index ("[3].circle.radius_m").
func NewZoneSet(zs []Zone) (*ZoneSet, error) {
	s := &ZoneSet{zones: make([]prepZone, len(zs))}
	seen := make(map[string]int, len(zs))
	for i, z := range zs {
		pz, err := prepare(z)
		if err != nil {
			if ze, ok := err.(*ZoneError); ok {
				ze.Path = joinPath(fmt.Sprintf("[%d]", i), ze.Path)
			}
			return nil, err
		}
		if j, dup := seen[z.Name]; dup {
			return nil, &ZoneError{Zone: z.Name, Path: fmt.Sprintf("[%d].name", i), Reason: fmt.Sprintf("duplicate of zone [%d]", j)}
		}
		seen[z.Name] = i
		s.zones[i] = pz
	}
	s.byName = seen
	s.order = make([]int32, len(zs))
	for i := range s.order {
		s.order[i] = int32(i)
	}
	if len(zs) > 0 {
		s.nodes = make([]bvhNode, 1, 2*len(zs)/leafSize+2)
		s.build(0, 0, int32(len(zs)))
	}
	return s, nil
}

// Len returns the number of zones.
func (s *ZoneSet) Len() int {
	if s == nil {
		return 0
	}
	return len(s.zones)
}

// build fills node n with order[first:last] and splits it at the median of the box
// centres along the axis where they spread most.
func (s *ZoneSet) build(n, first, last int32) {
	b := emptyBox()
	cb := emptyBox()
	for _, zi := range s.order[first:last] {
		zb := s.zones[zi].box
		b = b.union(zb)
		s.nodes[n].depth = math.Max(s.nodes[n].depth, s.zones[zi].depth)
		cb = cb.addPoint(vec3{zb.centre(0), zb.centre(1), zb.centre(2)})
	}
	s.nodes[n].box = b
	if last-first <= leafSize {
		s.nodes[n].first, s.nodes[n].count = first, last-first
		s.nodes[n].hub, s.nodes[n].reach = s.zoneHub(first, last)
		s.nodes[n].hubR = reducedOf(s.nodes[n].hub)
		return
	}
	axis := 0
	for i := 1; i < 3; i++ {
		if cb.max[i]-cb.min[i] > cb.max[axis]-cb.min[axis] {
			axis = i
		}
	}
	slices.SortStableFunc(s.order[first:last], func(a, b int32) int {
		return cmp.Compare(s.zones[a].box.centre(axis), s.zones[b].box.centre(axis))
	})
	mid := first + (last-first)/2
	left := int32(len(s.nodes))
	s.nodes = append(s.nodes, bvhNode{}, bvhNode{})
	s.nodes[n].left = left
	s.build(left, first, mid)
	s.build(left+1, mid, last)
	if last-first <= exactHubZones {
		s.nodes[n].hub, s.nodes[n].reach = s.zoneHub(first, last)
	} else {
		// Cheaper and looser: reach the children's reaches.
		l, r := &s.nodes[left], &s.nodes[left+1]
		s.nodes[n].hub, s.nodes[n].reach = hubOf([]hubReach{{l.hub, l.reach}, {r.hub, r.reach}})
	}
	s.nodes[n].hubR = reducedOf(s.nodes[n].hub)
}

// exactHubZones is the most zones a node measures its reach over one by one; larger
// nodes reach their children's reaches, which is looser but keeps building O(n log n).
const exactHubZones = 256

// zoneHub is the hub and reach of the zones order[first:last].
func (s *ZoneSet) zoneHub(first, last int32) (Point, float64) {
	hubs := make([]hubReach, 0, last-first)
	for _, zi := range s.order[first:last] {
		hubs = append(hubs, hubReach{s.zones[zi].hub, s.zones[zi].reach})
	}
	return hubOf(hubs)
}

// hubReach is a point and a distance within which everything of a zone or node lies.
type hubReach struct {
	hub   Point
	reach float64
}

// Judge measures where a fix at p with horizontal accuracy accuracy (metres, the radius
// of the circle the true position lies in) is relative to the zones. Let d be the
// smallest signed boundary distance over all zones (see Judgement). Then the verdict is
// Inside if d + accuracy <= 0, Outside if d - accuracy > 0, and Uncertain otherwise.
// Zones are judged one at a time: a circle lying across the shared edge of two
// touching zones is Uncertain even though their union covers it; merge such zones into
// one polygon to treat them as one place. An invalid p or a NaN or negative accuracy
// gives Verdict Unknown; an empty set gives Outside at +Inf.
func (s *ZoneSet) Judge(p Point, accuracy float64) Judgement {
	if p.Validate() != nil || math.IsNaN(accuracy) || accuracy < 0 {
		return Judgement{Verdict: Unknown}
	}
	if s.Len() == 0 {
		return Judgement{Verdict: Outside, Distance: math.Inf(1)}
	}
	j, _ := s.judge(p, accuracy)
	return j
}

// judge is Judge on a valid fix and a non-empty set; it also returns the work done.
func (s *ZoneSet) judge(p Point, accuracy float64) (Judgement, int) {
	q := query{p: p, v: ecef(p), best: math.Inf(1), bestZone: -1}
	s.search(0, &q)
	return judgement(s.zones[q.bestZone].name, q.best, accuracy), q.visits
}

func judgement(zone string, d, accuracy float64) Judgement {
	j := Judgement{Zone: zone, Distance: d}
	switch {
	case d+accuracy <= 0:
		j.Verdict = Inside
	case d-accuracy > 0:
		j.Verdict = Outside
	default:
		j.Verdict = Uncertain
	}
	return j
}

type query struct {
	p        Point
	v        vec3
	best     float64
	bestZone int32
	visits   int // nodes visited and zones measured: the work, for tests
	floor    floorFrom
	hasFloor bool
}

// from returns the query point's floorFrom, computed the first time it is needed.
func (q *query) from() floorFrom {
	if !q.hasFloor {
		q.floor, q.hasFloor = floorFromPoint(q.p), true
	}
	return q.floor
}

// hubOf picks a point near the middle of the given hubs (the mean of their directions
// from the centre of the Earth) and the distance within which it reaches everything
// they reach, measured with Lambert's formula plus its margin (cheaper than Distance;
// a reach is only used up to 5,000 km, well inside the formula's range).
func hubOf(hs []hubReach) (Point, float64) {
	var m vec3
	for _, h := range hs {
		v := ecef(h.hub)
		for i := range 3 {
			m[i] += v[i]
		}
	}
	hub := Point{Lat: math.Atan2(m[2], math.Hypot(m[0], m[1])) / deg, Lon: math.Atan2(m[1], m[0]) / deg}
	if hub.Validate() != nil { // all directions cancelled out
		hub = hs[0].hub
	}
	reach := 0.0
	for _, h := range hs {
		d := lambertDistance(reducedOf(hub), reducedOf(h.hub))*(1+lambertMargin) + 1
		reach = math.Max(reach, d+h.reach)
	}
	return hub, limitReach(reach)
}

// limitReach turns off the hub bound (infinite reach) for zones or nodes spread over
// more than 5,000 km: it would prune little there, and it relies on the geodesics from
// the hub staying shortest out to the reach.
func limitReach(r float64) float64 {
	if r > 5_000e3 {
		return math.Inf(1)
	}
	return r
}

// lowerBound bounds from below the signed boundary distance from v to any zone in a
// box: a geodesic bound from the chord to the box if v is outside it, else minus the
// deepest a point can be inside those zones.
func lowerBound(b box3, depth float64, v vec3) float64 {
	if c := b.dist(v); c > 0 {
		return geodesicAtLeast(c)
	}
	return -depth
}

// geodesicAtLeast returns a lower bound on the geodesic distance between two points of
// the ellipsoid whose chord is at least c metres.
//
// A chord is never longer than the geodesic. Far apart, that bound is weak (antipodes:
// 12,700 km of chord, 20,000 km of geodesic), so there is a second one. Every surface
// point lies outside the sphere of radius b (the semi-minor axis), and projecting
// radially onto that sphere is the nearest-point projection onto a convex ball, which
// never lengthens a curve; so the geodesic is at least b·θ, θ the angle between the two
// points seen from the centre. Both points lie within radius a of the centre, so the
// chord is at most 2a·sin(θ/2) + (a-b), which bounds θ from below.
func geodesicAtLeast(c float64) float64 {
	s := (c - (wgsA - wgsB)) / (2 * wgsA)
	if s <= 0 {
		return c
	}
	return math.Max(c, 2*wgsB*math.Asin(math.Min(1, s)))
}

// search is a branch-and-bound walk: a node whose lower bound exceeds the best signed
// distance so far cannot hold a better zone. Nodes whose bound equals it are still
// visited, so ties resolve to the lowest zone index, exactly as a linear scan would.
func (s *ZoneSet) search(n int32, q *query) {
	q.visits++
	node := &s.nodes[n]
	if node.count > 0 {
		for _, zi := range s.order[node.first : node.first+node.count] {
			z := &s.zones[zi]
			lb := lowerBound(z.box, z.depth, q.v)
			if lb > q.best {
				continue
			}
			// Far away, Lambert's formula rules most candidates out for a fraction
			// of Vincenty's cost.
			if lb >= hubBoundFrom && geodesicFloor(q.from(), z.hubR)-z.reach > q.best {
				continue
			}
			q.visits++
			d := z.signedDistance(q.p)
			if d < q.best || (d == q.best && zi < q.bestZone) {
				q.best, q.bestZone = d, zi
			}
		}
		return
	}
	l, r := node.left, node.left+1
	dl, dr := s.nodeBound(l, q), s.nodeBound(r, q)
	if dr < dl {
		l, r, dl, dr = r, l, dr, dl
	}
	if dl <= q.best {
		s.search(l, q)
	}
	if dr <= q.best {
		s.search(r, q)
	}
}

// nodeBound is the larger of two lower bounds on the signed distance to any zone of a
// node: from its ECEF box, and (only when that one does not already rule the node
// out) from its hub: by the triangle inequality a zone is at least the distance to the
// hub less the reach away, and a point inside a zone is at most the reach less its
// distance from the hub deep.
func (s *ZoneSet) nodeBound(n int32, q *query) float64 {
	node := &s.nodes[n]
	lb := lowerBound(node.box, node.depth, q.v)
	if lb > q.best || lb < hubBoundFrom {
		return lb
	}
	return math.Max(lb, geodesicFloor(q.from(), node.hubR)-node.reach)
}

// hubBoundFrom is the box bound from which the hub bound is worth its cost: nearer,
// chord and geodesic differ by less than a metre per 100 km (c³/24R²).
const hubBoundFrom = 300e3

// judgeLinear is Judge without the index, the reference the index is tested against.
func (s *ZoneSet) judgeLinear(p Point, accuracy float64) Judgement {
	if p.Validate() != nil || math.IsNaN(accuracy) || accuracy < 0 {
		return Judgement{Verdict: Unknown}
	}
	if len(s.zones) == 0 {
		return Judgement{Verdict: Outside, Distance: math.Inf(1)}
	}
	best, bestZone := math.Inf(1), 0
	for i := range s.zones {
		if d := s.zones[i].signedDistance(p); d < best {
			best, bestZone = d, i
		}
	}
	return judgement(s.zones[bestZone].name, best, accuracy)
}

// Containing appends to dst the names of the zones that contain p, in the order the
// zones were given, and returns the extended slice. It ignores accuracy (a point test,
// boundary points may go either way) and returns dst unchanged for an invalid p.
func (s *ZoneSet) Containing(dst []string, p Point) []string {
	if p.Validate() != nil || s.Len() == 0 {
		return dst
	}
	v := ecef(p)
	var stackBuf [64]int32
	var foundBuf [8]int32
	stack, found := append(stackBuf[:0], 0), foundBuf[:0]
	for len(stack) > 0 {
		node := &s.nodes[stack[len(stack)-1]]
		stack = stack[:len(stack)-1]
		if node.box.dist(v) > 0 {
			continue
		}
		if node.count == 0 {
			stack = append(stack, node.left, node.left+1)
			continue
		}
		for _, zi := range s.order[node.first : node.first+node.count] {
			if z := &s.zones[zi]; z.box.dist(v) == 0 && z.contains(p) {
				found = append(found, zi)
			}
		}
	}
	slices.Sort(found) // leaf order is not input order
	for _, zi := range found {
		dst = append(dst, s.zones[zi].name)
	}
	return dst
}

// JudgeZone measures p and accuracy against the single zone named name, with the same
// rules as Judge. ok is false if the set has no such zone.
func (s *ZoneSet) JudgeZone(name string, p Point, accuracy float64) (j Judgement, ok bool) {
	if s == nil {
		return Judgement{}, false
	}
	i, ok := s.byName[name]
	switch {
	case !ok:
		return Judgement{}, false
	case p.Validate() != nil || math.IsNaN(accuracy) || accuracy < 0:
		return Judgement{Verdict: Unknown}, true
	}
	return judgement(name, s.zones[i].signedDistance(p), accuracy), true
}
