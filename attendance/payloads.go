package attendance

// Event types. These strings are persisted; never change one. A new shape of a
// payload is a new schema version of the same type (with an upcast registered in
// Registry), never a change in place.
const (
	TypeEmployeeRegistered    = "employee.registered"
	TypeEmployeeUpdated       = "employee.updated"
	TypeRoleGranted           = "role.granted"
	TypeRoleRevoked           = "role.revoked"
	TypeDeviceBound           = "device.bound"
	TypeDeviceUnbound         = "device.unbound"
	TypeDeviceRebindRequested = "device.rebind_requested"
	TypeDeviceRebindRejected  = "device.rebind_rejected"
	TypePunchRecorded         = "punch.recorded"
	TypePunchVoided           = "punch.voided"
	TypeCorrectionRequested   = "correction.requested"
	TypeCorrectionApproved    = "correction.approved"
	TypeCorrectionRejected    = "correction.rejected"
	TypeCorrectionWithdrawn   = "correction.withdrawn"
	TypePolicyPublished       = "policy.published"
	TypeShiftAssigned         = "shift.assigned"
	TypeLeaveRecorded         = "leave.recorded"
	TypePayPeriodClosed       = "payperiod.closed"
	TypeWorkLocationReported  = "worklocation.reported"
	TypeWorkLocationApproved  = "worklocation.approved"
	TypeWorkLocationRejected  = "worklocation.rejected"
	TypeSubjectErased         = "subject.erased"
)

// Conventions for every payload below:
//   - dates are civil dates "YYYY-MM-DD" (rules.Date's text form), "" for none;
//   - instants are int64 unix nanoseconds (UTC), 0 for none;
//   - request and event references are the 16 bytes of a ledger.ID;
//   - fields named Sealed or ending in "Sealed" hold AES-GCM ciphertext under the
//     employee's data key (see seal.go); they are the only place personal data lives,
//     and they are nil when there is nothing to seal. After erasure they cannot be
//     opened, and every other field still decodes.

// EmployeeRegistered (stream employee/<id>) creates an employee.
type EmployeeRegistered struct {
	_msgpack   struct{} `msgpack:",as_array"`
	EmployeeID string   // same as the stream's ID
	ManagerID  string   // "" for none
	Site       string   // opaque site ID
	PolicyID   string   // policy in force for this employee
	TimeZone   string   // IANA name; "" means the policy's
	JoinedOn   string   // date
	LeftOn     string   // date; "" while employed
	Sealed     []byte   // sealed Personal
}

// EmployeeUpdated (stream employee/<id>) replaces the employee's record: every
// plaintext field holds the new value. Sealed is nil when the personal fields did not
// change.
type EmployeeUpdated struct {
	_msgpack   struct{} `msgpack:",as_array"`
	EmployeeID string
	ManagerID  string
	Site       string
	PolicyID   string
	TimeZone   string
	JoinedOn   string
	LeftOn     string
	Sealed     []byte
}

// Personal is the personal data of an employee. It only ever enters the log sealed.
type Personal struct {
	_msgpack struct{} `msgpack:",as_array"`
	Name     string
	Email    string
	Phone    string
}

// RoleGranted (stream org) grants Role to employee Principal.
type RoleGranted struct {
	_msgpack  struct{} `msgpack:",as_array"`
	Principal string   // employee ID
	Role      string   // "hr", "admin", "auditor"
	Bootstrap bool     // the first admin, granted by Bootstrap on an empty org
}

// RoleRevoked (stream org) revokes Role from Principal.
type RoleRevoked struct {
	_msgpack  struct{} `msgpack:",as_array"`
	Principal string
	Role      string
}

// DeviceBound (stream employee/<id>) binds a device to the employee. RequestID is the
// rebind request it completes, zero for a direct binding.
type DeviceBound struct {
	_msgpack  struct{} `msgpack:",as_array"`
	DeviceID  string   // opaque app-installation ID, never a hardware identifier
	PublicKey []byte   // Ed25519 public key (32 bytes) when the device signs punches; nil otherwise
	RequestID [16]byte
	Sealed    []byte // sealed DeviceDetails
}

// DeviceDetails are descriptive device fields; they only enter the log sealed.
type DeviceDetails struct {
	_msgpack struct{} `msgpack:",as_array"`
	Model    string
	OS       string
	App      string
}

// DeviceUnbound (stream employee/<id>) ends a binding.
type DeviceUnbound struct {
	_msgpack  struct{} `msgpack:",as_array"`
	DeviceID  string
	Reason    string // a code: "lost", "broken", "replaced", "left", "other"
	RequestID [16]byte
}

// DeviceRebindRequested (stream employee/<id>): the employee asks to replace his bound
// device by NewDeviceID (a broken or lost phone). The event ID is the request ID. The
// manager (or HR, an admin) approves it with ApproveRebind, which appends
// device.unbound and device.bound carrying this request ID.
type DeviceRebindRequested struct {
	_msgpack    struct{} `msgpack:",as_array"`
	OldDeviceID string
	NewDeviceID string
	PublicKey   []byte
	Reason      string // a code, as in DeviceUnbound
	Sealed      []byte // sealed DeviceDetails of the new device
}

// DeviceRebindRejected (stream employee/<id>) closes a rebind request unapproved.
type DeviceRebindRejected struct {
	_msgpack  struct{} `msgpack:",as_array"`
	RequestID [16]byte
	Reason    string
}

// PunchVoided (stream employee/<id>) takes a punch out of evaluation. The punch stays in
// the log as evidence.
type PunchVoided struct {
	_msgpack     struct{} `msgpack:",as_array"`
	PunchID      [16]byte
	Reason       string   // a code: "duplicate", "mistake", "correction", ...
	CorrectionID [16]byte // the approved correction that voided it, if any
}

// EvidenceRef references a document (a photo, a note from a client) kept outside the
// log by its SHA-256.
type EvidenceRef struct {
	_msgpack  struct{} `msgpack:",as_array"`
	SHA256    [32]byte
	MediaType string
	Size      int64
}

// CorrectionRequested (stream employee/<id>) asks to fix a day. The event ID is the
// request ID.
type CorrectionRequested struct {
	_msgpack  struct{} `msgpack:",as_array"`
	Day       string   // the attendance date corrected
	Kind      string   // rules.CorrectionKind: "missing_in", "missing_out", "change", "void"
	PunchKind uint8    // PunchKind of the added or changed punch (missing_*, change)
	At        int64    // the proposed time (missing_*, change)
	PunchID   [16]byte // the punch changed or voided (change, void)
	Evidence  []EvidenceRef
	Sealed    []byte // sealed free-text reason
}

// CorrectionApproved (stream employee/<id>). Stage is the capacity the decider acted
// in ("manager", "hr", "admin", "auto"); Final is true when the correction now takes
// effect (a policy with approver manager_and_admin needs two approvals).
type CorrectionApproved struct {
	_msgpack  struct{} `msgpack:",as_array"`
	RequestID [16]byte
	Stage     string
	Final     bool
	Sealed    []byte // sealed comment
}

// CorrectionRejected (stream employee/<id>).
type CorrectionRejected struct {
	_msgpack  struct{} `msgpack:",as_array"`
	RequestID [16]byte
	Stage     string
	Sealed    []byte // sealed comment
}

// CorrectionWithdrawn (stream employee/<id>): the employee takes back a pending request.
type CorrectionWithdrawn struct {
	_msgpack  struct{} `msgpack:",as_array"`
	RequestID [16]byte
}

// PolicyPublished (stream policy/<id>) publishes a version of a policy. Policy is the
// rules.Policy in its msgpack form (see PolicyBytes); the copies of ID, Version and
// EffectiveFrom in plaintext let readers order versions without decoding it.
type PolicyPublished struct {
	_msgpack      struct{} `msgpack:",as_array"`
	PolicyID      string
	Version       int64
	EffectiveFrom string
	Policy        []byte
}

// ShiftAssigned (stream employee/<id>) rosters the employee onto a shift of his
// policy (by name) for every day of [From, To], or gives him those days off (Off). A
// later assignment overrides an earlier one for the days they share (rules.Roster).
type ShiftAssigned struct {
	_msgpack struct{} `msgpack:",as_array"`
	From     string
	To       string
	Shift    string
	Off      bool
}

// LeaveRecorded (stream employee/<id>) records leave for every day of [From, To].
type LeaveRecorded struct {
	_msgpack struct{} `msgpack:",as_array"`
	From     string
	To       string
	Kind     string // a code: "vacation", "sick", "unpaid", ...
	Minutes  int32  // per day; 0 means the whole day
	Sealed   []byte // sealed note
}

// PayPeriodClosed (stream org) closes [From, To] for the employees of PolicyID ("" for
// all). Later corrections to those days surface as adjustments, not rewrites.
type PayPeriodClosed struct {
	_msgpack struct{} `msgpack:",as_array"`
	PolicyID string
	From     string
	To       string
}

// WorkLocationReported (stream employee/<id>): the employee reports a place he works
// from. The event ID is the location's ID. Once approved, it is a geofence zone named
// "worklocation:<ID>" for this employee's punches.
type WorkLocationReported struct {
	_msgpack struct{} `msgpack:",as_array"`
	Kind     string   // "home" or "client"
	Sealed   []byte   // sealed WorkLocation
}

// WorkLocation is the personal part of a reported work location.
type WorkLocation struct {
	_msgpack struct{} `msgpack:",as_array"`
	Label    string
	Address  string
	Lat      float64
	Lon      float64
	Radius   float64 // metres
}

// WorkLocationApproved (stream employee/<id>).
type WorkLocationApproved struct {
	_msgpack  struct{} `msgpack:",as_array"`
	RequestID [16]byte
}

// WorkLocationRejected (stream employee/<id>).
type WorkLocationRejected struct {
	_msgpack  struct{} `msgpack:",as_array"`
	RequestID [16]byte
	Reason    string
}

// SubjectErased (stream employee/<id>): the employee's data key was destroyed. Nothing
// sealed in this stream can be opened any more, and no command records anything more
// about the employee.
type SubjectErased struct {
	_msgpack struct{} `msgpack:",as_array"`
	Reason   string   // a code: "request", "retention", ...
}

// The methods below make each payload a ledger.Payload with its own canonical codec.
// Every payload is schema version 1.

func (*EmployeeRegistered) EventType() string        { return TypeEmployeeRegistered }
func (*EmployeeUpdated) EventType() string           { return TypeEmployeeUpdated }
func (*RoleGranted) EventType() string               { return TypeRoleGranted }
func (*RoleRevoked) EventType() string               { return TypeRoleRevoked }
func (*DeviceBound) EventType() string               { return TypeDeviceBound }
func (*DeviceUnbound) EventType() string             { return TypeDeviceUnbound }
func (*DeviceRebindRequested) EventType() string     { return TypeDeviceRebindRequested }
func (*DeviceRebindRejected) EventType() string      { return TypeDeviceRebindRejected }
func (*PunchRecorded) EventType() string             { return TypePunchRecorded }
func (*PunchVoided) EventType() string               { return TypePunchVoided }
func (*CorrectionRequested) EventType() string       { return TypeCorrectionRequested }
func (*CorrectionApproved) EventType() string        { return TypeCorrectionApproved }
func (*CorrectionRejected) EventType() string        { return TypeCorrectionRejected }
func (*CorrectionWithdrawn) EventType() string       { return TypeCorrectionWithdrawn }
func (*PolicyPublished) EventType() string           { return TypePolicyPublished }
func (*ShiftAssigned) EventType() string             { return TypeShiftAssigned }
func (*LeaveRecorded) EventType() string             { return TypeLeaveRecorded }
func (*PayPeriodClosed) EventType() string           { return TypePayPeriodClosed }
func (*WorkLocationReported) EventType() string      { return TypeWorkLocationReported }
func (*WorkLocationApproved) EventType() string      { return TypeWorkLocationApproved }
func (*WorkLocationRejected) EventType() string      { return TypeWorkLocationRejected }
func (*SubjectErased) EventType() string             { return TypeSubjectErased }
func (*EmployeeRegistered) SchemaVersion() uint16    { return 1 }
func (*EmployeeUpdated) SchemaVersion() uint16       { return 1 }
func (*RoleGranted) SchemaVersion() uint16           { return 1 }
func (*RoleRevoked) SchemaVersion() uint16           { return 1 }
func (*DeviceBound) SchemaVersion() uint16           { return 1 }
func (*DeviceUnbound) SchemaVersion() uint16         { return 1 }
func (*DeviceRebindRequested) SchemaVersion() uint16 { return 1 }
func (*DeviceRebindRejected) SchemaVersion() uint16  { return 1 }
func (*PunchRecorded) SchemaVersion() uint16         { return 1 }
func (*PunchVoided) SchemaVersion() uint16           { return 1 }
func (*CorrectionRequested) SchemaVersion() uint16   { return 1 }
func (*CorrectionApproved) SchemaVersion() uint16    { return 1 }
func (*CorrectionRejected) SchemaVersion() uint16    { return 1 }
func (*CorrectionWithdrawn) SchemaVersion() uint16   { return 1 }
func (*PolicyPublished) SchemaVersion() uint16       { return 1 }
func (*ShiftAssigned) SchemaVersion() uint16         { return 1 }
func (*LeaveRecorded) SchemaVersion() uint16         { return 1 }
func (*PayPeriodClosed) SchemaVersion() uint16       { return 1 }
func (*WorkLocationReported) SchemaVersion() uint16  { return 1 }
func (*WorkLocationApproved) SchemaVersion() uint16  { return 1 }
func (*WorkLocationRejected) SchemaVersion() uint16  { return 1 }
func (*SubjectErased) SchemaVersion() uint16         { return 1 }
