package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress draws a one-line bar on stderr for long work, only when stderr is a terminal.
// A nil *progress is valid and draws nothing, so callers never check.
type progress struct {
	w     io.Writer
	label string
	total int64
	done  int64
	now   func() time.Time
	start time.Time
	last  time.Time
}

// progress returns a bar for total units of work, or nil when stderr is not a terminal.
func (e *env) progress(label string, total int64) *progress {
	if total <= 0 || !e.m.IsTerminal(e.stderr) {
		return nil
	}
	now := e.m.Now()
	return &progress{w: e.stderr, label: label, total: total, now: e.m.Now, start: now}
}

// add records n more units done and redraws at most ten times a second.
func (p *progress) add(n int64) {
	if p == nil {
		return
	}
	p.done += n
	if t := p.now(); t.Sub(p.last) >= 100*time.Millisecond || p.done >= p.total {
		p.last = t
		p.draw()
	}
}

func (p *progress) draw() {
	const width = 30
	frac := float64(p.done) / float64(p.total)
	if frac > 1 {
		frac = 1
	}
	n := int(frac * width)
	fmt.Fprintf(p.w, "\r%-12s [%s%s] %3.0f%% %d/%d", p.label, strings.Repeat("=", n),
		strings.Repeat(" ", width-n), frac*100, p.done, p.total)
}

// finish clears the bar's line.
func (p *progress) finish() {
	if p == nil {
		return
	}
	fmt.Fprint(p.w, "\r\033[K") // carriage return, erase to end of line
}
