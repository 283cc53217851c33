// Package projection derives read models from the ledger: a runner that applies every
// event in order with its checkpoint stored atomically beside the state, as-of replay,
// and the built-in attendance projections.
package projection
