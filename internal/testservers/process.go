package testservers

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"
)

// runUntilReady starts cmd, waits until ready reports true, and stops the
// process (politely, then by force) when t ends. If it exits first, or is
// not ready within 15 seconds, the error carries what it printed.
func runUntilReady(t testing.TB, cmd *exec.Cmd, ready func() bool) error {
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	stop := func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	for !ready() {
		select {
		case <-exited:
			return fmt.Errorf("exited before it was ready: %s", out.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return fmt.Errorf("not ready after 15s: %s", out.String())
		}
	}
	t.Cleanup(stop)
	return nil
}
