package db

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// LockFile is the name of the lock file in the data directory.
const LockFile = "coopress.lock"

// ErrDataDirInUse matches (with errors.Is) LockDataDir's error when another
// process holds the data directory, so callers can tell it from an I/O
// failure.
var ErrDataDirInUse = errors.New("data directory in use")

// dataDirInUseError names the directory and the holder's pid for the
// operator, and still matches ErrDataDirInUse.
type dataDirInUseError struct{ dir, pid string }

func (e *dataDirInUseError) Error() string {
	return fmt.Sprintf("data directory %s is in use by another coopress serve (pid %s)", e.dir, e.pid)
}

func (e *dataDirInUseError) Is(target error) bool { return target == ErrDataDirInUse }

// LockDataDir takes an exclusive advisory lock on dir/coopress.lock, creating
// the directory if needed, and returns the function that releases it. serve
// holds it for as long as it runs and restore takes it before replacing the
// database, so a restore can never pull the file from under a live server.
//
// flock is used rather than a pid file because the kernel drops the lock when
// the process dies, however it dies: a crash never leaves a stale lock that
// the operator must remove by hand. The pid written into the file is only
// there to make the error message useful.
func LockDataDir(dir string) (unlock func() error, err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("db: create data directory: %w", explainAccess(dir, err))
	}
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("db: open lock file: %w", explainAccess(dir, err))
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		pid := readPID(f)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &dataDirInUseError{dir: dir, pid: pid}
		}
		return nil, fmt.Errorf("db: lock %s: %w", path, err)
	}
	// The file is truncated only once we hold the lock, so a process that
	// fails to get it always reads the holder's pid, never an empty file.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return func() error {
		// Closing the descriptor releases the lock; the file stays, because
		// removing it would let two processes lock two different inodes.
		return f.Close()
	}, nil
}

// readPID returns the pid the lock holder wrote, or "unknown".
func readPID(f *os.File) string {
	b, err := io.ReadAll(io.LimitReader(f, 32))
	if err != nil {
		return "unknown"
	}
	s := strings.TrimSpace(string(b))
	if _, err := strconv.Atoi(s); err != nil {
		return "unknown"
	}
	return s
}
