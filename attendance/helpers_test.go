package attendance_test

import (
	"context"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/geofence"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// seededReader is a deterministic io.Reader for IDs and keys.
type seededReader struct {
	mu sync.Mutex
	r  *rand.ChaCha8
}

func newSeeded(seed uint64) *seededReader {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	return &seededReader{r: rand.NewChaCha8(s)}
}

func (s *seededReader) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.r.Read(p)
}

// slowReader is a seededReader that takes 2 ms a read.
type slowReader struct{ r *seededReader }

func (s slowReader) Read(p []byte) (int, error) {
	time.Sleep(2 * time.Millisecond)
	return s.r.Read(p)
}

// seeds gives every env its own ID streams, so a reopened ledger gets fresh IDs.
var seeds atomic.Uint64

type env struct {
	t     testing.TB
	ctx   context.Context
	clock *clock
	l     *ledger.Ledger
	svc   *attendance.Service
	dir   string
	fs    vfs.FS
}

// Start of the tests' world: Monday 2026-03-09 10:00 Berlin.
var t0 = time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)

func newEnv(t testing.TB) *env {
	return newEnvFS(t, vfs.NewMem(), "db")
}

func newEnvFS(t testing.TB, fs vfs.FS, dir string) *env {
	return newEnvSeed(t, fs, dir, seeds.Add(2))
}

func newEnvSeed(t testing.TB, fs vfs.FS, dir string, seed uint64) *env {
	t.Helper()
	c := &clock{t: t0}
	l, err := ledger.Open(dir, &ledger.Options{FS: fs, Now: c.Now, Rand: newSeeded(seed), NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	svc, err := attendance.New(l, &attendance.Options{Now: c.Now, Rand: newSeeded(seed + 1)})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, ctx: context.Background(), clock: c, l: l, svc: svc, dir: dir, fs: fs}
}

// racingServices opens n more Services on e's ledger with slow randomness, which
// widens the window between a decision and its append, so they really do race.
func (e *env) racingServices(n int) []*attendance.Service {
	e.t.Helper()
	var svcs []*attendance.Service
	for range n {
		s, err := attendance.New(e.l, &attendance.Options{Now: e.clock.Now, Rand: slowReader{newSeeded(seeds.Add(2))}})
		if err != nil {
			e.t.Fatal(err)
		}
		svcs = append(svcs, s)
	}
	return svcs
}

func loadPolicy(t testing.TB) *rules.Policy {
	t.Helper()
	b, err := os.ReadFile("testdata/policy.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := rules.ParsePolicy(b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var (
	admin   = attendance.EmployeeActor("A1")
	hr      = attendance.EmployeeActor("H1")
	auditor = attendance.EmployeeActor("U1")
	mgr     = attendance.EmployeeActor("M1")
	mgr2    = attendance.EmployeeActor("M2")
	emp     = attendance.EmployeeActor("E1")
	emp2    = attendance.EmployeeActor("E2")
	phone   = attendance.DeviceActor("phone-E1")
	system  = attendance.SystemActor()
)

// org sets up: admin A1, hr H1, auditor U1, managers M1 (of E1) and M2 (of E2), a
// policy, and E1's bound phone.
func (e *env) org() {
	t := e.t
	t.Helper()
	must := func(_ attendance.Receipt, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(e.svc.Bootstrap(e.ctx, system, "A1"))
	must(e.svc.GrantRole(e.ctx, admin, "H1", attendance.RoleHR))
	must(e.svc.GrantRole(e.ctx, admin, "U1", attendance.RoleAuditor))
	must(e.svc.PublishPolicy(e.ctx, admin, loadPolicy(t)))
	for _, x := range []attendance.Employee{
		{ID: "M1", PolicyID: "default", Personal: &attendance.Personal{Name: "Maria Manager"}},
		{ID: "M2", PolicyID: "default", Personal: &attendance.Personal{Name: "Mark Other"}},
		{ID: "E1", ManagerID: "M1", PolicyID: "default", Personal: &attendance.Personal{Name: "Erika Mustermann", Email: "erika@example.com"}},
		{ID: "E2", ManagerID: "M2", PolicyID: "default", Personal: &attendance.Personal{Name: "Emil Second"}},
	} {
		must(e.svc.RegisterEmployee(e.ctx, hr, x))
	}
	must(e.svc.BindDevice(e.ctx, emp, "E1", attendance.Device{ID: "phone-E1"}))
}

func (e *env) head() uint64 {
	seq, _ := e.l.Head()
	return seq
}

// punchAt returns an in-office punch at t.
func punchAt(id ledger.ID, kind rules.PunchKind, t time.Time) attendance.PunchInput {
	return attendance.PunchInput{
		ID: id, Kind: kind, Source: attendance.SourceApp, At: t, DeviceID: "phone-E1",
		Location: &attendance.Location{Lat: 52.520143, Lon: 13.405127, Accuracy: 10, Provider: "gps"},
	}
}

func pt(lat, lon float64) geofence.Point { return geofence.Point{Lat: lat, Lon: lon} }

var serviceMethodsTakingActor = attendance.ServiceMethodsTakingActor
