package app

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/testwait"
)

// TestCrashWhileWebhooksArrive builds the real binary, kills it with
// SIGKILL while signed webhooks are arriving, restarts it and redelivers
// every event as Stripe would: every event acknowledged before the kill
// must have survived, and each must be credited exactly once.
func TestCrashWhileWebhooksArrive(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "coopress")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/coopress/coopress/cmd/coopress").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := filepath.Join(tmp, "data")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	base := "http://" + addr
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve", "--data", data, "--addr", addr, "--log-level", "warn")
		cmd.Env = append(os.Environ(), "COOPRESS_STRIPE_WEBHOOK_SECRET="+testWebhookSecret, "COOPRESS_SMTP_HOST=", "COOPRESS_DATABASE_URL=")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if !testwait.For(20*time.Second, func() bool {
			resp, err := http.Get(base + "/healthz")
			if err == nil {
				resp.Body.Close()
			}
			return err == nil
		}) {
			_ = cmd.Process.Kill()
			t.Fatal("server did not start")
		}
		return cmd
	}
	const n = 600
	bodies := make([][]byte, n)
	var want int64
	for i := range bodies {
		amount := int64(500 + i)
		want += amount
		bodies[i] = paidSession(fmt.Sprintf("evt_crash_%04d", i), fmt.Sprintf("pi_crash_%04d", i), amount, nil)
	}

	srv := start()
	func() {
		d, err := db.Open(context.Background(), "", data)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		started(t, d, bodies...)
	}()
	var mu sync.Mutex
	acked := map[int]bool{}
	var wg sync.WaitGroup
	next := make(chan int)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if st, err := deliverTo(base, bodies[i], signed(bodies[i], time.Now())); err == nil && st == 200 {
					mu.Lock()
					acked[i] = true
					mu.Unlock()
				}
			}
		}()
	}
	killed := false
	for i := range bodies {
		mu.Lock()
		k := len(acked)
		mu.Unlock()
		if !killed && k >= n/3 {
			_ = srv.Process.Signal(syscall.SIGKILL) // mid-stream: requests are in flight
			killed = true
		}
		next <- i
	}
	close(next)
	wg.Wait()
	_ = srv.Wait()
	if !killed || len(acked) == 0 || len(acked) == n {
		t.Fatalf("kill did not land mid-stream: %d of %d acknowledged", len(acked), n)
	}

	srv = start()
	defer func() { _ = srv.Process.Signal(syscall.SIGTERM); _ = srv.Wait() }()
	d, err := db.Open(context.Background(), "", data)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for i := range acked {
		var c int
		if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM payment_events WHERE event_id = $1`,
			fmt.Sprintf("evt_crash_%04d", i)).Scan(&c); err != nil || c != 1 {
			t.Fatalf("acknowledged event %d lost in the crash (%d rows, %v)", i, c, err)
		}
	}
	for i, b := range bodies { // Stripe redelivers whatever it did not see acknowledged, and we send all
		if st, err := deliverTo(base, b, signed(b, time.Now())); err != nil || st != 200 {
			t.Fatalf("redelivery %d: %d %v", i, st, err)
		}
	}
	settled(t, d, n, 20*time.Second)
	gifts, revs, total := ledger(t, d)
	if gifts != n || revs != 0 || total != want {
		t.Fatalf("after crash and redelivery: %d gifts, %d reversals, total %d; want %d, 0, %d", gifts, revs, total, n, want)
	}
	t.Logf("%d of %d acknowledged before SIGKILL; all %d credited once after restart", len(acked), n, n)
}
