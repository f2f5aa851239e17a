package account_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/supporter"
	"github.com/coopress/coopress/internal/valid"
)

// person is what a reader gave us; after an erasure none of it may remain.
type person struct {
	email, name, town, message, ip string
}

var (
	philippa = person{"Philippa.Quarrington@example.org", "Philippa Quarrington", "Llandrindod Wells",
		"Keep the presses rolling, comrades", "198.51.100.77"}
	other = person{"bert.other@example.org", "Bert Otherreader", "Much Wenlock", "From the allotment society", "203.0.113.9"}
)

// eraseSite is an account service and a fund that sends a receipt to every
// donor with an address, as production does, written straight into the
// outbox.
type eraseSite struct {
	accounts *account.Service
	fund     *fund.Service
	orders   *supporter.StandingOrders
	data     *account.PersonalData
	clock    *clock
	db       *db.DB
}

func newEraseSite(t *testing.T, d *db.DB, domains ...any) eraseSite {
	t.Helper()
	s, c := newService(t, d)
	receipt := func(ctx context.Context, tx *sql.Tx, e fund.Entry) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO mail_outbox (to_addr, subject, text_body, kind, ref, status, created_at)
			VALUES ($1, $2, $3, 'receipt', $4, 'queued', $5)`, e.DonorName+" <"+e.DonorEmail+">",
			"Thank you, "+e.DonorName, fmt.Sprintf("Dear %s of %s, thank you for %s: %q", e.DonorName, e.DonorTown,
				e.Amount.FormatFull(), e.Message), fmt.Sprintf("receipt:ledger:%d", e.ID), db.UTC(c.Now()))
		return err
	}
	f := fund.New(d, time.UTC, c.Now, fund.WithReceipts(receipt), fund.WithDefaultTarget(money.Major(18000, "GBP")))
	orders := supporter.NewStandingOrders(d, f, time.UTC, c.Now)
	pd, err := account.NewPersonalData(s, append([]any{f, orders, supporter.Subscriptions{}, society.Members{}, payment.StoredEvents{}}, domains...)...)
	if err != nil {
		t.Fatal(err)
	}
	return eraseSite{accounts: s, fund: f, orders: orders, data: pd, clock: c, db: d}
}

// give records gifts from p and reverses the first, and a standing order
// p has since cancelled, returning the reader's account after leaving
// traces everywhere a reader does.
func (site eraseSite) give(t *testing.T, p person, admin account.Account) account.Account {
	t.Helper()
	ctx := context.Background()
	a, err := site.accounts.CreateAccount(ctx, account.ActorOf(admin, "192.0.2.1"),
		account.NewAccount{Email: strings.ToLower(p.email), Name: p.name, Roles: []account.Role{account.Reader}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := site.accounts.NewSession(ctx, a.ID, p.ip, "Firefox on "+p.town); err != nil {
		t.Fatal(err)
	}
	if _, err := site.accounts.Reserve(ctx, account.AccountKey(p.email), account.PairKey(p.email, p.ip)); err != nil {
		t.Fatal(err)
	}
	if err := site.accounts.SetPreferences(ctx, account.ActorOf(a, p.ip), a.ID, []account.MailKind{account.MailNews}); err != nil {
		t.Fatal(err)
	}
	var first fund.Entry
	for i, pounds := range []int64{20, 35, 5} {
		// The donor typed their address in another case at the checkout.
		e, err := site.fund.Record(ctx, fund.Entry{Amount: money.Major(pounds, "GBP"), Method: fund.Cheque,
			DonorName: p.name, DonorEmail: p.email, DonorTown: p.town, Public: true, PublicName: p.name,
			Message: p.message, RecordedBy: "treasurer@example.org", ReceivedAt: site.clock.Now().Add(-time.Duration(i) * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = e
		}
	}
	if _, err := site.fund.Reverse(ctx, first.ID, "cheque bounced", "treasurer@example.org"); err != nil {
		t.Fatal(err)
	}
	site.webhook(t, p, true)
	o := site.standingOrder(t, p)
	if _, err := site.orders.CancelStandingOrder(ctx, o.ID, "treasurer@example.org"); err != nil {
		t.Fatal(err)
	}
	site.subscription(t, p, "cancelled")
	// A sign-in link the reader asked for and never used.
	if err := site.accounts.RequestReaderLink(ctx, p.email, func(*sql.Tx, account.ReaderLinkMail) error { return nil }); err != nil {
		t.Fatal(err)
	}
	return a
}

// subscription stores a card supporter's subscription for p in status,
// as joining and the provider's webhooks leave it.
func (site eraseSite) subscription(t *testing.T, p person, status string) {
	t.Helper()
	ctx := context.Background()
	now := db.UTC(site.clock.Now())
	var plan int64
	err := site.db.Writer().QueryRowContext(ctx, `SELECT id FROM supporter_plans WHERE name = 'Monthly'`).Scan(&plan)
	if errors.Is(err, sql.ErrNoRows) {
		err = site.db.Writer().QueryRowContext(ctx, `INSERT INTO supporter_plans (name, amount_minor, min_minor, currency, billing_interval,
			provider_product, provider_price, active, created_at, created_by) VALUES ('Monthly', 500, 500, 'GBP', 'month', 'prod_1', 'price_1', 1, $1, 'test')
			RETURNING id`, now).Scan(&plan)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := site.db.ExecContext(ctx, `INSERT INTO subscriptions (join_ref, plan_id, amount_minor, currency, method, status, email, name,
		fix_url, created_at, updated_at, thanks, thanks_name) VALUES ($1, $2, 500, 'GBP', 'card', $3, $4, $5, $6, $7, $7, 1, $5)`,
		fmt.Sprintf("join-%d", time.Now().UnixNano()), plan, status, p.email, p.name, "https://pay.example/fix/"+p.email, now); err != nil {
		t.Fatal(err)
	}
}

// webhook stores a provider's event about p's payment, as the intake
// keeps it: the raw body, with the address as the payer typed it.
func (site eraseSite) webhook(t *testing.T, p person, applied bool) {
	t.Helper()
	var at any
	if applied {
		at = db.UTC(site.clock.Now())
	}
	body := fmt.Sprintf(`{"type":"checkout.session.completed","data":{"object":{"customer_details":{"email":%q,"name":%q}}}}`,
		strings.ToUpper(p.email), p.name)
	if _, err := site.db.ExecContext(context.Background(), `INSERT INTO payment_events (provider, event_id, type, payload, received_at, applied_at)
		VALUES ('stripe', $1, 'checkout.session.completed', $2, $3, $4)`, fmt.Sprintf("evt_%d", time.Now().UnixNano()), body, db.UTC(site.clock.Now()), at); err != nil {
		t.Fatal(err)
	}
}

// standingOrder records an active standing order for p.
func (site eraseSite) standingOrder(t *testing.T, p person) supporter.StandingOrder {
	t.Helper()
	o, err := site.orders.AddStandingOrder(context.Background(), supporter.OrderInput{Name: p.name, Email: p.email,
		PostalAddress: "1 High Street, " + p.town, Amount: "5", Frequency: "monthly",
		Reference: fmt.Sprintf("FUND %d", time.Now().UnixNano()%1e6), StartedOn: "2024-11-01",
		Thanks: supporter.ThanksInput{On: "yes", Name: p.name, Town: p.town}}, "treasurer@example.org")
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestEraseLeavesNoPersonalField erases a reader with gifts, a refund,
// receipts, a session, sign-in counts, preferences and audit entries, then
// reads every text column of every table from each engine's catalogue: the
// reader's address, name, town, message and IP are nowhere, another
// reader's are all still there, and the fund's totals and check are as they
// were.
func TestEraseLeavesNoPersonalField(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		site := newEraseSite(t, d)
		admin := mustCreate(t, site.accounts, "admin@example.org", goodPassword, account.Admin)
		reader := site.give(t, philippa, admin)
		site.give(t, other, admin)
		before, err := site.fund.Check(ctx)
		if err != nil || !before.OK() {
			t.Fatalf("check before: %+v %v", before, err)
		}
		for _, p := range []person{philippa, other} {
			if got := findEverywhere(t, d, p); len(got) < 8 {
				t.Fatalf("before erasing, %s is found only in %v: the scan is not looking", p.name, got)
			}
		}

		if err := site.data.Erase(ctx, account.ActorOf(reader, philippa.ip), reader.ID); err != nil {
			t.Fatal(err)
		}

		if got := findEverywhere(t, d, philippa); len(got) > 0 {
			t.Errorf("after erasing, the reader's details remain in %v", got)
		}
		if got := findEverywhere(t, d, other); len(got) < 8 {
			t.Errorf("another reader's details were erased too; left only in %v", got)
		}
		after, err := site.fund.Check(ctx)
		if err != nil || !after.OK() {
			t.Fatalf("fund check after: %+v %v", after, err)
		}
		if !slices.Equal(before.Campaigns, after.Campaigns) {
			t.Errorf("campaign totals changed: %+v, then %+v", before.Campaigns, after.Campaigns)
		}
		// The reader's receipts still waiting are never sent; the other
		// reader's still wait.
		var waiting, erased int
		if err := d.QueryRowContext(ctx, `SELECT count(CASE WHEN status = 'queued' THEN 1 END),
			count(CASE WHEN to_addr = 'erased' AND status = 'failed' THEN 1 END) FROM mail_outbox`).Scan(&waiting, &erased); err != nil || waiting != 3 || erased != 3 {
			t.Errorf("outbox after erasing: %d queued, %d erased and failed, %v; want 3 and 3", waiting, erased, err)
		}
		a, err := site.accounts.ByID(ctx, reader.ID)
		if err != nil || !a.Disabled || a.Email != account.ErasedEmail(reader.ID) || a.Name != account.ErasedName || len(a.Roles) != 0 {
			t.Errorf("erased account: %+v %v", a, err)
		}
		if _, err := site.accounts.ByEmail(ctx, strings.ToLower(philippa.email)); !errors.Is(err, account.ErrNotFound) {
			t.Errorf("the address still finds an account: %v", err)
		}
		// The record of the erasure says who and what, and nothing more.
		log, _, err := site.accounts.Audit().List(ctx, account.Filter{}, 1)
		if err != nil || log[0].Action != "account.erase" || log[0].ActorID != reader.ID || log[0].ObjectID != fmt.Sprint(reader.ID) {
			t.Errorf("last audit entry: %+v %v", log[0], err)
		}
		// A second erasure is refused, clearly, and changes nothing.
		var v valid.Error
		if err := site.data.Erase(ctx, account.ActorOf(admin, ""), reader.ID); !errors.As(err, &v) || !strings.Contains(v.Message, "already") {
			t.Errorf("second erasure: %v", err)
		}
	})
}

// findEverywhere lists "table.column" for every text column, in every
// table the catalogue lists, that holds any of p's details in any case.
func findEverywhere(t *testing.T, d *db.DB, p person) []string {
	t.Helper()
	ctx := context.Background()
	var found []string
	for _, c := range textColumns(t, d) {
		for _, needle := range []string{p.email, p.name, p.town, p.message, p.ip} {
			var n int
			q := fmt.Sprintf(`SELECT count(*) FROM %q WHERE lower(CAST(%q AS TEXT)) LIKE $1 ESCAPE '\'`, c[0], c[1])
			if err := d.Writer().QueryRowContext(ctx, q, db.LikeContains(needle)).Scan(&n); err != nil {
				t.Fatalf("%s.%s: %v", c[0], c[1], err)
			}
			if n > 0 {
				found = append(found, c[0]+"."+c[1]+" ("+needle+")")
			}
		}
	}
	return found
}

// textColumns reads (table, column) for every column that can hold text,
// from the engine's own catalogue, so a table added later is scanned too.
func textColumns(t *testing.T, d *db.DB) [][2]string {
	t.Helper()
	ctx := context.Background()
	q := `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
		ORDER BY table_name, ordinal_position`
	if d.Dialect() == db.SQLite {
		// SQLite stores text in a column of any declared type, so every
		// column of every table is read.
		q = `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
			WHERE m.type = 'table' ORDER BY m.name, p.cid`
	}
	rows, err := d.Writer().QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil || len(out) < 50 {
		t.Fatalf("read %d text columns from the catalogue: %v", len(out), err)
	}
	return out
}

// blocker refuses every erasure, as the society's register does for a
// member.
type blocker struct{}

func (blocker) BlockErasure(context.Context, db.Queryer, string) error {
	return valid.Error{Field: "account", Message: "You are a member of the society."}
}

// TestEraseRefused: staff, a member (any Blocker) and an unknown account
// are refused with a clear message, and nothing changes.
func TestEraseRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		site := newEraseSite(t, d)
		member := newEraseSite(t, d, blocker{}).data
		admin := mustCreate(t, site.accounts, "admin@example.org", goodPassword, account.Admin)
		reader := site.give(t, philippa, admin)
		treasurer := mustCreate(t, site.accounts, "t@example.org", goodPassword, account.Treasurer, account.Reader)
		giver := person{"giver@example.org", "Gwen Giver", "Rhyl", "", "192.0.2.50"}
		active := mustCreate(t, site.accounts, giver.email, goodPassword, account.Reader)
		site.standingOrder(t, giver)
		payer := person{"payer@example.org", "Pat Payer", "Rhyl", "", "192.0.2.51"}
		paying := mustCreate(t, site.accounts, payer.email, goodPassword, account.Reader)
		site.webhook(t, payer, false)
		monthly := person{"monthly@example.org", "Mo Monthly", "Rhyl", "", "192.0.2.52"}
		supporting := mustCreate(t, site.accounts, monthly.email, goodPassword, account.Reader)
		site.subscription(t, monthly, "failing")
		shareholder := mustCreate(t, site.accounts, "holder@example.org", goodPassword, account.Reader)
		soc, err := society.New(d, society.DefaultRules(), site.clock.Now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := soc.Admit(ctx, society.Admission{Class: society.Individual, AccountID: shareholder.ID, Shares: 50, On: "2024-10-01",
			Contact: society.Contact{Name: "Hal Holder", Address: "4 Mill Lane, Rhyl", EmailUse: society.EmailNone, EffectiveOn: "2024-10-01"}},
			account.Actor{Name: "secretary"}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			id   int64
			want string
		}{
			{"staff", treasurer.ID, "staff roles (treasurer): an admin must remove them"},
			{"member", reader.ID, "member of the society"},
			{"unknown", 9999, "not found"},
			{"active standing order", active.ID, "ask the treasurer to mark it cancelled"},
			{"payment being processed", paying.ID, "still being processed"},
			{"monthly support still taken", supporting.ID, "You still give every month"},
			{"holds shares", shareholder.ID, "You are a member of the society (number 1)"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				found := findEverywhere(t, d, philippa)
				eraser := site.data
				if tc.name == "member" {
					eraser = member
				}
				if err := eraser.Erase(ctx, account.ActorOf(admin, ""), tc.id); err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v, want %q", err, tc.want)
				}
				if got := findEverywhere(t, d, philippa); !slices.Equal(got, found) {
					t.Errorf("a refused erasure changed what is held: %v, then %v", found, got)
				}
			})
		}
	})
}
