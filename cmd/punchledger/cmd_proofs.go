package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
)

func init() {
	register(&command{
		name:    "verify",
		summary: "check every event's hash, the chain and the Merkle tree; print the tree head",
		long: `Recomputes every stored event's hash and leaf hash and the Merkle root, and names the
first bad sequence number if anything was altered. With --checkpoint, also proves that
the current tree extends the signed checkpoint (history was only appended to).`,
		example: `punchledger verify
punchledger verify --checkpoint monday.checkpoint --format json`,
		run: runVerify,
	})
	register(&command{
		name:    "checkpoint",
		summary: "sign the current tree head and print it (a transparency-log checkpoint)",
		long: `Signs "<name>\n<size>\n<base64 root>\n" with the ledger's Ed25519 key
(checkpoint.key in the ledger directory, or --key FILE) and prints the signed note.
Keep checkpoints: 'prove consistency' shows a later tree extends an earlier one.`,
		example: `punchledger checkpoint > monday.checkpoint`,
		run:     runCheckpoint,
	})
	register(&command{
		name:    "prove event",
		args:    "SEQ|ID",
		summary: "write an inclusion receipt for one event (check it later with 'prove check')",
		long: `The receipt is JSON: the event's stored envelope (base64), its fields, a signed
checkpoint and the Merkle audit path from the event to that checkpoint's root. Anyone
with the ledger's public key (checkpoint.pub) can check it offline.`,
		example: `punchledger prove event 42 --out punch-42.receipt.json`,
		run:     runProveEvent,
	})
	register(&command{
		name:    "prove consistency",
		args:    "OLD.checkpoint [NEW.checkpoint]",
		summary: "prove that the tree of a later checkpoint extends an earlier one",
		long: `Writes JSON with both signed checkpoints and the consistency path. Without
NEW, the current tree head is signed and used.`,
		example: `punchledger prove consistency monday.checkpoint --out monday-to-now.json`,
		run:     runProveConsistency,
	})
	register(&command{
		name:    "prove check",
		args:    "FILE",
		summary: "check a receipt or a consistency proof offline, with the ledger's public key",
		long: `Needs no database: give the verifier key with --pub (default: checkpoint.pub of
--db). Prints what the file proves, or fails naming what does not hold.`,
		example: `punchledger prove check punch-42.receipt.json --pub acme.pub`,
		run:     runProveCheck,
	})
	register(&command{
		name:    "export",
		args:    "FILE",
		summary: "write the whole log to one self-checking, signed file (FILE - is stdout)",
		long: `The file holds every event, the tree head and a checkpoint signed with the ledger key.
By default the events that carry sealed personal fields are withheld (their envelopes and
hashes stay, so the tree and the signature still verify): such a file is for auditors and
can be checked but not imported. --personal (hr and admins) keeps them, for a full copy.
--check verifies an export file instead of writing one.`,
		example: `punchledger --actor admin:root export --personal acme-2026-11.export
punchledger export --check acme-2026-11.export --pub acme.pub`,
		run: runExport,
	})
	register(&command{
		name:    "import",
		args:    "FILE",
		summary: "create a ledger from an export file (same events, same root)",
		long: `--db must not exist or be empty. The file is checked first (with --pub, its
signature too). The new ledger gets a fresh checkpoint key unless --keys-from DIR copies
checkpoint.key and checkpoint.pub from the original ledger directory.`,
		example: `punchledger --db ./copy.db import acme-2026-11.export --pub acme.pub`,
		run:     runImport,
	})
}

type headJSON struct {
	Size uint64 `json:"size"`
	Root string `json:"root"`
}

func toHeadJSON(th ledger.TreeHead) headJSON { return headJSON{Size: th.Size, Root: th.Root.String()} }

func runVerify(e *env, args []string) error {
	fs := e.flags()
	ckpt := fs.String("checkpoint", "", "also prove the current tree extends this signed checkpoint `file`")
	pub := fs.String("pub", "", "verifier key `file` for --checkpoint (default: the ledger's checkpoint.pub)")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	var old []byte
	if *ckpt != "" {
		var err error
		if old, err = os.ReadFile(*ckpt); err != nil {
			return err
		}
	}
	l, err := e.openLedger()
	if err != nil {
		return err
	}
	defer l.Close()
	if err := l.Verify(e.ctx); err != nil {
		return fmt.Errorf("ledger does NOT verify: %w", err)
	}
	th := l.TreeHead()
	out := map[string]any{"ok": true, "size": th.Size, "root": th.Root.String()}
	t := kv("result", "ok: every hash, the chain and the Merkle root check", "events", th.Size, "root", th.Root)
	if old != nil {
		v, err := e.verifiers(*pub)
		if err != nil {
			return err
		}
		oh, err := ledger.OpenCheckpoint(old, v)
		if err != nil {
			return fmt.Errorf("%s: %w", *ckpt, err)
		}
		p, err := l.ProveConsistency(oh.Size, th.Size)
		if err != nil {
			return err
		}
		if err := ledger.VerifyConsistency(p, oh, th); err != nil {
			return fmt.Errorf("current tree does NOT extend %s: %w", *ckpt, err)
		}
		out["extends_checkpoint"] = toHeadJSON(oh)
		t.add("extends", fmt.Sprintf("checkpoint of %d events (%s)", oh.Size, *ckpt))
	}
	return e.emit(out, t)
}

func runCheckpoint(e *env, args []string) error {
	fs := e.flags()
	key := fs.String("key", "", "signing key `file` (default: checkpoint.key in the ledger directory)")
	if _, err := e.parse(fs, args, 0, 0); err != nil {
		return err
	}
	s, err := e.signer(*key)
	if err != nil {
		return err
	}
	l, err := e.openLedger()
	if err != nil {
		return err
	}
	defer l.Close()
	msg, err := l.Checkpoint(s)
	if err != nil {
		return err
	}
	if e.format == "json" {
		th := l.TreeHead()
		return writeJSON(e.stdout, map[string]any{"size": th.Size, "root": th.Root.String(), "checkpoint": string(msg)})
	}
	_, err = e.stdout.Write(msg)
	return err
}

// receipt is the JSON form of an inclusion receipt.
type receipt struct {
	Kind       string                `json:"kind"` // "inclusion"
	Event      eventJSON             `json:"event"`
	Envelope   string                `json:"envelope"` // base64 of the stored bytes
	LeafHash   string                `json:"leaf_hash"`
	Checkpoint string                `json:"checkpoint"`
	Proof      ledger.InclusionProof `json:"proof"`
}

// consistency is the JSON form of a consistency proof between two checkpoints.
type consistency struct {
	Kind          string                  `json:"kind"` // "consistency"
	OldCheckpoint string                  `json:"old_checkpoint"`
	NewCheckpoint string                  `json:"new_checkpoint"`
	Proof         ledger.ConsistencyProof `json:"proof"`
}

// writeOut writes v as JSON to --out FILE, or to stdout.
func (e *env) writeOut(out string, v any) error {
	if out == "" || out == "-" {
		return writeJSON(e.stdout, v)
	}
	var b bytes.Buffer
	if err := writeJSON(&b, v); err != nil {
		return err
	}
	return os.WriteFile(out, b.Bytes(), 0o644)
}

// findEvent resolves SEQ or a 32-hex event ID.
func findEvent(l *ledger.Ledger, s string) (ledger.Event, error) {
	if len(s) == 32 {
		id, err := ledger.ParseID(s)
		if err != nil {
			return ledger.Event{}, usagef("%q is neither a sequence number nor an event ID", s)
		}
		ev, err := l.Lookup(id)
		if errors.Is(err, ledger.ErrNotFound) {
			return ledger.Event{}, fmt.Errorf("no event with ID %s", s)
		}
		return ev, err
	}
	seq, err := parseSeq(s)
	if err != nil {
		return ledger.Event{}, err
	}
	ev, err := l.Get(seq)
	if errors.Is(err, ledger.ErrNotFound) {
		head, _ := l.Head()
		return ledger.Event{}, fmt.Errorf("no event at sequence %d (the ledger has %d)", seq, head)
	}
	return ev, err
}

func runProveEvent(e *env, args []string) error {
	fs := e.flags()
	out := fs.String("out", "", "write the receipt to `file` (default stdout)")
	key := fs.String("key", "", "signing key `file` (default: checkpoint.key in the ledger directory)")
	pos, err := e.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	s, err := e.signer(*key)
	if err != nil {
		return err
	}
	l, err := e.openLedger()
	if err != nil {
		return err
	}
	defer l.Close()
	ev, err := findEvent(l, pos[0])
	if err != nil {
		return err
	}
	r, err := makeReceipt(l, s, &ev)
	if err != nil {
		return err
	}
	return e.writeOut(*out, r)
}

// makeReceipt signs the current tree head and proves ev in it.
func makeReceipt(l *ledger.Ledger, s note.Signer, ev *ledger.Event) (*receipt, error) {
	msg, err := l.Checkpoint(s)
	if err != nil {
		return nil, err
	}
	size, err := checkpointSize(msg)
	if err != nil {
		return nil, err
	}
	p, err := l.ProveInclusion(ev.Seq, size)
	if err != nil {
		return nil, err
	}
	return &receipt{Kind: "inclusion", Event: toEventJSON(ev),
		Envelope: base64.StdEncoding.EncodeToString(ledger.EncodeEvent(ev)),
		LeafHash: ev.LeafHash().String(), Checkpoint: string(msg), Proof: p}, nil
}

// checkpointSize reads the tree size from a checkpoint's second line (the signature is
// checked by whoever relies on it).
func checkpointSize(msg []byte) (uint64, error) {
	lines := strings.SplitN(string(msg), "\n", 3)
	if len(lines) < 3 {
		return 0, fmt.Errorf("malformed checkpoint")
	}
	return strconv.ParseUint(lines[1], 10, 64)
}

func runProveConsistency(e *env, args []string) error {
	fs := e.flags()
	out := fs.String("out", "", "write the proof to `file` (default stdout)")
	key := fs.String("key", "", "signing key `file` for the current head (default: checkpoint.key)")
	pub := fs.String("pub", "", "verifier key `file` for the checkpoints (default: checkpoint.pub)")
	pos, err := e.parse(fs, args, 1, 2)
	if err != nil {
		return err
	}
	v, err := e.verifiers(*pub)
	if err != nil {
		return err
	}
	oldMsg, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	oldHead, err := ledger.OpenCheckpoint(oldMsg, v)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	l, err := e.openLedger()
	if err != nil {
		return err
	}
	defer l.Close()
	var newMsg []byte
	if len(pos) == 2 {
		if newMsg, err = os.ReadFile(pos[1]); err != nil {
			return err
		}
	} else {
		s, err := e.signer(*key)
		if err != nil {
			return err
		}
		if newMsg, err = l.Checkpoint(s); err != nil {
			return err
		}
	}
	newHead, err := ledger.OpenCheckpoint(newMsg, v)
	if err != nil {
		return fmt.Errorf("new checkpoint: %w", err)
	}
	p, err := l.ProveConsistency(oldHead.Size, newHead.Size)
	if err != nil {
		return err
	}
	if err := ledger.VerifyConsistency(p, oldHead, newHead); err != nil {
		return fmt.Errorf("the checkpoints are NOT consistent with this ledger: %w", err)
	}
	return e.writeOut(*out, &consistency{Kind: "consistency", OldCheckpoint: string(oldMsg),
		NewCheckpoint: string(newMsg), Proof: p})
}

func runProveCheck(e *env, args []string) error {
	fs := e.flags()
	pub := fs.String("pub", "", "verifier key `file` (default: checkpoint.pub of --db)")
	pos, err := e.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	b, err := e.readInput(pos[0])
	if err != nil {
		return err
	}
	v, err := e.verifiers(*pub)
	if err != nil {
		return err
	}
	var kind struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(b, &kind); err != nil {
		return fmt.Errorf("%s: not a receipt or proof: %v", pos[0], err)
	}
	switch kind.Kind {
	case "inclusion":
		var r receipt
		if err := strictJSON(b, &r); err != nil {
			return fmt.Errorf("%s: %w", pos[0], err)
		}
		ev, err := checkReceipt(&r, v)
		if err != nil {
			return fmt.Errorf("%s: receipt does NOT hold: %w", pos[0], err)
		}
		j := toEventJSON(&ev)
		return e.emit(map[string]any{"ok": true, "kind": "inclusion", "event": j, "tree_size": r.Proof.TreeSize},
			kv("result", "ok: the event is in the signed log", "seq", j.Seq, "id", j.ID, "stream", j.Stream,
				"type", j.Type, "occurred", j.OccurredAt, "recorded", j.RecordedAt, "actor", j.Actor,
				"tree size", r.Proof.TreeSize))
	case "consistency":
		var c consistency
		if err := strictJSON(b, &c); err != nil {
			return fmt.Errorf("%s: %w", pos[0], err)
		}
		oh, err := ledger.OpenCheckpoint([]byte(c.OldCheckpoint), v)
		if err != nil {
			return fmt.Errorf("%s: old checkpoint: %w", pos[0], err)
		}
		nh, err := ledger.OpenCheckpoint([]byte(c.NewCheckpoint), v)
		if err != nil {
			return fmt.Errorf("%s: new checkpoint: %w", pos[0], err)
		}
		if err := ledger.VerifyConsistency(c.Proof, oh, nh); err != nil {
			return fmt.Errorf("%s: proof does NOT hold: %w", pos[0], err)
		}
		return e.emit(map[string]any{"ok": true, "kind": "consistency", "old": toHeadJSON(oh), "new": toHeadJSON(nh)},
			kv("result", "ok: the newer tree extends the older one", "old size", oh.Size, "new size", nh.Size,
				"old root", oh.Root, "new root", nh.Root))
	}
	return fmt.Errorf("%s: kind %q is neither \"inclusion\" nor \"consistency\"", pos[0], kind.Kind)
}

// checkReceipt checks a receipt against the verifier keys: the checkpoint's signature,
// the envelope against the stated fields and leaf hash, and the audit path from the
// leaf to the signed root.
func checkReceipt(r *receipt, v note.Verifiers) (ledger.Event, error) {
	var ev ledger.Event
	th, err := ledger.OpenCheckpoint([]byte(r.Checkpoint), v)
	if err != nil {
		return ev, fmt.Errorf("checkpoint: %w", err)
	}
	envb, err := base64.StdEncoding.DecodeString(r.Envelope)
	if err != nil {
		return ev, fmt.Errorf("envelope: %v", err)
	}
	if err := ledger.DecodeEvent(envb, &ev); err != nil {
		return ev, fmt.Errorf("envelope: %w", err)
	}
	leaf := ev.LeafHash()
	if leaf.String() != r.LeafHash {
		return ev, fmt.Errorf("leaf_hash %s is not the envelope's (%s)", r.LeafHash, leaf)
	}
	stated, _ := json.Marshal(r.Event)
	actual, _ := json.Marshal(toEventJSON(&ev))
	if !bytes.Equal(stated, actual) {
		return ev, fmt.Errorf("the event fields do not match the envelope")
	}
	if r.Proof.Seq != ev.Seq {
		return ev, fmt.Errorf("proof is for seq %d, the envelope is seq %d", r.Proof.Seq, ev.Seq)
	}
	if err := ledger.VerifyInclusion(r.Proof, leaf, th); err != nil {
		return ev, err
	}
	return ev, nil
}

// strictJSON decodes b into v, refusing unknown fields and trailing data.
func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

func runExport(e *env, args []string) error {
	fs := e.flags()
	personal := fs.Bool("personal", false, "keep the events that carry sealed personal fields in full (hr and admins); needed for import")
	check := fs.Bool("check", false, "check FILE instead of writing it (no --actor needed)")
	pub := fs.String("pub", "", "with --check: verifier key `file` (default: checkpoint.pub of --db)")
	key := fs.String("key", "", "signing key `file` (default: checkpoint.key in the ledger directory)")
	pos, err := e.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if *check {
		return e.checkExport(pos[0], *pub)
	}
	s, err := e.signer(*key)
	if err != nil {
		return err
	}
	svc, a, done, err := e.session()
	if err != nil {
		return err
	}
	defer done()
	if pos[0] != "-" {
		if _, err := os.Stat(pos[0]); err == nil {
			return fmt.Errorf("%s exists; not overwriting it", pos[0])
		}
	}
	head, _ := svc.Ledger().Head()
	bar := e.progress("export", int64(head))
	defer bar.finish()
	opts := attendance.ExportOptions{Signer: s, Personal: *personal}
	if pos[0] == "-" {
		bw := bufio.NewWriterSize(e.stdout, 1<<20)
		if _, err := svc.Export(e.ctx, a, bw, opts); err != nil {
			return explainErr(err)
		}
		return bw.Flush()
	}
	// Stream into a temporary file beside FILE and rename it only when the export is
	// complete: nothing named FILE appears for a refused or failed export, and memory does
	// not grow with the log.
	f, err := os.CreateTemp(filepath.Dir(pos[0]), filepath.Base(pos[0])+".partial-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after a successful rename this finds nothing
	bw := bufio.NewWriterSize(f, 1<<20)
	th, err := svc.Export(e.ctx, a, &countingWriter{w: bw, byteProgress: byteProgress{bar: bar}}, opts)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return explainErr(err)
	}
	if err := os.Rename(f.Name(), pos[0]); err != nil {
		return err
	}
	bar.finish()
	return e.emit(map[string]any{"file": pos[0], "size": th.Size, "root": th.Root.String(), "personal": *personal},
		kv("file", pos[0], "events", th.Size, "root", th.Root, "personal data", *personal))
}

// bytesPerEvent is a rough size of one event in an export file, for progress bars.
const bytesPerEvent = 256

// byteProgress advances a progress bar by the events estimated from the bytes counted.
type byteProgress struct {
	bar *progress
	n   int64
}

func (b *byteProgress) count(n int) {
	before := b.n / bytesPerEvent
	b.n += int64(n)
	b.bar.add(b.n/bytesPerEvent - before)
}

// countingWriter advances a progress bar by an estimate of events written.
type countingWriter struct {
	w io.Writer
	byteProgress
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.count(n)
	return n, err
}

func (e *env) checkExport(file, pub string) error {
	th, err := e.verifyExport(file, pub)
	if err != nil {
		return err
	}
	return e.emit(map[string]any{"ok": true, "file": file, "size": th.Size, "root": th.Root.String()},
		kv("result", "ok: records, chain, tree and signature check", "file", file, "events", th.Size, "root", th.Root))
}

func runImport(e *env, args []string) error {
	fs := e.flags()
	pub := fs.String("pub", "", "check the export's signature with this verifier key `file` first")
	keysFrom := fs.String("keys-from", "", "copy checkpoint.key and checkpoint.pub from this ledger `directory`")
	name := fs.String("name", "punchledger", "signer `name` of the fresh checkpoint key (without --keys-from)")
	pos, err := e.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	dir := e.dbPath()
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return fmt.Errorf("%s exists and is not empty (import needs a new --db)", dir)
	}
	if *pub != "" {
		if _, err := e.verifyExport(pos[0], *pub); err != nil {
			return err
		}
	}
	var keys [2][]byte
	if *keysFrom != "" {
		for i, n := range []string{signerKeyFile, verifierKeyFile} {
			if keys[i], err = os.ReadFile(filepath.Join(*keysFrom, n)); err != nil {
				return err
			}
		}
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	st, _ := f.Stat()
	bar := e.progress("import", st.Size()/bytesPerEvent)
	th, err := ledger.Import(e.ctx, dir, &progressReader{r: bufio.NewReaderSize(f, 1<<20), byteProgress: byteProgress{bar: bar}}, e.ledgerOptions())
	bar.finish()
	if err != nil {
		return fmt.Errorf("import %s: %w", pos[0], err)
	}
	if *keysFrom != "" {
		if err := writeKeyFiles(dir, keys[0], keys[1]); err != nil {
			return err
		}
	} else if _, err := e.createKeys(dir, *name); err != nil {
		return err
	}
	return e.emit(map[string]any{"db": dir, "size": th.Size, "root": th.Root.String()},
		kv("db", dir, "events", th.Size, "root", th.Root))
}

// verifyExport checks an export file with the verifier key pub (see verifiers) and
// returns its tree head.
func (e *env) verifyExport(file, pub string) (ledger.TreeHead, error) {
	v, err := e.verifiers(pub)
	if err != nil {
		return ledger.TreeHead{}, err
	}
	f, err := os.Open(file)
	if err != nil {
		return ledger.TreeHead{}, err
	}
	defer f.Close()
	th, err := ledger.VerifyExport(bufio.NewReaderSize(f, 1<<20), v)
	if err != nil {
		return ledger.TreeHead{}, fmt.Errorf("%s does NOT verify: %w", file, err)
	}
	return th, nil
}

// progressReader advances a progress bar by an estimate of events read.
type progressReader struct {
	r io.Reader
	byteProgress
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.count(n)
	return n, err
}
