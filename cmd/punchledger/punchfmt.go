package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

// punchLine is one punch as JSON: a line of a sync file, or what 'punch' builds from its
// flags. The format is documented in the README ("Sync file").
type punchLine struct {
	ID        string   `json:"id,omitempty"`       // 32 hex, chosen by the device at punch time (required in sync files)
	Employee  string   `json:"employee,omitempty"` // default: --employee
	Device    string   `json:"device,omitempty"`   // default: --device
	Kind      string   `json:"kind"`               // "in" or "out"
	Source    string   `json:"source,omitempty"`   // app (default), web, kiosk, biometric
	At        string   `json:"at"`                 // device clock at the punch, RFC 3339
	Lat       *float64 `json:"lat,omitempty"`      // location fix, degrees WGS-84
	Lon       *float64 `json:"lon,omitempty"`
	Accuracy  float64  `json:"accuracy_m,omitempty"` // fix accuracy radius, metres
	Provider  string   `json:"provider,omitempty"`   // gps, network, fused
	Mock      bool     `json:"mock,omitempty"`       // the OS flagged the fix as mocked
	FixAt     string   `json:"fix_at,omitempty"`     // when the fix was taken (default: at)
	BSSID     string   `json:"bssid,omitempty"`      // Wi-Fi access point aa:bb:cc:dd:ee:ff
	SSID      string   `json:"ssid,omitempty"`
	IP        string   `json:"ip,omitempty"`        // client address as the server saw it
	Factors   []string `json:"factors,omitempty"`   // verification factors: pin, face, fingerprint
	Signature string   `json:"signature,omitempty"` // base64 Ed25519 signature over attendance.SigningBytes
}

var sources = map[string]attendance.Source{
	"": attendance.SourceApp, "app": attendance.SourceApp, "web": attendance.SourceWeb,
	"kiosk": attendance.SourceKiosk, "biometric": attendance.SourceBiometric,
}

// input converts a punch line into the library's PunchInput. A sign key, if given, signs
// an unsigned punch on behalf of the device.
func (p *punchLine) input(employee string, sign ed25519.PrivateKey) (attendance.PunchInput, error) {
	var in attendance.PunchInput
	if p.ID != "" {
		id, err := ledger.ParseID(p.ID)
		if err != nil {
			return in, fmt.Errorf("id %q: want 32 hex characters", p.ID)
		}
		in.ID = id
	}
	kind, ok := rules.ParsePunchKind(p.Kind)
	if !ok || kind == rules.KindUnknown {
		return in, fmt.Errorf("kind %q: want in or out", p.Kind)
	}
	in.Kind = kind
	src, ok := sources[p.Source]
	if !ok {
		return in, fmt.Errorf("source %q: want app, web, kiosk or biometric", p.Source)
	}
	in.Source = src
	at, err := time.Parse(time.RFC3339Nano, p.At)
	if err != nil {
		return in, fmt.Errorf("at %q: want an RFC 3339 time", p.At)
	}
	in.At = at.UTC()
	in.DeviceID = p.Device
	if (p.Lat == nil) != (p.Lon == nil) {
		return in, fmt.Errorf("lat and lon go together")
	}
	if p.Lat != nil {
		loc := &attendance.Location{Lat: *p.Lat, Lon: *p.Lon, Accuracy: p.Accuracy, Provider: p.Provider, Mock: p.Mock}
		if p.FixAt != "" {
			t, err := time.Parse(time.RFC3339Nano, p.FixAt)
			if err != nil {
				return in, fmt.Errorf("fix_at %q: want an RFC 3339 time", p.FixAt)
			}
			loc.At = t.UTC()
		}
		in.Location = loc
	} else if p.Accuracy != 0 || p.Provider != "" || p.Mock || p.FixAt != "" {
		return in, fmt.Errorf("accuracy_m, provider, mock and fix_at need lat and lon")
	}
	in.BSSID, in.SSID = strings.ToLower(p.BSSID), p.SSID
	if p.IP != "" {
		ip, err := netip.ParseAddr(p.IP)
		if err != nil {
			return in, fmt.Errorf("ip %q: not an IP address", p.IP)
		}
		in.IP = ip
	}
	in.Factors = p.Factors
	if p.Signature != "" {
		sig, err := base64.StdEncoding.DecodeString(p.Signature)
		if err != nil {
			return in, fmt.Errorf("signature: not base64")
		}
		in.Signature = sig
	} else if sign != nil {
		in.Signature = ed25519.Sign(sign, attendance.SigningBytes(employee, &in))
	}
	return in, nil
}

type findingJSON struct {
	Code   string `json:"code"`
	Clause string `json:"clause,omitempty"`
	Detail string `json:"detail,omitempty"`
}

func toFindingsJSON(fs []attendance.Finding) []findingJSON {
	out := make([]findingJSON, 0, len(fs))
	for _, f := range fs {
		out = append(out, findingJSON{Code: f.Code, Clause: f.Clause, Detail: f.Detail})
	}
	return out
}
