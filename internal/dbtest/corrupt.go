package dbtest

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/coopress/coopress/internal/db"
)

// CorruptTable damages the coopress SQLite database in dataDir the way a
// failing disk does: the file still opens and its header is intact, but the
// pages of table (its root page and the next one) are overwritten with
// garbage. The database must not be open elsewhere.
func CorruptTable(t testing.TB, dataDir, table string) {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, "", dataDir)
	if err != nil {
		t.Fatalf("open to corrupt: %v", err)
	}
	var pageSize, root int64
	err = d.Reader().QueryRowContext(ctx, `SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = $1`, table).Scan(&root)
	if err == nil {
		err = d.Reader().QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize)
	}
	if err == nil {
		// Everything into the main file, so the damage is not hidden by
		// a newer copy of the page in the write-ahead log.
		_, err = d.Writer().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	path := d.Path
	d.Close()
	if err != nil {
		t.Fatalf("find %s's pages: %v", table, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xA5}, int(2*pageSize)), (root-1)*pageSize); err != nil {
		t.Fatal(err)
	}
}
