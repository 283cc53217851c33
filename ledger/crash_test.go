package ledger_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/punchledger/punchledger/ledger"
)

// The crash test re-executes the test binary as a child (TestMain sees
// crashChildEnv) that appends with Sync from several goroutines and prints every
// acknowledged event ID; the parent SIGKILLs it at a random moment and checks the
// database.
const crashChildEnv = "PUNCHLEDGER_CRASH_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		round, _ := strconv.Atoi(os.Getenv(crashChildEnv + "_ROUND"))
		if err := crashChild(dir, round); err != nil {
			fmt.Fprintln(os.Stderr, "crash child:", err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	code := m.Run()
	if scanDirs.root != "" {
		os.RemoveAll(scanDirs.root)
	}
	if prefilled.root != "" {
		os.RemoveAll(prefilled.root)
	}
	os.Exit(code)
}

const crashWriters = 4

// crashPayload is the Data of every event the child writes: enough for the parent to
// check that an append is complete (n events of one request) and where it belongs.
func crashPayload(id ledger.ID, req string, i, n int) []byte {
	return fmt.Appendf(nil, "%v %s %d/%d", id, req, i, n)
}

func crashEvent(req string, i, n int) ledger.Proposed {
	id := testID(fmt.Sprintf("crash %s %d", req, i))
	return ledger.Proposed{ID: id, Type: "crash.test", Schema: 1, OccurredAt: t0, Actor: "system", Data: crashPayload(id, req, i, n)}
}

// crashChild appends forever (until killed): each writer alternates single events to
// its own stream with exact versions, multi-event appends, and AppendBatch calls mixing
// its stream with a shared one. Every acknowledged append prints "ack id..." in one
// write(2) (< PIPE_BUF, so the parent never reads half a line).
func crashChild(dir string, round int) error {
	l, err := ledger.Open(dir, &ledger.Options{MemTableSize: 1 << 21 * 2})
	if err != nil {
		return err
	}
	os.Stdout.WriteString("ready\n")
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, crashWriters)
	for w := range crashWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream := fmt.Sprintf("writer/%d", w)
			ver, err := l.StreamVersion(stream)
			if err != nil {
				errs <- err
				return
			}
			rng := rand.New(rand.NewPCG(uint64(round), uint64(w)))
			ack := func(evs []ledger.Proposed) {
				var b strings.Builder
				b.WriteString("ack")
				for _, e := range evs {
					b.WriteString(" " + e.ID.String())
				}
				b.WriteString("\n")
				os.Stdout.WriteString(b.String())
			}
			for k := 0; ; k++ {
				switch rng.IntN(3) {
				case 0, 1: // one append of 1..8 events with an exact version
					n := 1 + rng.IntN(8)*rng.IntN(2)
					evs := make([]ledger.Proposed, n)
					for i := range evs {
						evs[i] = crashEvent(fmt.Sprintf("r%d.w%d.k%d", round, w, k), i, n)
					}
					r, err := l.Append(ctx, stream, ledger.ExactVersion(ver), evs...)
					if err != nil {
						errs <- err
						return
					}
					ver = r.Version
					ack(evs)
				case 2: // a batch of requests: own stream (exact) and a shared stream (any)
					var reqs []ledger.AppendRequest
					for j := range 1 + rng.IntN(6) {
						n := 1 + rng.IntN(3)
						evs := make([]ledger.Proposed, n)
						for i := range evs {
							evs[i] = crashEvent(fmt.Sprintf("r%d.w%d.k%d.j%d", round, w, k, j), i, n)
						}
						if j%2 == 0 {
							reqs = append(reqs, ledger.AppendRequest{Stream: stream, Expect: ledger.ExactVersion(ver), Events: evs})
							ver += uint64(n)
						} else {
							reqs = append(reqs, ledger.AppendRequest{Stream: "shared", Expect: ledger.Any, Events: evs})
						}
					}
					res, err := l.AppendBatch(ctx, reqs)
					if err != nil {
						errs <- err
						return
					}
					for j, r := range res {
						if r.Err != nil {
							errs <- fmt.Errorf("request %d: %w", j, r.Err)
							return
						}
						ack(reqs[j].Events)
					}
				}
			}
		}()
	}
	go func() { wg.Wait(); close(errs) }()
	return <-errs
}

func TestCrashRecovery(t *testing.T) {
	rounds := 24
	if testing.Short() {
		rounds = 6
	}
	dir := t.TempDir()
	exe, err := os.Executable()
	mustf(t, err, "executable")
	seed := uint64(time.Now().UnixNano())
	t.Logf("kill-timing seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	acked := map[ledger.ID]bool{}
	for round := range rounds {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir, crashChildEnv+"_ROUND="+strconv.Itoa(round))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		mustf(t, err, "pipe")
		mustf(t, cmd.Start(), "start child")
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 64<<10)
		if !sc.Scan() || sc.Text() != "ready" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("round %d: child did not start: %q %s", round, sc.Text(), stderr.String())
		}
		// Kill after a random number of acknowledgements or a random delay,
		// whichever comes first.
		killAfter := 1 + rng.IntN(200)
		timer := time.AfterFunc(time.Duration(rng.IntN(150))*time.Millisecond, func() { cmd.Process.Signal(syscall.SIGKILL) })
		n := 0
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) < 2 || f[0] != "ack" {
				t.Fatalf("round %d: child printed %q", round, sc.Text())
			}
			for _, s := range f[1:] {
				id, err := ledger.ParseID(s)
				mustf(t, err, "parse id")
				acked[id] = true
			}
			if n++; n == killAfter {
				cmd.Process.Signal(syscall.SIGKILL)
			}
		}
		timer.Stop()
		err = cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child ended with %v, not by SIGKILL: %s", round, err, stderr.String())
		}
		checkAfterCrash(t, dir, round, acked)
	}
	if len(acked) < rounds {
		t.Fatalf("only %d acknowledged events in %d rounds: the kills came too early to test anything", len(acked), rounds)
	}
	t.Logf("%d rounds, %d acknowledged events", rounds, len(acked))
}

// checkAfterCrash reopens the ledger and checks every acknowledged event is there,
// every request is whole, the sequence gapless, stream versions consistent and the
// chain and tree verify.
func checkAfterCrash(t *testing.T, dir string, round int, acked map[ledger.ID]bool) {
	t.Helper()
	ctx := context.Background()
	l, err := ledger.Open(dir, nil)
	mustf(t, err, "round %d: reopen", round)
	defer l.Close()
	mustf(t, l.Verify(ctx), "round %d: verify", round)
	head, _ := l.Head()
	type reqState struct{ seen, n int }
	reqs := map[string]*reqState{}
	streams := map[string]uint64{}
	present := map[ledger.ID]bool{}
	next := uint64(1)
	err = l.Scan(ctx, 1, 0, func(e *ledger.Event) error {
		if e.Seq != next {
			return fmt.Errorf("seq %d, want %d", e.Seq, next)
		}
		next++
		if e.Version != streams[e.Stream]+1 {
			return fmt.Errorf("seq %d: stream %s version %d after %d", e.Seq, e.Stream, e.Version, streams[e.Stream])
		}
		streams[e.Stream] = e.Version
		var idHex, req string
		var i, n int
		if _, err := fmt.Sscanf(string(e.Data), "%s %s %d/%d", &idHex, &req, &i, &n); err != nil || idHex != e.ID.String() {
			return fmt.Errorf("seq %d: payload %q (%v)", e.Seq, e.Data, err)
		}
		st := reqs[req]
		if st == nil {
			st = &reqState{n: n}
			reqs[req] = st
		}
		if i != st.seen {
			return fmt.Errorf("seq %d: request %s event %d after %d", e.Seq, req, i, st.seen)
		}
		st.seen++
		present[e.ID] = true
		return nil
	})
	mustf(t, err, "round %d: scan", round)
	if next != head+1 {
		t.Fatalf("round %d: scanned to %d, head %d", round, next-1, head)
	}
	for req, st := range reqs {
		if st.seen != st.n {
			t.Fatalf("round %d: request %s partially visible: %d of %d events", round, req, st.seen, st.n)
		}
	}
	for id := range acked {
		if !present[id] {
			t.Fatalf("round %d: acknowledged event %v lost", round, id)
		}
	}
	for s, v := range streams {
		got, err := l.StreamVersion(s)
		mustf(t, err, "stream version")
		if got != v {
			t.Fatalf("round %d: stream %s version %d, events say %d", round, s, got, v)
		}
	}
	if th := l.TreeHead(); th.Size != head {
		t.Fatalf("round %d: tree size %d, head %d", round, th.Size, head)
	}
}
