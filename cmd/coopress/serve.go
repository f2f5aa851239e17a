package main

import (
	"context"
	"log/slog"

	"github.com/coopress/coopress/internal/app"
)

func init() {
	commands["serve"] = &command{summary: "serve the site; creates and migrates the database when needed",
		about: "With --demo (or COOPRESS_DEMO=1) it first loads demo content, but only into a database with no\n" +
			"articles, no ledger entries and no accounts: otherwise it says what is there and does not start.\n" +
			"Logs are JSON lines on standard output.",
		run: runServe}
}

func runServe(ctx context.Context, inv *invocation, args []string) error {
	var cfg app.Config
	fs := inv.flagSet()
	cfg.AddStoreFlags(fs)
	cfg.AddServeFlags(fs)
	if err := inv.parseNoArgs(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(inv.stdout, &slog.HandlerOptions{Level: cfg.Level}))
	return app.Serve(ctx, &cfg, log, nil)
}
