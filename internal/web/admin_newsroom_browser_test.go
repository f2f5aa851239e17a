package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/coopress/coopress/internal/testwait"
)

// TestNewsroomJourneyInTheBrowser: a writer signs in, drafts an article
// (watching the live preview), submits it; an editor signs in, finds it on
// the desk, publishes it; it appears on the front page, in its section and
// in the feeds. Then the editor schedules another a few seconds ahead and
// it appears when its time comes, published by a real River worker.
// The writer first uploads a photograph to the image library and makes it
// the article's featured image; readers get it in every size.
func TestNewsroomJourneyInTheBrowser(t *testing.T) {
	d := dbtest.SQLite(t)
	h := newHarness(t, d, append(newsroom(), withWatch())...)
	worldID := h.articleValues(t, "", "").Get("section")
	h.person(t, "wren@example.org", account.Writer)
	h.person(t, "eddie@example.org", account.Editor)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	workers := jobs.NewWorkers()
	article.RegisterWorkers(workers, h.articles, nil, log)
	runner, err := jobs.NewClient(d, log, workers, jobs.Options{PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := runner.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = runner.Stop(context.Background()) })

	b := browsertest.New(t)
	base := h.http.URL
	run := func(js string) {
		t.Helper()
		browsertest.Eval[bool](b, "(() => { "+js+"; return true })()")
	}
	waitFor := func(what, js string) {
		t.Helper()
		// A page that navigates while it is asked answers with an error
		// rather than false (a link followed, a form sent): not yet, too.
		ask := func() bool {
			ctx, cancel := context.WithTimeout(b.Context(), 5*time.Second)
			defer cancel()
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("(() => { try { return !!("+js+") } catch (e) { return false } })()"))
			return err == nil && ok
		}
		if !testwait.For(15*time.Second, ask) {
			t.Fatalf("waiting for %s; at %s: %.400s", what, browsertest.Eval[string](b, "location.href"),
				browsertest.Eval[string](b, "document.body.innerText"))
		}
	}
	click := func(label string) {
		t.Helper()
		js, _ := json.Marshal(label)
		find := `[...document.querySelectorAll("button")].find(b => b.textContent.trim() === ` + string(js) + `)`
		// After a navigation the new page may still be parsing.
		waitFor("the "+label+" button", `document.readyState === "complete" && `+find)
		// Every button clicked here submits a form: wait for the page it
		// leads to, so the next step never looks at the old one.
		ctx, cancel := context.WithTimeout(b.Context(), 15*time.Second)
		defer cancel()
		press := chromedp.Func(func(ctx context.Context, tab *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool]("("+find+".click(), true)")(ctx, tab)
			return err
		})
		if _, err := chromedp.RunResponse(ctx, press); err != nil {
			t.Fatalf("click %s: no page came back: %v", label, err)
		}
	}
	set := func(id, value string) {
		t.Helper()
		v, _ := json.Marshal(value)
		run(`const e = document.getElementById("` + id + `"); e.value = ` + string(v) + `; e.dispatchEvent(new Event("input", {bubbles: true}))`)
	}
	signIn := func(email string) {
		t.Helper()
		b.Navigate(base + "/signin")
		set("email", email)
		set("password", testPassword)
		click("Sign in")
		waitFor("the dashboard", `location.pathname === "/admin/"`)
	}

	signIn("wren@example.org")
	photo := filepath.Join(t.TempDir(), "salford.jpg")
	if err := os.WriteFile(photo, testJPEG(t, 1600, 900), 0o600); err != nil {
		t.Fatal(err)
	}
	b.Navigate(base + "/admin/media")
	set("alt", "Tenants outside Salford civic centre")
	set("credit", "Staff photographer")
	if _, err := chromedp.Run(b.Context(), chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{photo})); err != nil {
		t.Fatalf("choose the file: %v", err)
	}
	click("Upload")
	waitFor("the uploaded image", `document.body.innerText.includes("Tenants outside Salford civic centre") && location.pathname.startsWith("/admin/media")`)

	b.Navigate(base + "/admin/articles/new")
	run(`const sel = document.getElementById("image_id"); sel.value = [...sel.options].find(o => o.value).value`)
	set("headline", "Tenants win rent freeze in Salford")
	set("standfirst", "Council backs down after a year of protests")
	set("dateline", "Salford")
	set("tags", "Housing, Tenants")
	run(`document.getElementById("section").value = "` + worldID + `"`)
	set("body", "The council *voted* to freeze rents.\n\n<script>alert(1)</script>")
	waitFor("the live preview", `document.querySelector("#preview em") && document.querySelector("#preview em").textContent === "voted"`)
	if n := browsertest.Eval[int](b, `document.querySelectorAll("#preview script").length`); n != 0 {
		t.Fatal("the preview carries a script")
	}
	click("Save draft")
	waitFor("the saved draft", `location.search === "?saved=1"`)
	editPath := browsertest.Eval[string](b, "location.pathname")
	click("Submit for review")
	waitFor("the submission", `document.getElementById("status").textContent === "Waiting for review"`)
	if browsertest.Eval[bool](b, `[...document.querySelectorAll("button")].some(b => b.textContent.trim() === "Publish now")`) {
		t.Fatal("a writer is offered Publish now")
	}
	click("Sign out")
	waitFor("signing out", `!location.pathname.startsWith("/admin")`)

	signIn("eddie@example.org")
	b.Navigate(base + "/admin/desk")
	run(`[...document.querySelectorAll("#main a")].find(a => a.textContent === "Tenants win rent freeze in Salford").click()`)
	waitFor("the article for review", `location.pathname === "`+editPath+`"`)
	click("Publish now")
	waitFor("publication", `document.getElementById("status").textContent === "Published"`)

	b.Navigate(base + "/article/tenants-win-rent-freeze-in-salford")
	if got := browsertest.Eval[string](b, `(() => { const i = document.querySelector(".lead-image img"); return i ? i.alt + "|" + i.srcset : "" })()`); !strings.Contains(got, "Tenants outside Salford civic centre|") || !strings.Contains(got, " 480w") {
		t.Errorf("the featured image on the public page: %q", got)
	}
	for _, path := range []string{"/", "/section/world", "/article/tenants-win-rent-freeze-in-salford"} {
		b.Navigate(base + path)
		if !strings.Contains(browsertest.Eval[string](b, `document.querySelector("main").innerText`), "Tenants win rent freeze in Salford") {
			t.Errorf("%s does not show the published article", path)
		}
	}
	for _, feed := range []string{"/feed.rss", "/feed.atom", "/feed.json"} {
		if res := h.get(t, feed); !strings.Contains(res.body, "Tenants win rent freeze in Salford") {
			t.Errorf("%s does not carry the article", feed)
		}
	}

	// Scheduled a few seconds ahead, written in the site's zone.
	b.Navigate(base + "/admin/articles/new")
	set("headline", "Ballot result due at noon")
	run(`document.getElementById("section").value = "` + worldID + `"`)
	set("body", "The count is under way.")
	click("Save draft")
	waitFor("the second draft", `location.search === "?saved=1"`)
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	due := time.Now().In(london).Add(3 * time.Second)
	set("publish_at", due.Format("2006-01-02T15:04:05"))
	click("Schedule")
	waitFor("the schedule", `document.getElementById("status").textContent === "Scheduled"`)
	if res := h.get(t, "/article/ballot-result-due-at-noon"); res.status != 404 {
		t.Fatalf("scheduled article visible early: %d", res.status)
	}
	b.Navigate(base + "/admin/desk")
	if !strings.Contains(browsertest.Eval[string](b, `document.querySelector("main").innerText`), "Ballot result due at noon") {
		t.Error("the desk does not list the scheduled article")
	}
	testwait.Until(t, 20*time.Second, "the scheduled article on the front page", func() bool {
		return strings.Contains(h.get(t, "/").body, "Ballot result due at noon")
	})
	// The query defeats the browser's own cache: pages may be kept for a
	// minute, as a CDN would.
	b.Navigate(base + "/?after=schedule")
	if !strings.Contains(browsertest.Eval[string](b, `document.querySelector("main").innerText`), "Ballot result due at noon") {
		t.Error("the browser does not show the scheduled article")
	}
	if time.Now().Before(due.Truncate(time.Second)) {
		t.Errorf("appeared before its time")
	}
	for _, path := range []string{"/admin/articles", "/admin/desk", editPath, editPath + "/revisions"} {
		if vs := b.Axe(base + path); len(vs) > 0 {
			t.Errorf("axe-core on %s: %d violations:\n%s", path, len(vs), browsertest.FormatViolations(vs))
		}
	}
}
