package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/demo"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/web"
)

// snapshotBox is the FundSource the application builds, on a real fund
// service's snapshot, so a recorded gift shows in the box at once.
type snapshotBox struct{ snap *fund.Snapshot }

func (b snapshotBox) FundBox(now time.Time) (web.FundBox, bool) {
	x := b.snap.Box(now)
	return web.FundBox{Raised: x.RaisedText, Target: x.TargetText, StillNeeded: x.StillNeededText, Over: x.OverText,
		Reached: x.Reached, DaysRemaining: x.DaysRemaining, Percent: x.Percent, MonthLabel: x.MonthLabel}, b.snap.Loaded()
}
func (b snapshotBox) FundVersion() int64 { return b.snap.Version() }
func (b snapshotBox) SubscribeFund() (<-chan web.FundBox, func()) {
	return make(chan web.FundBox), func() {}
}

// fundSite is a staff site with the real fund service on 6 November 2024
// (18:00 in London), a November target of £18,010, and a treasurer signed
// in; opts may add to its Deps.
type fundSite struct {
	*staffSite
	fund      *fund.Service
	treasurer string
}

func newFundSite(t *testing.T, d *db.DB, opts ...func(*web.Deps)) *fundSite {
	t.Helper()
	ctx := context.Background()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	clock := &testClock{t: time.Date(2024, 11, 6, 18, 0, 0, 0, time.UTC)}
	store := article.NewStore(d, clock.Now)
	if err := demo.Load(ctx, store, 1); err != nil {
		t.Fatal(err)
	}
	accounts := account.New(d, account.Options{Now: clock.Now, Hash: cheapHash})
	svc := fund.New(d, london, clock.Now, fund.WithDefaultTarget(money.Major(18010, "GBP")))
	if _, err := svc.EnsureCampaign(ctx, "2024-11"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	deps := web.Deps{
		Site: web.Site{Name: "The Daily Co-op", BaseURL: "http://paper.test", Location: london,
			ShareOfferURL: "/shares", SocietyName: "the Readers' Society"},
		Articles: store, Now: clock.Now, Fund: snapshotBox{svc.Snapshot()}, FundReports: svc,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Accounts: accounts, Mail: &mailbox{},
	}
	for _, o := range opts {
		o(&deps)
	}
	srv, err := web.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	s := &fundSite{staffSite: &staffSite{site: &site{srv: srv, http: hs, articles: store}, accounts: accounts,
		clock: clock, mail: &mailbox{}}, fund: svc}
	s.treasurer = s.session(t, s.person(t, "treasurer@example.org", account.Treasurer))
	return s
}

// raised is the ledger's November total.
func (s *fundSite) raised(t *testing.T) money.Money {
	t.Helper()
	tot, err := s.fund.Totals(context.Background(), "2024-11")
	if err != nil {
		t.Fatal(err)
	}
	return tot.Raised
}

// upload posts a CSV file to the import page as the treasurer.
func (s *fundSite) upload(t *testing.T, csv []byte) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "gifts.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(csv)
	_ = mw.Close()
	req, err := http.NewRequest("POST", s.http.URL+"/admin/fund/import", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: "coopress_session", Value: s.treasurer})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

var hiddenData = regexp.MustCompile(`name="data" value="([^"]*)"`)

// previewData is the file the preview carries to its confirmation.
func previewData(t *testing.T, body string) string {
	t.Helper()
	m := hiddenData.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the preview offers no confirmation")
	}
	return m[1]
}

// unescape undoes html/template's escaping of text, for comparing bodies
// with messages that contain quotes.
func unescape(s string) string {
	return strings.NewReplacer("&#34;", `"`, "&#39;", "'", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`).Replace(s)
}
