package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/term"
)

// EnvDB names the environment variable that overrides the default ledger directory.
const EnvDB = "PUNCHLEDGER_DB"

// DefaultDB is the ledger directory used when neither --db nor $PUNCHLEDGER_DB is given,
// relative to the working directory.
const DefaultDB = "punchledger.db"

// Main wires the command line to the library. It is the only place that reads the wall
// clock, the environment and the terminal; tests replace its fields to run the CLI in
// process with a fixed clock.
type Main struct {
	// Now is the wall clock (default time.Now). It becomes the ledger's clock.
	Now func() time.Time
	// Getenv reads the environment (default os.Getenv).
	Getenv func(string) string
	// Rand is the source of event IDs and keys (default crypto/rand.Reader).
	Rand io.Reader
	// IsTerminal reports whether w is a terminal; progress bars are drawn on stderr only
	// when it is (default: term.IsTerminal on *os.File, false otherwise).
	IsTerminal func(w io.Writer) bool

	initErr error // a bad $PUNCHLEDGER_NOW, reported by Run
}

// EnvNow names the environment variable that fixes the clock, for scripted stories
// and tests: an RFC 3339 time the CLI uses as "now" for everything it records.
const EnvNow = "PUNCHLEDGER_NOW"

// NewMain returns a Main reading the real clock, environment and terminal. When
// $PUNCHLEDGER_NOW is set, the clock starts there and advances with real time.
func NewMain() *Main {
	now := time.Now
	if s := os.Getenv(EnvNow); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return &Main{initErr: usagef("$%s %q: want an RFC 3339 time", EnvNow, s)}
		}
		start := time.Now()
		now = func() time.Time { return t.Add(time.Since(start)) }
	}
	return &Main{
		Now:    now,
		Getenv: os.Getenv,
		Rand:   rand.Reader,
		IsTerminal: func(w io.Writer) bool {
			f, ok := w.(*os.File)
			return ok && term.IsTerminal(int(f.Fd()))
		},
	}
}

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the command failed: bad input, refused, not found, corrupt
	exitUsage = 2 // the command line itself is wrong
)

// usageError marks an error in the command line (unknown command, bad flag, missing
// argument): exit status 2 and a pointer to --help.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// env is one invocation: the streams, the global flags and the Main it runs under.
type env struct {
	m      *Main
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	cmd    *command

	db        string // ledger directory
	actorFlag string // --actor as given: who is acting, "role:id"
	format    string // table, csv or json
}

// command is one subcommand. Commands with a space in their name ("policy publish") are
// reached through their group ("policy").
type command struct {
	name    string // "verify", "policy publish"
	args    string // synopsis of positional arguments, "FILE"
	summary string // one line for the command list
	long    string // paragraphs for --help
	example string // one or more example lines for --help
	run     func(e *env, args []string) error
}

// commands is the command table, filled by the init functions of the cmd_*.go files.
var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("punchledger: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// Run runs the command line args (without the program name) and returns the exit status.
// Output goes to stdout, messages and progress to stderr.
func (m *Main) Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{m: m, ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	if m.Now == nil || m.Getenv == nil || m.Rand == nil || m.IsTerminal == nil {
		def := NewMain()
		if m.Now == nil {
			m.Now = def.Now
		}
		if m.Getenv == nil {
			m.Getenv = def.Getenv
		}
		if m.Rand == nil {
			m.Rand = def.Rand
		}
		if m.IsTerminal == nil {
			m.IsTerminal = def.IsTerminal
		}
	}
	err := m.initErr
	if err == nil {
		err = e.dispatch(args)
	}
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	}
	name := "punchledger"
	if e.cmd != nil {
		name += " " + e.cmd.name
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", name)
		return exitUsage
	}
	fmt.Fprintf(stderr, "%s: %v\n", name, err)
	return exitError
}

func (e *env) dispatch(args []string) error {
	// Global flags may come before the command name.
	fs := flag.NewFlagSet("punchledger", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	e.globalFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			e.printCommands(e.stdout)
			return flag.ErrHelp
		}
		return usagef("%v", err)
	}
	args = fs.Args()
	if len(args) == 0 {
		return usagef("no command given (run 'punchledger help' for the list)")
	}
	name := args[0]
	if name == "help" {
		if len(args) > 1 {
			if c := commands[strings.Join(args[1:], " ")]; c != nil {
				e.cmd = c
				return c.run(e, []string{"--help"})
			}
			if sub := groupMembers(args[1]); len(sub) > 0 && len(args) == 2 {
				e.printGroup(e.stdout, args[1], sub)
				return nil
			}
			return usagef("no such command: %s", strings.Join(args[1:], " "))
		}
		e.printCommands(e.stdout)
		return nil
	}
	c := commands[name]
	rest := args[1:]
	if c == nil {
		// A group: "policy publish".
		if sub := groupMembers(name); len(sub) > 0 {
			if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
				if len(rest) > 0 && (rest[0] == "-h" || rest[0] == "--help" || rest[0] == "-help") {
					e.printGroup(e.stdout, name, sub)
					return flag.ErrHelp
				}
				return usagef("%s needs a subcommand: %s", name, strings.Join(sub, ", "))
			}
			c = commands[name+" "+rest[0]]
			if c == nil {
				return usagef("unknown %s subcommand %q (one of: %s)", name, rest[0], strings.Join(sub, ", "))
			}
			rest = rest[1:]
		} else {
			return usagef("unknown command %q (run 'punchledger help' for the list)", name)
		}
	}
	e.cmd = c
	return c.run(e, rest)
}

// globalFlags registers --db, --actor and --format on fs. Every command's flag set has them
// too, so they may come before or after the command name.
func (e *env) globalFlags(fs *flag.FlagSet) {
	if e.db == "" {
		e.db = DefaultDB
		if v := e.m.Getenv(EnvDB); v != "" {
			e.db = v
		}
	}
	if e.format == "" {
		e.format = "table"
	}
	fs.StringVar(&e.db, "db", e.db, "ledger `directory` (or set $"+EnvDB+")")
	fs.StringVar(&e.actorFlag, "actor", e.actorFlag, "who is acting, as `role:id`: admin:root, hr:H1, manager:M7, employee:E1001, auditor:A1, device:D1")
	fs.StringVar(&e.format, "format", e.format, "output `format`: table, csv or json")
}

// flags returns the flag set of the current command, with the global flags registered.
func (e *env) flags() *flag.FlagSet {
	fs := flag.NewFlagSet("punchledger "+e.cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	e.globalFlags(fs)
	return fs
}

// parse parses the command's flags and checks the number of positional arguments
// (min..max; max < 0 means any).
func (e *env) parse(fs *flag.FlagSet, args []string, min, max int) ([]string, error) {
	if err := fs.Parse(interleave(fs, args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			e.printHelp(e.stdout, e.cmd, fs)
			return nil, flag.ErrHelp
		}
		return nil, usagef("%v", err)
	}
	switch e.format {
	case "table", "csv", "json":
	default:
		return nil, usagef("--format must be table, csv or json, not %q", e.format)
	}
	pos := fs.Args()
	if len(pos) < min || (max >= 0 && len(pos) > max) {
		switch {
		case max == 0:
			return nil, usagef("unexpected argument %q", pos[0])
		case len(pos) < min:
			return nil, usagef("missing argument: usage: punchledger %s %s", e.cmd.name, e.cmd.args)
		default:
			return nil, usagef("too many arguments: usage: punchledger %s %s", e.cmd.name, e.cmd.args)
		}
	}
	return pos, nil
}

// interleave moves flags that follow positional arguments in front of them, so that
// "prove 17 --receipt r.json" works as well as "prove --receipt r.json 17". A lone "--"
// ends the flags as usual.
func interleave(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue // flag.Parse reports it
		}
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
			continue
		}
		if i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return append(append(flags, "--"), pos...)
}

func groupMembers(group string) []string {
	var out []string
	for name := range commands {
		if g, sub, ok := strings.Cut(name, " "); ok && g == group {
			out = append(out, sub)
		}
	}
	sort.Strings(out)
	return out
}

func (e *env) printCommands(w io.Writer) {
	fmt.Fprintf(w, `punchledger keeps a tamper-evident attendance ledger for remote work.

Usage:
  punchledger [--db DIR] [--actor ROLE:ID] [--format table|csv|json] COMMAND [flags] [args]

Commands:
`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-22s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, `
Global flags (before or after the command):
  --db DIR        ledger directory (default ./%s, or $%s)
  --actor ROLE:ID who is acting: admin:root, hr:H1, manager:M7, employee:E1001, auditor:A1,
                  device:D1 or system (or $%s)
  --format F      table (default), csv or json

Run 'punchledger help COMMAND' or 'punchledger COMMAND --help' for a command's flags and an example.
`, DefaultDB, EnvDB, EnvActor)
}

func (e *env) printGroup(w io.Writer, group string, subs []string) {
	fmt.Fprintf(w, "Usage: punchledger %s SUBCOMMAND [flags]\n\nSubcommands:\n", group)
	for _, s := range subs {
		fmt.Fprintf(w, "  %-12s %s\n", s, commands[group+" "+s].summary)
	}
}

func (e *env) printHelp(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: punchledger %s [flags] %s\n\n%s\n", c.name, c.args, c.summary)
	if c.long != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.long))
	}
	fmt.Fprintf(w, "\nFlags:\n")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	if c.example != "" {
		fmt.Fprintf(w, "\nExample:\n")
		for _, line := range strings.Split(strings.TrimSpace(c.example), "\n") {
			fmt.Fprintf(w, "  %s\n", strings.TrimSpace(line))
		}
	}
}

// dbPath returns the ledger directory as an absolute path.
func (e *env) dbPath() string {
	p, err := filepath.Abs(e.db)
	if err != nil {
		return e.db
	}
	return p
}
