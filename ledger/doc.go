// Package ledger is punchledger's append-only, hash-chained, tamper-evident event log on
// Pebble.
package ledger
