package ledger

import (
	"context"
	"fmt"
	"time"
)

// importStored writes already-encoded events (stored envelope bytes, as Export wrote
// them) with their original Seq, RecordedAt and hashes, in one batch through the
// committer. stored must continue the chain: Seq = head+1, head+2, ..., each PrevHash
// the previous Hash, each Hash recomputed and equal, RecordedAt never decreasing, IDs
// new and stream versions consecutive. Any failure writes nothing and returns a
// *CorruptError (or ErrInvalid) naming the seq. Used by Import on an empty ledger.
func (l *Ledger) importStored(ctx context.Context, stored [][]byte) error {
	if len(stored) == 0 {
		return nil
	}
	if err := l.enter(); err != nil {
		return err
	}
	defer l.leave()
	return l.submit(ctx, &commitReq{imports: stored, done: make(chan struct{})})
}

// stageImport checks and stages stored events continuing the chain in g.
func (c *committer) stageImport(l *Ledger, g *groupState, stored [][]byte) error {
	start := g.seq
	for _, v := range stored {
		e := new(Event)
		want := g.seq + 1
		if err := decodeEvent(v, e, false); err != nil {
			return &CorruptError{Seq: want, Reason: err.Error()}
		}
		bad := func(format string, args ...any) error {
			return &CorruptError{Seq: want, Reason: fmt.Sprintf(format, args...)}
		}
		if e.Seq != want {
			return bad("import expects seq %d, got %d", want, e.Seq)
		}
		if e.PrevHash != g.hash {
			return bad("prev hash %v does not match the previous event's hash %v", e.PrevHash, g.hash)
		}
		if h := chainHash(e.PrevHash, v[:len(v)-len(e.Hash)]); h != e.Hash {
			return bad("hash %v, recomputed %v", e.Hash, h)
		}
		if err := validStream(e.Stream); err != nil {
			return bad("%v", err)
		}
		p := Proposed{ID: e.ID, Type: e.Type, Schema: e.Schema, OccurredAt: e.OccurredAt, Actor: e.Actor, Data: e.Data}
		if err := p.validate(); err != nil {
			return bad("%v", err)
		}
		if n := e.RecordedAt.UnixNano(); n != g.nanos {
			if n < g.nanos {
				return bad("recorded-at %v before the previous event's %v", e.RecordedAt, time.Unix(0, g.nanos).UTC())
			}
			if g.seq > start {
				if err := c.batch.Set(timeKey(g.nanos, g.seq), nil, nil); err != nil {
					return err
				}
			}
			g.nanos = n
		}
		sum := c.filter.sum(e.ID)
		if _, ok, err := c.lookupID(l, e.ID, sum); err != nil {
			return err
		} else if ok {
			return bad("event ID %v exists already", e.ID)
		}
		cur, err := c.streamHead(l, e.Stream)
		if err != nil {
			return err
		}
		if e.Version != cur+1 {
			return bad("stream %q version %d, expected %d", e.Stream, e.Version, cur+1)
		}
		if err := c.put(g, e, sum); err != nil {
			return err
		}
		c.newStreams[e.Stream] = e.Version
	}
	return nil
}
