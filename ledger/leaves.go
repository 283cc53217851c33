package ledger

import (
	"sync"

	"github.com/punchledger/punchledger/ledger/internal/merkle"
)

// leafPipe computes a commit group's tree leaf hashes, and appends them to the group's
// tree stager, on other goroutines while the committer goes on staging the group
// (encoding, chain hashing, index lookups) and then writes and syncs the group's batch.
// A leaf hash is SHA-256 over the whole stored envelope, as much work as the chain hash,
// and the tree adds about one node hash per leaf; neither is needed before the group's
// tree span is written, after its events are durable, and unlike the chain hash the
// leaf hashes do not depend on the event before. On a batch of 1,000 events this takes
// both off the committer's critical path.
//
// Envelopes are handed over in chunks. Each chunk's goroutine hashes its leaves (in
// parallel with the other chunks), then waits for the chunk before it to have appended
// its leaves to the stager, and appends its own: the stager sees the leaves in order.
//
// The sealed envelopes live in arena blocks that are never moved or rewritten while the
// group is open, so a hasher reads them while the committer appends after them.
type leafPipe struct {
	envs   [][]byte      // stored envelopes of the group, in seq order
	leaves []merkle.Hash // their leaf hashes: leaves[i] is written by the hasher of envs[i]
	n      int           // envelopes added
	handed int           // envelopes handed to a hasher
	wg     sync.WaitGroup

	st   *merkle.Stager // the group's tree stager
	prev chan struct{}  // closed once the last handed chunk is in st
	err  error          // st's first error; written in chunk order, read after wg.Wait

	blocks [][]byte // arena, kept across groups
	blk    int      // block being filled
}

const (
	// leafChunk is how many envelopes one hasher goroutine takes: enough that starting
	// it costs little beside the hashing, few enough that hashing overlaps staging.
	leafChunk = 128
	// arenaBlock is the size of an arena block (an envelope larger gets its own).
	arenaBlock = 256 << 10
)

// begin readies the pipe for a group of at most events envelopes whose leaves go to st.
// The committer counts events from the group's requests (every event it can stage), so
// add never runs past them, and hashers can write their leaves into slices that are not
// reallocated under them.
func (p *leafPipe) begin(events int, st *merkle.Stager) {
	p.n, p.handed, p.blk = 0, 0, 0
	p.st, p.prev, p.err = st, nil, nil
	for i := range p.blocks {
		p.blocks[i] = p.blocks[i][:0]
	}
	if cap(p.envs) < events {
		p.envs = make([][]byte, events)
		p.leaves = make([]merkle.Hash, events)
	}
	p.envs, p.leaves = p.envs[:cap(p.envs)], p.leaves[:cap(p.leaves)]
}

// space returns arena space for an envelope of n bytes: a slice of length 0 whose
// capacity is at least n, that nothing else will write.
func (p *leafPipe) space(n int) []byte {
	for ; p.blk < len(p.blocks); p.blk++ {
		if b := p.blocks[p.blk]; cap(b)-len(b) >= n {
			return b[len(b):len(b):cap(b)]
		}
	}
	p.blocks = append(p.blocks, make([]byte, 0, max(arenaBlock, n)))
	p.blk = len(p.blocks) - 1
	return p.blocks[p.blk][:0]
}

// add records that stored (written into space's slice) is the group's next envelope.
func (p *leafPipe) add(stored []byte) {
	b := p.blocks[p.blk]
	p.blocks[p.blk] = b[:len(b)+len(stored)]
	p.envs[p.n] = stored
	p.n++
	if p.n-p.handed >= leafChunk {
		p.hand()
	}
}

// hand starts a hasher for the envelopes not handed yet.
func (p *leafPipe) hand() {
	if p.handed == p.n {
		return
	}
	envs, leaves := p.envs[p.handed:p.n], p.leaves[p.handed:p.n]
	p.handed = p.n
	prev, done := p.prev, make(chan struct{})
	p.prev = done
	p.wg.Go(func() {
		defer close(done)
		for i, s := range envs {
			leaves[i] = merkle.Hash(leafHash(s))
		}
		if prev != nil {
			<-prev
		}
		if p.err == nil {
			p.err = p.st.Append(leaves)
		}
	})
}

// finish waits until every leaf of the group is hashed and in the stager.
func (p *leafPipe) finish() error {
	p.hand()
	p.wg.Wait()
	return p.err
}

// wait waits for the hashers (a group that fails must not reuse the arena under them).
func (p *leafPipe) wait() { p.wg.Wait() }
