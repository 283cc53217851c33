// Package archive reads and writes the ledger's export file: a self-checking stream
// of records whose leaf hashes form an RFC 6962 Merkle tree, closed by a trailer with
// the record count, the tree head and an optional signed checkpoint.
//
// # Format (version 1)
//
// All integers are big-endian.
//
//	header:  magic "\x89PLX\r\n\x1a\n" (8 bytes), version uint16 = 1
//	record:  kind(1) length uint32 body(length) crc uint32
//	         crc is CRC-32C (Castagnoli) over kind, length and body.
//
// Record kinds are persisted numbers; a new kind gets a new number:
//
//	1 event     body = the event's stored bytes; leaf hash = merkle.LeafHash(body)
//	2 redacted  body = leaf hash(32) || envelope bytes with the data withheld
//	3 trailer   body = count uint64, tree size uint64, root(32),
//	            checkpoint length uint32, checkpoint (signed note; may be empty)
//
// The trailer is the last record; nothing may follow it. A reader checks every
// record's CRC, recomputes the tree from the leaf hashes as it goes and, at the
// trailer, checks the count, the size and the root, so a truncated, reordered or
// altered file is refused. Memory is bounded by the largest record (MaxBody).
//
// The CRC catches accidents and the tree catches any change to a record's bytes;
// only a signed checkpoint (checked by the caller against keys it trusts) stops
// someone who rewrites the whole file. The envelope bytes of a redacted record are
// not covered by its leaf hash (the withheld data sits inside the hashed bytes), so
// a reader can trust only its leaf hash.
package archive

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"

	"golang.org/x/mod/sumdb/note"

	"github.com/punchledger/punchledger/ledger/internal/merkle"
)

// Magic opens every export file.
const Magic = "\x89PLX\r\n\x1a\n"

// Version is the format version written.
const Version uint16 = 1

// Kind is a record kind. Persisted: never renumber.
type Kind byte

const (
	KindEvent    Kind = 1
	KindRedacted Kind = 2
	KindTrailer  Kind = 3
)

// MaxBody is the largest record body accepted (an event is at most a few MiB).
const MaxBody = 16 << 20

// MaxCheckpoint is the largest checkpoint accepted in a trailer.
const MaxCheckpoint = 64 << 10

const (
	headerLen    = len(Magic) + 2
	recordHead   = 1 + 4
	trailerFixed = 8 + 8 + merkle.HashSize + 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

var (
	// ErrTruncated reports a file that ends before its trailer.
	ErrTruncated = errors.New("archive: truncated")
	// ErrCorrupt reports bytes that fail a check (magic, checksum, lengths, tree).
	ErrCorrupt = errors.New("archive: corrupt")
	// ErrVersion reports an export written in a format version this code does not read.
	ErrVersion = errors.New("archive: unsupported format version")
)

// FormatError says where a file went wrong. errors.Is matches its Err
// (ErrTruncated, ErrCorrupt or ErrVersion).
type FormatError struct {
	Record uint64 // 1-based record number; 0 for the header
	Offset int64  // byte offset of the record (or header) in the file
	Reason string
	Err    error
}

func (e *FormatError) Error() string {
	if e.Record == 0 {
		return fmt.Sprintf("%v: header at byte %d: %s", e.Err, e.Offset, e.Reason)
	}
	return fmt.Sprintf("%v: record %d at byte %d: %s", e.Err, e.Record, e.Offset, e.Reason)
}

func (e *FormatError) Unwrap() error { return e.Err }

// Trailer closes an export.
type Trailer struct {
	Count      uint64      // records before the trailer
	Head       merkle.Head // tree over those records
	Checkpoint []byte      // signed checkpoint text; empty when unsigned
	Offset     int64       // byte offset of the trailer record (set by Reader)
}

// Writer writes an export. Call Close to write the trailer and flush.
type Writer struct {
	w     *bufio.Writer
	tree  merkle.Frontier
	count uint64
	err   error
}

// NewWriter writes the header to w and returns a Writer.
func NewWriter(w io.Writer) (*Writer, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	var h [headerLen]byte
	copy(h[:], Magic)
	binary.BigEndian.PutUint16(h[len(Magic):], Version)
	if _, err := bw.Write(h[:]); err != nil {
		return nil, fmt.Errorf("archive: write header: %w", err)
	}
	return &Writer{w: bw}, nil
}

// WriteEvent writes an event record holding the event's stored bytes.
func (w *Writer) WriteEvent(stored []byte) error {
	return w.record(KindEvent, merkle.LeafHash(stored), nil, stored)
}

// WriteRedacted writes a redacted record: the event's leaf hash and its envelope
// bytes with the data withheld.
func (w *Writer) WriteRedacted(leaf merkle.Hash, envelope []byte) error {
	return w.record(KindRedacted, leaf, leaf[:], envelope)
}

// Head returns the tree head over the records written so far (what Close will write).
func (w *Writer) Head() merkle.Head { return w.tree.Head() }

// Close writes the trailer with the given checkpoint (may be nil) and flushes.
// It does not close the underlying writer.
func (w *Writer) Close(checkpoint []byte) error {
	if len(checkpoint) > MaxCheckpoint {
		return fmt.Errorf("archive: checkpoint of %d bytes (max %d)", len(checkpoint), MaxCheckpoint)
	}
	head := w.tree.Head()
	b := make([]byte, 0, trailerFixed+len(checkpoint))
	b = binary.BigEndian.AppendUint64(b, w.count)
	b = binary.BigEndian.AppendUint64(b, uint64(head.Size))
	b = append(b, head.Root[:]...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(checkpoint)))
	b = append(b, checkpoint...)
	if err := w.frame(KindTrailer, nil, b); err != nil {
		return err
	}
	if err := w.w.Flush(); err != nil {
		return fmt.Errorf("archive: flush: %w", err)
	}
	return nil
}

func (w *Writer) record(kind Kind, leaf merkle.Hash, pre, body []byte) error {
	if w.err != nil {
		return w.err
	}
	if len(pre)+len(body) > MaxBody {
		return fmt.Errorf("archive: record of %d bytes (max %d)", len(pre)+len(body), MaxBody)
	}
	if _, err := w.tree.Append(leaf); err != nil {
		w.err = err
		return err
	}
	w.count++
	return w.frame(kind, pre, body)
}

// frame writes kind, length, pre||body and the CRC.
func (w *Writer) frame(kind Kind, pre, body []byte) error {
	if w.err != nil {
		return w.err
	}
	var h [recordHead]byte
	h[0] = byte(kind)
	binary.BigEndian.PutUint32(h[1:], uint32(len(pre)+len(body)))
	crc := crc32.Update(0, castagnoli, h[:])
	crc = crc32.Update(crc, castagnoli, pre)
	crc = crc32.Update(crc, castagnoli, body)
	var c [4]byte
	binary.BigEndian.PutUint32(c[:], crc)
	for _, p := range [][]byte{h[:], pre, body, c[:]} {
		if _, err := w.w.Write(p); err != nil {
			w.err = fmt.Errorf("archive: write record %d: %w", w.count, err)
			return w.err
		}
	}
	return nil
}

// Record is one event record read from an export. Body and Envelope are valid until
// the next call to Next.
type Record struct {
	Num      uint64 // 1-based position in the file
	Offset   int64  // byte offset of the record
	Kind     Kind   // KindEvent or KindRedacted
	Leaf     merkle.Hash
	Stored   []byte // KindEvent: the stored event bytes
	Envelope []byte // KindRedacted: the envelope with the data withheld
}

// Reader reads and checks an export as a stream.
type Reader struct {
	r       *bufio.Reader
	off     int64
	num     uint64
	tree    merkle.Frontier
	buf     []byte
	trailer *Trailer
	err     error
}

// NewReader reads and checks the header.
func NewReader(r io.Reader) (*Reader, error) {
	rd := &Reader{r: bufio.NewReaderSize(r, 256<<10)}
	var h [headerLen]byte
	n, err := io.ReadFull(rd.r, h[:])
	switch {
	case err == nil:
	case n == 0 && errors.Is(err, io.EOF):
		return nil, &FormatError{Reason: "empty file", Err: ErrTruncated}
	case n > 0 && string(h[:min(n, len(Magic))]) == Magic[:min(n, len(Magic))] && errors.Is(err, io.ErrUnexpectedEOF):
		return nil, &FormatError{Reason: fmt.Sprintf("file ends after %d bytes", n), Err: ErrTruncated}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, &FormatError{Reason: "not a punchledger export (bad magic)", Err: ErrCorrupt}
	default:
		return nil, fmt.Errorf("archive: read header: %w", err)
	}
	if string(h[:len(Magic)]) != Magic {
		return nil, &FormatError{Reason: "not a punchledger export (bad magic)", Err: ErrCorrupt}
	}
	if v := binary.BigEndian.Uint16(h[len(Magic):]); v != Version {
		return nil, &FormatError{Reason: fmt.Sprintf("format version %d (this reader knows %d)", v, Version), Err: ErrVersion}
	}
	rd.off = int64(headerLen)
	return rd, nil
}

// Next returns the next event record. After the trailer has been read and checked it
// returns io.EOF; Trailer then returns it. Any other error is final.
func (rd *Reader) Next() (*Record, error) {
	if rd.err != nil {
		return nil, rd.err
	}
	rec, err := rd.next()
	if err != nil {
		rd.err = err
		return nil, err
	}
	return rec, nil
}

// Trailer returns the checked trailer once Next has returned io.EOF, else nil.
func (rd *Reader) Trailer() *Trailer { return rd.trailer }

func (rd *Reader) fail(start int64, why error, format string, a ...any) error {
	return &FormatError{Record: rd.num + 1, Offset: start, Reason: fmt.Sprintf(format, a...), Err: why}
}

func (rd *Reader) next() (*Record, error) {
	start := rd.off
	var h [recordHead]byte
	n, err := io.ReadFull(rd.r, h[:])
	if err != nil {
		if n == 0 && errors.Is(err, io.EOF) {
			return nil, rd.fail(start, ErrTruncated, "file ends after %d records without a trailer", rd.num)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, rd.fail(start, ErrTruncated, "file ends inside a record header")
		}
		return nil, fmt.Errorf("archive: read record %d: %w", rd.num+1, err)
	}
	kind := Kind(h[0])
	size := binary.BigEndian.Uint32(h[1:])
	switch kind {
	case KindEvent, KindRedacted, KindTrailer:
	default:
		return nil, rd.fail(start, ErrCorrupt, "unknown record kind %d", kind)
	}
	if size > MaxBody {
		return nil, rd.fail(start, ErrCorrupt, "record length %d over the limit %d", size, MaxBody)
	}
	need := int(size) + 4
	// Grow in chunks so a forged length cannot make us allocate more than the file has.
	buf := rd.buf[:0]
	for len(buf) < need {
		chunk := min(need-len(buf), 1<<16)
		buf = slices.Grow(buf, chunk)
		if _, err := io.ReadFull(rd.r, buf[len(buf):len(buf)+chunk]); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, rd.fail(start, ErrTruncated, "file ends inside a record of %d bytes", size)
			}
			return nil, fmt.Errorf("archive: read record %d: %w", rd.num+1, err)
		}
		buf = buf[:len(buf)+chunk]
	}
	rd.buf = buf
	body := buf[:size]
	crc := crc32.Update(0, castagnoli, h[:])
	crc = crc32.Update(crc, castagnoli, body)
	if got := binary.BigEndian.Uint32(buf[size:]); got != crc {
		return nil, rd.fail(start, ErrCorrupt, "checksum %08x, computed %08x", got, crc)
	}
	rd.off += int64(recordHead + need)

	rec := &Record{Num: rd.num + 1, Offset: start, Kind: kind}
	switch kind {
	case KindEvent:
		rec.Stored = body
		rec.Leaf = merkle.LeafHash(body)
	case KindRedacted:
		if len(body) < merkle.HashSize {
			return nil, rd.fail(start, ErrCorrupt, "redacted record of %d bytes has no leaf hash", len(body))
		}
		copy(rec.Leaf[:], body)
		rec.Envelope = body[merkle.HashSize:]
	case KindTrailer:
		return nil, rd.readTrailer(start, body)
	}
	if _, err := rd.tree.Append(rec.Leaf); err != nil {
		return nil, rd.fail(start, ErrCorrupt, "tree: %v", err)
	}
	rd.num++
	return rec, nil
}

func (rd *Reader) readTrailer(start int64, body []byte) error {
	if len(body) < trailerFixed {
		return rd.fail(start, ErrCorrupt, "trailer of %d bytes", len(body))
	}
	t := &Trailer{Count: binary.BigEndian.Uint64(body), Offset: start}
	size := binary.BigEndian.Uint64(body[8:])
	copy(t.Head.Root[:], body[16:16+merkle.HashSize])
	cl := binary.BigEndian.Uint32(body[16+merkle.HashSize:])
	if uint64(cl) != uint64(len(body)-trailerFixed) {
		return rd.fail(start, ErrCorrupt, "trailer checkpoint length %d, %d bytes left", cl, len(body)-trailerFixed)
	}
	if t.Count != rd.num {
		return rd.fail(start, ErrCorrupt, "trailer counts %d records, file has %d", t.Count, rd.num)
	}
	if size != rd.num {
		return rd.fail(start, ErrCorrupt, "trailer tree size %d, file has %d records", size, rd.num)
	}
	t.Head.Size = int64(size)
	if got := rd.tree.Root(); got != t.Head.Root {
		return rd.fail(start, ErrCorrupt, "trailer root %v, records hash to %v", t.Head.Root, got)
	}
	if cl > 0 {
		t.Checkpoint = append([]byte(nil), body[trailerFixed:]...)
	}
	if _, err := rd.r.ReadByte(); err == nil {
		return &FormatError{Record: rd.num + 2, Offset: rd.off + int64(recordHead+len(body)+4), Reason: "bytes after the trailer", Err: ErrCorrupt}
	} else if !errors.Is(err, io.EOF) {
		return fmt.Errorf("archive: read after trailer: %w", err)
	}
	rd.off += int64(recordHead + len(body) + 4)
	rd.trailer = t
	return io.EOF
}

// CheckCheckpoint opens the trailer's checkpoint with the verifiers (see
// merkle.OpenCheckpoint; its errors are returned as they are) and checks that it
// signs the trailer's tree head.
func (t *Trailer) CheckCheckpoint(verifiers note.Verifiers) error {
	if len(t.Checkpoint) == 0 {
		return fmt.Errorf("%w: export has no checkpoint", ErrCorrupt)
	}
	h, err := merkle.OpenCheckpoint(t.Checkpoint, verifiers, "")
	if err != nil {
		return err
	}
	if h != t.Head {
		return fmt.Errorf("%w: checkpoint signs size %d root %v, export has size %d root %v", ErrCorrupt, h.Size, h.Root, t.Head.Size, t.Head.Root)
	}
	return nil
}
