package ledger

import "context"

// Subscribe calls fn for every event with Seq >= from (from 0 means 1), once and in
// order: first those already committed, then live ones as they commit — only after
// their batch was written and synced, never before. It returns ctx.Err() when ctx ends,
// ErrClosed when the ledger closes, fn's error if fn fails (nil for ErrStop). fn's *Event
// is valid only during the call. A subscription resumes from any position: pass the
// last seq seen plus one.
func (l *Ledger) Subscribe(ctx context.Context, from uint64, fn func(*Event) error) error {
	if from == 0 {
		from = 1
	}
	for {
		head, notify := l.headAndNotify()
		if head >= from {
			err := l.Snapshot().Scan(ctx, from, head, func(e *Event) error {
				if err := fn(e); err != nil {
					return err
				}
				from = e.Seq + 1
				return nil
			})
			if err != nil {
				return stopped(err)
			}
			if from <= head {
				// fn returned ErrStop: Scan reports nil but did not reach head.
				return nil
			}
			continue
		}
		select {
		case <-notify:
		case <-ctx.Done():
			return ctx.Err()
		case <-l.closing:
			return ErrClosed
		}
	}
}
