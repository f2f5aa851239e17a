package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/web"
)

// fundBox adapts the fund's in-memory snapshot to what the web server needs
// to render the box on every page and stream it live.
type fundBox struct{ snap *fund.Snapshot }

// FundBox returns the box at now, or false until the snapshot has figures.
func (f fundBox) FundBox(now time.Time) (web.FundBox, bool) {
	if !f.snap.Loaded() {
		return web.FundBox{}, false
	}
	return toWebBox(f.snap.Box(now)), true
}

// FundVersion changes whenever the figures change.
func (f fundBox) FundVersion() int64 { return f.snap.Version() }

// SubscribeFund streams each new box until stop is called.
func (f fundBox) SubscribeFund() (<-chan web.FundBox, func()) {
	in, cancel := f.snap.Subscribe()
	out := make(chan web.FundBox, 1)
	go func() {
		defer close(out)
		for b := range in {
			wb := toWebBox(b)
			// Keep only the newest box for a slow reader.
			select {
			case out <- wb:
			default:
				select {
				case <-out:
				default:
				}
				out <- wb
			}
		}
	}()
	return out, cancel
}

func toWebBox(b fund.Box) web.FundBox {
	return web.FundBox{
		Raised: b.RaisedText, Target: b.TargetText, StillNeeded: b.StillNeededText, Over: b.OverText,
		Reached: b.Reached, DaysRemaining: b.DaysRemaining, Percent: b.Percent, MonthLabel: b.MonthLabel,
	}
}

// startFund makes sure this month's campaign exists, loads the snapshot and
// keeps it fresh: changes made in this process show at once, changes made by
// other processes (the command line, other nodes) within a second.
func startFund(ctx context.Context, cfg *Config, d *db.DB, log *slog.Logger, opts ...fund.Option) (*fund.Service, web.FundSource, func(), error) {
	svc := fund.New(d, cfg.Location, time.Now, opts...)
	if _, err := svc.EnsureCampaign(ctx, svc.MonthOf(time.Now())); err != nil {
		return nil, nil, nil, err
	}
	if _, err := svc.Refresh(ctx); err != nil {
		return nil, nil, nil, err
	}
	wctx, cancel := context.WithCancel(ctx)
	go svc.Watch(wctx, time.Second, func(err error) { log.Warn("fund snapshot refresh failed", "err", err) })
	return svc, fundBox{svc.Snapshot()}, cancel, nil
}
