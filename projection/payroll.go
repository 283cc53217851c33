package projection

import (
	"slices"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/rules"
)

// PayrollRow is one employee's payroll hours for one pay period. Totals is the sum of
// the period's days. Once the period is closed (payperiod.closed), Totals never changes
// again: a later change to one of its days is booked as an Adjustment in the next open
// period instead, with the difference it makes.
type PayrollRow struct {
	_msgpack    struct{}        `msgpack:",as_array"`
	Employee    string          `json:"employee"`
	From        string          `json:"from"`
	To          string          `json:"to"`
	Closed      bool            `json:"closed"`
	ClosedBy    EventRef        `json:"closed_by"` // zero while open
	Totals      Figures         `json:"totals"`
	Adjustments []AdjustmentRow `json:"adjustments,omitempty"` // one line per changed day, by date
	Adjusted    Figures         `json:"adjusted"`              // sum of Adjustments
}

// AdjustmentRow is the difference a day of a closed period makes now, compared with
// what the closed period (and adjustments frozen since) hold for it; booked in the next
// open period.
type AdjustmentRow struct {
	_msgpack struct{} `msgpack:",as_array"`
	Date     string   `json:"date"`   // the day that changed
	Period   string   `json:"period"` // from-date of the closed period it belongs to
	Delta    Figures  `json:"delta"`
	Seq      uint64   `json:"seq"` // the last event that changed the day
}

func (a *Attendance) closedList(r Reader) ([]closedRec, error) {
	if a.closed != nil {
		return *a.closed, nil
	}
	var list []closedRec
	err := r.Scan([]byte("c/"), PrefixEnd([]byte("c/")), func(_, v []byte) error {
		var c closedRec
		if err := unmarshalWire(v, &c); err != nil {
			return err
		}
		list = append(list, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	a.closed = &list
	return list, nil
}

// isClosed reports whether date d of an employee on policy pol is in a closed period.
func (a *Attendance) isClosed(r Reader, pol string, d rules.Date) (bool, error) {
	list, err := a.closedList(r)
	if err != nil {
		return false, err
	}
	ds := d.String()
	for _, c := range list {
		if (c.PolicyID == "" || c.PolicyID == pol) && c.From <= ds && ds <= c.To {
			return true, nil
		}
	}
	return false, nil
}

func getPay(r Reader, from, emp string) (*PayrollRow, error) {
	return getRecord[PayrollRow](r, keyPay(from, emp))
}

// book brings the payroll in line with a day's new figures: into the day's period while
// it is open; else as the day's adjustment line in the next open period, which always
// holds the whole difference between the figures now and what closed periods hold. The
// result depends only on the day's figures and which periods are closed, never on how
// many evaluations led there.
func (a *Attendance) book(w Writer, rec *employeeRec, emp string, day rules.Date, st *dayState, pv *policyVersion, fig Figures, seq uint64) error {
	date := day.String()
	pol := pv.rec.PolicyID
	changed := false
	defer func() {
		if changed {
			a.changedDay(rec, emp, date, st)
		}
	}()
	if st.AdjPeriod != "" {
		d, err := rules.ParseDate(st.AdjPeriod)
		if err != nil {
			return err
		}
		if closed, err := a.isClosed(w, pol, d); err != nil {
			return err
		} else if closed {
			// The adjustment was frozen with its period: it is part of the base now.
			st.Base, st.Adj, st.AdjPeriod = st.Base.add(st.Adj, 1), Figures{}, ""
			changed = true
		}
	}
	from, to := pv.policy.PeriodOf(day)
	closed, err := a.isClosed(w, pol, day)
	if err != nil {
		return err
	}
	if st.Period == "" {
		st.Period = from.String()
		changed = true
	}
	if !closed {
		if st.Base.equal(fig) {
			return nil
		}
		row, err := a.payRowOf(w, rec, from, to, emp)
		if err != nil {
			return err
		}
		row.Totals = row.Totals.add(fig.add(st.Base, -1), 1)
		st.Base, changed = fig, true
		return nil
	}
	want := fig.add(st.Base, -1)
	if want.isZero() && st.AdjPeriod == "" {
		return nil
	}
	target, tTo := from, to
	for i := 0; closed && i < 1000; i++ {
		target, tTo = pv.policy.PeriodOf(tTo.AddDays(1))
		if closed, err = a.isClosed(w, pol, target); err != nil {
			return err
		}
	}
	if st.AdjPeriod != "" && st.AdjPeriod != target.String() {
		// The earlier target is open but no longer next (cannot happen while periods
		// close in order); keep the books right by moving the line.
		old, err := rules.ParseDate(st.AdjPeriod)
		if err != nil {
			return err
		}
		row, err := a.payRow(w, old, old, emp)
		if err != nil {
			return err
		}
		setLine(row, date, st.Period, Figures{}, seq)
	}
	row, err := a.payRow(w, target, tTo, emp)
	if err != nil {
		return err
	}
	setLine(row, date, st.Period, want, seq)
	st.Adj, st.AdjPeriod, changed = want, target.String(), true
	if want.isZero() {
		st.AdjPeriod = ""
	}
	return nil
}

// payRow returns emp's row of the period from..to for changing (cached, written at
// Flush).
func (a *Attendance) payRow(r Reader, from, to rules.Date, emp string) (*PayrollRow, error) {
	rec, err := a.employeeRec(r, emp)
	if err != nil {
		return nil, err
	}
	return a.payRowOf(r, rec, from, to, emp)
}

// payRowOf is payRow for emp's record rec (nil when unknown). The record keeps the
// row it last returned (employeeRec.pay): every caller looks there first, so a row
// has one object even once the pays cache has let it go.
func (a *Attendance) payRowOf(r Reader, rec *employeeRec, from, to rules.Date, emp string) (*PayrollRow, error) {
	if rec != nil && rec.pay != nil && rec.payFrom == from {
		if rec.payBatch != a.batch {
			a.paysDirty[payKey{rec.pay.From, emp}] = rec.pay
			rec.payBatch = a.batch
		}
		return rec.pay, nil
	}
	k := payKey{from.String(), emp}
	row, ok := a.pays.get(k)
	if !ok {
		if rec == nil || k.from <= rec.LastPay {
			var err error
			if row, err = getPay(r, k.from, emp); err != nil {
				return nil, err
			}
		}
		if row == nil {
			row = &PayrollRow{Employee: emp, From: k.from, To: to.String()}
		}
		a.pays.put(k, row)
	}
	a.paysDirty[k] = row
	if rec != nil {
		rec.pay, rec.payFrom, rec.payBatch = row, from, a.batch
	}
	return row, nil
}

// setLine makes date's adjustment line in row equal delta (removing it when zero),
// keeping lines sorted by date and Adjusted their sum.
func setLine(row *PayrollRow, date, dayPeriod string, delta Figures, seq uint64) {
	i, found := slices.BinarySearchFunc(row.Adjustments, date, func(x AdjustmentRow, d string) int { return cmpStr(x.Date, d) })
	if found {
		row.Adjusted = row.Adjusted.add(row.Adjustments[i].Delta, -1)
		if delta.isZero() {
			row.Adjustments = slices.Delete(row.Adjustments, i, i+1)
		} else {
			row.Adjustments[i] = AdjustmentRow{Date: date, Period: dayPeriod, Delta: delta, Seq: seq}
		}
	} else if !delta.isZero() {
		row.Adjustments = slices.Insert(row.Adjustments, i, AdjustmentRow{Date: date, Period: dayPeriod, Delta: delta, Seq: seq})
	}
	if !delta.isZero() {
		row.Adjusted = row.Adjusted.add(delta, 1)
	}
	if len(row.Adjustments) == 0 {
		row.Adjustments = nil
	}
}

// periodClosed freezes [From, To] for the employees of the policy (all when ""). Every
// day touched before the close is evaluated first, so the frozen totals are exactly
// what the log said up to this event.
func (a *Attendance) periodClosed(w Writer, ev *ledger.Event, p *attendance.PayPeriodClosed) error {
	if _, err := rules.ParseDate(p.From); err != nil {
		return nil
	}
	if _, err := rules.ParseDate(p.To); err != nil {
		return nil
	}
	if err := a.evaluateDirty(w); err != nil {
		return err
	}
	c := closedRec{PolicyID: p.PolicyID, From: p.From, To: p.To, Seq: ev.Seq, ID: ev.ID}
	if err := a.write(w, keyClosed(p.PolicyID, p.From), &c); err != nil {
		return err
	}
	if a.closed != nil {
		list := append(*a.closed, c)
		a.closed = &list
	}
	prefix := "y/" + p.PolicyID + "/"
	if p.PolicyID == "" {
		prefix = "e/"
	}
	emps, err := listKeys(w, prefix) // in key order
	if err != nil {
		return err
	}
	by := ref(ev.Seq, ev.Type, ev.ID)
	from, to := rules.MustDate(p.From), rules.MustDate(p.To)
	for _, emp := range emps {
		row, err := a.payRow(w, from, to, emp)
		if err != nil {
			return err
		}
		if !row.Closed {
			row.Closed, row.ClosedBy = true, by
		}
	}
	return nil
}
