package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/coopress/coopress/internal/app"
)

func init() {
	commands["migrate"] = command{"apply pending database migrations", runMigrate}
}

func runMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	cfg.AddStoreFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	d, err := app.OpenDB(ctx, &cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	applied, total, err := d.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s database is at migration %d of %d\n", d.Dialect(), applied, total)
	return nil
}
