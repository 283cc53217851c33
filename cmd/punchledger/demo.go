package main

import (
	"cmp"
	"context"
	"crypto/ed25519"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/geofence"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/projection"
	"github.com/punchledger/punchledger/rules"
)

// demoPolicy is the policy the demo publishes: New York time, a day and a night shift,
// two geofenced sites (a circle around HQ and a polygon around a depot), the office
// Wi-Fi and IP ranges, bound devices, and what each finding does.
//
//go:embed demo-policy.json
var demoPolicy []byte

func init() {
	register(&command{
		name:    "demo",
		summary: "tell a month of remote work with a few hundred employees, from a fresh ledger",
		long: `Creates a ledger in a temporary directory (or --dir, kept afterwards), publishes a
policy with geofenced sites, Wi-Fi and IP rules, registers the employees and binds their
phones, and plays November 2026 in New York: office, home and field punches, offline
uploads with retries, forgotten punches with corrections approved and rejected, a broken
phone replaced, a spoofing attempt and a night shift across the end of daylight saving
time. It closes the pay period and prints the daily summary, the exceptions, payroll
hours, a verify result, a punch receipt and the explanation of interesting days.

Everything is seeded (--seed): the same seed gives the same ledger, byte for byte, and
the same root. The demo's ledger skips fsync for speed (ledger.Options.NoSync).`,
		example: `punchledger demo
punchledger demo --employees 500 --dir ./demo.db --seed 7`,
		run: runDemo,
	})
}

// seededReader is a deterministic io.Reader for IDs and keys in the demo.
type seededReader struct{ r *rand.ChaCha8 }

func (s seededReader) Read(p []byte) (int, error) { return s.r.Read(p) }

// Places in New York used by the demo.
var (
	hq       = geofence.Point{Lat: 40.7527, Lon: -73.9772}
	depot    = geofence.Point{Lat: 40.6760, Lon: -73.9920}
	hqBSSID  = "3c:84:6a:11:22:33"
	hqIPBase = netip.MustParseAddr("203.0.113.10")
)

type demoEmployee struct {
	id, manager string
	profile     string // office, home, field
	home        geofence.Point
	device      string
	key         ed25519.PrivateKey
	lateProne   bool
}

type demo struct {
	e    *env
	ctx  context.Context
	rng  *rand.Rand
	rand io.Reader
	now  time.Time
	loc  *time.Location
	svc  *attendance.Service
	l    *ledger.Ledger
	out  io.Writer

	admin, hr, auditor attendance.Actor
	emps               []*demoEmployee
	byID               map[string]*demoEmployee

	// Story figures.
	punches, offline, retried, corrections, approved, rejected int
	story                                                      []string
	spoofer, brokenPhone, nightWorker, corrected, lateSync     string
	lateSyncDay, correctedDay                                  rules.Date
	lateSyncSeq                                                uint64 // the head just before the late upload
	onVacation                                                 map[string]bool

	acts []action // the month's schedule (see add)
}

func runDemo(e *env, args []string) error {
	fs := e.flags()
	n := fs.Int("employees", 300, "number of employees `N` (at least 20)")
	seed := fs.Uint64("seed", 2026, "random `seed`")
	dir := fs.String("dir", "", "keep the ledger in this new `directory` (default: a temporary one, removed afterwards)")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *n < 20 || *n > 5000 {
		return usagef("--employees must be between 20 and 5000")
	}
	start := e.m.Now()
	path := *dir
	if path == "" {
		tmp, err := os.MkdirTemp("", "punchledger-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		path = filepath.Join(tmp, "demo.db")
	} else if err := ensureEmptyDir(path); err != nil {
		return err
	}
	var cs [32]byte
	binary.LittleEndian.PutUint64(cs[:], *seed)
	d := &demo{e: e, ctx: e.ctx, rng: rand.New(rand.NewPCG(*seed, 0x9e3779b97f4a7c15)),
		rand: seededReader{rand.NewChaCha8(cs)}, out: e.stdout,
		now: time.Date(2026, 10, 26, 8, 0, 0, 0, time.UTC)}
	var err error
	if d.loc, err = time.LoadLocation("America/New_York"); err != nil {
		return err
	}
	if err := os.MkdirAll(path, 0o755); err != nil {
		return err
	}
	skey, vkey, err := note.GenerateKey(d.rand, "demo.punchledger")
	if err != nil {
		return err
	}
	if err := writeKeyFiles(path, []byte(skey+"\n"), []byte(vkey+"\n")); err != nil {
		return err
	}
	d.l, err = ledger.Open(path, &ledger.Options{Now: d.clock, Rand: d.rand, NoSync: true})
	if err != nil {
		return err
	}
	defer d.l.Close()
	d.svc, err = attendance.New(d.l, &attendance.Options{Now: d.clock, Rand: d.rand})
	if err != nil {
		return err
	}
	fmt.Fprintf(d.out, "punchledger demo — a month of remote work in New York (seed %d)\n", *seed)
	fmt.Fprintf(d.out, "ledger: %s\n\n", path)
	if err := d.setup(*n); err != nil {
		return fmt.Errorf("demo setup: %w", err)
	}
	if err := d.month(); err != nil {
		return fmt.Errorf("demo month: %w", err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return err
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return err
	}
	if err := d.report(path, signer, note.VerifierList(verifier)); err != nil {
		return fmt.Errorf("demo report: %w", err)
	}
	head, _ := d.l.Head()
	fmt.Fprintf(d.out, "\n%d events, %d employees, done in %.1f s. ", head, len(d.emps), e.m.Now().Sub(start).Seconds())
	if *dir != "" {
		fmt.Fprintf(d.out, "Explore it: punchledger --db %s --actor admin:root report daily --employee %s\n", path, d.corrected)
	} else {
		fmt.Fprintf(d.out, "Keep the ledger with --dir to explore it.\n")
	}
	return nil
}

// clock is the simulated wall clock: the ledger and the service read it.
func (d *demo) clock() time.Time { return d.now }

// at moves the simulated clock forward to t (never back).
func (d *demo) at(t time.Time) {
	if t.After(d.now) {
		d.now = t
	}
}

func (d *demo) local(day rules.Date, hh, mm int) time.Time {
	return time.Date(day.Year, day.Month, day.Day, hh, mm, 0, 0, d.loc)
}

func (d *demo) newID() ledger.ID {
	id, _ := ledger.NewID(d.rand)
	return id
}

func (d *demo) setup(n int) error {
	p, err := rules.ParsePolicy(demoPolicy)
	if err != nil {
		return err
	}
	ctx := d.ctx
	d.admin = attendance.EmployeeActor("root")
	d.hr = attendance.EmployeeActor("H1")
	d.auditor = attendance.EmployeeActor("A1")
	if _, err := d.svc.Bootstrap(ctx, attendance.SystemActor(), "root"); err != nil {
		return err
	}
	if _, err := d.svc.PublishPolicy(ctx, d.admin, p); err != nil {
		return err
	}
	for _, r := range []struct {
		id   string
		role attendance.Role
	}{{"H1", attendance.RoleHR}, {"A1", attendance.RoleAuditor}} {
		if _, err := d.svc.GrantRole(ctx, d.admin, r.id, r.role); err != nil {
			return err
		}
	}
	managers := max(2, n/30)
	d.byID = map[string]*demoEmployee{}
	for i := 1; i <= n; i++ {
		emp := &demoEmployee{id: fmt.Sprintf("E%04d", i)}
		if i <= managers {
			emp.id = fmt.Sprintf("M%02d", i)
		} else {
			emp.manager = fmt.Sprintf("M%02d", 1+i%managers)
		}
		switch r := d.rng.IntN(10); {
		case r < 5:
			emp.profile = "office"
		case r < 8:
			emp.profile = "home"
			emp.home = geofence.Point{Lat: 40.60 + d.rng.Float64()*0.25, Lon: -74.05 + d.rng.Float64()*0.25}
		default:
			emp.profile = "field"
		}
		emp.lateProne = d.rng.IntN(12) == 0
		site := map[string]string{"office": "HQ", "home": "remote", "field": "depot"}[emp.profile]
		if _, err := d.svc.RegisterEmployee(ctx, d.hr, attendance.Employee{ID: emp.id, ManagerID: emp.manager,
			Site: site, PolicyID: "default", JoinedOn: rules.MustDate("2025-01-06"),
			Personal: &attendance.Personal{Name: "Employee " + emp.id, Email: strings.ToLower(emp.id) + "@acme.example"}}); err != nil {
			return err
		}
		if err := d.bindPhone(emp, "phone-"+emp.id); err != nil {
			return err
		}
		d.emps = append(d.emps, emp)
		d.byID[emp.id] = emp
	}
	// Home workers report their home office; their manager approves it, and from then on
	// it is a zone for their punches.
	for _, emp := range d.emps {
		if emp.profile != "home" {
			continue
		}
		r, err := d.svc.ReportWorkLocation(ctx, attendance.EmployeeActor(emp.id), emp.id, attendance.WorkLocationReport{
			Kind: "home", Label: "home office", Address: "(sealed)", Center: emp.home, RadiusM: 150})
		if err != nil {
			return err
		}
		if _, err := d.svc.ApproveWorkLocation(ctx, d.approver(emp), emp.id, r.ID); err != nil {
			return err
		}
	}
	// Cast of the story.
	pick := func(profile string, skip ...string) string {
		for _, emp := range d.emps[managers:] {
			if emp.profile == profile && !slices.Contains(skip, emp.id) {
				return emp.id
			}
		}
		return d.emps[managers].id
	}
	d.nightWorker = pick("office")
	for _, emp := range d.emps[managers:] {
		if emp.profile == "home" && geofence.Distance(hq, emp.home) > 12000 {
			d.spoofer = emp.id
			break
		}
	}
	if d.spoofer == "" {
		d.spoofer = pick("home")
	}
	d.brokenPhone = pick("field")
	d.lateSync = pick("field", d.brokenPhone)
	d.corrected = pick("office", d.nightWorker)
	fmt.Fprintf(d.out, "Set up: policy %q v%d (%s; shifts day 09:00-17:00 and night 22:00-06:00;\n"+
		"sites HQ and Brooklyn-Depot; office Wi-Fi and IP ranges; bound devices); %d employees\n"+
		"(%d managers; HR H1, auditor A1, admin root) with signing phones; home offices approved as zones.\n\n",
		p.ID, p.Version, p.TimeZone, len(d.emps), managers)
	return nil
}

// approver is who decides emp's requests: his manager, or HR for managers.
func (d *demo) approver(emp *demoEmployee) attendance.Actor {
	if emp.manager == "" {
		return d.hr
	}
	return attendance.EmployeeActor(emp.manager)
}

func (d *demo) bindPhone(emp *demoEmployee, device string) error {
	seed := make([]byte, ed25519.SeedSize)
	d.rand.Read(seed)
	emp.key = ed25519.NewKeyFromSeed(seed)
	emp.device = device
	_, err := d.svc.BindDevice(d.ctx, d.hr, emp.id, attendance.Device{ID: device,
		PublicKey: emp.key.Public().(ed25519.PublicKey),
		Details:   &attendance.DeviceDetails{Model: "Pixel 9", OS: "Android 16", App: "punch 3.2"}})
	return err
}

// punchAt builds a signed punch of emp at t with evidence fitting where he works.
func (d *demo) punchAt(emp *demoEmployee, kind rules.PunchKind, t time.Time, where string) attendance.PunchInput {
	in := attendance.PunchInput{ID: d.newID(), Kind: kind, Source: attendance.SourceApp, At: t,
		DeviceID: emp.device, Factors: []string{"pin"}}
	jitter := func(p geofence.Point, m float64) geofence.Point {
		return geofence.Point{Lat: p.Lat + (d.rng.Float64()-0.5)*m/55000, Lon: p.Lon + (d.rng.Float64()-0.5)*m/42000}
	}
	switch where {
	case "office":
		in.Location = &attendance.Location{Lat: hq.Lat, Lon: hq.Lon, Accuracy: 8 + float64(d.rng.IntN(20)), Provider: "fused"}
		p := jitter(hq, 80)
		in.Location.Lat, in.Location.Lon = p.Lat, p.Lon
		in.BSSID = hqBSSID
		in.IP = hqIPBase.Next()
	case "home":
		p := jitter(emp.home, 60)
		in.Location = &attendance.Location{Lat: p.Lat, Lon: p.Lon, Accuracy: 10 + float64(d.rng.IntN(25)), Provider: "fused"}
		in.IP = netip.AddrFrom4([4]byte{198, 51, 100, byte(1 + d.rng.IntN(250))})
	case "depot":
		p := jitter(depot, 150)
		in.Location = &attendance.Location{Lat: p.Lat, Lon: p.Lon, Accuracy: 15 + float64(d.rng.IntN(30)), Provider: "gps"}
	case "field":
		p := geofence.Point{Lat: 40.58 + d.rng.Float64()*0.3, Lon: -74.1 + d.rng.Float64()*0.3}
		in.Location = &attendance.Location{Lat: p.Lat, Lon: p.Lon, Accuracy: 20 + float64(d.rng.IntN(40)), Provider: "gps"}
		in.IP = netip.AddrFrom4([4]byte{100, 64, byte(d.rng.IntN(250)), byte(1 + d.rng.IntN(250))})
	}
	if emp.key != nil {
		in.Signature = ed25519.Sign(emp.key, attendance.SigningBytes(emp.id, &in))
	}
	return in
}

// action is one thing that happens at a moment of the month. month moves the simulated
// clock to that moment before it runs the action.
type action struct {
	at time.Time
	do func() error
}

// add schedules fn at t. Actions at the same moment run in the order they were added.
func (d *demo) add(t time.Time, fn func() error) {
	d.acts = append(d.acts, action{at: t, do: fn})
}

// online schedules emp's punch at t: it is made when its moment comes, with the phone
// bound at that time.
func (d *demo) online(emp *demoEmployee, kind rules.PunchKind, t time.Time, where string) {
	d.add(t, func() error {
		in := d.punchAt(emp, kind, t, where)
		d.at(in.At.Add(time.Duration(1+d.rng.IntN(4)) * time.Second))
		if _, err := d.svc.RecordPunch(d.ctx, attendance.EmployeeActor(emp.id), emp.id, in); err != nil {
			return fmt.Errorf("punch of %s: %w", emp.id, err)
		}
		d.punches++
		return nil
	})
}

func (d *demo) month() error {
	ctx := d.ctx
	// An offline upload: the first attempt's answer is lost on the way back, so the app
	// retries the same batch; the ledger answers the retry with the original positions.
	upload := func(emp *demoEmployee, tin, tout time.Time, where string, t time.Time, retry bool) func() error {
		return func() error {
			ps := []attendance.PunchInput{d.punchAt(emp, rules.KindIn, tin, where), d.punchAt(emp, rules.KindOut, tout, where)}
			if emp.id == d.lateSync && d.lateSyncSeq == 0 && t.Sub(tout) > 72*time.Hour {
				head, _ := d.l.Head()
				d.lateSyncSeq = head
			}
			b := attendance.SyncBatch{EmployeeID: emp.id, DeviceID: emp.device, DeviceNow: t.Add(-40 * time.Second), Punches: ps}
			for try := 0; try < 1+btoi(retry); try++ {
				res, err := d.svc.SyncOffline(ctx, attendance.EmployeeActor(emp.id), b)
				if err != nil {
					return fmt.Errorf("sync of %s: %w", emp.id, err)
				}
				for _, it := range res.Items {
					switch {
					case it.Err != nil:
						return fmt.Errorf("sync of %s: %w", emp.id, it.Err)
					case it.Duplicate:
						d.retried++
					default:
						d.offline++
						d.punches++
					}
				}
			}
			return nil
		}
	}

	// The DST weekend: a night shift from Saturday 31 October 22:00 to Sunday 06:00, when
	// New York falls back from EDT to EST at 02:00 — the night lasts nine hours.
	nw := d.byID[d.nightWorker]
	sat := rules.MustDate("2026-10-31")
	d.add(d.local(sat, 9, 0).Add(-48*time.Hour), func() error {
		_, err := d.svc.AssignShift(ctx, d.approver(nw), nw.id,
			rules.Assignment{From: sat, To: sat, Shift: "night"})
		return err
	})
	// And once more in November, so the payroll shows night hours.
	fri := rules.MustDate("2026-11-20")
	d.add(d.local(fri, 9, 0).Add(-72*time.Hour), func() error {
		_, err := d.svc.AssignShift(ctx, d.approver(nw), nw.id, rules.Assignment{From: fri, To: fri, Shift: "night"})
		return err
	})
	d.online(nw, rules.KindIn, d.local(fri, 21, 58), "office")
	d.online(nw, rules.KindOut, d.local(fri.AddDays(1), 6, 2), "office")
	d.online(nw, rules.KindIn, d.local(sat, 21, 56), "office")
	sunOut := time.Date(2026, 11, 1, 6, 4, 0, 0, d.loc)
	d.online(nw, rules.KindOut, sunOut, "office")

	d.onVacation = map[string]bool{}
	for _, emp := range d.emps {
		if emp.profile == "office" && emp.id != d.nightWorker && emp.id != d.corrected && d.rng.IntN(6) == 0 {
			d.onVacation[emp.id] = true
		}
	}
	days := []rules.Date{}
	for day := rules.MustDate("2026-11-02"); !day.After(rules.MustDate("2026-11-30")); day = day.AddDays(1) {
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday && day != rules.MustDate("2026-11-26") {
			days = append(days, day)
		}
	}
	var forgotten []struct {
		emp *demoEmployee
		day rules.Date
		out time.Time
	}
	for di, day := range days {
		for _, emp := range d.emps {
			if day == rules.MustDate("2026-11-23") && d.onVacation[emp.id] {
				continue // vacation, recorded below
			}
			cast := emp.id == d.spoofer || emp.id == d.brokenPhone || emp.id == d.lateSync || emp.id == d.corrected
			if d.rng.IntN(90) == 0 && !cast || emp.id == d.corrected && day == rules.MustDate("2026-11-27") {
				continue // absent without a word (or, for one, a day at a client's without his phone)
			}
			inMin := 8*60 + 45 + int(d.rng.NormFloat64()*7)
			if emp.lateProne && d.rng.IntN(3) == 0 || d.rng.IntN(40) == 0 {
				inMin = 9*60 + 12 + d.rng.IntN(30)
			}
			outMin := 17*60 + 5 + int(math.Abs(d.rng.NormFloat64()*10))
			if d.rng.IntN(10) == 0 {
				outMin += 60 + d.rng.IntN(90) // staying late: overtime
			}
			tin, tout := d.local(day, inMin/60, inMin%60), d.local(day, outMin/60, outMin%60)
			where := emp.profile
			if where == "field" && d.rng.IntN(3) == 0 {
				where = "depot"
			}
			// Field workers with no signal keep punches on the phone and upload later.
			if emp.profile == "field" && (d.rng.IntN(8) == 0 || emp.id == d.lateSync && di == 5) {
				when := tout.Add(time.Duration(30+d.rng.IntN(300)) * time.Minute)
				if emp.id == d.lateSync && di == 5 {
					when = tout.Add(4*24*time.Hour + 3*time.Hour) // four days later: past the policy's limit
					d.lateSyncDay = day
				}
				d.add(when, upload(emp, tin, tout, where, when, d.rng.IntN(3) == 0 || emp.id == d.lateSync))
				continue
			}
			if emp.id == d.nightWorker && day == fri {
				continue // on the night shift, above
			}
			if emp.id == d.brokenPhone && di == 8 {
				d.brokenDay(emp, day, tin, tout)
				continue
			}
			if emp.id == d.spoofer && di == 12 {
				d.spoofDay(emp, day, tin, tout)
				continue
			}
			d.online(emp, rules.KindIn, tin, where)
			if d.rng.IntN(60) == 0 || emp.id == d.corrected && di == 3 {
				forgotten = append(forgotten, struct {
					emp *demoEmployee
					day rules.Date
					out time.Time
				}{emp, day, tout})
				continue // forgot to clock out
			}
			d.online(emp, rules.KindOut, tout, where)
		}
	}
	// Forgotten punches: most ask for a correction the next morning; the manager approves
	// most and rejects a claim of a suspiciously late clock-out.
	for i, f := range forgotten {
		if i%5 == 4 {
			continue // never asked: stays a missing punch
		}
		f := f
		claim := f.out
		reject := i%4 == 3 && f.emp.id != d.corrected
		if reject {
			claim = d.local(f.day, 21, 30)
		}
		ask := d.local(f.day.AddDays(1), 8, 10+i%40)
		var reqID ledger.ID
		d.add(ask, func() error {
			r, err := d.svc.RequestCorrection(ctx, attendance.EmployeeActor(f.emp.id), f.emp.id, attendance.CorrectionInput{
				ID: d.newID(), Day: f.day, Kind: rules.CorrectMissingOut, At: claim, Reason: "forgot to clock out"})
			if err != nil {
				return fmt.Errorf("correction of %s: %w", f.emp.id, err)
			}
			d.corrections++
			reqID = r.ID
			if f.emp.id == d.corrected {
				d.correctedDay = f.day
			}
			return nil
		})
		decide := ask.Add(3 * time.Hour)
		d.add(decide, func() error {
			var err error
			if reject {
				_, err = d.svc.RejectCorrection(ctx, d.approver(f.emp), f.emp.id, reqID, "you left at five")
				d.rejected++
			} else {
				_, err = d.svc.ApproveCorrection(ctx, d.approver(f.emp), f.emp.id, reqID, "ok")
				d.approved++
			}
			return err
		})
	}
	// Vacation on the Monday of Thanksgiving week for office workers who took it.
	vac := d.local(rules.MustDate("2026-11-20"), 15, 0)
	d.add(vac, func() error {
		for _, emp := range d.emps {
			if d.onVacation[emp.id] {
				if _, err := d.svc.RecordLeave(ctx, d.hr, emp.id, attendance.Leave{From: rules.MustDate("2026-11-23"),
					To: rules.MustDate("2026-11-23"), Kind: "vacation"}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	// Close November on 1 December; a correction decided afterwards becomes an adjustment.
	closeAt := d.local(rules.MustDate("2026-12-01"), 10, 0)
	d.add(closeAt, func() error {
		_, err := d.svc.ClosePayPeriod(ctx, d.hr, attendance.PayPeriod{PolicyID: "default",
			From: rules.MustDate("2026-11-01"), To: rules.MustDate("2026-11-30")})
		return err
	})
	sort.SliceStable(d.acts, func(i, j int) bool { return d.acts[i].at.Before(d.acts[j].at) })
	for _, a := range d.acts {
		d.at(a.at)
		if err := a.do(); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// brokenDay: the phone breaks at lunch. The afternoon punch comes from a borrowed phone
// that is not bound (flagged); HR unbinds the broken one and binds the replacement.
func (d *demo) brokenDay(emp *demoEmployee, day rules.Date, tin, tout time.Time) {
	d.online(emp, rules.KindIn, tin, "depot")
	borrowed := &demoEmployee{id: emp.id, device: "phone-borrowed"}
	d.online(borrowed, rules.KindOut, tout, "depot")
	fix := tout.Add(16 * time.Hour)
	d.add(fix, func() error {
		if _, err := d.svc.UnbindDevice(d.ctx, d.hr, emp.id, emp.device, "broken"); err != nil {
			return err
		}
		d.story = append(d.story, fmt.Sprintf("%s's phone broke on %s: the afternoon punch came from an unbound phone (flagged); HR unbound %s and bound phone-%s-2 the next morning.", emp.id, day, emp.device, emp.id))
		return d.bindPhone(emp, "phone-"+emp.id+"-2")
	})
}

// spoofDay: a home worker fakes being at HQ with a mock-location app, then punches out
// from home ten minutes later — 14 km away.
func (d *demo) spoofDay(emp *demoEmployee, day rules.Date, tin, tout time.Time) {
	d.add(tin, func() error {
		fake := d.punchAt(emp, rules.KindIn, tin, "office")
		fake.Location.Mock, fake.Location.Provider = true, "mock"
		fake.BSSID, fake.IP = "", netip.AddrFrom4([4]byte{198, 51, 100, 77})
		fake.Signature = ed25519.Sign(emp.key, attendance.SigningBytes(emp.id, &fake))
		d.at(tin.Add(2 * time.Second))
		_, err := d.svc.RecordPunch(d.ctx, attendance.EmployeeActor(emp.id), emp.id, fake)
		d.punches++
		return err
	})
	d.online(emp, rules.KindIn, tin.Add(2*time.Minute), "home")
	d.online(emp, rules.KindOut, tout, "home")
	km := geofence.Distance(hq, emp.home) / 1000
	d.story = append(d.story, fmt.Sprintf("%s tried a mock-location app on %s to punch in \"at HQ\": rejected (mock_location); the real punch from home %.0f km away two minutes later was flagged as impossible travel.", emp.id, day, km))
}

// report prints the story's figures from the projections and the proofs.
func (d *demo) report(path string, signer note.Signer, verifiers note.Verifiers) error {
	ctx := d.ctx
	w := d.out
	st, err := projection.Open(filepath.Join(path, "projections"), d.l, &projection.Options{NoSync: true})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.CatchUp(ctx, 0, projection.NewAttendance()); err != nil {
		return err
	}
	v := st.View()
	defer v.Close()
	rd := v.Reader(projection.AttendanceName)
	admin := d.admin
	nov := projection.Query{From: rules.MustDate("2026-11-01"), To: rules.MustDate("2026-11-30")}

	fmt.Fprintf(w, "The month: %d punches (%d uploaded offline; %d retried uploads answered as duplicates),\n"+
		"%d correction requests (%d approved, %d rejected), a DST night, a broken phone, a spoofing attempt.\n",
		d.punches, d.offline, d.retried, d.corrections, d.approved, d.rejected)
	for _, s := range d.story {
		fmt.Fprintf(w, "  - %s\n", wrap(s, 94, "    "))
	}

	// 1. Daily summary.
	rows, err := projection.Daily(rd, admin, nov)
	if err != nil {
		return err
	}
	type counts struct{ present, late, field, missing, absent, leave, flagged int }
	byDay := map[string]*counts{}
	var dates []string
	for _, r := range rows {
		c := byDay[r.Date]
		if c == nil {
			c = &counts{}
			byDay[r.Date] = c
			dates = append(dates, r.Date)
		}
		switch {
		case r.Status == "absent":
			c.absent++
		case r.Status == "leave" || r.Figures.Leave > 0:
			c.leave++
		case r.Worked > 0 || r.Status == "present":
			c.present++
		}
		if r.Late > 0 {
			c.late++
		}
		if r.Field {
			c.field++
		}
		for _, x := range r.Exceptions {
			if strings.HasPrefix(x.Code, "missing") {
				c.missing++
				break
			}
		}
		for _, x := range r.Exceptions {
			if x.Event.Type == attendance.TypePunchRecorded {
				c.flagged++
				break
			}
		}
	}
	sort.Strings(dates)
	fmt.Fprintf(w, "\n== Daily summary, November 2026 (working days; employees per status)\n")
	t := newTable("date", "day", "present", "late", "field", "missing punch", "absent", "leave", "punch flagged")
	for _, ds := range dates {
		c := byDay[ds]
		day := rules.MustDate(ds)
		if c.present+c.absent+c.leave == 0 {
			continue
		}
		t.add(ds, day.Weekday().String()[:3], c.present, c.late, c.field, c.missing, c.absent, c.leave, c.flagged)
	}
	t.writeText(w)

	// 2. Exceptions.
	exs, err := projection.Exceptions(rd, admin, nov)
	if err != nil {
		return err
	}
	byCode := map[string]int{}
	for _, x := range exs {
		byCode[x.Code]++
	}
	codes := make([]string, 0, len(byCode))
	for c := range byCode {
		codes = append(codes, c)
	}
	sort.Slice(codes, func(i, j int) bool {
		return cmp.Or(cmp.Compare(byCode[codes[j]], byCode[codes[i]]), strings.Compare(codes[i], codes[j])) < 0
	})
	fmt.Fprintf(w, "\n== Open exceptions: %d, by kind\n", len(exs))
	t = newTable("exception", "count", "example")
	for _, c := range codes {
		ex := ""
		for _, x := range exs {
			if x.Code == c {
				ex = x.Employee + " " + x.Date
				if x.Detail != "" {
					ex = truncate(ex+": "+x.Detail, 66)
				}
				break
			}
		}
		t.add(c, byCode[c], ex)
	}
	t.writeText(w)

	// 3. Payroll.
	pay, err := projection.Payroll(rd, admin, projection.Query{From: rules.MustDate("2026-11-01"), To: rules.MustDate("2026-11-30"), Team: "M01"})
	if err != nil {
		return err
	}
	all, err := projection.Payroll(rd, admin, nov)
	if err != nil {
		return err
	}
	var tot projection.Figures
	otTotal := map[string]int32{}
	for _, p := range all {
		if p.From != "2026-11-01" {
			continue
		}
		tot.Worked += p.Totals.Worked
		tot.Regular += p.Totals.Regular
		tot.Night += p.Totals.Night
		tot.Days += p.Totals.Days
		for _, o := range p.Totals.Overtime {
			otTotal[fmt.Sprintf("%s@%s", o.Category, rules.Percent(o.Percent))] += o.Minutes
		}
	}
	fmt.Fprintf(w, "\n== Payroll hours, November 2026 (closed 1 December), team of M01 — first 10\n")
	t = newTable("employee", "days", "worked", "regular", "overtime", "unpaid breaks", "absent", "leave")
	for _, p := range pay[:min(10, len(pay))] {
		f := p.Totals
		t.add(p.Employee, f.Days, hm(f.Worked), hm(f.Regular), overtimeText(f.Overtime), hm(f.UnpaidBreak), f.Absent, f.Leave)
	}
	t.writeText(w)
	var ots []string
	for k, m := range otTotal {
		ots = append(ots, fmt.Sprintf("%s %s", hm(m), k))
	}
	sort.Strings(ots)
	fmt.Fprintf(w, "All %d employees: %d days worked, %s worked, %s regular,\novertime %s, night %s.\n",
		len(all), tot.Days, hm(tot.Worked), hm(tot.Regular), strings.Join(ots, " "), hm(tot.Night))

	// A correction decided after the close: booked as an adjustment, not a rewrite.
	if err := d.lateCorrection(); err != nil {
		return err
	}

	// 4. Verify and checkpoint.
	if err := d.l.Verify(ctx); err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	th := d.l.TreeHead()
	ckpt, err := d.l.Checkpoint(signer)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n== Verify\nok: %d events; every hash, the chain and the Merkle root check.\nroot %s\n", th.Size, th.Root)
	fmt.Fprintf(w, "signed checkpoint (in full: punchledger checkpoint):\n")
	for _, line := range strings.Split(strings.TrimRight(string(ckpt), "\n"), "\n") {
		fmt.Fprintf(w, "  %s\n", truncate(line, 90))
	}

	// 5. A punch receipt, checked as its holder would: offline, with the public key.
	emp := d.byID[d.corrected]
	var punch ledger.Event
	err = d.l.ScanStream(ctx, attendance.EmployeeStream(emp.id), 1, func(ev *ledger.Event) error {
		if ev.Type == attendance.TypePunchRecorded {
			punch = *ev
			punch.Data = slices.Clone(ev.Data)
			return ledger.ErrStop
		}
		return nil
	})
	if err != nil {
		return err
	}
	rc, err := makeReceipt(d.l, signer, &punch)
	if err != nil {
		return err
	}
	if _, err := checkReceipt(rc, verifiers); err != nil {
		return fmt.Errorf("receipt: %w", err)
	}
	fmt.Fprintf(w, "\n== A punch receipt (%s's first punch), checked offline with the public key\n", emp.id)
	fmt.Fprintf(w, "event #%d %s, id %s, at %s\nleaf %s\naudit path: %d hashes to the root of the signed tree of %d events — ok\n",
		punch.Seq, punch.Type, punch.ID, punch.OccurredAt.In(d.loc).Format("Mon 2 Jan 15:04 MST"), rc.LeafHash,
		len(rc.Proof.Path), rc.Proof.TreeSize)

	// 6. Explain interesting days, as of now (after the late correction).
	if err := st.CatchUp(ctx, 0, projection.NewAttendance()); err != nil {
		return err
	}
	v2 := st.View()
	defer v2.Close()
	rd2 := v2.Reader(projection.AttendanceName)
	for _, x := range []struct {
		title, emp string
		day        rules.Date
	}{
		{"the night across the end of daylight saving time", d.nightWorker, rules.MustDate("2026-10-31")},
		{"an offline upload four days late re-opened the day", d.lateSync, d.lateSyncDay},
		{"an absent day, corrected after its pay period closed", d.corrected, d.correctedDay},
	} {
		ex, err := projection.Explain(rd2, admin, x.emp, x.day)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\n== Explain: %s\n", x.title)
		if x.emp == d.lateSync && d.lateSyncSeq > 0 {
			if err := d.before(st, x.emp, x.day); err != nil {
				return err
			}
		}
		writeExplanation(w, ex)
	}
	return nil
}

// before shows, by as-of replay, what the late-synced day looked like just before the
// upload arrived.
func (d *demo) before(st *projection.Store, emp string, day rules.Date) error {
	v, err := st.Replay(d.ctx, d.lateSyncSeq, projection.NewAttendance())
	if err != nil {
		return err
	}
	defer v.Close()
	rows, err := projection.Daily(v.Reader(projection.AttendanceName), d.admin, projection.Query{Employee: emp, From: day, To: day})
	if err != nil {
		return err
	}
	status := "not evaluated yet"
	if len(rows) == 1 {
		status = rows[0].Status
		if len(rows[0].Exceptions) > 0 {
			status += " (" + rows[0].Exceptions[0].Code + ")"
		}
	}
	ev, err := d.l.Get(d.lateSyncSeq)
	if err != nil {
		return err
	}
	fmt.Fprintf(d.out, "As of event #%d (%s, replayed): %s. Then the phone uploaded:\n",
		d.lateSyncSeq, ev.RecordedAt.In(d.loc).Format("Mon 2 Jan 15:04"), status)
	return st.DropReplay(d.lateSyncSeq)
}

// lateCorrection: an employee's forgotten clock-out in the closed period, asked on
// 2 December within the deadline and approved: November stays frozen, December gets
// the adjustment.
func (d *demo) lateCorrection() error {
	emp := d.byID[d.corrected]
	day := rules.MustDate("2026-11-27")
	d.at(d.local(rules.MustDate("2026-12-02"), 9, 0))
	var ids []ledger.ID
	for _, c := range []struct {
		kind rules.CorrectionKind
		at   time.Time
	}{{rules.CorrectMissingIn, d.local(day, 8, 55)}, {rules.CorrectMissingOut, d.local(day, 17, 5)}} {
		r, err := d.svc.RequestCorrection(d.ctx, attendance.EmployeeActor(emp.id), emp.id, attendance.CorrectionInput{
			ID: d.newID(), Day: day, Kind: c.kind, At: c.at, Reason: "worked at a client's office without my phone"})
		if err != nil {
			return err
		}
		ids = append(ids, r.ID)
	}
	d.at(d.local(rules.MustDate("2026-12-02"), 11, 0))
	for _, id := range ids {
		if _, err := d.svc.ApproveCorrection(d.ctx, d.approver(emp), emp.id, id, "confirmed with the client"); err != nil {
			return err
		}
	}
	d.correctedDay = day
	fmt.Fprintf(d.out, "\nAfter the close: %s was absent on %s (at a client's office without his phone); his two\n"+
		"corrections were approved on 2 December. November's totals stay frozen; the difference is\n"+
		"booked as an adjustment in the next period (see the last explain).\n", emp.id, day)
	return nil
}

// wrap folds s at width columns, indenting continuation lines.
func wrap(s string, width int, ind string) string {
	var b strings.Builder
	col := 0
	for i, word := range strings.Fields(s) {
		if i > 0 {
			if col+1+len(word) > width {
				b.WriteString("\n" + ind)
				col = len(ind)
			} else {
				b.WriteByte(' ')
				col++
			}
		}
		b.WriteString(word)
		col += len(word)
	}
	return b.String()
}
