package merkle_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/punchledger/punchledger/ledger/internal/merkle"
)

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

type oneReader struct{}

func (oneReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 1
	}
	return len(p), nil
}

func keys(t *testing.T, name string, rnd interface{ Read([]byte) (int, error) }) (note.Signer, note.Verifier) {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rnd, name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return s, v
}

func TestCheckpoint(t *testing.T) {
	signer, verifier := keys(t, "example.com/punchledger", zeroReader{})
	_, otherVerifier := keys(t, "example.com/punchledger", oneReader{})
	head := merkle.Head{Size: 1234, Root: sha256.Sum256([]byte("root"))}
	msg, err := merkle.SignCheckpoint(signer, "", head)
	if err != nil {
		t.Fatal(err)
	}
	wantText := "example.com/punchledger\n1234\n" + "SBNJTRN+FjG7owHVrKtue7eqdM4RhdRWVl71HXN2d7I=\n\n"
	if !bytes.HasPrefix(msg, []byte(wantText)) {
		t.Fatalf("checkpoint text:\n%s\nwant prefix:\n%s", msg, wantText)
	}
	t.Run("OK", func(t *testing.T) {
		got, err := merkle.OpenCheckpoint(msg, note.VerifierList(verifier), "")
		if err != nil {
			t.Fatal(err)
		}
		if got != head {
			t.Fatalf("head = %v, want %v", got, head)
		}
		if _, err := merkle.OpenCheckpoint(msg, note.VerifierList(verifier), "example.com/punchledger"); err != nil {
			t.Fatal(err)
		}
	})
	otherOrigin, err := merkle.SignCheckpoint(signer, "other.example/log", head)
	if err != nil {
		t.Fatal(err)
	}
	flipSig := append([]byte(nil), msg...)
	flipSig[len(flipSig)-3] ^= 0x01 // a base64 digit of the signature
	flipText := bytes.Replace(msg, []byte("\n1234\n"), []byte("\n1235\n"), 1)
	unsignedText, _ := merkle.FormatCheckpoint("example.com/punchledger", head)
	badSize := bytes.Replace(msg, []byte("\n1234\n"), []byte("\n01234\n"), 1)
	signedGarbage, err := note.Sign(&note.Note{Text: "example.com/punchledger\nmany\nroot\n"}, signer)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		msg       []byte
		verifiers note.Verifiers
		origin    string
		want      error
	}{
		{"ErrBadSignature/FlippedSignature", flipSig, note.VerifierList(verifier), "", merkle.ErrBadSignature},
		{"ErrBadSignature/AlteredSize", flipText, note.VerifierList(verifier), "", merkle.ErrBadSignature},
		{"ErrUnverified/OtherKeySameName", msg, note.VerifierList(otherVerifier), "", merkle.ErrUnverified},
		{"ErrUnverified/NoVerifiers", msg, nil, "", merkle.ErrUnverified},
		{"ErrWrongOrigin/SignerName", otherOrigin, note.VerifierList(verifier), "", merkle.ErrWrongOrigin},
		{"ErrWrongOrigin/Explicit", msg, note.VerifierList(verifier), "other.example/log", merkle.ErrWrongOrigin},
		{"ErrMalformed/NoSignature", unsignedText, note.VerifierList(verifier), "", merkle.ErrMalformedCheckpoint},
		{"ErrMalformed/SignedGarbage", signedGarbage, note.VerifierList(verifier), "", merkle.ErrMalformedCheckpoint},
		{"ErrMalformed/Garbage", []byte("\x00\x01"), note.VerifierList(verifier), "", merkle.ErrMalformedCheckpoint},
		{"ErrBadSignature/LeadingZeroSize", badSize, note.VerifierList(verifier), "", merkle.ErrBadSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := merkle.OpenCheckpoint(tc.msg, tc.verifiers, tc.origin)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestParseCheckpoint(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		ok   bool
	}{
		{"OK", "o\n3\nRVOpKl9/WiH/FK5j6WFFcr8hgPM+Cp2yMfK6rKZOq9I=\n", true},
		{"Extension", "o\n3\nRVOpKl9/WiH/FK5j6WFFcr8hgPM+Cp2yMfK6rKZOq9I=\next\n", true},
		{"NoFinalNewline", "o\n3\nRVOpKl9/WiH/FK5j6WFFcr8hgPM+Cp2yMfK6rKZOq9I=", false},
		{"EmptyOrigin", "\n3\nRVOpKl9/WiH/FK5j6WFFcr8hgPM+Cp2yMfK6rKZOq9I=\n", false},
		{"NegativeSize", "o\n-3\nRVOpKl9/WiH/FK5j6WFFcr8hgPM+Cp2yMfK6rKZOq9I=\n", false},
		{"PlusSize", "o\n+3\nRVOpKl9/WiH/FK5j6WFFcr8hgPM+Cp2yMfK6rKZOq9I=\n", false},
		{"ShortRoot", "o\n3\nRVOpKl9/WiH/FK5j6WFFcr8hgPM+Cp2yMfK6rKZOq9=\n", false},
		{"RootNotBase64", "o\n3\n!!!\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := merkle.ParseCheckpoint([]byte(tc.text))
			if tc.ok && err != nil {
				t.Fatal(err)
			}
			if !tc.ok && !errors.Is(err, merkle.ErrMalformedCheckpoint) {
				t.Fatalf("err = %v, want ErrMalformedCheckpoint", err)
			}
		})
	}
}
