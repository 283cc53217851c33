package projection

import (
	"errors"
	"fmt"
	"slices"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/rules"
)

// Query selects what a report covers. Every report is also limited to what the asking
// actor may see, by the rule of attendance's Service.CanRead: an employee himself, a
// manager his direct reports (and himself), HR, admins and auditors everyone; the
// system and devices nothing (they write, they do not read).
type Query struct {
	// Employee limits the report to one employee ("" for no limit).
	Employee string
	// Team limits the report to a manager's direct reports ("" for no limit).
	Team string
	// From and To bound the dates, inclusive; a zero value leaves that side open.
	From, To rules.Date
}

// scope is the set of employees a query covers, after authorization, sorted.
func scope(r Reader, who attendance.Actor, q Query, action string) ([]string, error) {
	all, self, err := access(r, who)
	if err != nil {
		return nil, err
	}
	deny := func(subject, why string) error {
		return &attendance.ForbiddenError{Actor: who, Action: action, Subject: subject, Reason: why}
	}
	var emps []string
	switch {
	case q.Employee != "":
		if !all && q.Employee != self {
			rec, err := readEmployee(r, q.Employee)
			if err != nil {
				return nil, err
			}
			if rec == nil || rec.Manager != self {
				return nil, deny(attendance.EmployeeStream(q.Employee), "an employee sees his own records, a manager his team's")
			}
		}
		if rec, err := readEmployee(r, q.Employee); err != nil {
			return nil, err
		} else if rec == nil {
			return nil, fmt.Errorf("projection: %s: %w", q.Employee, attendance.ErrUnknownEmployee)
		}
		emps = []string{q.Employee}
	case q.Team != "":
		if !all && q.Team != self {
			return nil, deny("team/"+q.Team, "a manager sees only his own team")
		}
		emps, err = listKeys(r, "t/"+q.Team+"/")
		if err != nil {
			return nil, err
		}
	case all:
		emps, err = listKeys(r, "e/")
		if err != nil {
			return nil, err
		}
	default:
		emps, err = listKeys(r, "t/"+self+"/")
		if err != nil {
			return nil, err
		}
		if rec, err := readEmployee(r, self); err != nil {
			return nil, err
		} else if rec != nil {
			emps = append(emps, self)
		}
	}
	slices.Sort(emps)
	return slices.Compact(emps), nil
}

// access says whether who may read everyone, and else which employee he is. Roles come
// from the org stream (role.granted / role.revoked), as attendance's commands see them.
func access(r Reader, who attendance.Actor) (all bool, self string, err error) {
	if err := who.Validate(); err != nil {
		return false, "", err
	}
	switch who.Kind {
	case attendance.KindSystem, attendance.KindDevice:
		// As attendance's CanRead: the system and devices write; they read no records.
		return false, "", &attendance.ForbiddenError{Actor: who, Action: "read", Subject: "reports", Reason: "only people read records: the employee, his manager, hr, admins and auditors"}
	}
	for _, role := range []attendance.Role{attendance.RoleHR, attendance.RoleAdmin, attendance.RoleAuditor} {
		_, err := r.Get(keyRole(who.ID, string(role)))
		if err == nil {
			return true, who.ID, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return false, "", err
		}
	}
	return false, who.ID, nil
}

func listKeys(r Reader, prefix string) ([]string, error) {
	var out []string
	p := []byte(prefix)
	err := r.Scan(p, PrefixEnd(p), func(k, _ []byte) error {
		out = append(out, string(k[len(p):]))
		return nil
	})
	return out, err
}

func readEmployee(r Reader, emp string) (*employeeRec, error) {
	return getRecord[employeeRec](r, keyEmp(emp))
}

func (q Query) bounds(emp string) (lo, hi []byte) {
	lo = []byte("d/" + emp + "/")
	hi = PrefixEnd(lo)
	if !q.From.IsZero() {
		lo = keyDay(emp, q.From.String())
	}
	if !q.To.IsZero() {
		hi = keyDay(emp, q.To.AddDays(1).String())
	}
	return lo, hi
}

// Daily returns the day rows of the query, sorted by employee and date. r is the
// Attendance projection's state (View.Reader(AttendanceName)).
func Daily(r Reader, who attendance.Actor, q Query) ([]DayRow, error) {
	var out []DayRow
	err := eachDay(r, who, q, "read daily attendance", func(n int) { out = slices.Grow(out, n) }, func(row *DayRow) {
		out = append(out, *row)
	})
	return out, err
}

// maxPresize bounds the rows eachDay announces (see grow): a range of many years over
// everyone would otherwise reserve far more than sparse data fills.
const maxPresize = 1 << 20

// eachDay calls fn with every day row of the query's employees that who may read, in
// key order. grow (nil: none) is first told how many rows there are at most when the
// query bounds its dates: a month for 10,000 employees is 300,000 rows, which a slice
// growing by doubling would copy twice over.
func eachDay(r Reader, who attendance.Actor, q Query, action string, grow func(n int), fn func(*DayRow)) error {
	emps, err := scope(r, who, q, action)
	if err != nil {
		return err
	}
	if grow != nil && !q.From.IsZero() && !q.To.IsZero() && !q.To.Before(q.From) {
		if days := q.To.DaysSince(q.From) + 1; days <= maxPresize/max(1, len(emps)) {
			grow(days * len(emps))
		}
	}
	each := func(_, v []byte) error {
		var row DayRow
		if err := unmarshalWire(v, &row); err != nil {
			return err
		}
		fn(&row)
		return nil
	}
	if pr, ok := r.(*reader); ok && len(emps) > 1 {
		// One iterator for every employee (emps are in key order): opening one per
		// employee costs more than reading his month of rows.
		ranges := make([][2][]byte, len(emps))
		for i, emp := range emps {
			ranges[i][0], ranges[i][1] = q.bounds(emp)
		}
		return pr.scanRanges(ranges, each)
	}
	for _, emp := range emps {
		lo, hi := q.bounds(emp)
		if err := r.Scan(lo, hi, each); err != nil {
			return err
		}
	}
	return nil
}

// Exceptions returns the open exceptions of the query's days (what needs a person),
// sorted by employee, date, code and event.
func Exceptions(r Reader, who attendance.Actor, q Query) ([]ExceptionRow, error) {
	var out []ExceptionRow
	err := eachDay(r, who, q, "read exceptions", nil, func(row *DayRow) {
		out = append(out, row.Exceptions...)
	})
	slices.SortStableFunc(out, func(a, b ExceptionRow) int {
		switch {
		case a.Employee != b.Employee:
			return cmpStr(a.Employee, b.Employee)
		case a.Date != b.Date:
			return cmpStr(a.Date, b.Date)
		case a.Code != b.Code:
			return cmpStr(a.Code, b.Code)
		}
		return int(int64(a.Event.Seq) - int64(b.Event.Seq))
	})
	return out, err
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Payroll returns the payroll rows of every pay period overlapping [From, To] for the
// query's employees, sorted by period and employee.
func Payroll(r Reader, who attendance.Actor, q Query) ([]PayrollRow, error) {
	emps, err := scope(r, who, q, "read payroll")
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, e := range emps {
		want[e] = true
	}
	lo, hi := []byte("p/"), PrefixEnd([]byte("p/"))
	if !q.From.IsZero() {
		lo = []byte("p/" + q.From.AddDays(-30).String()) // a period is at most 31 days long
	}
	if !q.To.IsZero() {
		hi = []byte("p/" + q.To.AddDays(1).String())
	}
	var out []PayrollRow
	from := ""
	if !q.From.IsZero() {
		from = q.From.String()
	}
	err = r.Scan(lo, hi, func(k, v []byte) error {
		// k = p/<from>/<emp>
		if !want[string(k[len("p/2006-01-02/"):])] { // no allocation for the lookup
			return nil
		}
		var row PayrollRow
		if err := unmarshalWire(v, &row); err != nil {
			return err
		}
		if row.To < from {
			return nil
		}
		out = append(out, row)
		return nil
	})
	return out, err
}

// Quota returns correction quota use per employee per month for the months overlapping
// [From, To], sorted by employee and month.
func Quota(r Reader, who attendance.Actor, q Query) ([]QuotaRow, error) {
	emps, err := scope(r, who, q, "read correction quota")
	if err != nil {
		return nil, err
	}
	var out []QuotaRow
	for _, emp := range emps {
		lo := []byte("q/" + emp + "/")
		hi := PrefixEnd(lo)
		if !q.From.IsZero() {
			lo = keyQuota(emp, q.From.String()[:7])
		}
		if !q.To.IsZero() {
			hi = PrefixEnd(keyQuota(emp, q.To.String()[:7]))
		}
		if err := r.Scan(lo, hi, func(_, v []byte) error {
			var row QuotaRow
			if err := unmarshalWire(v, &row); err != nil {
				return err
			}
			out = append(out, row)
			return nil
		}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DayChange is a day whose result differs between two runs (Before or After nil when
// the day exists in one only).
type DayChange struct {
	Employee string  `json:"employee"`
	Date     string  `json:"date"`
	Before   *DayRow `json:"before"`
	After    *DayRow `json:"after"`
}

// DiffDaily compares the day rows of two runs of the Attendance projection (for
// example the as-of run at a pay period's close and the live one) and returns the days
// whose figures, status, reasons or exceptions differ, sorted by employee and date.
// The evaluation instant alone (AsOf, LastSeq) does not count as a difference. The
// actor must be allowed to read the query in the after run.
func DiffDaily(before, after Reader, who attendance.Actor, q Query) ([]DayChange, error) {
	emps, err := scope(after, who, q, "diff daily attendance")
	if err != nil {
		return nil, err
	}
	var out []DayChange
	for _, emp := range emps {
		lo, hi := q.bounds(emp)
		err := Diff(before, after, lo, hi, func(c Change) error {
			var b, a *DayRow
			if c.Before != nil {
				b = new(DayRow)
				if err := unmarshalWire(c.Before, b); err != nil {
					return err
				}
			}
			if c.After != nil {
				a = new(DayRow)
				if err := unmarshalWire(c.After, a); err != nil {
					return err
				}
			}
			if b != nil && a != nil && sameDay(*b, *a) {
				return nil
			}
			row := a
			if row == nil {
				row = b
			}
			out = append(out, DayChange{Employee: row.Employee, Date: row.Date, Before: b, After: a})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func sameDay(a, b DayRow) bool {
	a.AsOf, a.LastSeq, b.AsOf, b.LastSeq = "", 0, "", 0
	return string(a.appendWire(nil)) == string(b.appendWire(nil))
}
