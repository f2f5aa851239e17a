package donation

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment/paymenttest"
	"github.com/pressly/goose/v3"
)

// closedPaymentsVersion is the migration that made "payment closed" data.
const closedPaymentsVersion = 10

// A ledger written before closed_payments marked a closure with the suffix
// " [payment closed]" on a reversal's reason. The migration must read those
// as closed, so a partial refund arriving after the upgrade still cannot
// re-record part of a payment that was refunded in full.
func TestClosuresMarkedTheOldWayStayClosed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		p := migrations(t, d)
		if _, err := p.DownTo(ctx, closedPaymentsVersion-1); err != nil {
			t.Fatal(err)
		}
		f := fund.New(d, time.UTC, time.Now)
		gift := func(ref string, amount int64) fund.Entry {
			e, err := f.Record(ctx, fund.Entry{Amount: money.New(amount, "GBP"), Method: fund.Card,
				ProviderRef: ref, ReceivedAt: time.Now().Add(-time.Hour), RecordedBy: recorder})
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		reverse := func(e fund.Entry, reason string) {
			if _, err := f.Reverse(ctx, e.ID, reason, recorder); err != nil {
				t.Fatal(err)
			}
		}
		// pi_full: refunded in full. pi_kept: partly refunded, then its
		// kept part closed by a dispute. pi_part: partly refunded only.
		reverse(gift("pi_full", 2000), "Stripe: pi_full refunded in full (event evt_1) [payment closed]")
		reverse(gift("pi_kept", 2000), "Stripe: partial refund of pi_kept, £5 refunded in all (event evt_2); the part kept is re-recorded")
		reverse(gift("pi_kept~kept-after-refund-500", 1500), "Stripe: card payment pi_kept disputed by the donor's bank (event evt_3) [payment closed]")
		reverse(gift("pi_part", 2000), "Stripe: partial refund of pi_part, £5 refunded in all (event evt_4); the part kept is re-recorded")
		gift("pi_part~kept-after-refund-500", 1500)
		if _, err := p.Up(ctx); err != nil {
			t.Fatal(err)
		}

		m := newMoneyPath(t, d)
		for pi, want := range map[string]bool{"pi_full": true, "pi_kept": true, "pi_part": false} {
			if got, err := m.svc.Closed(ctx, pi); err != nil || got != want {
				t.Errorf("Closed(%s) = %v, %v; want %v", pi, got, err, want)
			}
		}
		// Late partial refunds: the closed payments keep nothing; the open
		// one is refunded further.
		m.deliver(t, paid("evt_p1", "pi_full", 2000, nil))
		m.deliver(t, paid("evt_p2", "pi_kept", 2000, nil))
		m.deliver(t, paid("evt_p3", "pi_part", 2000, nil))
		m.deliver(t, refunded("evt_r1", "pi_full", 2000, 700))
		m.deliver(t, refunded("evt_r2", "pi_kept", 2000, 900))
		m.deliver(t, refunded("evt_r3", "pi_part", 2000, 800))
		paymenttest.WaitApplied(t, d, 6, 15*time.Second)
		if _, _, total := ledger(t, d); total != 1200 {
			t.Fatalf("ledger total %d, want 1200: only pi_part keeps anything", total)
		}
		if rep, err := m.fund.Check(ctx); err != nil || !rep.OK() {
			t.Fatalf("fund check: %+v %v", rep, err)
		}
	})
}

// Nothing is reopened once closed: the table refuses updates and deletes
// on both engines.
func TestClosedPaymentsAreAppendOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		m := newMoneyPath(t, d)
		m.deliver(t, paid("e1", "pi_a", 2000, nil))
		m.deliver(t, disputed("e2", "pi_a", 2000))
		paymenttest.WaitApplied(t, d, 2, 15*time.Second)
		ctx := context.Background()
		for _, q := range []string{
			`UPDATE closed_payments SET event_id = 'x'`,
			`DELETE FROM closed_payments`,
		} {
			if _, err := d.ExecContext(ctx, q); err == nil {
				t.Errorf("%s: accepted", q)
			}
		}
		var event string
		if err := d.QueryRowContext(ctx, `SELECT event_id FROM closed_payments WHERE payment_ref = $1`, "pi_a").Scan(&event); err != nil || event != "e2" {
			t.Fatalf("closure event %q, %v; want e2", event, err)
		}
	})
}

// migrations is a goose provider over the repository's migration files
// for d's engine, to step the schema back and forth.
func migrations(t *testing.T, d *db.DB) *goose.Provider {
	t.Helper()
	dialect, dir := goose.DialectSQLite3, "../db/migrations/sqlite"
	if d.Dialect() == db.Postgres {
		dialect, dir = goose.DialectPostgres, "../db/migrations/postgres"
	}
	p, err := goose.NewProvider(dialect, d.Writer(), os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
