package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInput runs every command with bad input — malformed flags, files and JSON,
// unknown employees, the wrong actor — and checks each gives a clear message and a
// non-zero exit, and writes nothing: the ledger's tree head (size and root) is unchanged
// and no output file appears.
func TestBadInput(t *testing.T) {
	c := newCLI(t)
	policy, err := filepath.Abs("demo-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	c.setupWith(policy)
	c.now = "2026-11-02T09:00:05-05:00"
	c.ok("--actor", "employee:E2", "punch", "--kind", "in", "--device", "phone-2", "--at", "2026-11-02T09:00:00-05:00")
	var req receiptOut
	c.json(&req, "--actor", "employee:E1", "correction", "request", "--day", "2026-11-02", "--kind", "missing_out", "--at", "2026-11-02T17:00:00-05:00")
	exp := filepath.Join(c.dir, "good.export")
	c.ok("--actor", "admin:root", "export", "--personal", exp)

	badPolicy := c.file("bad-policy.json", `{"id":"default","version":2,"effective_from":"2026-13-01","time_zone":"Mars/Base","shifts":[]}`)
	notJSON := c.file("not-json.json", `{"id": "default", `)
	unknownField := c.file("unknown-field.json", strings.Replace(string(must(os.ReadFile(policy))), `"version": 1`, `"version": 2, "colour": "red"`, 1))
	badSync := c.file("bad.jsonl", `{"id":"0e2a0000000000000000000000000011","kind":"in","at":"2026-11-02T08:51:00-05:00"}`+"\n"+`{"id":"0e2a00000000000000000000000000`+"\n")
	noID := c.file("noid.jsonl", `{"kind":"in","at":"2026-11-02T08:51:00-05:00"}`+"\n")
	badKind := c.file("badkind.jsonl", `{"id":"0e2a0000000000000000000000000012","kind":"sideways","at":"2026-11-02T08:51:00-05:00"}`+"\n")
	extraField := c.file("extra.jsonl", `{"id":"0e2a0000000000000000000000000013","kind":"in","at":"2026-11-02T08:51:00-05:00","altitude":3}`+"\n")
	goodLine := c.file("good.jsonl", `{"id":"0e2a0000000000000000000000000014","kind":"in","at":"2026-11-02T08:51:00-05:00"}`+"\n")
	truncated := c.file("truncated.export", string(must(os.ReadFile(exp)))[:200])
	garbage := c.file("garbage.json", `{"kind":"inclusion","event":{}}`)
	newDB := filepath.Join(c.dir, "new.db")
	outFile := filepath.Join(c.dir, "should-not-exist.export")

	root := []string{"--actor", "admin:root"}
	hr := []string{"--actor", "hr:H1"}
	e1 := []string{"--actor", "employee:E1"}
	e2 := []string{"--actor", "employee:E2"}
	aud := []string{"--actor", "auditor:A1"}
	join := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	args := func(s ...string) []string { return s }

	for _, tc := range []struct {
		name string
		args []string
		want string // in stderr
	}{
		// The command line itself.
		{"UnknownCommand", args("frobnicate"), `unknown command "frobnicate"`},
		{"UnknownSubcommand", args("policy", "burn"), `unknown policy subcommand "burn"`},
		{"GroupWithoutSubcommand", args("report"), "report needs a subcommand"},
		{"UnknownFlag", args("verify", "--colour"), "flag provided but not defined: -colour"},
		{"BadFormat", args("verify", "--format", "xml"), "--format must be table, csv or json"},
		{"ExtraArgument", args("verify", "now"), `unexpected argument "now"`},
		{"MissingArgument", args("policy", "publish"), "missing argument"},
		{"NoActor", args("employee", "add", "--id", "E9"), "this command needs --actor"},
		{"BadActor", join(args("--actor", "king:K1"), args("employee", "list")), `unknown role "king"`},
		{"ActorWithoutID", join(args("--actor", "admin"), args("employee", "list")), "want ROLE:ID"},
		{"NoLedger", args("--db", filepath.Join(c.dir, "nowhere.db"), "verify"), "no ledger at"},

		// init and import.
		{"InitExisting", args("init"), "exists and is not empty"},
		{"ImportIntoExisting", args("import", exp), "exists and is not empty"},
		{"ImportTruncated", args("--db", newDB, "import", truncated), "export refused"},
		{"ImportMissingFile", args("--db", newDB, "import", filepath.Join(c.dir, "nope.export")), "no such file"},

		// Policies.
		{"PolicyInvalid", join(root, args("policy", "publish", badPolicy)), "invalid policy"},
		{"PolicyNotJSON", join(root, args("policy", "publish", notJSON)), "invalid policy"},
		{"PolicyUnknownField", join(root, args("policy", "publish", unknownField)), `unknown field "colour"`},
		{"PolicyMissingFile", join(root, args("policy", "publish", filepath.Join(c.dir, "nope.json"))), "no such file"},
		{"PolicyByEmployee", join(e1, args("policy", "publish", policy)), "not allowed"},
		{"PolicySameVersionAgain", join(root, args("policy", "publish", policy)), "version"},
		{"PolicyShowUnknown", args("policy", "show", "--id", "nope"), `no policy "nope"`},
		{"RoleUnknown", join(root, args("role", "grant", "--employee", "E1", "--role", "king")), "want hr, admin or auditor"},
		{"RoleByHR", join(hr, args("role", "grant", "--employee", "E1", "--role", "admin")), "not allowed"},

		// People and devices.
		{"EmployeeNoID", join(hr, args("employee", "add")), "--id is required"},
		{"EmployeeDuplicate", join(hr, args("employee", "add", "--id", "E1")), "already registered"},
		{"EmployeeBadDate", join(hr, args("employee", "add", "--id", "E9", "--joined", "2026-02-30")), "want a date"},
		{"EmployeeBadID", join(hr, args("employee", "add", "--id", "Ada Lovelace")), "invalid"},
		{"EmployeeByAuditor", join(aud, args("employee", "add", "--id", "E9")), "not allowed"},
		{"EmployeeByEmployee", join(e1, args("employee", "add", "--id", "E9")), "not allowed"},
		{"EmployeeUpdateUnknown", join(hr, args("employee", "update", "--id", "E404", "--site", "HQ")), "unknown employee"},
		{"EmployeeShowOther", join(e2, args("employee", "show", "E1")), "not allowed"},
		{"DeviceBindUnknownEmployee", join(hr, args("device", "bind", "--employee", "E404", "--device", "d9")), "unknown employee"},
		{"DeviceBindSecond", join(hr, args("device", "bind", "--employee", "E1", "--device", "phone-9")), "already bound"},
		{"DeviceBindByEmployee", join(e1, args("device", "bind", "--employee", "M2", "--device", "phone-9")), "not allowed"},
		{"DeviceBindBadKeyFile", join(hr, args("device", "bind", "--employee", "E1", "--device", "phone-9", "--pubkey", notJSON)), "not a hex or base64 key"},
		{"DeviceUnbindNotBound", join(hr, args("device", "unbind", "--employee", "E1", "--device", "phone-9", "--reason", "lost")), "not bound"},
		{"EraseNoReason", join(root, args("erase", "--employee", "E1")), "--reason is required"},
		{"EraseByEmployee", join(e1, args("erase", "--employee", "E1", "--reason", "x")), "not allowed"},

		// Punches and sync.
		{"PunchBadKind", join(e1, args("punch", "--kind", "sideways")), "want in or out"},
		{"PunchBadLat", join(e1, args("punch", "--kind", "in", "--lat", "north", "--lon", "1")), "not a number"},
		{"PunchLatWithoutLon", join(e1, args("punch", "--kind", "in", "--lat", "40.1")), "lat and lon go together"},
		{"PunchBadTime", join(e1, args("punch", "--kind", "in", "--at", "yesterday")), "RFC 3339"},
		{"PunchBadIP", join(e1, args("punch", "--kind", "in", "--ip", "999.1.1.1")), "not an IP address"},
		{"PunchBadID", join(e1, args("punch", "--kind", "in", "--id", "xyz")), "32 hex"},
		{"PunchForOther", join(e1, args("punch", "--kind", "in", "--employee", "E2")), "not allowed"},
		{"PunchUnknownEmployee", join(args("--actor", "system"), args("punch", "--kind", "in", "--employee", "E404")), "unknown employee"},
		{"PunchMissingSignKey", join(e1, args("punch", "--kind", "in", "--sign-key", filepath.Join(c.dir, "nope.key"))), "no such file"},
		{"SyncMalformedLine", join(e2, args("sync", badSync)), "bad.jsonl:2"},
		{"SyncNoID", join(e2, args("sync", noID)), "id is required"},
		{"SyncBadKind", join(e2, args("sync", badKind)), "want in or out"},
		{"SyncUnknownField", join(e2, args("sync", extraField)), `unknown field "altitude"`},
		{"SyncEmpty", join(e2, args("sync", c.file("empty.jsonl", "\n# nothing\n"))), "no punches"},
		{"SyncForOther", join(e1, args("sync", "--employee", "E2", "--device", "phone-2", goodLine)), "not allowed"},
		{"SyncUnknownEmployee", join(args("--actor", "system"), args("sync", "--employee", "E404", "--device", "phone-9", goodLine)), "unknown employee"},
		{"SyncBadDeviceNow", join(e2, args("sync", "--device-now", "soon", goodLine)), "RFC 3339"},

		// Corrections, shifts, leave, periods.
		{"CorrectionBadKind", join(e1, args("correction", "request", "--day", "2026-11-02", "--kind", "undo")), "want missing_in"},
		{"CorrectionNoDay", join(e1, args("correction", "request", "--kind", "missing_in")), "--day is required"},
		{"CorrectionForOther", join(e1, args("correction", "request", "--employee", "E2", "--day", "2026-11-02", "--kind", "missing_out", "--at", "2026-11-02T17:00:00-05:00")), "not allowed"},
		{"CorrectionMissingEvidence", join(e1, args("correction", "request", "--day", "2026-11-02", "--kind", "missing_out", "--evidence", filepath.Join(c.dir, "nope.pdf"))), "no such file"},
		{"ApproveOwn", join(e1, args("correction", "approve", "--employee", "E1", req.Receipt.ID)), "not allowed"},
		{"ApproveByOtherManager", join(args("--actor", "manager:M2"), args("correction", "approve", "--employee", "E1", req.Receipt.ID)), "not allowed"},
		{"ApproveByAuditor", join(aud, args("correction", "approve", "--employee", "E1", req.Receipt.ID)), "not allowed"},
		{"ApproveBadID", join(args("--actor", "manager:M1"), args("correction", "approve", "--employee", "E1", "123")), "32 hex"},
		{"DecideMalformedLine", join(args("--actor", "manager:M1"), args("correction", "decide", c.file("inbox-bad.jsonl",
			`{"employee":"E1","request":"`+req.Receipt.ID+`","decision":"approve"}`+"\n"+`{"employee":"E1","request":`+"\n"))), "inbox-bad.jsonl:2"},
		{"DecideBadVerdict", join(args("--actor", "manager:M1"), args("correction", "decide", c.file("inbox-verdict.jsonl",
			`{"employee":"E1","request":"`+req.Receipt.ID+`","decision":"maybe"}`+"\n"))), "want approve or reject"},
		{"DecideUnknownField", join(args("--actor", "manager:M1"), args("correction", "decide", c.file("inbox-field.jsonl",
			`{"employee":"E1","request":"`+req.Receipt.ID+`","decision":"approve","urgent":true}`+"\n"))), `unknown field "urgent"`},
		{"DecideEmpty", join(args("--actor", "manager:M1"), args("correction", "decide", c.file("inbox-empty.jsonl", "# none\n"))), "no decisions"},
		{"DecideOwn", join(e1, args("correction", "decide", c.file("inbox-own.jsonl",
			`{"employee":"E1","request":"`+req.Receipt.ID+`","decision":"approve"}`+"\n"))), "not allowed"},
		{"ApproveUnknownRequest", join(args("--actor", "manager:M1"), args("correction", "approve", "--employee", "E1", "00000000000000000000000000000001")), "unknown request"},
		{"WithdrawOthers", join(e2, args("correction", "withdraw", "--employee", "E1", req.Receipt.ID)), "not allowed"},
		{"ShiftNeither", join(args("--actor", "manager:M1"), args("shift", "assign", "--employee", "E1", "--from", "2026-11-09")), "give --shift NAME or --off"},
		{"ShiftUnknownShift", join(args("--actor", "manager:M1"), args("shift", "assign", "--employee", "E1", "--from", "2026-11-09", "--shift", "graveyard")), "graveyard"},
		{"ShiftByEmployee", join(e1, args("shift", "assign", "--employee", "E1", "--from", "2026-11-09", "--shift", "day")), "not allowed"},
		{"LeaveBackwards", join(hr, args("leave", "record", "--employee", "E1", "--from", "2026-11-10", "--to", "2026-11-09", "--kind", "vacation")), "is before"},
		{"LeaveNoKind", join(hr, args("leave", "record", "--employee", "E1", "--from", "2026-11-10")), "--kind is required"},
		{"PeriodNoTo", join(root, args("period", "close", "--from", "2026-11-01")), "--to is required"},
		{"PeriodByEmployee", join(e1, args("period", "close", "--from", "2026-11-01", "--to", "2026-11-30")), "not allowed"},
		{"PeriodWrongDates", join(root, args("period", "close", "--policy", "default", "--from", "2026-11-03", "--to", "2026-11-30")), "period"},

		// Requests and voids.
		{"VoidByEmployee", join(e1, args("void", "--employee", "E1", "--punch", req.Receipt.ID, "--reason", "oops")), "not allowed"},
		{"VoidUnknownPunch", join(args("--actor", "manager:M1"), args("void", "--employee", "E1", "--punch", "00000000000000000000000000000002", "--reason", "oops")), "unknown punch"},
		{"VoidReasonNotCode", join(args("--actor", "manager:M1"), args("void", "--employee", "E2", "--punch", "00000000000000000000000000000002", "--reason", "Not A Code")), "invalid"},
		{"RebindApproveUnknown", join(args("--actor", "manager:M1"), args("device", "rebind-approve", "--employee", "E1", "00000000000000000000000000000003")), "unknown request"},
		{"RebindForOther", join(e2, args("device", "rebind-request", "--employee", "E1", "--device", "p9", "--reason", "broken")), "not allowed"},
		{"WorkLocationBadLat", join(e1, args("worklocation", "report", "--kind", "home", "--lat", "x", "--lon", "1")), "not a number"},
		{"WorkLocationTooBig", join(e1, args("worklocation", "report", "--kind", "home", "--lat", "40.1", "--lon", "-74.2", "--radius", "90000")), "invalid"},
		{"AccessByOther", join(e2, args("employee", "access", "E1")), "not allowed"},

		// Reads and proofs.
		{"ReportBadDate", join(hr, args("report", "daily", "--from", "11/02/2026")), "want a date"},
		{"ReportBadAsOf", join(hr, args("report", "payroll", "--as-of", "last tuesday")), "--as-of"},
		{"ReportByDevice", join(args("--actor", "device:phone-1"), args("report", "daily", "--employee", "E1")), "not allowed"},
		{"ExplainNoDate", join(hr, args("explain", "--employee", "E1")), "--date is required"},
		{"ExplainOther", join(e2, args("explain", "--employee", "E1", "--date", "2026-11-02")), "not allowed"},
		{"ReplayNoAsOf", join(aud, args("replay")), "--as-of is required"},
		{"DiffNoAsOf", join(aud, args("diff")), "--as-of is required"},
		{"ProveUnknownSeq", args("prove", "event", "99999"), "no event at sequence 99999"},
		{"ProveBadSeq", args("prove", "event", "first"), "not a sequence number"},
		{"ProveUnknownID", args("prove", "event", "0123456789abcdef0123456789abcdef"), "no event with ID"},
		{"ProveCheckGarbage", args("prove", "check", garbage), "does NOT hold"},
		{"ProveCheckNotJSON", args("prove", "check", notJSON), "not a receipt or proof"},
		{"ConsistencyBadCheckpoint", args("prove", "consistency", notJSON), "checkpoint"},
		{"ExportByEmployee", join(e1, args("export", outFile)), "not allowed"},
		{"ExportPersonalByAuditor", join(aud, args("export", "--personal", outFile)), "not allowed"},
		{"ExportCheckTruncated", args("export", "--check", truncated), "does NOT verify"},
		{"CheckpointBadKey", args("checkpoint", "--key", notJSON), "signing key"},
		{"BenchBadSize", args("bench", "--employees", "0"), "at least 1"},
		{"DemoTooFew", args("demo", "--employees", "3"), "between 20 and 5000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := c.head()
			out, errs, code := c.run("", tc.args...)
			if code == 0 {
				t.Fatalf("punchledger %s: exit 0, want failure\nstdout: %s", strings.Join(tc.args, " "), out)
			}
			if !strings.Contains(errs, tc.want) {
				t.Errorf("punchledger %s: stderr %q does not contain %q", strings.Join(tc.args, " "), errs, tc.want)
			}
			if !strings.HasPrefix(errs, "punchledger") {
				t.Errorf("stderr does not name the program: %q", errs)
			}
			if after := c.head(); after != before {
				t.Errorf("punchledger %s wrote to the ledger: %+v -> %+v", strings.Join(tc.args, " "), before, after)
			}
			if left, _ := filepath.Glob(filepath.Join(c.dir, "*.partial-*")); len(left) > 0 {
				t.Errorf("punchledger %s left %v behind", strings.Join(tc.args, " "), left)
			}
			for _, p := range []string{outFile, newDB} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("punchledger %s left %s behind", strings.Join(tc.args, " "), p)
					os.RemoveAll(p)
				}
			}
		})
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
