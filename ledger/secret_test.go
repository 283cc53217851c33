package ledger_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/punchledger/punchledger/ledger"
)

// filesContaining returns the files under dir whose bytes contain needle.
func filesContaining(t *testing.T, dir string, needle []byte) []string {
	t.Helper()
	var hits []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			// Pebble deleted an obsolete file (an old OPTIONS or log) after the listing:
			// it holds nothing any more.
			return nil
		}
		if err != nil {
			return err
		}
		if bytes.Contains(b, needle) {
			hits = append(hits, filepath.Base(path))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

func TestDeleteSecretPurges(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, c := range []struct {
		name    string
		flushed bool // value reached an sstable before the delete
		reopen  bool // and the DB was reopened in between (the WAL replayed)
	}{{"InWAL", false, false}, {"InSSTable", true, false}, {"AfterReopen", true, true}} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			opts := &ledger.Options{Now: newClock().Now, MemTableSize: 8 << 20}
			l, err := ledger.Open(dir, opts)
			mustf(t, err, "open")
			defer func() { l.Close() }()
			secret := make([]byte, 32)
			rand.Read(secret)
			keep := make([]byte, 32)
			rand.Read(keep)
			mustf(t, l.PutSecret("employee/E1", secret), "put")
			mustf(t, l.PutSecret("employee/E2", keep), "put")
			for i := range 50 {
				_, err := l.Append(ctx, "employee/E1", ledger.Any, punch(string(rune(i))))
				mustf(t, err, "append")
			}
			if c.flushed {
				// Force the value into an sstable through a second ledger-level path:
				// deleting another subject flushes and compacts.
				mustf(t, l.PutSecret("employee/E3", []byte("x")), "put")
				mustf(t, l.DeleteSecret(ctx, "employee/E3"), "delete E3")
				if hits := filesContaining(t, dir, secret); len(hits) == 0 {
					t.Fatal("test is broken: the secret is in no file before the delete")
				}
			}
			if c.reopen {
				mustf(t, l.Close(), "close")
				l, err = ledger.Open(dir, opts)
				mustf(t, err, "reopen")
			}
			got, err := l.GetSecret("employee/E1")
			mustf(t, err, "get")
			if !bytes.Equal(got, secret) {
				t.Fatal("secret changed")
			}
			if hits := filesContaining(t, dir, secret); len(hits) == 0 {
				t.Fatal("test is broken: the secret is in no file before the delete")
			}
			mustf(t, l.DeleteSecret(ctx, "employee/E1"), "delete")
			if hits := filesContaining(t, dir, secret); len(hits) > 0 {
				t.Fatalf("secret bytes still in %v", hits)
			}
			if _, err := l.GetSecret("employee/E1"); !errors.Is(err, ledger.ErrNotFound) {
				t.Fatalf("get deleted: %v", err)
			}
			mustf(t, l.Close(), "close")
			if hits := filesContaining(t, dir, secret); len(hits) > 0 {
				t.Fatalf("secret bytes in %v after close", hits)
			}
			l, err = ledger.Open(dir, opts)
			mustf(t, err, "reopen")
			got, err = l.GetSecret("employee/E2")
			mustf(t, err, "get kept")
			if !bytes.Equal(got, keep) {
				t.Fatal("other secret lost")
			}
			if s, _ := l.Head(); s != 50 {
				t.Fatalf("head %d", s)
			}
		})
	}
}
