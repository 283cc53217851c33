package attendance

import (
	"bytes"
	"testing"
)

func TestSealDeterministic(t *testing.T) {
	key := bytes.Repeat([]byte{7}, dataKeyLen)
	s, err := newSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	id := [16]byte{1}
	a := s.seal("employee/E1", id, "punch", []byte("52.52,13.40"))
	b := s.seal("employee/E1", id, "punch", []byte("52.52,13.40"))
	if !bytes.Equal(a, b) {
		t.Fatal("same plaintext, same event: different bytes")
	}
	c := s.seal("employee/E1", id, "punch", []byte("52.52,13.41"))
	if bytes.Equal(a[1:1+nonceLen], c[1:1+nonceLen]) {
		t.Fatal("different plaintexts share a nonce")
	}
	d := s.seal("employee/E1", [16]byte{2}, "punch", []byte("52.52,13.40"))
	if bytes.Equal(a, d) {
		t.Fatal("different events: same bytes")
	}
	pt, err := s.open("employee/E1", id, "punch", a)
	if err != nil || string(pt) != "52.52,13.40" {
		t.Fatal(pt, err)
	}
	// Bound to stream, event and label.
	for _, x := range []struct {
		stream string
		id     [16]byte
		label  string
	}{{"employee/E2", id, "punch"}, {"employee/E1", [16]byte{2}, "punch"}, {"employee/E1", id, "note"}} {
		if _, err := s.open(x.stream, x.id, x.label, a); err == nil {
			t.Fatalf("opened under %+v", x)
		}
	}
	other, _ := newSealer(bytes.Repeat([]byte{8}, dataKeyLen))
	if _, err := other.open("employee/E1", id, "punch", a); err == nil {
		t.Fatal("opened with another key")
	}
	a[len(a)-1] ^= 1
	if _, err := s.open("employee/E1", id, "punch", a); err == nil {
		t.Fatal("opened tampered bytes")
	}
	if s.seal("employee/E1", id, "x", nil) != nil {
		t.Fatal("empty plaintext sealed to something")
	}
}
