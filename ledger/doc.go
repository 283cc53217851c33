// Package ledger is punchledger's append-only, hash-chained, tamper-evident event log
// on Pebble.
//
// # Model
//
// A Ledger is one Pebble database holding one totally ordered log of events. Every
// event has a global position Seq (1, 2, 3, … with no gaps), belongs to one stream
// ("employee/E1001") in which it has a Version (1, 2, 3, …), and carries an ID that is
// unique forever. Callers append Proposed events to a stream, optionally stating the
// version they expect (optimistic concurrency); the ledger fills in Seq, Version,
// RecordedAt (its own clock) and the hash chain, and answers with the committed
// envelopes. Readers scan by Seq, by stream or by recorded time, on views bounded to a
// head (Snapshot, AsOf), and tail the log with Subscribe. The Merkle tree, checkpoints,
// proofs, Verify and Export/Import are in tree.go, verify.go and export.go.
//
// # Invariants
//
//  1. Keys. Every key starts with one prefix byte (keys.go): 'e' events by seq, 'i' the
//     ID index, 's' the stream index, 'r' the recorded-time index, 'h' the Merkle tree,
//     'x' secrets, 'm' metadata. Integers in keys are big-endian, so Pebble's order is
//     numeric order. Prefixes are persisted and never reused.
//  2. The envelope. An event is stored under 'e'+seq as its canonical bytes followed by
//     its Hash: format byte 1, then fixed-width big-endian seq, ID, version, schema,
//     occurredAt and recordedAt (int64 unix nanoseconds, UTC), prevHash, the lengths of
//     stream, type, actor and data, then those bytes. Hash = SHA-256(PrevHash ||
//     canonical bytes); PrevHash of Seq 1 is zero. The hash covers the stored bytes,
//     never a re-encoding, and the decoder accepts exactly one encoding per event
//     (FuzzDecodeEvent checks decode∘encode is the identity). The layout never changes
//     in place: a new layout is a new format byte (testdata/golden/envelope.txt).
//  3. Indexes. 'i'+ID → seq. "Same ID, same content" (a retry) and "same ID, other
//     content" (an error) are told apart by comparing the stored event's stream and
//     caller-chosen fields with the proposed ones (only when an ID exists, so the
//     append path hashes nothing for it). 's'+stream+0x00+version → seq, one key per
//     run of versions of the stream at consecutive seqs (an append's events to its
//     stream; keys.go), keyed by the run's last version; the last key of a stream is
//     its head. 'r'+recordedAt+lastSeq marks the last event of each
//     commit group. All of them are written in the same batch as the events. The tree's
//     stored hashes ('h', one span per group) follow in an unsynced batch of their own
//     right after (see 4); they are derived data: Open writes any that a crash lost.
//  4. Group commit. One committer goroutine owns every write to the log. It takes
//     whatever appends are queued (up to Options.MaxGroupEvents events), checks each
//     request in order — IDs against the ID index and against the group itself, then the
//     expected version against the stream head including earlier requests of the group —
//     stages the accepted ones into one Pebble batch (events, ID index, stream index,
//     time index), writes it with one fsync, writes the group's tree span (hashed by other
//     goroutines meanwhile, leaves.go), and only then acknowledges the callers and wakes
//     subscribers. A request that fails a check writes nothing and
//     fails alone; a failed write fails the whole group and nothing of it is visible.
//  5. Atomicity. A request's events are in one batch: after any crash either all of
//     them are visible or none. The log is never partial and never has a gap.
//  6. Durability. Unless Options.NoSync, an acknowledged append has been fsynced (Pebble
//     WAL, pebble.Sync). With NoSync a crash of the machine loses recently acknowledged
//     appends (the surviving log is still a gapless, verifying prefix). A failed WAL
//     write is fatal to Pebble's commit pipeline: the group gets ErrFailed, the ledger
//     refuses every later write, and reopening the directory recovers what was
//     acknowledged.
//  7. Visibility. Head, reads and subscribers see an event only after its batch's commit
//     returned (Pebble makes writes readable before their fsync; the ledger publishes
//     its head after). Everything with Seq <= Head() is readable.
//  8. Time. RecordedAt = max(previous RecordedAt, Options.Now()), read once per commit
//     group, so it never decreases with Seq and "everything known at time T" is a prefix
//     of the log (SeqAsOf).
//  9. Idempotency. An append whose event IDs all exist with identical content returns
//     the original positions (Duplicate) and writes nothing — forever, across restarts.
//     Some IDs existing is ErrPartialDuplicate; other content is *DuplicateIDError.
//     IDs the ledger chooses (zero ID in Proposed) are random 128-bit values and are not
//     looked up.
//  10. Snapshots. A Snapshot is the log up to a seq. Events and index entries are never
//     changed or deleted, so bounding every read by that seq is a consistent view; no
//     Pebble snapshot is held.
//  11. Recovery. Open reads the last event (head, its hash and RecordedAt), loads the tree
//     frontier for that size, and loads stream heads lazily on first use. The in-memory
//     Bloom filter over IDs (idfilter.go), which spares most appended IDs an index
//     lookup, is filled in the background from the first append on; until then every
//     ID is looked up, so no answer depends on it.
//  12. Secrets are side data outside the log ('x' keys). DeleteSecret purges a value from
//     every file in the directory: tombstone, flush, compaction of the key range,
//     waiting for obsolete files to be deleted; Pebble is configured not to recycle WAL
//     files so no old log keeps the bytes.
//
// # Reading
//
// Scan callbacks get a *Event that is reused between calls and whose Data aliases
// Pebble's buffer: copy what you keep. Payloads are msgpack bytes, decoded only on
// demand through a Registry; unknown types decode to *Unknown and are kept untouched.
package ledger
