package attendance

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"sync"
)

// Field encryption.
//
// Every employee has a 32-byte data key, stored beside the log with ledger.PutSecret
// (subject: see keySubject) and never inside an event. Personal
// fields are sealed with AES-256-GCM before they enter the log. From the data key two
// keys are derived with HMAC-SHA256: one for AES, one for nonces.
//
// The nonce is synthetic (the idea of SIV): HMAC(nonce key, label | event ID |
// plaintext), truncated to 12 bytes. The same plaintext for the same event and field
// always seals to the same bytes — so a retried offline upload produces an identical
// event — and two different plaintexts never share a nonce under one key except with
// negligible probability, so GCM's nonce-reuse failure cannot be triggered by a
// replayed or conflicting event ID. The additional data binds the sealed bytes to the
// stream, event ID and field label, so a sealed value cannot be moved to another event.
//
// Sealed layout: version(1)=1 | nonce(12) | ciphertext+tag.
//
// Erasure deletes the data key (ledger.DeleteSecret purges it physically); the sealed
// bytes in the log then cannot be opened by anyone, while the hash chain, which covers
// the sealed bytes, still verifies.

const (
	dataKeyLen    = 32
	sealVersion   = 1
	nonceLen      = 12
	sealOverhead  = 1 + nonceLen + 16
	secretPrefix  = "attendance/key/"
	sealDomainEnc = "punchledger/attendance/enc/v1"
	sealDomainIV  = "punchledger/attendance/nonce/v1"
	sealDomainAAD = "punchledger/attendance/aad/v1"
)

// errSealed: sealed bytes that do not open (wrong key, tampered, truncated).
var errSealed = errors.New("attendance: sealed field does not open")

// keySubject is the ledger secret subject holding the employee's data key:
// "attendance/key/<employee ID>/<ID of the employee.registered event>". Naming the
// registration makes concurrent registrations of one ID (two Services on one ledger)
// write different subjects: the losing one cannot overwrite the winner's key, and its
// own key is deleted.
func keySubject(employeeID string, registration [16]byte) string {
	return secretPrefix + employeeID + "/" + hex.EncodeToString(registration[:])
}

// sealer seals and opens fields for one employee's data key.
type sealer struct {
	aead  cipher.AEAD
	ivKey [32]byte
	macs  sync.Pool // of hash.Hash: HMAC-SHA256 keyed with ivKey
}

func newSealer(dataKey []byte) (*sealer, error) {
	if len(dataKey) != dataKeyLen {
		return nil, fmt.Errorf("attendance: data key of %d bytes, want %d", len(dataKey), dataKeyLen)
	}
	var s sealer
	encKey := derive(dataKey, sealDomainEnc)
	s.ivKey = derive(dataKey, sealDomainIV)
	s.macs.New = func() any { return hmac.New(sha256.New, s.ivKey[:]) }
	block, err := aes.NewCipher(encKey[:])
	if err != nil {
		return nil, err
	}
	s.aead, err = cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

func derive(key []byte, domain string) [32]byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(domain))
	var out [32]byte
	m.Sum(out[:0])
	return out
}

func sealAAD(stream string, eventID [16]byte, label string) []byte {
	aad := make([]byte, 0, len(sealDomainAAD)+len(stream)+len(label)+16+2)
	aad = append(aad, sealDomainAAD...)
	aad = append(aad, 0)
	aad = append(aad, stream...)
	aad = append(aad, 0)
	aad = append(aad, eventID[:]...)
	aad = append(aad, label...)
	return aad
}

// seal encrypts plaintext for the field label of event eventID in stream.
// An empty plaintext seals to nil (nothing stored).
func (s *sealer) seal(stream string, eventID [16]byte, label string, plaintext []byte) []byte {
	if len(plaintext) == 0 {
		return nil
	}
	m := s.macs.Get().(hash.Hash)
	m.Reset()
	m.Write([]byte(label))
	m.Write([]byte{0})
	m.Write(eventID[:])
	m.Write(plaintext)
	var iv [32]byte
	m.Sum(iv[:0])
	s.macs.Put(m)
	out := make([]byte, 0, sealOverhead+len(plaintext))
	out = append(out, sealVersion)
	out = append(out, iv[:nonceLen]...)
	return s.aead.Seal(out, iv[:nonceLen], plaintext, sealAAD(stream, eventID, label))
}

// open decrypts sealed bytes written by seal with the same stream, ID and label.
func (s *sealer) open(stream string, eventID [16]byte, label string, sealed []byte) ([]byte, error) {
	if len(sealed) == 0 {
		return nil, nil
	}
	if len(sealed) < sealOverhead || sealed[0] != sealVersion {
		return nil, errSealed
	}
	pt, err := s.aead.Open(nil, sealed[1:1+nonceLen], sealed[1+nonceLen:], sealAAD(stream, eventID, label))
	if err != nil {
		return nil, errSealed
	}
	return pt, nil
}
