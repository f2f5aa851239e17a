package db

import (
	"context"
	"database/sql/driver"
	"errors"
	"reflect"
)

// stmtCacheSize bounds the prepared statements kept per SQLite connection.
// coopress and River use a few dozen distinct statements.
const stmtCacheSize = 256

// SQLite compiles every statement from its text before running it, and the
// pure-Go build does so slowly: on the money path, preparing took a third
// of all CPU time. cachingConnector keeps each connection's prepared
// statements by their SQL text and runs them again with new arguments, as
// the C library's users do by hand. database/sql uses a connection from one
// goroutine at a time, so the cache needs no lock.
type cachingConnector struct {
	dsn  string
	base driver.Driver
}

// Connect opens a connection of the underlying driver and wraps it.
func (c cachingConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.base.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &cachingConn{base: conn, stmts: map[string]*cachedStmt{}}, nil
}

// Driver returns the underlying driver.
func (c cachingConnector) Driver() driver.Driver { return c.base }

type cachedStmt struct {
	stmt driver.Stmt
	busy bool // rows of an earlier run are still open
}

// cachingConn is a SQLite connection that reuses prepared statements.
type cachingConn struct {
	base  driver.Conn
	stmts map[string]*cachedStmt
}

var (
	_ driver.QueryerContext     = (*cachingConn)(nil)
	_ driver.ExecerContext      = (*cachingConn)(nil)
	_ driver.ConnBeginTx        = (*cachingConn)(nil)
	_ driver.ConnPrepareContext = (*cachingConn)(nil)
	_ driver.SessionResetter    = (*cachingConn)(nil)
	_ driver.Validator          = (*cachingConn)(nil)
	_ driver.Pinger             = (*cachingConn)(nil)
)

// take returns a statement for query and whether it is cached; a statement
// whose rows are still being read is not shared, so a fresh one is made.
func (c *cachingConn) take(ctx context.Context, query string) (*cachedStmt, bool, error) {
	if s, ok := c.stmts[query]; ok && !s.busy {
		s.busy = true
		return s, true, nil
	}
	ds, err := c.base.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, false, err
	}
	s := &cachedStmt{stmt: ds, busy: true}
	if _, taken := c.stmts[query]; taken {
		return s, false, nil
	}
	if len(c.stmts) >= stmtCacheSize {
		for q, old := range c.stmts {
			if !old.busy {
				_ = old.stmt.Close()
				delete(c.stmts, q)
				break
			}
		}
	}
	c.stmts[query] = s
	return s, true, nil
}

func (c *cachingConn) release(s *cachedStmt, cached bool) {
	s.busy = false
	if !cached {
		_ = s.stmt.Close()
	}
}

// QueryContext runs query with a cached statement; the statement is free
// again when its rows are closed.
func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s, cached, err := c.take(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := s.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		c.release(s, cached)
		return nil, err
	}
	return &cachingRows{Rows: rows, done: func() { c.release(s, cached) }}, nil
}

// ExecContext runs query with a cached statement.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s, cached, err := c.take(ctx, query)
	if err != nil {
		return nil, err
	}
	defer c.release(s, cached)
	return s.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

// Prepare is for callers that prepare statements themselves.
func (c *cachingConn) Prepare(query string) (driver.Stmt, error) { return c.base.Prepare(query) }

// PrepareContext is Prepare with a context.
func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.base.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

// Begin starts a transaction.
//
// Deprecated: database/sql calls BeginTx.
func (c *cachingConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx starts a transaction on the underlying connection.
func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.base.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

// Close finalises every cached statement, then closes the connection:
// SQLite will not close a database with statements still prepared.
func (c *cachingConn) Close() error {
	var errs []error
	for q, s := range c.stmts {
		errs = append(errs, s.stmt.Close())
		delete(c.stmts, q)
	}
	return errors.Join(append(errs, c.base.Close())...)
}

// ResetSession passes the pool's check on to the connection.
func (c *cachingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.base.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

// IsValid passes the pool's check on to the connection.
func (c *cachingConn) IsValid() bool {
	if v, ok := c.base.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// Ping checks the connection.
func (c *cachingConn) Ping(ctx context.Context) error {
	if p, ok := c.base.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

// cachingRows frees its statement for reuse when closed, and passes on the
// column information the driver offers.
type cachingRows struct {
	driver.Rows
	done func()
}

func (r *cachingRows) Close() error {
	err := r.Rows.Close()
	if r.done != nil {
		r.done()
		r.done = nil
	}
	return err
}

// ColumnTypeDatabaseTypeName reports the declared type of a column.
func (r *cachingRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

// ColumnTypeScanType reports the Go type a column scans into.
func (r *cachingRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

// ColumnTypeNullable reports whether a column may be NULL.
func (r *cachingRows) ColumnTypeNullable(i int) (nullable, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}
