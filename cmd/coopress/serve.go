package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"os"

	"github.com/coopress/coopress/internal/app"
)

func init() {
	commands["serve"] = command{"serve the site (add --demo to load demo content)", runServe}
}

func runServe(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg.AddStoreFlags(fs)
	cfg.AddServeFlags(fs)
	logLevel := fs.String("log-level", envOr("COOPRESS_LOG_LEVEL", "info"), "debug, info, warn or error (env COOPRESS_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level}))
	return app.Serve(ctx, &cfg, log, nil)
}

func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}
