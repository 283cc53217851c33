package projection_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/projection"
	"github.com/punchledger/punchledger/rules"
)

// TestAuthorizationMatchesAttendance checks the reports' read authorization against
// attendance's own (Service.CanRead) for every pair of actor and employee of a small
// org built through the commands: the projection must answer exactly the queries
// attendance would allow.
func TestAuthorizationMatchesAttendance(t *testing.T) {
	ctx := context.Background()
	fs := vfs.NewMem()
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	l, err := ledger.Open("ledger", &ledger.Options{FS: fs, Now: clock, Rand: rand.NewChaCha8([32]byte{3})})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	svc, err := attendance.New(l, &attendance.Options{Now: clock, Rand: rand.NewChaCha8([32]byte{4})})
	if err != nil {
		t.Fatal(err)
	}
	must := func(_ attendance.Receipt, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(svc.Bootstrap(ctx, attendance.SystemActor(), "ADMIN"))
	admin := attendance.EmployeeActor("ADMIN")
	must(svc.PublishPolicy(ctx, admin, loadPolicy(t, "testdata/policy.json", 1, "2026-01-01")))
	emps := []attendance.Employee{
		{ID: "ADMIN", PolicyID: "default"},
		{ID: "H1", PolicyID: "default"},
		{ID: "A1", PolicyID: "default"},
		{ID: "M1", PolicyID: "default"},
		{ID: "M2", ManagerID: "M1", PolicyID: "default"},
		{ID: "E1", ManagerID: "M1", PolicyID: "default"},
		{ID: "E2", ManagerID: "M2", PolicyID: "default"},
		{ID: "X1", PolicyID: "default"},
	}
	for _, e := range emps {
		e.JoinedOn = rules.MustDate("2026-11-02")
		must(svc.RegisterEmployee(ctx, admin, e))
	}
	must(svc.GrantRole(ctx, admin, "H1", attendance.RoleHR))
	must(svc.GrantRole(ctx, admin, "A1", attendance.RoleAuditor))
	must(svc.BindDevice(ctx, admin, "E1", attendance.Device{ID: "D1"}))

	s, err := projection.Open("p", l, &projection.Options{FS: fs})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CatchUp(ctx, 0, projection.NewAttendance()); err != nil {
		t.Fatal(err)
	}
	v := s.View()
	defer v.Close()
	r := v.Reader(projection.AttendanceName)

	actors := []attendance.Actor{attendance.SystemActor(), attendance.DeviceActor("D1")}
	for _, e := range emps {
		actors = append(actors, attendance.EmployeeActor(e.ID))
	}
	for _, a := range actors {
		for _, e := range emps {
			want := svc.CanRead(ctx, a, e.ID)
			_, got := projection.Daily(r, a, projection.Query{Employee: e.ID})
			if errors.Is(got, attendance.ErrForbidden) != errors.Is(want, attendance.ErrForbidden) {
				t.Errorf("%s reading %s: projection says %v, attendance says %v", a, e.ID, got, want)
			}
			if want == nil && got != nil {
				t.Errorf("%s reading %s: projection says %v, attendance allows", a, e.ID, got)
			}
		}
	}
}
