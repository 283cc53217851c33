package ledger_test

import (
	"bytes"
	"errors"
	"io"
	"log"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/punchledger/punchledger/ledger"
)

func TestOptionsDefaultsAndValidate(t *testing.T) {
	o := (*ledger.Options)(nil).EnsureDefaults()
	if o.Now == nil || o.Rand == nil || o.Logger == nil || o.FS == nil || o.NoSync ||
		o.CacheSize != ledger.DefaultCacheSize || o.MemTableSize != ledger.DefaultMemTableSize || o.MaxGroupEvents != ledger.DefaultMaxGroupEvents {
		t.Fatalf("defaults %+v", o)
	}
	mustf(t, o.Validate(), "validate defaults")
	for name, mod := range map[string]func(*ledger.Options){
		"TinyMemTable":     func(o *ledger.Options) { o.MemTableSize = 1000 },
		"HugeMemTable":     func(o *ledger.Options) { o.MemTableSize = 8 << 30 },
		"NegativeCache":    func(o *ledger.Options) { o.CacheSize = -1 },
		"NegativeMaxGroup": func(o *ledger.Options) { o.MaxGroupEvents = -1 },
	} {
		t.Run(name, func(t *testing.T) {
			o := memOptions(nil)
			mod(o)
			if _, err := ledger.Open("db", o); !errors.Is(err, ledger.ErrInvalid) {
				t.Fatalf("want ErrInvalid, got %v", err)
			}
		})
	}
}

// Pebble's own log lines go to Options.Logger, and nowhere else by default.
func TestLogger(t *testing.T) {
	var buf bytes.Buffer
	o := memOptions(nil)
	o.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	l, err := ledger.Open("db", o)
	mustf(t, err, "open")
	l.Close()
	if !strings.Contains(buf.String(), "component=pebble") {
		t.Fatalf("no pebble lines in the logger:\n%s", buf.String())
	}

	// Default: quiet. Capture the process's stderr around an Open/Close.
	r, w, err := os.Pipe()
	mustf(t, err, "pipe")
	saved := os.Stderr
	os.Stderr = w
	log.SetOutput(w) // Pebble's default logger writes through the standard log package
	l, err = ledger.Open("db2", &ledger.Options{FS: vfs.NewMem()})
	if err == nil {
		l.Close()
	}
	os.Stderr = saved
	log.SetOutput(saved)
	w.Close()
	out, _ := io.ReadAll(r)
	mustf(t, err, "open with defaults")
	if len(out) > 0 {
		t.Fatalf("default Open wrote to stderr: %q", out)
	}
}
