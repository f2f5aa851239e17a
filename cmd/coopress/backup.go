package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/coopress/coopress/internal/app"
	"github.com/coopress/coopress/internal/db"
)

func init() {
	commands["backup"] = &command{summary: "write a consistent copy of the SQLite database to FILE, even while serving",
		args: "FILE",
		about: "FILE must not exist unless --replace is given. The copy is a complete SQLite database; put it back\n" +
			"with `coopress restore FILE`. On PostgreSQL use pg_dump instead (see docs/operations.md).",
		run: runBackup}
}

func runBackup(ctx context.Context, inv *invocation, args []string) error {
	var cfg app.Config
	fs := inv.flagSet()
	cfg.AddStoreFlags(fs)
	replace := fs.Bool("replace", false, "replace FILE if it already exists")
	file, err := inv.parseFileArg(fs, args)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	if db.IsPostgresURL(cfg.DatabaseURL) {
		return db.ErrUsePgDump
	}
	d, err := app.OpenExistingAsIs(ctx, &cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	if *replace {
		err = d.BackupReplace(ctx, file)
	} else {
		err = d.Backup(ctx, file)
	}
	if errors.Is(err, db.ErrBackupExists) {
		return fmt.Errorf("%s already exists; choose another name or add --replace", file)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(inv.stdout, "backed up %s to %s\n", d.Path, file)
	return nil
}
