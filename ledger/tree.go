package ledger

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/cockroachdb/pebble/v2"
	"golang.org/x/mod/sumdb/note"

	"github.com/punchledger/punchledger/ledger/internal/merkle"
)

// The Merkle tree (RFC 6962, hashed and proved by golang.org/x/mod/sumdb/tlog) has one
// leaf per event: leaf Seq-1 is SHA-256(0x00 || the event's stored bytes). Its stored
// hashes live under prefixTree, one span per commit group (see ledger/internal/merkle),
// written in an unsynced batch right after the group's events (commit.go: stageTree);
// Open derives any span a crash lost from the events (rebuildTreeTail).

var (
	// ErrInvalidProof reports an inclusion or consistency proof that does not verify.
	ErrInvalidProof = errors.New("ledger: invalid proof")
	// ErrBadSignature reports a checkpoint whose signature is invalid or made by no
	// known key.
	ErrBadSignature = errors.New("ledger: bad checkpoint signature")
	// ErrWrongOrigin reports a checkpoint whose origin line is not its signer's name
	// (a checkpoint of another log).
	ErrWrongOrigin = errors.New("ledger: checkpoint of another log")
)

var treePrefix = []byte{prefixTree}

// leafHash returns the tree leaf hash of an event's stored bytes.
func leafHash(stored []byte) Hash { return Hash(merkle.LeafHash(stored)) }

// LeafHash returns the event's tree leaf hash: SHA-256(0x00 || stored bytes), where
// the stored bytes are EncodeEvent(e).
func (e *Event) LeafHash() Hash { return leafHash(EncodeEvent(e)) }

// treeState is the committer's handle on the tree: begin and finish stage each group's
// stored hashes into the group's batch, committed/abort settle it once the batch has
// (not) committed. Head and proofs may be read from any goroutine.
type treeState struct {
	db *pebble.DB
	t  *merkle.Tree
}

// newTreeState loads the tree over the first size events. Stored hashes that are
// missing or malformed are a *CorruptError.
func newTreeState(db *pebble.DB, size uint64) (*treeState, error) {
	t, err := merkle.Load(db, treePrefix, int64(size))
	if err != nil {
		if errors.Is(err, merkle.ErrCorrupt) {
			return nil, &CorruptError{Seq: size, Reason: "tree: " + err.Error()}
		}
		return nil, fmt.Errorf("ledger: load tree: %w", err)
	}
	return &treeState{db: db, t: t}, nil
}

// begin starts staging a commit group's leaves (see leafPipe).
func (s *treeState) begin() *merkle.Stager { return s.t.NewStager() }

// finish writes the group's stored hashes, staged with st, into b and returns the tree
// head b will give once committed.
func (s *treeState) finish(b *pebble.Batch, st *merkle.Stager) (TreeHead, error) {
	h, err := st.Finish(b)
	if err != nil {
		return TreeHead{}, fmt.Errorf("ledger: stage tree: %w", err)
	}
	return TreeHead{Size: uint64(h.Size), Root: Hash(h.Root)}, nil
}

// committed adopts the head returned by stage after its batch committed.
func (s *treeState) committed(th TreeHead) {
	if err := s.t.Commit(int64(th.Size)); err != nil {
		// Only a committer that reports a head stage never returned gets here.
		panic(fmt.Sprintf("ledger: tree committed out of order: %v", err))
	}
}

// abort forgets staged groups whose batch did not commit.
func (s *treeState) abort() { s.t.Abort() }

func (s *treeState) head() TreeHead {
	h := s.t.Head()
	return TreeHead{Size: uint64(h.Size), Root: Hash(h.Root)}
}

// TreeHead returns the size and root of the tree over every committed event; its
// Size is never beyond Head's seq.
func (l *Ledger) TreeHead() TreeHead {
	th := l.c.tree.head()
	seq, _ := l.Head()
	if th.Size <= seq || l.enter() != nil {
		return th
	}
	defer l.leave()
	// The committer has adopted a group it has not published yet (it publishes right
	// after): report the tree over the published events, read from the store, so that
	// a caller can Get every event the head covers.
	f, err := merkle.LoadFrontier(merkle.StoreReader(l.db, treePrefix), int64(seq))
	if err != nil {
		return th
	}
	return TreeHead{Size: seq, Root: Hash(f.Root())}
}

// Checkpoint returns the current tree head signed by signer, as a note whose text is
// "<signer name>\n<size>\n<base64 root>\n" (the transparency-log checkpoint form).
func (l *Ledger) Checkpoint(signer note.Signer) ([]byte, error) {
	if err := l.enter(); err != nil {
		return nil, err
	}
	defer l.leave()
	return signCheckpoint(signer, l.TreeHead())
}

func signCheckpoint(signer note.Signer, th TreeHead) ([]byte, error) {
	if signer == nil {
		return nil, fmt.Errorf("%w: nil checkpoint signer", ErrInvalid)
	}
	msg, err := merkle.SignCheckpoint(signer, "", merkle.Head{Size: int64(th.Size), Root: merkle.Hash(th.Root)})
	if err != nil {
		return nil, fmt.Errorf("%w: checkpoint: %v", ErrInvalid, err)
	}
	return msg, nil
}

// OpenCheckpoint checks a checkpoint's signature against the known verifiers and
// returns the tree head it signs. Errors: ErrBadSignature (invalid, or no known key
// signed it), ErrWrongOrigin (origin is not the signer's name), ErrInvalid (malformed).
func OpenCheckpoint(msg []byte, verifiers note.Verifiers) (TreeHead, error) {
	h, err := merkle.OpenCheckpoint(msg, verifiers, "")
	if err != nil {
		return TreeHead{}, checkpointError(err)
	}
	return TreeHead{Size: uint64(h.Size), Root: Hash(h.Root)}, nil
}

func checkpointError(err error) error {
	switch {
	case errors.Is(err, merkle.ErrBadSignature), errors.Is(err, merkle.ErrUnverified):
		return fmt.Errorf("%w (%v)", ErrBadSignature, err)
	case errors.Is(err, merkle.ErrWrongOrigin):
		return fmt.Errorf("%w (%v)", ErrWrongOrigin, err)
	}
	return fmt.Errorf("%w: checkpoint (%v)", ErrInvalid, err)
}

// InclusionProof shows that the event at Seq is in the tree of size TreeSize (an
// RFC 6962 audit path). It is a punch receipt: keep it with the event's leaf hash and
// a checkpoint of at least TreeSize, and check it offline with VerifyInclusion.
//
// Its JSON form is {"seq":N,"tree_size":M,"path":["<hex>",...]}; its text form
// (String, MarshalText) is one line: "inclusion <seq> <tree size> <base64 path>".
type InclusionProof struct {
	Seq      uint64
	TreeSize uint64
	Path     []Hash
}

// ConsistencyProof shows that the tree of size OldSize is a prefix of the tree of
// size NewSize: nothing was changed or removed, only appended.
//
// Its JSON form is {"old_size":N,"new_size":M,"path":["<hex>",...]}; its text form is
// "consistency <old size> <new size> <base64 path>".
type ConsistencyProof struct {
	OldSize uint64
	NewSize uint64
	Path    []Hash
}

// ProveInclusion returns the proof that event seq is in the tree of size treeSize
// (0 means the current tree). Seq and sizes out of range are ErrInvalid.
func (l *Ledger) ProveInclusion(seq, treeSize uint64) (InclusionProof, error) {
	if err := l.enter(); err != nil {
		return InclusionProof{}, err
	}
	defer l.leave()
	cur := l.TreeHead().Size
	if treeSize == 0 {
		treeSize = cur
	}
	if seq < 1 || seq > treeSize || treeSize > cur {
		return InclusionProof{}, fmt.Errorf("%w: inclusion of seq %d in a tree of size %d (tree has %d)", ErrInvalid, seq, treeSize, cur)
	}
	p, err := merkle.ProveInclusion(merkle.StoreReader(l.db, treePrefix), int64(treeSize), int64(seq-1))
	if err != nil {
		return InclusionProof{}, proveError(seq, err)
	}
	return InclusionProof{Seq: seq, TreeSize: treeSize, Path: fromMerkle(p)}, nil
}

// ProveConsistency returns the proof that the tree of size oldSize is a prefix of the
// tree of size newSize (0 means the current tree).
func (l *Ledger) ProveConsistency(oldSize, newSize uint64) (ConsistencyProof, error) {
	if err := l.enter(); err != nil {
		return ConsistencyProof{}, err
	}
	defer l.leave()
	cur := l.TreeHead().Size
	if newSize == 0 {
		newSize = cur
	}
	if oldSize > newSize || newSize > cur {
		return ConsistencyProof{}, fmt.Errorf("%w: consistency from size %d to %d (tree has %d)", ErrInvalid, oldSize, newSize, cur)
	}
	p, err := merkle.ProveConsistency(merkle.StoreReader(l.db, treePrefix), int64(oldSize), int64(newSize))
	if err != nil {
		return ConsistencyProof{}, proveError(newSize, err)
	}
	return ConsistencyProof{OldSize: oldSize, NewSize: newSize, Path: fromMerkle(p)}, nil
}

func proveError(seq uint64, err error) error {
	if errors.Is(err, merkle.ErrCorrupt) {
		return &CorruptError{Seq: seq, Reason: "tree: " + err.Error()}
	}
	return fmt.Errorf("ledger: prove: %w", err)
}

// VerifyInclusion checks that p proves the event with leaf hash leaf (Event.LeafHash)
// is at p.Seq in the tree head (from a checkpoint opened with OpenCheckpoint). A
// proof for another tree size or one that does not verify is ErrInvalidProof.
func VerifyInclusion(p InclusionProof, leaf Hash, head TreeHead) error {
	if p.TreeSize != head.Size {
		return fmt.Errorf("%w: proof is for a tree of size %d, head has size %d", ErrInvalidProof, p.TreeSize, head.Size)
	}
	if p.Seq < 1 || p.Seq > head.Size || head.Size > 1<<62 {
		return fmt.Errorf("%w: seq %d in a tree of size %d", ErrInvalidProof, p.Seq, head.Size)
	}
	err := merkle.CheckInclusion(toMerkle(p.Path), merkle.Head{Size: int64(head.Size), Root: merkle.Hash(head.Root)}, int64(p.Seq-1), merkle.Hash(leaf))
	if err != nil {
		return fmt.Errorf("%w: seq %d in tree of size %d", ErrInvalidProof, p.Seq, head.Size)
	}
	return nil
}

// VerifyConsistency checks that p proves the tree old is a prefix of the tree new.
// A proof for other sizes or one that does not verify is ErrInvalidProof.
func VerifyConsistency(p ConsistencyProof, old, new TreeHead) error {
	if p.OldSize != old.Size || p.NewSize != new.Size {
		return fmt.Errorf("%w: proof is for sizes %d→%d, heads have %d→%d", ErrInvalidProof, p.OldSize, p.NewSize, old.Size, new.Size)
	}
	if new.Size > 1<<62 {
		return fmt.Errorf("%w: tree size %d", ErrInvalidProof, new.Size)
	}
	err := merkle.CheckConsistency(toMerkle(p.Path),
		merkle.Head{Size: int64(old.Size), Root: merkle.Hash(old.Root)},
		merkle.Head{Size: int64(new.Size), Root: merkle.Hash(new.Root)})
	if err != nil {
		return fmt.Errorf("%w: tree of size %d is not a prefix of the tree of size %d", ErrInvalidProof, old.Size, new.Size)
	}
	return nil
}

func fromMerkle(p []merkle.Hash) []Hash {
	out := make([]Hash, len(p))
	for i := range p {
		out[i] = Hash(p[i])
	}
	return out
}

func toMerkle(p []Hash) []merkle.Hash {
	out := make([]merkle.Hash, len(p))
	for i := range p {
		out[i] = merkle.Hash(p[i])
	}
	return out
}

// Serialized forms.

type inclusionJSON struct {
	Seq      uint64   `json:"seq"`
	TreeSize uint64   `json:"tree_size"`
	Path     []string `json:"path"`
}

type consistencyJSON struct {
	OldSize uint64   `json:"old_size"`
	NewSize uint64   `json:"new_size"`
	Path    []string `json:"path"`
}

func hexPath(p []Hash) []string {
	out := make([]string, len(p))
	for i, h := range p {
		out[i] = h.String()
	}
	return out
}

func parseHexPath(ss []string) ([]Hash, error) {
	if len(ss) > 128 {
		return nil, fmt.Errorf("%w: proof path of %d hashes", ErrInvalid, len(ss))
	}
	out := make([]Hash, len(ss))
	for i, s := range ss {
		if len(s) != 64 {
			return nil, fmt.Errorf("%w: proof hash %d: %q is not 64 hex digits", ErrInvalid, i, s)
		}
		if _, err := hex.Decode(out[i][:], []byte(s)); err != nil {
			return nil, fmt.Errorf("%w: proof hash %d: %v", ErrInvalid, i, err)
		}
	}
	return out, nil
}

// MarshalJSON encodes the proof with hex hashes.
func (p InclusionProof) MarshalJSON() ([]byte, error) {
	return json.Marshal(inclusionJSON{Seq: p.Seq, TreeSize: p.TreeSize, Path: hexPath(p.Path)})
}

// UnmarshalJSON decodes the form MarshalJSON writes.
func (p *InclusionProof) UnmarshalJSON(b []byte) error {
	var j inclusionJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("%w: inclusion proof: %v", ErrInvalid, err)
	}
	path, err := parseHexPath(j.Path)
	if err != nil {
		return err
	}
	*p = InclusionProof{Seq: j.Seq, TreeSize: j.TreeSize, Path: path}
	return nil
}

// MarshalJSON encodes the proof with hex hashes.
func (p ConsistencyProof) MarshalJSON() ([]byte, error) {
	return json.Marshal(consistencyJSON{OldSize: p.OldSize, NewSize: p.NewSize, Path: hexPath(p.Path)})
}

// UnmarshalJSON decodes the form MarshalJSON writes.
func (p *ConsistencyProof) UnmarshalJSON(b []byte) error {
	var j consistencyJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("%w: consistency proof: %v", ErrInvalid, err)
	}
	path, err := parseHexPath(j.Path)
	if err != nil {
		return err
	}
	*p = ConsistencyProof{OldSize: j.OldSize, NewSize: j.NewSize, Path: path}
	return nil
}

func appendProofText(dst []byte, word string, a, b uint64, path []Hash) []byte {
	dst = append(dst, word...)
	dst = append(dst, ' ')
	dst = strconv.AppendUint(dst, a, 10)
	dst = append(dst, ' ')
	dst = strconv.AppendUint(dst, b, 10)
	dst = append(dst, ' ')
	raw := make([]byte, 0, len(path)*len(Hash{}))
	for _, h := range path {
		raw = append(raw, h[:]...)
	}
	if len(raw) == 0 {
		return append(dst, '-')
	}
	return base64.StdEncoding.AppendEncode(dst, raw)
}

func parseProofText(text []byte, word string) (a, b uint64, path []Hash, err error) {
	bad := func(why string) (uint64, uint64, []Hash, error) {
		return 0, 0, nil, fmt.Errorf("%w: %s proof text: %s", ErrInvalid, word, why)
	}
	f := strings.Split(strings.TrimSpace(string(text)), " ") // a file's final newline is fine
	if len(f) != 4 || f[0] != word {
		return bad(fmt.Sprintf("want %q and three fields", word))
	}
	if a, err = strconv.ParseUint(f[1], 10, 64); err != nil {
		return bad(err.Error())
	}
	if b, err = strconv.ParseUint(f[2], 10, 64); err != nil {
		return bad(err.Error())
	}
	if f[3] == "-" {
		return a, b, []Hash{}, nil
	}
	if len(f[3]) > 8192 {
		return bad("path too long")
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(f[3])
	if err != nil || len(raw) == 0 || len(raw)%len(Hash{}) != 0 {
		return bad("path is not base64 of whole hashes")
	}
	path = make([]Hash, len(raw)/len(Hash{}))
	for i := range path {
		copy(path[i][:], raw[i*len(Hash{}):])
	}
	return a, b, path, nil
}

// MarshalText returns "inclusion <seq> <tree size> <base64 path>" ("-" for an empty path).
func (p InclusionProof) MarshalText() ([]byte, error) {
	return appendProofText(nil, "inclusion", p.Seq, p.TreeSize, p.Path), nil
}

// UnmarshalText parses the form MarshalText writes.
func (p *InclusionProof) UnmarshalText(text []byte) error {
	seq, size, path, err := parseProofText(text, "inclusion")
	if err != nil {
		return err
	}
	*p = InclusionProof{Seq: seq, TreeSize: size, Path: path}
	return nil
}

// String returns the text form.
func (p InclusionProof) String() string {
	return string(appendProofText(nil, "inclusion", p.Seq, p.TreeSize, p.Path))
}

// MarshalText returns "consistency <old size> <new size> <base64 path>" ("-" for an
// empty path).
func (p ConsistencyProof) MarshalText() ([]byte, error) {
	return appendProofText(nil, "consistency", p.OldSize, p.NewSize, p.Path), nil
}

// UnmarshalText parses the form MarshalText writes.
func (p *ConsistencyProof) UnmarshalText(text []byte) error {
	old, size, path, err := parseProofText(text, "consistency")
	if err != nil {
		return err
	}
	*p = ConsistencyProof{OldSize: old, NewSize: size, Path: path}
	return nil
}

// String returns the text form.
func (p ConsistencyProof) String() string {
	return string(appendProofText(nil, "consistency", p.OldSize, p.NewSize, p.Path))
}

// openTree loads the tree over the recovered head. The last groups' spans may be
// missing (they are written unsynced after their events: see stageTree); they are
// derived again from the events and written before the tree is loaded.
func (c *committer) openTree(l *Ledger) error {
	if err := c.rebuildTreeTail(l); err != nil {
		return err
	}
	t, err := newTreeState(l.db, c.seq)
	if err != nil {
		return err
	}
	c.tree = t
	return nil
}

// rebuildTreeTail writes the spans of the events after the last stored span.
func (c *committer) rebuildTreeTail(l *Ledger) error {
	size, err := merkle.StoredSize(l.db, treePrefix)
	if err != nil {
		return &CorruptError{Seq: c.seq, Reason: "tree: " + err.Error()}
	}
	switch {
	case uint64(size) == c.seq:
		return nil
	case uint64(size) > c.seq:
		return &CorruptError{Seq: c.seq, Reason: fmt.Sprintf("tree spans cover %d events, the log has %d", size, c.seq)}
	}
	t, err := merkle.Load(l.db, treePrefix, size)
	if err != nil {
		return &CorruptError{Seq: uint64(size), Reason: "tree: " + err.Error()}
	}
	st := t.NewStager()
	it, err := l.db.NewIter(&pebble.IterOptions{LowerBound: eventKey(uint64(size) + 1), UpperBound: eventKey(c.seq + 1)})
	if err != nil {
		return err
	}
	defer it.Close()
	leaves := make([]merkle.Hash, 0, 1024)
	want := uint64(size) + 1
	for ok := it.First(); ok; ok = it.Next() {
		if k := it.Key(); len(k) != 9 || binary.BigEndian.Uint64(k[1:]) != want {
			return &CorruptError{Seq: want, Reason: "event missing while deriving tree hashes"}
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return err
		}
		leaves = append(leaves, merkle.Hash(leafHash(v)))
		if len(leaves) == cap(leaves) {
			if err := st.Append(leaves); err != nil {
				return err
			}
			leaves = leaves[:0]
		}
		want++
	}
	if err := it.Error(); err != nil {
		return err
	}
	if want != c.seq+1 {
		return &CorruptError{Seq: want, Reason: "event missing while deriving tree hashes"}
	}
	if err := st.Append(leaves); err != nil {
		return err
	}
	b := l.db.NewBatch()
	defer b.Close()
	if _, err := st.Finish(b); err != nil {
		return err
	}
	if err := b.Commit(pebble.Sync); err != nil {
		return err
	}
	l.opts.Logger.Info("ledger: derived the tree hashes of the last events again", "from", size+1, "to", c.seq)
	return nil
}
