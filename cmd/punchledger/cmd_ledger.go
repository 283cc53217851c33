package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
)

func init() {
	register(&command{
		name:    "init",
		summary: "create an empty ledger and its checkpoint signing key",
		long: `Creates the ledger directory (--db) with an empty Pebble store and an Ed25519
checkpoint key pair: checkpoint.key (private, mode 0600) and checkpoint.pub (give it to
auditors; 'prove check' and 'export --check' use it). The directory must not exist or
be empty. --admin names the employee who becomes the first admin (default "root"): he
publishes the policy, registers people and grants roles ('role grant').`,
		example: `punchledger --db ./acme.db init --name acme.example/attendance`,
		run:     runInit,
	})
	register(&command{
		name:    "log",
		args:    "[FROM [TO]]",
		summary: "list the raw events of the ledger (sequence, time, stream, type, actor)",
		long: `Prints the envelopes in sequence order from FROM to TO (default: all). Payloads are
not decoded here; use 'explain' for a readable account of a day.`,
		example: `punchledger log 1 20
punchledger log --stream employee/E1001 --format json`,
		run: runLog,
	})
}

func runInit(e *env, args []string) error {
	fs := e.flags()
	name := fs.String("name", "punchledger", "checkpoint signer `name` (appears in every signed checkpoint)")
	admin := fs.String("admin", "root", "employee `ID` made the first admin (act as him with --actor admin:ID); \"\" for none")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	dir := e.dbPath()
	if err := ensureEmptyDir(dir); err != nil {
		return err
	}
	vkey, err := e.createKeys(dir, *name)
	if err != nil {
		return err
	}
	l, err := ledger.Open(dir, e.ledgerOptions())
	if err != nil {
		return err
	}
	if *admin != "" {
		svc, err := attendance.New(l, e.attendanceOptions())
		if err == nil {
			_, err = svc.Bootstrap(e.ctx, attendance.SystemActor(), *admin)
		}
		if err != nil {
			l.Close()
			os.RemoveAll(dir)
			return err
		}
	}
	if err := l.Close(); err != nil {
		return err
	}
	return e.emit(map[string]any{"db": dir, "verifier_key": vkey, "admin": *admin},
		kv("db", dir, "verifier key", vkey, "first admin", *admin))
}

// ensureEmptyDir creates dir, or accepts it if it exists and is empty.
func ensureEmptyDir(dir string) error {
	ents, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return os.MkdirAll(dir, 0o755)
	case err != nil:
		return err
	case len(ents) > 0:
		return fmt.Errorf("%s exists and is not empty (choose another --db)", dir)
	}
	return nil
}

// eventJSON is the JSON form of an envelope in 'log', receipts and explain.
type eventJSON struct {
	Seq        uint64    `json:"seq"`
	ID         string    `json:"id"`
	Stream     string    `json:"stream"`
	Version    uint64    `json:"version"`
	Type       string    `json:"type"`
	Schema     uint16    `json:"schema"`
	OccurredAt time.Time `json:"occurred_at"`
	RecordedAt time.Time `json:"recorded_at"`
	Actor      string    `json:"actor"`
	DataBytes  int       `json:"data_bytes"`
	Hash       string    `json:"hash"`
}

func toEventJSON(ev *ledger.Event) eventJSON {
	return eventJSON{
		Seq: ev.Seq, ID: ev.ID.String(), Stream: ev.Stream, Version: ev.Version,
		Type: ev.Type, Schema: ev.Schema, OccurredAt: ev.OccurredAt.UTC(),
		RecordedAt: ev.RecordedAt.UTC(), Actor: ev.Actor, DataBytes: len(ev.Data),
		Hash: ev.Hash.String(),
	}
}

func runLog(e *env, args []string) error {
	fs := e.flags()
	stream := fs.String("stream", "", "only the events of this `stream` (employee/E1001, policy/default, org)")
	typ := fs.String("type", "", "only events of this `type` (punch.recorded, ...)")
	pos, err := e.parse(fs, args, 0, 2)
	if err != nil {
		return err
	}
	var from, to uint64 = 1, 0
	if len(pos) > 0 {
		if from, err = parseSeq(pos[0]); err != nil {
			return err
		}
	}
	if len(pos) > 1 {
		if to, err = parseSeq(pos[1]); err != nil {
			return err
		}
	}
	l, err := e.openLedger()
	if err != nil {
		return err
	}
	defer l.Close()
	var evs []eventJSON
	t := newTable("seq", "recorded", "stream", "type", "actor", "id")
	fn := func(ev *ledger.Event) error {
		if (*typ != "" && ev.Type != *typ) || ev.Seq < from || (to != 0 && ev.Seq > to) {
			return nil
		}
		j := toEventJSON(ev)
		evs = append(evs, j)
		t.add(ev.Seq, ev.RecordedAt.UTC().Format(time.RFC3339), ev.Stream, ev.Type, ev.Actor, j.ID[:12])
		return nil
	}
	if *stream != "" {
		err = l.ScanStream(e.ctx, *stream, 1, fn)
	} else {
		err = l.Scan(e.ctx, from, to, fn)
	}
	if err != nil {
		return err
	}
	return e.emit(nonNil(evs), t)
}

// parseSeq parses a global sequence number (1-based).
func parseSeq(s string) (uint64, error) {
	n, err := strconv.ParseUint(strings.TrimPrefix(s, "#"), 10, 64)
	if err != nil || n == 0 {
		return 0, usagef("%q is not a sequence number (1, 2, ...)", s)
	}
	return n, nil
}
