package merkle

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
)

// A checkpoint is a tree head in the transparency-log checkpoint form, signed as a
// golang.org/x/mod/sumdb/note:
//
//	<origin>
//	<size in decimal>
//	<root hash in standard base64>
//
//	— <signer name> <base64 signature>
//
// Lines after the third (extensions) are allowed and ignored, as the format permits.

var (
	// ErrMalformedCheckpoint reports checkpoint text or note framing that does not parse.
	ErrMalformedCheckpoint = errors.New("merkle: malformed checkpoint")
	// ErrBadSignature reports a checkpoint signature that a known key rejects.
	ErrBadSignature = errors.New("merkle: bad checkpoint signature")
	// ErrUnverified reports a checkpoint signed by no known key.
	ErrUnverified = errors.New("merkle: checkpoint has no signature from a known key")
	// ErrWrongOrigin reports a checkpoint for another log; see *OriginError.
	ErrWrongOrigin = errors.New("merkle: checkpoint for another log")
)

// OriginError reports a checkpoint whose origin line is not the expected one.
type OriginError struct {
	Want, Got string
}

func (e *OriginError) Error() string {
	return fmt.Sprintf("merkle: checkpoint origin %q, want %q", e.Got, e.Want)
}

// Is makes errors.Is(err, ErrWrongOrigin) true.
func (e *OriginError) Is(target error) bool { return target == ErrWrongOrigin }

// FormatCheckpoint returns the unsigned checkpoint text for head.
func FormatCheckpoint(origin string, head Head) ([]byte, error) {
	if !validOrigin(origin) {
		return nil, fmt.Errorf("%w: origin %q", ErrMalformedCheckpoint, origin)
	}
	if head.Size < 0 {
		return nil, fmt.Errorf("%w: size %d", ErrMalformedCheckpoint, head.Size)
	}
	return fmt.Appendf(nil, "%s\n%d\n%s\n", origin, head.Size, base64.StdEncoding.EncodeToString(head.Root[:])), nil
}

// ParseCheckpoint parses checkpoint text (without signatures).
func ParseCheckpoint(text []byte) (origin string, head Head, err error) {
	bad := func(why string) (string, Head, error) {
		return "", Head{}, fmt.Errorf("%w: %s", ErrMalformedCheckpoint, why)
	}
	if len(text) > 1<<16 {
		return bad("too long")
	}
	lines := strings.SplitN(string(text), "\n", 4)
	if len(lines) < 4 {
		return bad("fewer than three lines")
	}
	if !validOrigin(lines[0]) {
		return bad(fmt.Sprintf("origin line %q", lines[0]))
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 || lines[1] != strconv.FormatInt(n, 10) {
		return bad(fmt.Sprintf("size line %q", lines[1]))
	}
	root, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(root) != HashSize {
		return bad(fmt.Sprintf("root line %q", lines[2]))
	}
	head.Size = n
	copy(head.Root[:], root)
	return lines[0], head, nil
}

// SignCheckpoint returns the checkpoint for head signed by s. An empty origin means
// the signer's name.
func SignCheckpoint(s note.Signer, origin string, head Head) ([]byte, error) {
	if origin == "" {
		origin = s.Name()
	}
	text, err := FormatCheckpoint(origin, head)
	if err != nil {
		return nil, err
	}
	msg, err := note.Sign(&note.Note{Text: string(text)}, s)
	if err != nil {
		return nil, fmt.Errorf("merkle: sign checkpoint: %w", err)
	}
	return msg, nil
}

// OpenCheckpoint verifies a signed checkpoint against the known verifiers and returns
// its head. origin is the log's expected origin line; empty means it must equal the
// name of a key that signed it. Errors: ErrMalformedCheckpoint, ErrBadSignature,
// ErrUnverified, *OriginError (ErrWrongOrigin).
func OpenCheckpoint(msg []byte, verifiers note.Verifiers, origin string) (Head, error) {
	n, err := note.Open(msg, verifiers)
	if err != nil {
		var inv *note.InvalidSignatureError
		var unv *note.UnverifiedNoteError
		switch {
		case errors.As(err, &inv):
			return Head{}, fmt.Errorf("%w: %v", ErrBadSignature, err)
		case errors.As(err, &unv):
			return Head{}, fmt.Errorf("%w: %v", ErrUnverified, err)
		}
		return Head{}, fmt.Errorf("%w: %v", ErrMalformedCheckpoint, err)
	}
	got, head, err := ParseCheckpoint([]byte(n.Text))
	if err != nil {
		return Head{}, err
	}
	if origin != "" {
		if got != origin {
			return Head{}, &OriginError{Want: origin, Got: got}
		}
		return head, nil
	}
	for _, s := range n.Sigs {
		if s.Name == got {
			return head, nil
		}
	}
	return Head{}, &OriginError{Want: n.Sigs[0].Name, Got: got}
}

func validOrigin(s string) bool {
	return s != "" && len(s) <= 256 && utf8.ValidString(s) && !strings.ContainsAny(s, "\n\r") &&
		!bytes.ContainsFunc([]byte(s), func(r rune) bool { return r < 0x20 })
}
