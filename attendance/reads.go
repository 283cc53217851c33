package attendance

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/punchledger/punchledger/ledger"
	"golang.org/x/mod/sumdb/note"
)

// CanRead returns nil if a may read employeeID's records: the employee himself, his
// manager, hr, an admin or an auditor; else a *ForbiddenError. Projections use it to
// answer queries only with what the asking actor may see.
func (s *Service) CanRead(ctx context.Context, a Actor, employeeID string) error {
	w, err := s.resolve(ctx, a)
	if err != nil {
		return err
	}
	unlock := s.lockEmployee(employeeID)
	defer unlock()
	st, err := s.employee(ctx, employeeID)
	if err != nil {
		return err
	}
	if !w.canRead(st) {
		return forbidden(a, "read", st.stream, "an employee reads his own records, a manager his team's")
	}
	if !st.exists {
		return errUnknown(employeeID)
	}
	return nil
}

// EmployeeView is an employee's current state as a command sees it.
type EmployeeView struct {
	Record   EmployeeRecord `json:"record"`
	Personal *Personal      `json:"personal,omitempty"` // only for the employee himself, hr and admins
	Erased   bool           `json:"erased"`
	Devices  []DeviceView   `json:"devices"`
	Pending  []PendingView  `json:"pending"` // requests awaiting a decision
	Version  uint64         `json:"version"` // stream version folded
}

// DeviceView is a bound device.
type DeviceView struct {
	ID     string `json:"id"`
	Signer bool   `json:"signer"` // bound with a public key
}

// PendingView is a request awaiting a decision.
type PendingView struct {
	ID   ledger.ID // the request's event ID
	What string    // "correction", "rebind", "worklocation"
	Day  string    // corrections: the day corrected
	Kind string    // the correction kind, rebind reason or location kind
}

// MarshalJSON writes the ID as 32 hex characters.
func (p PendingView) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ID   string `json:"id"`
		What string `json:"what"`
		Day  string `json:"day,omitempty"`
		Kind string `json:"kind,omitempty"`
	}{p.ID.String(), p.What, p.Day, p.Kind})
}

// Employee returns the employee's current state (read authorization as CanRead; the
// personal fields only for the employee himself, hr and admins).
func (s *Service) Employee(ctx context.Context, a Actor, employeeID string) (EmployeeView, error) {
	w, err := s.resolve(ctx, a)
	if err != nil {
		return EmployeeView{}, err
	}
	unlock := s.lockEmployee(employeeID)
	defer unlock()
	st, err := s.employee(ctx, employeeID)
	if err != nil {
		return EmployeeView{}, err
	}
	if !w.canRead(st) {
		return EmployeeView{}, forbidden(a, "read", st.stream, "an employee reads his own records, a manager his team's")
	}
	if !st.exists {
		return EmployeeView{}, errUnknown(employeeID)
	}
	v := EmployeeView{Record: st.rec, Erased: st.erased, Version: st.version, Devices: []DeviceView{}, Pending: []PendingView{}}
	if w.isSelf(st) || w.hr() {
		if sl, _ := s.sealerFor(st); sl != nil {
			var p Personal
			if ok, err := openValue(sl, st.stream, st.personalEvent, "personal", st.personalSealed, &p); err == nil && ok {
				v.Personal = &p
			}
		}
	}
	for _, d := range st.devices {
		v.Devices = append(v.Devices, DeviceView{ID: d.ID, Signer: len(d.PublicKey) > 0})
	}
	for id, c := range st.corrections {
		if c.Status == statusPending {
			v.Pending = append(v.Pending, PendingView{ID: id, What: "correction", Day: c.Day, Kind: c.Kind})
		}
	}
	for id, r := range st.rebinds {
		if r.Status == statusPending {
			v.Pending = append(v.Pending, PendingView{ID: id, What: "rebind", Kind: r.Reason})
		}
	}
	for id, l := range st.locations {
		if l.Status == statusPending {
			v.Pending = append(v.Pending, PendingView{ID: id, What: "worklocation", Kind: l.Kind})
		}
	}
	slices.SortFunc(v.Pending, func(x, y PendingView) int {
		if c := strings.Compare(x.What, y.What); c != 0 {
			return c
		}
		if c := strings.Compare(x.Day, y.Day); c != 0 {
			return c
		}
		return bytes.Compare(x.ID[:], y.ID[:])
	})
	return v, nil
}

// AccessRequest returns everything the ledger holds about an employee as one JSON
// document (the right of access): his record, his personal data, his roles, every
// event of his stream decoded with its sealed fields opened, the org events that name
// him, and where he acted in other streams (position and type only). It reads the
// whole log. Allowed for the employee himself, hr and admins. After erasure the sealed
// fields show as {"erased": true}.
func (s *Service) AccessRequest(ctx context.Context, a Actor, employeeID string) ([]byte, error) {
	const op = "AccessRequest"
	w, err := s.resolve(ctx, a)
	if err != nil {
		return nil, err
	}
	// Under the employee's lock only the state is read; the long scans below run
	// without it, bounded to the stream version that state had.
	var (
		doc     obj
		sl      *sealer
		version uint64
	)
	stream := EmployeeStream(employeeID)
	err = func() error {
		unlock := s.lockEmployee(employeeID)
		defer unlock()
		st, err := s.employee(ctx, employeeID)
		if err != nil {
			return err
		}
		if !w.isSelf(st) && !w.hr() {
			return forbidden(a, op, st.stream, "only the employee himself, hr or an admin")
		}
		if !st.exists {
			return errUnknown(employeeID)
		}
		if sl, err = s.sealerFor(st); err != nil {
			return err
		}
		version = st.version
		doc = obj{
			{"employee_id", employeeID},
			{"generated_at", s.now().Format(time.RFC3339Nano)},
			{"erased", st.erased},
			{"record", st.rec},
		}
		var personal any
		if sl != nil {
			var p Personal
			if ok, err := openValue(sl, st.stream, st.personalEvent, "personal", st.personalSealed, &p); err == nil && ok {
				personal = p
			}
		} else if st.erased {
			personal = obj{{"erased", true}}
		}
		doc = append(doc, kv{"personal", personal})
		return nil
	}()
	if err != nil {
		return nil, err
	}
	org, err := s.orgView(ctx)
	if err != nil {
		return nil, err
	}
	roles := org.roles[employeeID]
	if roles == nil {
		roles = []Role{}
	}
	doc = append(doc, kv{"roles", roles})
	var mine, orgEvents []any
	scan := func(dst *[]any) func(e *ledger.Event) error {
		return func(e *ledger.Event) error {
			if e.Stream == OrgStream && !orgNames(e, employeeID) {
				return nil
			}
			v, err := eventJSON(e, sl)
			if err != nil {
				return err
			}
			*dst = append(*dst, v)
			return nil
		}
	}
	scanMine := scan(&mine)
	if err := s.l.ScanStream(ctx, stream, 1, func(e *ledger.Event) error {
		if e.Version > version {
			return ledger.ErrStop
		}
		return scanMine(e)
	}); err != nil {
		return nil, err
	}
	if err := s.l.ScanStream(ctx, OrgStream, 1, scan(&orgEvents)); err != nil {
		return nil, err
	}
	// What he did elsewhere (decisions about others, as a manager or hr): where and
	// what, not the content, which is about others. This reads the whole log.
	actions := []any{}
	me := EmployeeActor(employeeID).String()
	err = s.l.Scan(ctx, 1, 0, func(e *ledger.Event) error {
		if e.Actor == me && e.Stream != stream {
			actions = append(actions, obj{{"seq", e.Seq}, {"id", e.ID.String()}, {"stream", e.Stream}, {"type", e.Type},
				{"recorded_at", e.RecordedAt.UTC().Format(time.RFC3339Nano)}})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	doc = append(doc, kv{"events", nonNil(mine)}, kv{"org_events", nonNil(orgEvents)}, kv{"actions_elsewhere", actions})
	return json.MarshalIndent(doc, "", "  ")
}

func nonNil(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

func orgNames(e *ledger.Event, id string) bool {
	p, err := Decode(e)
	if err != nil {
		return false
	}
	switch p := p.(type) {
	case *RoleGranted:
		return p.Principal == id
	case *RoleRevoked:
		return p.Principal == id
	}
	return false
}

// kv and obj are an ordered JSON object.
type kv struct {
	k string
	v any
}

type obj []kv

func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.k)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(f.v)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// sealedLabel says how each payload's sealed field is opened.
func sealedTarget(p ledger.Payload) (label string, v any) {
	switch p.(type) {
	case *EmployeeRegistered, *EmployeeUpdated:
		return "personal", &Personal{}
	case *DeviceBound, *DeviceRebindRequested:
		return "device", &DeviceDetails{}
	case *PunchRecorded:
		return "punch", &PunchEvidence{}
	case *WorkLocationReported:
		return "worklocation", &WorkLocation{}
	case *CorrectionRequested:
		return "reason", nil
	case *CorrectionApproved, *CorrectionRejected:
		return "comment", nil
	case *LeaveRecorded:
		return "note", nil
	}
	return "", nil
}

// eventJSON renders an event and its payload, opening sealed fields with sl (nil: they
// show as {"erased": true}).
func eventJSON(e *ledger.Event, sl *sealer) (obj, error) {
	p, err := Decode(e)
	if err != nil {
		return nil, err
	}
	o := obj{
		{"seq", e.Seq}, {"id", e.ID.String()}, {"stream", e.Stream}, {"version", e.Version},
		{"type", e.Type}, {"schema", e.Schema},
		{"occurred_at", e.OccurredAt.UTC().Format(time.RFC3339Nano)},
		{"recorded_at", e.RecordedAt.UTC().Format(time.RFC3339Nano)},
		{"actor", e.Actor},
	}
	data := obj{}
	rv := reflect.ValueOf(p).Elem()
	if rv.Kind() != reflect.Struct {
		return append(o, kv{"data", hex.EncodeToString(e.Data)}), nil
	}
	rt := rv.Type()
	for i := range rt.NumField() {
		f := rt.Field(i)
		if !f.IsExported() {
			continue
		}
		fv := rv.Field(i)
		var v any
		switch {
		case f.Name == "Sealed":
			label, target := sealedTarget(p)
			sealed := fv.Bytes()
			switch {
			case len(sealed) == 0:
				v = nil
			case sl == nil:
				v = obj{{"erased", true}}
			default:
				pt, err := sl.open(e.Stream, e.ID, label, sealed)
				if err != nil {
					v = obj{{"unreadable", true}}
				} else if target == nil {
					v = string(pt)
				} else if err := unmarshalPlain(pt, target); err != nil {
					v = obj{{"unreadable", true}}
				} else {
					v = target
				}
			}
		case f.Name == "Policy":
			v = obj{{"bytes", fv.Len()}}
		case fv.Kind() == reflect.Array && fv.Type().Elem().Kind() == reflect.Uint8:
			b := make([]byte, fv.Len())
			reflect.Copy(reflect.ValueOf(b), fv)
			v = hex.EncodeToString(b)
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Uint8:
			v = hex.EncodeToString(fv.Bytes())
		default:
			if st, ok := fv.Interface().(fmt.Stringer); ok && fv.Kind() == reflect.Uint8 {
				v = st.String()
			} else {
				v = fv.Interface()
			}
		}
		data = append(data, kv{f.Name, v})
	}
	return append(o, kv{"data", data}), nil
}

// ExportOptions configure Export.
type ExportOptions struct {
	// Signer signs the export's checkpoint (nil: unsigned).
	Signer note.Signer
	// Personal keeps the events that carry sealed personal fields in full (hr and
	// admins only). Without it their Data is withheld (the envelope and hash stay,
	// so the file still verifies). Events of erased employees that carry sealed
	// fields are always withheld.
	Personal bool
}

// Export writes the whole log as a self-checking file (ledger.Export) for hr, admins
// and auditors. Personal fields are sealed in the log; events that carry them are
// withheld unless opts.Personal (hr and admins only) — see ExportOptions.
func (s *Service) Export(ctx context.Context, a Actor, out io.Writer, opts ExportOptions) (ledger.TreeHead, error) {
	const op = "Export"
	w, err := s.resolve(ctx, a)
	if err != nil {
		return ledger.TreeHead{}, err
	}
	if !w.hr() && !w.has(RoleAuditor) {
		return ledger.TreeHead{}, forbidden(a, op, "*", "export needs the hr, admin or auditor role")
	}
	if opts.Personal && !w.hr() {
		return ledger.TreeHead{}, forbidden(a, op, "*", "personal fields in an export need the hr or admin role")
	}
	erased := map[string]bool{}
	err = s.l.Scan(ctx, 1, 0, func(e *ledger.Event) error {
		if e.Type == TypeSubjectErased {
			erased[e.Stream] = true
		}
		return nil
	})
	if err != nil {
		return ledger.TreeHead{}, err
	}
	return s.l.Export(ctx, out, ledger.ExportOptions{Signer: opts.Signer, Redact: func(e *ledger.Event) bool {
		if !strings.HasPrefix(e.Stream, "employee/") {
			return false
		}
		if !carriesSealed(e) {
			return false
		}
		return !opts.Personal || erased[e.Stream]
	}})
}

// carriesSealed reports whether an event's payload holds sealed personal fields.
// Undecodable payloads count as carrying them (withheld, to be safe).
func carriesSealed(e *ledger.Event) bool {
	if e.Type == TypePunchRecorded && e.Schema == 1 {
		var p PunchRecorded
		return p.UnmarshalBinary(e.Data) != nil || len(p.Sealed) > 0
	}
	p, err := Decode(e)
	if err != nil {
		return true
	}
	if _, ok := p.(*ledger.Unknown); ok {
		return true
	}
	rv := reflect.ValueOf(p).Elem()
	if f := rv.FieldByName("Sealed"); f.IsValid() {
		return f.Len() > 0
	}
	return false
}

// PunchEvidence opens the sealed evidence of one punch (location, network, device
// details, signature and full finding details) for review: for the employee himself,
// his manager, hr and admins — not auditors, who see the plaintext measurements only.
// After erasure it returns ErrErased.
func (s *Service) PunchEvidence(ctx context.Context, a Actor, employeeID string, punchID ledger.ID) (PunchEvidence, error) {
	const op = "PunchEvidence"
	w, err := s.resolve(ctx, a)
	if err != nil {
		return PunchEvidence{}, err
	}
	unlock := s.lockEmployee(employeeID)
	defer unlock()
	st, err := s.employee(ctx, employeeID)
	if err != nil {
		return PunchEvidence{}, err
	}
	if !w.isSelf(st) && !w.manages(st) && !w.hr() {
		return PunchEvidence{}, forbidden(a, op, st.stream, "only the employee, his manager, hr or an admin see a punch's evidence")
	}
	if err := existing(st); err != nil {
		return PunchEvidence{}, err
	}
	if _, ok := st.punches[punchID]; !ok {
		return PunchEvidence{}, fmt.Errorf("%w: %s in %s", ErrUnknownPunch, punchID, st.stream)
	}
	e, err := s.l.Lookup(punchID)
	if err != nil {
		return PunchEvidence{}, err
	}
	var p PunchRecorded
	if err := p.UnmarshalBinary(e.Data); err != nil {
		return PunchEvidence{}, err
	}
	sl, err := s.mustSealer(st)
	if err != nil {
		return PunchEvidence{}, err
	}
	var ev PunchEvidence
	if _, err := openValue(sl, st.stream, punchID, "punch", p.Sealed, &ev); err != nil {
		return PunchEvidence{}, fmt.Errorf("attendance: %s %s: %w", op, punchID, err)
	}
	return ev, nil
}
