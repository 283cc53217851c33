// Command custom-projection shows a user-written projection: punches per source (app,
// web, kiosk, biometric) per ISO week, built by the projection runner next to the
// built-in ones, from a ledger written through the attendance commands.
//
//	go run ./examples/custom-projection
package main

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/projection"
	"github.com/punchledger/punchledger/rules"
)

// SourcesPerWeek counts punches per source per ISO week of the punch (device time,
// UTC). Its state is one key per week and source: "2026-W45/app" → count (8 bytes).
type SourcesPerWeek struct{}

// Name and Version identify the projection; bump Version when the fold changes and the
// runner rebuilds it from the log.
func (SourcesPerWeek) Name() string    { return "sources-per-week" }
func (SourcesPerWeek) Version() uint32 { return 1 }

// Apply folds one event. Only punches matter; everything else is skipped. It reads only
// the event and its own state, so replaying gives the same bytes.
func (SourcesPerWeek) Apply(ev *ledger.Event, w projection.Writer) error {
	if ev.Type != attendance.TypePunchRecorded {
		return nil
	}
	var p attendance.PunchRecorded
	if err := p.UnmarshalBinary(ev.Data); err != nil {
		return err
	}
	y, wk := ev.OccurredAt.UTC().ISOWeek()
	key := []byte(fmt.Sprintf("%04d-W%02d/%s", y, wk, p.Source))
	var n uint64
	switch v, err := w.Get(key); {
	case errors.Is(err, projection.ErrNotFound):
	case err != nil:
		return err
	default:
		n = binary.BigEndian.Uint64(v)
	}
	return w.Set(key, binary.BigEndian.AppendUint64(nil, n+1))
}

const policyJSON = `{
  "id": "default", "version": 1, "effective_from": "2026-01-01", "time_zone": "Europe/Berlin",
  "shifts": [{"name": "day", "start": "09:00", "end": "17:00", "check_in_opens": 120, "check_out_closes": 240,
              "late_grace": 5, "early_leave_grace": 5, "worked": "first_last"}],
  "week": [{"day": "monday", "shift": "day"}, {"day": "tuesday", "shift": "day"}, {"day": "wednesday", "shift": "day"},
           {"day": "thursday", "shift": "day"}, {"day": "friday", "shift": "day"}],
  "calendar": {}, "rounding": {"in": {"interval": 0}, "out": {"interval": 0}}, "overtime": {},
  "remote": {}, "corrections": {"allowed": ["missing_in", "missing_out"], "limit": 3, "deadline": 7},
  "privacy": {"location": "verdict"}, "pay_period": {"kind": "monthly"}
}`

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	ctx := context.Background()
	fs := vfs.NewMem() // a real program passes a directory on disk and vfs.Default
	now := time.Date(2026, 11, 2, 7, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	l, err := ledger.Open("ledger", &ledger.Options{FS: fs, Now: clock})
	if err != nil {
		return err
	}
	defer l.Close()
	svc, err := attendance.New(l, &attendance.Options{Now: clock, Rand: rand.NewChaCha8([32]byte{7})})
	if err != nil {
		return err
	}
	system := attendance.SystemActor()
	if _, err := svc.Bootstrap(ctx, system, "ADMIN"); err != nil {
		return err
	}
	admin := attendance.EmployeeActor("ADMIN")
	pol, err := rules.ParsePolicy([]byte(policyJSON))
	if err != nil {
		return err
	}
	if _, err := svc.PublishPolicy(ctx, admin, pol); err != nil {
		return err
	}
	for _, id := range []string{"E1", "E2"} {
		if _, err := svc.RegisterEmployee(ctx, admin, attendance.Employee{ID: id, PolicyID: "default", JoinedOn: rules.MustDate("2026-11-02")}); err != nil {
			return err
		}
	}
	// Two weeks of punches from the web and from kiosks.
	sources := []attendance.Source{attendance.SourceWeb, attendance.SourceKiosk}
	for day := 0; day < 12; day++ {
		for i, id := range []string{"E1", "E2"} {
			for k, kind := range []rules.PunchKind{rules.KindIn, rules.KindOut} {
				at := time.Date(2026, 11, 2+day, 8+8*k, i*7, 0, 0, time.UTC)
				now = at
				in := attendance.PunchInput{Kind: kind, Source: sources[(day+i)%2], At: at}
				if _, err := svc.RecordPunch(ctx, attendance.EmployeeActor(id), id, in); err != nil {
					return err
				}
			}
		}
	}

	// The projection store lives in its own Pebble database next to the ledger's.
	store, err := projection.Open("projections", l, &projection.Options{FS: fs})
	if err != nil {
		return err
	}
	defer store.Close()
	// One read of the log feeds both the user's projection and the built-in one.
	if err := store.CatchUp(ctx, 0, SourcesPerWeek{}, projection.NewAttendance()); err != nil {
		return err
	}
	view := store.View()
	defer view.Close()
	err = view.Reader("sources-per-week").Scan(nil, nil, func(k, v []byte) error {
		_, err := fmt.Fprintf(os.Stdout, "%s\t%d punches\n", k, binary.BigEndian.Uint64(v))
		return err
	})
	if err != nil {
		return err
	}
	days, err := projection.Daily(view.Reader(projection.AttendanceName), attendance.EmployeeActor("E1"),
		projection.Query{Employee: "E1", From: rules.MustDate("2026-11-02"), To: rules.MustDate("2026-11-04")})
	if err != nil {
		return err
	}
	for _, d := range days {
		fmt.Printf("%s %s %s worked %d min\n", d.Employee, d.Date, d.Status, d.Worked)
	}
	return nil
}
