package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/demo"
)

func init() {
	commands["demo-generate"] = command{"add generated articles, for demos and scale tests", runDemoGenerate}
}

func runDemoGenerate(ctx context.Context, args []string, stdout io.Writer) error {
	c := newStoreCLI("demo-generate")
	count := c.fs.Int("count", 1000, "how many articles to add")
	d, err := c.openDB(ctx, args)
	if err != nil {
		return err
	}
	if *count < 1 || *count > 10_000_000 {
		d.Close()
		return fmt.Errorf("--count must be between 1 and 10,000,000")
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
