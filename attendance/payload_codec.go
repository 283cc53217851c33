package attendance

import "github.com/vmihailenco/msgpack/v5"

// Code below: the canonical codec of every reflection-encoded payload (see codec.go).

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *EmployeeRegistered) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain EmployeeRegistered
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *EmployeeRegistered) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain EmployeeRegistered
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *EmployeeUpdated) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain EmployeeUpdated
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *EmployeeUpdated) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain EmployeeUpdated
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *Personal) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain Personal
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *Personal) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain Personal
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *RoleGranted) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain RoleGranted
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *RoleGranted) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain RoleGranted
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *RoleRevoked) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain RoleRevoked
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *RoleRevoked) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain RoleRevoked
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *DeviceBound) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain DeviceBound
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *DeviceBound) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain DeviceBound
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *DeviceDetails) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain DeviceDetails
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *DeviceDetails) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain DeviceDetails
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *DeviceUnbound) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain DeviceUnbound
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *DeviceUnbound) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain DeviceUnbound
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *DeviceRebindRequested) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain DeviceRebindRequested
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *DeviceRebindRequested) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain DeviceRebindRequested
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *DeviceRebindRejected) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain DeviceRebindRejected
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *DeviceRebindRejected) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain DeviceRebindRejected
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *PunchVoided) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain PunchVoided
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *PunchVoided) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain PunchVoided
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *EvidenceRef) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain EvidenceRef
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *EvidenceRef) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain EvidenceRef
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *CorrectionRequested) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain CorrectionRequested
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *CorrectionRequested) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain CorrectionRequested
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *CorrectionApproved) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain CorrectionApproved
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *CorrectionApproved) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain CorrectionApproved
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *CorrectionRejected) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain CorrectionRejected
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *CorrectionRejected) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain CorrectionRejected
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *CorrectionWithdrawn) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain CorrectionWithdrawn
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *CorrectionWithdrawn) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain CorrectionWithdrawn
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *PolicyPublished) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain PolicyPublished
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *PolicyPublished) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain PolicyPublished
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *ShiftAssigned) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain ShiftAssigned
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *ShiftAssigned) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain ShiftAssigned
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *LeaveRecorded) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain LeaveRecorded
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *LeaveRecorded) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain LeaveRecorded
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *PayPeriodClosed) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain PayPeriodClosed
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *PayPeriodClosed) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain PayPeriodClosed
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *WorkLocationReported) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain WorkLocationReported
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *WorkLocationReported) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain WorkLocationReported
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *WorkLocation) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain WorkLocation
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *WorkLocation) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain WorkLocation
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *WorkLocationApproved) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain WorkLocationApproved
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *WorkLocationApproved) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain WorkLocationApproved
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *WorkLocationRejected) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain WorkLocationRejected
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *WorkLocationRejected) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain WorkLocationRejected
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *SubjectErased) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain SubjectErased
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *SubjectErased) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain SubjectErased
	return decodePlain(dec, (*plain)(p))
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *PunchEvidence) EncodeMsgpack(enc *msgpack.Encoder) error {
	type plain PunchEvidence
	return encodePlain(enc, (*plain)(p))
}

// DecodeMsgpack implements msgpack.CustomDecoder (strict).
func (p *PunchEvidence) DecodeMsgpack(dec *msgpack.Decoder) error {
	type plain PunchEvidence
	return decodePlain(dec, (*plain)(p))
}
