package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/coopress/coopress/internal/app"
	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/demo"
)

func init() {
	commands["demo-generate"] = command{"add generated articles, for demos and scale tests", runDemoGenerate}
}

func runDemoGenerate(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("demo-generate", flag.ContinueOnError)
	cfg.AddStoreFlags(fs)
	count := fs.Int("count", 1000, "how many articles to add")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *count < 1 || *count > 10_000_000 {
		return fmt.Errorf("--count must be between 1 and 10,000,000")
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	d, err := app.OpenDB(ctx, &cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	store := article.NewStore(d, time.Now)
	start := time.Now()
	if err := demo.Load(ctx, store, 0); err != nil {
		return err
	}
	// Generated articles go before the demo's main article, so it stays on top.
	if err := demo.GenerateMore(ctx, store, *count, demo.SeedPublished.Add(-time.Duration(time.Now().UnixNano()%1000)*time.Hour)); err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "added %d articles in %s (%.0f/s)\n", *count, took.Round(time.Millisecond), float64(*count)/took.Seconds())
	return nil
}
