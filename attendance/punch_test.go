package attendance_test

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

func findingCodes(fs []attendance.Finding) map[string]bool {
	m := map[string]bool{}
	for _, f := range fs {
		m[f.Code] = true
	}
	return m
}

// stored returns the punch payload at seq and the sealed evidence as the employee's
// access document shows it.
func (e *env) storedPunch(seq uint64) attendance.PunchRecorded {
	e.t.Helper()
	ev, err := e.l.Get(seq)
	if err != nil {
		e.t.Fatal(err)
	}
	var p attendance.PunchRecorded
	if err := p.UnmarshalBinary(ev.Data); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) evidence(id ledger.ID) map[string]any {
	e.t.Helper()
	doc, err := e.svc.AccessRequest(e.ctx, emp, "E1")
	if err != nil {
		e.t.Fatal(err)
	}
	var d struct {
		Events []struct {
			ID   string         `json:"id"`
			Data map[string]any `json:"data"`
		} `json:"events"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		e.t.Fatal(err)
	}
	for _, ev := range d.Events {
		if ev.ID == id.String() {
			s, _ := ev.Data["Sealed"].(map[string]any)
			return s
		}
	}
	e.t.Fatalf("punch %s not in the access document", id)
	return nil
}

func TestPrivacyLevels(t *testing.T) {
	for _, level := range []rules.LocationPrivacy{rules.LocationExact, rules.LocationCoarse, rules.LocationVerdict} {
		t.Run(string(level), func(t *testing.T) {
			e := newEnv(t)
			e.org()
			p := loadPolicy(t)
			p.Version, p.Privacy.Location = 2, level
			e.id(e.svc.PublishPolicy(e.ctx, admin, p))
			in := punchAt(ledger.ID{}, rules.KindIn, t0)
			in.BSSID = "00:11:22:33:44:55"
			r, err := e.svc.RecordPunch(e.ctx, emp, "E1", in)
			if err != nil {
				t.Fatal(err)
			}
			pr := e.storedPunch(r.LastSeq)
			if pr.Privacy != string(level) || pr.Fence != attendance.FenceInside || pr.Zone != "HQ" || pr.WiFi != attendance.MatchAllowed {
				t.Fatalf("measurements %+v", pr)
			}
			ev := e.evidence(r.ID)
			lat, _ := ev["Lat"].(float64)
			switch level {
			case rules.LocationExact:
				if lat != in.Location.Lat || ev["BSSID"] != in.BSSID {
					t.Fatalf("exact: %v", ev)
				}
			case rules.LocationCoarse:
				if lat != math.Round(in.Location.Lat*100)/100 || ev["Accuracy"].(float64) < 1100 {
					t.Fatalf("coarse: %v", ev)
				}
			case rules.LocationVerdict:
				if ev["HasFix"] != false || lat != 0 || ev["BSSID"] != "" {
					t.Fatalf("verdict: %v", ev)
				}
			}
		})
	}
}

func TestDeviceSignatures(t *testing.T) {
	e := newEnv(t)
	e.org()
	pub, priv, _ := ed25519.GenerateKey(newSeeded(7))
	e.id(e.svc.UnbindDevice(e.ctx, hr, "E1", "phone-E1", "replaced"))
	e.id(e.svc.BindDevice(e.ctx, emp, "E1", attendance.Device{ID: "phone-E1", PublicKey: pub}))
	sign := func(in attendance.PunchInput) attendance.PunchInput {
		in.Signature = ed25519.Sign(priv, attendance.SigningBytes("E1", &in))
		return in
	}
	cases := []struct {
		name    string
		in      attendance.PunchInput
		want    attendance.SignatureState
		finding string
		outcome rules.Outcome
	}{
		{"valid", sign(punchAt(ledger.ID{1}, rules.KindIn, t0)), attendance.SignatureValid, "", rules.OutcomeAccept},
		{"tampered", func() attendance.PunchInput {
			in := sign(punchAt(ledger.ID{2}, rules.KindIn, t0))
			in.At = in.At.Add(-time.Minute) // signed another time
			return in
		}(), attendance.SignatureInvalid, rules.FindingSignatureInvalid, rules.OutcomeReject},
		{"unsigned", punchAt(ledger.ID{3}, rules.KindOut, t0), attendance.SignatureAbsent, attendance.FindingSignatureMissing, rules.OutcomeFlag},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := e.svc.RecordPunch(e.ctx, emp, "E1", c.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.storedPunch(r.LastSeq).Signature; got != c.want {
				t.Fatalf("signature state %d, want %d", got, c.want)
			}
			if c.finding != "" && !findingCodes(r.Findings)[c.finding] {
				t.Fatalf("findings %v", r.Findings)
			}
			if r.Outcome != c.outcome {
				t.Fatalf("outcome %v, want %v (%v)", r.Outcome, c.outcome, r.Findings)
			}
		})
	}
	// A retried punch returns the original, whatever the clock says now.
	e.clock.Add(time.Hour)
	r, err := e.svc.RecordPunch(e.ctx, emp, "E1", cases[0].in)
	if err != nil || !r.Duplicate || r.Outcome != rules.OutcomeAccept {
		t.Fatalf("retry: %+v %v", r, err)
	}
	// The same ID for another punch is refused.
	other := cases[0].in
	other.Kind = rules.KindOut
	if _, err := e.svc.RecordPunch(e.ctx, emp, "E1", other); err == nil {
		t.Fatal("a reused punch ID was accepted")
	}
}

// TestWorkLocationZone: an approved home office is a zone for that employee only.
func TestWorkLocationZone(t *testing.T) {
	e := newEnv(t)
	e.org()
	home := attendance.WorkLocationReport{Kind: "home", Label: "flat", Center: pt(52.4500, 13.2900), RadiusM: 60}
	at := func(n int) attendance.PunchInput {
		in := punchAt(ledger.ID{}, rules.KindIn, t0.Add(time.Duration(n)*24*time.Hour))
		in.Location = &attendance.Location{Lat: 52.450012, Lon: 13.290021, Accuracy: 8, Provider: "gps"}
		return in
	}
	r, err := e.svc.RecordPunch(e.ctx, emp, "E1", at(0))
	if err != nil || !findingCodes(r.Findings)[rules.FindingOutsideFence] {
		t.Fatalf("before approval: %+v %v", r, err)
	}
	loc := e.id(e.svc.ReportWorkLocation(e.ctx, emp, "E1", home))
	r, err = e.svc.RecordPunch(e.ctx, emp, "E1", at(1))
	if err != nil || !findingCodes(r.Findings)[rules.FindingOutsideFence] {
		t.Fatalf("pending: %+v %v", r, err)
	}
	e.id(e.svc.ApproveWorkLocation(e.ctx, mgr, "E1", loc))
	e.clock.Add(48 * time.Hour)
	in := at(2)
	r, err = e.svc.RecordPunch(e.ctx, emp, "E1", in)
	if err != nil || findingCodes(r.Findings)[rules.FindingOutsideFence] {
		t.Fatalf("approved: %+v %v", r, err)
	}
	if p := e.storedPunch(r.LastSeq); p.Fence != attendance.FenceInside || p.Zone != "worklocation:"+loc.String() {
		t.Fatalf("measurements %+v", p)
	}
}

// TestPunchIDReuse: a punch ID that names an event of another employee is refused for
// that punch only; the rest of the batch is recorded.
func TestPunchIDReuse(t *testing.T) {
	e := newEnv(t)
	e.org()
	r, err := e.svc.RecordPunch(e.ctx, emp, "E1", punchAt(ledger.ID{0x77}, rules.KindIn, t0))
	if err != nil {
		t.Fatal(err)
	}
	e.id(e.svc.UpdateEmployee(e.ctx, hr, attendance.Employee{ID: "E2", ManagerID: "M2", PolicyID: "default", LeftOn: rules.MustDate("2026-03-01")}))
	in1 := punchAt(ledger.ID{0x77}, rules.KindIn, t0) // E1's punch ID
	in2 := punchAt(ledger.ID{0x78}, rules.KindIn, t0)
	in1.DeviceID, in2.DeviceID = "kiosk-1", "kiosk-1"
	res, err := e.svc.SyncOffline(e.ctx, system, attendance.SyncBatch{EmployeeID: "E2", DeviceID: "kiosk-1", DeviceNow: t0, Punches: []attendance.PunchInput{in1, in2}})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(res.Items[0].Err, attendance.ErrDuplicatePunch) {
		t.Fatalf("reused ID: %v", res.Items[0].Err)
	}
	if res.Items[1].Err != nil || res.Items[1].FirstSeq <= r.LastSeq {
		t.Fatalf("second punch: %+v", res.Items[1])
	}
	if c := findingCodes(res.Items[1].Findings); !c[attendance.FindingNotEmployed] || !c[rules.FindingUnboundDevice] {
		t.Fatalf("findings %v", res.Items[1].Findings)
	}
}
