package ledger

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"golang.org/x/mod/sumdb/note"

	"github.com/punchledger/punchledger/ledger/internal/archive"
	"github.com/punchledger/punchledger/ledger/internal/merkle"
)

// An export file (see ledger/internal/archive for the byte layout) holds a header, one
// record per event in Seq order, each with a CRC-32C, and a trailer with the count, the
// tree head and a signed checkpoint. Record n is the event at Seq n: either its stored
// bytes, or — when redacted — its leaf hash and its envelope with the data withheld.
// A reader recomputes the tree from the records and refuses a file whose trailer does
// not match, so a truncated, reordered or altered file is refused with an *ExportError
// saying where.

// ExportOptions configures Export. The zero value writes every event in full, unsigned.
type ExportOptions struct {
	// Signer signs the export's checkpoint. Nil writes no checkpoint: the file is then
	// self-checking but says nothing about who vouches for it.
	Signer note.Signer
	// Redact, if set, is called for every event (valid only during the call); when it
	// returns true the event's Data is withheld: the file keeps its envelope and leaf
	// hash, so the tree and the checkpoint still verify. Nil redacts nothing.
	//
	// What a reader can trust of a redacted event is its position and leaf hash (the
	// tree and checkpoint cover them) and that its Hash is the next event's PrevHash.
	// Its other envelope fields cannot be recomputed without the withheld data, so a
	// file rewritten by someone could change them undetected; an auditor who needs
	// them should get the full export (or the event) and check it against the leaf.
	Redact func(*Event) bool
}

// ErrBadExport reports an export file that is refused; see *ExportError.
var ErrBadExport = errors.New("ledger: export refused")

// ExportError says where and why an export file was refused.
type ExportError struct {
	Record    uint64 // 1-based record number (the event's Seq); 0: the header; count+1: the trailer
	Offset    int64  // byte offset of the record in the file
	Truncated bool   // the file ends early
	Reason    string
}

func (e *ExportError) Error() string {
	if e.Record == 0 {
		return fmt.Sprintf("ledger: export refused: header: %s", e.Reason)
	}
	return fmt.Sprintf("ledger: export refused: record %d at byte %d: %s", e.Record, e.Offset, e.Reason)
}

// Is makes errors.Is(err, ErrBadExport) true.
func (e *ExportError) Is(target error) bool { return target == ErrBadExport }

func exportError(err error) error {
	var fe *archive.FormatError
	if errors.As(err, &fe) {
		return &ExportError{Record: fe.Record, Offset: fe.Offset, Truncated: errors.Is(fe.Err, archive.ErrTruncated), Reason: fe.Reason}
	}
	return fmt.Errorf("ledger: read export: %w", err)
}

// Export writes every committed event (up to the head when it starts) to w as one
// self-checking file and returns the tree head it covers. It streams: memory does not
// grow with the log. If the stored events do not hash to the stored tree, it returns a
// *CorruptError (run Verify to find the event).
func (l *Ledger) Export(ctx context.Context, w io.Writer, opts ExportOptions) (TreeHead, error) {
	if err := l.enter(); err != nil {
		return TreeHead{}, err
	}
	defer l.leave()
	head, _ := l.Head()
	// No Pebble snapshot: events and tree hashes up to head never change, and a
	// long-lived snapshot would keep DeleteSecret from purging while Export runs.
	want, err := merkle.LoadFrontier(merkle.StoreReader(l.db, treePrefix), int64(head))
	if err != nil {
		return TreeHead{}, proveError(head, err)
	}

	aw, err := archive.NewWriter(w)
	if err != nil {
		return TreeHead{}, fmt.Errorf("ledger: export: %w", err)
	}
	var e Event
	for from := uint64(1); from <= head; from += scanChunk {
		if err := ctx.Err(); err != nil {
			return TreeHead{}, err
		}
		if err := l.exportRange(aw, from, min(from+scanChunk, head+1), opts.Redact, &e); err != nil {
			return TreeHead{}, err
		}
	}
	got := aw.Head()
	if got != want.Head() {
		return TreeHead{}, &CorruptError{Seq: head, Reason: fmt.Sprintf("events hash to root %v, the stored tree has %v; run Verify", Hash(got.Root), Hash(want.Root()))}
	}
	th := TreeHead{Size: uint64(got.Size), Root: Hash(got.Root)}
	var cp []byte
	if opts.Signer != nil {
		if cp, err = signCheckpoint(opts.Signer, th); err != nil {
			return TreeHead{}, err
		}
	}
	if err := aw.Close(cp); err != nil {
		return TreeHead{}, fmt.Errorf("ledger: export: %w", err)
	}
	return th, nil
}

// exportRange writes the events [from, to) with a fresh iterator (a long-lived one
// would pin sstables that DeleteSecret wants gone).
func (l *Ledger) exportRange(aw *archive.Writer, from, to uint64, redact func(*Event) bool, e *Event) error {
	it, err := l.db.NewIter(&pebble.IterOptions{LowerBound: eventKey(from), UpperBound: eventKey(to)})
	if err != nil {
		return fmt.Errorf("ledger: export: %w", err)
	}
	defer it.Close()
	seq := from
	for it.First(); it.Valid(); it.Next() {
		if k := it.Key(); len(k) != 9 || binary.BigEndian.Uint64(k[1:]) != seq {
			return &CorruptError{Seq: seq, Reason: "event missing"}
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return fmt.Errorf("ledger: export seq %d: %w", seq, err)
		}
		if redact != nil {
			if err := decodeEvent(v, e, true); err != nil {
				return &CorruptError{Seq: seq, Reason: err.Error()}
			}
		}
		if redact != nil && redact(e) {
			env := *e
			env.Data = nil
			err = aw.WriteRedacted(merkle.LeafHash(v), EncodeEvent(&env))
		} else {
			err = aw.WriteEvent(v)
		}
		if err != nil {
			return fmt.Errorf("ledger: export seq %d: %w", seq, err)
		}
		seq++
	}
	if err := it.Error(); err != nil {
		return fmt.Errorf("ledger: export: %w", err)
	}
	if seq != to {
		return &CorruptError{Seq: seq, Reason: "event missing"}
	}
	return nil
}

// VerifyExport checks an export file with no database: every record's checksum, the
// hash chain (each full event's Hash recomputed; a redacted event's Hash is taken as
// given but must be the next event's PrevHash), Seq and RecordedAt order, and the tree
// over all records against the trailer. With verifiers, the trailer's checkpoint must
// be signed by one of them and sign the same tree head (ErrBadSignature,
// ErrWrongOrigin, or an *ExportError if it is missing or signs another head); with nil
// verifiers the signature is not checked. File damage is an *ExportError
// (errors.Is ErrBadExport).
func VerifyExport(r io.Reader, verifiers note.Verifiers) (TreeHead, error) {
	ar, err := archive.NewReader(r)
	if err != nil {
		return TreeHead{}, exportError(err)
	}
	var (
		e     Event
		prev  Hash
		nanos int64 = math.MinInt64
	)
	for {
		rec, err := ar.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return TreeHead{}, exportError(err)
		}
		if err := checkExported(rec, &e, prev, nanos); err != nil {
			return TreeHead{}, err
		}
		prev, nanos = e.Hash, e.RecordedAt.UnixNano()
	}
	tr := ar.Trailer()
	if verifiers != nil {
		if err := tr.CheckCheckpoint(verifiers); err != nil {
			if errors.Is(err, archive.ErrCorrupt) {
				return TreeHead{}, &ExportError{Record: tr.Count + 1, Offset: tr.Offset, Reason: err.Error()}
			}
			return TreeHead{}, checkpointError(err)
		}
	}
	return TreeHead{Size: uint64(tr.Head.Size), Root: Hash(tr.Head.Root)}, nil
}

// checkExported decodes a record into e and checks it continues the chain.
func checkExported(rec *archive.Record, e *Event, prev Hash, nanos int64) error {
	bad := func(format string, a ...any) error {
		return &ExportError{Record: rec.Num, Offset: rec.Offset, Reason: fmt.Sprintf(format, a...)}
	}
	body := rec.Stored
	if rec.Kind == archive.KindRedacted {
		body = rec.Envelope
	}
	if err := decodeEvent(body, e, true); err != nil {
		return bad("event: %v", err)
	}
	switch {
	case e.Seq != rec.Num:
		return bad("event says seq %d", e.Seq)
	case e.PrevHash != prev:
		return bad("prev hash %v, previous event's hash is %v", e.PrevHash, prev)
	case e.RecordedAt.UnixNano() < nanos:
		return bad("recorded-at %v goes back", e.RecordedAt)
	case rec.Kind == archive.KindRedacted && len(e.Data) != 0:
		return bad("redacted event carries data")
	}
	if rec.Kind == archive.KindEvent {
		if h := chainHash(e.PrevHash, body[:len(body)-len(e.Hash)]); h != e.Hash {
			return bad("hash %v, recomputed %v", e.Hash, h)
		}
	}
	return nil
}

// importChunk bounds how much Import hands the committer at once.
const (
	importChunkEvents = 1000
	importChunkBytes  = 8 << 20
)

// Import creates a ledger in dir (which must not exist or be empty) from an export
// file, with every event at its original Seq, RecordedAt and hashes, and returns the
// tree head, which equals the exporting ledger's. It checks the file as VerifyExport
// does except the checkpoint signature (Import knows no keys: run VerifyExport first
// to check who signed it). A redacted export cannot be imported. On any error Import
// removes what it wrote and returns an *ExportError (file damage, errors.Is
// ErrBadExport), ErrInvalid (dir not empty) or the underlying error.
func Import(ctx context.Context, dir string, r io.Reader, opts *Options) (TreeHead, error) {
	fs := vfs.Default
	if opts != nil && opts.FS != nil {
		fs = opts.FS
	}
	existed := false
	if names, err := fs.List(dir); err == nil {
		existed = true
		if len(names) > 0 {
			return TreeHead{}, fmt.Errorf("%w: import into %q: directory not empty", ErrInvalid, dir)
		}
	}
	ar, err := archive.NewReader(r)
	if err != nil {
		return TreeHead{}, exportError(err)
	}
	l, err := Open(dir, opts)
	if err != nil {
		return TreeHead{}, err
	}
	th, err := importInto(ctx, l, ar)
	if cerr := l.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		if rerr := fs.RemoveAll(dir); rerr == nil && existed {
			_ = fs.MkdirAll(dir, 0o755)
		}
		return TreeHead{}, err
	}
	return th, nil
}

func importInto(ctx context.Context, l *Ledger, ar *archive.Reader) (TreeHead, error) {
	var (
		chunk   [][]byte
		offsets []int64
		first   uint64 = 1
		size    int
		e       Event
		prev    Hash
		nanos   int64 = math.MinInt64
	)
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		err := l.importStored(ctx, chunk)
		var ce *CorruptError
		if errors.As(err, &ce) && ce.Seq >= first && ce.Seq < first+uint64(len(chunk)) {
			return &ExportError{Record: ce.Seq, Offset: offsets[ce.Seq-first], Reason: ce.Reason}
		}
		if err != nil {
			return err
		}
		first += uint64(len(chunk))
		chunk, offsets, size = chunk[:0], offsets[:0], 0
		return nil
	}
	for {
		rec, err := ar.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return TreeHead{}, exportError(err)
		}
		if rec.Kind != archive.KindEvent {
			return TreeHead{}, &ExportError{Record: rec.Num, Offset: rec.Offset, Reason: "a redacted event cannot be imported"}
		}
		// Check the chain here too, so that the error names the file's record.
		if err := checkExported(rec, &e, prev, nanos); err != nil {
			return TreeHead{}, err
		}
		prev, nanos = e.Hash, e.RecordedAt.UnixNano()
		chunk = append(chunk, append([]byte(nil), rec.Stored...))
		offsets = append(offsets, rec.Offset)
		size += len(rec.Stored)
		if len(chunk) >= importChunkEvents || size >= importChunkBytes {
			if err := flush(); err != nil {
				return TreeHead{}, err
			}
		}
	}
	if err := flush(); err != nil {
		return TreeHead{}, err
	}
	tr := ar.Trailer()
	th := l.TreeHead()
	if th.Size != uint64(tr.Head.Size) || th.Root != Hash(tr.Head.Root) {
		return TreeHead{}, &ExportError{Record: tr.Count + 1, Offset: tr.Offset, Reason: fmt.Sprintf("imported tree has size %d root %v, the file says size %d root %v", th.Size, th.Root, tr.Head.Size, Hash(tr.Head.Root))}
	}
	return th, nil
}
