package db

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// pgUniqueViolation is PostgreSQL's SQLSTATE for a duplicate key.
const pgUniqueViolation = "23505"

// IsUniqueViolation reports whether err, or an error it wraps, is a
// duplicate key on either engine: SQLite's extended codes for a UNIQUE
// constraint or index and for a PRIMARY KEY, or PostgreSQL's SQLSTATE 23505.
// It compares the drivers' codes, not message text, which a driver upgrade
// or a locale may reword; any other constraint failure (NOT NULL, CHECK,
// FOREIGN KEY) is not a duplicate and reports false.
func IsUniqueViolation(err error) bool {
	if se, ok := errors.AsType[*sqlite.Error](err); ok {
		// modernc.org/sqlite turns extended result codes on for every
		// connection, so the code says which constraint failed.
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return true
		}
		return false
	}
	if pe, ok := errors.AsType[*pgconn.PgError](err); ok {
		return pe.Code == pgUniqueViolation
	}
	return false
}
