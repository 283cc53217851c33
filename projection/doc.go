// Package projection derives read models from the ledger: a runner that applies every
// event in order with its checkpoint stored atomically beside the state, as-of replay,
// and the built-in attendance projection with its authorized reports.
//
// # Model
//
// A [Projection] has a name, a code version and an Apply method that folds one event
// into state through a [Writer]. A [Store] keeps the state of any number of projections
// in its own Pebble database, separate from the ledger's, and runs them:
//
//   - [Store.CatchUp] applies everything from each projection's checkpoint to the
//     ledger's head (or a given seq) and returns; [Store.Run] then follows the ledger's
//     tail ([ledger.Ledger.Subscribe]) until its context ends. Several projections are
//     fed from one read of the log.
//   - Events are applied in batches (Options.BatchEvents and BatchBytes): everything
//     the projections wrote for a batch, and their checkpoints, are committed in one
//     Pebble batch. A projection that implements [Flusher] gets a Flush call before each
//     commit, to write work it deferred (the built-in projection evaluates each touched
//     employee-day once per batch). While catching up, the log is read and decoded on
//     a goroutine of its own, a few chunks of events ahead, and each intermediate
//     commit runs while the next batch is applied: commits stay in order, and the
//     next batch's reads of the store wait for the commit before it.
//   - An intermediate commit of a catch-up may leave work for later
//     ([Checkpoint].Pending): the built-in projection evaluates a day whose window is
//     still open only once it closes (or a pay period closes, or the catch-up ends),
//     which saves a third of a rebuild's evaluations. The last commit of every run,
//     and every commit while following the tail, leaves nothing pending; a run that
//     stopped at a pending checkpoint is finished by the next one.
//   - [Store.Wait] and [Store.Sync] block until a projection has caught up to a seq
//     at a checkpoint that is not pending.
//   - [Store.Replay] (or [Store.ReplayAsOf] with a recorded time) builds projections over
//     the log as of a seq in a separate space and returns a [View] of it; the live
//     state is never touched. [Diff] and [DiffDaily] compare two views.
//
// # Invariants
//
//  1. State and checkpoint are committed in one batch: after a crash, a projection's
//     state reflects exactly the events up to its checkpoint, with what a pending one
//     left recorded in it; none is applied twice or skipped.
//  2. A projection's state is a function of the log prefix up to its checkpoint: the
//     same in one pass, in any batching, and after any number of crashes and resumes
//     ([projectiontest] checks this for any projection).
//  3. A changed code version drops the projection's state and replays the log.
//  4. Output is deterministic: keys are sorted bytes, values stable encodings (msgpack
//     arrays, no maps), reports sorted; no clock, randomness or map order is read.
//
// # Key layout
//
// In the store's database every key starts with "m/" (a checkpoint: m/<space>/<name>)
// or "s/" (state: s/<space>/<name>/<key>). The live space is "live"; an as-of run at seq
// N is "asof-<N, 20 digits>". Projection names are [a-z0-9._-], so no name or space
// contains '/'. The built-in projection's own keys are listed in records.go.
//
// # The built-in attendance projection
//
// [NewAttendance] returns the projection behind the reports [Daily], [Payroll],
// [Exceptions], [Quota], [Explain] and [DiffDaily]. Punches carry their findings in
// plaintext (the personal fields stay sealed); the projection applies the policy in
// force with [rules.Evaluate], using as AsOf the recorded time of the last event that
// affected the day, never a wall clock. A day is re-evaluated when a punch (even a late
// offline one), a void, a correction request or decision, leave, a roster change or a
// policy version effective on or before it arrives, and once when its attendance window
// has closed in log time, so that a day without punches shows as absent. A closed pay
// period is frozen; a later change to one of its days becomes an adjustment line in
// the next open period.
//
// Every report is authorized for an [attendance.Actor]: an employee sees his own
// records, a manager his direct reports', HR, admins and auditors everyone, the system
// and devices nothing — the rule of attendance's Service.CanRead, evaluated on the roles
// and managers the projection has folded from the same log (a test checks the two
// agree for every pair of actor and employee).
package projection
