package ledger_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/punchledger/punchledger/ledger"
	"github.com/vmihailenco/msgpack/v5"
)

type clockedIn struct {
	Employee string
	Minutes  int64
}

func (clockedIn) EventType() string     { return "test.clocked_in" }
func (clockedIn) SchemaVersion() uint16 { return 2 }

type clockedInV1 struct{ Employee string }

func (clockedInV1) EventType() string     { return "test.clocked_in" }
func (clockedInV1) SchemaVersion() uint16 { return 1 }

func TestRegistry(t *testing.T) {
	reg := ledger.NewRegistry()
	reg.Register(&clockedIn{})
	reg.RegisterUpcast("test.clocked_in", 1, func(b []byte) (ledger.Payload, error) {
		var old clockedInV1
		if err := ledger.Unmarshal(b, &old); err != nil {
			return nil, err
		}
		return &clockedIn{Employee: old.Employee, Minutes: -1}, nil
	})
	p, err := ledger.NewProposed(clockedIn{Employee: "E1", Minutes: 480}, t0, "system")
	mustf(t, err, "new proposed")
	if p.Type != "test.clocked_in" || p.Schema != 2 {
		t.Fatalf("proposed %+v", p)
	}
	got, err := reg.Decode(&ledger.Event{Type: p.Type, Schema: p.Schema, Data: p.Data})
	mustf(t, err, "decode")
	if c, ok := got.(*clockedIn); !ok || *c != (clockedIn{"E1", 480}) {
		t.Fatalf("decoded %#v", got)
	}
	old, err := ledger.Marshal(clockedInV1{Employee: "E2"})
	mustf(t, err, "marshal v1")
	got, err = reg.Decode(&ledger.Event{Type: "test.clocked_in", Schema: 1, Data: old})
	mustf(t, err, "decode v1")
	if c, ok := got.(*clockedIn); !ok || *c != (clockedIn{"E2", -1}) {
		t.Fatalf("upcast %#v", got)
	}
	data := []byte{1, 2, 3}
	got, err = reg.Decode(&ledger.Event{Type: "x.unknown", Schema: 7, Data: data})
	mustf(t, err, "decode unknown")
	u, ok := got.(*ledger.Unknown)
	if !ok || u.Type != "x.unknown" || u.Schema != 7 || !bytes.Equal(u.Data, data) {
		t.Fatalf("unknown %#v", got)
	}
	// Strict decoding: leftover bytes and unknown fields.
	if err := ledger.Unmarshal(append(bytes.Clone(p.Data), 0xc0), &clockedIn{}); !errors.Is(err, ledger.ErrInvalid) {
		t.Fatalf("leftover: %v", err)
	}
	extra, _ := msgpack.Marshal(map[string]any{"Employee": "E1", "Bogus": 1})
	if err := ledger.Unmarshal(extra, &clockedIn{}); !errors.Is(err, ledger.ErrInvalid) {
		t.Fatalf("unknown field: %v", err)
	}
	if _, err := reg.Decode(&ledger.Event{Type: p.Type, Schema: 2, Data: []byte{0xff}}); err == nil {
		t.Fatal("garbage decoded")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("double registration did not panic")
		}
	}()
	reg.Register(clockedIn{})
}

// selfDecoding is a payload with its own decoder: a msgpack array of one string,
// encoded by msgpack and decoded by hand.
type selfDecoding struct {
	_msgpack struct{} `msgpack:",as_array"`
	Name     string
	calls    *int
}

func (selfDecoding) EventType() string     { return "test.self_decoding" }
func (selfDecoding) SchemaVersion() uint16 { return 1 }

func (p *selfDecoding) DecodePayload(data []byte) error {
	if p.calls != nil {
		*p.calls++
	}
	// fixarray(1), fixstr(n), bytes
	if len(data) < 2 || data[0] != 0x91 || data[1]&0xe0 != 0xa0 || len(data) != 2+int(data[1]&0x1f) {
		return errors.New("not a one-string array")
	}
	p.Name = string(data[2:])
	return nil
}

// TestPayloadDecoder: Unmarshal hands the bytes to a payload's own decoder, and its
// refusal is ErrInvalid like any other.
func TestPayloadDecoder(t *testing.T) {
	data, err := ledger.Marshal(&selfDecoding{Name: "E1"})
	mustf(t, err, "marshal")
	calls := 0
	p := &selfDecoding{calls: &calls}
	mustf(t, ledger.Unmarshal(data, p), "unmarshal")
	if p.Name != "E1" || calls != 1 {
		t.Fatalf("decoded %q with %d calls of DecodePayload, want E1 and 1", p.Name, calls)
	}
	if err := ledger.Unmarshal(append(data, 0), p); !errors.Is(err, ledger.ErrInvalid) {
		t.Fatalf("trailing byte: err = %v, want ErrInvalid", err)
	}
}
