package fund

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/money"
)

// Campaign is one month's appeal.
type Campaign struct {
	ID     int64
	Month  string
	Target money.Money
	// Raised is the cached total kept beside the campaign; Totals and Check
	// compute the ledger sum itself.
	Raised    money.Money
	CreatedAt time.Time
	UpdatedAt time.Time
}

// campaignState is what a change leaves for the snapshot to take up.
type campaignState struct {
	month   string
	target  money.Money
	raised  money.Money
	version int64
}

// EnsureCampaign returns the campaign for month ("2024-11"), creating it with
// the previous month's target (or the default for the first) when missing.
func (s *Service) EnsureCampaign(ctx context.Context, month string) (Campaign, error) {
	if _, err := ParseMonth(month, s.loc); err != nil {
		return Campaign{}, err
	}
	var c Campaign
	var version int64
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		c, version, err = s.ensureCampaign(ctx, tx, month)
		return err
	})
	if err != nil {
		return Campaign{}, err
	}
	if version != 0 {
		s.snap.apply(campaignState{month: c.Month, target: c.Target, raised: c.Raised, version: version})
	}
	return c, nil
}

// ensureCampaign finds or creates month's campaign inside tx. version is the
// new fund_state version when it created one, else 0.
func (s *Service) ensureCampaign(ctx context.Context, tx *sql.Tx, month string) (Campaign, int64, error) {
	c, err := getCampaign(ctx, tx, month)
	if err == nil || !errors.Is(err, db.ErrNotFound) {
		return c, 0, err
	}
	target, err := s.defaultTargetFor(ctx, tx, month)
	if err != nil {
		return Campaign{}, 0, err
	}
	now := db.UTC(s.now())
	res, err := tx.ExecContext(ctx, `INSERT INTO campaigns (month, target_minor, currency, raised_minor, created_at, updated_at)
		VALUES ($1, $2, $3, 0, $4, $4) ON CONFLICT (month) DO NOTHING`, month, target.Minor, target.Currency, now)
	if err != nil {
		return Campaign{}, 0, fmt.Errorf("fund: create campaign %s: %w", month, err)
	}
	var version int64
	if n, _ := res.RowsAffected(); n == 1 {
		if version, err = bumpVersion(ctx, tx); err != nil {
			return Campaign{}, 0, err
		}
	}
	c, err = getCampaign(ctx, tx, month)
	return c, version, err
}

// defaultTargetFor is the target of the latest month before month, so a
// target carries on until the treasurer changes it.
func (s *Service) defaultTargetFor(ctx context.Context, q db.Queryer, month string) (money.Money, error) {
	var m money.Money
	err := q.QueryRowContext(ctx, `SELECT target_minor, currency FROM campaigns
		WHERE month < $1 ORDER BY month DESC LIMIT 1`, month).Scan(&m.Minor, &m.Currency)
	if errors.Is(err, sql.ErrNoRows) {
		return s.defaultTarget, nil
	}
	if err != nil {
		return money.Money{}, fmt.Errorf("fund: previous target: %w", err)
	}
	return m, nil
}

// SetTarget changes month's target, keeping the old one in
// campaign_target_changes with who changed it.
//
// Each hook runs in the change's transaction with the campaign before and
// after, so a record of the change (the audit log) is kept or lost with it.
func (s *Service) SetTarget(ctx context.Context, month string, target money.Money, by string, hooks ...func(ctx context.Context, tx *sql.Tx, before, after Campaign) error) (Campaign, error) {
	if _, err := ParseMonth(month, s.loc); err != nil {
		return Campaign{}, err
	}
	if target.Minor <= 0 {
		return Campaign{}, invalid("target", "must be more than zero")
	}
	if !money.Known(target.Currency) {
		return Campaign{}, invalid("target", "currency "+target.Currency+" is not supported")
	}
	if strings.TrimSpace(by) == "" {
		return Campaign{}, invalid("by", "say who is changing the target")
	}
	var c Campaign
	var version int64
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if c, _, err = s.ensureCampaign(ctx, tx, month); err != nil {
			return err
		}
		if c.Target.Currency != target.Currency {
			return invalid("target", fmt.Sprintf("the %s campaign is in %s, not %s", month, c.Target.Currency, target.Currency))
		}
		now := db.UTC(s.now())
		// Lock the row and read it afresh: on PostgreSQL a gift committed
		// since ensureCampaign read it must be in the total the snapshot gets.
		if err := tx.QueryRowContext(ctx, `UPDATE campaigns SET updated_at = $1 WHERE id = $2
			RETURNING target_minor, raised_minor`, now, c.ID).Scan(&c.Target.Minor, &c.Raised.Minor); err != nil {
			return fmt.Errorf("fund: lock campaign: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO campaign_target_changes
			(campaign_id, old_target_minor, new_target_minor, changed_at, changed_by) VALUES ($1, $2, $3, $4, $5)`,
			c.ID, c.Target.Minor, target.Minor, now, by); err != nil {
			return fmt.Errorf("fund: record target change: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE campaigns SET target_minor = $1, updated_at = $2 WHERE id = $3`,
			target.Minor, now, c.ID); err != nil {
			return fmt.Errorf("fund: set target: %w", err)
		}
		before := c
		c.Target, c.UpdatedAt = target, now
		if version, err = bumpVersion(ctx, tx); err != nil {
			return err
		}
		for _, h := range hooks {
			if err := h(ctx, tx, before, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Campaign{}, err
	}
	s.snap.apply(campaignState{month: c.Month, target: c.Target, raised: c.Raised, version: version})
	return c, nil
}

// Campaign returns month's campaign, or db.ErrNotFound.
func (s *Service) Campaign(ctx context.Context, month string) (Campaign, error) {
	return getCampaign(ctx, s.db, month)
}

// Campaigns lists every campaign, newest month first, for past results.
func (s *Service) Campaigns(ctx context.Context) ([]Campaign, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+campaignColumns+` FROM campaigns ORDER BY month DESC`)
	if err != nil {
		return nil, fmt.Errorf("fund: list campaigns: %w", err)
	}
	defer rows.Close()
	var out []Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

const campaignColumns = `id, month, target_minor, currency, raised_minor, created_at, updated_at`

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanCampaign(r scanner) (Campaign, error) {
	var c Campaign
	err := r.Scan(&c.ID, &c.Month, &c.Target.Minor, &c.Target.Currency, &c.Raised.Minor, &c.CreatedAt, &c.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Campaign{}, db.ErrNotFound
	}
	if err != nil {
		return Campaign{}, fmt.Errorf("fund: read campaign: %w", err)
	}
	c.Raised.Currency = c.Target.Currency
	return c, nil
}

func getCampaign(ctx context.Context, q db.Queryer, month string) (Campaign, error) {
	return scanCampaign(q.QueryRowContext(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE month = $1`, month))
}

// bumpVersion moves fund_state on inside the transaction that changed the
// fund, so pollers see the change exactly when it commits.
func bumpVersion(ctx context.Context, tx *sql.Tx) (int64, error) {
	var v int64
	if err := tx.QueryRowContext(ctx, `UPDATE fund_state SET version = version + 1 WHERE id = 1 RETURNING version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("fund: bump version: %w", err)
	}
	return v, nil
}

// Version reads fund_state's counter.
func (s *Service) Version(ctx context.Context) (int64, error) {
	var v int64
	if err := s.db.QueryRowContext(ctx, `SELECT version FROM fund_state WHERE id = 1`).Scan(&v); err != nil {
		return 0, fmt.Errorf("fund: read version: %w", err)
	}
	return v, nil
}
