// Command httpserver takes remote punches over HTTPS: phones sign each punch with their
// Ed25519 device key and POST it as JSON; the server records it through the attendance
// service (which checks the signature, the device binding and the policy) and answers
// with the verdict and an inclusion receipt. A small JSON API reads days back.
//
//	go run ./examples/httpserver -selftest     # serve on loopback, send punches to itself, exit
//	go run ./examples/httpserver -addr 127.0.0.1:8443
//
// The TLS certificate is self-signed and generated at start. Reads take the caller's
// identity from the X-Actor header: a stand-in for real authentication, which is the
// embedding application's job.
package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/punchledger/punchledger/attendance"
	"github.com/punchledger/punchledger/ledger"
	"github.com/punchledger/punchledger/projection"
	"github.com/punchledger/punchledger/rules"
)

const policy = `{
  "id": "default", "version": 1, "effective_from": "2026-01-01", "time_zone": "Europe/Paris",
  "shifts": [{"name": "day", "start": "09:00", "end": "17:00", "check_in_opens": 180, "check_out_closes": 300,
              "late_grace": 10, "early_leave_grace": 10, "half_day_below": 0, "absent_below": 0}],
  "week": [{"day": "monday", "shift": "day"}, {"day": "tuesday", "shift": "day"}, {"day": "wednesday", "shift": "day"},
           {"day": "thursday", "shift": "day"}, {"day": "friday", "shift": "day"}],
  "calendar": {"evaluate_on_holidays": false}, "rounding": {"in": {"interval": 0}, "out": {"interval": 0}},
  "overtime": {"approval_required": false, "count_early_arrival": false},
  "remote": {"zones": [{"name": "Paris-office", "circle": {"center": {"lat": 48.869781, "lon": 2.307612}, "radius_m": 200}}],
             "require_bound_device": true, "max_clock_skew": 120,
             "actions": [{"finding": "signature_invalid", "action": "reject"}, {"finding": "outside_fence", "action": "field"}]},
  "corrections": {"allowed": [], "limit": 0, "deadline": 0, "evidence_required": false},
  "privacy": {"location": "exact"}, "pay_period": {"kind": "monthly"}
}`

// punchRequest is the JSON a phone POSTs to /v1/punches. The signature covers
// attendance.SigningBytes(employee, punch), so the phone chooses the punch ID.
type punchRequest struct {
	Employee  string    `json:"employee"`
	Device    string    `json:"device"`
	ID        string    `json:"id"`   // 32 hex
	Kind      string    `json:"kind"` // in, out
	At        time.Time `json:"at"`   // device clock
	Lat       float64   `json:"lat"`
	Lon       float64   `json:"lon"`
	Accuracy  float64   `json:"accuracy_m"`
	Signature []byte    `json:"signature"` // base64 in JSON
}

type punchResponse struct {
	Seq      uint64          `json:"seq"`
	Outcome  string          `json:"outcome"`
	Findings []string        `json:"findings"`
	Receipt  json.RawMessage `json:"receipt"` // inclusion proof against the signed checkpoint
	Checkpt  string          `json:"checkpoint"`
}

// input converts the request into the library's punch (the bytes the phone signed).
func (r *punchRequest) input(ip netip.Addr) (attendance.PunchInput, error) {
	id, err := ledger.ParseID(r.ID)
	if err != nil {
		return attendance.PunchInput{}, err
	}
	kind, ok := rules.ParsePunchKind(r.Kind)
	if !ok || kind == rules.KindUnknown {
		return attendance.PunchInput{}, fmt.Errorf("kind %q: want in or out", r.Kind)
	}
	return attendance.PunchInput{ID: id, Kind: kind, Source: attendance.SourceApp, At: r.At.UTC(), DeviceID: r.Device,
		Location: &attendance.Location{Lat: r.Lat, Lon: r.Lon, Accuracy: r.Accuracy, Provider: "fused"},
		IP:       ip, Factors: []string{"device_key"}, Signature: r.Signature}, nil
}

type server struct {
	svc       *attendance.Service
	l         *ledger.Ledger
	st        *projection.Store
	signer    note.Signer
	verifiers note.Verifiers // the signer's public half: reads back the checkpoints it signs
	mu        sync.Mutex     // serializes projection catch-up
}

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/punches", s.postPunch)
	mux.HandleFunc("GET /v1/employees/{id}/days", s.getDays)
	mux.HandleFunc("GET /v1/head", s.getHead)
	return mux
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, err error) {
	code := http.StatusBadRequest
	switch {
	case errors.Is(err, attendance.ErrForbidden):
		code = http.StatusForbidden
	case errors.Is(err, attendance.ErrUnknownEmployee):
		code = http.StatusNotFound
	}
	writeJSON(w, code, map[string]string{"error": err.Error()})
}

func (s *server) postPunch(w http.ResponseWriter, r *http.Request) {
	var req punchRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		fail(w, fmt.Errorf("bad punch JSON: %w", err))
		return
	}
	ap, _ := netip.ParseAddrPort(r.RemoteAddr)
	in, err := req.input(ap.Addr())
	if err != nil {
		fail(w, err)
		return
	}
	// The device is the actor: it may punch only for the employee it is bound to. A
	// signature that does not verify is recorded as a finding (and the policy rejects it).
	res, err := s.svc.RecordPunch(r.Context(), attendance.DeviceActor(req.Device), req.Employee, in)
	if err != nil {
		fail(w, err)
		return
	}
	ckpt, err := s.l.Checkpoint(s.signer)
	if err != nil {
		fail(w, err)
		return
	}
	th, err := ledger.OpenCheckpoint(ckpt, s.verifiers)
	if err != nil {
		fail(w, err)
		return
	}
	proof, err := s.l.ProveInclusion(res.FirstSeq, th.Size)
	if err != nil {
		fail(w, err)
		return
	}
	pj, _ := json.Marshal(proof)
	out := punchResponse{Seq: res.FirstSeq, Outcome: res.Outcome.String(), Receipt: pj, Checkpt: string(ckpt), Findings: []string{}}
	for _, f := range res.Findings {
		out.Findings = append(out.Findings, f.Code)
	}
	writeJSON(w, http.StatusCreated, out)
}

func (s *server) getDays(w http.ResponseWriter, r *http.Request) {
	who, err := attendance.ParseActor(r.Header.Get("X-Actor"))
	if err != nil {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "X-Actor: " + err.Error()})
		return
	}
	s.mu.Lock()
	err = s.st.CatchUp(r.Context(), 0, projection.NewAttendance())
	s.mu.Unlock()
	if err != nil {
		fail(w, err)
		return
	}
	v := s.st.View()
	defer v.Close()
	days, err := projection.Daily(v.Reader(projection.AttendanceName), who, projection.Query{Employee: r.PathValue("id")})
	if err != nil {
		fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, days)
}

func (s *server) getHead(w http.ResponseWriter, r *http.Request) {
	ckpt, err := s.l.Checkpoint(s.signer)
	if err != nil {
		fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	w.Write(ckpt)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8443", "listen `address`")
	selftest := flag.Bool("selftest", false, "serve on a loopback port, send a few punches to itself over HTTPS, print the results and exit")
	dbDir := flag.String("db", "", "ledger `directory` (default: a temporary one, removed at exit)")
	flag.Parse()
	if err := run(*addr, *dbDir, *selftest); err != nil {
		log.Fatal(err)
	}
}

func run(addr, dbDir string, selftest bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if dbDir == "" {
		tmp, err := os.MkdirTemp("", "punchledger-http-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dbDir = tmp
	}
	// A real server reads the wall clock. The self-test sets a simulated one (a Monday),
	// so the punches land inside the shift whatever the time of day it runs.
	now := time.Now
	if selftest {
		now = simClock.now
	}
	l, err := ledger.Open(filepath.Join(dbDir, "ledger"), &ledger.Options{Now: now})
	if err != nil {
		return err
	}
	defer l.Close()
	svc, err := attendance.New(l, &attendance.Options{Now: now})
	if err != nil {
		return err
	}
	st, err := projection.Open(filepath.Join(dbDir, "projections"), l, &projection.Options{NoSync: true})
	if err != nil {
		return err
	}
	defer st.Close()
	skey, vkey, err := note.GenerateKey(rand.Reader, "httpserver.example")
	if err != nil {
		return err
	}
	signer, _ := note.NewSigner(skey)
	v, _ := note.NewVerifier(vkey)
	if err := seed(ctx, svc); err != nil {
		return err
	}
	cert, pool, err := selfSigned()
	if err != nil {
		return err
	}
	s := &server{svc: svc, l: l, st: st, signer: signer, verifiers: note.VerifierList(v)}
	if selftest {
		addr = "127.0.0.1:0"
	}
	ln, err := tls.Listen("tcp", addr, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS13})
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: s.routes(), ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()
	base := "https://" + ln.Addr().String()
	log.Printf("serving %s (self-signed certificate; checkpoint key %s)", base, vkey)
	if selftest {
		return selfTest(ctx, base, pool, svc)
	}
	log.Printf("try: curl -k %s/v1/head", base)
	<-ctx.Done()
	return nil
}

// clock is a settable clock for the self-test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

var simClock = &clock{t: time.Date(2026, 1, 5, 7, 0, 0, 0, time.UTC)}

// The phone of employee E1: its key is bound to him when the server starts.
var phoneKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

func seed(ctx context.Context, svc *attendance.Service) error {
	if _, err := svc.Bootstrap(ctx, attendance.SystemActor(), "admin"); err != nil {
		if errors.Is(err, attendance.ErrBootstrapped) {
			return nil // an existing -db
		}
		return err
	}
	admin := attendance.EmployeeActor("admin")
	p, err := rules.ParsePolicy([]byte(policy))
	if err != nil {
		return err
	}
	if _, err := svc.PublishPolicy(ctx, admin, p); err != nil {
		return err
	}
	if _, err := svc.RegisterEmployee(ctx, admin, attendance.Employee{ID: "E1", PolicyID: "default"}); err != nil {
		return err
	}
	_, err = svc.BindDevice(ctx, admin, "E1", attendance.Device{ID: "phone-1", PublicKey: phoneKey.Public().(ed25519.PublicKey)})
	return err
}

// selfSigned makes a certificate for localhost and a pool that trusts it.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}

// selfTest plays the phone: it signs punches and posts them to the server over HTTPS,
// including one whose signature was tampered with, then reads the day back.
func selfTest(ctx context.Context, base string, pool *x509.CertPool, svc *attendance.Service) error {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return err
	}
	day := func(hh, mm int) time.Time { return time.Date(2026, 1, 5, hh, mm, 0, 0, paris) }
	post := func(kind string, at time.Time, tamper bool) (punchResponse, error) {
		simClock.set(at.Add(900 * time.Millisecond)) // the server receives it a moment later
		id, _ := ledger.NewID(rand.Reader)
		req := punchRequest{Employee: "E1", Device: "phone-1", ID: id.String(), Kind: kind, At: at,
			Lat: 48.869712 + float64(at.Second())/1e6, Lon: 2.307581, Accuracy: 14}
		in, err := req.input(netip.MustParseAddr("127.0.0.1"))
		if err != nil {
			return punchResponse{}, err
		}
		req.Signature = ed25519.Sign(phoneKey, attendance.SigningBytes("E1", &in))
		if tamper {
			req.At = req.At.Add(-time.Hour) // a punch moved an hour earlier after signing
		}
		body, _ := json.Marshal(req)
		resp, err := client.Post(base+"/v1/punches", "application/json", bytes.NewReader(body))
		if err != nil {
			return punchResponse{}, err
		}
		defer resp.Body.Close()
		var out punchResponse
		if resp.StatusCode != http.StatusCreated {
			b, _ := io.ReadAll(resp.Body)
			return out, fmt.Errorf("POST /v1/punches: %s: %s", resp.Status, b)
		}
		return out, json.NewDecoder(resp.Body).Decode(&out)
	}
	for _, p := range []struct {
		kind   string
		at     time.Time
		tamper bool
		what   string
		want   string // the outcome the policy must give
	}{
		{"in", day(8, 56), false, "signed punch in at 08:56", "accept"},
		{"out", day(12, 30), true, "tampered punch (moved after signing)", "reject"},
		{"out", day(17, 4), false, "signed punch out at 17:04", "accept"},
	} {
		res, err := post(p.kind, p.at, p.tamper)
		if err != nil {
			return err
		}
		var proof ledger.InclusionProof
		if err := json.Unmarshal(res.Receipt, &proof); err != nil {
			return err
		}
		fmt.Printf("%-38s → event #%d %-6s findings %v; receipt: %d-hash path in a tree of %d\n",
			p.what, res.Seq, res.Outcome, res.Findings, len(proof.Path), proof.TreeSize)
		if res.Outcome != p.want || proof.Seq != res.Seq {
			return fmt.Errorf("%s: outcome %s (want %s), proof for #%d", p.what, res.Outcome, p.want, proof.Seq)
		}
	}
	// A punch for an employee the device is not bound to is refused outright.
	body := []byte(`{"employee":"E2","device":"phone-1","id":"00000000000000000000000000000abc","kind":"in","at":"2026-01-05T09:00:00Z","lat":48.86,"lon":2.3,"accuracy_m":10}`)
	resp, err := client.Post(base+"/v1/punches", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	resp.Body.Close()
	fmt.Printf("%-38s → HTTP %d\n", "punch for an employee not bound", resp.StatusCode)
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
		return fmt.Errorf("punch for an employee the device is not bound to: HTTP %d", resp.StatusCode)
	}

	simClock.set(day(23, 0))
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/v1/employees/E1/days", nil)
	req.Header.Set("X-Actor", "employee:E1")
	resp, err = client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var days []projection.DayRow
	if err := json.NewDecoder(resp.Body).Decode(&days); err != nil {
		return err
	}
	for _, d := range days {
		fmt.Printf("GET /v1/employees/E1/days → %s %s: %s, in %s, out %s, worked %d min\n",
			d.Employee, d.Date, d.Status, d.FirstIn, d.LastOut, d.WorkedExact)
	}
	if resp.StatusCode != http.StatusOK || len(days) != 1 || days[0].Status != "present" {
		return fmt.Errorf("GET days: %s, %d days", resp.Status, len(days))
	}
	fmt.Println("selftest ok")
	return nil
}
