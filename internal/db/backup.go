package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrUsePgDump is returned by Backup on PostgreSQL: the server's own tools
// do this job better than any copy coopress could make.
var ErrUsePgDump = errors.New("coopress backup works on SQLite only; on PostgreSQL use pg_dump -Fc to back up and pg_restore to restore (see docs/operations.md)")

// ErrBackupExists is returned when the backup's destination already exists
// and overwriting was not asked for: a cron job with a wrong date format must
// not silently replace last week's good backup.
var ErrBackupExists = errors.New("file already exists")

// Backup writes a consistent copy of a running SQLite database to dest,
// refusing to replace an existing file.
func (d *DB) Backup(ctx context.Context, dest string) error {
	return d.backup(ctx, dest, false)
}

// BackupReplace is Backup that replaces dest when it exists.
func (d *DB) BackupReplace(ctx context.Context, dest string) error {
	return d.backup(ctx, dest, true)
}

// backup runs VACUUM INTO, which copies one read snapshot of the database:
// every transaction committed before it began is in the copy and none that
// commits during it is. Under WAL a reader never blocks the writer, so the
// site keeps taking writes while the copy is made.
//
// It cannot run on the reader pool, whose query_only pragma makes SQLite
// refuse VACUUM INTO ("attempt to write a readonly database"), nor on the
// writer pool, whose single connection would queue every write behind the
// whole copy. So it opens a connection of its own, read-write but only
// reading the live file.
func (d *DB) backup(ctx context.Context, dest string, replace bool) error {
	if d.dialect == Postgres {
		return ErrUsePgDump
	}
	if !replace {
		if _, err := os.Lstat(dest); err == nil {
			return fmt.Errorf("backup: %s: %w (choose another name, or ask to replace it)", dest, ErrBackupExists)
		}
	}
	// The copy is written beside dest under a hidden temporary name and
	// renamed at the end, so a half-written backup never has the final
	// name. CreateTemp makes the file 0600: a backup holds members' data.
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".partial-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	defer os.Remove(tmpName)

	src, err := sql.Open("sqlite", sqliteURI(d.Path)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("backup: open %s: %w", d.Path, err)
	}
	defer src.Close()
	// VACUUM INTO accepts an empty existing file as its target.
	if _, err := src.ExecContext(ctx, `VACUUM INTO $1`, tmpName); err != nil {
		return fmt.Errorf("backup: copy %s: %w", d.Path, err)
	}
	if err := syncFile(tmpName); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if replace {
		err = os.Rename(tmpName, dest)
	} else {
		// A hard link fails if dest appeared since the check above, where
		// rename would overwrite it.
		err = os.Link(tmpName, dest)
		if errors.Is(err, os.ErrExist) {
			err = fmt.Errorf("%s: %w", dest, ErrBackupExists)
		}
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return syncDir(filepath.Dir(dest))
}

// sqliteURI makes a file: URI for path. The driver hands file: names to
// SQLite as URIs, which decode %HH and end the path at ? or #, so those
// characters are escaped.
func sqliteURI(path string) string {
	r := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
	return "file:" + r.Replace(path)
}

// syncFile flushes a file's contents to disk: VACUUM INTO does not, and a
// backup that vanishes in a power cut is no backup.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir flushes a directory, making a rename in it durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// copyFile copies src to a new temporary file in dir, synced to disk, and
// returns its name.
func copyFile(src, dir, pattern string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
}
