package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/coopress/coopress/internal/app"
	"github.com/coopress/coopress/internal/db"
)

func init() {
	commands["restore"] = &command{summary: "put a backup made by `coopress backup` back in place (stop the server first)",
		args: "FILE",
		about: "Stop coopress serve first: restore refuses while a server holds the data directory.\n\n" +
			"FILE must be a coopress SQLite backup; it is checked before anything changes. It is installed as\n" +
			"DIR/coopress.db, and the database it replaces is kept beside it as coopress.db.before-restore-TIME.\n" +
			"DIR may be new or empty (rebuilding a site on a new machine): restore creates it, but only once\n" +
			"FILE has passed its checks, so a refused restore creates nothing. Start coopress serve afterwards;\n" +
			"it applies any migrations the backup lacks. SQLite only: on PostgreSQL use pg_restore.",
		run: runRestore}
}

func runRestore(ctx context.Context, inv *invocation, args []string) error {
	var cfg app.Config
	fs := inv.flagSet()
	cfg.AddStoreFlags(fs)
	file, err := inv.parseFileArg(fs, args)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	switch {
	case db.IsPostgresURL(cfg.DatabaseURL):
		return errors.New("restore works on SQLite only; on PostgreSQL use pg_restore (see docs/operations.md)")
	case cfg.DatabaseURL != "":
		// Restore installs coopress.db in the data directory, under the
		// directory's lock; a database elsewhere has neither.
		return fmt.Errorf("restore puts the backup in the data directory; unset --database (%s) and give --data", cfg.Redacted())
	}
	before := keptCopies(cfg.DataDir)
	if err := db.Restore(ctx, file, cfg.DataDir); err != nil {
		return err
	}
	fmt.Fprintf(inv.stdout, "restored %s to %s\n", file, filepath.Join(cfg.DataDir, "coopress.db"))
	for _, k := range keptCopies(cfg.DataDir) {
		if !slices.Contains(before, k) {
			fmt.Fprintf(inv.stdout, "the database it replaced is kept as %s\n", k)
		}
	}
	fmt.Fprintln(inv.stdout, "start coopress serve; it applies any migrations the backup lacks")
	return nil
}

// keptCopies lists the databases earlier restores set aside in dir.
func keptCopies(dir string) []string {
	all, _ := filepath.Glob(filepath.Join(dir, "coopress.db.before-restore-*"))
	return slices.DeleteFunc(all, func(p string) bool {
		return strings.HasSuffix(p, "-wal") || strings.HasSuffix(p, "-shm")
	})
}
