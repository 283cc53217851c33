package main

import (
	"testing"
	"time"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/projection"
	"github.com/punchledger/punchledger/projection/projectiontest"
	"github.com/punchledger/punchledger/rules"
)

func TestRun(t *testing.T) {
	if err := run(); err != nil {
		t.Fatal(err)
	}
}

// TestConformance runs the user's projection through the same suite as the built-ins:
// one pass, incremental, rebuild, killed and resumed, as-of — all byte-identical.
func TestConformance(t *testing.T) {
	sources := []attendance.Source{attendance.SourceApp, attendance.SourceWeb, attendance.SourceKiosk, attendance.SourceBiometric}
	t0 := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	var events []ledger.Event
	for i := 0; i < 240; i++ {
		at := t0.Add(time.Duration(i) * 97 * time.Minute)
		if i%9 == 0 { // other event types are skipped by the projection
			events = append(events, ledger.Event{Stream: "org", Type: "note.unknown", Schema: 1, OccurredAt: at, RecordedAt: at, Data: []byte{0x90}})
			continue
		}
		p := attendance.PunchRecorded{Kind: rules.KindIn, Source: sources[i%len(sources)], DeviceAt: at.UnixNano(), ReceivedAt: at.UnixNano(), Outcome: rules.OutcomeAccept}
		data, err := ledger.Marshal(&p)
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, ledger.Event{Stream: "employee/E1", Type: attendance.TypePunchRecorded, Schema: p.SchemaVersion(),
			OccurredAt: at, RecordedAt: at, Actor: "employee:E1", Data: data})
	}
	projectiontest.Run(t, func() projection.Projection { return SourcesPerWeek{} }, events)
}
