package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

// EnvActor names the environment variable that supplies --actor when the flag is absent.
const EnvActor = "PUNCHLEDGER_ACTOR"

// actor parses --actor. The library knows three kinds of principal: employees (whose
// roles — hr, admin, auditor — and management of others are recorded in the ledger),
// devices and the embedding system. "admin:root", "hr:H1", "manager:M7" and
// "auditor:A1" are accepted as spellings of "employee:<ID>" that remind the reader
// which hat the employee wears; the ledger, not the prefix, decides what he may do.
func (e *env) actor() (attendance.Actor, error) {
	s := e.actorFlag
	if s == "" {
		s = e.m.Getenv(EnvActor)
	}
	if s == "" {
		return attendance.Actor{}, usagef("this command needs --actor (admin:ID, hr:ID, manager:ID, employee:ID, auditor:ID, device:ID or system; or set $%s)", EnvActor)
	}
	if s == "system" {
		return attendance.SystemActor(), nil
	}
	kind, id, ok := strings.Cut(s, ":")
	if !ok || id == "" {
		return attendance.Actor{}, usagef("--actor %q: want ROLE:ID, e.g. admin:root or employee:E1001", s)
	}
	var a attendance.Actor
	switch kind {
	case "employee", "admin", "hr", "manager", "auditor":
		a = attendance.EmployeeActor(id)
	case "device":
		a = attendance.DeviceActor(id)
	default:
		return attendance.Actor{}, usagef("--actor %q: unknown role %q (admin, hr, manager, employee, auditor, device, system)", s, kind)
	}
	if err := a.Validate(); err != nil {
		return attendance.Actor{}, usagef("--actor %q: %v", s, err)
	}
	return a, nil
}

// service opens the ledger and the attendance service over it. close closes both.
func (e *env) service() (svc *attendance.Service, l *ledger.Ledger, err error) {
	l, err = e.openLedger()
	if err != nil {
		return nil, nil, err
	}
	svc, err = attendance.New(l, e.attendanceOptions())
	if err != nil {
		l.Close()
		return nil, nil, err
	}
	return svc, l, nil
}

// session resolves --actor and opens the service: the start of every command that
// acts through the attendance service. done closes the ledger.
func (e *env) session() (svc *attendance.Service, a attendance.Actor, done func(), err error) {
	if a, err = e.actor(); err != nil {
		return nil, a, nil, err
	}
	svc, l, err := e.service()
	if err != nil {
		return nil, a, nil, err
	}
	return svc, a, func() { l.Close() }, nil
}

// employeeSession is session for a command about one employee: emp (--employee), or
// the acting employee himself.
func (e *env) employeeSession(emp string) (svc *attendance.Service, a attendance.Actor, employee string, done func(), err error) {
	if a, err = e.actor(); err != nil {
		return nil, a, "", nil, err
	}
	if employee, err = employeeFor(emp, a); err != nil {
		return nil, a, "", nil, err
	}
	svc, l, err := e.service()
	if err != nil {
		return nil, a, "", nil, err
	}
	return svc, a, employee, func() { l.Close() }, nil
}

// requireAll checks that each flag (name, value pairs) was given.
func requireAll(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := required(pairs[i], pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// dateRange parses --from and --to; an empty to means the same day as from.
func dateRange(from, to string) (rules.Date, rules.Date, error) {
	if to == "" {
		to = from
	}
	fd, err := parseDate("from", from)
	if err != nil {
		return fd, fd, err
	}
	td, err := parseDate("to", to)
	if err != nil {
		return fd, td, err
	}
	if td.Before(fd) {
		return fd, td, usagef("--to %s is before --from %s", td, fd)
	}
	return fd, td, nil
}

// parseTime parses an instant: RFC 3339 ("2026-11-02T09:00:00-05:00"), or "now".
func (e *env) parseTime(flag, s string) (time.Time, error) {
	if s == "" || s == "now" {
		return e.m.Now().UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, usagef("--%s %q: want an RFC 3339 time such as 2026-11-02T09:00:00-05:00", flag, s)
	}
	return t.UTC(), nil
}

func parseDate(flag, s string) (rules.Date, error) {
	d, err := rules.ParseDate(s)
	if err != nil {
		return rules.Date{}, usagef("--%s %q: want a date YYYY-MM-DD", flag, s)
	}
	return d, nil
}

// optDate parses an optional date flag.
func optDate(flag, s string) (rules.Date, error) {
	if s == "" {
		return rules.Date{}, nil
	}
	return parseDate(flag, s)
}

func parseEventID(what, s string) (ledger.ID, error) {
	id, err := ledger.ParseID(s)
	if err != nil {
		return ledger.ID{}, usagef("%s %q: want the 32 hex characters printed when it was made", what, s)
	}
	return id, nil
}

func required(name, v string) error {
	if v == "" {
		return usagef("--%s is required", name)
	}
	return nil
}

// receiptJSON is the JSON form of a command's receipt.
type receiptJSON struct {
	ID         string    `json:"id"`
	FirstSeq   uint64    `json:"first_seq"`
	LastSeq    uint64    `json:"last_seq"`
	RecordedAt time.Time `json:"recorded_at"`
	Duplicate  bool      `json:"duplicate"`
}

func toReceiptJSON(r attendance.Receipt) receiptJSON {
	return receiptJSON{ID: r.ID.String(), FirstSeq: r.FirstSeq, LastSeq: r.LastSeq,
		RecordedAt: r.RecordedAt.UTC(), Duplicate: r.Duplicate}
}

// emitReceipt prints what a command wrote.
func (e *env) emitReceipt(what string, r attendance.Receipt, extra ...any) error {
	j := map[string]any{"ok": true, "what": what, "receipt": toReceiptJSON(r)}
	pairs := []any{"result", what, "event id", r.ID, "seq", r.FirstSeq}
	if r.LastSeq != r.FirstSeq {
		pairs = append(pairs, "last seq", r.LastSeq)
	}
	if r.Duplicate {
		pairs = append(pairs, "duplicate", "yes: an identical earlier request; nothing written")
	}
	for i := 0; i+1 < len(extra); i += 2 {
		j[extra[i].(string)] = extra[i+1]
		v := extra[i+1]
		if fs, ok := v.([]findingJSON); ok {
			var parts []string
			for _, f := range fs {
				s := f.Code
				if f.Detail != "" {
					s += ": " + f.Detail
				}
				parts = append(parts, s)
			}
			v = strings.Join(parts, "; ")
		}
		pairs = append(pairs, extra[i], v)
	}
	return e.emit(j, kv(pairs...))
}

// readKey reads an Ed25519 key file: hex or base64 of a 32-byte seed / 64-byte private key
// or a 32-byte public key.
func readKey(file string) ([]byte, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	s := strings.TrimSpace(string(b))
	if k, err := hex.DecodeString(s); err == nil {
		return k, nil
	}
	if k, err := base64.StdEncoding.DecodeString(s); err == nil {
		return k, nil
	}
	return nil, fmt.Errorf("%s: not a hex or base64 key", file)
}

func readPrivateKey(file string) (ed25519.PrivateKey, error) {
	k, err := readKey(file)
	if err != nil {
		return nil, err
	}
	switch len(k) {
	case ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(k), nil
	case ed25519.PrivateKeySize:
		return ed25519.PrivateKey(k), nil
	}
	return nil, fmt.Errorf("%s: %d bytes is not an Ed25519 private key", file, len(k))
}

func readPublicKey(file string) (ed25519.PublicKey, error) {
	k, err := readKey(file)
	if err != nil {
		return nil, err
	}
	switch len(k) {
	case ed25519.PublicKeySize:
		return ed25519.PublicKey(k), nil
	case ed25519.PrivateKeySize:
		return ed25519.PrivateKey(k).Public().(ed25519.PublicKey), nil
	}
	return nil, fmt.Errorf("%s: %d bytes is not an Ed25519 public key", file, len(k))
}

// keyFlags are a device command's --pubkey and --gen-key: where the device's public key
// comes from.
type keyFlags struct{ pubFile, genFile *string }

// addKeyFlags registers --pubkey and --gen-key for the device the noun names.
func addKeyFlags(fs *flag.FlagSet, noun string) keyFlags {
	return keyFlags{
		pubFile: fs.String("pubkey", "", noun+"'s Ed25519 public key `file` (hex or base64)"),
		genFile: fs.String("gen-key", "", "create a key pair for "+noun+", write the private key to `file` and bind its public key"),
	}
}

// check refuses both flags at once; call it before opening the ledger.
func (k keyFlags) check() error {
	if *k.pubFile != "" && *k.genFile != "" {
		return usagef("give --pubkey or --gen-key, not both")
	}
	return nil
}

// deviceKey returns the device's public key: read from --pubkey, or, with --gen-key, a
// new key pair whose private key is written there once the actor is known to see the
// employee, so that a refused command leaves no key file behind. Neither: nil.
func (e *env) deviceKey(svc *attendance.Service, a attendance.Actor, employee string, k keyFlags) (ed25519.PublicKey, error) {
	switch {
	case *k.pubFile != "":
		return readPublicKey(*k.pubFile)
	case *k.genFile == "":
		return nil, nil
	}
	if _, err := svc.Employee(e.ctx, a, employee); err != nil {
		return nil, explainErr(err)
	}
	return e.writeDeviceKey(*k.genFile)
}

// writeDeviceKey creates a device key pair and writes the private key (hex seed) to file.
func (e *env) writeDeviceKey(file string) (ed25519.PublicKey, error) {
	pub, priv, err := ed25519.GenerateKey(e.m.Rand)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return nil, err
	}
	if _, err := os.Stat(file); err == nil {
		return nil, fmt.Errorf("%s exists; not overwriting a key", file)
	}
	return pub, os.WriteFile(file, []byte(hex.EncodeToString(priv.Seed())+"\n"), 0o600)
}

// explainErr adds a hint to library errors that a CLI user can act on.
func explainErr(err error) error {
	switch {
	case errors.Is(err, attendance.ErrForbidden):
		return fmt.Errorf("not allowed: %w\n(hint: --actor says who is acting; roles come from the ledger: 'punchledger role grant')", err)
	case errors.Is(err, attendance.ErrUnknownEmployee):
		return fmt.Errorf("%w\n(hint: 'punchledger employee list' shows who is registered)", err)
	}
	return err
}
