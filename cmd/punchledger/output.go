package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"
)

// table is tabular output: the table and CSV formats print it; JSON prints the value that
// goes with it (see env.emit).
type table struct {
	head []string
	rows [][]string
}

func newTable(head ...string) *table { return &table{head: head} }

func (t *table) add(cells ...any) {
	row := make([]string, len(cells))
	for i, c := range cells {
		switch v := c.(type) {
		case string:
			row[i] = v
		case time.Time:
			row[i] = v.Format(time.RFC3339)
		case fmt.Stringer:
			row[i] = v.String()
		default:
			row[i] = fmt.Sprint(v)
		}
	}
	t.rows = append(t.rows, row)
}

// writeText prints t as aligned columns.
func (t *table) writeText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	line := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				io.WriteString(tw, "\t")
			}
			io.WriteString(tw, strings.ReplaceAll(c, "\t", " "))
		}
		io.WriteString(tw, "\n")
	}
	line(t.head)
	for _, r := range t.rows {
		line(r)
	}
	return tw.Flush()
}

func (t *table) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.head); err != nil {
		return err
	}
	if err := cw.WriteAll(t.rows); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// emit prints a result in the chosen --format: v as indented JSON, or t as a table or CSV.
// When t is nil, the table and CSV formats print v as JSON too.
func (e *env) emit(v any, t *table) error {
	switch {
	case e.format == "json" || t == nil:
		return writeJSON(e.stdout, v)
	case e.format == "csv":
		return t.writeCSV(e.stdout)
	default:
		return t.writeText(e.stdout)
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// kv is a two-column table of fields, for results that are one record.
func kv(pairs ...any) *table {
	t := newTable("field", "value")
	for i := 0; i+1 < len(pairs); i += 2 {
		t.add(pairs[i], pairs[i+1])
	}
	return t
}

// truncate shortens s to n runes with an ellipsis, for table cells.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
