package main

import (
	"context"
	"fmt"
	"io"
)

func init() {
	commands["migrate"] = command{"apply pending database migrations", runMigrate}
}

func runMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	c := newStoreCLI("migrate")
	d, err := c.openDB(ctx, args)
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
