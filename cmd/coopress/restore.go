package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/coopress/coopress/internal/app"
	"github.com/coopress/coopress/internal/db"
)

func init() {
	commands["restore"] = command{"put a backup made by `coopress backup` back in place (server stopped)", runRestore}
}

func runRestore(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	cfg.AddStoreFlags(fs)
	file, err := parseFileArg(fs, args, "restore")
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	switch {
	case strings.HasPrefix(cfg.DatabaseURL, "postgres"):
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
	fmt.Fprintf(stdout, "restored %s to %s\n", file, filepath.Join(cfg.DataDir, "coopress.db"))
	for _, k := range keptCopies(cfg.DataDir) {
		if !slices.Contains(before, k) {
			fmt.Fprintf(stdout, "the database it replaced is kept as %s\n", k)
		}
	}
	fmt.Fprintln(stdout, "start coopress serve; it applies any migrations the backup lacks")
	return nil
}

// keptCopies lists the databases earlier restores set aside in dir.
func keptCopies(dir string) []string {
	all, _ := filepath.Glob(filepath.Join(dir, "coopress.db.before-restore-*"))
	return slices.DeleteFunc(all, func(p string) bool {
		return strings.HasSuffix(p, "-wal") || strings.HasSuffix(p, "-shm")
	})
}
