package attendance_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

// actors of the matrix: who they are relative to employee E1.
var matrixActors = []struct {
	name  string
	actor attendance.Actor
}{
	{"employee", emp},
	{"other-employee", emp2},
	{"manager", mgr},
	{"other-manager", mgr2},
	{"hr", hr},
	{"admin", admin},
	{"auditor", auditor},
	{"device", phone},
	{"system", system},
}

type matrixCase struct {
	name    string
	allowed string // space-separated actor names
	read    bool   // a read: writes nothing even when allowed
	// prep runs before the head is measured (as the right people); run is the
	// command under test.
	prep func(e *env) any
	run  func(e *env, a attendance.Actor, prep any) error
}

func (e *env) id(r attendance.Receipt, err error) ledger.ID {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
	return r.ID
}

func matrixCases() []matrixCase {
	day := rules.MustDate("2026-03-09")
	correction := func(e *env) any {
		return e.id(e.svc.RequestCorrection(e.ctx, emp, "E1", attendance.CorrectionInput{Day: day, Kind: rules.CorrectMissingOut, At: t0}))
	}
	rebind := func(e *env) any {
		return e.id(e.svc.RequestRebind(e.ctx, emp, "E1", attendance.RebindRequest{Device: attendance.Device{ID: "phone-new"}, Reason: "broken"}))
	}
	location := func(e *env) any {
		return e.id(e.svc.ReportWorkLocation(e.ctx, emp, "E1", attendance.WorkLocationReport{Kind: "home", Label: "home", Center: pt(52.5, 13.3), RadiusM: 50}))
	}
	punch := func(e *env) any {
		r, err := e.svc.RecordPunch(e.ctx, emp, "E1", punchAt(ledger.ID{}, rules.KindIn, t0))
		if err != nil {
			e.t.Fatal(err)
		}
		return r.ID
	}
	var nextID byte
	freshID := func() ledger.ID {
		nextID++
		return ledger.ID{0xee, nextID}
	}
	return []matrixCase{
		{name: "GrantRole", allowed: "admin", run: func(e *env, a attendance.Actor, _ any) error {
			_, err := e.svc.GrantRole(e.ctx, a, "E2", attendance.RoleHR)
			return err
		}},
		{name: "RevokeRole", allowed: "admin", run: func(e *env, a attendance.Actor, _ any) error {
			_, err := e.svc.RevokeRole(e.ctx, a, "U1", attendance.RoleAuditor)
			return err
		}},
		{name: "PublishPolicy", allowed: "admin", run: func(e *env, a attendance.Actor, _ any) error {
			p := loadPolicy(e.t)
			p.Version = 2
			_, err := e.svc.PublishPolicy(e.ctx, a, p)
			return err
		}},
		{name: "RegisterEmployee", allowed: "hr admin", run: func(e *env, a attendance.Actor, _ any) error {
			_, err := e.svc.RegisterEmployee(e.ctx, a, attendance.Employee{ID: "E9", PolicyID: "default"})
			return err
		}},
		{name: "UpdateEmployee", allowed: "hr admin", run: func(e *env, a attendance.Actor, _ any) error {
			_, err := e.svc.UpdateEmployee(e.ctx, a, attendance.Employee{ID: "E1", ManagerID: "M2", PolicyID: "default"})
			return err
		}},
		{name: "BindDevice", allowed: "employee hr admin",
			prep: func(e *env) any {
				e.id(e.svc.UnbindDevice(e.ctx, hr, "E1", "phone-E1", "broken"))
				return nil
			},
			run: func(e *env, a attendance.Actor, _ any) error {
				_, err := e.svc.BindDevice(e.ctx, a, "E1", attendance.Device{ID: "phone-new"})
				return err
			}},
		{name: "UnbindDevice", allowed: "hr admin", run: func(e *env, a attendance.Actor, _ any) error {
			_, err := e.svc.UnbindDevice(e.ctx, a, "E1", "phone-E1", "lost")
			return err
		}},
		{name: "RequestRebind", allowed: "employee", run: func(e *env, a attendance.Actor, _ any) error {
			_, err := e.svc.RequestRebind(e.ctx, a, "E1", attendance.RebindRequest{Device: attendance.Device{ID: "phone-new"}, Reason: "broken"})
			return err
		}},
		{name: "ApproveRebind", allowed: "manager hr admin", prep: rebind, run: func(e *env, a attendance.Actor, p any) error {
			_, err := e.svc.ApproveRebind(e.ctx, a, "E1", p.(ledger.ID))
			return err
		}},
		{name: "RejectRebind", allowed: "manager hr admin", prep: rebind, run: func(e *env, a attendance.Actor, p any) error {
			_, err := e.svc.RejectRebind(e.ctx, a, "E1", p.(ledger.ID), "not_approved")
			return err
		}},
		{name: "RecordPunch", allowed: "employee device system", run: func(e *env, a attendance.Actor, _ any) error {
			_, err := e.svc.RecordPunch(e.ctx, a, "E1", punchAt(ledger.ID{}, rules.KindIn, t0))
			return err
		}},
		{name: "SyncOffline", allowed: "employee device system", run: func(e *env, a attendance.Actor, _ any) error {
			res, err := e.svc.SyncOffline(e.ctx, a, attendance.SyncBatch{EmployeeID: "E1", DeviceID: "phone-E1", DeviceNow: t0,
				Punches: []attendance.PunchInput{punchAt(freshID(), rules.KindIn, t0.Add(-3600e9))}})
			if err == nil && res.Items[0].Err != nil {
				return res.Items[0].Err
			}
			return err
		}},
		{name: "VoidPunch", allowed: "manager hr admin", prep: punch, run: func(e *env, a attendance.Actor, p any) error {
			_, err := e.svc.VoidPunch(e.ctx, a, "E1", p.(ledger.ID), "duplicate")
			return err
		}},
		{name: "RequestCorrection", allowed: "employee", run: func(e *env, a attendance.Actor, _ any) error {
			_, err := e.svc.RequestCorrection(e.ctx, a, "E1", attendance.CorrectionInput{Day: day, Kind: rules.CorrectMissingOut, At: t0})
			return err
		}},
		{name: "ApproveCorrection", allowed: "manager hr admin", prep: correction, run: func(e *env, a attendance.Actor, p any) error {
			_, err := e.svc.ApproveCorrection(e.ctx, a, "E1", p.(ledger.ID), "")
			return err
		}},
		{name: "RejectCorrection", allowed: "manager hr admin", prep: correction, run: func(e *env, a attendance.Actor, p any) error {
			_, err := e.svc.RejectCorrection(e.ctx, a, "E1", p.(ledger.ID), "no")
			return err
		}},
		{name: "DecideCorrections", allowed: "manager hr admin", prep: correction, run: func(e *env, a attendance.Actor, p any) error {
			rs := e.svc.DecideCorrections(e.ctx, a, []attendance.Decision{{EmployeeID: "E1", RequestID: p.(ledger.ID), Approve: true}})
			return rs[0].Err
		}},
		{name: "WithdrawCorrection", allowed: "employee", prep: correction, run: func(e *env, a attendance.Actor, p any) error {
			_, err := e.svc.WithdrawCorrection(e.ctx, a, "E1", p.(ledger.ID))
			return err
		}},
		{name: "AssignShift", allowed: "manager hr admin", run: func(e *env, a attendance.Actor, _ any) error {
			_, err := e.svc.AssignShift(e.ctx, a, "E1", rules.Assignment{From: day, To: day.AddDays(6), Shift: "day"})
			return err
		}},
		{name: "RecordLeave", allowed: "manager hr admin", run: func(e *env, a attendance.Actor, _ any) error {
			_, err := e.svc.RecordLeave(e.ctx, a, "E1", attendance.Leave{From: day, To: day, Kind: "sick", Note: "flu"})
			return err
		}},
		{name: "ClosePayPeriod", allowed: "hr admin system", run: func(e *env, a attendance.Actor, _ any) error {
			_, err := e.svc.ClosePayPeriod(e.ctx, a, attendance.PayPeriod{PolicyID: "default", From: rules.MustDate("2026-02-01"), To: rules.MustDate("2026-02-28")})
			return err
		}},
		{name: "ReportWorkLocation", allowed: "employee", run: func(e *env, a attendance.Actor, _ any) error {
			_, err := e.svc.ReportWorkLocation(e.ctx, a, "E1", attendance.WorkLocationReport{Kind: "home", Center: pt(52.5, 13.3), RadiusM: 50})
			return err
		}},
		{name: "ApproveWorkLocation", allowed: "manager hr admin", prep: location, run: func(e *env, a attendance.Actor, p any) error {
			_, err := e.svc.ApproveWorkLocation(e.ctx, a, "E1", p.(ledger.ID))
			return err
		}},
		{name: "RejectWorkLocation", allowed: "manager hr admin", prep: location, run: func(e *env, a attendance.Actor, p any) error {
			_, err := e.svc.RejectWorkLocation(e.ctx, a, "E1", p.(ledger.ID), "too_far")
			return err
		}},
		{name: "EraseSubject", allowed: "hr admin", run: func(e *env, a attendance.Actor, _ any) error {
			_, err := e.svc.EraseSubject(e.ctx, a, "E1", "request")
			return err
		}},
		{name: "Employee", read: true, allowed: "employee manager hr admin auditor", run: func(e *env, a attendance.Actor, _ any) error {
			_, err := e.svc.Employee(e.ctx, a, "E1")
			return err
		}},
		{name: "CanRead", read: true, allowed: "employee manager hr admin auditor", run: func(e *env, a attendance.Actor, _ any) error {
			return e.svc.CanRead(e.ctx, a, "E1")
		}},
		{name: "PunchEvidence", read: true, allowed: "employee manager hr admin", prep: punch, run: func(e *env, a attendance.Actor, p any) error {
			ev, err := e.svc.PunchEvidence(e.ctx, a, "E1", p.(ledger.ID))
			if err == nil && (!ev.HasFix || ev.Lat == 0) {
				return fmt.Errorf("evidence %+v", ev)
			}
			return err
		}},
		{name: "AccessRequest", read: true, allowed: "employee hr admin", run: func(e *env, a attendance.Actor, _ any) error {
			_, err := e.svc.AccessRequest(e.ctx, a, "E1")
			return err
		}},
		{name: "Roles", read: true, allowed: "employee other-employee manager other-manager hr admin auditor device system", run: func(e *env, a attendance.Actor, _ any) error {
			_, err := e.svc.Roles(e.ctx, a) // one's own roles
			return err
		}},
		{name: "Export", read: true, allowed: "hr admin auditor", run: func(e *env, a attendance.Actor, _ any) error {
			_, err := e.svc.Export(e.ctx, a, io.Discard, attendance.ExportOptions{})
			return err
		}},
		{name: "ExportPersonal", read: true, allowed: "hr admin", run: func(e *env, a attendance.Actor, _ any) error {
			_, err := e.svc.Export(e.ctx, a, io.Discard, attendance.ExportOptions{Personal: true})
			return err
		}},
	}
}

// TestAuthorizationMatrix runs every command against every kind of actor, each on a
// fresh ledger: allowed ones succeed (and, for commands, write); refused ones return a
// *ForbiddenError naming the actor and leave the ledger head where it was.
func TestAuthorizationMatrix(t *testing.T) {
	for _, c := range matrixCases() {
		allowed := map[string]bool{}
		for _, n := range strings.Fields(c.allowed) {
			allowed[n] = true
		}
		for _, ma := range matrixActors {
			want := "deny"
			if allowed[ma.name] {
				want = "allow"
			}
			t.Run(fmt.Sprintf("%s/%s/%s", c.name, ma.name, want), func(t *testing.T) {
				e := newEnv(t)
				e.org()
				var p any
				if c.prep != nil {
					p = c.prep(e)
				}
				before := e.head()
				err := c.run(e, ma.actor, p)
				after := e.head()
				if allowed[ma.name] {
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					if !c.read && after == before {
						t.Fatal("allowed command wrote nothing")
					}
					if c.read && after != before {
						t.Fatal("a read wrote")
					}
					return
				}
				var fe *attendance.ForbiddenError
				if !errors.Is(err, attendance.ErrForbidden) || !errors.As(err, &fe) {
					t.Fatalf("want ErrForbidden, got %v", err)
				}
				if fe.Actor != ma.actor || fe.Reason == "" {
					t.Fatalf("ForbiddenError %+v", fe)
				}
				if after != before {
					t.Fatalf("refused command moved the head %d → %d", before, after)
				}
			})
		}
	}
}

// Every Service method that takes an Actor must appear in the matrix.
func TestMatrixCoversCommands(t *testing.T) {
	covered := map[string]bool{"Bootstrap": true} // TestBootstrap
	for _, c := range matrixCases() {
		covered[c.name] = true
	}
	var missing []string
	for _, m := range serviceMethodsTakingActor() {
		if !covered[m] {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("not in the authorization matrix: %v", missing)
	}
}

func TestBootstrap(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.Bootstrap(e.ctx, emp, "A1"); !errors.Is(err, attendance.ErrForbidden) {
		t.Fatalf("an employee made someone else admin: %v", err)
	}
	if _, err := e.svc.Bootstrap(e.ctx, phone, "A1"); !errors.Is(err, attendance.ErrForbidden) {
		t.Fatal(err)
	}
	if e.head() != 0 {
		t.Fatal("refused bootstrap wrote")
	}
	if _, err := e.svc.Bootstrap(e.ctx, admin, "A1"); err != nil {
		t.Fatal(err)
	}
	for _, a := range []attendance.Actor{system, emp} {
		if _, err := e.svc.Bootstrap(e.ctx, a, a.ID+"X"); !errors.Is(err, attendance.ErrBootstrapped) && !errors.Is(err, attendance.ErrForbidden) {
			t.Fatalf("second bootstrap: %v", err)
		}
	}
	if _, err := e.svc.Bootstrap(e.ctx, system, "Z9"); !errors.Is(err, attendance.ErrBootstrapped) {
		t.Fatalf("second bootstrap: %v", err)
	}
	if e.head() != 1 {
		t.Fatalf("head %d", e.head())
	}
	// The last admin cannot be revoked.
	if _, err := e.svc.RevokeRole(e.ctx, admin, "A1", attendance.RoleAdmin); !errors.Is(err, attendance.ErrInvalid) {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := e.svc.Export(e.ctx, admin, &buf, attendance.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
}
