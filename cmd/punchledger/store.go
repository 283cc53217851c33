package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
)

// Files the CLI keeps in the ledger directory beside Pebble's own.
const (
	signerKeyFile   = "checkpoint.key" // note signer key (private), mode 0600
	verifierKeyFile = "checkpoint.pub" // note verifier key (public): give it to auditors
)

// errNoLedger is returned when --db does not name an initialized ledger.
var errNoLedger = errors.New("no ledger")

// openLedger opens the existing ledger at --db. It never creates one: a typo in --db must
// not leave an empty ledger behind. Only init creates.
func (e *env) openLedger() (*ledger.Ledger, error) {
	dir := e.dbPath()
	if _, err := os.Stat(filepath.Join(dir, verifierKeyFile)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w at %s (run 'punchledger init' first, or set --db or $%s)", errNoLedger, dir, EnvDB)
		}
		return nil, err
	}
	return ledger.Open(dir, e.ledgerOptions())
}

func (e *env) ledgerOptions() *ledger.Options {
	return &ledger.Options{Now: e.m.Now, Rand: e.m.Rand}
}

// attendanceOptions gives the attendance service the same clock and randomness as the
// ledger.
func (e *env) attendanceOptions() *attendance.Options {
	return &attendance.Options{Now: e.m.Now, Rand: e.m.Rand}
}

// createKeys writes a fresh checkpoint signing key pair into dir.
func (e *env) createKeys(dir, name string) (vkey string, err error) {
	skey, vkey, err := note.GenerateKey(e.m.Rand, name)
	if err != nil {
		return "", fmt.Errorf("generate checkpoint key: %w", err)
	}
	if err := writeKeyFiles(dir, []byte(skey+"\n"), []byte(vkey+"\n")); err != nil {
		return "", err
	}
	return vkey, nil
}

// writeKeyFiles writes a checkpoint key pair into dir: the signer key readable only by
// its owner, the verifier key by anyone.
func writeKeyFiles(dir string, skey, vkey []byte) error {
	if err := os.WriteFile(filepath.Join(dir, signerKeyFile), skey, 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, verifierKeyFile), vkey, 0o644)
}

// signer loads the checkpoint signing key: --key FILE when given, else the ledger's own.
func (e *env) signer(keyFile string) (note.Signer, error) {
	if keyFile == "" {
		keyFile = filepath.Join(e.dbPath(), signerKeyFile)
	}
	b, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	s, err := note.NewSigner(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", keyFile, err)
	}
	return s, nil
}

// verifiers loads a verifier key: --pub FILE when given, else the ledger's own.
func (e *env) verifiers(pubFile string) (note.Verifiers, error) {
	if pubFile == "" {
		pubFile = filepath.Join(e.dbPath(), verifierKeyFile)
	}
	b, err := os.ReadFile(pubFile)
	if err != nil {
		return nil, fmt.Errorf("verifier key (give --pub FILE): %w", err)
	}
	v, err := note.NewVerifier(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("verifier key %s: %w", pubFile, err)
	}
	return note.VerifierList(v), nil
}
