package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"time"
	"unicode/utf8"
)

// ID identifies an event. Devices choose it at punch time so that a retried upload is the
// same event; the zero ID asks the ledger to choose one.
type ID [16]byte

// NewID returns a random ID read from r (crypto/rand.Reader in production).
func NewID(r io.Reader) (ID, error) {
	var id ID
	if _, err := io.ReadFull(r, id[:]); err != nil {
		return ID{}, fmt.Errorf("ledger: new id: %w", err)
	}
	return id, nil
}

// ParseID parses 32 hexadecimal characters.
func ParseID(s string) (ID, error) {
	var id ID
	if len(s) != 2*len(id) {
		return ID{}, fmt.Errorf("%w: id %q: want %d hex characters", ErrInvalid, s, 2*len(id))
	}
	if _, err := hex.Decode(id[:], []byte(s)); err != nil {
		return ID{}, fmt.Errorf("%w: id %q: %v", ErrInvalid, s, err)
	}
	return id, nil
}

// String returns the ID as 32 lowercase hexadecimal characters.
func (id ID) String() string { return hex.EncodeToString(id[:]) }

// IsZero reports whether id is the zero ID.
func (id ID) IsZero() bool { return id == ID{} }

// Hash is a SHA-256 digest.
type Hash [32]byte

// String returns the hash as 64 lowercase hexadecimal characters.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// TreeHead is the size and root of the Merkle tree over the first Size events.
type TreeHead struct {
	Size uint64
	Root Hash
}

// Event is the stored envelope. See the package documentation for its encoding.
type Event struct {
	Seq        uint64    // global position, 1-based, gapless
	ID         ID        // unique forever
	Stream     string    // "employee/E1001", "policy/default", "org"
	Version    uint64    // per-stream position, 1-based
	Type       string    // "punch.recorded"
	Schema     uint16    // payload schema version
	OccurredAt time.Time // business time (UTC, stored as int64 unix nanoseconds)
	RecordedAt time.Time // ledger clock at commit; never decreases with Seq
	Actor      string    // "employee:E1001", "manager:M7", "device:D1", "system"
	Data       []byte    // payload bytes (msgpack)
	PrevHash   Hash      // Hash of the event at Seq-1 (zero for Seq 1)
	Hash       Hash      // SHA-256(PrevHash || canonical envelope bytes without Hash)
}

// Proposed is an event a caller appends; the ledger fills in the rest of the envelope.
type Proposed struct {
	ID         ID // zero: the ledger picks one from Options.Rand
	Type       string
	Schema     uint16
	OccurredAt time.Time
	Actor      string
	Data       []byte
}

// Limits on envelope fields; larger values are refused with ErrInvalid.
const (
	MaxStreamLen = 256
	MaxTypeLen   = 256
	MaxActorLen  = 256
	MaxDataLen   = 4 << 20
)

// envelopeFormat is the first byte of every stored envelope. A new layout gets a new
// number; an existing one is never changed.
const envelopeFormat byte = 1

// Fixed part of the envelope: format(1) seq(8) id(16) version(8) schema(2) occurred(8)
// recorded(8) prevHash(32) streamLen(2) typeLen(2) actorLen(2) dataLen(4).
const envelopeFixed = 1 + 8 + 16 + 8 + 2 + 8 + 8 + 32 + 2 + 2 + 2 + 4

// encodedLen returns the length of e's stored bytes, including the trailing Hash.
func encodedLen(e *Event) int {
	return envelopeFixed + len(e.Stream) + len(e.Type) + len(e.Actor) + len(e.Data) + 32
}

// appendCanonical appends e's canonical bytes (everything but the trailing Hash).
// Layout (all integers big-endian, times as int64 unix nanoseconds):
//
//	format(1)=1 seq(8) id(16) version(8) schema(2) occurredAt(8) recordedAt(8) prevHash(32)
//	streamLen(2) typeLen(2) actorLen(2) dataLen(4) stream type actor data
func appendCanonical(dst []byte, e *Event) []byte {
	dst = append(dst, envelopeFormat)
	dst = binary.BigEndian.AppendUint64(dst, e.Seq)
	dst = append(dst, e.ID[:]...)
	dst = binary.BigEndian.AppendUint64(dst, e.Version)
	dst = binary.BigEndian.AppendUint16(dst, e.Schema)
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.OccurredAt.UnixNano()))
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.RecordedAt.UnixNano()))
	dst = append(dst, e.PrevHash[:]...)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(e.Stream)))
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(e.Type)))
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(e.Actor)))
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(e.Data)))
	dst = append(dst, e.Stream...)
	dst = append(dst, e.Type...)
	dst = append(dst, e.Actor...)
	return append(dst, e.Data...)
}

// chainHash returns SHA-256(prev || canonical).
func chainHash(prev Hash, canonical []byte) Hash {
	h := sha256.New()
	h.Write(prev[:])
	h.Write(canonical)
	var out Hash
	h.Sum(out[:0])
	return out
}

// sealEvent computes e.Hash from e.PrevHash and the other fields and appends the stored
// bytes (canonical bytes followed by Hash) to dst.
func sealEvent(dst []byte, e *Event) []byte {
	start := len(dst)
	dst = appendCanonical(dst, e)
	e.Hash = chainHash(e.PrevHash, dst[start:])
	return append(dst, e.Hash[:]...)
}

// EncodeEvent returns the stored bytes of e: its canonical encoding followed by e.Hash
// as given (not recomputed). Exported for tools that inspect stored bytes.
func EncodeEvent(e *Event) []byte {
	b := appendCanonical(make([]byte, 0, encodedLen(e)), e)
	return append(b, e.Hash[:]...)
}

// DecodeEvent decodes stored envelope bytes into e. Strings are copied; e.Data aliases
// b. It checks the layout (lengths, format byte, no leftover bytes) but not the hash;
// see Verify for that. Errors wrap ErrCorrupt.
func DecodeEvent(b []byte, e *Event) error {
	return decodeEvent(b, e, false)
}

// decodeEvent decodes b into e. If reuse is set, strings equal to e's current ones are
// kept without allocating (scans see the same types and actors again and again).
func decodeEvent(b []byte, e *Event, reuse bool) error {
	if len(b) < envelopeFixed+32 {
		return fmt.Errorf("%w: envelope of %d bytes is shorter than %d", ErrCorrupt, len(b), envelopeFixed+32)
	}
	if b[0] != envelopeFormat {
		return fmt.Errorf("%w: unknown envelope format %d", ErrCorrupt, b[0])
	}
	e.Seq = binary.BigEndian.Uint64(b[1:])
	copy(e.ID[:], b[9:25])
	e.Version = binary.BigEndian.Uint64(b[25:])
	e.Schema = binary.BigEndian.Uint16(b[33:])
	e.OccurredAt = time.Unix(0, int64(binary.BigEndian.Uint64(b[35:]))).UTC()
	e.RecordedAt = time.Unix(0, int64(binary.BigEndian.Uint64(b[43:]))).UTC()
	copy(e.PrevHash[:], b[51:83])
	ns := int(binary.BigEndian.Uint16(b[83:]))
	nt := int(binary.BigEndian.Uint16(b[85:]))
	na := int(binary.BigEndian.Uint16(b[87:]))
	nd := uint64(binary.BigEndian.Uint32(b[89:]))
	if want := uint64(envelopeFixed) + uint64(ns+nt+na) + nd + 32; uint64(len(b)) != want {
		return fmt.Errorf("%w: envelope of %d bytes, its lengths say %d", ErrCorrupt, len(b), want)
	}
	p := envelopeFixed
	setString(&e.Stream, b[p:p+ns], reuse)
	p += ns
	setString(&e.Type, b[p:p+nt], reuse)
	p += nt
	setString(&e.Actor, b[p:p+na], reuse)
	p += na
	e.Data = b[p : p+int(nd) : p+int(nd)]
	p += int(nd)
	copy(e.Hash[:], b[p:])
	return nil
}

func setString(dst *string, b []byte, reuse bool) {
	if reuse && *dst == string(b) {
		return
	}
	*dst = string(b)
}

// validate checks a proposed event against the limits; stream is checked separately.
func (p *Proposed) validate() error {
	switch {
	case p.Type == "":
		return fmt.Errorf("%w: empty event type", ErrInvalid)
	case len(p.Type) > MaxTypeLen:
		return fmt.Errorf("%w: event type of %d bytes (max %d)", ErrInvalid, len(p.Type), MaxTypeLen)
	case !utf8.ValidString(p.Type):
		return fmt.Errorf("%w: event type %q is not UTF-8", ErrInvalid, p.Type)
	case len(p.Actor) > MaxActorLen:
		return fmt.Errorf("%w: actor of %d bytes (max %d)", ErrInvalid, len(p.Actor), MaxActorLen)
	case !utf8.ValidString(p.Actor):
		return fmt.Errorf("%w: actor %q is not UTF-8", ErrInvalid, p.Actor)
	case len(p.Data) > MaxDataLen:
		return fmt.Errorf("%w: payload of %d bytes (max %d)", ErrInvalid, len(p.Data), MaxDataLen)
	case !nanosRange(p.OccurredAt):
		return fmt.Errorf("%w: occurred-at %v is zero or outside 1678..2262", ErrInvalid, p.OccurredAt)
	}
	return nil
}

func validStream(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("%w: empty stream", ErrInvalid)
	case len(s) > MaxStreamLen:
		return fmt.Errorf("%w: stream of %d bytes (max %d)", ErrInvalid, len(s), MaxStreamLen)
	case !utf8.ValidString(s):
		return fmt.Errorf("%w: stream %q is not UTF-8", ErrInvalid, s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return fmt.Errorf("%w: stream %q contains NUL", ErrInvalid, s)
		}
	}
	return nil
}

var (
	minNanosTime = time.Unix(0, math.MinInt64)
	maxNanosTime = time.Unix(0, math.MaxInt64)
)

// nanosRange reports whether t is representable as int64 unix nanoseconds and not zero.
func nanosRange(t time.Time) bool {
	return !t.IsZero() && !t.Before(minNanosTime) && !t.After(maxNanosTime)
}

// sameContent is what makes "the same event" for idempotency: the stream and every
// field the caller chose are equal (OccurredAt as the instant it is stored as).
func sameContent(e *Event, stream string, p *Proposed) bool {
	return e.ID == p.ID && e.Stream == stream && e.Type == p.Type && e.Schema == p.Schema &&
		e.OccurredAt.UnixNano() == p.OccurredAt.UnixNano() && e.Actor == p.Actor &&
		bytes.Equal(e.Data, p.Data)
}
