package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/punchledger/punchledger/rules"
)

func init() {
	register(&command{
		name:    "policy validate",
		args:    "FILE",
		summary: "check a policy JSON file and list every problem (no ledger needed)",
		long: `Parses and validates the policy (unknown fields are errors) and prints each problem
with its path, e.g. "shifts[0].start: not a clock time". FILE "-" reads stdin. The
policy format is documented in the README and in package rules.`,
		example: `punchledger policy validate policy.json`,
		run:     runPolicyValidate,
	})
}

// readInput reads FILE, or stdin for "-".
func (e *env) readInput(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(e.stdin)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// loadPolicy reads and validates a policy file; the error lists every problem.
func (e *env) loadPolicy(name string) (*rules.Policy, error) {
	b, err := e.readInput(name)
	if err != nil {
		return nil, err
	}
	p, err := rules.ParsePolicy(b)
	if err != nil {
		var ve *rules.ValidationError
		if errors.As(err, &ve) {
			return nil, &policyError{file: name, problems: ve.Problems}
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return p, nil
}

// policyError lists a policy file's problems, one a line.
type policyError struct {
	file     string
	problems []rules.Problem
}

func (e *policyError) Error() string {
	s := fmt.Sprintf("%s: invalid policy (%d problem", e.file, len(e.problems))
	if len(e.problems) != 1 {
		s += "s"
	}
	s += "):"
	for _, p := range e.problems {
		path := p.Path
		if path == "" {
			path = "(document)"
		}
		s += fmt.Sprintf("\n  %s: %s", path, p.Message)
	}
	return s
}

func runPolicyValidate(e *env, args []string) error {
	fs := e.flags()
	pos, err := e.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	p, err := e.loadPolicy(pos[0])
	if err != nil {
		return err
	}
	return e.emit(map[string]any{"valid": true, "id": p.ID, "version": p.Version,
		"effective_from": p.EffectiveFrom.String(), "time_zone": p.TimeZone},
		kv("valid", true, "id", p.ID, "version", p.Version, "effective from", p.EffectiveFrom, "time zone", p.TimeZone))
}
