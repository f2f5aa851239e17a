package main

import (
	"context"
	"fmt"
	"time"

	"github.com/coopress/coopress/internal/app"
	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/demo"
)

func init() {
	commands["demo-generate"] = &command{summary: "add generated articles to an existing site, for demos and scale tests", run: runDemoGenerate}
}

func runDemoGenerate(ctx context.Context, inv *invocation, args []string) error {
	c := newStoreCLI(inv)
	count := c.fs.Int("count", 1000, "how many articles to add, 1 to 10,000,000")
	if err := c.parse(args); err != nil {
		return err
	}
	if *count < 1 || *count > 10_000_000 {
		return fmt.Errorf("--count %d: give a number from 1 to 10,000,000", *count)
	}
	d, err := app.OpenExistingDB(ctx, &c.cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	store := article.NewStore(d, time.Now)
	start := time.Now()
	// A site without articles gets the demo's sections and seed article
	// first; generated articles go before it, so it stays on top.
	if err := demo.Load(ctx, store, 0); err != nil {
		return err
	}
	if err := demo.GenerateMore(ctx, store, *count, demo.SeedPublished.Add(-time.Duration(time.Now().UnixNano()%1000)*time.Hour)); err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(inv.stdout, "added %d articles in %s (%.0f/s)\n", *count, took.Round(time.Millisecond), float64(*count)/took.Seconds())
	return nil
}
