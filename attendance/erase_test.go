package attendance_test

import (
	"bytes"
	"errors"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

// grepDir returns the files under dir that contain any of needles, and which.
func grepDir(t *testing.T, dir string, needles map[string][]byte) map[string][]string {
	t.Helper()
	found := map[string][]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // deleted by Pebble while we walk
		}
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		for name, n := range needles {
			if bytes.Contains(b, n) {
				found[name] = append(found[name], filepath.Base(path))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestEraseSubject: personal plaintext never reaches the disk; after EraseSubject no
// file of the Pebble directory holds the employee's data key, the log still verifies
// and decodes, an export shows nothing personal about him, and nothing more can be
// recorded about him.
func TestEraseSubject(t *testing.T) {
	dir := t.TempDir()
	e := newEnvFS(t, vfs.Default, dir)
	e.org()
	personal := map[string][]byte{
		"name":    []byte("Erika Mustermann"),
		"email":   []byte("erika@example.com"),
		"reason":  []byte("train cancelled at Ostkreuz"),
		"note":    []byte("dentist appointment"),
		"address": []byte("Karl-Marx-Allee 93"),
		"bssid":   []byte("aa:bb:cc:dd:ee:f1"),
		"ssid":    []byte("ErikasHomeWiFi"),
		"ip":      []byte("10.99.1.2"),
		"model":   []byte("Fairphone 5"),
	}
	in := punchAt(ledger.ID{}, rules.KindIn, t0)
	in.BSSID, in.SSID, in.IP = "aa:bb:cc:dd:ee:f1", "ErikasHomeWiFi", netip.MustParseAddr("10.99.1.2")
	in.Device = &attendance.DeviceDetails{Model: "Fairphone 5"}
	in.Location = &attendance.Location{Lat: 52.517031, Lon: 13.430112, Accuracy: 12, Provider: "gps"} // at home
	r, err := e.svc.RecordPunch(e.ctx, emp, "E1", in)
	if err != nil {
		t.Fatal(err)
	}
	codes := ""
	for _, f := range r.Findings {
		codes += f.Code + " "
	}
	if !strings.Contains(codes, "wifi_mismatch") {
		t.Fatalf("findings %v", r.Findings) // its detail names the BSSID: must stay sealed
	}
	e.id(e.svc.RequestCorrection(e.ctx, emp, "E1", attendance.CorrectionInput{Day: rules.MustDate("2026-03-09"), Kind: rules.CorrectMissingOut, At: t0.Add(8e9), Reason: "train cancelled at Ostkreuz"}))
	e.id(e.svc.RecordLeave(e.ctx, mgr, "E1", attendance.Leave{From: rules.MustDate("2026-03-10"), To: rules.MustDate("2026-03-10"), Kind: "sick", Note: "dentist appointment"}))
	e.id(e.svc.ReportWorkLocation(e.ctx, emp, "E1", attendance.WorkLocationReport{Kind: "home", Address: "Karl-Marx-Allee 93", Center: pt(52.517, 13.43), RadiusM: 40}))
	if err := e.l.Close(); err != nil { // flush everything to the files
		t.Fatal(err)
	}
	e = reopen(t, dir)

	subject, err := e.svc.KeySubject(e.ctx, "E1")
	if err != nil {
		t.Fatal(err)
	}
	key, err := e.l.GetSecret(subject)
	if err != nil || len(key) != 32 {
		t.Fatalf("data key: %v", err)
	}
	needles := map[string][]byte{"key": key}
	for k, v := range personal {
		needles[k] = v
	}
	// Positive control: the scan does find the key while it exists; and no personal
	// plaintext was ever written.
	found := grepDir(t, dir, needles)
	if len(found["key"]) == 0 {
		t.Fatal("control: the data key is not found in the files before erasure")
	}
	delete(found, "key")
	if len(found) > 0 {
		t.Fatalf("personal plaintext on disk: %v", found)
	}

	before := e.head()
	_, err = e.svc.EraseSubject(e.ctx, emp, "E1", "request")
	e.refused(err, attendance.ErrForbidden, before)
	_, err = e.svc.EraseSubject(e.ctx, mgr, "E1", "request")
	e.refused(err, attendance.ErrForbidden, before)
	e.id(e.svc.EraseSubject(e.ctx, hr, "E1", "request"))

	if found := grepDir(t, dir, needles); len(found) > 0 {
		t.Fatalf("after erasure, found on disk: %v", found)
	}
	if err := e.l.Verify(e.ctx); err != nil {
		t.Fatalf("verify after erasure: %v", err)
	}
	// Every event still decodes; sealed fields just cannot be opened.
	err = e.l.Scan(e.ctx, 1, 0, func(ev *ledger.Event) error {
		_, err := attendance.Decode(ev)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Nothing more is recorded about him.
	before = e.head()
	_, err = e.svc.RecordPunch(e.ctx, emp, "E1", punchAt(ledger.ID{}, rules.KindOut, t0.Add(8e9)))
	e.refused(err, attendance.ErrErased, before)
	_, err = e.svc.UpdateEmployee(e.ctx, hr, attendance.Employee{ID: "E1", PolicyID: "default"})
	e.refused(err, attendance.ErrErased, before)
	// His access document shows the erasure and no personal data.
	doc, err := e.svc.AccessRequest(e.ctx, hr, "E1")
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range needles {
		if bytes.Contains(doc, v) {
			t.Fatalf("access document shows %s", k)
		}
	}
	if !bytes.Contains(doc, []byte(`"erased": true`)) {
		t.Fatalf("access document: %s", doc)
	}
	// Even an export with personal fields shows nothing of him, and still verifies.
	var buf bytes.Buffer
	th, err := e.svc.Export(e.ctx, admin, &buf, attendance.ExportOptions{Personal: true})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range needles {
		if bytes.Contains(buf.Bytes(), v) {
			t.Fatalf("export shows %s", k)
		}
	}
	got, err := ledger.VerifyExport(bytes.NewReader(buf.Bytes()), nil)
	if err != nil || got != th {
		t.Fatalf("verify export: %v %v %v", got, th, err)
	}
	// The other employees' sealed data is still readable.
	v, err := e.svc.Employee(e.ctx, hr, "E2")
	if err != nil || v.Personal == nil || v.Personal.Name != "Emil Second" {
		t.Fatalf("E2: %+v %v", v, err)
	}
	if _, err := e.svc.EraseSubject(e.ctx, hr, "E1", "request"); err != nil {
		t.Fatalf("erasing again: %v", err)
	}
	if !errors.Is(e.svc.CanRead(e.ctx, auditor, "E1"), nil) {
		t.Fatal("auditor cannot read the erased employee's (non-personal) records")
	}
}

func reopen(t *testing.T, dir string) *env {
	t.Helper()
	return newEnvFS(t, vfs.Default, dir)
}
