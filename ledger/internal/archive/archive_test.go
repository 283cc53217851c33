package archive_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/punchledger/punchledger/ledger/internal/archive"
	"github.com/punchledger/punchledger/ledger/internal/merkle"
)

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func keys(t testing.TB) (note.Signer, note.Verifiers) {
	t.Helper()
	skey, vkey, err := note.GenerateKey(zeroReader{}, "test.example/log")
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
	return s, note.VerifierList(v)
}

type input struct {
	body     []byte
	redacted bool
}

func inputs(n int) []input {
	in := make([]input, n)
	for i := range in {
		in[i] = input{body: fmt.Appendf(nil, "stored event %d %s", i, bytes.Repeat([]byte{byte(i)}, i%7)), redacted: i%3 == 2}
	}
	return in
}

// build writes an export of in, signed by s when s is not nil.
func build(t testing.TB, in []input, s note.Signer) ([]byte, merkle.Head) {
	t.Helper()
	var buf bytes.Buffer
	w, err := archive.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range in {
		if r.redacted {
			err = w.WriteRedacted(merkle.LeafHash(r.body), []byte("envelope only"))
		} else {
			err = w.WriteEvent(r.body)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	head := w.Head()
	var cp []byte
	if s != nil {
		if cp, err = merkle.SignCheckpoint(s, "", head); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(cp); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), head
}

// readAll reads a whole export and returns its records' leaves and the trailer.
func readAll(data []byte) ([]merkle.Hash, *archive.Trailer, error) {
	rd, err := archive.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	var leaves []merkle.Hash
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return leaves, rd.Trailer(), nil
		}
		if err != nil {
			return leaves, nil, err
		}
		leaves = append(leaves, rec.Leaf)
	}
}

func TestRoundTrip(t *testing.T) {
	signer, verifiers := keys(t)
	in := inputs(50)
	data, head := build(t, in, signer)
	rd, err := archive.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var f merkle.Frontier
	for i := 0; ; i++ {
		rec, err := rd.Next()
		if err == io.EOF {
			if i != len(in) {
				t.Fatalf("read %d records, want %d", i, len(in))
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if got, want := rec.Num, uint64(i+1); got != want {
			t.Fatalf("record number %d, want %d", got, want)
		}
		switch {
		case in[i].redacted && (rec.Kind != archive.KindRedacted || string(rec.Envelope) != "envelope only"):
			t.Fatalf("record %d: kind %d envelope %q, want redacted", i+1, rec.Kind, rec.Envelope)
		case !in[i].redacted && (rec.Kind != archive.KindEvent || !bytes.Equal(rec.Stored, in[i].body)):
			t.Fatalf("record %d: kind %d body %q, want %q", i+1, rec.Kind, rec.Stored, in[i].body)
		}
		if got, want := rec.Leaf, merkle.LeafHash(in[i].body); got != want {
			t.Fatalf("record %d leaf %v, want %v", i+1, got, want)
		}
		f.Append(rec.Leaf)
	}
	tr := rd.Trailer()
	if tr == nil || tr.Head != head || tr.Head != f.Head() || tr.Count != uint64(len(in)) || data[tr.Offset] != byte(archive.KindTrailer) {
		t.Fatalf("trailer %+v, want head %v count %d", tr, head, len(in))
	}
	if err := tr.CheckCheckpoint(verifiers); err != nil {
		t.Fatal(err)
	}
	// Next keeps returning EOF.
	if _, err := rd.Next(); err != io.EOF {
		t.Fatalf("Next after trailer: %v, want io.EOF", err)
	}
}

func TestEmptyExport(t *testing.T) {
	data, head := build(t, nil, nil)
	_, tr, err := readAll(data)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Head != head || head.Size != 0 || head.Root != merkle.EmptyRoot() {
		t.Fatalf("trailer head %v, want empty tree", tr.Head)
	}
	if err := tr.CheckCheckpoint(nil); !errors.Is(err, archive.ErrCorrupt) {
		t.Fatalf("CheckCheckpoint of an unsigned export: %v, want ErrCorrupt", err)
	}
}

// TestEveryByteFlipped flips each byte of a small export in turn: every variant must
// be refused with a *FormatError.
func TestEveryByteFlipped(t *testing.T) {
	signer, _ := keys(t)
	data, _ := build(t, inputs(4), signer)
	for i := range data {
		bad := bytes.Clone(data)
		bad[i] ^= 0x40
		_, _, err := readAll(bad)
		var fe *archive.FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("byte %d flipped: err = %v, want *FormatError", i, err)
		}
		if fe.Offset > int64(i) {
			t.Fatalf("byte %d flipped: error points at byte %d, after the damage: %v", i, fe.Offset, err)
		}
	}
}

func TestTruncated(t *testing.T) {
	data, _ := build(t, inputs(4), nil)
	for n := range len(data) {
		_, _, err := readAll(data[:n])
		if !errors.Is(err, archive.ErrTruncated) {
			t.Fatalf("cut to %d of %d bytes: err = %v, want ErrTruncated", n, len(data), err)
		}
	}
}

func TestRefused(t *testing.T) {
	signer, verifiers := keys(t)
	data, _ := build(t, inputs(5), signer)
	// Offsets of the records, to aim the damage.
	var offsets []int64
	rd, err := archive.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		offsets = append(offsets, rec.Offset)
	}
	// reframe replaces record i's body (keeping a valid CRC), as someone who knows the
	// format would.
	reframe := func(i int, body []byte) []byte {
		start := offsets[i]
		size := int64(binary.BigEndian.Uint32(data[start+1:]))
		end := start + 5 + size + 4
		rec := []byte{data[start]}
		rec = binary.BigEndian.AppendUint32(rec, uint32(len(body)))
		rec = append(rec, body...)
		rec = binary.BigEndian.AppendUint32(rec, crc32.Checksum(rec, crc32.MakeTable(crc32.Castagnoli)))
		return append(append(bytes.Clone(data[:start]), rec...), data[end:]...)
	}
	drop := func(i int) []byte {
		start, end := offsets[i], offsets[i+1]
		return append(bytes.Clone(data[:start]), data[end:]...)
	}
	swap := func(i int) []byte {
		a, b, c := offsets[i], offsets[i+1], offsets[i+2]
		out := bytes.Clone(data[:a])
		out = append(out, data[b:c]...)
		out = append(out, data[a:b]...)
		return append(out, data[c:]...)
	}
	body1 := bytes.Clone(data[offsets[1]+5 : offsets[2]-4])
	body1[3] ^= 1
	for _, tc := range []struct {
		name   string
		data   []byte
		want   error
		record uint64
	}{
		{"BadMagic", append([]byte("PK\x03\x04"), data[4:]...), archive.ErrCorrupt, 0},
		{"NewerVersion", append(append([]byte(archive.Magic), 0, 2), data[10:]...), archive.ErrVersion, 0},
		{"ChecksumRecord2", func() []byte { b := bytes.Clone(data); b[offsets[1]+8] ^= 1; return b }(), archive.ErrCorrupt, 2},
		{"RecomputedChecksum", reframe(1, body1), archive.ErrCorrupt, 6},
		{"DroppedRecord", drop(2), archive.ErrCorrupt, 5},
		{"SwappedRecords", swap(0), archive.ErrCorrupt, 6},
		{"TrailingBytes", append(bytes.Clone(data), 0), archive.ErrCorrupt, 7},
		{"OnlyHeader", data[:10], archive.ErrTruncated, 1},
		{"Empty", nil, archive.ErrTruncated, 0},
		{"HugeLength", append(bytes.Clone(data[:10]), 1, 0xff, 0xff, 0xff, 0xff), archive.ErrCorrupt, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readAll(tc.data)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			var fe *archive.FormatError
			if !errors.As(err, &fe) || fe.Record != tc.record {
				t.Fatalf("err = %v, want a *FormatError at record %d", err, tc.record)
			}
		})
	}
	t.Run("CheckpointForOtherHead", func(t *testing.T) {
		other, _ := build(t, inputs(4), nil)
		_, tr, err := readAll(other)
		if err != nil {
			t.Fatal(err)
		}
		_, signed, err := readAll(data)
		if err != nil {
			t.Fatal(err)
		}
		tr.Checkpoint = signed.Checkpoint
		if err := tr.CheckCheckpoint(verifiers); !errors.Is(err, archive.ErrCorrupt) {
			t.Fatalf("err = %v, want ErrCorrupt", err)
		}
	})
	t.Run("CheckpointUnknownKey", func(t *testing.T) {
		_, tr, err := readAll(data)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.CheckCheckpoint(note.VerifierList()); !errors.Is(err, merkle.ErrUnverified) {
			t.Fatalf("err = %v, want merkle.ErrUnverified", err)
		}
	})
}

// FuzzReader reads arbitrary bytes as an export: it must never panic, and whatever
// it accepts must have a trailer whose head matches the records read.
func FuzzReader(f *testing.F) {
	signer, _ := keys(f)
	good, _ := build(f, inputs(3), signer)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte(archive.Magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		leaves, tr, err := readAll(data)
		if err != nil {
			var fe *archive.FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error is not a *FormatError: %v", err)
			}
			return
		}
		var fr merkle.Frontier
		for _, l := range leaves {
			fr.Append(l)
		}
		if tr.Head != fr.Head() || tr.Count != uint64(len(leaves)) {
			t.Fatalf("accepted trailer %+v for %d records with head %v", tr, len(leaves), fr.Head())
		}
	})
}
