// Package db opens coopress's database, on SQLite or PostgreSQL, applies the
// embedded migrations and runs transactions. It holds the few places where
// the two engines differ; everything else writes one query text for both.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"               // also registers the "sqlite" driver, used directly by backup and restore
)

// Dialect names the engine behind a DB.
type Dialect string

// The two engines coopress runs on.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// ErrNotFound is returned by stores when a row that was asked for by key does
// not exist.
var ErrNotFound = errors.New("not found")

// DB is a handle to the database. On SQLite reads and writes use separate
// pools: many readers run at once under WAL, while all writes go through one
// connection so that writers queue in Go instead of failing with SQLITE_BUSY.
// On PostgreSQL both pools are the same.
type DB struct {
	read    *sql.DB
	write   *sql.DB
	dialect Dialect
	// Path is the SQLite database file, empty on PostgreSQL.
	Path string
	// URL is the connection string the DB was opened with.
	URL string
	// group shares commits among concurrent InTx calls on SQLite.
	group groupCommit
}

// Queryer is what both *sql.DB and *sql.Tx offer; stores take it so that one
// method works inside and outside a transaction.
type Queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Open connects to the database named by databaseURL, or when it is empty to
// coopress.db in dataDir (created if missing). It does not migrate.
func Open(ctx context.Context, databaseURL, dataDir string) (*DB, error) {
	if IsPostgresURL(databaseURL) {
		return openPostgres(ctx, databaseURL)
	}
	path := sqlitePath(databaseURL, dataDir)
	if databaseURL == "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("db: create data directory: %w", explainAccess(filepath.Dir(path), err))
		}
	}
	return openSQLite(ctx, path)
}

// sqliteDSN builds the connection string for one SQLite pool. Each pragma is
// there for a reason:
//   - WAL lets readers run while one writer writes;
//   - busy_timeout makes a connection wait for a lock held by another process
//     (the command line, a backup) instead of failing at once;
//   - foreign_keys is off by default in SQLite and we rely on it;
//   - synchronous(FULL) syncs the WAL at every commit, so whatever coopress
//     has acknowledged (a webhook answered 200, a gift shown as recorded)
//     survives a power cut or an operating-system crash; NORMAL survives
//     only an application crash, and a power cut could lose the last
//     acknowledged credits. Batched webhook intake (payment/intake_batch.go)
//     shares one commit, and so one sync, among concurrent deliveries,
//     which keeps the cost small (docs/benchmarks.md);
//   - _time_format=sqlite stores times as sortable text, not Go's String();
//   - _txlock=immediate takes the write lock at BEGIN, so a transaction
//     never fails half-way when it upgrades from reading to writing.
func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_time_format", "sqlite")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return sqliteURI(path) + "?" + q.Encode()
}

// IsPostgresURL reports whether databaseURL names a PostgreSQL database.
func IsPostgresURL(databaseURL string) bool {
	return strings.HasPrefix(databaseURL, "postgres://") || strings.HasPrefix(databaseURL, "postgresql://")
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	w := openSQLitePool(sqliteDSN(path, false))
	// One writer: SQLite allows one at a time anyway, and queueing in the
	// pool is cheaper and fairer than spinning on busy_timeout.
	w.SetMaxOpenConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, sqliteOpenError(path, err)
	}
	r := openSQLitePool(sqliteDSN(path, true))
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	r.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{read: r, write: w, dialect: SQLite, Path: path, URL: "sqlite://" + path}, nil
}

// openSQLitePool opens a pool whose connections keep their prepared
// statements (see stmtcache.go).
func openSQLitePool(dsn string) *sql.DB {
	return sql.OpenDB(cachingConnector{dsn: dsn, base: &sqlite.Driver{}})
}

func openPostgres(ctx context.Context, databaseURL string) (*DB, error) {
	p, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return nil, fmt.Errorf("db: open postgres: %w", err)
	}
	p.SetMaxOpenConns(20)
	p.SetMaxIdleConns(20)
	p.SetConnMaxIdleTime(5 * time.Minute)
	if err := p.PingContext(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("db: connect to postgres: %w", err)
	}
	return &DB{read: p, write: p, dialect: Postgres, URL: databaseURL}, nil
}

// Dialect tells which engine this is.
func (d *DB) Dialect() Dialect { return d.dialect }

// Close closes both pools.
func (d *DB) Close() error {
	err := d.write.Close()
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// Reader is the pool for queries that only read.
func (d *DB) Reader() *sql.DB { return d.read }

// Writer is the pool for statements that change data.
func (d *DB) Writer() *sql.DB { return d.write }

// QueryContext runs a reading query.
func (d *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.read.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a reading query that returns at most one row.
func (d *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return d.read.QueryRowContext(ctx, query, args...)
}

// ExecContext runs a statement that changes data, outside a transaction.
func (d *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return d.write.ExecContext(ctx, query, args...)
}

// InTx runs fn in a transaction on the writer, committing when fn returns nil
// and rolling back otherwise; it returns once the commit is durable. On
// SQLite concurrent calls share one transaction and one commit, each in
// its own savepoint (see group_commit.go): fn's writes are undone alone
// when it fails, but fn may see the uncommitted writes of calls before
// it in the group, which commit with it or not at all.
func (d *DB) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if d.dialect == SQLite {
		return d.inGroup(ctx, fn)
	}
	tx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	// A panic in fn must not leave the transaction, and its connection,
	// open for ever; the panic goes on once it is rolled back.
	defer func() {
		if v := recover(); v != nil {
			_ = tx.Rollback()
			panic(v)
		}
	}()
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	return nil
}

// UTC returns t in UTC, truncated to microseconds, the precision PostgreSQL
// keeps; every time a store writes goes through it so both engines agree.
func UTC(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
