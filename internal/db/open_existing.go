package db

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrNoDatabase is matched (errors.Is) by OpenExisting's error when there is
// no coopress database where it looked.
var ErrNoDatabase = errors.New("no coopress database")

// ErrCorrupt is matched by an open's error when the SQLite file is damaged
// or is not a database at all.
var ErrCorrupt = errors.New("not a readable SQLite database")

// migrationTable is the table goose keeps its applied versions in: a
// database has coopress's schema exactly when it exists.
const migrationTable = "goose_db_version"

// OpenExisting is Open for commands that must not create a database: a
// mistyped --data or an unset variable must give an error, not a new empty
// site. On SQLite the file must exist (nothing is created, not even the
// directory); on either engine the migration table must be there, which on
// PostgreSQL is what tells a coopress database from an empty one. The
// caller may migrate it afterwards.
func OpenExisting(ctx context.Context, databaseURL, dataDir string) (*DB, error) {
	if !IsPostgresURL(databaseURL) {
		path := sqlitePath(databaseURL, dataDir)
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s does not exist", ErrNoDatabase, path)
		} else if err != nil {
			return nil, explainAccess(filepath.Dir(path), err)
		}
	}
	d, err := Open(ctx, databaseURL, dataDir)
	if err != nil {
		return nil, err
	}
	ok, err := d.hasSchema(ctx)
	if err != nil {
		d.Close()
		return nil, err
	}
	if !ok {
		d.Close()
		return nil, fmt.Errorf("%w: it has no %s table", ErrNoDatabase, migrationTable)
	}
	return d, nil
}

// sqlitePath is the file Open uses on SQLite.
func sqlitePath(databaseURL, dataDir string) string {
	switch {
	case databaseURL == "":
		if dataDir == "" {
			dataDir = "data"
		}
		return filepath.Join(dataDir, "coopress.db")
	case strings.HasPrefix(databaseURL, "sqlite://"):
		return strings.TrimPrefix(databaseURL, "sqlite://")
	case strings.HasPrefix(databaseURL, "file:"):
		return strings.TrimPrefix(databaseURL, "file:")
	}
	return databaseURL
}

// hasSchema reports whether the migration table exists.
func (d *DB) hasSchema(ctx context.Context) (bool, error) {
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1`
	if d.dialect == Postgres {
		// to_regclass follows the search_path, as goose does.
		q = `SELECT COUNT(*) FROM (SELECT to_regclass($1) AS t) x WHERE t IS NOT NULL`
	}
	var n int
	if err := d.read.QueryRowContext(ctx, q, migrationTable).Scan(&n); err != nil {
		return false, fmt.Errorf("db: look for the schema: %w", err)
	}
	return n > 0, nil
}

// sqliteOpenError turns SQLite's answer to opening path into one a person
// can act on: a damaged file, or a directory the user cannot write in.
func sqliteOpenError(path string, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return fmt.Errorf("db: %s: %w (damaged, or not a database at all): %v", path, ErrCorrupt, err)
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM:
			if aerr := checkWritable(filepath.Dir(path), path); aerr != nil {
				return aerr
			}
		}
	}
	return fmt.Errorf("db: open sqlite %s: %w", path, err)
}

// checkWritable returns explainAccess's error when this process cannot
// write in dir or to file (which may not exist yet). SQLite in WAL mode
// writes beside the database, so the directory counts as much as the file.
func checkWritable(dir, file string) error {
	if err := syscall.Access(dir, 0o3); err != nil { // W_OK|X_OK
		return explainAccess(dir, &fs.PathError{Op: "write in", Path: dir, Err: err})
	}
	if err := syscall.Access(file, 0o2); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return explainAccess(file, &fs.PathError{Op: "write", Path: file, Err: err})
	}
	return nil
}

// explainAccess says which user cannot write where and who owns it, when
// err is a permission or read-only file system error; other errors pass
// through. An operator who ran the command as the wrong user, or pointed
// it at a directory the service user owns, sees at once what to change.
func explainAccess(path string, err error) error {
	if !errors.Is(err, fs.ErrPermission) && !errors.Is(err, syscall.EROFS) {
		return err
	}
	who := describeUser(os.Geteuid())
	if errors.Is(err, syscall.EROFS) {
		return fmt.Errorf("user %s cannot write in %s: it is on a read-only file system (%w)", who, path, err)
	}
	// A directory still to be created is refused by its nearest existing
	// ancestor, so that is the one to name.
	where, owner := path, ""
	for {
		fi, serr := os.Stat(where)
		if serr == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				owner = fmt.Sprintf(", which belongs to %s with mode %s", describeUser(int(st.Uid)), fi.Mode()&(fs.ModeDir|fs.ModePerm))
			}
			break
		}
		parent := filepath.Dir(where)
		if parent == where {
			break
		}
		where = parent
	}
	if where != path {
		where += " (to create " + path + ")"
	}
	return fmt.Errorf("user %s cannot write in %s%s: run coopress as the user that owns the data directory, or give that user access (%w)", who, where, owner, err)
}

// describeUser names a uid as "name (uid N)", or just the number.
func describeUser(uid int) string {
	id := strconv.Itoa(uid)
	if u, err := user.LookupId(id); err == nil {
		return fmt.Sprintf("%s (uid %s)", u.Username, id)
	}
	return "uid " + id
}
