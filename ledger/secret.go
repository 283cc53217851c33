package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cockroachdb/pebble/v2"
)

// Secrets are side data that is NOT part of the log: small values (per-employee data
// keys for crypto-erasure) stored in the same Pebble database under their own key
// prefix, written with Sync, and purgeable.

// MaxSecretLen bounds a secret value.
const MaxSecretLen = 64 << 10

func validSubject(subject string) error {
	if subject == "" || len(subject) > MaxStreamLen {
		return fmt.Errorf("%w: secret subject of %d bytes (want 1..%d)", ErrInvalid, len(subject), MaxStreamLen)
	}
	return nil
}

// PutSecret stores value under subject (replacing any previous value), durably.
// Replacing is not purging: use DeleteSecret first to purge an old value.
func (l *Ledger) PutSecret(subject string, value []byte) error {
	if err := validSubject(subject); err != nil {
		return err
	}
	if len(value) > MaxSecretLen {
		return fmt.Errorf("%w: secret of %d bytes (max %d)", ErrInvalid, len(value), MaxSecretLen)
	}
	if err := l.enter(); err != nil {
		return err
	}
	defer l.leave()
	if err := l.guard(func() error { return l.db.Set(secretKey(subject), value, pebble.Sync) }); err != nil {
		return fmt.Errorf("ledger: put secret %q: %w", subject, err)
	}
	return nil
}

// GetSecret returns a copy of subject's value (ErrNotFound).
func (l *Ledger) GetSecret(subject string) ([]byte, error) {
	if err := l.enter(); err != nil {
		return nil, err
	}
	defer l.leave()
	v, closer, err := l.db.Get(secretKey(subject))
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, fmt.Errorf("secret %q: %w", subject, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: get secret %q: %w", subject, err)
	}
	defer closer.Close()
	return bytes.Clone(v), nil
}

// DeleteSecret deletes subject's value and purges it from disk: it writes a durable
// tombstone, flushes the memtable (so the write-ahead log that held the value becomes
// obsolete; Pebble is configured never to recycle log files), compacts the secret's key
// range into the bottom level (so no sstable keeps the value or the tombstone), and waits
// until Pebble has deleted every obsolete file. Iterators that are open at the time
// (scans in progress) pin the files they read, and Pebble snapshots (held by Verify and
// Export while they run) pin old values: DeleteSecret waits for both, until ctx ends. If ctx ends first, the value is deleted (no read returns it) but may still be
// on disk until the purge completes in the background; ctx.Err() is returned.
// Deleting a subject that has no value is not an error.
func (l *Ledger) DeleteSecret(ctx context.Context, subject string) error {
	if err := validSubject(subject); err != nil {
		return err
	}
	if err := l.enter(); err != nil {
		return err
	}
	defer l.leave()
	key := secretKey(subject)
	if err := l.guard(func() error { return l.db.Delete(key, pebble.Sync) }); err != nil {
		return fmt.Errorf("ledger: delete secret %q: %w", subject, err)
	}
	end := append(bytes.Clone(key), 0)
	// A Pebble snapshot (Verify and Export take one) keeps the old value alive through
	// compactions: purge in a pass that starts and ends with no snapshot open.
	for {
		if err := l.waitNoSnapshots(ctx); err != nil {
			return fmt.Errorf("ledger: delete secret %q: %w", subject, err)
		}
		if err := l.db.Flush(); err != nil {
			return fmt.Errorf("ledger: delete secret %q: flush: %w", subject, err)
		}
		if err := l.db.Compact(ctx, key, end, false); err != nil {
			return fmt.Errorf("ledger: delete secret %q: compact: %w", subject, err)
		}
		if l.db.Metrics().Snapshots.Count == 0 {
			break
		}
	}
	if err := l.waitObsoleteGone(ctx); err != nil {
		return fmt.Errorf("ledger: delete secret %q: %w", subject, err)
	}
	return nil
}

// waitNoSnapshots waits until no Pebble snapshot is open.
func (l *Ledger) waitNoSnapshots(ctx context.Context) error {
	return l.poll(ctx, "open snapshots", func(m *pebble.Metrics) bool { return m.Snapshots.Count == 0 })
}

// waitObsoleteGone waits until no obsolete or zombie table or blob file and no
// obsolete log file remains (zombies are files still read by open iterators).
func (l *Ledger) waitObsoleteGone(ctx context.Context) error {
	// Pebble counts a table as obsolete until its deletion job has run, but an obsolete
	// log file leaves its count as soon as the job is queued: for logs, compare the
	// *.log files in the directory with the number of live ones.
	return l.poll(ctx, "obsolete files", func(m *pebble.Metrics) bool {
		return m.Table.ObsoleteCount == 0 && m.Table.ZombieCount == 0 &&
			m.BlobFiles.ObsoleteCount == 0 && m.BlobFiles.ZombieCount == 0 &&
			m.WAL.ObsoleteFiles == 0 && l.logFiles() <= m.WAL.Files
	})
}

// logFiles counts the *.log files in the ledger's directory (a huge number if it cannot
// list it, which makes the caller keep waiting until its context ends).
func (l *Ledger) logFiles() int64 {
	names, err := l.opts.FS.List(l.dir)
	if err != nil {
		return 1 << 62
	}
	var n int64
	for _, name := range names {
		if strings.HasSuffix(name, ".log") {
			n++
		}
	}
	return n
}

// poll checks Pebble's metrics with a growing delay until ok or ctx ends.
func (l *Ledger) poll(ctx context.Context, what string, ok func(*pebble.Metrics) bool) error {
	delay := time.Millisecond
	for !ok(l.db.Metrics()) {
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		case <-t.C:
		}
		delay = min(2*delay, 100*time.Millisecond)
	}
	return nil
}
