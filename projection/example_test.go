package projection_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/projection"
	"github.com/punchledger/punchledger/rules"
)

// typeCount counts events per type: the smallest useful projection.
type typeCount struct{}

func (typeCount) Name() string    { return "type-count" }
func (typeCount) Version() uint32 { return 1 }
func (typeCount) Apply(ev *ledger.Event, w projection.Writer) error {
	var n uint64
	switch v, err := w.Get([]byte(ev.Type)); {
	case errors.Is(err, projection.ErrNotFound):
	case err != nil:
		return err
	default:
		n = binary.BigEndian.Uint64(v)
	}
	return w.Set([]byte(ev.Type), binary.BigEndian.AppendUint64(nil, n+1))
}

func ExampleStore_CatchUp() {
	ctx := context.Background()
	fs := vfs.NewMem()
	l, _ := ledger.Open("ledger", &ledger.Options{FS: fs, Rand: rand.NewChaCha8([32]byte{})})
	defer l.Close()
	for _, typ := range []string{"a.happened", "b.happened", "a.happened"} {
		l.Append(ctx, "things", ledger.Any, ledger.Proposed{Type: typ, Schema: 1, OccurredAt: time.Unix(0, 0), Actor: "system"})
	}
	s, _ := projection.Open("projections", l, &projection.Options{FS: fs})
	defer s.Close()
	if err := s.CatchUp(ctx, 0, typeCount{}); err != nil {
		fmt.Println(err)
	}
	v := s.View()
	defer v.Close()
	v.Reader("type-count").Scan(nil, nil, func(k, val []byte) error {
		fmt.Println(string(k), binary.BigEndian.Uint64(val))
		return nil
	})
	cp, _ := v.Checkpoint("type-count")
	fmt.Println("checkpoint", cp.Seq)
	// Output:
	// a.happened 2
	// b.happened 1
	// checkpoint 3
}

// exampleLedger writes a small story through the attendance commands: a policy in New
// York, employee E1 managed by M1, and E1's punches on Monday and (offline, uploaded on
// Wednesday) Tuesday.
func exampleLedger() (*ledger.Ledger, vfs.FS) {
	ctx := context.Background()
	fs := vfs.NewMem()
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	l, _ := ledger.Open("ledger", &ledger.Options{FS: fs, Now: clock, Rand: rand.NewChaCha8([32]byte{1})})
	svc, _ := attendance.New(l, &attendance.Options{Now: clock, Rand: rand.NewChaCha8([32]byte{2})})
	svc.Bootstrap(ctx, attendance.SystemActor(), "ADMIN")
	admin := attendance.EmployeeActor("ADMIN")
	p := loadExamplePolicy()
	if _, err := svc.PublishPolicy(ctx, admin, p); err != nil {
		panic(err)
	}
	for _, e := range []attendance.Employee{
		{ID: "M1", PolicyID: "default", JoinedOn: rules.MustDate("2026-11-02")},
		{ID: "E1", ManagerID: "M1", PolicyID: "default", JoinedOn: rules.MustDate("2026-11-02")},
	} {
		if _, err := svc.RegisterEmployee(ctx, admin, e); err != nil {
			panic(err)
		}
	}
	punch := func(kind rules.PunchKind, at, received string) {
		in := attendance.PunchInput{Kind: kind, Source: attendance.SourceWeb, At: nyTime(at)}
		now = nyTime(received)
		if _, err := svc.RecordPunch(ctx, attendance.EmployeeActor("E1"), "E1", in); err != nil {
			panic(err)
		}
	}
	punch(rules.KindIn, "2026-11-02 08:57", "2026-11-02 08:57")
	punch(rules.KindOut, "2026-11-02 17:04", "2026-11-02 17:04")
	// Tuesday's punches reach the server only on Wednesday.
	punch(rules.KindIn, "2026-11-03 09:01", "2026-11-04 10:00")
	punch(rules.KindOut, "2026-11-03 17:00", "2026-11-04 10:00")
	return l, fs
}

func ExampleDaily() {
	l, fs := exampleLedger()
	defer l.Close()
	s, _ := projection.Open("projections", l, &projection.Options{FS: fs})
	defer s.Close()
	if err := s.CatchUp(context.Background(), 0, projection.NewAttendance()); err != nil {
		fmt.Println(err)
		return
	}
	v := s.View()
	defer v.Close()
	// The manager asks for his team.
	rows, err := projection.Daily(v.Reader(projection.AttendanceName), attendance.EmployeeActor("M1"),
		projection.Query{Team: "M1", From: rules.MustDate("2026-11-02"), To: rules.MustDate("2026-11-03")})
	if err != nil {
		fmt.Println(err)
	}
	for _, r := range rows {
		fmt.Println(r.Employee, r.Date, r.Status, r.Worked, "min, final:", r.Final)
	}
	// Another employee may not.
	_, err = projection.Daily(v.Reader(projection.AttendanceName), attendance.EmployeeActor("X1"), projection.Query{Employee: "E1"})
	fmt.Println(errors.Is(err, attendance.ErrForbidden))
	// Output:
	// E1 2026-11-02 present 424 min, final: true
	// E1 2026-11-03 present 419 min, final: true
	// true
}

func ExampleExplain() {
	l, fs := exampleLedger()
	defer l.Close()
	s, _ := projection.Open("projections", l, &projection.Options{FS: fs})
	defer s.Close()
	s.CatchUp(context.Background(), 0, projection.NewAttendance())
	v := s.View()
	defer v.Close()
	x, err := projection.Explain(v.Reader(projection.AttendanceName), attendance.EmployeeActor("E1"), "E1", rules.MustDate("2026-11-03"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %s: %s, worked %d min, policy %s v%d (event seq %d)\n", x.Employee, x.Date, x.Day.Status, x.Day.Worked, x.PolicyID, x.PolicyVersion, x.Policy.Seq)
	for _, e := range x.Events {
		fmt.Printf("seq %d %s (%s): %s\n", e.Seq, e.Type, e.Role, e.Detail)
	}
	for _, ex := range x.Day.Exceptions {
		fmt.Println("exception:", ex.Code, "seq", ex.Event.Seq)
	}
	// Output:
	// E1 2026-11-03: present, worked 419 min, policy default v1 (event seq 2)
	// seq 7 punch.recorded (punch): in at 2026-11-03 09:01:00 EST (device time) from web, recorded 2026-11-04 10:00:00 EST, outcome accept
	// seq 8 punch.recorded (punch): out at 2026-11-03 17:00:00 EST (device time) from web, recorded 2026-11-04 10:00:00 EST, outcome accept
}

func loadExamplePolicy() *rules.Policy {
	b, err := os.ReadFile("testdata/policy.json")
	if err != nil {
		panic(err)
	}
	p, err := rules.ParsePolicy(b)
	if err != nil {
		panic(err)
	}
	return p
}

func nyTime(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, newYork)
	if err != nil {
		panic(err)
	}
	return t
}
