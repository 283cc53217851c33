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
package attendance
