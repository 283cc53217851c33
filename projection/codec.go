package projection

import (
	"github.com/vmihailenco/msgpack/v5"
)

// The report rows implement msgpack.CustomEncoder and CustomDecoder with their wire
// codecs (records_wire.go), so that a user who stores or sends them with msgpack gets the
// same bytes the projection stores.

func encodeMsgpack(enc *msgpack.Encoder, v wireRecord) error {
	return enc.Encode(msgpack.RawMessage(v.appendWire(nil)))
}

func decodeMsgpack(dec *msgpack.Decoder, v wireRecord) error {
	raw, err := dec.DecodeRaw()
	if err != nil {
		return err
	}
	return unmarshalWire(raw, v)
}

// EncodeMsgpack implements msgpack.CustomEncoder.
func (e *EventRef) EncodeMsgpack(enc *msgpack.Encoder) error { return encodeMsgpack(enc, e) }

// DecodeMsgpack implements msgpack.CustomDecoder.
func (e *EventRef) DecodeMsgpack(dec *msgpack.Decoder) error { return decodeMsgpack(dec, e) }

// EncodeMsgpack implements msgpack.CustomEncoder.
func (o *OvertimeRow) EncodeMsgpack(enc *msgpack.Encoder) error { return encodeMsgpack(enc, o) }

// DecodeMsgpack implements msgpack.CustomDecoder.
func (o *OvertimeRow) DecodeMsgpack(dec *msgpack.Decoder) error { return decodeMsgpack(dec, o) }

// EncodeMsgpack implements msgpack.CustomEncoder.
func (g *Figures) EncodeMsgpack(enc *msgpack.Encoder) error { return encodeMsgpack(enc, g) }

// DecodeMsgpack implements msgpack.CustomDecoder.
func (g *Figures) DecodeMsgpack(dec *msgpack.Decoder) error { return decodeMsgpack(dec, g) }

// EncodeMsgpack implements msgpack.CustomEncoder.
func (a *AdjustmentRow) EncodeMsgpack(enc *msgpack.Encoder) error { return encodeMsgpack(enc, a) }

// DecodeMsgpack implements msgpack.CustomDecoder.
func (a *AdjustmentRow) DecodeMsgpack(dec *msgpack.Decoder) error { return decodeMsgpack(dec, a) }

// EncodeMsgpack implements msgpack.CustomEncoder.
func (p *PayrollRow) EncodeMsgpack(enc *msgpack.Encoder) error { return encodeMsgpack(enc, p) }

// DecodeMsgpack implements msgpack.CustomDecoder.
func (p *PayrollRow) DecodeMsgpack(dec *msgpack.Decoder) error { return decodeMsgpack(dec, p) }

// EncodeMsgpack implements msgpack.CustomEncoder.
func (x *ReasonRow) EncodeMsgpack(enc *msgpack.Encoder) error { return encodeMsgpack(enc, x) }

// DecodeMsgpack implements msgpack.CustomDecoder.
func (x *ReasonRow) DecodeMsgpack(dec *msgpack.Decoder) error { return decodeMsgpack(dec, x) }

// EncodeMsgpack implements msgpack.CustomEncoder.
func (e *ExceptionRow) EncodeMsgpack(enc *msgpack.Encoder) error { return encodeMsgpack(enc, e) }

// DecodeMsgpack implements msgpack.CustomDecoder.
func (e *ExceptionRow) DecodeMsgpack(dec *msgpack.Decoder) error { return decodeMsgpack(dec, e) }

// EncodeMsgpack implements msgpack.CustomEncoder.
func (d *DayRow) EncodeMsgpack(enc *msgpack.Encoder) error { return encodeMsgpack(enc, d) }

// DecodeMsgpack implements msgpack.CustomDecoder.
func (d *DayRow) DecodeMsgpack(dec *msgpack.Decoder) error { return decodeMsgpack(dec, d) }

// EncodeMsgpack implements msgpack.CustomEncoder.
func (q *QuotaRow) EncodeMsgpack(enc *msgpack.Encoder) error { return encodeMsgpack(enc, q) }

// DecodeMsgpack implements msgpack.CustomDecoder.
func (q *QuotaRow) DecodeMsgpack(dec *msgpack.Decoder) error { return decodeMsgpack(dec, q) }
