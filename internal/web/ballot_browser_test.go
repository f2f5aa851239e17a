package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/testwait"
	"github.com/coopress/coopress/internal/web"
)

// TestBallotPagesAccessible: axe-core finds nothing on the secretary's
// ballot pages (a draft with its forms, turnout, results with an STV
// count sheet, the close form refusing an empty key file) nor on the
// member's (their ballots, the paper with its three kinds of question,
// the paper refused beside a question, the code form refused, the
// receipt check) nor on the teller's (the postal entry and the meeting,
// and each refusing: a code that is not one, a check-in of a
// non-elector, a meeting paper numbered 1, 1), with JavaScript off as
// the pages need none.
func TestBallotPagesAccessible(t *testing.T) {
	if testing.Short() {
		t.Skip("Chromium: skipped by -short")
	}
	d := dbtest.SQLite(t)
	ctx := context.Background()
	var soc *society.Service
	h := newHarness(t, d, withStaff(), withDeps(func(deps *web.Deps) { soc = deps.Society }))
	reader := h.person(t, "member@example.org")
	a, err := society.ParseAdmission(society.AdmitInput{Name: "Ann Member", Address: "1 Mill Lane", Shares: "5",
		PaidOn: "2024-01-01", AccountID: reader.ID}, testStart, society.DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	m, err := soc.Admit(ctx, a, account.Actor{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	draft := society.Ballot{Title: "AGM 2024", Meeting: "AGM, Cardiff", RecordDate: "2024-11-01",
		OpensAt: testStart.Add(time.Hour), ClosesAt: testStart.Add(48 * time.Hour),
		Motions: []society.Motion{{Title: "To amend rule 12", Body: "Rule 12 is replaced.", Kind: society.Special, NeedNum: 3, NeedDen: 4}},
		Elections: []society.Election{
			{Title: "Board", Seats: 1, Method: society.Block, Candidates: []society.Candidate{{Name: "Ann Jones", Statement: "A reader."}, {Name: "Bryn Evans"}}},
			{Title: "Panel", Seats: 1, Method: society.STV, Candidates: []society.Candidate{{Name: "Cerys Ward"}, {Name: "Dai Price"}}}},
	}
	by := account.Actor{Name: "test"}
	ids := map[string]int64{}
	keys := map[string]society.CountingKey{}
	for _, name := range []string{"draft", "open", "closed"} {
		if ids[name], err = soc.CreateBallot(ctx, draft, by); err != nil {
			t.Fatal(err)
		}
		if name != "draft" {
			o, err := soc.OpenBallot(ctx, ids[name], society.Sealed, by)
			if err != nil {
				t.Fatal(err)
			}
			keys[name] = o.Key
		}
	}
	h.clock.Set(testStart.Add(2 * time.Hour))
	b1, _ := soc.Ballot(ctx, ids["closed"])
	receipt, err := soc.Vote(ctx, b1.ID, m.Number, society.Online, society.Choices{
		Motions:   map[int64]society.Stance{b1.Motions[0].ID: society.For},
		Elections: map[int64][]int64{b1.Elections[1].ID: {b1.Elections[1].Candidates[1].ID}}})
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Set(testStart.Add(49 * time.Hour))
	if err := soc.CloseBallot(ctx, b1.ID, keys["closed"], by); err != nil {
		t.Fatal(err)
	}
	h.clock.Set(testStart.Add(2 * time.Hour))

	b := browsertest.New(t)
	b.DisableJavaScript()
	b.Navigate(h.http.URL + "/signin")
	axe := func(path string) {
		t.Helper()
		if vs := b.Axe(h.http.URL + path); len(vs) > 0 {
			t.Errorf("axe-core on %s: %d violations:\n%s", path, len(vs), browsertest.FormatViolations(vs))
		}
	}
	id := func(name string) string { return strconv.FormatInt(ids[name], 10) }
	// refused fills the form at path (fill, then prepare when set), sends
	// it, waits for the refusal's element want and runs axe-core on that
	// 422 page, which no URL reloads.
	refused := func(path, form, fill, want string, prepare ...func()) {
		t.Helper()
		b.EnableJavaScript()
		defer b.DisableJavaScript()
		b.Navigate(h.http.URL + path)
		for _, p := range prepare {
			p()
		}
		browsertest.Eval[bool](b, fill+`; document.querySelector(`+strconv.Quote(form)+`).submit(); true`)
		testwait.Until(t, 10*time.Second, path+" refused", func() bool {
			ok, err := browsertest.TryEval[bool](b, `document.querySelector(`+strconv.Quote(want)+`) !== null`)
			return err == nil && ok
		})
		if vs := b.AxeHere(); len(vs) > 0 {
			t.Errorf("axe-core on %s refused: %d violations:\n%s", path, len(vs), browsertest.FormatViolations(vs))
		}
	}
	b.EnableJavaScript()
	browsertest.Eval[bool](b, `document.cookie = "coopress_session=`+h.session(t, h.account(t, account.Secretary))+`; path=/"; true`)
	b.DisableJavaScript()
	for _, p := range []string{"/admin/ballots", "/admin/ballots/" + id("draft"), "/admin/ballots/" + id("open"),
		"/admin/ballots/" + id("open") + "/turnout", "/admin/ballots/" + id("closed") + "/results"} {
		axe(p)
	}
	// The close form refusing an empty key file beside the file input.
	empty := filepath.Join(t.TempDir(), "counting-key-ballot-"+id("open")+".txt")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	refused("/admin/ballots/"+id("open"), `form[action$="/close"]`, "0", "#counting_key_file-error", func() {
		if _, err := chromedp.Run(b.Context(), chromedp.SetUploadFiles(chromedp.CSS("#counting_key_file"), []string{empty})); err != nil {
			t.Fatal(err)
		}
	})
	b.EnableJavaScript()
	browsertest.Eval[bool](b, `document.cookie = "coopress_session=`+h.readerSession(t, reader.Email)+`; path=/"; true`)
	b.DisableJavaScript()
	for _, p := range []string{"/account/ballots", "/account/ballots/" + id("open"), "/vote", "/ballots/" + id("closed") + "/check"} {
		axe(p)
	}
	// Refusals, posted by the browser: a paper numbered 1, 1 and a code
	// that is not one. The scripts are on only to fill and send the forms.
	refused("/account/ballots/"+id("open"), "main form[method=post]", `document.querySelectorAll("input[id^=pref-]").forEach(i => i.value = "1")`, ".form-errors")
	refused("/vote", "main form[method=post]", `document.querySelector("#code").value = "ABCD-EFGH"`, "#code-error")
	refused("/ballots/"+id("closed")+"/check", "main form[method=post]", `document.querySelector("#receipt").value = ""`, "#receipt-error")
	// The teller's pages, as a teller sees them.
	mid, err := soc.AddMeeting(ctx, ids["open"], "Swansea", "2024-11-07", by)
	if err != nil {
		t.Fatal(err)
	}
	b.EnableJavaScript()
	browsertest.Eval[bool](b, `document.cookie = "coopress_session=`+h.session(t, h.account(t, account.Teller))+`; path=/"; true`)
	b.DisableJavaScript()
	for _, p := range []string{"/admin/ballots", "/admin/ballots/" + id("open") + "/postal",
		"/admin/ballots/" + id("open") + "/meetings/" + strconv.FormatInt(mid, 10)} {
		axe(p)
	}
	// The teller's refusals: a postal paper whose code is not one, a
	// check-in of someone not on the register, a meeting paper numbered
	// 1, 1.
	meeting := "/admin/ballots/" + id("open") + "/meetings/" + strconv.FormatInt(mid, 10)
	refused("/admin/ballots/"+id("open")+"/postal", "main form[method=post]", `document.querySelector("#code").value = "ABCD-EFGH"`, "#code-error")
	refused(meeting, `form[action$="/checkin"]`, `document.querySelector("#member").value = "999"`, "#member-error")
	refused(meeting, `form[action$="/paper"]`, `document.querySelectorAll("form[action$='/paper'] input[id^=pref-]").forEach(i => i.value = "1")`,
		"form[action$='/paper'] .field-error")
	if receipt == "" {
		t.Fatal("no receipt")
	}
}
