package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sort"
	"strings"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
)

func init() {
	register(&command{
		name:    "policy publish",
		args:    "FILE",
		summary: "publish a policy version (admins); it applies from its effective_from date",
		long: `Validates FILE (see 'policy validate') and appends it to the policy's stream. A new
version of the same policy ID must have a higher version number. Replay uses the
version in force on each day, so a retroactive change is itself visible history.`,
		example: `punchledger --actor admin:root policy publish policy.json`,
		run:     runPolicyPublish,
	})
	register(&command{
		name:    "policy show",
		summary: "print a published policy as JSON (latest version, or --version N)",
		example: `punchledger policy show --id default --version 1`,
		run:     runPolicyShow,
	})
	register(&command{
		name:    "role grant",
		summary: "grant an employee a role: hr, admin or auditor (admins)",
		example: `punchledger --actor admin:root role grant --employee H1 --role hr`,
		run:     func(e *env, args []string) error { return runRole(e, args, true) },
	})
	register(&command{
		name:    "role revoke",
		summary: "revoke a role (admins; the last admin stays)",
		example: `punchledger --actor admin:root role revoke --employee H1 --role hr`,
		run:     func(e *env, args []string) error { return runRole(e, args, false) },
	})
	register(&command{
		name:    "employee add",
		summary: "register an employee (hr and admins)",
		long: `IDs are opaque ([A-Za-z0-9._-], up to 64): they appear in plaintext in the log.
Name, e-mail and phone are personal data: they are sealed with the employee's key and
disappear for good with 'erase'.`,
		example: `punchledger --actor hr:H1 employee add --id E1001 --manager M1 --policy default --site NYC --name "Ada Lovelace" --email ada@example.com`,
		run:     func(e *env, args []string) error { return runEmployee(e, args, true) },
	})
	register(&command{
		name:    "employee update",
		summary: "change an employee's manager, site, policy, time zone or dates (hr and admins)",
		long:    `Only the flags given change; the rest of the record stays as it is.`,
		example: `punchledger --actor hr:H1 employee update --id E1001 --manager M2 --left 2026-12-31`,
		run:     func(e *env, args []string) error { return runEmployee(e, args, false) },
	})
	register(&command{
		name:    "employee list",
		summary: "list the employees the actor may see (--team M: a manager's reports)",
		example: `punchledger --actor hr:H1 employee list --format csv`,
		run:     runEmployeeList,
	})
	register(&command{
		name:    "employee show",
		args:    "ID",
		summary: "show an employee's record, devices and pending requests",
		example: `punchledger --actor manager:M1 employee show E1001`,
		run:     runEmployeeShow,
	})
	register(&command{
		name:    "device bind",
		summary: "bind a device to an employee, optionally with its Ed25519 public key",
		long: `A second device needs the first unbound ('device unbind'). --gen-key FILE creates a
key pair, writes the private key (hex seed) to FILE for the device to sign punches with
('punch --sign-key FILE') and binds the public key.`,
		example: `punchledger --actor hr:H1 device bind --employee E1001 --device phone-1 --gen-key phone-1.key --model "Pixel 9"`,
		run:     runDeviceBind,
	})
	register(&command{
		name:    "device unbind",
		summary: "unbind an employee's device (lost, broken, replaced)",
		example: `punchledger --actor hr:H1 device unbind --employee E1001 --device phone-1 --reason broken`,
		run:     runDeviceUnbind,
	})
	register(&command{
		name:    "erase",
		summary: "erase an employee's personal data for good (crypto-shredding; hr and admins)",
		long: `Deletes the employee's data key and compacts it away: the sealed personal fields
(name, contact, locations, IPs, device details) become unreadable everywhere, while the
log still verifies and reports still rebuild without them.`,
		example: `punchledger --actor admin:root erase --employee E1001 --reason erasure_request`,
		run:     runErase,
	})
}

func runPolicyPublish(e *env, args []string) error {
	fs := e.flags()
	pos, err := e.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	a, err := e.actor()
	if err != nil {
		return err
	}
	p, err := e.loadPolicy(pos[0])
	if err != nil {
		return err
	}
	svc, l, err := e.service()
	if err != nil {
		return err
	}
	defer l.Close()
	r, err := svc.PublishPolicy(e.ctx, a, p)
	if err != nil {
		return explainErr(err)
	}
	return e.emitReceipt("policy published", r, "policy", p.ID, "version", p.Version, "effective_from", p.EffectiveFrom.String())
}

func runPolicyShow(e *env, args []string) error {
	fs := e.flags()
	id := fs.String("id", "default", "policy `ID`")
	version := fs.Int("version", 0, "version `N` (default: the latest)")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	l, err := e.openLedger()
	if err != nil {
		return err
	}
	defer l.Close()
	var found *attendance.PolicyPublished
	err = l.ScanStream(e.ctx, attendance.PolicyStream(*id), 1, func(ev *ledger.Event) error {
		p, err := attendance.Decode(ev)
		if err != nil {
			return err
		}
		if pp, ok := p.(*attendance.PolicyPublished); ok && (*version == 0 || pp.Version == int64(*version)) {
			found = pp
		}
		return nil
	})
	if err != nil {
		return err
	}
	if found == nil {
		if *version != 0 {
			return fmt.Errorf("policy %q has no published version %d", *id, *version)
		}
		return fmt.Errorf("no policy %q has been published", *id)
	}
	p, err := found.DecodePolicy()
	if err != nil {
		return err
	}
	return writeJSON(e.stdout, p)
}

func runRole(e *env, args []string, grant bool) error {
	fs := e.flags()
	emp := fs.String("employee", "", "employee `ID` receiving or losing the role")
	role := fs.String("role", "", "`role`: hr, admin or auditor")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := required("employee", *emp); err != nil {
		return err
	}
	if err := attendance.Role(*role).Validate(); err != nil {
		return usagef("--role %q: want hr, admin or auditor", *role)
	}
	svc, a, done, err := e.session()
	if err != nil {
		return err
	}
	defer done()
	var r attendance.Receipt
	what := "role granted"
	if grant {
		r, err = svc.GrantRole(e.ctx, a, *emp, attendance.Role(*role))
	} else {
		what = "role revoked"
		r, err = svc.RevokeRole(e.ctx, a, *emp, attendance.Role(*role))
	}
	if err != nil {
		return explainErr(err)
	}
	return e.emitReceipt(what, r, "employee", *emp, "role", *role)
}

func runEmployee(e *env, args []string, add bool) error {
	fs := e.flags()
	id := fs.String("id", "", "employee `ID` (opaque: E1001)")
	manager := fs.String("manager", "", "manager's employee `ID`")
	site := fs.String("site", "", "site `ID`")
	policy := fs.String("policy", "", "policy `ID` (add: default \"default\")")
	tz := fs.String("tz", "", "IANA time `zone` (default: the policy's)")
	joined := fs.String("joined", "", "joining `date` YYYY-MM-DD")
	left := fs.String("left", "", "leaving `date` YYYY-MM-DD")
	name := fs.String("name", "", "full `name` (personal, sealed)")
	email := fs.String("email", "", "e-mail `address` (personal, sealed)")
	phone := fs.String("phone", "", "phone `number` (personal, sealed)")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := required("id", *id); err != nil {
		return err
	}
	jd, err := optDate("joined", *joined)
	if err != nil {
		return err
	}
	ld, err := optDate("left", *left)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	svc, a, done, err := e.session()
	if err != nil {
		return err
	}
	defer done()
	emp := attendance.Employee{ID: *id}
	if !add {
		v, err := svc.Employee(e.ctx, a, *id)
		if err != nil {
			return explainErr(err)
		}
		rec := v.Record
		emp = attendance.Employee{ID: *id, ManagerID: rec.ManagerID, Site: rec.Site, PolicyID: rec.PolicyID, TimeZone: rec.TimeZone}
		if rec.JoinedOn != "" {
			emp.JoinedOn, _ = parseDate("joined", rec.JoinedOn)
		}
		if rec.LeftOn != "" {
			emp.LeftOn, _ = parseDate("left", rec.LeftOn)
		}
	} else if *policy == "" {
		*policy = "default"
	}
	if set["manager"] || add {
		emp.ManagerID = *manager
	}
	if set["site"] || add {
		emp.Site = *site
	}
	if set["policy"] || add {
		emp.PolicyID = *policy
	}
	if set["tz"] || add {
		emp.TimeZone = *tz
	}
	if set["joined"] || add {
		emp.JoinedOn = jd
	}
	if set["left"] || add {
		emp.LeftOn = ld
	}
	if set["name"] || set["email"] || set["phone"] {
		emp.Personal = &attendance.Personal{Name: *name, Email: *email, Phone: *phone}
	}
	var r attendance.Receipt
	what := "employee registered"
	if add {
		r, err = svc.RegisterEmployee(e.ctx, a, emp)
	} else {
		what = "employee updated"
		r, err = svc.UpdateEmployee(e.ctx, a, emp)
	}
	if err != nil {
		return explainErr(err)
	}
	return e.emitReceipt(what, r, "employee", *id)
}

// employeeIDs lists every registered employee ID, sorted, from the log.
func employeeIDs(ctx context.Context, l *ledger.Ledger) ([]string, error) {
	var ids []string
	err := l.Scan(ctx, 1, 0, func(ev *ledger.Event) error {
		if ev.Type == attendance.TypeEmployeeRegistered {
			ids = append(ids, strings.TrimPrefix(ev.Stream, attendance.EmployeeStream("")))
		}
		return nil
	})
	sort.Strings(ids)
	return ids, err
}

func runEmployeeList(e *env, args []string) error {
	fs := e.flags()
	team := fs.String("team", "", "only the direct reports of this manager `ID`")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	a, err := e.actor()
	if err != nil {
		return err
	}
	svc, l, err := e.service()
	if err != nil {
		return err
	}
	defer l.Close()
	ids, err := employeeIDs(e.ctx, l)
	if err != nil {
		return err
	}
	out := []attendance.EmployeeView{}
	t := newTable("employee", "manager", "site", "policy", "joined", "left", "devices", "pending", "erased")
	for _, id := range ids {
		v, err := svc.Employee(e.ctx, a, id)
		if errors.Is(err, attendance.ErrForbidden) {
			continue // not the actor's to see
		}
		if err != nil {
			return err
		}
		if *team != "" && v.Record.ManagerID != *team {
			continue
		}
		out = append(out, v)
		var devs []string
		for _, d := range v.Devices {
			devs = append(devs, d.ID)
		}
		t.add(id, v.Record.ManagerID, v.Record.Site, v.Record.PolicyID, v.Record.JoinedOn, v.Record.LeftOn,
			strings.Join(devs, " "), len(v.Pending), v.Erased)
	}
	return e.emit(out, t)
}

func runEmployeeShow(e *env, args []string) error {
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
	v, err := svc.Employee(e.ctx, a, pos[0])
	if err != nil {
		return explainErr(err)
	}
	if e.format != "table" {
		return writeJSON(e.stdout, v)
	}
	t := kv("employee", v.Record.EmployeeID, "manager", v.Record.ManagerID, "site", v.Record.Site,
		"policy", v.Record.PolicyID, "time zone", v.Record.TimeZone, "joined", v.Record.JoinedOn,
		"left", v.Record.LeftOn, "erased", v.Erased, "stream version", v.Version)
	if v.Personal != nil {
		t.add("name", v.Personal.Name)
		t.add("email", v.Personal.Email)
		t.add("phone", v.Personal.Phone)
	}
	for _, d := range v.Devices {
		t.add("device", fmt.Sprintf("%s (signs punches: %v)", d.ID, d.Signer))
	}
	for _, p := range v.Pending {
		t.add("pending", fmt.Sprintf("%s %s %s %s", p.What, p.ID, p.Day, p.Kind))
	}
	return t.writeText(e.stdout)
}

func runDeviceBind(e *env, args []string) error {
	fs := e.flags()
	emp := fs.String("employee", "", "employee `ID`")
	dev := fs.String("device", "", "device `ID` (the app installation)")
	key := addKeyFlags(fs, "the device")
	model := fs.String("model", "", "device model")
	osName := fs.String("os", "", "operating system")
	app := fs.String("app", "", "app version")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := requireAll("employee", *emp, "device", *dev); err != nil {
		return err
	}
	if err := key.check(); err != nil {
		return err
	}
	svc, a, done, err := e.session()
	if err != nil {
		return err
	}
	defer done()
	d := attendance.Device{ID: *dev}
	if *model != "" || *osName != "" || *app != "" {
		d.Details = &attendance.DeviceDetails{Model: *model, OS: *osName, App: *app}
	}
	if d.PublicKey, err = e.deviceKey(svc, a, *emp, key); err != nil {
		return err
	}
	r, err := svc.BindDevice(e.ctx, a, *emp, d)
	if err != nil {
		return explainErr(err)
	}
	return e.emitReceipt("device bound", r, "employee", *emp, "device", *dev, "signs_punches", d.PublicKey != nil)
}

func runDeviceUnbind(e *env, args []string) error {
	fs := e.flags()
	emp := fs.String("employee", "", "employee `ID`")
	dev := fs.String("device", "", "device `ID`")
	reason := fs.String("reason", "", "`code`: lost, broken, replaced, other")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := requireAll("employee", *emp, "device", *dev, "reason", *reason); err != nil {
		return err
	}
	svc, a, done, err := e.session()
	if err != nil {
		return err
	}
	defer done()
	r, err := svc.UnbindDevice(e.ctx, a, *emp, *dev, *reason)
	if err != nil {
		return explainErr(err)
	}
	return e.emitReceipt("device unbound", r, "employee", *emp, "device", *dev)
}

func runErase(e *env, args []string) error {
	fs := e.flags()
	emp := fs.String("employee", "", "employee `ID`")
	reason := fs.String("reason", "", "why, as a `code` of [a-z0-9_] (kept in the log): erasure_request, left_company")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := requireAll("employee", *emp, "reason", *reason); err != nil {
		return err
	}
	svc, a, done, err := e.session()
	if err != nil {
		return err
	}
	defer done()
	r, err := svc.EraseSubject(e.ctx, a, *emp, *reason)
	if err != nil {
		return explainErr(err)
	}
	return e.emitReceipt("personal data erased", r, "employee", *emp)
}
