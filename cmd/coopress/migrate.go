package main

import (
	"context"
	"fmt"

	"github.com/coopress/coopress/internal/app"
)

func init() {
	commands["migrate"] = &command{summary: "create the database if needed and apply pending migrations",
		about: "Like serve, migrate creates a new database when there is none; every other command refuses to.",
		run:   runMigrate}
}

func runMigrate(ctx context.Context, inv *invocation, args []string) error {
	c := newStoreCLI(inv)
	if err := c.parse(args); err != nil {
		return err
	}
	d, err := app.OpenDB(ctx, &c.cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	applied, total, err := d.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(inv.stdout, "%s database is at migration %d of %d\n", d.Dialect(), applied, total)
	return nil
}
