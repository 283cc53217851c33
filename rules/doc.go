// Package rules holds the attendance policy model and its pure evaluation: a day's
// punches and the policy in force become a day result with reasons. Evaluation never
// reads a clock, the host time zone or map order.
//
// # Model
//
// A [Policy] is data: versioned (ID, Version), effective from a [Date], in one IANA
// time zone (tzdata is embedded, so results never depend on the host). It is decoded
// from JSON by [ParsePolicy] and checked by [Policy.Validate], which lists every
// problem with its field path in a [*ValidationError]. It holds no maps, only slices
// in a fixed order, so it can be stored as msgpack inside a ledger event as is (see
// "msgpack" below). testdata/policy-example.json is a complete example that uses
// every member; the field comments of [Policy] and its parts document each member,
// its unit (minutes unless said otherwise) and its default. [InForce] picks the
// version in force on a date from the published versions.
//
// The policy's parts, by JSON member:
//
//   - shifts: named shifts with start and end ("HH:MM"; an end at or before the start
//     crosses midnight), a check-in window opening check_in_opens minutes before the
//     start and a check-out window closing check_out_closes minutes after the end,
//     late_grace and early_leave_grace, half_day_below and absent_below (worked
//     minutes), fixed breaks (paid or unpaid) and an auto_break deducted once worked
//     time reaches "after" minutes, flex (core hours and required minutes), worked
//     ("first_last" or "pairs") and pairing ("strict" kinds, unknown kinds inferred
//     from the state; or "alternating", kinds ignored).
//   - week: the default shift of each weekday; a weekday not listed is a rest day.
//     week_start (default monday) starts the workweek.
//   - off_day_shift: optionally, a shift whose window bounds work on rest days and
//     holidays; by default such a day's window is its local calendar day.
//   - calendar: holidays, working_days (swapped working days, e.g. a Sunday worked
//     in exchange for a bridge day), rest_days, and evaluate_on_holidays.
//   - rounding: in and out rules {interval minutes, mode up|down|nearest}, applied to
//     wall-clock time; exact and rounded figures are both kept.
//   - overtime: tiers {after, percent} for daily, weekly, rest_day, holiday and
//     seventh_day; minimum_block; approval_required; count_early_arrival; and a
//     preset (see [Preset]) that fills every category the policy leaves empty:
//     "china_art44" (daily >8h 150%, rest day 200%, statutory holiday 300%),
//     "us_flsa" (weekly >40h 150%), "california" (daily >8h 150%, >12h 200%, weekly
//     >40h 150%, seventh consecutive day of the workweek: first 8h 150%, beyond 200%).
//   - night: the night-hours window for payroll.
//   - remote: the requirements for remote punches (see [JudgePunch]).
//   - corrections: allowed kinds, limit per month or pay period, deadline in calendar
//     or working days, evidence_required, approver (see [Policy.CheckCorrection]).
//   - privacy: what is kept of a location: exact, coarse or verdict only
//     (see [Policy.StoredLocation]).
//   - pay_period: monthly from start_day, or weekly/biweekly from an anchor date
//     (see [Policy.PeriodOf]).
//
// # Which day a punch belongs to
//
// Each date has a plan: holidays first, then the employee's [Roster] (assignments
// by date range; a later assignment wins), then swapped working days, then extra rest
// days, then the default week. A working day's window is its shift's
// [start−check_in_opens, end+check_out_closes); the date is the date the shift starts
// on. When neighbouring days' windows overlap (back-to-back shifts), they split at
// the earlier shift's end (kept inside the overlap); a scheduled shift wins over an
// off day's window. A punch outside every window belongs to no day.
// [Policy.AttendanceDate] answers for one instant, [Policy.Schedule] for one date.
// A roster assignment naming an unknown shift is reported (roster_unknown_shift) and
// the default schedule applies.
//
// # Evaluation
//
// [Evaluate] takes a [DayInput] (policy, date, roster, leave, the punches around the
// date, approved corrections, the week so far, AsOf and SyncedThrough) and returns a
// [DayResult]: status, first in and last out, worked, late and early-leave time (each
// a [Figure] with exact and rounded values), regular time, overtime lines by
// category with multipliers, night time, unpaid breaks, and a [Reason] (code, the
// policy clause as a field path, a detail) for every flag.
//
// Punches inside the window count, except rejected ones (reported); the same punch
// given twice counts once. Approved corrections for the date then add (missing_in,
// missing_out), move (change) or drop (void) punches. Pairing gives each punch an
// effective kind: strict keeps the kinds and infers unknown ones from the state;
// alternating ignores kinds; for first_last an unknown first punch is the in and an
// unknown last punch the out. Pairing happens within one window, so a forgotten
// check-out never shifts the next day's punches.
//
// Worked time starts at a fixed shift's start unless count_early_arrival; fixed
// unpaid breaks that overlap worked time are deducted; an auto break deducts its
// minutes less the gaps already taken between pairs. Late time counts from the
// expected start once past the grace (the whole lateness); with half-day leave the
// expected start (am) or end (pm) moves to the shift's midpoint and the thresholds
// halve. Leave only applies to working days. Overtime is computed on rounded worked
// whole minutes: holiday tiers on
// holidays, rest_day tiers on rest days, the seventh-day tiers on the seventh day of
// the workweek when the six before were worked, daily tiers otherwise; then weekly
// tiers over the regular time of the workweek; then the minimum block.
//
// Weekly rules need the week's earlier days: pass them in [DayInput].Week (a
// [WeekToDate]: regular time and days worked so far), or evaluate the days together
// with [EvaluateWeek], which fills Week from the earlier results.
//
// A day is Final only when AsOf and SyncedThrough (the instant up to which the
// employee's devices have uploaded every punch) have both passed the window's close.
// A day that is not final is never absent, missing_in or missing_out: it is pending
// (no punches yet) or provisionally present or late. Re-evaluating after a late
// offline punch arrives gives the right answer deterministically.
//
// Every flag is a [Reason]: a code (the Reason… constants), the clause behind it (a
// field path into the policy such as "shifts[0].late_grace" or "overtime.daily[1]",
// or into the input: "roster[i]", "leave[i]", "corrections[i]") and a detail for
// people. Reasons come in a fixed order, never in input order.
//
// Evaluate is pure and deterministic: the result depends on the input only, not on
// the order of punches (they are sorted by time, kind, ID), the host's time zone or
// map order. Times in results are in the policy's zone.
//
// # Remote punches
//
// [JudgePunch] checks a punch's evidence: the location checks that are configured
// (zones, Wi-Fi BSSIDs, IP networks) combined any_of or all_of; a bound device;
// required factors and a minimum number; the offline upload delay and the device
// clock skew; an invalid signature; and the spoofing signals of package geofence.
// Each finding's action (reject, flag, field or accept; flag by default) comes from
// remote.actions; the verdict's outcome is the most severe one. With any_of, when
// every location check fails, each failure is reported with the least severe of
// their actions (the punch is as acceptable as its best alternative: with
// outside_fence → field, a punch outside the fence and off the office network is a
// field punch). With all_of every failure counts with its own action. Evaluate skips
// rejected punches and marks days whose punches are all field punches as "field".
//
// # Performance
//
// Validate compiles the policy (zone, clocks, lookup tables) and caches the compiled
// form on the Policy; Evaluate on a validated policy takes about a microsecond and
// allocates only the result's slices (BenchmarkEvaluate). When no DST change is
// near the date, wall-clock times are computed by arithmetic on the zone's offset;
// otherwise by time.Date. A policy decoded from msgpack must be validated once
// before use (otherwise every call compiles it again, which is correct but slow).
// A validated Policy is safe for concurrent use as long as nobody changes it.
//
// # msgpack
//
// Policy and its parts have msgpack tags equal to their JSON names; [Date] encodes as
// "YYYY-MM-DD" text, enums as strings, multipliers as integer percents, and there are
// no maps, so encoding is deterministic.
package rules
