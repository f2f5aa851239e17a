package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/dbtest"
)

// TestAdminsDisablingEachOther has two admins, each signed in, disable the
// other at the same moment, round after round. The account domain lets
// one change through and refuses the other, which the page shows beside
// the disable button; before that rule both succeeded and the paper was
// left with no admin.
func TestAdminsDisablingEachOther(t *testing.T) {
	d := dbtest.SQLite(t)
	h := newHarness(t, d, withStaff())
	ctx := context.Background()
	shown := 0
	for round := range 15 {
		a := h.person(t, "a"+itoa(int64(round))+"@example.org", account.Admin)
		b := h.person(t, "b"+itoa(int64(round))+"@example.org", account.Admin)
		ta, tb := h.session(t, a), h.session(t, b)
		start := make(chan struct{})
		res := make([]response, 2)
		var wg sync.WaitGroup
		for i, r := range []struct {
			token  string
			target int64
		}{{ta, b.ID}, {tb, a.ID}} {
			wg.Go(func() {
				<-start
				res[i] = h.do(t, req{method: "POST", path: "/admin/users/" + itoa(r.target) + "/disable", token: r.token, form: url.Values{}})
			})
		}
		close(start)
		wg.Wait()
		if n, err := h.accounts.ActiveAdmins(ctx); err != nil || n != 1 {
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
	h := newHarness(t, d, withStaff(), withoutContent(), withFundSource(fixedBox{}))
	writer := h.session(t, h.person(t, "w@example.org", account.Writer))
	treasurer := h.session(t, h.person(t, "t@example.org", account.Treasurer))
	if res := h.do(t, req{path: "/admin/", token: writer}); res.status != 200 ||
		!strings.Contains(res.body, "There are no articles yet") || !strings.Contains(res.body, "Start the first one under Articles") {
		t.Fatalf("writer's dashboard: %d\n%s", res.status, res.body)
	}
	if res := h.do(t, req{path: "/admin/", token: treasurer}); !strings.Contains(res.body, "There are no articles yet") ||
		strings.Contains(res.body, "Start the first one") {
		t.Errorf("treasurer's dashboard:\n%s", res.body)
	}
	sec, err := h.articles.UpsertSection(context.Background(), article.Section{Slug: "news", Name: "News"})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.articles.Save(context.Background(), &article.Article{Slug: "first", Headline: "First", BodyMD: "Text.",
		Section: sec, Status: article.Draft}); err != nil {
		t.Fatal(err)
	}
	if res := h.do(t, req{path: "/admin/", token: writer}); strings.Contains(res.body, "There are no articles yet") {
		t.Error("a site with a draft still says it has no articles")
	}
}

// TestLastAdminRefusalPage makes the race certain: the test holds SQLite's
// single writer while both admins' requests arrive, so both are signed in
// and past every check but the account domain's when the writer frees up.
// The second change must be refused, on the page, beside the button.
func TestLastAdminRefusalPage(t *testing.T) {
	d := dbtest.SQLite(t)
	h := newHarness(t, d, withStaff())
	a, b := h.person(t, "a@example.org", account.Admin), h.person(t, "b@example.org", account.Admin)
	ta, tb := h.session(t, a), h.session(t, b)
	hold, held := make(chan struct{}), make(chan struct{})
	go d.InTx(context.Background(), func(*sql.Tx) error { close(held); <-hold; return nil })
	<-held
	res := make([]response, 2)
	var wg sync.WaitGroup
	wg.Go(func() {
		res[0] = h.do(t, req{method: "POST", path: "/admin/users/" + itoa(b.ID) + "/disable", token: ta, form: url.Values{}})
	})
	wg.Go(func() {
		res[1] = h.do(t, req{method: "POST", path: "/admin/users/" + itoa(a.ID) + "/disable", token: tb, form: url.Values{}})
	})
	for deadline := time.Now().Add(10 * time.Second); d.QueuedTx() < 2; {
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
