package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

// runCLI runs the CLI in process with a fixed clock and returns its outputs.
func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	m := &Main{
		Now:        func() time.Time { return time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) },
		Getenv:     func(k string) string { return env[k] },
		Rand:       strings.NewReader(strings.Repeat("0123456789abcdef", 4096)),
		IsTerminal: func(io.Writer) bool { return false },
	}
	var out, errb bytes.Buffer
	code = m.Run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

func TestDispatch(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		inStdout string
		inStderr string
	}{
		{"NoCommand", nil, exitUsage, "", "no command given"},
		{"Help", []string{"help"}, exitOK, "Commands:", ""},
		{"DashHelp", []string{"--help"}, exitOK, "Commands:", ""},
		{"UnknownCommand", []string{"frobnicate"}, exitUsage, "", `unknown command "frobnicate"`},
		{"UnknownGlobalFlag", []string{"--nope", "help"}, exitUsage, "", "flag provided but not defined: -nope"},
		{"HelpUnknown", []string{"help", "frobnicate"}, exitUsage, "", "no such command: frobnicate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := runCLI(t, nil, "", tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errs)
			}
			if !strings.Contains(out, tc.inStdout) {
				t.Errorf("stdout %q does not contain %q", out, tc.inStdout)
			}
			if !strings.Contains(errs, tc.inStderr) {
				t.Errorf("stderr %q does not contain %q", errs, tc.inStderr)
			}
		})
	}
}

func TestEveryCommandHasHelpAndExample(t *testing.T) {
	for name, c := range commands {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			if c.summary == "" || c.example == "" {
				t.Errorf("%s: summary %q, example %q: both are required", name, c.summary, c.example)
			}
			out, errs, code := runCLI(t, nil, "", append(strings.Fields(name), "--help")...)
			if code != exitOK || !strings.Contains(out, "Example:") || !strings.Contains(out, "-db") {
				t.Errorf("%s --help: exit %d\nstdout: %s\nstderr: %s", name, code, out, errs)
			}
		})
	}
}

func TestInterleave(t *testing.T) {
	e := &env{m: NewMain(), cmd: &command{name: "x"}}
	e.m.Getenv = func(string) string { return "" }
	fs := e.flags()
	fs.Bool("v", false, "")
	fs.String("out", "", "")
	got := strings.Join(interleave(fs, []string{"a", "--out", "f", "b", "-v", "--", "-c"}), " ")
	if want := "--out f -v -- a b -c"; got != want {
		t.Errorf("interleave = %q, want %q", got, want)
	}
}
