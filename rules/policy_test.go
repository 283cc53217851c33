package rules_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/punchledger/punchledger/rules"
	"github.com/vmihailenco/msgpack/v5"
)

// TestPolicyMsgpack: the policy encodes to msgpack deterministically, decodes back
// to the same policy, and (after Validate) evaluates the same.
func TestPolicyMsgpack(t *testing.T) {
	p := loadExample(t)
	b1, err := msgpack.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := msgpack.Marshal(p)
	if !bytes.Equal(b1, b2) {
		t.Fatal("msgpack encoding is not deterministic")
	}
	var q rules.Policy
	if err := msgpack.Unmarshal(b1, &q); err != nil {
		t.Fatal(err)
	}
	if b3, _ := msgpack.Marshal(&q); !bytes.Equal(b1, b3) {
		t.Fatal("msgpack round trip changed the bytes")
	}
	j1, _ := json.Marshal(p)
	j2, _ := json.Marshal(&q)
	if !bytes.Equal(j1, j2) {
		t.Fatalf("msgpack round trip changed the policy:\n%s\n%s", j1, j2)
	}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation(p.TimeZone)
	in := rules.DayInput{Policy: p, Date: rules.MustDate("2026-03-09"), AsOf: time.Date(2026, 3, 11, 0, 0, 0, 0, loc),
		Punches: []rules.Punch{{ID: "a", Kind: rules.KindIn, At: time.Date(2026, 3, 9, 9, 7, 0, 0, loc)}}}
	in.SyncedThrough = in.AsOf
	a := rules.Evaluate(in)
	in.Policy = &q
	if b := rules.Evaluate(in); !reflect.DeepEqual(a, b) {
		t.Fatalf("decoded policy evaluates differently:\n%+v\n%+v", a, b)
	}
}

// TestPolicyHasNoMaps: msgpack does not sort maps, so the policy must hold none.
func TestPolicyHasNoMaps(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type, string)
	walk = func(ty reflect.Type, path string) {
		if seen[ty] {
			return
		}
		seen[ty] = true
		switch ty.Kind() {
		case reflect.Map, reflect.Interface, reflect.Func, reflect.Chan:
			t.Errorf("%s is a %s", path, ty.Kind())
		case reflect.Pointer, reflect.Slice, reflect.Array:
			walk(ty.Elem(), path+"[]")
		case reflect.Struct:
			for i := range ty.NumField() {
				f := ty.Field(i)
				if f.IsExported() {
					walk(f.Type, path+"."+f.Name)
				}
			}
		}
	}
	walk(reflect.TypeOf(rules.Policy{}), "Policy")
}

// TestPolicyJSONRoundTrip: the example file survives MarshalJSON and ParsePolicy.
func TestPolicyJSONRoundTrip(t *testing.T) {
	p := loadExample(t)
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	q, err := rules.ParsePolicy(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if b2, _ := json.MarshalIndent(q, "", "  "); !bytes.Equal(b, b2) {
		t.Fatalf("round trip differs:\n%s\n%s", b, b2)
	}
}

func TestValidationErrorIs(t *testing.T) {
	_, err := rules.ParsePolicy([]byte(`{"id": "x"}`))
	var ve *rules.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, rules.ErrInvalidPolicy) || len(ve.Problems) < 2 {
		t.Fatalf("got %v", err)
	}
}

func TestDate(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{{"2026-03-08", true}, {"2024-02-29", true}, {"2026-02-29", false}, {"2026-13-01", false}, {"0000-01-01", false},
		{"2026-3-8", false}, {"2026-03-08x", false}, {"+026-03-08", false}} {
		d, err := rules.ParseDate(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseDate(%q) error %v, want ok=%v", tc.in, err, tc.ok)
		}
		if err == nil && d.String() != tc.in {
			t.Errorf("ParseDate(%q).String() = %q", tc.in, d)
		}
		if err != nil && !errors.Is(err, rules.ErrBadDate) {
			t.Errorf("ParseDate(%q) error %v is not ErrBadDate", tc.in, err)
		}
	}
	// AddDays, DaysSince and Weekday agree with package time over a long range.
	d := rules.MustDate("1899-12-25")
	ref := time.Date(1899, 12, 25, 12, 0, 0, 0, time.UTC)
	for i := 0; i < 80000; i += 7 {
		x := d.AddDays(i)
		r := ref.AddDate(0, 0, i)
		if x != rules.DateOf(r) || x.Weekday() != r.Weekday() || x.DaysSince(d) != i {
			t.Fatalf("day %d: %v (%v) vs %v (%v)", i, x, x.Weekday(), r, r.Weekday())
		}
	}
}

func TestInForce(t *testing.T) {
	mk := func(v int, from string) *rules.Policy {
		return &rules.Policy{ID: "p", Version: v, EffectiveFrom: rules.MustDate(from)}
	}
	v1, v2, v3, v4 := mk(1, "2026-01-01"), mk(2, "2026-03-01"), mk(3, "2026-06-01"), mk(4, "2026-03-01")
	all := []*rules.Policy{v3, v1, nil, v2, v4}
	for _, tc := range []struct {
		d    string
		want *rules.Policy
	}{{"2025-12-31", nil}, {"2026-01-01", v1}, {"2026-02-28", v1}, {"2026-03-01", v4}, {"2026-05-31", v4}, {"2026-06-01", v3}} {
		if got := rules.InForce(all, rules.MustDate(tc.d)); got != tc.want {
			t.Errorf("InForce(%s) = %v, want %v", tc.d, got, tc.want)
		}
	}
}
