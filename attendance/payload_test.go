package attendance_test

import (
	"bytes"
	"encoding/hex"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
	"github.com/vmihailenco/msgpack/v5"
)

var update = flag.Bool("update", false, "rewrite testdata/golden")

func id16(b byte) (id [16]byte) {
	for i := range id {
		id[i] = b + byte(i)
	}
	return id
}

// samplePayloads returns one filled-in value of every payload type, in a fixed order.
func samplePayloads() []ledger.Payload {
	t := time.Date(2026, 3, 9, 8, 58, 12, 345000000, time.UTC).UnixNano()
	sealed := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29}
	var sum [32]byte
	copy(sum[:], bytes.Repeat([]byte{0xab}, 32))
	return []ledger.Payload{
		&attendance.EmployeeRegistered{EmployeeID: "E1001", ManagerID: "M7", Site: "HQ", PolicyID: "default", TimeZone: "Europe/Berlin", JoinedOn: "2025-01-01", Sealed: sealed},
		&attendance.EmployeeUpdated{EmployeeID: "E1001", ManagerID: "M8", Site: "HQ", PolicyID: "default", JoinedOn: "2025-01-01", LeftOn: "2026-12-31"},
		&attendance.RoleGranted{Principal: "A1", Role: "admin", Bootstrap: true},
		&attendance.RoleRevoked{Principal: "H1", Role: "hr"},
		&attendance.DeviceBound{DeviceID: "phone-1", PublicKey: bytes.Repeat([]byte{7}, 32), RequestID: id16(1), Sealed: sealed},
		&attendance.DeviceUnbound{DeviceID: "phone-1", Reason: "broken", RequestID: id16(1)},
		&attendance.DeviceRebindRequested{OldDeviceID: "phone-1", NewDeviceID: "phone-2", Reason: "broken", Sealed: sealed},
		&attendance.DeviceRebindRejected{RequestID: id16(2), Reason: "not_approved"},
		&attendance.PunchRecorded{
			Kind: rules.KindIn, Source: attendance.SourceApp, DeviceID: "phone-1",
			DeviceAt: t, ReceivedAt: t + 3e9, UploadDeviceAt: t + 3600e9, Offline: true,
			Factors: []string{"face", "pin"}, DeviceBound: true, Signature: attendance.SignatureValid,
			Fence: attendance.FenceOutside, Zone: "HQ", Distance: 350, Accuracy: 12, Provider: "gps",
			WiFi: attendance.MatchOther, IP: attendance.MatchAllowed, PolicyID: "default", PolicyVersion: 3,
			Privacy: "coarse", Outcome: rules.OutcomeFlag,
			Findings: []attendance.Finding{{Code: "outside_fence", Clause: "remote.zones", Detail: "350 m outside HQ"}},
			Sealed:   sealed,
		},
		&attendance.PunchVoided{PunchID: id16(3), Reason: "duplicate"},
		&attendance.CorrectionRequested{Day: "2026-03-09", Kind: "missing_in", PunchKind: uint8(rules.KindIn), At: t, Evidence: []attendance.EvidenceRef{{SHA256: sum, MediaType: "image/jpeg", Size: 123456}}, Sealed: sealed},
		&attendance.CorrectionApproved{RequestID: id16(4), Stage: "manager", Final: true, Sealed: sealed},
		&attendance.CorrectionRejected{RequestID: id16(4), Stage: "hr"},
		&attendance.CorrectionWithdrawn{RequestID: id16(4)},
		&attendance.PolicyPublished{PolicyID: "default", Version: 3, EffectiveFrom: "2026-03-01", Policy: []byte{0x80}},
		&attendance.ShiftAssigned{From: "2026-03-01", To: "2026-03-31", Shift: "early"},
		&attendance.LeaveRecorded{From: "2026-03-10", To: "2026-03-12", Kind: "vacation", Sealed: sealed},
		&attendance.PayPeriodClosed{PolicyID: "default", From: "2026-03-01", To: "2026-03-31"},
		&attendance.WorkLocationReported{Kind: "home", Sealed: sealed},
		&attendance.WorkLocationApproved{RequestID: id16(5)},
		&attendance.WorkLocationRejected{RequestID: id16(5), Reason: "too_far"},
		&attendance.SubjectErased{Reason: "request"},
	}
}

// checkGolden compares data with testdata/golden/<name>.hex (written first with
// -update).
func checkGolden(t *testing.T, name string, data []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".hex")
	if *update {
		if err := os.WriteFile(path, []byte(hex.EncodeToString(data)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got := hex.EncodeToString(data); got != strings.TrimSpace(string(want)) {
		t.Fatalf("bytes changed:\n got %s\nwant %s", got, want)
	}
}

// TestGolden pins the bytes of every payload type: a change of encoding is a new schema
// version, never an edit. Regenerate with -update and review the diff.
func TestGolden(t *testing.T) {
	reg := attendance.Registry()
	seen := map[string]bool{}
	for _, p := range samplePayloads() {
		name := p.EventType()
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			data, err := ledger.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, name, data)
			// Decode through the registry, as projections do, and compare.
			e := ledger.Event{Type: p.EventType(), Schema: p.SchemaVersion(), Data: data}
			back, err := reg.Decode(&e)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, p) {
				t.Fatalf("round trip:\n got %#v\nwant %#v", back, p)
			}
		})
	}
	if len(seen) != 22 {
		t.Fatalf("%d payload types sampled, want every one of the 22", len(seen))
	}
}

func TestDecodeStrict(t *testing.T) {
	reg := attendance.Registry()
	for _, p := range samplePayloads() {
		data, err := ledger.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		for name, bad := range map[string][]byte{
			"trailing":  append(bytes.Clone(data), 0xc0),
			"truncated": data[:len(data)-1],
			"empty":     nil,
		} {
			e := ledger.Event{Type: p.EventType(), Schema: 1, Data: bad}
			if _, err := reg.Decode(&e); err == nil {
				t.Errorf("%s %s: decoded", p.EventType(), name)
			}
		}
	}
	// An int64 written as a small positive fixint is not canonical for a punch time.
	var pr attendance.PunchRecorded
	if err := pr.UnmarshalBinary(mustHex(t, "98010101")); err == nil {
		t.Fatal("non-canonical punch decoded")
	}
}

func mustHex(t *testing.T, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGoldenSealed pins the plaintext forms that are sealed inside payloads: a sealed
// value written today must open and decode in every later version.
func TestGoldenSealed(t *testing.T) {
	for name, v := range map[string]any{
		"sealed.personal":     &attendance.Personal{Name: "Erika Mustermann", Email: "erika@example.com", Phone: "+49 30 1234567"},
		"sealed.device":       &attendance.DeviceDetails{Model: "Fairphone 5", OS: "Android 15", App: "2.3.1"},
		"sealed.worklocation": &attendance.WorkLocation{Label: "home", Address: "Karl-Marx-Allee 93", Lat: 52.517, Lon: 13.43, Radius: 40},
		"sealed.punch": &attendance.PunchEvidence{HasFix: true, Lat: 52.520143, Lon: 13.405127, Accuracy: 12.5, BSSID: "00:11:22:33:44:55",
			SSID: "Office", IP: "10.20.1.2", Model: "Pixel", OS: "Android", App: "1.0", Signature: bytes.Repeat([]byte{9}, 64), Details: []string{"", "outside by 30 m of zone \"HQ\""}},
	} {
		t.Run(name, func(t *testing.T) {
			data, err := msgpack.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, name, data)
			back := reflect.New(reflect.TypeOf(v).Elem()).Interface()
			if err := msgpack.Unmarshal(data, back); err != nil || !reflect.DeepEqual(back, v) {
				t.Fatalf("round trip: %v %#v", err, back)
			}
		})
	}
}
