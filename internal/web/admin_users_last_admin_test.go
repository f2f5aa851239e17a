package web_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/web"
)

// TestAdminsDisablingEachOther has two admins, each signed in, disable the
// other at the same moment, round after round. The account domain lets
// one change through and refuses the other, which the page shows beside
// the disable button; before that rule both succeeded and the paper was
// left with no admin.
func TestAdminsDisablingEachOther(t *testing.T) {
	d := dbtest.SQLite(t)
	s := newStaffSite(t, d, nil)
	ctx := context.Background()
	shown := 0
	for round := range 15 {
		a := s.person(t, "a"+itoa(int64(round))+"@example.org", account.Admin)
		b := s.person(t, "b"+itoa(int64(round))+"@example.org", account.Admin)
		ta, tb := s.session(t, a), s.session(t, b)
		start := make(chan struct{})
		res := make([]response, 2)
		var wg sync.WaitGroup
		for i, req := range []struct {
			token  string
			target int64
		}{{ta, b.ID}, {tb, a.ID}} {
			wg.Go(func() {
				<-start
				res[i] = s.do(t, "POST", "/admin/users/"+itoa(req.target)+"/disable", req.token, url.Values{})
			})
		}
		close(start)
		wg.Wait()
		if n, err := s.accounts.ActiveAdmins(ctx); err != nil || n != 1 {
			t.Fatalf("round %d: %d active admins left (%v); statuses %d, %d", round, n, err, res[0].status, res[1].status)
		}
		for _, r := range res {
			if r.status == http.StatusUnprocessableEntity {
				shown++
				if !strings.Contains(r.body, `id="disable-error"`) || !strings.Contains(r.body, "is the only active admin") ||
					!strings.Contains(r.body, `aria-describedby="disable-error"`) {
					t.Fatalf("round %d: the refusal is not shown beside the button:\n%s", round, r.body)
				}
			}
		}
		// Start the next round with no other admin.
		if _, err := d.ExecContext(ctx, `UPDATE accounts SET disabled = 1 WHERE id IN ($1, $2)`, a.ID, b.ID); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d of 15 rounds ended in the refusal page; the others in a session already ended", shown)
}

// TestDashboardOnANewSite: the staff front page of a site without articles
// says so, and where to start.
func TestDashboardOnANewSite(t *testing.T) {
	d := dbtest.SQLite(t)
	store := article.NewStore(d, time.Now)
	accounts := account.New(d, account.Options{Hash: cheapHash})
	srv, err := web.New(web.Deps{Site: web.Site{Name: "The Daily Co-op", BaseURL: "http://paper.test"},
		Articles: store, Fund: fixedBox{web.FundBox{}}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Accounts: accounts, Mail: &mailbox{}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	s := &staffSite{site: &site{srv: srv, http: hs, articles: store}, accounts: accounts}
	writer := s.session(t, s.person(t, "w@example.org", account.Writer))
	treasurer := s.session(t, s.person(t, "t@example.org", account.Treasurer))
	if res := s.do(t, "GET", "/admin/", writer, nil); res.status != 200 ||
		!strings.Contains(res.body, "There are no articles yet") || !strings.Contains(res.body, "Start the first one under Articles") {
		t.Fatalf("writer's dashboard: %d\n%s", res.status, res.body)
	}
	if res := s.do(t, "GET", "/admin/", treasurer, nil); !strings.Contains(res.body, "There are no articles yet") ||
		strings.Contains(res.body, "Start the first one") {
		t.Errorf("treasurer's dashboard:\n%s", res.body)
	}
	sec, err := store.UpsertSection(context.Background(), article.Section{Slug: "news", Name: "News"})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Save(context.Background(), &article.Article{Slug: "first", Headline: "First", BodyMD: "Text.",
		Section: sec, Status: article.Draft}); err != nil {
		t.Fatal(err)
	}
	if res := s.do(t, "GET", "/admin/", writer, nil); strings.Contains(res.body, "There are no articles yet") {
		t.Error("a site with a draft still says it has no articles")
	}
}

// TestLastAdminRefusalPage makes the race certain: the test holds SQLite's
// single writer while both admins' requests arrive, so both are signed in
// and past every check but the account domain's when the writer frees up.
// The second change must be refused, on the page, beside the button.
func TestLastAdminRefusalPage(t *testing.T) {
	d := dbtest.SQLite(t)
	s := newStaffSite(t, d, nil)
	a, b := s.person(t, "a@example.org", account.Admin), s.person(t, "b@example.org", account.Admin)
	ta, tb := s.session(t, a), s.session(t, b)
	hold, held := make(chan struct{}), make(chan struct{})
	go d.InTx(context.Background(), func(*sql.Tx) error { close(held); <-hold; return nil })
	<-held
	waitsBefore := d.Writer().Stats().WaitCount
	res := make([]response, 2)
	var wg sync.WaitGroup
	wg.Go(func() { res[0] = s.do(t, "POST", "/admin/users/"+itoa(b.ID)+"/disable", ta, url.Values{}) })
	wg.Go(func() { res[1] = s.do(t, "POST", "/admin/users/"+itoa(a.ID)+"/disable", tb, url.Values{}) })
	for deadline := time.Now().Add(10 * time.Second); d.Writer().Stats().WaitCount < waitsBefore+2; {
		if time.Now().After(deadline) {
			close(hold)
			t.Fatal("the two requests never queued for the writer")
		}
		runtime.Gosched()
	}
	close(hold)
	wg.Wait()
	var ok, refused int
	for _, r := range res {
		switch r.status {
		case http.StatusSeeOther:
			ok++
		case http.StatusUnprocessableEntity:
			refused++
			if !strings.Contains(r.body, `<p class="field-error" id="disable-error"><span class="visually-hidden">Error:</span> `) ||
				!strings.Contains(r.body, "is the only active admin; give another account the admin role before you disable it") ||
				!strings.Contains(r.body, `aria-describedby="disable-error"`) {
				t.Errorf("refusal page:\n%s", r.body)
			}
		}
	}
	if ok != 1 || refused != 1 {
		t.Fatalf("statuses %d and %d; want one 303 and one 422", res[0].status, res[1].status)
	}
}
