package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/coopress/coopress/internal/app"
	"github.com/coopress/coopress/internal/db"
)

func init() {
	commands["backup"] = command{"write a consistent copy of the SQLite database to FILE, even while serving", runBackup}
}

func runBackup(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	cfg.AddStoreFlags(fs)
	replace := fs.Bool("replace", false, "replace FILE if it already exists")
	file, err := parseFileArg(fs, args, "backup")
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	if cfg.DatabaseURL == "" {
		// Opening would create an empty database, and a backup of nothing
		// from a mistyped --data is worse than an error.
		path := filepath.Join(cfg.DataDir, "coopress.db")
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("no database to back up: %w", err)
		}
	}
	// db.Open rather than app.OpenDB: a backup copies the database as it is
	// and must not migrate it under a server that may be an older version.
	d, err := db.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
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
	fmt.Fprintf(stdout, "backed up %s to %s\n", d.Path, file)
	return nil
}

// parseFileArg parses flags around the one FILE argument, so that both
// `coopress backup FILE --data DIR` and `coopress backup --data DIR FILE`
// work: the flag package alone stops at the first argument that is not a
// flag and would silently ignore the --data after it.
func parseFileArg(fs *flag.FlagSet, args []string, name string) (string, error) {
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if fs.NArg() == 0 {
		return "", fmt.Errorf("usage: coopress %s [flags] FILE", name)
	}
	file := fs.Arg(0)
	if err := fs.Parse(fs.Args()[1:]); err != nil {
		return "", err
	}
	if fs.NArg() != 0 {
		return "", fmt.Errorf("usage: coopress %s [flags] FILE (unexpected %q)", name, fs.Arg(0))
	}
	return file, nil
}
