package projection_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

// world appends attendance events straight to a ledger (no commands: the projection
// reads the log, whoever wrote it) with the ledger clock set to each event's recorded
// time.
type world struct {
	t     testing.TB
	fs    vfs.FS
	dir   string
	clock time.Time
	l     *ledger.Ledger
}

var newYork = mustLoc("America/New_York")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

func newWorld(t testing.TB, fs vfs.FS, dir string) *world {
	t.Helper()
	w := &world{t: t, fs: fs, dir: dir, clock: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}
	w.open()
	return w
}

func (w *world) open() {
	l, err := ledger.Open(w.dir, &ledger.Options{FS: w.fs, Now: func() time.Time { return w.clock }, NoSync: true,
		Rand: zeroReader{}})
	if err != nil {
		w.t.Fatal(err)
	}
	w.l = l
}

// zeroReader is never used for IDs (every event here has one) but keeps crypto/rand out.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func (w *world) close() {
	if w.l != nil {
		if err := w.l.Close(); err != nil {
			w.t.Error(err)
		}
		w.l = nil
	}
}

// nameID derives a stable event ID from a name.
func nameID(name string) ledger.ID {
	h := sha256.Sum256([]byte(name))
	var id ledger.ID
	copy(id[:], h[:16])
	return id
}

type pending struct {
	stream string
	p      ledger.Proposed
}

func (w *world) proposed(p ledger.Payload, id string, occurred time.Time, actor string) ledger.Proposed {
	pr, err := ledger.NewProposed(p, occurred, actor)
	if err != nil {
		w.t.Fatal(err)
	}
	pr.ID = nameID(id)
	return pr
}

// commit appends events at recorded time at, in one batch.
func (w *world) commit(at time.Time, evs ...pending) {
	w.t.Helper()
	if at.Before(w.clock) {
		w.t.Fatalf("world: time goes back: %s after %s", at, w.clock)
	}
	w.clock = at
	reqs := make([]ledger.AppendRequest, len(evs))
	for i, e := range evs {
		reqs[i] = ledger.AppendRequest{Stream: e.stream, Expect: ledger.Any, Events: []ledger.Proposed{e.p}}
	}
	res, err := w.l.AppendBatch(context.Background(), reqs)
	if err != nil {
		w.t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil {
			w.t.Fatalf("world: append %s %s: %v", evs[i].stream, evs[i].p.Type, r.Err)
		}
	}
}

func loadPolicy(t testing.TB, file string, version int, from string) *rules.Policy {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	p, err := rules.ParsePolicy(b)
	if err != nil {
		t.Fatal(err)
	}
	p.Version = version
	p.EffectiveFrom = rules.MustDate(from)
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	return p
}

func (w *world) policyEvent(p *rules.Policy) pending {
	b, err := attendance.PolicyBytes(p)
	if err != nil {
		w.t.Fatal(err)
	}
	pl := &attendance.PolicyPublished{PolicyID: p.ID, Version: int64(p.Version), EffectiveFrom: p.EffectiveFrom.String(), Policy: b}
	return pending{attendance.PolicyStream(p.ID), w.proposed(pl, fmt.Sprintf("policy/%s/%d", p.ID, p.Version), w.clock, "employee:ADMIN")}
}

func (w *world) employeeEvent(id, manager, policy, joined string) pending {
	pl := &attendance.EmployeeRegistered{EmployeeID: id, ManagerID: manager, PolicyID: policy, JoinedOn: joined}
	return pending{attendance.EmployeeStream(id), w.proposed(pl, "employee/"+id, w.clock, "employee:ADMIN")}
}

func (w *world) roleEvent(id, role string) pending {
	pl := &attendance.RoleGranted{Principal: id, Role: role}
	return pending{attendance.OrgStream, w.proposed(pl, "role/"+id+"/"+role, w.clock, "employee:ADMIN")}
}

type punchSpec struct {
	emp      string
	name     string // event ID name
	kind     rules.PunchKind
	at       time.Time // device time
	offline  bool
	outcome  rules.Outcome
	findings []rules.Reason
}

func (w *world) punchEvent(s punchSpec, recorded time.Time) pending {
	if s.outcome == 0 {
		s.outcome = rules.OutcomeAccept
	}
	pl := &attendance.PunchRecorded{
		Kind: s.kind, Source: attendance.SourceApp, DeviceID: "D-" + s.emp,
		DeviceAt: s.at.UnixNano(), ReceivedAt: recorded.UnixNano(), Offline: s.offline, DeviceBound: true,
		PolicyID: "default", PolicyVersion: 1, Outcome: s.outcome, Findings: s.findings,
	}
	if s.offline {
		pl.UploadDeviceAt = recorded.UnixNano()
	}
	return pending{attendance.EmployeeStream(s.emp), w.proposed(pl, s.name, s.at, "device:D-"+s.emp)}
}

func (w *world) correctionEvent(emp, name, day, kind string, pk rules.PunchKind, at time.Time) pending {
	pl := &attendance.CorrectionRequested{Day: day, Kind: kind, PunchKind: uint8(pk), At: at.UnixNano()}
	return pending{attendance.EmployeeStream(emp), w.proposed(pl, name, w.clock, "employee:"+emp)}
}

func (w *world) approveEvent(emp, manager, name string) pending {
	pl := &attendance.CorrectionApproved{RequestID: nameID(name), Stage: "manager", Final: true}
	return pending{attendance.EmployeeStream(emp), w.proposed(pl, name+"/approved", w.clock, "employee:"+manager)}
}

func (w *world) rejectEvent(emp, manager, name string) pending {
	pl := &attendance.CorrectionRejected{RequestID: nameID(name), Stage: "manager"}
	return pending{attendance.EmployeeStream(emp), w.proposed(pl, name+"/rejected", w.clock, "employee:"+manager)}
}

func (w *world) voidEvent(emp, manager, punch string) pending {
	pl := &attendance.PunchVoided{PunchID: nameID(punch), Reason: "duplicate"}
	return pending{attendance.EmployeeStream(emp), w.proposed(pl, punch+"/void", w.clock, "employee:"+manager)}
}

func (w *world) closeEvent(from, to string) pending {
	pl := &attendance.PayPeriodClosed{From: from, To: to}
	return pending{attendance.OrgStream, w.proposed(pl, "close/"+from, w.clock, "system")}
}

func (w *world) shiftEvent(emp, name, from, to, shift string) pending {
	pl := &attendance.ShiftAssigned{From: from, To: to, Shift: shift}
	return pending{attendance.EmployeeStream(emp), w.proposed(pl, name, w.clock, "employee:ADMIN")}
}

func (w *world) leaveEvent(emp, name, from, to, kind string) pending {
	pl := &attendance.LeaveRecorded{From: from, To: to, Kind: kind}
	return pending{attendance.EmployeeStream(emp), w.proposed(pl, name, w.clock, "employee:ADMIN")}
}

// tickEvent is an event the attendance projection does not know: it only moves log time.
func (w *world) tickEvent(name string) pending {
	return pending{"test/ticks", ledger.Proposed{ID: nameID(name), Type: "test.tick", Schema: 1, OccurredAt: w.clock, Actor: "system"}}
}

// local parses "2006-01-02 15:04" in New York.
func local(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, newYork)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}
