package attendance

// Test hooks for the black-box tests.

import (
	"context"
	"reflect"
	"strings"
)

// ServiceMethodsTakingActor lists the exported methods of *Service whose second
// parameter is an Actor (the commands and authorized reads).
func ServiceMethodsTakingActor() []string {
	t := reflect.TypeFor[*Service]()
	actor := reflect.TypeFor[Actor]()
	var out []string
	for i := range t.NumMethod() {
		m := t.Method(i)
		if m.Type.NumIn() >= 3 && m.Type.In(2) == actor && !strings.HasPrefix(m.Name, "x") {
			out = append(out, m.Name)
		}
	}
	return out
}

// KeySubject exposes the ledger secret subject of an employee's data key.
func (s *Service) KeySubject(ctx context.Context, employeeID string) (string, error) {
	unlock := s.lockEmployee(employeeID)
	defer unlock()
	st, err := s.employee(ctx, employeeID)
	if err != nil {
		return "", err
	}
	return keySubject(employeeID, st.registration), nil
}
