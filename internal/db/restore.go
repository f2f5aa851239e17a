package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrNotBackup is wrapped by Restore's error when the file offered is not a
// sound coopress database.
var ErrNotBackup = errors.New("not a coopress backup")

// Restore puts the SQLite backup src in place as dataDir/coopress.db. It
// refuses while a server holds the data directory, and refuses a file that
// is not a sound coopress database. The database it replaces is kept beside
// it as coopress.db.before-restore-<UTC time>, so a restore of the wrong file
// can itself be undone.
//
// The backup is copied into dataDir first and checked there, so what is
// checked is exactly what is installed, and the final step is one rename on
// the same file system: a crash leaves either the old database or the new
// one, never half of one.
func Restore(ctx context.Context, src, dataDir string) error {
	if _, err := os.Stat(src); err != nil {
		return err
	}
	if _, err := os.Stat(dataDir); errors.Is(err, fs.ErrNotExist) {
		// A new site: check the file where it lies, read-only, before the
		// directory is made, so a refused restore leaves nothing behind.
		if err := checkBackup(ctx, src, true); err != nil {
			return fmt.Errorf("%s: %w", src, err)
		}
	}
	// The lock's error names the directory and the server's pid already.
	unlock, err := LockDataDir(dataDir)
	if err != nil {
		return err
	}
	defer unlock()

	live := filepath.Join(dataDir, "coopress.db")
	tmp, err := copyFile(src, dataDir, "coopress.db.restoring-*")
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	defer removeDB(tmp)
	if err := checkBackup(ctx, tmp, false); err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	matchOwner(tmp, live)
	if err := keepCurrent(ctx, live); err != nil {
		return err
	}
	// A -wal left beside the new file would be replayed into it by SQLite
	// and corrupt it; keepCurrent moved the real one, anything left is stale.
	removeCompanions(live)
	if err := os.Rename(tmp, live); err != nil {
		return err
	}
	return syncDir(dataDir)
}

// removeDB removes a database file and its companions, if present.
func removeDB(path string) {
	os.Remove(path)
	removeCompanions(path)
}

// removeCompanions removes the WAL, shared-memory and rollback journal files
// SQLite keeps beside a database.
func removeCompanions(path string) {
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}

// sqliteHeader opens every SQLite 3 database file.
const sqliteHeader = "SQLite format 3\x00"

// checkBackup makes sure path is a SQLite database that passes
// integrity_check and carries coopress's migrations, no newer than this
// binary knows: a newer schema would be read by code that does not
// understand it.
func checkBackup(ctx context.Context, path string, readOnly bool) error {
	head := make([]byte, len(sqliteHeader))
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil || string(head) != sqliteHeader {
		return fmt.Errorf("%w: it is not a SQLite database", ErrNotBackup)
	}
	dsn := sqliteURI(path) + "?_pragma=busy_timeout(10000)"
	if readOnly {
		dsn += "&mode=ro"
	}
	c, err := sql.Open("sqlite", dsn)
	if err != nil {
		return err
	}
	defer c.Close()
	var result string
	if err := c.QueryRowContext(ctx, `PRAGMA integrity_check(1)`).Scan(&result); err != nil {
		return fmt.Errorf("%w: integrity check: %v", ErrNotBackup, err)
	}
	if result != "ok" {
		return fmt.Errorf("%w: integrity check failed: %s", ErrNotBackup, result)
	}
	var version sql.NullInt64
	err = c.QueryRowContext(ctx, `SELECT MAX(version_id) FROM goose_db_version WHERE is_applied`).Scan(&version)
	if err != nil || !version.Valid || version.Int64 < 1 {
		return fmt.Errorf("%w: it has no coopress schema (no applied migrations)", ErrNotBackup)
	}
	newest, err := newestMigration(SQLite)
	if err != nil {
		return err
	}
	if version.Int64 > newest {
		return fmt.Errorf("%w: it is at migration %d but this coopress knows only up to %d; restore it with a newer coopress", ErrNotBackup, version.Int64, newest)
	}
	return nil
}

// newestMigration is the highest version among the embedded migrations for
// an engine; goose names each file <version>_<name>.sql.
func newestMigration(dialect Dialect) (int64, error) {
	entries, err := fs.ReadDir(migrations, "migrations/"+string(dialect))
	if err != nil {
		return 0, fmt.Errorf("db: migrations: %w", err)
	}
	var newest int64
	for _, e := range entries {
		num, _, _ := strings.Cut(e.Name(), "_")
		if v, err := strconv.ParseInt(num, 10, 64); err == nil && v > newest {
			newest = v
		}
	}
	return newest, nil
}

// keepCurrent moves the live database, if any, aside under a name that says
// when it was replaced. It first checkpoints the WAL into the main file, so
// the kept copy is one self-contained file; should that fail (the live
// database may be why we are restoring) the -wal moves with it, keeping the
// pair intact.
func keepCurrent(ctx context.Context, live string) error {
	if _, err := os.Stat(live); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if c, err := sql.Open("sqlite", sqliteURI(live)+"?_pragma=busy_timeout(10000)"); err == nil {
		_, _ = c.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
		c.Close()
	}
	stamp := time.Now().UTC().Format("20060102T150405Z")
	kept := live + ".before-restore-" + stamp
	for i := 2; ; i++ {
		if _, err := os.Lstat(kept); errors.Is(err, fs.ErrNotExist) {
			break
		}
		kept = fmt.Sprintf("%s.before-restore-%s-%d", live, stamp, i)
	}
	// The main file moves first: at no moment does a new coopress.db sit
	// beside the old one's WAL.
	if err := os.Rename(live, kept); err != nil {
		return fmt.Errorf("keep current database: %w", err)
	}
	if _, err := os.Stat(live + "-wal"); err == nil {
		if err := os.Rename(live+"-wal", kept+"-wal"); err != nil {
			return fmt.Errorf("keep current database's WAL: %w", err)
		}
	}
	return nil
}

// matchOwner gives the restored file the owner and mode of the database it
// replaces, so that a restore run as root does not leave a file the service
// user cannot open. It is best effort: without privilege chown fails, and
// then the file simply belongs to whoever ran the restore.
func matchOwner(path, like string) {
	fi, err := os.Stat(like)
	if err != nil {
		return
	}
	_ = os.Chmod(path, fi.Mode().Perm())
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		_ = os.Chown(path, int(st.Uid), int(st.Gid))
	}
}
