package db_test

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/db"
)

func TestLockDataDir(t *testing.T) {
	dir := t.TempDir()
	unlock, err := db.LockDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	// flock locks belong to the open file, so a second open in the same
	// process conflicts exactly as another process would.
	_, err = db.LockDataDir(dir)
	if !errors.Is(err, db.ErrDataDirInUse) {
		t.Fatalf("second lock: want ErrDataDirInUse, got %v", err)
	}
	want := "in use by another coopress serve (pid " + strconv.Itoa(os.Getpid()) + ")"
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("message %q does not name the directory and %q", err, want)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	unlock2, err := db.LockDataDir(dir)
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	unlock2()
}

func TestLockDataDirCreatesDirectory(t *testing.T) {
	dir := t.TempDir() + "/new/data"
	unlock, err := db.LockDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if _, err := os.Stat(dir + "/" + db.LockFile); err != nil {
		t.Fatal(err)
	}
}
