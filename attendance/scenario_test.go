package attendance_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

// TestScenarios runs the stories in testdata/scenarios: one command per directive,
// its result (or its refusal) as the expected output. Rewrite with -rewrite and review
// the diff.
//
// Commands (actor= is "employee:E1", "device:phone-E1" or "system"; as= names the
// request or punch ID for later reference; every write prints the ledger positions):
//
//	setup                                   the org of newEnv.org (A1 admin, H1 hr, U1 auditor, M1→E1, M2→E2, phone-E1)
//	clock at=2026-03-20T09:00:00Z
//	punch actor= emp= kind=in|out at= [device=] [lat= lon= acc=] [id=] [as=]
//	correction actor= emp= day= kind= [at=] [as=]
//	approve|reject actor= emp= request=
//	withdraw actor= emp= request=
//	bind actor= emp= device=
//	unbind actor= emp= device= reason=
//	rebind actor= emp= device= reason= [as=]
//	approve-rebind actor= emp= request=
//	erase actor= emp=
//	employee actor= emp=                    the state as that actor may see it
func TestScenarios(t *testing.T) {
	datadriven.Walk(t, "testdata/scenarios", func(t *testing.T, path string) {
		e := newEnvSeed(t, vfs.NewMem(), "db", 1<<41) // fixed IDs: stable output
		names := map[string]ledger.ID{}
		var next byte
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			arg := func(k string) string {
				for _, a := range d.CmdArgs {
					if a.Key == k {
						if len(a.Vals) == 0 {
							return ""
						}
						return strings.Join(a.Vals, ",")
					}
				}
				return ""
			}
			actor := func() attendance.Actor {
				a, err := attendance.ParseActor(arg("actor"))
				if err != nil {
					t.Fatalf("%s: %v", d.Pos, err)
				}
				return a
			}
			tm := func(k string) time.Time {
				if arg(k) == "" {
					return time.Time{}
				}
				v, err := time.Parse(time.RFC3339, arg(k))
				if err != nil {
					t.Fatalf("%s: %v", d.Pos, err)
				}
				return v
			}
			ref := func(k string) ledger.ID {
				id, ok := names[arg(k)]
				if !ok {
					t.Fatalf("%s: no %s named %q", d.Pos, k, arg(k))
				}
				return id
			}
			name := func(id ledger.ID) {
				if n := arg("as"); n != "" {
					names[n] = id
				}
			}
			num := func(k string) float64 {
				f, err := strconv.ParseFloat(arg(k), 64)
				if err != nil {
					t.Fatalf("%s: %s: %v", d.Pos, k, err)
				}
				return f
			}
			receipt := func(r attendance.Receipt, err error) string {
				if err != nil {
					return refusal(err)
				}
				name(r.ID)
				if r.Duplicate {
					return fmt.Sprintf("duplicate of seq %d", r.FirstSeq)
				}
				return fmt.Sprintf("ok seq %d-%d", r.FirstSeq, r.LastSeq)
			}
			switch d.Cmd {
			case "setup":
				e.org()
				return fmt.Sprintf("head %d", e.head())
			case "clock":
				e.clock.Set(tm("at"))
				return ""
			case "punch":
				kind, ok := rules.ParsePunchKind(arg("kind"))
				if !ok {
					t.Fatalf("%s: kind", d.Pos)
				}
				var id ledger.ID
				if arg("id") != "" {
					id = ref("id")
				} else if arg("as") != "" {
					next++
					id = ledger.ID{0x5c, next}
				}
				in := punchAt(id, kind, tm("at"))
				if d.HasArg("device") {
					in.DeviceID = arg("device")
				}
				if d.HasArg("lat") {
					in.Location = &attendance.Location{Lat: num("lat"), Lon: num("lon"), Accuracy: num("acc"), Provider: "gps"}
				}
				r, err := e.svc.RecordPunch(e.ctx, actor(), arg("emp"), in)
				if err != nil {
					return refusal(err)
				}
				name(r.ID)
				var fs []string
				for _, f := range r.Findings {
					fs = append(fs, f.Code)
				}
				dup := ""
				if r.Duplicate {
					dup = " (duplicate)"
				}
				return fmt.Sprintf("seq %d%s: %s %v", r.FirstSeq, dup, r.Outcome, fs)
			case "correction":
				day, err := rules.ParseDate(arg("day"))
				if err != nil {
					t.Fatal(err)
				}
				return receipt(e.svc.RequestCorrection(e.ctx, actor(), arg("emp"), attendance.CorrectionInput{Day: day, Kind: rules.CorrectionKind(arg("kind")), At: tm("at")}))
			case "approve", "reject":
				var r attendance.DecisionResult
				var err error
				if d.Cmd == "approve" {
					r, err = e.svc.ApproveCorrection(e.ctx, actor(), arg("emp"), ref("request"), "")
				} else {
					r, err = e.svc.RejectCorrection(e.ctx, actor(), arg("emp"), ref("request"), "")
				}
				if err != nil {
					return refusal(err)
				}
				return fmt.Sprintf("ok seq %d final=%v", r.FirstSeq, r.Final)
			case "withdraw":
				return receipt(e.svc.WithdrawCorrection(e.ctx, actor(), arg("emp"), ref("request")))
			case "bind":
				return receipt(e.svc.BindDevice(e.ctx, actor(), arg("emp"), attendance.Device{ID: arg("device")}))
			case "unbind":
				return receipt(e.svc.UnbindDevice(e.ctx, actor(), arg("emp"), arg("device"), arg("reason")))
			case "rebind":
				return receipt(e.svc.RequestRebind(e.ctx, actor(), arg("emp"), attendance.RebindRequest{Device: attendance.Device{ID: arg("device")}, Reason: arg("reason")}))
			case "approve-rebind":
				return receipt(e.svc.ApproveRebind(e.ctx, actor(), arg("emp"), ref("request")))
			case "erase":
				return receipt(e.svc.EraseSubject(e.ctx, actor(), arg("emp"), "request"))
			case "employee":
				v, err := e.svc.Employee(e.ctx, actor(), arg("emp"))
				if err != nil {
					return refusal(err)
				}
				var b strings.Builder
				fmt.Fprintf(&b, "manager=%s policy=%s erased=%v", v.Record.ManagerID, v.Record.PolicyID, v.Erased)
				if v.Personal != nil {
					fmt.Fprintf(&b, " name=%q", v.Personal.Name)
				}
				for _, dv := range v.Devices {
					fmt.Fprintf(&b, "\ndevice %s", dv.ID)
				}
				for _, p := range v.Pending {
					n := p.ID.String()
					for k, id := range names {
						if id == p.ID {
							n = k
						}
					}
					fmt.Fprintf(&b, "\npending %s %s %s %s", p.What, n, p.Day, p.Kind)
				}
				return b.String()
			}
			t.Fatalf("%s: unknown command %q", d.Pos, d.Cmd)
			return ""
		})
	})
}

// refusal prints an error as its sentinel and, for a ForbiddenError, its reason.
func refusal(err error) string {
	var fe *attendance.ForbiddenError
	if errors.As(err, &fe) {
		return "forbidden: " + fe.Reason
	}
	for _, s := range []error{attendance.ErrInvalid, attendance.ErrUnknownEmployee, attendance.ErrErased,
		attendance.ErrLimitExceeded, attendance.ErrDeadlinePassed, attendance.ErrEvidenceRequired, attendance.ErrKindNotAllowed,
		attendance.ErrDeviceAlreadyBound, attendance.ErrDeviceNotBound, attendance.ErrUnknownRequest, attendance.ErrAlreadyDecided,
		attendance.ErrDuplicatePunch, attendance.ErrUnknownPunch} {
		if errors.Is(err, s) {
			return "refused: " + strings.TrimPrefix(s.Error(), "attendance: ")
		}
	}
	return "error: " + err.Error()
}
