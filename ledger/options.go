package ledger

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/cockroachdb/pebble/v2/vfs"
)

// Options configure Open. The zero value (or nil) means all defaults; every field's
// comment states its default.
type Options struct {
	// Now is the ledger's clock, read once per commit group for RecordedAt.
	// Default: time.Now (the one place the ledger reads the wall clock).
	Now func() time.Time
	// Rand is the source of event IDs chosen by the ledger. Default: crypto/rand.Reader.
	Rand io.Reader
	// Logger receives the ledger's and Pebble's log lines (Pebble's at Info and Error,
	// with attribute component=pebble). Default: discard everything.
	Logger *slog.Logger
	// NoSync, if true, acknowledges appends before they reach stable storage. A crash
	// (of the process or the machine) then LOSES RECENTLY ACKNOWLEDGED WRITES; the
	// log stays consistent (a prefix survives). Default false: fsync before
	// acknowledging.
	NoSync bool
	// FS is the file system. Default: vfs.Default (the OS). Tests use vfs.NewMem().
	FS vfs.FS
	// CacheSize is Pebble's block cache in bytes. Default 64 MiB.
	CacheSize int64
	// MemTableSize is Pebble's memtable size in bytes. Default 32 MiB.
	MemTableSize uint64
	// MaxGroupEvents caps the events one commit group takes from the queue (a single
	// request larger than this still commits whole). Default 16384.
	MaxGroupEvents int
}

// Defaults applied by EnsureDefaults.
const (
	DefaultCacheSize      = 64 << 20
	DefaultMemTableSize   = 32 << 20
	DefaultMaxGroupEvents = 16384
)

// EnsureDefaults fills zero fields with their defaults and returns o (a new Options if
// o is nil).
func (o *Options) EnsureDefaults() *Options {
	if o == nil {
		o = &Options{}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.FS == nil {
		o.FS = vfs.Default
	}
	if o.CacheSize == 0 {
		o.CacheSize = DefaultCacheSize
	}
	if o.MemTableSize == 0 {
		o.MemTableSize = DefaultMemTableSize
	}
	if o.MaxGroupEvents == 0 {
		o.MaxGroupEvents = DefaultMaxGroupEvents
	}
	return o
}

// Validate checks the fields against each other. Call it after EnsureDefaults.
func (o *Options) Validate() error {
	var problems []string
	if o.CacheSize < 0 {
		problems = append(problems, fmt.Sprintf("CacheSize (%d) must be >= 0", o.CacheSize))
	}
	if o.MemTableSize < 1<<20 || o.MemTableSize >= 4<<30 {
		problems = append(problems, fmt.Sprintf("MemTableSize (%d) must be in [1 MiB, 4 GiB)", o.MemTableSize))
	}
	if o.MaxGroupEvents < 1 {
		problems = append(problems, fmt.Sprintf("MaxGroupEvents (%d) must be >= 1", o.MaxGroupEvents))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: options: %s", ErrInvalid, strings.Join(problems, "; "))
	}
	return nil
}

// PebbleOptions returns the options Open gives Pebble for o (after EnsureDefaults):
// for tools that open a ledger directory with Pebble directly, and for benchmarks whose
// raw-Pebble twin must run on the very same configuration (sstable split policy,
// filters, cleaner, memtable and cache sizes) so that a ratio measures the ledger's
// work, not a difference in tuning. Each call returns a new value; o is not changed.
func (o *Options) PebbleOptions() *pebble.Options {
	var c Options
	if o != nil {
		c = *o
	}
	o = c.EnsureDefaults()
	po := &pebble.Options{
		FS:           o.FS,
		CacheSize:    o.CacheSize,
		MemTableSize: o.MemTableSize,
		Logger:       pebbleLogger{o.Logger},
		// A cleaner that "needs file contents" turns off WAL recycling, so that a
		// deleted secret's bytes do not live on in a recycled log file (see DeleteSecret).
		Cleaner: deleteCleaner{},
	}
	// Bloom filters (10 bits per key, all levels) make point lookups of absent keys —
	// new event IDs, Lookup misses — cheap: no index or data block read.
	po.Levels[0].FilterPolicy = bloom.FilterPolicy(10)
	po.Experimental.SpanPolicyFunc = prefixSpans
	el := pebble.MakeLoggingEventListener(pebbleLogger{o.Logger})
	po.EventListener = &el
	return po
}

// pebbleLogger adapts *slog.Logger to pebble.Logger.
type pebbleLogger struct{ l *slog.Logger }

func (p pebbleLogger) Infof(format string, args ...any) {
	if p.l.Enabled(context.Background(), slog.LevelInfo) {
		p.l.Info(strings.TrimSpace(fmt.Sprintf(format, args...)), "component", "pebble")
	}
}

func (p pebbleLogger) Errorf(format string, args ...any) {
	p.l.Error(strings.TrimSpace(fmt.Sprintf(format, args...)), "component", "pebble")
}

// Fatalf logs and panics: Pebble calls it on invariant violations it cannot continue from.
func (p pebbleLogger) Fatalf(format string, args ...any) {
	msg := strings.TrimSpace(fmt.Sprintf(format, args...))
	p.l.Error(msg, "component", "pebble", "fatal", true)
	panic(errors.New("pebble: " + msg))
}

// deleteCleaner deletes obsolete files (its Clean is pebble.DeleteCleaner's, promoted
// from depth 1), but carries pebble.ArchiveCleaner's marker of a cleaner that needs file
// contents (promoted from depth 2), which stops Pebble from recycling WAL files. So a
// deleted secret's bytes do not live on in the tail of a recycled log file (see
// DeleteSecret). Cost: each new WAL is a new file rather than a reused one.
type deleteCleaner struct {
	pebble.DeleteCleaner
	noRecycle
}

type noRecycle struct{ pebble.ArchiveCleaner }

// prefixSpans ends every flushed or compacted sstable at a key-prefix boundary, so that
// each table holds keys of one prefix only. The ledger appends to several ranges at
// once (events, ID index, stream runs, tree hashes), and the event and tree ranges grow
// at their ends: a table spanning all of them would overlap the next flush's table and
// every compaction would have to rewrite both; per-prefix tables of an append-only range
// do not overlap, so Pebble moves them down the levels instead of rewriting them.
func prefixSpans(start []byte) (pebble.SpanPolicy, []byte, error) {
	if len(start) == 0 || start[0] == 0xff {
		return pebble.SpanPolicy{}, nil, nil
	}
	return pebble.SpanPolicy{}, []byte{start[0] + 1}, nil
}
