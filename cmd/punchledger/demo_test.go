package main

import (
	"io"
	"regexp"
	"strings"
	"testing"
)

// TestDemo runs a small demo twice: it tells the whole story, and the same seed gives the
// same ledger (the same root).
func TestDemo(t *testing.T) {
	root := regexp.MustCompile(`(?m)^root ([0-9a-f]{64})$`)
	var roots []string
	for i := 0; i < 2; i++ {
		out, errs, code := runCLI(t, nil, "", "demo", "--employees", "40", "--seed", "7")
		if code != 0 {
			t.Fatalf("demo: exit %d: %s", code, errs)
		}
		for _, want := range []string{
			"== Daily summary", "== Open exceptions", "== Payroll hours", "== Verify", "ok: ",
			"== A punch receipt", "— ok", "== Explain: the night across the end of daylight saving time",
			"mock_location", "unbound_device", "retried uploads answered as duplicates",
			"adjustment +", "As of event #",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("demo output lacks %q", want)
			}
		}
		for n, line := range strings.Split(out, "\n") {
			if w := len([]rune(line)); w > 100 {
				t.Errorf("line %d is %d columns wide: %s", n+1, w, line)
			}
		}
		m := root.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no root in the output:\n%s", out)
		}
		roots = append(roots, m[1])
	}
	if roots[0] != roots[1] {
		t.Errorf("same seed, different roots: %s, %s", roots[0], roots[1])
	}
}

// TestProgressOnlyOnTerminal checks that progress bars go to stderr when it is a
// terminal, and nowhere otherwise.
func TestProgressOnlyOnTerminal(t *testing.T) {
	for _, tty := range []bool{false, true} {
		m := NewMain()
		m.IsTerminal = func(io.Writer) bool { return tty }
		e := &env{m: m}
		var b strings.Builder
		e.stderr = &b
		p := e.progress("sync", 10)
		p.add(10)
		p.finish()
		if got := b.Len() > 0; got != tty {
			t.Errorf("terminal %v: drew %q", tty, b.String())
		}
	}
}
