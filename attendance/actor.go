package attendance

import (
	"fmt"
	"strings"
)

// ActorKind says what kind of principal an Actor is. Values are persisted (in the
// envelope's Actor string, by name); never renumber.
type ActorKind uint8

const (
	// KindEmployee is a person: an employee, who may also be a manager (someone's
	// ManagerID) and may hold roles (hr, admin, auditor) granted in the org stream.
	KindEmployee ActorKind = 1
	// KindDevice is a device acting on its own authority (a kiosk, a phone app with a
	// device credential). It may record punches only for employees it is bound to.
	KindDevice ActorKind = 2
	// KindSystem is the embedding application itself (a biometric-terminal gateway, a
	// scheduler). It may record punches for any employee and close pay periods.
	KindSystem ActorKind = 3
)

func (k ActorKind) String() string {
	switch k {
	case KindEmployee:
		return "employee"
	case KindDevice:
		return "device"
	case KindSystem:
		return "system"
	}
	return fmt.Sprintf("ActorKind(%d)", uint8(k))
}

// Actor is who issues a command or a read. The embedding application authenticates
// the caller and builds the Actor; everything the Actor may do follows from the ledger
// (roles in the org stream, managers in employees' streams, device bindings).
type Actor struct {
	Kind ActorKind
	ID   string // employee or device ID; empty for KindSystem
}

// EmployeeActor returns the Actor for employee id.
func EmployeeActor(id string) Actor { return Actor{Kind: KindEmployee, ID: id} }

// DeviceActor returns the Actor for device id.
func DeviceActor(id string) Actor { return Actor{Kind: KindDevice, ID: id} }

// SystemActor returns the system Actor.
func SystemActor() Actor { return Actor{Kind: KindSystem} }

// String is the form stored in the envelope's Actor field: "employee:E1001",
// "device:D1", "system".
func (a Actor) String() string {
	if a.Kind == KindSystem {
		return "system"
	}
	return a.Kind.String() + ":" + a.ID
}

// Validate checks the kind and the ID.
func (a Actor) Validate() error {
	switch a.Kind {
	case KindSystem:
		if a.ID != "" {
			return fmt.Errorf("%w: system actor with an ID", ErrInvalid)
		}
		return nil
	case KindEmployee, KindDevice:
		return validID(a.Kind.String()+" ID", a.ID)
	}
	return fmt.Errorf("%w: actor kind %d", ErrInvalid, uint8(a.Kind))
}

// ParseActor parses the String form.
func ParseActor(s string) (Actor, error) {
	if s == "system" {
		return SystemActor(), nil
	}
	kind, id, ok := strings.Cut(s, ":")
	var a Actor
	switch kind {
	case "employee":
		a = EmployeeActor(id)
	case "device":
		a = DeviceActor(id)
	default:
		ok = false
	}
	if !ok {
		return Actor{}, fmt.Errorf("%w: actor %q: want employee:ID, device:ID or system", ErrInvalid, s)
	}
	if err := a.Validate(); err != nil {
		return Actor{}, fmt.Errorf("actor %q: %w", s, err)
	}
	return a, nil
}

// Role is granted to an employee by a role.granted event in the org stream. Being a
// manager is not a role: it follows from employees' ManagerID.
type Role string

const (
	RoleHR      Role = "hr"      // registers employees, binds devices, decides corrections, erases
	RoleAdmin   Role = "admin"   // everything HR may do, plus policies and roles
	RoleAuditor Role = "auditor" // reads everything (personal fields excluded); never writes
)

// Validate reports whether r is one of the known roles.
func (r Role) Validate() error {
	switch r {
	case RoleHR, RoleAdmin, RoleAuditor:
		return nil
	}
	return fmt.Errorf("%w: unknown role %q", ErrInvalid, string(r))
}

// maxIDLen bounds employee, device, site and policy IDs.
const maxIDLen = 64

// validID accepts 1..64 characters from [A-Za-z0-9._-]. IDs appear in stream names and
// in plaintext in the log, so they must be opaque identifiers, never names or e-mail
// addresses.
func validID(what, s string) error {
	if s == "" {
		return fmt.Errorf("%w: empty %s", ErrInvalid, what)
	}
	if len(s) > maxIDLen {
		return fmt.Errorf("%w: %s %q longer than %d", ErrInvalid, what, s, maxIDLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("%w: %s %q: character %q not in [A-Za-z0-9._-]", ErrInvalid, what, s, c)
		}
	}
	return nil
}

// Stream names.
const OrgStream = "org"

// EmployeeStream returns "employee/<id>".
func EmployeeStream(id string) string { return "employee/" + id }

// PolicyStream returns "policy/<id>".
func PolicyStream(id string) string { return "policy/" + id }
