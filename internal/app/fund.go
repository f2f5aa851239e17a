package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/web"
)

// fundPoll is how often each node reads the fund's version.
const fundPoll = 250 * time.Millisecond

// startFund makes sure this month's campaign exists, loads the snapshot and
// keeps it fresh: changes made in this process show at once, changes made by
// other processes (the command line, other nodes) within a quarter of a
// second: on SQLite that poll is the only way to learn of them, and a gift
// must reach every open live box within a second (docs/benchmarks.md). A
// poll is one small indexed read.
func startFund(ctx context.Context, cfg *Config, d *db.DB, log *slog.Logger, opts ...fund.Option) (*fund.Service, web.FundSource, func(), error) {
	svc := fund.New(d, cfg.Location, time.Now, opts...)
	if _, err := svc.EnsureCampaign(ctx, svc.MonthOf(time.Now())); err != nil {
		return nil, nil, nil, err
	}
	if _, err := svc.Refresh(ctx); err != nil {
		return nil, nil, nil, err
	}
	wctx, cancel := context.WithCancel(ctx)
	go svc.Watch(wctx, fundPoll, func(err error) { log.Warn("fund snapshot refresh failed", "err", err) })
	return svc, svc.Snapshot(), cancel, nil
}
