package attendance

// DecodePayload implements ledger.PayloadDecoder: a scan decoding punches goes straight
// to UnmarshalBinary (which accepts exactly the bytes Marshal writes) instead of through
// msgpack's decoder, which would parse the punch once to find its end and again here.
func (p *PunchRecorded) DecodePayload(data []byte) error { return p.UnmarshalBinary(data) }
