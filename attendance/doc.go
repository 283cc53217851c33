// Package attendance is the attendance vocabulary on top of the ledger: typed event
// payloads, the commands that produce them, authorization, and field encryption.
//
// # Why a package of its own
//
// DESIGN.md puts the vocabulary and the commands "in ledger unless a better home shows
// itself". This is the better home: package ledger stays a generic tamper-evident event
// log (envelope, Pebble store, Merkle proofs, export) that knows nothing of employees,
// and everything that is about attendance — what a punch is, who may approve a
// correction, which fields are personal and sealed — lives here, built on ledger's
// public API only. The ledger can then be tested, benchmarked and reused without the
// domain, and the domain can change (a new event type, a new rule of authorization)
// without touching the store. Dependency direction: geofence ← rules ← ledger ←
// attendance ← projection.
//
// # Streams and events
//
// Three kinds of streams:
//
//	employee/<id>  everything about one employee: registration, devices, punches,
//	               corrections, roster, leave, work locations, erasure
//	policy/<id>    the published versions of one policy (rules.Policy)
//	org            roles (role.granted, role.revoked) and closed pay periods
//
// Every event type is a Go struct implementing ledger.Payload with a stable type name
// ("punch.recorded") and schema version 1; Registry returns a *ledger.Registry that
// knows them all and Decode decodes strictly. Payloads are msgpack arrays with no maps,
// fixed integer widths and times as int64 unix nanoseconds; each type has its own
// msgpack codec (punch.recorded a hand-written one, see PunchRecorded.AppendBinary),
// so the bytes depend on this package only, and one value has one byte form.
// testdata/golden pins the bytes of every type (go test -run Golden -update rewrites
// them); a changed shape must be a new schema version with an upcast, never an edit.
//
// # Commands
//
// A Service (New) runs commands against a ledger. Every command takes a context and
// an Actor (an employee, a device or the system, authenticated by the embedding
// application), decides from the subject's own stream folded into state — plus the
// org stream for roles and the policy stream for the policy in force — never from a
// projection, and appends with the stream version it decided on (optimistic
// concurrency; a moved stream is re-decided). Commands on one employee are serialized
// inside a Service; different employees proceed in parallel and share the ledger's
// group commit. A refusal is a typed error (errors.Is ErrForbidden, ErrInvalid,
// ErrLimitExceeded, ErrDeadlinePassed, ErrEvidenceRequired, ErrKindNotAllowed,
// ErrDeviceAlreadyBound, ErrUnknownEmployee, ErrErased, ...; *ForbiddenError says who
// was refused what and why) and writes nothing. Who may do what is the table in
// authz.go; in short: an employee acts only for himself; his manager (from ManagerID
// in his stream), hr or an admin decide his requests, and nobody decides his own; an
// admin configures (policies, roles); an auditor only reads; a device records punches
// only for the employee it is bound to. Reads (Employee, CanRead, AccessRequest,
// Export) are authorized too.
//
// Kiosks and biometric terminals, which punch for many employees, act as the system
// actor (the embedding application authenticates the terminal); a device actor is an
// employee's own bound phone. Roles are read from the org stream when a command
// decides; a role revoked while a command is in flight may let that one command pass
// (the check and the append are on different streams). DecideCorrections applies its
// decisions one after another, each with its own append.
//
// # Punches are evidence
//
// RecordPunch and SyncOffline never drop a punch for what it says: a punch from an
// unbound device, outside every zone, uploaded days late, with a skewed clock, a
// mocked location or a bad signature is recorded, with the policy's verdict at record
// time (rules.JudgePunch, plus the approved work locations of the employee as extra
// zones) stored in plaintext as measurements — outcome, finding codes and clauses,
// geofence verdict, zone name, distance, accuracy, Wi-Fi and IP matches, device
// binding, signature state. Projections can apply a policy later from those alone,
// without any personal field; the policy decides whether the punch counts. Only a
// malformed punch, an unauthorized actor or an unknown or erased employee is refused.
//
// # Offline sync
//
// A SyncBatch comes from one device: each punch has its device-generated ID and
// device time, and the batch carries the device's clock at upload, from which the
// device clock's skew is estimated (Skew = DeviceNow − server clock) and the upload
// delay is judged on the device's own clock. The upload is idempotent as a whole and
// per punch: a punch already recorded (an earlier upload, or a repeat inside the
// batch) returns its original position, marked Duplicate, and is not encoded again;
// every punch gets its own result, and one bad punch never fails the rest. New punches
// are committed with one ledger.AppendBatch (one fsync).
//
// # Device signatures
//
// A device bound with an Ed25519 public key signs SigningBytes(employeeID, punch).
// The signature is checked at record time; an invalid one is the finding
// "signature_invalid", a missing one from a device with a key "signature_missing"
// (the policy's remote.actions say what each does; unlisted findings flag).
//
// # Privacy and erasure
//
// Every employee has a 32-byte data key, created at registration and kept beside the
// log with ledger.PutSecret, never inside an event. Personal fields — names, e-mail,
// phone, location fixes, Wi-Fi BSSID and SSID, IP addresses, device details, device
// signatures, free-text reasons, notes and comments, work-location addresses, and
// finding details that could carry any of these — enter the log only sealed with
// AES-256-GCM under that key (see seal.go; the nonce is synthetic, so the same content
// seals to the same bytes and a retried upload is byte-identical). The policy's privacy
// level decides what is sealed of a location: exact, coarse (0.01°, accuracy at least
// 1,100 m) or verdict only (no coordinates, no network identifiers). IDs of employees,
// devices, sites and policies, and codes, are plaintext: they must be opaque.
//
// EraseSubject records subject.erased and destroys the key with ledger.DeleteSecret,
// which purges it from every file of the Pebble directory. Afterwards the hash chain
// still verifies (it covers the sealed bytes, which stay), every event still decodes
// (sealed fields just cannot be opened), AccessRequest shows the fields as erased,
// Export withholds the employee's sealed events, and no command records anything more
// about him.
package attendance
