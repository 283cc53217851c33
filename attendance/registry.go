package attendance

import (
	"fmt"

	"github.com/punchledger/punchledger/ledger"
)

// registry is the package's own registry; Registry returns a fresh one for callers so
// they can add their own types to it.
var registry = Registry()

// Registry returns a new *ledger.Registry with every payload type of this package
// registered (projections decode the log with it). Callers may register more types.
func Registry() *ledger.Registry {
	r := ledger.NewRegistry()
	for _, p := range []ledger.Payload{
		&EmployeeRegistered{}, &EmployeeUpdated{},
		&RoleGranted{}, &RoleRevoked{},
		&DeviceBound{}, &DeviceUnbound{}, &DeviceRebindRequested{}, &DeviceRebindRejected{},
		&PunchRecorded{}, &PunchVoided{},
		&CorrectionRequested{}, &CorrectionApproved{}, &CorrectionRejected{}, &CorrectionWithdrawn{},
		&PolicyPublished{}, &ShiftAssigned{}, &LeaveRecorded{}, &PayPeriodClosed{},
		&WorkLocationReported{}, &WorkLocationApproved{}, &WorkLocationRejected{},
		&SubjectErased{},
	} {
		r.Register(p)
	}
	return r
}

// Decode decodes e's payload with the package registry, strictly: a payload of a known
// type that is msgpack nil (which msgpack would decode as a zero value) is an error
// too. Unknown types come back as *ledger.Unknown.
func Decode(e *ledger.Event) (ledger.Payload, error) {
	if len(e.Data) > 0 && e.Data[0] == 0xc0 && knownType(e.Type) {
		return nil, fmt.Errorf("%w: %s at seq %d: nil payload", ErrInvalid, e.Type, e.Seq)
	}
	return registry.Decode(e)
}

func knownType(t string) bool {
	switch t {
	case TypeEmployeeRegistered, TypeEmployeeUpdated, TypeRoleGranted, TypeRoleRevoked,
		TypeDeviceBound, TypeDeviceUnbound, TypeDeviceRebindRequested, TypeDeviceRebindRejected,
		TypePunchRecorded, TypePunchVoided, TypeCorrectionRequested, TypeCorrectionApproved,
		TypeCorrectionRejected, TypeCorrectionWithdrawn, TypePolicyPublished, TypeShiftAssigned,
		TypeLeaveRecorded, TypePayPeriodClosed, TypeWorkLocationReported, TypeWorkLocationApproved,
		TypeWorkLocationRejected, TypeSubjectErased:
		return true
	}
	return false
}
