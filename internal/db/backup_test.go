package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/testwait"
)

// addPair writes section w-sec-N and article w-art-N in it, in one
// transaction: a restored copy must hold both or neither.
func addPair(ctx context.Context, d *db.DB, n int, body string) error {
	return d.InTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO sections (slug, name) VALUES ($1, $2) RETURNING id`,
			fmt.Sprintf("w-sec-%d", n), "Section").Scan(&id)
		if err != nil {
			return err
		}
		now := db.UTC(time.Now())
		_, err = tx.ExecContext(ctx, `INSERT INTO articles (slug, headline, body_text, section_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5)`, fmt.Sprintf("w-art-%d", n), "Headline", body, id, now)
		return err
	})
}

// preload fills the database with n pairs, in a few transactions, so that a
// backup takes long enough for writes to land while it runs.
func preload(t *testing.T, d *db.DB, n int) {
	t.Helper()
	ctx := context.Background()
	body := strings.Repeat("The co-operative's members met in the town hall. ", 40)
	err := d.InTx(ctx, func(tx *sql.Tx) error {
		for i := range n {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO sections (slug, name) VALUES ($1, 'Old') RETURNING id`,
				fmt.Sprintf("old-%d", i)).Scan(&id); err != nil {
				return err
			}
			now := db.UTC(time.Now())
			if _, err := tx.ExecContext(ctx, `INSERT INTO articles (slug, headline, body_text, section_id, created_at, updated_at)
				VALUES ($1, 'Old', $2, $3, $4, $4)`, fmt.Sprintf("old-%d", i), body, id, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBackupDuringWritesRestoresConsistently(t *testing.T) {
	ctx := context.Background()
	d := dbtest.SQLite(t)
	preload(t, d, 2000)

	var committed atomic.Int64 // pairs 0..committed-1 are durable
	writeCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var writeErr error
	wg.Go(func() {
		for n := 0; writeCtx.Err() == nil; n++ {
			if err := addPair(writeCtx, d, n, "new"); err != nil {
				if writeCtx.Err() == nil {
					writeErr = err
				}
				return
			}
			committed.Store(int64(n + 1))
		}
	})
	testwait.Until(t, 10*time.Second, "20 pairs committed", func() bool { return committed.Load() >= 20 })
	dest := filepath.Join(t.TempDir(), "site.db")
	before := committed.Load()
	if err := d.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	after := committed.Load()
	stop()
	wg.Wait()
	if writeErr != nil {
		t.Fatalf("writer: %v", writeErr)
	}
	// Writes kept committing while the copy was made: the backup did not
	// hold the single writer connection.
	if after <= before {
		t.Errorf("no write committed during the backup (before %d, after %d)", before, after)
	}

	dir := t.TempDir()
	if err := db.Restore(ctx, dest, dir); err != nil {
		t.Fatal(err)
	}
	r, err := db.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	assertSound(t, r)

	var secs, arts, pairs, maxN int64
	q := `SELECT
		(SELECT count(*) FROM sections WHERE slug LIKE 'w-sec-%'),
		(SELECT count(*) FROM articles WHERE slug LIKE 'w-art-%'),
		(SELECT count(*) FROM sections s JOIN articles a
			ON a.section_id = s.id AND a.slug = 'w-art-' || substr(s.slug, 7)
			WHERE s.slug LIKE 'w-sec-%'),
		(SELECT COALESCE(MAX(CAST(substr(slug, 7) AS INTEGER)), -1) FROM sections WHERE slug LIKE 'w-sec-%')`
	if err := r.QueryRowContext(ctx, q).Scan(&secs, &arts, &pairs, &maxN); err != nil {
		t.Fatal(err)
	}
	if secs != pairs || arts != pairs {
		t.Errorf("torn transactions: %d sections, %d articles, %d whole pairs", secs, arts, pairs)
	}
	// Pairs commit one after another, so a snapshot holds a prefix of them.
	if maxN != pairs-1 {
		t.Errorf("pairs are not a prefix: %d pairs, highest %d", pairs, maxN)
	}
	if pairs < before || pairs > after {
		t.Errorf("restored %d pairs; want between %d (committed before the backup) and %d", pairs, before, after)
	}
	var old int
	if err := r.QueryRowContext(ctx, `SELECT count(*) FROM articles WHERE slug LIKE 'old-%'`).Scan(&old); err != nil || old != 2000 {
		t.Errorf("preloaded articles: %d, %v", old, err)
	}
	t.Logf("backup during writes: %d pairs before, %d restored, %d after", before, pairs, after)
}

// assertSound checks a restored database the way an operator would.
func assertSound(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	var ok string
	if err := d.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q, %v", ok, err)
	}
	rows, err := d.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if rows.Next() {
		t.Fatal("foreign_key_check reports violations")
	}
	applied, total, err := d.MigrationStatus(ctx)
	if err != nil || applied != total {
		t.Fatalf("restored database at migration %d of %d: %v", applied, total, err)
	}
}

func TestBackupRefusesExistingDest(t *testing.T) {
	ctx := context.Background()
	d := dbtest.SQLite(t)
	dir := t.TempDir()
	dest := filepath.Join(dir, "site.db")
	if err := os.WriteFile(dest, []byte("last week's backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := d.Backup(ctx, dest)
	if !errors.Is(err, db.ErrBackupExists) {
		t.Fatalf("want ErrBackupExists, got %v", err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "last week's backup" {
		t.Fatal("existing file was changed")
	}
	if err := d.BackupReplace(ctx, dest); err != nil {
		t.Fatalf("replace: %v", err)
	}
	// Neither path leaves a temporary file behind.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("backup directory holds %d files, want 1: %v", len(entries), entries)
	}
	fi, err := os.Stat(dest)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup mode %v, %v; want 0600 (it holds members' data)", fi.Mode(), err)
	}
}

func TestBackupOnPostgresPointsToPgDump(t *testing.T) {
	d := dbtest.Postgres(t)
	err := d.Backup(context.Background(), filepath.Join(t.TempDir(), "x.db"))
	if !errors.Is(err, db.ErrUsePgDump) || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("want the pg_dump message, got %v", err)
	}
}

// backupOf makes a backup of a fresh database holding one section named
// name, and returns its path.
func backupOf(t *testing.T, name string) string {
	t.Helper()
	ctx := context.Background()
	d := dbtest.SQLite(t)
	if _, err := d.ExecContext(ctx, `INSERT INTO sections (slug, name) VALUES ($1, $1)`, name); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), name+".db")
	if err := d.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	return dest
}

// sectionIn returns the one section's slug in dir's database.
func sectionIn(t *testing.T, path string) string {
	t.Helper()
	c, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var slug string
	if err := c.QueryRow(`SELECT slug FROM sections`).Scan(&slug); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return slug
}

func TestRestoreKeepsTheDatabaseItReplaces(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live, err := db.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := live.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := live.ExecContext(ctx, `INSERT INTO sections (slug, name) VALUES ('current', 'c')`); err != nil {
		t.Fatal(err)
	}
	live.Close()

	for _, name := range []string{"first", "second"} {
		if err := db.Restore(ctx, backupOf(t, name), dir); err != nil {
			t.Fatal(err)
		}
		if got := sectionIn(t, filepath.Join(dir, "coopress.db")); got != name {
			t.Fatalf("after restoring %s the site has section %q", name, got)
		}
	}
	kept, _ := filepath.Glob(filepath.Join(dir, "coopress.db.before-restore-*"))
	var slugs []string
	for _, k := range kept {
		if strings.HasSuffix(k, "-wal") || strings.HasSuffix(k, "-shm") {
			t.Errorf("kept database has a companion file %s; want it checkpointed", k)
			continue
		}
		slugs = append(slugs, sectionIn(t, k))
	}
	// Two restores within one second must not overwrite each other's copy.
	if strings.Join(slugs, ",") != "current,first" {
		t.Fatalf("kept databases hold %v, want [current first]", slugs)
	}
}

func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	notSQLite := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(notSQLite, []byte(strings.Repeat("not a database\n", 100)), 0o600)
	empty := filepath.Join(t.TempDir(), "empty.db")
	os.WriteFile(empty, nil, 0o600)
	foreign := filepath.Join(t.TempDir(), "other.db")
	c, _ := sql.Open("sqlite", "file:"+foreign)
	if _, err := c.Exec(`CREATE TABLE recipes (name TEXT)`); err != nil {
		t.Fatal(err)
	}
	c.Close()
	newer := backupOf(t, "future")
	c, _ = sql.Open("sqlite", "file:"+newer)
	if _, err := c.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, 1)`); err != nil {
		t.Fatal(err)
	}
	c.Close()

	for _, tc := range []struct{ name, src, want string }{
		{"text file", notSQLite, "not a SQLite database"},
		{"empty file", empty, "not a SQLite database"},
		{"other application's database", foreign, "no coopress schema"},
		{"schema from a newer coopress", newer, "newer coopress"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Restore(ctx, tc.src, dir)
			if !errors.Is(err, db.ErrNotBackup) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want ErrNotBackup saying %q, got %v", tc.want, err)
			}
		})
	}
	if err := db.Restore(ctx, filepath.Join(dir, "missing.db"), dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	// Nothing was put in place and nothing was left behind but the lock.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != db.LockFile {
		t.Fatalf("data directory holds %v after refused restores", entries)
	}
}

func TestRestoreRefusesWhileServerRuns(t *testing.T) {
	dir := t.TempDir()
	unlock, err := db.LockDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	err = db.Restore(context.Background(), backupOf(t, "x"), dir)
	if !errors.Is(err, db.ErrDataDirInUse) || !strings.Contains(err.Error(), "in use by another coopress serve") {
		t.Fatalf("want ErrDataDirInUse, got %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "coopress.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("restore wrote a database while the directory was locked")
	}
}
