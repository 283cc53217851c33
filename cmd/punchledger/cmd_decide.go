package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/punchledger/punchledger/attendance"
)

func init() {
	register(&command{
		name:    "correction decide",
		args:    "FILE.jsonl",
		summary: "decide many pending corrections from a file (a manager's inbox), each on its own",
		long: `Reads one decision per line (JSON; blank lines and lines starting with # are skipped):

  {"employee": "E1001", "request": "3f2a…e6f7", "decision": "approve", "comment": "ok"}

decision is approve or reject; comment is optional. The whole file is checked before
anything is written: a malformed line refuses the file. Then each decision is
authorized and applied on its own (attendance.Service.DecideCorrections): one refused
decision does not stop the others, and the exit status is 1 if any was refused.
FILE - reads standard input.`,
		example: `punchledger --actor manager:M1 correction decide inbox.jsonl`,
		run:     runDecide,
	})
}

// decisionLine is one line of a decisions file.
type decisionLine struct {
	Employee string `json:"employee"`
	Request  string `json:"request"`
	Decision string `json:"decision"`
	Comment  string `json:"comment,omitempty"`
}

type decisionJSON struct {
	Line     int    `json:"line"`
	Employee string `json:"employee"`
	Request  string `json:"request"`
	Decision string `json:"decision"`
	Status   string `json:"status"` // decided, or refused
	Final    bool   `json:"final"`  // the correction is decided for good (false: one more approval needed)
	Seq      uint64 `json:"seq,omitempty"`
	Error    string `json:"error,omitempty"`
}

func runDecide(e *env, args []string) error {
	fs := e.flags()
	pos, err := e.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	a, err := e.actor()
	if err != nil {
		return err
	}
	data, err := e.readInput(pos[0])
	if err != nil {
		return err
	}
	ds, lines, err := parseDecisions(pos[0], data)
	if err != nil {
		return err
	}
	svc, l, err := e.service()
	if err != nil {
		return err
	}
	defer l.Close()
	res := svc.DecideCorrections(e.ctx, a, ds)
	items := make([]decisionJSON, len(res))
	t := newTable("line", "employee", "request", "decision", "status", "final", "seq", "error")
	refused := 0
	var first string // the first refusal, for the error message
	for i, r := range res {
		it := decisionJSON{Line: lines[i], Employee: ds[i].EmployeeID, Request: ds[i].RequestID.String(),
			Decision: map[bool]string{true: "approve", false: "reject"}[ds[i].Approve], Status: "decided"}
		if r.Err != nil {
			it.Status, it.Error = "refused", explainErr(r.Err).Error()
			if refused == 0 {
				first = fmt.Sprintf("line %d: %s", it.Line, firstLine(it.Error))
			}
			refused++
		} else {
			it.Final, it.Seq = r.Final, r.Receipt.FirstSeq
		}
		items[i] = it
		seq := ""
		if it.Seq != 0 {
			seq = strconv.FormatUint(it.Seq, 10)
		}
		t.add(it.Line, it.Employee, it.Request, it.Decision, it.Status, it.Final, seq, firstLine(it.Error))
	}
	if err := e.emit(map[string]any{"decisions": len(ds), "decided": len(ds) - refused, "refused": refused, "items": items}, t); err != nil {
		return err
	}
	if refused > 0 {
		return fmt.Errorf("%d of %d decisions were refused, the others were written (first: %s)", refused, len(ds), first)
	}
	return nil
}

// parseDecisions reads and checks a whole decisions file (named name) before anything
// is written: the decisions and the line each came from.
func parseDecisions(name string, data []byte) ([]attendance.Decision, []int, error) {
	var ds []attendance.Decision
	var lines []int
	err := eachJSONLine(name, data, func(ln int, decode func(any) error) error {
		var d decisionLine
		if err := decode(&d); err != nil {
			return err
		}
		if d.Employee == "" {
			return errors.New("employee is required")
		}
		id, err := parseEventID("request", d.Request)
		if err != nil {
			return err
		}
		var approve bool
		switch d.Decision {
		case "approve":
			approve = true
		case "reject":
		default:
			return fmt.Errorf("decision %q: want approve or reject", d.Decision)
		}
		ds = append(ds, attendance.Decision{EmployeeID: d.Employee, RequestID: id, Approve: approve, Comment: d.Comment})
		lines = append(lines, ln)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if len(ds) == 0 {
		return nil, nil, fmt.Errorf("%s: no decisions in the file", name)
	}
	return ds, lines, nil
}

// eachJSONLine calls fn for every line of a JSON-lines file (named name) that is not
// blank or a # comment, with a decoder of the line's one JSON value that refuses unknown
// fields. An error from fn is reported with the file and line, and says that nothing
// was written: callers check a whole file before acting on any of it.
func eachJSONLine(name string, data []byte, fn func(ln int, decode func(v any) error) error) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for ln := 1; sc.Scan(); ln++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if err := fn(ln, func(v any) error { return strictJSON([]byte(text), v) }); err != nil {
			return fmt.Errorf("%s:%d: %v (nothing was written)", name, ln, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// firstLine is s up to its first newline (error hints follow on later lines).
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
