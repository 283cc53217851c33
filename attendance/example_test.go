package attendance_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

// Example shows the life of one employee: the org is bootstrapped, a policy
// published, an employee registered with his phone; he punches, forgets a check-out,
// asks for a correction, and his manager approves it.
func Example() {
	ctx := context.Background()
	now := time.Date(2026, 3, 9, 8, 58, 2, 0, time.UTC) // the service clock, moved by hand
	clock := func() time.Time { return now }
	l, err := ledger.Open("db", &ledger.Options{FS: vfs.NewMem(), Now: clock})
	if err != nil {
		panic(err)
	}
	defer l.Close()
	svc, err := attendance.New(l, &attendance.Options{Now: clock})
	if err != nil {
		panic(err)
	}
	admin := attendance.EmployeeActor("A1")
	check := func(_ attendance.Receipt, err error) {
		if err != nil {
			panic(err)
		}
	}
	check(svc.Bootstrap(ctx, attendance.SystemActor(), "A1"))
	data, _ := os.ReadFile("testdata/policy.json")
	policy, err := rules.ParsePolicy(data)
	if err != nil {
		panic(err)
	}
	check(svc.PublishPolicy(ctx, admin, policy))
	check(svc.RegisterEmployee(ctx, admin, attendance.Employee{ID: "M1", PolicyID: "default"}))
	check(svc.RegisterEmployee(ctx, admin, attendance.Employee{ID: "E1", ManagerID: "M1", PolicyID: "default",
		Personal: &attendance.Personal{Name: "Erika Mustermann"}}))
	erika := attendance.EmployeeActor("E1")
	check(svc.BindDevice(ctx, erika, "E1", attendance.Device{ID: "phone-1"}))

	// In the office at 09:58 Berlin time.
	r, err := svc.RecordPunch(ctx, erika, "E1", attendance.PunchInput{
		Kind: rules.KindIn, Source: attendance.SourceApp, At: time.Date(2026, 3, 9, 8, 58, 0, 0, time.UTC),
		DeviceID: "phone-1", Location: &attendance.Location{Lat: 52.520143, Lon: 13.405127, Accuracy: 12},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("punch:", r.Outcome, r.Findings)

	now = time.Date(2026, 3, 9, 19, 0, 0, 0, time.UTC)
	// She forgot to check out; she asks, and may not approve it herself.
	req, err := svc.RequestCorrection(ctx, erika, "E1", attendance.CorrectionInput{
		Day: rules.MustDate("2026-03-09"), Kind: rules.CorrectMissingOut,
		At: time.Date(2026, 3, 9, 16, 30, 0, 0, time.UTC), Reason: "phone battery died",
	})
	if err != nil {
		panic(err)
	}
	_, err = svc.ApproveCorrection(ctx, erika, "E1", req.ID, "")
	var fe *attendance.ForbiddenError
	fmt.Println("self-approval refused:", errors.As(err, &fe), "-", fe.Reason)
	d, err := svc.ApproveCorrection(ctx, attendance.EmployeeActor("M1"), "E1", req.ID, "ok")
	fmt.Println("manager approval final:", d.Final, err)
	// Output:
	// punch: accept []
	// self-approval refused: true - nobody decides his own correction
	// manager approval final: true <nil>
}

// ExampleService_SyncOffline uploads punches a phone stored while offline; a retried
// upload returns the same positions and writes nothing.
func ExampleService_SyncOffline() {
	e := newEnv(exampleTB{})
	e.org()
	batch := attendance.SyncBatch{
		EmployeeID: "E1", DeviceID: "phone-E1",
		DeviceNow: t0.Add(2 * time.Minute), // the phone's clock at upload: 2 minutes fast
		Punches: []attendance.PunchInput{
			punchAt(ledger.ID{0xa1}, rules.KindIn, t0.Add(-26*time.Hour)),
			punchAt(ledger.ID{0xa2}, rules.KindOut, t0.Add(-18*time.Hour)),
			{ID: ledger.ID{0xa3}}, // malformed: fails alone
		},
	}
	first, err := e.svc.SyncOffline(e.ctx, phone, batch)
	if err != nil {
		panic(err)
	}
	again, err := e.svc.SyncOffline(e.ctx, phone, batch)
	if err != nil {
		panic(err)
	}
	fmt.Println("skew:", first.Skew)
	for i := range first.Items {
		a, b := first.Items[i], again.Items[i]
		if a.Err != nil {
			fmt.Println(i, "error:", errors.Is(a.Err, attendance.ErrInvalid))
			continue
		}
		fmt.Println(i, a.Outcome, findingCodeList(a.Findings), "same seq on retry:", a.FirstSeq == b.FirstSeq, "duplicate:", b.Duplicate)
	}
	// Output:
	// skew: 2m0s
	// 0 flag [offline_delay] same seq on retry: true duplicate: true
	// 1 accept [] same seq on retry: true duplicate: true
	// 2 error: true
}

// ExampleSigningBytes: a device bound with an Ed25519 key signs each punch.
func ExampleSigningBytes() {
	pub, priv, _ := ed25519.GenerateKey(newSeeded(1))
	p := attendance.PunchInput{
		ID: ledger.ID{1}, Kind: rules.KindIn, Source: attendance.SourceApp,
		At: time.Date(2026, 3, 9, 8, 58, 0, 0, time.UTC), DeviceID: "phone-1",
	}
	p.Signature = ed25519.Sign(priv, attendance.SigningBytes("E1", &p))
	fmt.Println(ed25519.Verify(pub, attendance.SigningBytes("E1", &p), p.Signature))
	fmt.Println(ed25519.Verify(pub, attendance.SigningBytes("E2", &p), p.Signature))
	// Output:
	// true
	// false
}

func findingCodeList(fs []attendance.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

// exampleTB lets examples reuse the test environment: failures panic, cleanups are
// dropped (the ledger is in memory).
type exampleTB struct{ testing.TB }

func (exampleTB) Helper()                           {}
func (exampleTB) Cleanup(func())                    {}
func (exampleTB) Fatal(args ...any)                 { panic(fmt.Sprint(args...)) }
func (exampleTB) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
