package attendance_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

func TestPunchFindings(t *testing.T) {
	e := newEnv(t)
	e.org()
	// In the office, bound phone: accepted.
	r, err := e.svc.RecordPunch(e.ctx, emp, "E1", punchAt(ledger.ID{}, rules.KindIn, t0))
	if err != nil {
		t.Fatal(err)
	}
	if r.Outcome != rules.OutcomeAccept || len(r.Findings) != 0 {
		t.Fatalf("office punch: %v %v", r.Outcome, r.Findings)
	}
	// Far away (Potsdam, ~27 km) from an unknown device: recorded, with findings.
	far := punchAt(ledger.ID{}, rules.KindOut, t0.Add(8*time.Hour))
	far.DeviceID = "tablet-9"
	far.Location = &attendance.Location{Lat: 52.390612, Lon: 13.064538, Accuracy: 15, Provider: "gps"}
	r, err = e.svc.RecordPunch(e.ctx, emp, "E1", far)
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for _, f := range r.Findings {
		codes[f.Code] = true
	}
	if !codes["outside_fence"] || !codes["unbound_device"] {
		t.Fatalf("findings %v", r.Findings)
	}
	ev, err := e.l.Get(r.LastSeq)
	if err != nil {
		t.Fatal(err)
	}
	var p attendance.PunchRecorded
	if err := p.UnmarshalBinary(ev.Data); err != nil {
		t.Fatal(err)
	}
	if p.Fence != attendance.FenceOutside || p.Zone != "HQ" || p.Distance < 20000 || p.DeviceBound {
		t.Fatalf("measurements %+v", p)
	}
	// A skewed online clock is a finding too, never a refusal.
	sk := punchAt(ledger.ID{}, rules.KindIn, t0.Add(-time.Hour))
	r, err = e.svc.RecordPunch(e.ctx, emp, "E1", sk)
	if err != nil {
		t.Fatal(err)
	}
	if r.Findings[len(r.Findings)-1].Code != rules.FindingClockSkew {
		t.Fatalf("skew findings %v", r.Findings)
	}
}

func TestCorrectionFlow(t *testing.T) {
	e := newEnv(t)
	e.org()
	day := rules.MustDate("2026-03-09")
	req := attendance.CorrectionInput{Day: day, Kind: rules.CorrectMissingIn, At: t0, Reason: "forgot my phone"}
	rc, err := e.svc.RequestCorrection(e.ctx, emp, "E1", req)
	if err != nil {
		t.Fatal(err)
	}
	// The employee cannot approve his own request; another manager cannot either.
	for _, a := range []attendance.Actor{emp, mgr2, emp2, auditor, phone, system} {
		before := e.head()
		_, err := e.svc.ApproveCorrection(e.ctx, a, "E1", rc.ID, "")
		if !errors.Is(err, attendance.ErrForbidden) {
			t.Fatalf("%v approved: %v", a, err)
		}
		if e.head() != before {
			t.Fatalf("%v: refused decision wrote", a)
		}
	}
	d, err := e.svc.ApproveCorrection(e.ctx, mgr, "E1", rc.ID, "ok")
	if err != nil || !d.Final {
		t.Fatal(d, err)
	}
	if _, err := e.svc.RejectCorrection(e.ctx, hr, "E1", rc.ID, ""); !errors.Is(err, attendance.ErrAlreadyDecided) {
		t.Fatal(err)
	}
	js, err := e.svc.AccessRequest(e.ctx, emp, "E1")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["personal"].(map[string]any)["Name"] != "Erika Mustermann" {
		t.Fatalf("%s", js)
	}
	// The manager's document lists his decision about Erika, without its content.
	js, err = e.svc.AccessRequest(e.ctx, mgr, "M1")
	if err != nil {
		t.Fatal(err)
	}
	var mdoc struct {
		Actions []struct {
			Stream, Type string
		} `json:"actions_elsewhere"`
	}
	if err := json.Unmarshal(js, &mdoc); err != nil {
		t.Fatal(err)
	}
	if len(mdoc.Actions) != 1 || mdoc.Actions[0].Stream != "employee/E1" || mdoc.Actions[0].Type != attendance.TypeCorrectionApproved {
		t.Fatalf("manager's actions: %+v", mdoc.Actions)
	}
}

// TestDeterministicLog: the same commands with the same clock and randomness give a
// byte-identical log (same tree root): no map order, no hidden randomness in payloads.
func TestDeterministicLog(t *testing.T) {
	run := func() ledger.TreeHead {
		e := newEnvSeed(t, vfs.NewMem(), "db", 1<<40)
		e.org()
		for i := range 20 {
			in := punchAt(ledger.ID{byte(i), 0xdd}, []rules.PunchKind{rules.KindIn, rules.KindOut}[i%2], t0.Add(time.Duration(i)*time.Hour))
			in.Factors = []string{"pin", "face"}
			if _, err := e.svc.RecordPunch(e.ctx, emp, "E1", in); err != nil {
				t.Fatal(err)
			}
		}
		e.id(e.svc.RequestCorrection(e.ctx, emp, "E1", attendance.CorrectionInput{Day: rules.MustDate("2026-03-09"), Kind: rules.CorrectMissingOut, At: t0, Reason: "r"}))
		e.id(e.svc.ReportWorkLocation(e.ctx, emp, "E1", attendance.WorkLocationReport{Kind: "home", Label: "x", Center: pt(52.4, 13.3), RadiusM: 30}))
		return e.l.TreeHead()
	}
	a, b := run(), run()
	if a != b || a.Size == 0 {
		t.Fatalf("two identical runs: %v and %v", a, b)
	}
}

// TestConcurrentRegistration: two Services register the same employee at once; one
// wins, and the winner's personal data stays readable (the loser's data key, written
// before its append failed, neither replaces the winner's nor survives).
func TestConcurrentRegistration(t *testing.T) {
	e := newEnv(t)
	e.org()
	svcs := e.racingServices(2)
	for round := range 5 {
		id := fmt.Sprintf("R%d", round)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = svcs[i].RegisterEmployee(e.ctx, hr, attendance.Employee{ID: id, PolicyID: "default", Personal: &attendance.Personal{Name: fmt.Sprintf("winner %d", i)}})
			}()
		}
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner < 0:
				winner = i
			case errors.Is(err, attendance.ErrEmployeeExists):
			default:
				t.Fatalf("round %d: %v", round, errs)
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: nobody registered", round)
		}
		for _, s := range svcs {
			v, err := s.Employee(e.ctx, hr, id)
			if err != nil || v.Personal == nil || v.Personal.Name != fmt.Sprintf("winner %d", winner) {
				t.Fatalf("round %d: %+v %v", round, v.Personal, err)
			}
		}
	}
}
