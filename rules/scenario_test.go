package rules_test

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	"github.com/punchledger/punchledger/geofence"
	"github.com/punchledger/punchledger/rules"
)

// TestScenarios runs the scenario files in testdata/scenarios. Each file is a theme;
// each case is a command with arguments and input lines, and the expected output.
// Regenerate with: go test ./rules/ -run TestScenarios -rewrite (and review the diff).
//
// Commands:
//
//	policy [file=NAME]       JSON policy (with file: a JSON merge patch over testdata/NAME)
//	evaluate date=D [asof=T] [synced=T] [approved] [week-regular=DUR] [week-days=N]
//	week from=D to=D [asof=T]   EvaluateWeek over the dates with all the input lines
//	attendance               one instant per line → its attendance date
//	schedule from=D to=D     the plan and window of each date
//	judge [prev=...]         evidence lines → JudgePunch verdict
//	correction used=N at=T   request lines → CheckCorrection
//	period                   one date per line → pay period and correction period
//
// Input lines of evaluate/week:
//
//	in|out|? TIME [id=ID] [outcome=reject|flag|field]
//	roster FROM[..TO] SHIFT|off
//	leave FROM[..TO] [am|pm] [KIND]
//	correct missing_in|missing_out TIME | correct change ID TIME | correct void ID  [date=D]
//
// TIME is "HH:MM[:SS]" on the evaluated date, "YYYY-MM-DD HH:MM[:SS]" (local, policy
// zone) or RFC 3339 with an offset (for the repeated hour of a DST change).
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/scenarios/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenario files: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			s := &scenario{}
			datadriven.RunTest(t, f, func(t *testing.T, td *datadriven.TestData) string {
				out, err := s.run(td)
				if err != nil {
					return "error: " + err.Error() + "\n"
				}
				return out
			})
		})
	}
}

type scenario struct {
	policy *rules.Policy
	loc    *time.Location
}

func (s *scenario) run(td *datadriven.TestData) (string, error) {
	if td.Cmd != "policy" && s.policy == nil {
		return "", fmt.Errorf("no policy yet")
	}
	switch td.Cmd {
	case "policy":
		return s.cmdPolicy(td)
	case "evaluate":
		return s.cmdEvaluate(td)
	case "week":
		return s.cmdWeek(td)
	case "attendance":
		return s.cmdAttendance(td)
	case "schedule":
		return s.cmdSchedule(td)
	case "judge":
		return s.cmdJudge(td)
	case "correction":
		return s.cmdCorrection(td)
	case "period":
		return s.cmdPeriod(td)
	}
	return "", fmt.Errorf("unknown command %q", td.Cmd)
}

func (s *scenario) cmdPolicy(td *datadriven.TestData) (string, error) {
	data := []byte(td.Input)
	if td.HasArg("file") {
		var name string
		scanArg(td, "file", &name)
		base, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			return "", err
		}
		if strings.TrimSpace(td.Input) != "" {
			if data, err = mergePatch(base, []byte(td.Input)); err != nil {
				return "", err
			}
		} else {
			data = base
		}
	}
	p, err := rules.ParsePolicy(data)
	if err != nil {
		var ve *rules.ValidationError
		if asValidation(err, &ve) {
			var b strings.Builder
			for _, pr := range ve.Problems {
				fmt.Fprintf(&b, "problem %s: %s\n", pr.Path, pr.Message)
			}
			return b.String(), nil
		}
		return "", err
	}
	s.policy = p
	s.loc, _ = time.LoadLocation(p.TimeZone)
	return "ok\n", nil
}

func asValidation(err error, ve **rules.ValidationError) bool {
	v, ok := err.(*rules.ValidationError)
	*ve = v
	return ok
}

// mergePatch applies an RFC 7396 JSON merge patch.
func mergePatch(base, patch []byte) ([]byte, error) {
	var b, p any
	if err := json.Unmarshal(base, &b); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(patch, &p); err != nil {
		return nil, fmt.Errorf("patch: %w", err)
	}
	return json.Marshal(merge(b, p))
}

func merge(b, p any) any {
	pm, ok := p.(map[string]any)
	if !ok {
		return p
	}
	bm, ok := b.(map[string]any)
	if !ok {
		bm = map[string]any{}
	}
	for k, v := range pm {
		if v == nil {
			delete(bm, k)
		} else {
			bm[k] = merge(bm[k], v)
		}
	}
	return bm
}

func (s *scenario) parseTime(def rules.Date, f string) (time.Time, error) {
	if strings.Contains(f, "T") {
		return time.Parse(time.RFC3339, f)
	}
	d := def
	if i := strings.IndexByte(f, ' '); i > 0 {
		var err error
		if d, err = rules.ParseDate(f[:i]); err != nil {
			return time.Time{}, err
		}
		f = f[i+1:]
	}
	parts := strings.Split(f, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return time.Time{}, fmt.Errorf("bad time %q", f)
	}
	var hms [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return time.Time{}, fmt.Errorf("bad time %q", f)
		}
		hms[i] = n
	}
	return time.Date(d.Year, d.Month, d.Day, hms[0], hms[1], hms[2], 0, s.loc), nil
}

func parseRange(f string) (rules.Date, rules.Date, error) {
	a, b, ok := strings.Cut(f, "..")
	from, err := rules.ParseDate(a)
	if err != nil {
		return from, from, err
	}
	if !ok {
		return from, from, nil
	}
	to, err := rules.ParseDate(b)
	return from, to, err
}

// splitTime splits "in 2026-03-09 08:00 id=x" into the time text and the rest.
func splitTime(fields []string) (string, []string) {
	if len(fields) >= 2 && len(fields[0]) == 10 && strings.Count(fields[0], "-") == 2 {
		return fields[0] + " " + fields[1], fields[2:]
	}
	if len(fields) == 0 {
		return "", nil
	}
	return fields[0], fields[1:]
}

func kv(fields []string) map[string]string {
	m := map[string]string{}
	for _, f := range fields {
		k, v, _ := strings.Cut(f, "=")
		m[k] = v
	}
	return m
}

func (s *scenario) dayInput(td *datadriven.TestData, date rules.Date) (rules.DayInput, error) {
	in := rules.DayInput{Policy: s.policy, Date: date}
	n := 0
	for _, line := range strings.Split(td.Input, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		switch fields[0] {
		case "in", "out", "?":
			ts, rest := splitTime(fields[1:])
			at, err := s.parseTime(date, ts)
			if err != nil {
				return in, err
			}
			n++
			opts := kv(rest)
			p := rules.Punch{ID: "p" + strconv.Itoa(n), At: at}
			if id, ok := opts["id"]; ok {
				p.ID = id
			}
			p.Kind, _ = rules.ParsePunchKind(fields[0])
			switch opts["outcome"] {
			case "":
			case "reject":
				p.Outcome = rules.OutcomeReject
			case "flag":
				p.Outcome = rules.OutcomeFlag
			case "field":
				p.Outcome = rules.OutcomeField
			default:
				return in, fmt.Errorf("bad outcome in %q", line)
			}
			in.Punches = append(in.Punches, p)
		case "roster":
			from, to, err := parseRange(fields[1])
			if err != nil {
				return in, err
			}
			a := rules.Assignment{From: from, To: to, Shift: fields[2]}
			if fields[2] == "off" {
				a = rules.Assignment{From: from, To: to, Off: true}
			}
			in.Roster.Assignments = append(in.Roster.Assignments, a)
		case "leave":
			from, to, err := parseRange(fields[1])
			if err != nil {
				return in, err
			}
			l := rules.Leave{From: from, To: to}
			for _, f := range fields[2:] {
				if f == "am" || f == "pm" {
					l.Half = rules.HalfDay(f)
				} else {
					l.Kind = f
				}
			}
			in.Leave = append(in.Leave, l)
		case "correct":
			c := rules.Correction{ID: "c" + strconv.Itoa(len(in.Corrections)+1), Kind: rules.CorrectionKind(fields[1]), Date: date}
			rest := fields[2:]
			if c.Kind == rules.CorrectChange || c.Kind == rules.CorrectVoid {
				c.PunchID, rest = rest[0], rest[1:]
			}
			if c.Kind != rules.CorrectVoid {
				var ts string
				ts, rest = splitTime(rest)
				at, err := s.parseTime(date, ts)
				if err != nil {
					return in, err
				}
				c.At = at
			}
			if d, ok := kv(rest)["date"]; ok {
				var err error
				if c.Date, err = rules.ParseDate(d); err != nil {
					return in, err
				}
			}
			in.Corrections = append(in.Corrections, c)
		default:
			return in, fmt.Errorf("unknown line %q", line)
		}
	}
	in.AsOf = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := s.timeArg(td, "asof", date, &in.AsOf); err != nil {
		return in, err
	}
	in.SyncedThrough = in.AsOf
	if err := s.timeArg(td, "synced", date, &in.SyncedThrough); err != nil {
		return in, err
	}
	in.OvertimeApproved = td.HasArg("approved")
	if td.HasArg("week-regular") {
		var v string
		scanArg(td, "week-regular", &v)
		d, err := time.ParseDuration(v)
		if err != nil {
			return in, err
		}
		in.Week.Regular = d
	}
	if td.HasArg("week-days") {
		scanArg(td, "week-days", &in.Week.DaysWorked)
	}
	return in, nil
}

// timeArg reads a time argument ("HH:MM" on date, or "YYYY-MM-DD_HH:MM") if present.
func (s *scenario) timeArg(td *datadriven.TestData, name string, date rules.Date, dst *time.Time) error {
	if !td.HasArg(name) {
		return nil
	}
	var v string
	scanArg(td, name, &v)
	at, err := s.parseTime(date, strings.Replace(v, "_", " ", 1))
	if err != nil {
		return err
	}
	*dst = at
	return nil
}

func dateArg(td *datadriven.TestData, name string) (rules.Date, error) {
	var v string
	scanArg(td, name, &v)
	return rules.ParseDate(v)
}

func (s *scenario) cmdEvaluate(td *datadriven.TestData) (string, error) {
	date, err := dateArg(td, "date")
	if err != nil {
		return "", err
	}
	in, err := s.dayInput(td, date)
	if err != nil {
		return "", err
	}
	return formatResult(rules.Evaluate(in), s.loc, true), nil
}

func (s *scenario) cmdWeek(td *datadriven.TestData) (string, error) {
	from, err := dateArg(td, "from")
	if err != nil {
		return "", err
	}
	to, err := dateArg(td, "to")
	if err != nil {
		return "", err
	}
	var ins []rules.DayInput
	for d := from; !d.After(to); d = d.AddDays(1) {
		in, err := s.dayInput(td, d)
		if err != nil {
			return "", err
		}
		ins = append(ins, in)
	}
	var b strings.Builder
	for _, r := range rules.EvaluateWeek(ins) {
		b.WriteString(formatResult(r, s.loc, false))
	}
	return b.String(), nil
}

func clock(t time.Time, day rules.Date, loc *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	t = t.In(loc)
	s := t.Format("15:04")
	if t.Second() != 0 {
		s = t.Format("15:04:05")
	}
	if d := rules.DateOf(t); d != day {
		s += fmt.Sprintf("(%+d)", d.DaysSince(day))
	}
	return s
}

func dur(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	s := ""
	if d < 0 {
		s, d = "-", -d
	}
	if h := d / time.Hour; h > 0 {
		s += strconv.Itoa(int(h)) + "h"
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		s += strconv.Itoa(int(m)) + "m"
		d -= m * time.Minute
	}
	if d > 0 {
		s += d.String()
	}
	return s
}

func formatResult(r rules.DayResult, loc *time.Location, full bool) string {
	var b strings.Builder
	final := "final"
	if !r.Final {
		final = "not final"
	}
	shift := r.Shift
	if shift == "" {
		shift = "-"
	}
	fmt.Fprintf(&b, "%s %s %s: %s (%s) worked %s ~%s", r.Date, r.Date.Weekday().String()[:3], r.Kind, r.Status, final, dur(r.Worked.Exact), dur(r.Worked.Rounded))
	if !full {
		fmt.Fprintf(&b, " regular %s", dur(r.Regular))
		for _, o := range r.Overtime {
			fmt.Fprintf(&b, " ot %s %dm %s", o.Category, o.Minutes, o.Multiplier)
		}
		b.WriteString("\n")
		return b.String()
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "shift %s window %s %s – %s %s\n", shift, clock(r.Open, r.Date, loc), r.Open.In(loc).Format("MST"), clock(r.Close, r.Date, loc), r.Close.In(loc).Format("MST"))
	fmt.Fprintf(&b, "in %s ~%s out %s ~%s\n", clock(r.FirstIn, r.Date, loc), clock(r.FirstInRounded, r.Date, loc), clock(r.LastOut, r.Date, loc), clock(r.LastOutRounded, r.Date, loc))
	fmt.Fprintf(&b, "late %s ~%s early %s ~%s regular %s night %s unpaid-break %s\n", dur(r.Late.Exact), dur(r.Late.Rounded), dur(r.EarlyLeave.Exact), dur(r.EarlyLeave.Rounded), dur(r.Regular), dur(r.Night), dur(r.UnpaidBreak))
	for _, o := range r.Overtime {
		appr := "approved"
		if !o.Approved {
			appr = "unapproved"
		}
		fmt.Fprintf(&b, "overtime %s %dm %s %s [%s]\n", o.Category, o.Minutes, o.Multiplier, appr, o.Clause)
	}
	if r.Field {
		b.WriteString("field\n")
	}
	if len(r.Punches) > 0 {
		fmt.Fprintf(&b, "punches %s\n", strings.Join(r.Punches, " "))
	}
	for _, rs := range r.Reasons {
		fmt.Fprintf(&b, "reason %s [%s] %s\n", rs.Code, rs.Clause, rs.Detail)
	}
	return b.String()
}

func (s *scenario) cmdAttendance(td *datadriven.TestData) (string, error) {
	var b strings.Builder
	var roster rules.Roster
	for _, line := range strings.Split(strings.TrimSpace(td.Input), "\n") {
		fields := strings.Fields(line)
		if len(fields) > 0 && fields[0] == "roster" {
			from, to, err := parseRange(fields[1])
			if err != nil {
				return "", err
			}
			a := rules.Assignment{From: from, To: to, Shift: fields[2], Off: fields[2] == "off"}
			roster.Assignments = append(roster.Assignments, a)
			continue
		}
		at, err := s.parseTime(rules.Date{}, line)
		if err != nil {
			return "", err
		}
		d, ok := s.policy.AttendanceDate(roster, at)
		if !ok {
			fmt.Fprintf(&b, "%s → none\n", line)
		} else {
			fmt.Fprintf(&b, "%s → %s\n", line, d)
		}
	}
	return b.String(), nil
}

func (s *scenario) cmdSchedule(td *datadriven.TestData) (string, error) {
	from, err := dateArg(td, "from")
	if err != nil {
		return "", err
	}
	to, err := dateArg(td, "to")
	if err != nil {
		return "", err
	}
	in, err := s.dayInput(td, from)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for d := from; !d.After(to); d = d.AddDays(1) {
		sc, err := s.policy.Schedule(in.Roster, d)
		if err != nil {
			return "", err
		}
		shift := sc.Shift
		if shift == "" {
			shift = "-"
		}
		fmt.Fprintf(&b, "%s %s %s %s window %s – %s (%s) [%s]\n", d, d.Weekday().String()[:3], sc.Kind, shift,
			clock(sc.Open, d, s.loc), clock(sc.Close, d, s.loc), dur(sc.Close.Sub(sc.Open)), sc.Clause)
	}
	return b.String(), nil
}

// cmdJudge reads "key value" lines: at, received, kind, lat/lon/acc (or fix), mock,
// bssid, ip, device, bound, factors, offline, signed, valid, prev LAT LON ACC TIME,
// extra-zone NAME LAT LON RADIUS.
func (s *scenario) cmdJudge(td *datadriven.TestData) (string, error) {
	var pu rules.Punch
	var prev []geofence.Fix
	var extra []geofence.Zone
	for _, line := range strings.Split(strings.TrimSpace(td.Input), "\n") {
		key, val, _ := strings.Cut(strings.TrimSpace(line), " ")
		val = strings.TrimSpace(val)
		var err error
		switch key {
		case "at":
			pu.At, err = s.parseTime(rules.Date{}, val)
		case "received":
			pu.ReceivedAt, err = s.parseTime(rules.Date{}, val)
		case "fix":
			var f geofence.Fix
			var mock string
			n, _ := fmt.Sscan(val, &f.Point.Lat, &f.Point.Lon, &f.Accuracy, &mock)
			if n < 3 {
				return "", fmt.Errorf("fix: want LAT LON ACC [mock]")
			}
			f.Mock = mock == "mock"
			f.At = pu.At
			pu.Evidence.Location = &f
		case "prev":
			f := strings.Fields(val)
			var fx geofence.Fix
			fx.Point.Lat, _ = strconv.ParseFloat(f[0], 64)
			fx.Point.Lon, _ = strconv.ParseFloat(f[1], 64)
			fx.Accuracy, _ = strconv.ParseFloat(f[2], 64)
			fx.At, err = s.parseTime(rules.Date{}, strings.Join(f[3:], " "))
			prev = append(prev, fx)
		case "extra-zone":
			f := strings.Fields(val)
			lat, _ := strconv.ParseFloat(f[1], 64)
			lon, _ := strconv.ParseFloat(f[2], 64)
			r, _ := strconv.ParseFloat(f[3], 64)
			extra = append(extra, geofence.NewCircleZone(f[0], geofence.Point{Lat: lat, Lon: lon}, r))
		case "bssid":
			pu.Evidence.BSSID = val
		case "ip":
			pu.Evidence.IP, err = netip.ParseAddr(val)
		case "device":
			pu.Evidence.DeviceID = val
		case "bound":
			pu.Evidence.DeviceBound = true
		case "factors":
			pu.Evidence.Factors = strings.Fields(val)
		case "offline":
			pu.Evidence.Offline = true
		case "signed":
			pu.Evidence.Signed, pu.Evidence.SignatureValid = true, val == "valid"
		case "":
		default:
			return "", fmt.Errorf("unknown judge line %q", line)
		}
		if err != nil {
			return "", err
		}
	}
	if pu.Evidence.Location != nil {
		pu.Evidence.Location.At = pu.At
	}
	v := rules.JudgePunch(s.policy, pu, prev, extra)
	var b strings.Builder
	fmt.Fprintf(&b, "outcome %s", v.Outcome)
	if v.Field {
		b.WriteString(" (field)")
	}
	if v.Location.Verdict != geofence.Unknown {
		fmt.Fprintf(&b, " location %s %q %.0fm", v.Location.Verdict, v.Location.Zone, v.Location.Distance)
	}
	b.WriteString("\n")
	for i, r := range v.Reasons {
		fmt.Fprintf(&b, "%s %s [%s] %s\n", v.Actions[i], r.Code, r.Clause, r.Detail)
	}
	if stored := s.policy.StoredLocation(pu.Evidence.Location); pu.Evidence.Location != nil {
		if stored == nil {
			b.WriteString("stored location: none (verdict only)\n")
		} else {
			fmt.Fprintf(&b, "stored location: %.6f %.6f ±%.0fm\n", stored.Point.Lat, stored.Point.Lon, stored.Accuracy)
		}
	}
	return b.String(), nil
}

// cmdCorrection reads a request: "kind K", "date D", "at TIME", "punch ID", "evidence REF".
func (s *scenario) cmdCorrection(td *datadriven.TestData) (string, error) {
	var used int
	scanArg(td, "used", &used)
	var reqAt time.Time
	err := s.timeArg(td, "at", rules.Date{}, &reqAt)
	if err != nil {
		return "", err
	}
	var req rules.CorrectionRequest
	for _, line := range strings.Split(strings.TrimSpace(td.Input), "\n") {
		key, val, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch key {
		case "kind":
			req.Kind = rules.CorrectionKind(val)
		case "date":
			req.Date, err = rules.ParseDate(val)
		case "at":
			req.At, err = s.parseTime(req.Date, val)
		case "punch":
			req.PunchID = val
		case "evidence":
			req.Evidence = append(req.Evidence, val)
		default:
			return "", fmt.Errorf("unknown correction line %q", line)
		}
		if err != nil {
			return "", err
		}
	}
	err = s.policy.CheckCorrection(req, used, reqAt)
	from, to := s.policy.CorrectionPeriod(req.Date)
	if err == nil {
		return fmt.Sprintf("ok (period %s..%s, approver %s)\n", from, to, s.policy.CorrectionApprover()), nil
	}
	return fmt.Sprintf("refused: %v\n", err), nil
}

func (s *scenario) cmdPeriod(td *datadriven.TestData) (string, error) {
	var b strings.Builder
	for _, line := range strings.Fields(td.Input) {
		d, err := rules.ParseDate(line)
		if err != nil {
			return "", err
		}
		f, t := s.policy.PeriodOf(d)
		ws := s.policy.WeekStartOf(d)
		fmt.Fprintf(&b, "%s pay %s..%s week from %s\n", d, f, t, ws)
	}
	return b.String(), nil
}

func scanArg(td *datadriven.TestData, name string, dst any) {
	for _, a := range td.CmdArgs {
		if a.Key != name || len(a.Vals) == 0 {
			continue
		}
		switch d := dst.(type) {
		case *string:
			*d = a.Vals[0]
		case *int:
			*d, _ = strconv.Atoi(a.Vals[0])
		}
	}
}
