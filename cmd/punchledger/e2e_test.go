package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The end-to-end tests build the punchledger binary and run it as a user would.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "punchledger-e2e-bin-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "punchledger")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			binPath = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v\n%s", buildErr, binPath)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// cli runs the binary against one ledger with a scripted clock.
type cli struct {
	t   *testing.T
	bin string
	db  string
	dir string
	now string // $PUNCHLEDGER_NOW for the next runs
}

func newCLI(t *testing.T) *cli {
	dir := t.TempDir()
	return &cli{t: t, bin: binary(t), db: filepath.Join(dir, "ledger.db"), dir: dir, now: "2026-11-02T08:00:00-05:00"}
}

func (c *cli) run(stdin string, args ...string) (stdout, stderr string, code int) {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Env = append(os.Environ(), "PUNCHLEDGER_DB="+c.db, "PUNCHLEDGER_NOW="+c.now, "PUNCHLEDGER_ACTOR=")
	cmd.Dir = c.dir
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatalf("%v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

// ok runs a command that must succeed and returns its stdout.
func (c *cli) ok(args ...string) string {
	c.t.Helper()
	out, errs, code := c.run("", args...)
	if code != 0 {
		c.t.Fatalf("punchledger %s: exit %d\nstderr: %s\nstdout: %s", strings.Join(args, " "), code, errs, out)
	}
	return out
}

// json runs a command with --format json that must succeed and decodes its output.
func (c *cli) json(v any, args ...string) {
	c.t.Helper()
	out := c.ok(append(args, "--format", "json")...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		c.t.Fatalf("punchledger %s: %v in %s", strings.Join(args, " "), err, out)
	}
}

func (c *cli) file(name, content string) string {
	c.t.Helper()
	p := filepath.Join(c.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		c.t.Fatal(err)
	}
	return p
}

type head struct {
	OK   bool   `json:"ok"`
	Size uint64 `json:"size"`
	Root string `json:"root"`
}

func (c *cli) head() head {
	c.t.Helper()
	var h head
	c.json(&h, "verify")
	if !h.OK {
		c.t.Fatalf("verify: %+v", h)
	}
	return h
}

type receiptOut struct {
	OK       bool   `json:"ok"`
	What     string `json:"what"`
	Outcome  string `json:"outcome"`
	Final    bool   `json:"final"`
	Findings []struct {
		Code string `json:"code"`
	} `json:"findings"`
	Receipt struct {
		ID        string `json:"id"`
		FirstSeq  uint64 `json:"first_seq"`
		Duplicate bool   `json:"duplicate"`
	} `json:"receipt"`
}

const syncFile = `# E2's phone was offline on Monday and Tuesday
{"id":"0e2a0000000000000000000000000001","kind":"in","at":"2026-11-02T08:51:00-05:00","lat":40.676231,"lon":-73.992117,"accuracy_m":18,"provider":"gps","factors":["pin"]}
{"id":"0e2a0000000000000000000000000002","kind":"out","at":"2026-11-02T17:09:00-05:00","lat":40.676148,"lon":-73.992203,"accuracy_m":21,"provider":"gps","factors":["pin"]}
{"id":"0e2a0000000000000000000000000003","kind":"in","at":"2026-11-03T08:47:00-05:00","lat":40.676315,"lon":-73.992071,"accuracy_m":15,"provider":"gps","factors":["pin"]}
{"id":"0e2a0000000000000000000000000004","kind":"out","at":"2026-11-03T17:15:00-05:00","lat":40.676052,"lon":-73.992139,"accuracy_m":19,"provider":"gps","factors":["pin"]}
`

type syncOut struct {
	Punches    int `json:"punches"`
	Recorded   int `json:"recorded"`
	Duplicates int `json:"duplicates"`
	Refused    int `json:"refused"`
	Items      []struct {
		Status  string `json:"status"`
		Seq     uint64 `json:"seq"`
		Outcome string `json:"outcome"`
	} `json:"items"`
}

// setupWith runs the first half of the story: a ledger with a policy, people and devices.
func (c *cli) setupWith(policy string) {
	c.t.Helper()
	var init struct {
		DB          string `json:"db"`
		VerifierKey string `json:"verifier_key"`
	}
	c.json(&init, "init", "--name", "acme.example")
	if init.DB != c.db || !strings.HasPrefix(init.VerifierKey, "acme.example+") {
		c.t.Fatalf("init: %+v", init)
	}
	c.ok("policy", "validate", policy)
	root := []string{"--actor", "admin:root"}
	c.ok(append(root, "policy", "publish", policy)...)
	c.ok(append(root, "role", "grant", "--employee", "H1", "--role", "hr")...)
	c.ok(append(root, "role", "grant", "--employee", "A1", "--role", "auditor")...)
	hr := []string{"--actor", "hr:H1"}
	c.ok(append(hr, "employee", "add", "--id", "M1", "--site", "HQ")...)
	c.ok(append(hr, "employee", "add", "--id", "M2", "--site", "HQ")...)
	c.ok(append(hr, "employee", "add", "--id", "E1", "--manager", "M1", "--site", "HQ", "--name", "Ada Lovelace", "--email", "ada@example.com")...)
	c.ok(append(hr, "employee", "add", "--id", "E2", "--manager", "M1", "--site", "depot")...)
	c.ok(append(hr, "device", "bind", "--employee", "E1", "--device", "phone-1", "--gen-key", filepath.Join(c.dir, "phone-1.key"), "--model", "Pixel 9")...)
	c.ok(append(hr, "device", "bind", "--employee", "E2", "--device", "phone-2")...)
}

func TestEndToEndStory(t *testing.T) {
	c := newCLI(t)
	// The binary runs in a temp dir; give it the policy by absolute path.
	policy, err := filepath.Abs("demo-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	c.setupWith(policy)

	// E1 punches in at HQ on Monday from his signing phone: accepted, no findings.
	c.now = "2026-11-02T08:58:03-05:00"
	var p receiptOut
	c.json(&p, "--actor", "employee:E1", "punch", "--kind", "in", "--device", "phone-1", "--at", "2026-11-02T08:58:00-05:00",
		"--lat", "40.752731", "--lon", "-73.977248", "--accuracy", "12", "--provider", "fused", "--bssid", "3c:84:6a:11:22:33",
		"--ip", "203.0.113.17", "--factors", "pin", "--sign-key", filepath.Join(c.dir, "phone-1.key"))
	if p.Outcome != "accept" || len(p.Findings) != 0 || p.Receipt.FirstSeq == 0 {
		t.Fatalf("punch: %+v", p)
	}
	punchSeq := p.Receipt.FirstSeq
	// ... and forgets to punch out.

	// E2's offline punches arrive on Wednesday; the app's first upload times out after
	// the server committed it, so it uploads the same file again, then a file that
	// overlaps it.
	c.now = "2026-11-04T07:40:00-05:00"
	sf := c.file("offline.jsonl", syncFile)
	var s1, s2, s3 syncOut
	c.json(&s1, "--actor", "employee:E2", "sync", "--device", "phone-2", "--device-now", "2026-11-04T07:39:30-05:00", sf)
	if s1.Punches != 4 || s1.Recorded != 4 || s1.Duplicates != 0 || s1.Refused != 0 {
		t.Fatalf("first sync: %+v", s1)
	}
	before := c.head()
	c.json(&s2, "--actor", "employee:E2", "sync", "--device", "phone-2", sf)
	if s2.Recorded != 0 || s2.Duplicates != 4 {
		t.Fatalf("retried sync: %+v", s2)
	}
	for i := range s1.Items {
		if s2.Items[i].Seq != s1.Items[i].Seq || s2.Items[i].Status != "duplicate" {
			t.Fatalf("retry item %d: %+v, first %+v", i, s2.Items[i], s1.Items[i])
		}
	}
	if after := c.head(); after != before {
		t.Fatalf("retried sync changed the ledger: %+v -> %+v", before, after)
	}
	lines := strings.Split(strings.TrimSpace(syncFile), "\n")
	more := c.file("more.jsonl", lines[3]+"\n"+lines[4]+"\n"+
		`{"id":"0e2a0000000000000000000000000005","kind":"in","at":"2026-11-04T08:49:00-05:00","lat":40.676231,"lon":-73.992117,"accuracy_m":18,"provider":"gps","factors":["pin"]}`+"\n")
	c.json(&s3, "--actor", "employee:E2", "sync", "--device", "phone-2", more)
	if s3.Recorded != 1 || s3.Duplicates != 2 {
		t.Fatalf("overlapping sync: %+v", s3)
	}

	// E1 asks for his forgotten clock-out; his manager approves it.
	c.now = "2026-11-04T08:30:00-05:00"
	var req receiptOut
	c.json(&req, "--actor", "employee:E1", "correction", "request", "--day", "2026-11-02", "--kind", "missing_out",
		"--at", "2026-11-02T17:06:00-05:00", "--reason", "forgot to clock out", "--evidence", sf)
	c.now = "2026-11-04T10:00:00-05:00"
	var dec receiptOut
	c.json(&dec, "--actor", "manager:M1", "correction", "approve", "--employee", "E1", req.Receipt.ID, "--comment", "ok")
	if !dec.Final || dec.Receipt.FirstSeq <= req.Receipt.FirstSeq {
		t.Fatalf("approve: %+v (request %+v)", dec, req)
	}

	// Reports.
	c.now = "2026-11-05T09:00:00-05:00"
	var daily []struct {
		Employee string `json:"employee"`
		Date     string `json:"date"`
		Status   string `json:"status"`
		FirstIn  string `json:"first_in"`
		LastOut  string `json:"last_out"`
		Worked   int    `json:"worked_min"`
		Field    bool   `json:"field"`
		Reasons  []struct {
			Code string `json:"code"`
		} `json:"reasons"`
	}
	c.json(&daily, "--actor", "manager:M1", "report", "daily", "--team", "M1", "--from", "2026-11-02", "--to", "2026-11-03")
	got := map[string]string{}
	for _, d := range daily {
		got[d.Employee+" "+d.Date] = d.Status
		if d.Employee == "E1" && d.Date == "2026-11-02" {
			if d.Status != "present" || !strings.HasPrefix(d.FirstIn, "2026-11-02T08:58") || !strings.HasPrefix(d.LastOut, "2026-11-02T17:06") || d.Worked < 7*60 {
				t.Errorf("E1's corrected Monday: %+v", d)
			}
			found := false
			for _, r := range d.Reasons {
				found = found || r.Code == "corrected"
			}
			if !found {
				t.Errorf("E1's Monday has no 'corrected' reason: %+v", d.Reasons)
			}
		}
		if d.Employee == "E2" && d.Worked < 7*60 {
			t.Errorf("E2's synced day: %+v", d)
		}
	}
	for _, k := range []string{"E1 2026-11-02", "E2 2026-11-02", "E2 2026-11-03"} {
		if got[k] != "present" {
			t.Errorf("daily %s = %q, want present (all: %v)", k, got[k], got)
		}
	}
	var pay []struct {
		Employee string `json:"employee"`
		From     string `json:"from"`
		Totals   struct {
			Worked int `json:"worked_min"`
			Days   int `json:"days"`
		} `json:"totals"`
	}
	c.json(&pay, "--actor", "hr:H1", "report", "payroll", "--employee", "E2", "--from", "2026-11-01", "--to", "2026-11-30")
	if len(pay) != 1 || pay[0].From != "2026-11-01" || pay[0].Totals.Days != 2 || pay[0].Totals.Worked < 14*60 {
		t.Errorf("payroll: %+v", pay)
	}
	var exs []struct {
		Employee string `json:"employee"`
		Code     string `json:"code"`
	}
	c.json(&exs, "--actor", "auditor:A1", "report", "exceptions", "--from", "2026-11-02", "--to", "2026-11-02")
	for _, x := range exs {
		if x.Employee == "E1" && strings.HasPrefix(x.Code, "missing") {
			t.Errorf("E1's missing punch is still open after the approved correction: %+v", exs)
		}
	}
	// An employee sees only himself.
	var own []struct {
		Employee string `json:"employee"`
	}
	c.json(&own, "--actor", "employee:E2", "report", "daily")
	for _, d := range own {
		if d.Employee != "E2" {
			t.Fatalf("E2 sees %s's days", d.Employee)
		}
	}
	var ex struct {
		Employee string `json:"employee"`
		Events   []struct {
			Seq  uint64 `json:"seq"`
			Type string `json:"type"`
		} `json:"events"`
	}
	c.json(&ex, "--actor", "manager:M1", "explain", "--employee", "E1", "--date", "2026-11-02")
	types := []string{}
	for _, e := range ex.Events {
		types = append(types, e.Type)
	}
	if strings.Join(types, ",") != "punch.recorded,correction.requested,correction.approved" {
		t.Errorf("explain events: %v", types)
	}

	// Verify, a receipt, export, import, verify again with the same root.
	h := c.head()
	if h.Size < 15 {
		t.Fatalf("head %+v", h)
	}
	rc := filepath.Join(c.dir, "receipt.json")
	c.ok("prove", "event", itoa(punchSeq), "--out", rc)
	var chk struct {
		OK    bool `json:"ok"`
		Event struct {
			Seq  uint64 `json:"seq"`
			Type string `json:"type"`
		} `json:"event"`
	}
	c.json(&chk, "prove", "check", rc, "--pub", filepath.Join(c.db, "checkpoint.pub"))
	if !chk.OK || chk.Event.Seq != punchSeq || chk.Event.Type != "punch.recorded" {
		t.Fatalf("prove check: %+v", chk)
	}
	exp := filepath.Join(c.dir, "ledger.export")
	var e1 struct {
		Size uint64 `json:"size"`
		Root string `json:"root"`
	}
	c.json(&e1, "--actor", "admin:root", "export", "--personal", exp)
	if e1.Size != h.Size || e1.Root != h.Root {
		t.Fatalf("export %+v, head %+v", e1, h)
	}
	var ck head
	c.json(&ck, "export", "--check", exp)
	if !ck.OK || ck.Root != h.Root {
		t.Fatalf("export --check: %+v", ck)
	}
	copyDB := filepath.Join(c.dir, "copy.db")
	var imp struct {
		Size uint64 `json:"size"`
		Root string `json:"root"`
	}
	c.json(&imp, "--db", copyDB, "import", exp, "--pub", filepath.Join(c.db, "checkpoint.pub"), "--keys-from", c.db)
	var h2 head
	c.json(&h2, "--db", copyDB, "verify")
	if imp.Root != h.Root || h2 != h {
		t.Fatalf("after import: %+v, verify %+v; original %+v", imp, h2, h)
	}
	// The copy answers the same reports.
	var daily2 []json.RawMessage
	c.json(&daily2, "--db", copyDB, "--actor", "manager:M1", "report", "daily", "--team", "M1", "--from", "2026-11-02", "--to", "2026-11-03")
	if len(daily2) != len(daily) {
		t.Errorf("copy has %d day rows, original %d", len(daily2), len(daily))
	}
}

func itoa(n uint64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestEndToEndRequests: a broken phone replaced through a request and its approval, a home
// office reported and approved (then a punch from home is inside a zone), a punch voided,
// and the employee's access request.
func TestEndToEndRequests(t *testing.T) {
	c := newCLI(t)
	policy, err := filepath.Abs("demo-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	c.setupWith(policy)
	c.now = "2026-11-02T12:00:00-05:00"
	var rb receiptOut
	c.json(&rb, "--actor", "employee:E1", "device", "rebind-request", "--device", "phone-1b", "--gen-key", filepath.Join(c.dir, "phone-1b.key"), "--reason", "broken")
	c.ok("--actor", "manager:M1", "device", "rebind-approve", "--employee", "E1", rb.Receipt.ID)
	var view struct {
		Devices []struct {
			ID string `json:"id"`
		} `json:"devices"`
		Personal *struct {
			Name string
		} `json:"personal"`
	}
	c.json(&view, "--actor", "hr:H1", "employee", "show", "E1")
	if len(view.Devices) != 1 || view.Devices[0].ID != "phone-1b" || view.Personal == nil || view.Personal.Name != "Ada Lovelace" {
		t.Fatalf("after rebind: %+v", view)
	}
	var wl receiptOut
	c.json(&wl, "--actor", "employee:E1", "worklocation", "report", "--kind", "home", "--lat", "40.712811", "--lon", "-74.006013", "--radius", "120", "--label", "home office")
	c.ok("--actor", "manager:M1", "worklocation", "approve", "--employee", "E1", wl.Receipt.ID)
	c.now = "2026-11-03T08:59:02-05:00"
	var p receiptOut
	c.json(&p, "--actor", "employee:E1", "punch", "--kind", "in", "--device", "phone-1b", "--at", "2026-11-03T08:59:00-05:00",
		"--lat", "40.712839", "--lon", "-74.006071", "--accuracy", "15", "--factors", "pin", "--sign-key", filepath.Join(c.dir, "phone-1b.key"))
	if p.Outcome != "accept" {
		t.Fatalf("punch from the approved home office: %+v", p)
	}
	c.ok("--actor", "manager:M1", "void", "--employee", "E1", "--punch", p.Receipt.ID, "--reason", "test_punch")
	var doc map[string]any
	c.json(&doc, "--actor", "employee:E1", "employee", "access", "E1")
	if len(doc) == 0 {
		t.Fatal("empty access document")
	}
	_, errs, code := c.run("", "--actor", "employee:E2", "employee", "access", "E1")
	if code == 0 || !strings.Contains(errs, "not allowed") {
		t.Fatalf("E2 reading E1's data: exit %d, %s", code, errs)
	}
}

// TestEndToEndAdministration covers the rest of the commands: policy show, employee
// update and list, shifts, leave, rejected and withdrawn corrections, a pay period closed
// and a change after it (an adjustment, seen by replay and diff), quota, the raw log,
// rebuild, CSV output and erasure.
func TestEndToEndAdministration(t *testing.T) {
	c := newCLI(t)
	policy, err := filepath.Abs("demo-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	c.setupWith(policy)
	var pol struct {
		ID      string `json:"id"`
		Version int    `json:"version"`
		Shifts  []struct {
			Name string `json:"name"`
		} `json:"shifts"`
	}
	c.json(&pol, "policy", "show", "--id", "default")
	if pol.ID != "default" || pol.Version != 1 || len(pol.Shifts) != 2 {
		t.Fatalf("policy show: %+v", pol)
	}
	hr := []string{"--actor", "hr:H1"}
	c.ok(append(hr, "employee", "update", "--id", "E2", "--site", "NYC-2")...)
	var list []struct {
		Record struct {
			EmployeeID string `json:"employee_id"`
			ManagerID  string `json:"manager_id"`
			Site       string `json:"site"`
		} `json:"record"`
	}
	c.json(&list, append(hr, "employee", "list")...)
	if len(list) != 4 {
		t.Fatalf("hr sees %d employees: %+v", len(list), list)
	}
	c.json(&list, "--actor", "manager:M1", "employee", "list", "--team", "M1")
	if len(list) != 2 || list[1].Record.EmployeeID != "E2" || list[1].Record.Site != "NYC-2" || list[1].Record.ManagerID != "M1" {
		t.Fatalf("M1's team: %+v", list)
	}

	c.ok("--actor", "manager:M1", "shift", "assign", "--employee", "E2", "--from", "2026-11-03", "--off")
	c.ok(append(hr, "leave", "record", "--employee", "E2", "--from", "2026-11-04", "--kind", "vacation")...)
	// E2 works Monday (a signing-free phone, at the depot).
	for _, p := range [][2]string{{"in", "2026-11-02T08:55:00-05:00"}, {"out", "2026-11-02T17:02:00-05:00"}} {
		c.now = p[1]
		c.ok("--actor", "employee:E2", "punch", "--kind", p[0], "--device", "phone-2", "--at", p[1],
			"--lat", "40.676231", "--lon", "-73.992117", "--accuracy", "20", "--factors", "pin")
	}
	// E1 forgets both punches on Monday: one request rejected, one withdrawn.
	c.now = "2026-11-03T09:00:00-05:00"
	var r1, r2 receiptOut
	c.json(&r1, "--actor", "employee:E1", "correction", "request", "--day", "2026-11-02", "--kind", "missing_in", "--at", "2026-11-02T07:00:00-05:00")
	c.json(&r2, "--actor", "employee:E1", "correction", "request", "--day", "2026-11-02", "--kind", "missing_out", "--at", "2026-11-02T19:00:00-05:00")
	c.ok("--actor", "manager:M1", "correction", "reject", "--employee", "E1", "--comment", "no", r1.Receipt.ID)
	c.ok("--actor", "employee:E1", "correction", "withdraw", r2.Receipt.ID)
	var quota []struct {
		Employee  string `json:"employee"`
		Requested int    `json:"requested"`
		Rejected  int    `json:"rejected"`
		Withdrawn int    `json:"withdrawn"`
	}
	c.json(&quota, append(hr, "report", "quota", "--employee", "E1")...)
	if len(quota) != 1 || quota[0].Requested != 2 || quota[0].Rejected != 1 || quota[0].Withdrawn != 1 {
		t.Fatalf("quota: %+v", quota)
	}

	// Close the period on 1 December; then a correction for November is approved.
	c.now = "2026-12-01T10:00:00-05:00"
	c.ok(append(hr, "period", "close", "--policy", "default", "--from", "2026-11-01", "--to", "2026-11-30")...)
	var closed head
	c.json(&closed, "verify")
	c.now = "2026-12-02T09:00:00-05:00"
	c.ok("--actor", "employee:E2", "correction", "request", "--day", "2026-11-30", "--kind", "missing_in", "--at", "2026-11-30T09:00:00-05:00")
	c.ok("--actor", "employee:E2", "correction", "request", "--day", "2026-11-30", "--kind", "missing_out", "--at", "2026-11-30T17:00:00-05:00")
	var log []struct {
		ID string `json:"id"`
	}
	c.json(&log, "log", "--stream", "employee/E2", "--type", "correction.requested")
	if len(log) != 2 {
		t.Fatalf("log: %+v", log)
	}
	// M1 decides his inbox from a file: E2's two requests, and E1's rejected one again
	// (refused on its own: the others are written and the exit status is 1).
	var inbox strings.Builder
	for _, l := range log {
		fmt.Fprintf(&inbox, `{"employee":"E2","request":%q,"decision":"approve","comment":"ok"}`+"\n", l.ID)
	}
	fmt.Fprintf(&inbox, "# decided in November already\n"+`{"employee":"E1","request":%q,"decision":"approve"}`+"\n", r1.Receipt.ID)
	out, errs, code := c.run("", "--actor", "manager:M1", "correction", "decide", c.file("inbox.jsonl", inbox.String()), "--format", "json")
	var decided struct {
		Decided, Refused int
		Items            []struct {
			Line   int
			Status string
			Final  bool
			Seq    uint64
			Error  string
		}
	}
	if err := json.Unmarshal([]byte(out), &decided); err != nil || code != 1 || !strings.Contains(errs, "1 of 3 decisions were refused, the others were written (first: line 4: ") {
		t.Fatalf("correction decide: exit %d, %v\nstdout: %s\nstderr: %s", code, err, out, errs)
	}
	if decided.Decided != 2 || decided.Refused != 1 || !decided.Items[0].Final || decided.Items[1].Seq == 0 ||
		decided.Items[2].Line != 4 || decided.Items[2].Status != "refused" || !strings.Contains(decided.Items[2].Error, "already decided") {
		t.Fatalf("correction decide: %+v", decided)
	}
	type payRow struct {
		From   string `json:"from"`
		Closed bool   `json:"closed"`
		Totals struct {
			Worked int `json:"worked_min"`
		} `json:"totals"`
		Adjusted struct {
			Worked int `json:"worked_min"`
		} `json:"adjusted"`
	}
	var now, then []payRow
	c.json(&now, append(hr, "report", "payroll", "--employee", "E2", "--from", "2026-11-01", "--to", "2026-12-31")...)
	c.json(&then, "--actor", "auditor:A1", "replay", "--as-of", itoa(closed.Size), "--employee", "E2", "--from", "2026-11-01", "--to", "2026-11-30")
	if len(then) != 1 || !then[0].Closed || len(now) < 2 || now[0].Totals != then[0].Totals || now[1].Adjusted.Worked <= 0 {
		t.Fatalf("payroll now %+v, as of the close %+v", now, then)
	}
	var diff struct {
		Changes []struct {
			Employee string `json:"employee"`
			Date     string `json:"date"`
		} `json:"changes"`
	}
	c.json(&diff, "--actor", "auditor:A1", "diff", "--as-of", itoa(closed.Size), "--employee", "E2", "--from", "2026-11-30", "--to", "2026-11-30")
	if len(diff.Changes) != 1 || diff.Changes[0].Date != "2026-11-30" {
		t.Fatalf("diff: %+v", diff)
	}

	// CSV, rebuild, checkpoint.
	out = c.ok(append(hr, "report", "daily", "--employee", "E2", "--from", "2026-11-02", "--to", "2026-11-04", "--format", "csv")...)
	if !strings.HasPrefix(out, "employee,date,status,") || strings.Count(out, "\n") != 4 {
		t.Fatalf("csv: %q", out)
	}
	if !strings.Contains(out, "leave") || !strings.Contains(out, "rest") {
		t.Errorf("csv: no leave or rest day: %q", out)
	}
	c.ok("rebuild")
	if again := c.ok(append(hr, "report", "daily", "--employee", "E2", "--from", "2026-11-02", "--to", "2026-11-04", "--format", "csv")...); again != out {
		t.Errorf("after rebuild:\n%s\nbefore:\n%s", again, out)
	}
	if ck := c.ok("checkpoint"); !strings.HasPrefix(ck, "acme.example\n") {
		t.Errorf("checkpoint: %q", ck)
	}

	// Erasure: personal data gone, the log still verifies.
	c.ok("--actor", "admin:root", "erase", "--employee", "E1", "--reason", "erasure_request")
	var v struct {
		Erased   bool `json:"erased"`
		Personal *struct {
			Name string
		} `json:"personal"`
	}
	c.json(&v, append(hr, "employee", "show", "E1")...)
	if !v.Erased || v.Personal != nil && v.Personal.Name != "" {
		t.Fatalf("after erase: %+v", v)
	}
	c.head()
}
