package ledger

import "encoding/binary"

// Key layout. Every key starts with one prefix byte; integers in keys are big-endian
// so that Pebble's bytewise order is numeric order. Prefix bytes are persisted: never
// reuse or renumber one (new data gets a new byte).
//
//	'e' seq(8)                      → stored envelope bytes (see encodeEvent)
//	'i' id(16)                      → seq(8)  (the ID index)
//	's' stream 0x00 version(8)      → seq(8)  (the stream index: one key per run, see below;
//	                                           the stream's last key is its head)
//	'r' recordedAt(8) lastSeq(8)    → empty   (one key per commit group: the recorded-time index)
//	'h' leaf(8)                     → tlog stored hashes of a commit group's leaves, from
//	                                           that leaf on, concatenated: one span per group
//	                                           (the Merkle tree: tree.go, ledger/internal/merkle)
//	't' leaf(8)                     → format 2 only: the same, one key per leaf (retired)
//	'x' subject                     → secret value (side data, not part of the log)
//	'm' name                        → metadata (format version)
//
// The stream index holds one key per run: a run is versions prevVersion+1 … version of
// one stream stored at consecutive seqs seq-(version-prevVersion-1) … seq, where
// prevVersion is the version of the stream's previous key (0 for its first). Version v
// of the run is at seq - (version - v). The committer ends a run when the stream, the
// next version or the next seq breaks it, and at the end of the commit group, so one
// key stands for an Append's events to its stream (one per event: the same key and
// value as a run of one). streamRun decodes and checks a key.
//
// recordedAt in keys is unix nanoseconds with the sign bit flipped (orderedInt64), so that
// times before 1970 still sort first.
const (
	prefixEvent  byte = 'e'
	prefixID     byte = 'i'
	prefixStream byte = 's'
	prefixTime   byte = 'r'
	prefixTree   byte = 'h'
	prefixTree2  byte = 't' // format 2's per-leaf tree records; migrated to prefixTree
	prefixSecret byte = 'x'
	prefixMeta   byte = 'm'
)

// metaFormat is the key holding the on-disk format version.
var metaFormat = []byte{prefixMeta, 'f', 'o', 'r', 'm', 'a', 't'}

// formatVersion is the current on-disk format. Bumped only with a migration.
// Format 2: the ID index value is the seq alone and the stream index has one key per
// run (format 1 also held a content digest, and had one stream key per event).
// Format 3: the tree's stored hashes are one span per commit group under 'h' instead of
// one key per leaf under 't' (a batch of 1,000 events writes one tree key, not 1,000);
// Open migrates format 2 (migrate.go).
const formatVersion = 3

// idValueLen is the length of an ID index value: the event's seq.
const idValueLen = 8

func eventKey(seq uint64) []byte {
	k := make([]byte, 9)
	k[0] = prefixEvent
	binary.BigEndian.PutUint64(k[1:], seq)
	return k
}

func appendEventKey(dst []byte, seq uint64) []byte {
	dst = append(dst, prefixEvent)
	return binary.BigEndian.AppendUint64(dst, seq)
}

func idKey(id ID) []byte { return appendIDKey(make([]byte, 0, 17), id) }

func appendIDKey(dst []byte, id ID) []byte {
	return append(append(dst, prefixID), id[:]...)
}

// streamPrefix is 's' stream 0x00; stream names never contain 0x00.
func streamPrefix(stream string) []byte {
	k := make([]byte, 0, len(stream)+2+8)
	k = append(k, prefixStream)
	k = append(k, stream...)
	return append(k, 0)
}

func streamKey(stream string, version uint64) []byte {
	return binary.BigEndian.AppendUint64(streamPrefix(stream), version)
}

func appendStreamKey(dst []byte, stream string, version uint64) []byte {
	dst = append(append(append(dst, prefixStream), stream...), 0)
	return binary.BigEndian.AppendUint64(dst, version)
}

func orderedInt64(v int64) uint64 { return uint64(v) ^ (1 << 63) }

func timeKey(nanos int64, lastSeq uint64) []byte {
	k := make([]byte, 17)
	k[0] = prefixTime
	binary.BigEndian.PutUint64(k[1:], orderedInt64(nanos))
	binary.BigEndian.PutUint64(k[9:], lastSeq)
	return k
}

func secretKey(subject string) []byte {
	k := make([]byte, 0, len(subject)+1)
	k = append(k, prefixSecret)
	return append(k, subject...)
}

// prefixEnd returns the first key after every key with the given prefix.
func prefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}
