package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

func init() {
	register(&command{
		name:    "punch",
		summary: "record one punch with its evidence (location, Wi-Fi, IP, device, factors)",
		long: `A punch is evidence and is always recorded: findings such as "outside the fence",
"unbound device" or "mock location" are stored with it and the policy decides whether
it counts (accept, field, flag or reject). Prints the outcome and the findings.`,
		example: `punchledger --actor employee:E1001 punch --kind in --device phone-1 --lat 40.752731 --lon -73.977248 --accuracy 12 --factors pin --sign-key phone-1.key`,
		run:     runPunch,
	})
	register(&command{
		name:    "sync",
		args:    "FILE.jsonl",
		summary: "upload a device's offline punches from a JSONL file (idempotent; safe to retry)",
		long: `Each line is one punch (format in the README): {"id":"<32 hex>","kind":"in",
"at":"2026-11-02T08:57:00-05:00","lat":40.75,"lon":-73.97,"accuracy_m":20,...}. Every
punch carries the ID its device gave it, so uploading the same file again writes
nothing new and reports each punch as a duplicate. The whole file is checked before
anything is sent; then each punch gets its own result, and one refused punch never
loses the others (the exit status is 1 if any was refused).`,
		example: `punchledger --actor employee:E1001 sync --device phone-1 --device-now 2026-11-04T07:30:00-05:00 offline.jsonl`,
		run:     runSync,
	})
	register(&command{
		name:    "correction request",
		summary: "ask to correct a day: add a forgotten punch, move or void one",
		example: `punchledger --actor employee:E1001 correction request --day 2026-11-03 --kind missing_out --at 2026-11-03T17:10:00-05:00 --reason "forgot to clock out" --evidence ticket.pdf`,
		run:     runCorrectionRequest,
	})
	register(&command{
		name:    "correction approve",
		args:    "REQUEST_ID",
		summary: "approve a pending correction (the employee's manager, hr or an admin)",
		example: `punchledger --actor manager:M1 correction approve --employee E1001 3f2a9c0d4e5b6a7f8091a2b3c4d5e6f7`,
		run:     func(e *env, args []string) error { return runDecision(e, args, "correction", true) },
	})
	register(&command{
		name:    "correction reject",
		args:    "REQUEST_ID",
		summary: "reject a pending correction, with a comment",
		example: `punchledger --actor manager:M1 correction reject --employee E1001 --comment "no evidence" 3f2a9c0d4e5b6a7f8091a2b3c4d5e6f7`,
		run:     func(e *env, args []string) error { return runDecision(e, args, "correction", false) },
	})
	register(&command{
		name:    "correction withdraw",
		args:    "REQUEST_ID",
		summary: "withdraw one's own pending correction",
		example: `punchledger --actor employee:E1001 correction withdraw 3f2a9c0d4e5b6a7f8091a2b3c4d5e6f7`,
		run:     runWithdraw,
	})
	register(&command{
		name:    "shift assign",
		summary: "assign a shift (or a day off) to an employee for a date range",
		example: `punchledger --actor manager:M1 shift assign --employee E1001 --from 2026-11-09 --to 2026-11-13 --shift day`,
		run:     runShiftAssign,
	})
	register(&command{
		name:    "leave record",
		summary: "record leave for an employee (vacation, sick, unpaid, ...)",
		example: `punchledger --actor hr:H1 leave record --employee E1001 --from 2026-11-23 --to 2026-11-24 --kind vacation`,
		run:     runLeave,
	})
	register(&command{
		name:    "period close",
		summary: "close a pay period: its payroll is frozen; later changes become adjustments",
		example: `punchledger --actor admin:root period close --from 2026-11-01 --to 2026-11-30`,
		run:     runPeriodClose,
	})
}

// employeeFor returns --employee, or the acting employee himself.
func employeeFor(flagVal string, a attendance.Actor) (string, error) {
	if flagVal != "" {
		return flagVal, nil
	}
	if a.Kind == attendance.KindEmployee {
		return a.ID, nil
	}
	return "", usagef("--employee is required")
}

func optSignKey(file string) (ed25519.PrivateKey, error) {
	if file == "" {
		return nil, nil
	}
	return readPrivateKey(file)
}

func runPunch(e *env, args []string) error {
	fs := e.flags()
	var p punchLine
	emp := fs.String("employee", "", "employee `ID` (default: the acting employee)")
	fs.StringVar(&p.ID, "id", "", "punch `ID` (32 hex) chosen by the device; default: the ledger picks one")
	fs.StringVar(&p.Kind, "kind", "", "`in` or out")
	fs.StringVar(&p.Source, "source", "app", "`source`: app, web, kiosk or biometric")
	fs.StringVar(&p.At, "at", "now", "device clock at the punch, RFC 3339 `time`")
	fs.StringVar(&p.Device, "device", "", "device `ID`")
	lat := fs.String("lat", "", "latitude, `degrees` WGS-84")
	lon := fs.String("lon", "", "longitude, `degrees` WGS-84")
	fs.Float64Var(&p.Accuracy, "accuracy", 0, "fix accuracy radius in `metres`")
	fs.StringVar(&p.Provider, "provider", "", "location `provider`: gps, network, fused")
	fs.BoolVar(&p.Mock, "mock", false, "the OS flagged the location as mocked")
	fs.StringVar(&p.BSSID, "bssid", "", "Wi-Fi access point `aa:bb:cc:dd:ee:ff`")
	fs.StringVar(&p.SSID, "ssid", "", "Wi-Fi network `name`")
	fs.StringVar(&p.IP, "ip", "", "client IP `address` as the server saw it")
	factors := fs.String("factors", "", "verification factors, comma-separated: `pin,face`")
	signKey := fs.String("sign-key", "", "sign the punch with the device's private key `file`")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if p.At == "now" || p.At == "" {
		p.At = e.m.Now().UTC().Format(time.RFC3339Nano)
	}
	for _, c := range []struct {
		s   string
		dst **float64
		n   string
	}{{*lat, &p.Lat, "lat"}, {*lon, &p.Lon, "lon"}} {
		if c.s == "" {
			continue
		}
		v, err := strconv.ParseFloat(c.s, 64)
		if err != nil {
			return usagef("--%s %q: not a number", c.n, c.s)
		}
		*c.dst = &v
	}
	if *factors != "" {
		p.Factors = strings.Split(*factors, ",")
	}
	a, err := e.actor()
	if err != nil {
		return err
	}
	employee, err := employeeFor(*emp, a)
	if err != nil {
		return err
	}
	sign, err := optSignKey(*signKey)
	if err != nil {
		return err
	}
	if sign != nil && p.ID == "" {
		// A signing device chooses the punch ID: the signature covers it.
		id, err := ledger.NewID(e.m.Rand)
		if err != nil {
			return err
		}
		p.ID = id.String()
	}
	in, err := p.input(employee, sign)
	if err != nil {
		return usagef("%v", err)
	}
	svc, l, err := e.service()
	if err != nil {
		return err
	}
	defer l.Close()
	r, err := svc.RecordPunch(e.ctx, a, employee, in)
	if err != nil {
		return explainErr(err)
	}
	return e.emitReceipt("punch recorded", r.Receipt, "employee", employee, "outcome", r.Outcome.String(),
		"findings", toFindingsJSON(r.Findings))
}

// syncItemJSON is one line's result in 'sync' output.
type syncItemJSON struct {
	Line     int           `json:"line"`
	ID       string        `json:"id"`
	Employee string        `json:"employee"`
	Status   string        `json:"status"` // recorded, duplicate, refused
	Seq      uint64        `json:"seq,omitempty"`
	Outcome  string        `json:"outcome,omitempty"`
	Findings []findingJSON `json:"findings,omitempty"`
	Error    string        `json:"error,omitempty"`
}

type syncGroup struct {
	employee, device string
	lines            []int
	punches          []attendance.PunchInput
}

func runSync(e *env, args []string) error {
	fs := e.flags()
	emp := fs.String("employee", "", "employee `ID` for lines without one (default: the acting employee)")
	dev := fs.String("device", "", "device `ID` for lines without one")
	devNow := fs.String("device-now", "now", "the device's clock at upload, RFC 3339 `time` (estimates its skew)")
	signKey := fs.String("sign-key", "", "sign unsigned punches with the device's private key `file`")
	batch := fs.Int("batch", 500, "punches per upload `N`")
	retries := fs.Int("retries", 3, "re-send an upload refused as busy up to `N` times")
	pos, err := e.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if *batch < 1 || *retries < 0 {
		return usagef("--batch must be at least 1 and --retries at least 0")
	}
	a, err := e.actor()
	if err != nil {
		return err
	}
	now, err := e.parseTime("device-now", *devNow)
	if err != nil {
		return err
	}
	sign, err := optSignKey(*signKey)
	if err != nil {
		return err
	}
	data, err := e.readInput(pos[0])
	if err != nil {
		return err
	}
	groups, n, err := parseSyncFile(pos[0], data, a, *emp, *dev, sign)
	if err != nil {
		return err
	}
	svc, l, err := e.service()
	if err != nil {
		return err
	}
	defer l.Close()
	bar := e.progress("sync", int64(n))
	defer bar.finish()
	var items []syncItemJSON
	var skew time.Duration
	refused := 0
	for _, g := range groups {
		for i := 0; i < len(g.punches); i += *batch {
			j := min(i+*batch, len(g.punches))
			b := attendance.SyncBatch{EmployeeID: g.employee, DeviceID: g.device, DeviceNow: now, Punches: g.punches[i:j]}
			res, err := e.syncRetry(svc, a, b, *retries)
			if err != nil {
				if len(items) == 0 {
					return explainErr(err)
				}
				return fmt.Errorf("upload of %s's punches (lines %d-%d) failed after %d earlier results were written: %w",
					g.employee, g.lines[i], g.lines[j-1], len(items), explainErr(err))
			}
			skew = res.Skew
			for k, it := range res.Items {
				r := syncItemJSON{Line: g.lines[i+k], ID: g.punches[i+k].ID.String(), Employee: g.employee}
				switch {
				case it.Err != nil:
					r.Status, r.Error = "refused", it.Err.Error()
					refused++
				case it.Duplicate:
					r.Status = "duplicate"
				default:
					r.Status = "recorded"
				}
				if it.Err == nil {
					r.Seq, r.Outcome, r.Findings = it.FirstSeq, it.Outcome.String(), toFindingsJSON(it.Findings)
				}
				items = append(items, r)
			}
			bar.add(int64(j - i))
		}
	}
	bar.finish()
	t := newTable("line", "punch id", "employee", "status", "seq", "outcome", "findings / error")
	counts := map[string]int{}
	for _, it := range items {
		counts[it.Status]++
		detail := it.Error
		if detail == "" {
			var fs []string
			for _, f := range it.Findings {
				fs = append(fs, f.Code)
			}
			detail = strings.Join(fs, ", ")
		}
		seq := ""
		if it.Seq != 0 {
			seq = strconv.FormatUint(it.Seq, 10)
		}
		t.add(it.Line, it.ID, it.Employee, it.Status, seq, it.Outcome, detail)
	}
	if err := e.emit(map[string]any{"punches": n, "recorded": counts["recorded"], "duplicates": counts["duplicate"],
		"refused": counts["refused"], "device_skew_seconds": skew.Seconds(), "items": items}, t); err != nil {
		return err
	}
	if refused > 0 {
		return fmt.Errorf("%d of %d punches were refused (the others were recorded; see the table)", refused, n)
	}
	return nil
}

// parseSyncFile reads and checks a whole sync file (named name) before anything is
// sent: its punches grouped by employee and device, in file order, and their number.
// emp and dev fill lines without an employee or a device.
func parseSyncFile(name string, data []byte, a attendance.Actor, emp, dev string, sign ed25519.PrivateKey) ([]*syncGroup, int, error) {
	var groups []*syncGroup
	index := map[[2]string]*syncGroup{}
	n := 0
	err := eachJSONLine(name, data, func(ln int, decode func(any) error) error {
		var p punchLine
		if err := decode(&p); err != nil {
			return err
		}
		if p.ID == "" {
			return errors.New("id is required in a sync file: the device's punch ID makes retries safe")
		}
		if p.Employee == "" {
			var err error
			if p.Employee, err = employeeFor(emp, a); err != nil {
				return errors.New("no employee: give it in the line or with --employee")
			}
		}
		if p.Device == "" {
			p.Device = dev
		}
		in, err := p.input(p.Employee, sign)
		if err != nil {
			return err
		}
		k := [2]string{p.Employee, p.Device}
		g := index[k]
		if g == nil {
			g = &syncGroup{employee: p.Employee, device: p.Device}
			index[k] = g
			groups = append(groups, g)
		}
		g.lines = append(g.lines, ln)
		g.punches = append(g.punches, in)
		n++
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if n == 0 {
		return nil, 0, fmt.Errorf("%s: no punches in the file", name)
	}
	return groups, n, nil
}

// syncRetry uploads b, sending it again up to retries times while the service is busy.
func (e *env) syncRetry(svc *attendance.Service, a attendance.Actor, b attendance.SyncBatch, retries int) (attendance.SyncResult, error) {
	for try := 0; ; try++ {
		res, err := svc.SyncOffline(e.ctx, a, b)
		if err == nil || !errors.Is(err, attendance.ErrBusy) || try >= retries {
			return res, err
		}
	}
}

func runCorrectionRequest(e *env, args []string) error {
	fs := e.flags()
	emp := fs.String("employee", "", "employee `ID` (default: the acting employee)")
	id := fs.String("id", "", "request `ID` (32 hex) making a retried request idempotent")
	day := fs.String("day", "", "the `date` to correct, YYYY-MM-DD")
	kind := fs.String("kind", "", "`kind`: missing_in, missing_out, change or void")
	pk := fs.String("punch-kind", "", "for change: the punch's kind, in or out")
	at := fs.String("at", "", "the claimed punch time, RFC 3339 (missing_in, missing_out, change)")
	punch := fs.String("punch", "", "the punch `ID` to change or void")
	reason := fs.String("reason", "", "why (free text, sealed)")
	var evidence []string
	fs.Func("evidence", "a document `file` backing the request (its SHA-256 is recorded; repeatable)", func(s string) error {
		evidence = append(evidence, s)
		return nil
	})
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := required("day", *day); err != nil {
		return err
	}
	d, err := parseDate("day", *day)
	if err != nil {
		return err
	}
	in := attendance.CorrectionInput{Day: d, Kind: rules.CorrectionKind(*kind), Reason: *reason}
	switch in.Kind {
	case rules.CorrectMissingIn, rules.CorrectMissingOut, rules.CorrectChange, rules.CorrectVoid:
	default:
		return usagef("--kind %q: want missing_in, missing_out, change or void", *kind)
	}
	if *id != "" {
		if in.ID, err = parseEventID("--id", *id); err != nil {
			return err
		}
	}
	if *pk != "" {
		k, ok := rules.ParsePunchKind(*pk)
		if !ok {
			return usagef("--punch-kind %q: want in or out", *pk)
		}
		in.PunchKind = k
	}
	if *at != "" {
		if in.At, err = e.parseTime("at", *at); err != nil {
			return err
		}
	}
	if *punch != "" {
		if in.PunchID, err = parseEventID("--punch", *punch); err != nil {
			return err
		}
	}
	for _, f := range evidence {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("evidence: %w", err)
		}
		in.Evidence = append(in.Evidence, attendance.EvidenceRef{SHA256: sha256.Sum256(b), Size: int64(len(b)),
			MediaType: mediaType(f)})
	}
	svc, a, employee, done, err := e.employeeSession(*emp)
	if err != nil {
		return err
	}
	defer done()
	r, err := svc.RequestCorrection(e.ctx, a, employee, in)
	if err != nil {
		return explainErr(err)
	}
	return e.emitReceipt("correction requested", r, "employee", employee, "request_id", r.ID.String())
}

func mediaType(file string) string {
	switch {
	case strings.HasSuffix(file, ".pdf"):
		return "application/pdf"
	case strings.HasSuffix(file, ".jpg"), strings.HasSuffix(file, ".jpeg"):
		return "image/jpeg"
	case strings.HasSuffix(file, ".png"):
		return "image/png"
	case strings.HasSuffix(file, ".txt"):
		return "text/plain"
	}
	return "application/octet-stream"
}

func runWithdraw(e *env, args []string) error {
	fs := e.flags()
	emp := fs.String("employee", "", "employee `ID` (default: the acting employee)")
	pos, err := e.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	id, err := parseEventID("REQUEST_ID", pos[0])
	if err != nil {
		return err
	}
	svc, a, employee, done, err := e.employeeSession(*emp)
	if err != nil {
		return err
	}
	defer done()
	r, err := svc.WithdrawCorrection(e.ctx, a, employee, id)
	if err != nil {
		return explainErr(err)
	}
	return e.emitReceipt("correction withdrawn", r, "employee", employee)
}

func runShiftAssign(e *env, args []string) error {
	fs := e.flags()
	emp := fs.String("employee", "", "employee `ID`")
	from := fs.String("from", "", "first `date`, YYYY-MM-DD")
	to := fs.String("to", "", "last `date` (default: --from)")
	shift := fs.String("shift", "", "shift `name` of the policy")
	off := fs.Bool("off", false, "a rest day instead of a shift")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := requireAll("employee", *emp, "from", *from); err != nil {
		return err
	}
	if (*shift == "") == !*off {
		return usagef("give --shift NAME or --off")
	}
	fd, td, err := dateRange(*from, *to)
	if err != nil {
		return err
	}
	svc, a, done, err := e.session()
	if err != nil {
		return err
	}
	defer done()
	r, err := svc.AssignShift(e.ctx, a, *emp, rules.Assignment{From: fd, To: td, Shift: *shift, Off: *off})
	if err != nil {
		return explainErr(err)
	}
	return e.emitReceipt("shift assigned", r, "employee", *emp)
}

func runLeave(e *env, args []string) error {
	fs := e.flags()
	emp := fs.String("employee", "", "employee `ID`")
	from := fs.String("from", "", "first `date`, YYYY-MM-DD")
	to := fs.String("to", "", "last `date` (default: --from)")
	kind := fs.String("kind", "", "leave `code`: vacation, sick, unpaid, ...")
	minutes := fs.Int("minutes", 0, "`minutes` per day for partial leave (0: whole days)")
	note := fs.String("note", "", "note (free text, sealed)")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := requireAll("employee", *emp, "from", *from, "kind", *kind); err != nil {
		return err
	}
	fd, td, err := dateRange(*from, *to)
	if err != nil {
		return err
	}
	svc, a, done, err := e.session()
	if err != nil {
		return err
	}
	defer done()
	r, err := svc.RecordLeave(e.ctx, a, *emp, attendance.Leave{From: fd, To: td, Kind: *kind, Minutes: *minutes, Note: *note})
	if err != nil {
		return explainErr(err)
	}
	return e.emitReceipt("leave recorded", r, "employee", *emp)
}

func runPeriodClose(e *env, args []string) error {
	fs := e.flags()
	policy := fs.String("policy", "", "close only for employees on this policy `ID` (default: everyone)")
	from := fs.String("from", "", "first `date` of the period")
	to := fs.String("to", "", "last `date` of the period")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := requireAll("from", *from, "to", *to); err != nil {
		return err
	}
	fd, td, err := dateRange(*from, *to)
	if err != nil {
		return err
	}
	svc, a, done, err := e.session()
	if err != nil {
		return err
	}
	defer done()
	r, err := svc.ClosePayPeriod(e.ctx, a, attendance.PayPeriod{PolicyID: *policy, From: fd, To: td})
	if err != nil {
		return explainErr(err)
	}
	return e.emitReceipt("pay period closed", r, "from", fd.String(), "to", td.String())
}
