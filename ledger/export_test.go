package ledger_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"golang.org/x/mod/sumdb/note"

	"github.com/punchledger/punchledger/ledger"
)

// exportOf appends n events to a fresh ledger and exports it.
func exportOf(t testing.TB, n int, opts ledger.ExportOptions) (*ledger.Ledger, []byte, ledger.TreeHead) {
	t.Helper()
	l := openMem(t)
	appendN(t, l, "e", n)
	var buf bytes.Buffer
	th, err := l.Export(context.Background(), &buf, opts)
	mustf(t, err, "export")
	if got := l.TreeHead(); th != got {
		t.Fatalf("Export head %v, TreeHead %v", th, got)
	}
	return l, buf.Bytes(), th
}

// allEvents returns copies of every event.
func allEvents(t testing.TB, l *ledger.Ledger) []ledger.Event {
	t.Helper()
	var out []ledger.Event
	err := l.Scan(context.Background(), 1, 0, func(e *ledger.Event) error {
		c := *e
		c.Data = bytes.Clone(e.Data)
		out = append(out, c)
		return nil
	})
	mustf(t, err, "scan")
	return out
}

// TestExportImport is acceptance 7: Export → Import into an empty directory gives the
// same root and the same events, and the imported ledger works on.
func TestExportImport(t *testing.T) {
	ctx := context.Background()
	signer, verifiers := logKeys(t, "punchledger.test/log", 1)
	src, data, th := exportOf(t, 250, ledger.ExportOptions{Signer: signer})

	got, err := ledger.VerifyExport(bytes.NewReader(data), verifiers)
	mustf(t, err, "verify export")
	if got != th {
		t.Fatalf("VerifyExport head %v, want %v", got, th)
	}

	fs := vfs.NewMem()
	mustf(t, fs.MkdirAll("imported", 0o755), "mkdir")
	ith, err := ledger.Import(ctx, "imported", bytes.NewReader(data), memOptions(fs))
	mustf(t, err, "import")
	if ith != th {
		t.Fatalf("Import head %v, want %v", ith, th)
	}
	dst, err := ledger.Open("imported", memOptions(fs))
	mustf(t, err, "open imported")
	defer dst.Close()
	if got := dst.TreeHead(); got != th {
		t.Fatalf("imported TreeHead %v, want %v", got, th)
	}
	mustf(t, dst.Verify(ctx), "verify imported")
	want, have := allEvents(t, src), allEvents(t, dst)
	if len(want) != len(have) {
		t.Fatalf("imported %d events, want %d", len(have), len(want))
	}
	for i := range want {
		if !bytes.Equal(ledger.EncodeEvent(&want[i]), ledger.EncodeEvent(&have[i])) || !want[i].RecordedAt.Equal(have[i].RecordedAt) {
			t.Fatalf("event %d differs:\n got %+v\nwant %+v", i+1, have[i], want[i])
		}
	}
	// The indexes came along: lookups by ID and stream versions work, and the next
	// append continues the chain and the stream.
	e, err := dst.Lookup(want[99].ID)
	mustf(t, err, "lookup")
	if e.Seq != 100 {
		t.Fatalf("Lookup seq %d, want 100", e.Seq)
	}
	v, err := dst.StreamVersion(want[0].Stream)
	mustf(t, err, "stream version")
	srcV, err := src.StreamVersion(want[0].Stream)
	mustf(t, err, "stream version")
	if v != srcV {
		t.Fatalf("imported stream version %d, want %d", v, srcV)
	}
	res, err := dst.Append(ctx, want[0].Stream, ledger.ExactVersion(v), punch("after-import"))
	mustf(t, err, "append after import")
	if res.FirstSeq != th.Size+1 {
		t.Fatalf("append after import at seq %d, want %d", res.FirstSeq, th.Size+1)
	}
	p, err := dst.ProveConsistency(th.Size, 0)
	mustf(t, err, "prove")
	mustf(t, ledger.VerifyConsistency(p, th, dst.TreeHead()), "consistency after import")

	t.Run("AcrossReadChunks", func(t *testing.T) {
		// Export reads in chunks of 4,096 events with fresh iterators.
		_, data, th := exportOf(t, 4100, ledger.ExportOptions{Signer: signer})
		got, err := ledger.VerifyExport(bytes.NewReader(data), verifiers)
		mustf(t, err, "verify export")
		ith, err := ledger.Import(ctx, "big", bytes.NewReader(data), memOptions(vfs.NewMem()))
		mustf(t, err, "import")
		if got != th || ith != th {
			t.Fatalf("heads %v (verify) and %v (import), want %v", got, ith, th)
		}
	})
	t.Run("EmptyLedger", func(t *testing.T) {
		l := openMem(t)
		var buf bytes.Buffer
		th, err := l.Export(ctx, &buf, ledger.ExportOptions{})
		mustf(t, err, "export")
		ith, err := ledger.Import(ctx, "empty", bytes.NewReader(buf.Bytes()), memOptions(vfs.NewMem()))
		mustf(t, err, "import")
		if ith != th || th.Size != 0 {
			t.Fatalf("heads %v and %v, want the empty tree", ith, th)
		}
	})
	t.Run("ErrInvalid/DirNotEmpty", func(t *testing.T) {
		fs := vfs.NewMem()
		mustf(t, fs.MkdirAll("full", 0o755), "mkdir")
		f, err := fs.Create("full/file", vfs.WriteCategoryUnspecified)
		mustf(t, err, "create")
		f.Close()
		if _, err := ledger.Import(ctx, "full", bytes.NewReader(data), memOptions(fs)); !errors.Is(err, ledger.ErrInvalid) {
			t.Fatalf("Import into a non-empty dir: %v, want ErrInvalid", err)
		}
	})
}

// reframe rewrites one record of an export with a new body and a valid CRC-32C, as a
// forger who knows the format would (see ledger/internal/archive).
func reframe(t testing.TB, data []byte, record int, edit func(body []byte)) []byte {
	t.Helper()
	off := 10
	for i := 1; ; i++ {
		size := int(binary.BigEndian.Uint32(data[off+1:]))
		if i == record {
			out := bytes.Clone(data)
			edit(out[off+5 : off+5+size])
			crc := crc32.Checksum(out[off:off+5+size], crc32.MakeTable(crc32.Castagnoli))
			binary.BigEndian.PutUint32(out[off+5+size:], crc)
			return out
		}
		off += 5 + size + 4
	}
}

// TestExportRefused is acceptance 7's other half: an altered or truncated export is
// refused by VerifyExport and by Import, which names the record and leaves nothing.
func TestExportRefused(t *testing.T) {
	ctx := context.Background()
	signer, verifiers := logKeys(t, "punchledger.test/log", 1)
	_, otherVerifiers := logKeys(t, "punchledger.test/log", 2)
	_, data, _ := exportOf(t, 40, ledger.ExportOptions{Signer: signer})
	_, unsigned, _ := exportOf(t, 40, ledger.ExportOptions{})

	flipped := bytes.Clone(data)
	flipped[len(data)/2] ^= 0x04
	dataByte := reframe(t, data, 17, func(b []byte) { b[len(b)-40] ^= 1 })
	hashByte := reframe(t, data, 17, func(b []byte) { b[len(b)-1] ^= 1 })
	for _, tc := range []struct {
		name      string
		data      []byte
		verifiers note.Verifiers
		want      error
		record    uint64 // 0: any
		truncated bool
		importOK  bool // Import checks no signature
	}{
		{"FlippedByte", flipped, verifiers, ledger.ErrBadExport, 0, false, false},
		{"AlteredEventRecomputedCRC", dataByte, verifiers, ledger.ErrBadExport, 17, false, false},
		{"AlteredHashRecomputedCRC", hashByte, verifiers, ledger.ErrBadExport, 17, false, false},
		{"Truncated", data[:len(data)*2/3], verifiers, ledger.ErrBadExport, 0, true, false},
		{"TruncatedAtRecord", data[:10], verifiers, ledger.ErrBadExport, 1, true, false},
		{"Empty", nil, verifiers, ledger.ErrBadExport, 0, true, false},
		{"NotAnExport", []byte("PK\x03\x04 some zip file"), verifiers, ledger.ErrBadExport, 0, false, false},
		{"UnknownSigner", data, otherVerifiers, ledger.ErrBadSignature, 0, false, true},
		{"Unsigned", unsigned, verifiers, ledger.ErrBadExport, 41, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ledger.VerifyExport(bytes.NewReader(tc.data), tc.verifiers)
			if !errors.Is(err, tc.want) {
				t.Fatalf("VerifyExport err = %v, want %v", err, tc.want)
			}
			var ee *ledger.ExportError
			if errors.As(err, &ee) {
				if tc.record != 0 && ee.Record != tc.record {
					t.Fatalf("VerifyExport names record %d (%v), want %d", ee.Record, err, tc.record)
				}
				if ee.Truncated != tc.truncated {
					t.Fatalf("VerifyExport Truncated = %v (%v), want %v", ee.Truncated, err, tc.truncated)
				}
			}
			if tc.importOK {
				return
			}
			fs := vfs.NewMem()
			_, err = ledger.Import(ctx, "db", bytes.NewReader(tc.data), memOptions(fs))
			if !errors.Is(err, ledger.ErrBadExport) {
				t.Fatalf("Import err = %v, want ErrBadExport", err)
			}
			if errors.As(err, &ee) && tc.record != 0 && ee.Record != tc.record {
				t.Fatalf("Import names record %d (%v), want %d", ee.Record, err, tc.record)
			}
			if names, err := fs.List("db"); err == nil && len(names) > 0 {
				t.Fatalf("Import left %v behind", names)
			}
		})
	}
	t.Run("FailureKeepsEmptyDir", func(t *testing.T) {
		// An existing empty directory is left existing and empty.
		dir := t.TempDir()
		_, err := ledger.Import(ctx, dir, bytes.NewReader(dataByte), memOptions(vfs.Default))
		if !errors.Is(err, ledger.ErrBadExport) {
			t.Fatalf("Import err = %v, want ErrBadExport", err)
		}
		names, err := vfs.Default.List(dir)
		mustf(t, err, "list")
		if len(names) != 0 {
			t.Fatalf("Import left %v behind", names)
		}
	})
	t.Run("EveryByteFlipped", func(t *testing.T) {
		_, small, _ := exportOf(t, 3, ledger.ExportOptions{Signer: signer})
		for i := range small {
			bad := bytes.Clone(small)
			bad[i] ^= 0x10
			if _, err := ledger.VerifyExport(bytes.NewReader(bad), verifiers); err == nil {
				t.Fatalf("byte %d flipped: VerifyExport accepted it", i)
			}
		}
	})
}

// TestRedactedExport: a redacted export withholds the chosen events' data, still
// verifies its tree and checkpoint, and cannot be imported.
func TestRedactedExport(t *testing.T) {
	signer, verifiers := logKeys(t, "punchledger.test/log", 1)
	secret := func(e *ledger.Event) bool { return strings.HasSuffix(e.Stream, "e3") }
	l, data, th := exportOf(t, 60, ledger.ExportOptions{Signer: signer, Redact: secret})
	redacted := 0
	events := allEvents(t, l)
	for _, e := range events {
		if !secret(&e) {
			if !bytes.Contains(data, e.Data) {
				t.Fatalf("event %d's data %q is missing from the export", e.Seq, e.Data)
			}
			continue
		}
		redacted++
		// Data may occur inside a longer kept payload ("e-3" in "e-30"), never alone.
		inKept := 0
		for _, k := range events {
			if !secret(&k) && bytes.Contains(k.Data, e.Data) {
				inKept += bytes.Count(k.Data, e.Data)
			}
		}
		if got := bytes.Count(data, e.Data); got != inKept {
			t.Fatalf("redacted event %d's data %q occurs %d times in the export, %d in kept events", e.Seq, e.Data, got, inKept)
		}
	}
	if redacted == 0 {
		t.Fatal("no event was redacted")
	}
	got, err := ledger.VerifyExport(bytes.NewReader(data), verifiers)
	mustf(t, err, "verify redacted export")
	if got != th {
		t.Fatalf("VerifyExport head %v, want %v", got, th)
	}
	_, err = ledger.Import(context.Background(), "db", bytes.NewReader(data), memOptions(vfs.NewMem()))
	var ee *ledger.ExportError
	if !errors.As(err, &ee) {
		t.Fatalf("Import of a redacted export: %v, want *ExportError", err)
	}
	// A redacted record's leaf hash is what ties it to the tree: change it and the
	// file no longer matches its trailer.
	var seq int
	for _, e := range allEvents(t, l) {
		if secret(&e) {
			seq = int(e.Seq)
			break
		}
	}
	forged := reframe(t, data, seq, func(b []byte) { b[0] ^= 1 })
	if _, err := ledger.VerifyExport(bytes.NewReader(forged), verifiers); !errors.Is(err, ledger.ErrBadExport) {
		t.Fatalf("forged leaf hash: %v, want ErrBadExport", err)
	}
}

// FuzzReadExport: reading arbitrary bytes as an export never panics, and anything
// accepted has a consistent head.
func FuzzReadExport(f *testing.F) {
	for _, n := range []int{0, 1, 5} {
		_, data, _ := exportOf(f, n, ledger.ExportOptions{})
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		th, err := ledger.VerifyExport(bytes.NewReader(data), nil)
		if err != nil {
			return
		}
		if th.Size == 0 && th.Root != rfc6962Root(nil) {
			t.Fatalf("empty export with root %v", th.Root)
		}
		_ = fmt.Sprint(th)
	})
}

// exportBenchEvents is the log size of the export benchmarks.
const exportBenchEvents = 100_000

// BenchmarkExport measures Export (unsigned, to io.Discard): events/s.
func BenchmarkExport(b *testing.B) {
	l, _ := benchLedger(b, exportBenchEvents)
	ctx := context.Background()
	for b.Loop() {
		if _, err := l.Export(ctx, io.Discard, ledger.ExportOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(exportBenchEvents)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkExportRawPebble is Export's twin: iterate the same event values and write
// them to io.Discard.
func BenchmarkExportRawPebble(b *testing.B) {
	l, dir := benchLedger(b, exportBenchEvents)
	mustf(b, l.Close(), "close")
	db, err := pebble.Open(dir, &pebble.Options{Logger: quietPebble{b}, CacheSize: 256 << 20})
	mustf(b, err, "open raw")
	defer db.Close()
	for b.Loop() {
		it, err := db.NewIter(&pebble.IterOptions{LowerBound: []byte{'e'}, UpperBound: []byte{'f'}})
		mustf(b, err, "iter")
		for it.First(); it.Valid(); it.Next() {
			io.Discard.Write(it.Value())
		}
		mustf(b, it.Close(), "close iter")
	}
	b.ReportMetric(float64(exportBenchEvents)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkVerifyExport measures checking an export file with no database: events/s.
func BenchmarkVerifyExport(b *testing.B) {
	l, _ := benchLedger(b, exportBenchEvents)
	var buf bytes.Buffer
	_, err := l.Export(context.Background(), &buf, ledger.ExportOptions{})
	mustf(b, err, "export")
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		if _, err := ledger.VerifyExport(bytes.NewReader(buf.Bytes()), nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(exportBenchEvents)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkImport measures Import into a fresh directory (NoSync): events/s.
func BenchmarkImport(b *testing.B) {
	l, _ := benchLedger(b, exportBenchEvents)
	var buf bytes.Buffer
	_, err := l.Export(context.Background(), &buf, ledger.ExportOptions{})
	mustf(b, err, "export")
	opts := memOptions(vfs.Default)
	opts.NoSync = true
	opts.MemTableSize = 64 << 20
	opts.CacheSize = 256 << 20
	i := 0
	for b.Loop() {
		i++
		if _, err := ledger.Import(context.Background(), filepath.Join(b.TempDir(), fmt.Sprint(i)), bytes.NewReader(buf.Bytes()), opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(exportBenchEvents)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
