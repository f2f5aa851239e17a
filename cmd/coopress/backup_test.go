package main

import (
	"bytes"
	"context"
	"database/sql"
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
)

// backupCLI runs coopress with args and returns its exit code and output.
func backupCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// siteIn makes a migrated SQLite site in dir and returns it open.
func siteIn(t *testing.T, dir string) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

// writePair adds section p-N and its article p-N in one transaction.
func writePair(ctx context.Context, d *db.DB, n int) error {
	return d.InTx(ctx, func(tx *sql.Tx) error {
		var id int64
		slug := fmt.Sprintf("p-%d", n)
		if err := tx.QueryRowContext(ctx, `INSERT INTO sections (slug, name) VALUES ($1, 'S') RETURNING id`, slug).Scan(&id); err != nil {
			return err
		}
		now := db.UTC(time.Now())
		_, err := tx.ExecContext(ctx, `INSERT INTO articles (slug, headline, body_text, section_id, created_at, updated_at)
			VALUES ($1, 'H', $2, $3, $4, $4)`, slug, strings.Repeat("text ", 400), id, now)
		return err
	})
}

// TestBackupCommandDuringWritesThenRestore runs the server's writes and the
// backup command on separate handles, as a serve process and a cron job
// would, then restores into a new data directory and checks the site.
func TestBackupCommandDuringWritesThenRestore(t *testing.T) {
	ctx := context.Background()
	live := t.TempDir()
	site := siteIn(t, live)
	for n := range 500 {
		if err := writePair(ctx, site, n); err != nil {
			t.Fatal(err)
		}
	}
	var committed atomic.Int64
	committed.Store(500)
	writeCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		for n := 500; writeCtx.Err() == nil; n++ {
			if writePair(writeCtx, site, n) == nil {
				committed.Store(int64(n + 1))
			}
		}
	})
	file := filepath.Join(t.TempDir(), "nightly.db")
	before := committed.Load()
	// FILE before the flags, as operators often type it.
	code, out, errOut := backupCLI(t, "backup", file, "--data", live)
	stop()
	wg.Wait()
	if code != 0 {
		t.Fatalf("backup exited %d: %s", code, errOut)
	}
	if !strings.Contains(out, file) {
		t.Errorf("backup output %q does not name the file", out)
	}

	restored := t.TempDir()
	code, out, errOut = backupCLI(t, "restore", "--data", restored, file)
	if code != 0 {
		t.Fatalf("restore exited %d: %s", code, errOut)
	}
	if !strings.Contains(out, "restored") {
		t.Errorf("restore output %q", out)
	}
	r := siteIn(t, restored)
	var ok string
	if err := r.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check %q %v", ok, err)
	}
	rows, err := r.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Fatal("foreign_key_check reports violations")
	}
	rows.Close()
	var secs, whole int64
	err = r.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM sections WHERE slug LIKE 'p-%'),
		(SELECT count(*) FROM sections s JOIN articles a ON a.section_id = s.id AND a.slug = s.slug)`).Scan(&secs, &whole)
	if err != nil {
		t.Fatal(err)
	}
	if secs != whole || secs < before {
		t.Fatalf("restored %d sections, %d whole pairs; %d were committed before the backup", secs, whole, before)
	}
}

func TestBackupCommandRefusals(t *testing.T) {
	live := t.TempDir()
	siteIn(t, live)
	file := filepath.Join(t.TempDir(), "site.db")
	if code, _, errOut := backupCLI(t, "backup", "--data", live, file); code != 0 {
		t.Fatalf("first backup: %s", errOut)
	}
	code, _, errOut := backupCLI(t, "backup", "--data", live, file)
	if code != 1 || !strings.Contains(errOut, "already exists") || !strings.Contains(errOut, "--replace") {
		t.Errorf("second backup to the same file: exit %d, %q", code, errOut)
	}
	if code, _, errOut := backupCLI(t, "backup", "--replace", "--data", live, file); code != 0 {
		t.Errorf("backup --replace: %s", errOut)
	}
	empty := filepath.Join(t.TempDir(), "typo")
	code, _, errOut = backupCLI(t, "backup", "--data", empty, filepath.Join(t.TempDir(), "x.db"))
	if code != 1 || !strings.Contains(errOut, "no coopress database in "+empty+" (is --data or COOPRESS_DATA right?)") {
		t.Errorf("backup of a missing site: exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(empty); err == nil {
		t.Error("backup of a missing site created its data directory")
	}
	if code, _, errOut := backupCLI(t, "backup", "--data", live); code != 1 || !strings.Contains(errOut, "usage") {
		t.Errorf("backup without FILE: exit %d, %q", code, errOut)
	}
}

func TestRestoreCommandRefusals(t *testing.T) {
	live := t.TempDir()
	siteIn(t, live)
	good := filepath.Join(t.TempDir(), "good.db")
	if code, _, errOut := backupCLI(t, "backup", "--data", live, good); code != 0 {
		t.Fatal(errOut)
	}
	junk := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(junk, []byte("<html>not a backup</html>"), 0o600)
	bare := filepath.Join(t.TempDir(), "bare.db")
	c, _ := sql.Open("sqlite", "file:"+bare)
	if _, err := c.Exec(`CREATE TABLE t (x)`); err != nil {
		t.Fatal(err)
	}
	c.Close()

	target := t.TempDir()
	for _, tc := range []struct{ name, file, want string }{
		{"not SQLite", junk, "not a SQLite database"},
		{"no coopress schema", bare, "no coopress schema"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := backupCLI(t, "restore", "--data", target, tc.file)
			if code != 1 || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, %q; want %q", code, errOut, tc.want)
			}
		})
	}

	t.Run("server running", func(t *testing.T) {
		unlock, err := db.LockDataDir(target)
		if err != nil {
			t.Fatal(err)
		}
		defer unlock()
		code, _, errOut := backupCLI(t, "restore", "--data", target, good)
		if code != 1 || !strings.Contains(errOut, "in use by another coopress serve (pid") {
			t.Fatalf("exit %d, %q", code, errOut)
		}
	})
	if _, err := os.Stat(filepath.Join(target, "coopress.db")); err == nil {
		t.Fatal("a refused restore left a database in place")
	}
}

func TestBackupCommandsOnPostgres(t *testing.T) {
	url := dbtest.PostgresURL(t)
	code, _, errOut := backupCLI(t, "backup", "--database", url, filepath.Join(t.TempDir(), "x.db"))
	if code != 1 || !strings.Contains(errOut, "pg_dump") {
		t.Errorf("backup on PostgreSQL: exit %d, %q", code, errOut)
	}
	code, _, errOut = backupCLI(t, "restore", "--database", url, filepath.Join(t.TempDir(), "x.db"))
	if code != 1 || !strings.Contains(errOut, "pg_restore") {
		t.Errorf("restore on PostgreSQL: exit %d, %q", code, errOut)
	}
}

// TestRestoreIntoANewDirectory: restore may rebuild a site where there is
// none yet, but a refused restore there leaves no directory behind.
func TestRestoreIntoANewDirectory(t *testing.T) {
	live := t.TempDir()
	siteIn(t, live)
	good := filepath.Join(t.TempDir(), "good.db")
	if code, _, errOut := backupCLI(t, "backup", "--data", live, good); code != 0 {
		t.Fatal(errOut)
	}
	junk := filepath.Join(t.TempDir(), "junk.db")
	if err := os.WriteFile(junk, []byte("<html>not a backup</html>"), 0o600); err != nil {
		t.Fatal(err)
	}
	bare := filepath.Join(t.TempDir(), "bare.db")
	c, _ := sql.Open("sqlite", "file:"+bare)
	if _, err := c.Exec(`CREATE TABLE t (x)`); err != nil {
		t.Fatal(err)
	}
	c.Close()
	for _, file := range []string{junk, bare} {
		fresh := filepath.Join(t.TempDir(), "new-site")
		if code, _, errOut := backupCLI(t, "restore", "--data", fresh, file); code != 1 || !strings.Contains(errOut, "not a coopress backup") {
			t.Fatalf("restore of %s: exit %d, %q", file, code, errOut)
		}
		if _, err := os.Stat(fresh); err == nil {
			t.Errorf("a refused restore of %s created the data directory", filepath.Base(file))
		}
	}
	fresh := filepath.Join(t.TempDir(), "new-site")
	if code, out, errOut := backupCLI(t, "restore", "--data", fresh, good); code != 0 || !strings.Contains(out, "restored") {
		t.Fatalf("restore into a new directory: exit %d, %q", code, errOut)
	}
	if code, _, errOut := backupCLI(t, "fund", "show", "--data", fresh); code != 0 {
		t.Errorf("the restored site does not open: %s", errOut)
	}
}
