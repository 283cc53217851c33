package attendance

import (
	"fmt"

	"github.com/punchledger/punchledger/internal/msgpwire"
	"github.com/punchledger/punchledger/rules"

	"github.com/vmihailenco/msgpack/v5"
)

// Source is where a punch was made. Persisted; never renumber.
type Source uint8

const (
	SourceApp       Source = 1
	SourceWeb       Source = 2
	SourceKiosk     Source = 3
	SourceBiometric Source = 4
)

func (s Source) String() string {
	switch s {
	case SourceApp:
		return "app"
	case SourceWeb:
		return "web"
	case SourceKiosk:
		return "kiosk"
	case SourceBiometric:
		return "biometric"
	}
	return fmt.Sprintf("Source(%d)", uint8(s))
}

// FenceVerdict is the geofence verdict stored with a punch. Persisted; never renumber.
type FenceVerdict uint8

const (
	FenceNone      FenceVerdict = 0 // no location fix, or no zones to judge against
	FenceInside    FenceVerdict = 1
	FenceOutside   FenceVerdict = 2
	FenceUncertain FenceVerdict = 3
)

// Match is the result of matching a network observation (Wi-Fi BSSID, IP) against the
// policy's allow-list. Persisted; never renumber.
type Match uint8

const (
	MatchNone    Match = 0 // not reported, or no list configured
	MatchAllowed Match = 1
	MatchOther   Match = 2 // reported and not on the list
)

// SignatureState is what became of a punch's device signature. Persisted.
type SignatureState uint8

const (
	SignatureAbsent  SignatureState = 0 // no signature
	SignatureValid   SignatureState = 1
	SignatureInvalid SignatureState = 2 // does not verify with the bound device's key
	SignatureNoKey   SignatureState = 3 // signed, but no public key is bound for the device
)

// Finding is one reason the policy gave for a punch's outcome (rules.Reason): a code
// ("outside_fence", "unbound_device", "clock_skew", ...), the policy clause behind it
// and a detail with figures, free of personal data.
type Finding = rules.Reason

// PunchRecorded (stream employee/<id>) is a punch. The event ID is the punch ID
// (device-generated for offline punches) and OccurredAt is the device time. A punch is
// evidence: it is recorded whatever its findings, and the policy decides later whether
// it counts.
//
// The measurements are plaintext, so projections can apply a policy without the
// personal fields; location, network and device details, and the signature, are in
// Sealed (a sealed PunchEvidence) at the policy's privacy level.
type PunchRecorded struct {
	Kind           rules.PunchKind // stored number: rules' (0 unknown, 1 in, 2 out)
	Source         Source
	DeviceID       string
	DeviceAt       int64 // device clock at the punch (unix ns)
	ReceivedAt     int64 // server clock when the punch arrived
	UploadDeviceAt int64 // device clock at upload (offline punches); 0 online
	Offline        bool
	Factors        []string // verification factors used ("pin", "face", ...), sorted

	DeviceBound   bool           // DeviceID was bound to the employee at record time
	Signature     SignatureState // device signature check
	Fence         FenceVerdict
	Zone          string // nearest zone judged ("" when Fence is FenceNone)
	Distance      int32  // metres to the zone's boundary, negative inside
	Accuracy      int32  // reported accuracy radius, metres (rounded up); 0 without a fix
	Mock          bool   // the OS flagged the location as mocked
	Provider      string // location provider: "gps", "network", "fused", ...
	WiFi          Match
	IP            Match
	PolicyID      string // policy that judged the punch
	PolicyVersion int64
	Privacy       string        // rules.LocationPrivacy applied to Sealed
	Outcome       rules.Outcome // stored number: rules' (1 accept … 4 reject)
	Findings      []Finding

	Sealed []byte // sealed PunchEvidence
}

// PunchEvidence is the personal part of a punch; it only enters the log sealed.
// Coordinates are rounded at the "coarse" privacy level and absent at "verdict".
type PunchEvidence struct {
	_msgpack  struct{} `msgpack:",as_array"`
	HasFix    bool
	Lat       float64
	Lon       float64
	Accuracy  float64
	BSSID     string
	SSID      string
	IP        string
	Model     string
	OS        string
	App       string
	Signature []byte
	// Details are the findings' full details, in the order of PunchRecorded.Findings;
	// the plaintext findings keep a detail only where it cannot carry personal data
	// (see plainDetail).
	Details []string
}

const (
	punchFields   = 24
	findingFields = 3
	maxFactors    = 16
	maxFindings   = 64
)

// AppendBinary appends p's canonical msgpack encoding to b.
func (p *PunchRecorded) AppendBinary(b []byte) ([]byte, error) {
	if len(p.Factors) > maxFactors || len(p.Findings) > maxFindings {
		return nil, fmt.Errorf("attendance: punch with %d factors and %d findings (max %d, %d)", len(p.Factors), len(p.Findings), maxFactors, maxFindings)
	}
	b = msgpwire.AppendArrayLen(b, punchFields)
	b = msgpwire.AppendU8(b, uint8(p.Kind))
	b = msgpwire.AppendU8(b, uint8(p.Source))
	b = msgpwire.AppendStr(b, p.DeviceID)
	b = msgpwire.AppendI64(b, p.DeviceAt)
	b = msgpwire.AppendI64(b, p.ReceivedAt)
	b = msgpwire.AppendI64(b, p.UploadDeviceAt)
	b = msgpwire.AppendBool(b, p.Offline)
	b = msgpwire.AppendArrayLen(b, len(p.Factors))
	for _, f := range p.Factors {
		b = msgpwire.AppendStr(b, f)
	}
	b = msgpwire.AppendBool(b, p.DeviceBound)
	b = msgpwire.AppendU8(b, uint8(p.Signature))
	b = msgpwire.AppendU8(b, uint8(p.Fence))
	b = msgpwire.AppendStr(b, p.Zone)
	b = msgpwire.AppendI32(b, p.Distance)
	b = msgpwire.AppendI32(b, p.Accuracy)
	b = msgpwire.AppendBool(b, p.Mock)
	b = msgpwire.AppendStr(b, p.Provider)
	b = msgpwire.AppendU8(b, uint8(p.WiFi))
	b = msgpwire.AppendU8(b, uint8(p.IP))
	b = msgpwire.AppendStr(b, p.PolicyID)
	b = msgpwire.AppendI64(b, p.PolicyVersion)
	b = msgpwire.AppendStr(b, p.Privacy)
	b = msgpwire.AppendU8(b, uint8(p.Outcome))
	b = msgpwire.AppendArrayLen(b, len(p.Findings))
	for _, f := range p.Findings {
		b = msgpwire.AppendArrayLen(b, findingFields)
		b = msgpwire.AppendStr(b, f.Code)
		b = msgpwire.AppendStr(b, f.Clause)
		b = msgpwire.AppendStr(b, f.Detail)
	}
	b = appendBin(b, p.Sealed)
	return b, nil
}

// UnmarshalBinary decodes exactly the bytes AppendBinary writes; anything else (another
// integer width, trailing bytes, a wrong array length) is an error. It is the fast path
// for projections replaying many punches; Registry().Decode uses it too.
func (p *PunchRecorded) UnmarshalBinary(data []byte) error {
	r := reader{b: data}
	p.decode(&r)
	return r.end("punch.recorded")
}

func (p *PunchRecorded) decode(r *reader) {
	r.array(punchFields, "punch")
	p.Kind = rules.PunchKind(r.u8("kind"))
	p.Source = Source(r.u8("source"))
	p.DeviceID = r.str("device")
	p.DeviceAt = r.i64("device_at")
	p.ReceivedAt = r.i64("received_at")
	p.UploadDeviceAt = r.i64("upload_device_at")
	p.Offline = r.boolean("offline")
	p.Factors = nil
	if n := r.arrayLen("factors", maxFactors); n > 0 {
		p.Factors = make([]string, n)
		for i := range p.Factors {
			p.Factors[i] = r.str("factor")
		}
	}
	p.DeviceBound = r.boolean("device_bound")
	p.Signature = SignatureState(r.u8("signature"))
	p.Fence = FenceVerdict(r.u8("fence"))
	p.Zone = r.str("zone")
	p.Distance = r.i32("distance")
	p.Accuracy = r.i32("accuracy")
	p.Mock = r.boolean("mock")
	p.Provider = r.str("provider")
	p.WiFi = Match(r.u8("wifi"))
	p.IP = Match(r.u8("ip"))
	p.PolicyID = r.str("policy")
	p.PolicyVersion = r.i64("policy_version")
	p.Privacy = r.str("privacy")
	p.Outcome = rules.Outcome(r.u8("outcome"))
	p.Findings = nil
	if n := r.arrayLen("findings", maxFindings); n > 0 {
		p.Findings = make([]Finding, n)
		for i := range p.Findings {
			r.array(findingFields, "finding")
			p.Findings[i] = Finding{Code: r.str("code"), Clause: r.str("clause"), Detail: r.str("detail")}
		}
	}
	p.Sealed = r.bin("sealed")
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *PunchRecorded) EncodeMsgpack(enc *msgpack.Encoder) error {
	b, err := p.AppendBinary(make([]byte, 0, 256+len(p.Sealed)))
	if err != nil {
		return err
	}
	return enc.Encode(msgpack.RawMessage(b))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *PunchRecorded) DecodeMsgpack(dec *msgpack.Decoder) error {
	raw, err := dec.DecodeRaw()
	if err != nil {
		return err
	}
	return p.UnmarshalBinary(raw)
}
