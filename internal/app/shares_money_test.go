package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/coopress/coopress/internal/payment/paymenttest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/testservers"
	"github.com/coopress/coopress/internal/web"
)

// fundState is everything the fund shows: its totals, its box and the
// day's column, and every ledger and hold row.
type fundState struct {
	totals           fund.Totals
	raised, column   string
	gifts, reversals int
	ledgerTotal      int64
	holds, openHolds int
}

func readFund(t *testing.T, d *db.DB, f *fund.Service) fundState {
	t.Helper()
	ctx := context.Background()
	var st fundState
	var err error
	if st.totals, err = f.Totals(ctx, f.MonthOf(time.Now())); err != nil {
		t.Fatal(err)
	}
	box, err := f.Box(ctx)
	if err != nil {
		t.Fatal(err)
	}
	col, err := f.DailyColumn(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	st.raised, st.column = box.RaisedText, col.Text()
	st.gifts, st.reversals, st.ledgerTotal = ledger(t, d)
	if st.openHolds, err = f.OpenHoldCount(ctx); err != nil {
		t.Fatal(err)
	}
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM fund_holds`).Scan(&st.holds); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestSharePaymentsNeverReachTheFund: share money is capital, never a
// gift. An application's card payment goes through the whole money path
// as the server wires it (a checkout made at stripe-mock and stored, the
// signed webhook at the web server's endpoint, stored once, applied by
// the payment worker's River job) and marks the application paid; the
// fund's totals, box, day's column, ledger and holds are exactly as they
// were, and a payment held for the secretary does not reach them either.
// A donation on the same path does move the fund, so the test can see it.
func TestSharePaymentsNeverReachTheFund(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		mock, mp := testservers.StartStripeMock(t), testservers.StartMailpit(t)
		p, f, site := startSharesNode(t, d, mock.URL(), mp)
		before := readFund(t, d, f)

		soc := p.society
		a, err := society.ParseApplication(society.ApplicationInput{Name: "Ann Jones", Address: "1 High St, Leeds",
			Email: "ann@example.org", Shares: "250", PayBy: "card"}, soc.Rules())
		if err != nil {
			t.Fatal(err)
		}
		if a, err = soc.Submit(ctx, a, account.Actor{Name: "ann@example.org"}); err != nil {
			t.Fatal(err)
		}
		if _, err := soc.StartCheckout(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if a, err = soc.Application(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		session := a.Events[0].Reference
		paid := func(evID, pi string, amount int64) []byte {
			return paymenttest.Event(evID, "checkout.session.completed", time.Now().Add(-time.Minute), map[string]any{
				"id": session, "object": "checkout.session", "payment_intent": pi, "payment_status": "paid",
				"amount_total": amount, "currency": "gbp", "mode": "payment",
				"metadata": map[string]string{"purpose": society.PaymentPurpose, "application": strconv.FormatInt(a.ID, 10)}})
		}
		short, good := paid("evt_short", "pi_short", 100), paid("evt_good", "pi_good", 250_00)
		for _, body := range [][]byte{short, good, good} {
			if code, err := deliverTo(site, body, signed(body, time.Now())); err != nil || code != http.StatusOK {
				t.Fatalf("webhook: %d %v", code, err)
			}
		}
		settled(t, d, 2, 20*time.Second)
		if a, err = soc.Application(ctx, a.ID); err != nil || a.Status() != society.Paid {
			t.Fatalf("application %s, %v", a.Status(), err)
		}
		if h, err := soc.Holds(ctx); err != nil || len(h) != 1 {
			t.Fatalf("held share payments: %d %v", len(h), err)
		}
		if after := readFund(t, d, f); !reflect.DeepEqual(after, before) {
			t.Fatalf("share money reached the fund:\nbefore %+v\nafter  %+v", before, after)
		}
		if _, err := soc.Approve(ctx, a.ID, account.Actor{Name: "secretary@example.org"}); err != nil {
			t.Fatal(err)
		}
		if after := readFund(t, d, f); !reflect.DeepEqual(after, before) {
			t.Fatalf("approving shares moved the fund:\nbefore %+v\nafter  %+v", before, after)
		}
		// The new member's confirmation leaves through the outbox and
		// SMTP with their certificate attached.
		msg := mp.WaitFor(t, "ann@example.org", 20*time.Second)
		as := mp.Attachments(t, msg.ID)
		if !strings.Contains(msg.Text, "member number 1") || len(as) != 1 || as[0].ContentType != "application/pdf" {
			t.Fatalf("confirmation %q with %+v", msg.Subject, as)
		}
		if pdf := string(mp.AttachmentData(t, msg.ID, as[0])); !strings.Contains(pdf, "(Ann Jones)") ||
			!strings.Contains(pdf, "member number 1, holds 250 withdrawable shares") {
			t.Fatalf("the certificate does not state the holding: %.200q", pdf)
		}

		gift := paidSession("evt_gift", "pi_gift", 10_00, map[string]string{"name": "Bo"})
		started(t, d, gift)
		if code, err := deliverTo(site, gift, signed(gift, time.Now())); err != nil || code != http.StatusOK {
			t.Fatalf("gift webhook: %d %v", code, err)
		}
		settled(t, d, 3, 20*time.Second)
		if after := readFund(t, d, f); after.ledgerTotal != before.ledgerTotal+10_00 || after.raised == before.raised {
			t.Fatalf("a gift on the same path did not reach the fund: %+v", after)
		}
	})
}

// startSharesNode wires a node's money path as the server does (River,
// the mail outbox, the payment worker with the society, the webhook
// endpoint) against the Stripe API at stripeURL and mailpit mp, with
// this month's campaign, and gives the payments, the fund and the web
// server's address.
func startSharesNode(t *testing.T, d *db.DB, stripeURL string, mp *testservers.Mailpit) (payments, *fund.Service, string) {
	t.Helper()
	ctx := context.Background()
	log := quietLog()
	if err := jobs.Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	cfg := &Config{SiteName: "The Daily Co-op", BaseURL: "http://paper.test", StripeWebhookSecret: testWebhookSecret,
		StripeSecretKey: "sk_test_123", StripeAPIURL: stripeURL, SocietyRules: society.DefaultRules(),
		SocietyName: "The Daily Co-op Readers' Society",
		SMTP:        SMTPSettings{Host: mp.SMTPHost(), Port: strconv.Itoa(mp.SMTPPort()), From: "secretary@paper.test", TLS: "none"}}
	if err := cfg.validateDonations(); err != nil {
		t.Fatal(err)
	}
	f := fund.New(d, time.UTC, time.Now)
	if _, err := f.EnsureCampaign(ctx, f.MonthOf(time.Now())); err != nil {
		t.Fatal(err)
	}
	jr := newJobRunner()
	outbox, err := setupReceipts(cfg, d, jr, log)
	if err != nil {
		t.Fatal(err)
	}
	p, err := setupPayments(cfg, d, f, jr, log, outbox)
	if err != nil || p.society == nil {
		t.Fatalf("payments: %v, society %v", err, p.society)
	}
	stop, err := jr.start(ctx, d, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	srv, err := web.New(web.Deps{Site: web.Site{Name: cfg.SiteName, BaseURL: cfg.BaseURL},
		Articles: article.NewStore(d, time.Now), StripeWebhooks: p.intake, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return p, f, hs.URL
}
