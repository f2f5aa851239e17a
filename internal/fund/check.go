package fund

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/money"
)

// CheckReport is what Check found.
type CheckReport struct {
	// Campaigns compares each campaign's cached total with its ledger sum.
	Campaigns []CampaignCheck
	// Triggers are the append-only triggers found on ledger_entries.
	Triggers []string
	// Holds are the conflicts and held payments the treasurer has not
	// resolved; each is also a problem, since money is waiting.
	Holds []Hold
	// Problems lists every disagreement in words; empty means all is well.
	Problems []string
}

// CampaignCheck is one month's cached total against its ledger.
type CampaignCheck struct {
	Month   string
	Cached  money.Money
	Ledger  money.Money
	Entries int
}

// OK reports whether the check found nothing wrong.
func (r CheckReport) OK() bool { return len(r.Problems) == 0 }

// requiredTriggers are the triggers that make the ledger append-only on
// each engine.
func requiredTriggers(d db.Dialect) []string {
	t := []string{"ledger_entries_no_delete", "ledger_entries_no_update"}
	if d == db.Postgres {
		t = append(t, "ledger_entries_no_truncate")
	}
	return t
}

// Check proves the ledger's promises: every campaign's cached total equals
// the sum of its entries, every reversal exactly cancels a gift in the same
// campaign and currency, the triggers that forbid UPDATE and DELETE are
// in place, and no conflict or held payment waits unresolved.
func (s *Service) Check(ctx context.Context) (CheckReport, error) {
	var r CheckReport
	rows, err := s.db.QueryContext(ctx, `SELECT c.month, c.raised_minor, c.currency,
		COALESCE(SUM(e.amount_minor), 0), COUNT(e.id),
		SUM(CASE WHEN e.currency <> c.currency THEN 1 ELSE 0 END)
		FROM campaigns c LEFT JOIN ledger_entries e ON e.campaign_id = c.id
		GROUP BY c.id, c.month, c.raised_minor, c.currency ORDER BY c.month`)
	if err != nil {
		return r, fmt.Errorf("fund: check totals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cc CampaignCheck
		var cur string
		var foreign *int64
		if err := rows.Scan(&cc.Month, &cc.Cached.Minor, &cur, &cc.Ledger.Minor, &cc.Entries, &foreign); err != nil {
			return r, fmt.Errorf("fund: check totals: %w", err)
		}
		cc.Cached.Currency, cc.Ledger.Currency = cur, cur
		r.Campaigns = append(r.Campaigns, cc)
		if cc.Cached != cc.Ledger {
			r.Problems = append(r.Problems, fmt.Sprintf("%s: total shows %s but the ledger sums to %s",
				cc.Month, cc.Cached.Format(), cc.Ledger.Format()))
		}
		if foreign != nil && *foreign > 0 {
			r.Problems = append(r.Problems, fmt.Sprintf("%s: %d entries are not in %s", cc.Month, *foreign, cur))
		}
	}
	if err := rows.Err(); err != nil {
		return r, err
	}
	if err := s.checkReversals(ctx, &r); err != nil {
		return r, err
	}
	if r.Holds, err = s.OpenHolds(ctx); err != nil {
		return r, err
	}
	for _, h := range r.Holds {
		r.Problems = append(r.Problems, fmt.Sprintf("open %s %d, held %s: %s; resolve it on the fund dashboard",
			h.Kind, h.ID, h.HeldAt.Format("2 Jan 2006 15:04 MST"), h.Reason))
	}
	if r.Triggers, err = s.triggers(ctx); err != nil {
		return r, err
	}
	for _, want := range requiredTriggers(s.db.Dialect()) {
		if !slices.Contains(r.Triggers, want) {
			r.Problems = append(r.Problems, "trigger "+want+" is missing: the ledger is not append-only")
		}
	}
	return r, nil
}

// checkReversals finds reversals that do not exactly cancel their gift.
func (s *Service) checkReversals(ctx context.Context, r *CheckReport) error {
	rows, err := s.db.QueryContext(ctx, `SELECT rv.id, rv.reversal_of FROM ledger_entries rv
		JOIN ledger_entries o ON o.id = rv.reversal_of
		WHERE rv.amount_minor <> -o.amount_minor OR rv.currency <> o.currency
		   OR rv.campaign_id <> o.campaign_id OR o.reversal_of IS NOT NULL`)
	if err != nil {
		return fmt.Errorf("fund: check reversals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, of int64
		if err := rows.Scan(&id, &of); err != nil {
			return err
		}
		r.Problems = append(r.Problems, fmt.Sprintf("entry %d does not exactly reverse entry %d", id, of))
	}
	return rows.Err()
}

// triggers lists the triggers on ledger_entries, from each engine's catalogue.
func (s *Service) triggers(ctx context.Context) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ledger_entries' ORDER BY name`
	if s.db.Dialect() == db.Postgres {
		q = `SELECT tgname FROM pg_trigger WHERE tgrelid = 'ledger_entries'::regclass
			AND NOT tgisinternal AND tgenabled <> 'D' ORDER BY tgname`
	}
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("fund: check triggers: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, strings.TrimSpace(n))
	}
	return out, rows.Err()
}
