package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/punchledger/punchledger/projection"
)

// writeExplanation prints an explanation for a person: the day's figures, the reasons
// with their policy clauses, and the events behind them.
func writeExplanation(w io.Writer, x *projection.Explanation) error {
	fmt.Fprintf(w, "%s on %s — policy %s v%d (published by event #%d)\n", x.Employee, x.Date, x.PolicyID, x.PolicyVersion, x.Policy.Seq)
	if d := x.Day; d != nil {
		fmt.Fprintf(w, "  status %s", d.Status)
		if d.Field {
			fmt.Fprint(w, " (field)")
		}
		fmt.Fprintf(w, ", %s day", d.Kind)
		if d.Shift != "" {
			fmt.Fprintf(w, ", shift %q", d.Shift)
		}
		fmt.Fprintf(w, ", final %v\n", d.Final)
		fmt.Fprintf(w, "  in %s  out %s  worked %s (exact %s)  late %d min  early %d min\n",
			orDash(clock(d.FirstIn)), orDash(clock(d.LastOut)), hm(d.Worked), hm(d.WorkedExact), d.Late, d.EarlyLeave)
		if ot := overtimeText(d.Figures.Overtime); ot != "" {
			fmt.Fprintf(w, "  overtime %s\n", ot)
		}
		if len(d.Reasons) > 0 {
			fmt.Fprintln(w, "  reasons:")
			for _, r := range d.Reasons {
				fmt.Fprintf(w, "    - %s", r.Code)
				if r.Clause != "" {
					fmt.Fprintf(w, " [%s]", r.Clause)
				}
				if r.Detail != "" {
					fmt.Fprintf(w, ": %s", r.Detail)
				}
				fmt.Fprintln(w)
			}
		}
		if len(d.Exceptions) > 0 {
			fmt.Fprintln(w, "  open exceptions:")
			for _, ex := range d.Exceptions {
				fmt.Fprintf(w, "    - %s", ex.Code)
				if ex.Detail != "" { // sealed details print as the code alone
					fmt.Fprintf(w, ": %s", ex.Detail)
				}
				fmt.Fprintln(w)
			}
		}
	} else {
		fmt.Fprintln(w, "  (the day was never evaluated)")
	}
	fmt.Fprintln(w, "  events:")
	for _, ev := range x.Events {
		mark := " "
		if ev.Counted {
			mark = "✓"
		}
		fmt.Fprintf(w, "    %s #%-6d %-22s %-10s %s\n", mark, ev.Seq, ev.Type, ev.Role, truncate(strings.TrimSpace(ev.Detail), 48))
	}
	if x.BookedIn != "" {
		fmt.Fprintf(w, "  booked in pay period starting %s\n", x.BookedIn)
	}
	for _, a := range x.Adjustments {
		fmt.Fprintf(w, "  adjustment %s worked to the closed period of %s (event #%d), booked in the next one\n",
			signed(a.Delta.Worked), a.Period, a.Seq)
	}
	return nil
}

// signed formats minutes as +h:mm or -h:mm.
func signed(min int32) string {
	if min >= 0 {
		return "+" + hm(min)
	}
	return hm(min)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
