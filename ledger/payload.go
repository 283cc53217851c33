package ledger

import (
	"bytes"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

// Payload is a typed event payload. EventType is a stable name ("punch.recorded") and
// SchemaVersion its shape; a changed shape is a new schema version, never an edit.
type Payload interface {
	EventType() string
	SchemaVersion() uint16
}

// Marshal encodes p with msgpack (p's own msgpack.CustomEncoder if it has one).
// Payloads must hold no maps (their order is not canonical); use sorted slices.
func Marshal(p Payload) ([]byte, error) {
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	if err := enc.Encode(p); err != nil {
		return nil, fmt.Errorf("ledger: marshal %s/%d: %w", p.EventType(), p.SchemaVersion(), err)
	}
	return buf.Bytes(), nil
}

// PayloadDecoder is implemented by payloads that decode their own stored bytes (what
// Marshal wrote) without the msgpack decoder's machinery: Unmarshal, and so
// Registry.Decode, call DecodePayload directly. It must be as strict as Unmarshal:
// accept exactly the bytes Marshal writes for some value and refuse anything else. A
// log scan decodes every event, so for the frequent types this is worth a hand-written
// decoder (attendance's punches have one).
type PayloadDecoder interface {
	DecodePayload(data []byte) error
}

// Unmarshal decodes data into p (a pointer). It is strict: unknown fields and leftover
// bytes are errors (wrapping ErrInvalid).
func Unmarshal(data []byte, p Payload) error {
	if d, ok := p.(PayloadDecoder); ok {
		if err := d.DecodePayload(data); err != nil {
			return fmt.Errorf("%w: unmarshal %s/%d: %v", ErrInvalid, p.EventType(), p.SchemaVersion(), err)
		}
		return nil
	}
	r := bytes.NewReader(data)
	dec := msgpack.NewDecoder(r)
	dec.DisallowUnknownFields(true)
	if err := dec.Decode(p); err != nil {
		return fmt.Errorf("%w: unmarshal %s/%d: %v", ErrInvalid, p.EventType(), p.SchemaVersion(), err)
	}
	if r.Len() != 0 {
		return fmt.Errorf("%w: unmarshal %s/%d: %d bytes left over", ErrInvalid, p.EventType(), p.SchemaVersion(), r.Len())
	}
	return nil
}

// NewProposed encodes p into a Proposed event (Type, Schema and Data filled, ID zero).
func NewProposed(p Payload, occurredAt time.Time, actor string) (Proposed, error) {
	data, err := Marshal(p)
	if err != nil {
		return Proposed{}, err
	}
	return Proposed{Type: p.EventType(), Schema: p.SchemaVersion(), OccurredAt: occurredAt, Actor: actor, Data: data}, nil
}

// Unknown is the payload of an event type a Registry does not know. It keeps the bytes
// untouched.
type Unknown struct {
	Type   string
	Schema uint16
	Data   []byte
}

// EventType returns u.Type.
func (u *Unknown) EventType() string { return u.Type }

// SchemaVersion returns u.Schema.
func (u *Unknown) SchemaVersion() uint16 { return u.Schema }

// Registry maps (type, schema version) to payload types and upcasters. It holds no
// global state; create one with NewRegistry, register at start-up, then use it from
// any goroutine.
type Registry struct {
	mu      sync.RWMutex
	types   map[typeKey]reflect.Type
	upcasts map[typeKey]func([]byte) (Payload, error)
}

type typeKey struct {
	typ    string
	schema uint16
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{types: make(map[typeKey]reflect.Type), upcasts: make(map[typeKey]func([]byte) (Payload, error))}
}

// Register registers proto's type (a struct or a pointer to one) under its EventType
// and SchemaVersion. Decode returns a new *T. It panics if the pair is taken, like
// http.Handle: registrations are programming, not input.
func (r *Registry) Register(proto Payload) {
	t := reflect.TypeOf(proto)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if !reflect.PointerTo(t).Implements(reflect.TypeFor[Payload]()) {
		panic(fmt.Sprintf("ledger: register %v: *%v does not implement Payload", t, t))
	}
	k := typeKey{proto.EventType(), proto.SchemaVersion()}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.taken(k) {
		panic(fmt.Sprintf("ledger: register %s/%d twice", k.typ, k.schema))
	}
	r.types[k] = t
}

// RegisterUpcast registers fn to decode the old schema version from of typ into a
// current payload. It panics if the pair is taken.
func (r *Registry) RegisterUpcast(typ string, from uint16, fn func([]byte) (Payload, error)) {
	k := typeKey{typ, from}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.taken(k) {
		panic(fmt.Sprintf("ledger: register upcast %s/%d twice", typ, from))
	}
	r.upcasts[k] = fn
}

func (r *Registry) taken(k typeKey) bool {
	_, a := r.types[k]
	_, b := r.upcasts[k]
	return a || b
}

// Decode decodes e's payload: a registered type as a new *T, an upcast's result, or,
// for an unknown type or schema, *Unknown (with a copy of the bytes) and a nil error.
func (r *Registry) Decode(e *Event) (Payload, error) {
	k := typeKey{e.Type, e.Schema}
	r.mu.RLock()
	t, ok := r.types[k]
	up := r.upcasts[k]
	r.mu.RUnlock()
	switch {
	case ok:
		p := reflect.New(t).Interface().(Payload)
		if err := Unmarshal(e.Data, p); err != nil {
			return nil, fmt.Errorf("seq %d: %w", e.Seq, err)
		}
		return p, nil
	case up != nil:
		p, err := up(e.Data)
		if err != nil {
			return nil, fmt.Errorf("ledger: upcast %s/%d at seq %d: %w", e.Type, e.Schema, e.Seq, err)
		}
		return p, nil
	default:
		return &Unknown{Type: e.Type, Schema: e.Schema, Data: bytes.Clone(e.Data)}, nil
	}
}
