package db

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestOpenExistingCreatesNothing(t *testing.T) {
	ctx := context.Background()
	missing := filepath.Join(t.TempDir(), "typo")
	if _, err := OpenExisting(ctx, "", missing); !errors.Is(err, ErrNoDatabase) {
		t.Fatalf("missing directory: %v", err)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Fatal("OpenExisting created the directory")
	}
	// A file with no coopress schema in it is no coopress database either.
	empty := t.TempDir()
	d, err := Open(ctx, "", empty)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	if _, err := OpenExisting(ctx, "", empty); !errors.Is(err, ErrNoDatabase) {
		t.Fatalf("database without schema: %v", err)
	}
	d, err = Open(ctx, "", empty)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	d.Close()
	d, err = OpenExisting(ctx, "", empty)
	if err != nil {
		t.Fatalf("migrated database: %v", err)
	}
	d.Close()
}

func TestOpenCorrupt(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "coopress.db"), []byte(strings.Repeat("not sqlite ", 500)), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, open := range map[string]func() (*DB, error){
		"Open":         func() (*DB, error) { return Open(context.Background(), "", dir) },
		"OpenExisting": func() (*DB, error) { return OpenExisting(context.Background(), "", dir) },
	} {
		if _, err := open(); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", name, err)
		}
	}
}

// TestExplainAccess checks the message for a permission error on a real
// directory; the error is made by hand because tests often run as root,
// which no mode bit stops.
func TestExplainAccess(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	me := describeUser(os.Geteuid())
	for _, tc := range []struct {
		path string
		err  error
		want string
	}{
		{dir, &fs.PathError{Op: "open", Path: dir + "/coopress.lock", Err: syscall.EACCES},
			fmt.Sprintf("user %s cannot write in %s, which belongs to %s with mode dr-x------", me, dir, me)},
		{dir + "/new/deeper", &fs.PathError{Op: "mkdir", Path: dir + "/new", Err: syscall.EACCES},
			fmt.Sprintf("user %s cannot write in %s (to create %s/new/deeper), which belongs to", me, dir, dir)},
		{dir, &fs.PathError{Op: "open", Path: dir, Err: syscall.EROFS}, "is on a read-only file system"},
	} {
		err := explainAccess(tc.path, tc.err)
		if !strings.Contains(err.Error(), tc.want) || !errors.Is(err, tc.err.(*fs.PathError).Err) {
			t.Errorf("%v:\n got %v\nwant %q", tc.err, err, tc.want)
		}
	}
	other := errors.New("disk on fire")
	if explainAccess(dir, other) != other {
		t.Error("an error that is not about permission was changed")
	}
}
