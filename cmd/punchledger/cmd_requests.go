package main

import (
	"strconv"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/geofence"
)

func init() {
	register(&command{
		name:    "void",
		summary: "take a punch out of evaluation (manager, hr or admin; it stays in the log)",
		example: `punchledger --actor manager:M1 void --employee E1001 --punch 3f2a9c0d4e5b6a7f8091a2b3c4d5e6f7 --reason duplicate_tap`,
		run:     runVoid,
	})
	register(&command{
		name:    "device rebind-request",
		summary: "an employee asks to replace his bound device (broken, lost, replaced)",
		example: `punchledger --actor employee:E1001 device rebind-request --device phone-2 --gen-key phone-2.key --reason broken`,
		run:     runRebindRequest,
	})
	register(&command{
		name:    "device rebind-approve",
		args:    "REQUEST_ID",
		summary: "approve a device replacement (the manager, hr or an admin): the new device is bound",
		example: `punchledger --actor manager:M1 device rebind-approve --employee E1001 3f2a9c0d4e5b6a7f8091a2b3c4d5e6f7`,
		run:     func(e *env, args []string) error { return runDecision(e, args, "rebind", true) },
	})
	register(&command{
		name:    "device rebind-reject",
		args:    "REQUEST_ID",
		summary: "reject a device replacement request",
		example: `punchledger --actor manager:M1 device rebind-reject --employee E1001 --reason use_kiosk 3f2a9c0d4e5b6a7f8091a2b3c4d5e6f7`,
		run:     func(e *env, args []string) error { return runDecision(e, args, "rebind", false) },
	})
	register(&command{
		name:    "worklocation report",
		summary: "an employee reports a place he works from (home, client); once approved it is a zone for him",
		example: `punchledger --actor employee:E1001 worklocation report --kind home --lat 40.712811 --lon -74.006013 --radius 100 --label "home office"`,
		run:     runWorkLocation,
	})
	register(&command{
		name:    "worklocation approve",
		args:    "LOCATION_ID",
		summary: "approve a reported work location (the manager, hr or an admin)",
		example: `punchledger --actor manager:M1 worklocation approve --employee E1001 3f2a9c0d4e5b6a7f8091a2b3c4d5e6f7`,
		run:     func(e *env, args []string) error { return runDecision(e, args, "worklocation", true) },
	})
	register(&command{
		name:    "worklocation reject",
		args:    "LOCATION_ID",
		summary: "reject a reported work location",
		example: `punchledger --actor manager:M1 worklocation reject --employee E1001 --reason not_a_client_site 3f2a9c0d4e5b6a7f8091a2b3c4d5e6f7`,
		run:     func(e *env, args []string) error { return runDecision(e, args, "worklocation", false) },
	})
	register(&command{
		name:    "employee access",
		args:    "ID",
		summary: "everything the ledger holds about an employee, as one JSON document (the employee, hr, admins)",
		example: `punchledger --actor employee:E1001 employee access E1001 > my-data.json`,
		run:     runAccess,
	})
}

func runVoid(e *env, args []string) error {
	fs := e.flags()
	emp := fs.String("employee", "", "employee `ID`")
	punch := fs.String("punch", "", "the punch `ID` (32 hex)")
	reason := fs.String("reason", "", "why, as a `code` of [a-z0-9_] (kept in the log): duplicate_tap, wrong_employee")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := requireAll("employee", *emp, "punch", *punch, "reason", *reason); err != nil {
		return err
	}
	id, err := parseEventID("--punch", *punch)
	if err != nil {
		return err
	}
	svc, a, done, err := e.session()
	if err != nil {
		return err
	}
	defer done()
	r, err := svc.VoidPunch(e.ctx, a, *emp, id, *reason)
	if err != nil {
		return explainErr(err)
	}
	return e.emitReceipt("punch voided", r, "employee", *emp)
}

func runRebindRequest(e *env, args []string) error {
	fs := e.flags()
	emp := fs.String("employee", "", "employee `ID` (default: the acting employee)")
	dev := fs.String("device", "", "the new device `ID`")
	key := addKeyFlags(fs, "the new device")
	reason := fs.String("reason", "", "`code`: lost, broken, replaced, other")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := requireAll("device", *dev, "reason", *reason); err != nil {
		return err
	}
	if err := key.check(); err != nil {
		return err
	}
	svc, a, employee, done, err := e.employeeSession(*emp)
	if err != nil {
		return err
	}
	defer done()
	d := attendance.Device{ID: *dev}
	if d.PublicKey, err = e.deviceKey(svc, a, employee, key); err != nil {
		return err
	}
	r, err := svc.RequestRebind(e.ctx, a, employee, attendance.RebindRequest{Device: d, Reason: *reason})
	if err != nil {
		return explainErr(err)
	}
	return e.emitReceipt("device replacement requested", r, "employee", employee, "request_id", r.ID.String())
}

// runDecision approves or rejects a pending request: a correction, a device replacement
// or a work location.
func runDecision(e *env, args []string, kind string, approve bool) error {
	fs := e.flags()
	emp := fs.String("employee", "", "the requesting employee's `ID`")
	var note *string
	if kind == "correction" {
		note = fs.String("comment", "", "comment (free text, sealed)")
	} else {
		note = fs.String("reason", "", "why, for a rejection: a `code` of [a-z0-9_]")
	}
	pos, err := e.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if err := required("employee", *emp); err != nil {
		return err
	}
	id, err := parseEventID("request ID", pos[0])
	if err != nil {
		return err
	}
	svc, a, done, err := e.session()
	if err != nil {
		return err
	}
	defer done()
	var r attendance.Receipt
	var extra []any
	verdict := map[bool]string{true: "approved", false: "rejected"}[approve]
	what := map[string]string{"correction": "correction", "rebind": "device replacement", "worklocation": "work location"}[kind] + " " + verdict
	switch kind {
	case "correction":
		var d attendance.DecisionResult
		if approve {
			d, err = svc.ApproveCorrection(e.ctx, a, *emp, id, *note)
		} else {
			d, err = svc.RejectCorrection(e.ctx, a, *emp, id, *note)
		}
		if err == nil {
			err = d.Err
		}
		if !d.Final {
			what += " (one more approval is needed)"
		}
		r, extra = d.Receipt, []any{"final", d.Final}
	case "rebind":
		if approve {
			r, err = svc.ApproveRebind(e.ctx, a, *emp, id)
		} else {
			r, err = svc.RejectRebind(e.ctx, a, *emp, id, *note)
		}
	default:
		if approve {
			r, err = svc.ApproveWorkLocation(e.ctx, a, *emp, id)
		} else {
			r, err = svc.RejectWorkLocation(e.ctx, a, *emp, id, *note)
		}
	}
	if err != nil {
		return explainErr(err)
	}
	return e.emitReceipt(what, r, append([]any{"employee", *emp}, extra...)...)
}

func runWorkLocation(e *env, args []string) error {
	fs := e.flags()
	emp := fs.String("employee", "", "employee `ID` (default: the acting employee)")
	kind := fs.String("kind", "", "`kind`: home or client")
	lat := fs.String("lat", "", "centre latitude, `degrees`")
	lon := fs.String("lon", "", "centre longitude, `degrees`")
	radius := fs.Float64("radius", 100, "radius in `metres` (10 to 5000)")
	label := fs.String("label", "", "a label (sealed)")
	address := fs.String("address", "", "the address (sealed)")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := requireAll("kind", *kind, "lat", *lat, "lon", *lon); err != nil {
		return err
	}
	var p geofence.Point
	var err error
	if p.Lat, err = strconv.ParseFloat(*lat, 64); err != nil {
		return usagef("--lat %q: not a number", *lat)
	}
	if p.Lon, err = strconv.ParseFloat(*lon, 64); err != nil {
		return usagef("--lon %q: not a number", *lon)
	}
	svc, a, employee, done, err := e.employeeSession(*emp)
	if err != nil {
		return err
	}
	defer done()
	r, err := svc.ReportWorkLocation(e.ctx, a, employee, attendance.WorkLocationReport{Kind: *kind, Label: *label,
		Address: *address, Center: p, RadiusM: *radius})
	if err != nil {
		return explainErr(err)
	}
	return e.emitReceipt("work location reported", r, "employee", employee, "location_id", r.ID.String())
}

func runAccess(e *env, args []string) error {
	fs := e.flags()
	pos, err := e.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	svc, a, done, err := e.session()
	if err != nil {
		return err
	}
	defer done()
	doc, err := svc.AccessRequest(e.ctx, a, pos[0])
	if err != nil {
		return explainErr(err)
	}
	_, err = e.stdout.Write(append(doc, '\n'))
	return err
}
