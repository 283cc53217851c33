// Package layering holds no code: its test keeps the module's dependency direction,
// geofence ← rules ← ledger ← attendance ← projection ← cmd, as DESIGN.md draws it.
package layering
