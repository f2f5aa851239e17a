package web_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/testwait"
	"github.com/coopress/coopress/internal/web"
)

// TestBallotJourney is issue 12's journey in Chromium: the secretary
// opens a ballot, sealed, and is shown the counting key; a member votes
// online and checks the receipt; a second member's postal paper is
// entered by a teller; a regional meeting tries to check in the member
// who voted online and is refused; the secretary closes the ballot,
// first without the key (refused beside its field), then typing it; the
// results page shows the count. axe-core runs on each page this part
// added (post, meetings and reminders; the tellers' entry; a meeting),
// on the page that shows the key, on the close form with its refusal and
// on the results page with its new link.
func TestBallotJourney(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	var soc *society.Service
	h := newHarness(t, d, withStaff(), withDeps(func(deps *web.Deps) { soc = deps.Society }))
	by := account.Actor{Name: "test"}
	reader := h.person(t, "member@example.org")
	admit := func(name string, accountID int64) society.Member {
		a, err := society.ParseAdmission(society.AdmitInput{Name: name, Address: name + "'s house", Shares: "5",
			PaidOn: "2024-01-01", AccountID: accountID}, testStart, society.DefaultRules())
		if err != nil {
			t.Fatal(err)
		}
		m, err := soc.Admit(ctx, a, by)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	online, postal := admit("Olwen Online", reader.ID), admit("Percy Post", 0)
	id, err := soc.CreateBallot(ctx, society.Ballot{Title: "AGM 2024", Meeting: "AGM, Cardiff", RecordDate: "2024-11-01",
		OpensAt: testStart.Add(time.Hour), ClosesAt: testStart.Add(48 * time.Hour),
		Motions: []society.Motion{{Title: "To receive the accounts", Kind: society.Ordinary, NeedNum: 1, NeedDen: 2}},
		Elections: []society.Election{{Title: "Panel", Seats: 1, Method: society.STV,
			Candidates: []society.Candidate{{Name: "Cerys Ward"}, {Name: "Dai Price"}}}}}, by)
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Set(testStart.Add(2 * time.Hour))
	base := h.http.URL
	path := base + "/admin/ballots/" + strconv.FormatInt(id, 10)

	b := browsertest.New(t)
	signIn := func(token string) {
		t.Helper()
		if _, err := chromedp.Call(b.Context(), network.SetCookie, network.SetCookieParams{Name: "coopress_session", Value: token,
			URL: base + "/"}); err != nil {
			t.Fatal(err)
		}
	}
	text := func() string {
		return browsertest.Eval[string](b, `document.querySelector("main") ? document.querySelector("main").innerText : ""`)
	}
	waitText := func(want string) {
		t.Helper()
		if !testwait.For(10*time.Second, func() bool { return strings.Contains(text(), want) }) {
			t.Fatalf("the page says %q, want %q (at %s)", text(), want, browsertest.Eval[string](b, `location.href`))
		}
	}
	run := func(js string) { t.Helper(); browsertest.Eval[bool](b, `(() => { `+js+`; return true; })()`) }
	axe := func(url string) {
		t.Helper()
		if vs := b.Axe(url); len(vs) > 0 {
			t.Errorf("axe-core on %s: %d violations:\n%s", url, len(vs), browsertest.FormatViolations(vs))
		}
	}

	// The secretary opens the ballot, sealed as the form suggests; the
	// codes and the counting key are on the next page, once.
	b.Navigate(base + "/signin")
	signIn(h.as(t, account.Secretary))
	b.Navigate(path)
	if !browsertest.Eval[bool](b, `document.getElementById("seal-yes").checked`) {
		t.Error("sealing is not the open form's default")
	}
	run(`document.querySelector("form[action$='/open'] button").click()`)
	waitText("Without this key the papers cannot be counted")
	countingKey := browsertest.Eval[string](b, `document.getElementById("key").innerText`)
	if len(countingKey) != 69 || browsertest.Eval[int](b, `document.querySelectorAll("a[download]").length`) != 2 {
		t.Fatalf("counting key %q, or the two downloads missing:\n%s", countingKey, text())
	}
	if vs := b.AxeHere(); len(vs) > 0 {
		t.Errorf("axe-core on the opened ballot: %d violations:\n%s", len(vs), browsertest.FormatViolations(vs))
	}
	// Both files are saved by the browser from the page alone.
	downloads := t.TempDir()
	if _, err := chromedp.Call(b.Context(), browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads}); err != nil {
		t.Fatal(err)
	}
	run(`document.querySelectorAll("a[download]").forEach(a => a.click())`)
	saved := func(name string) string {
		t.Helper()
		var body []byte
		if !testwait.For(10*time.Second, func() bool {
			var err error
			body, err = os.ReadFile(filepath.Join(downloads, name))
			return err == nil && len(body) > 0
		}) {
			t.Fatalf("%s was not saved", name)
		}
		return string(body)
	}
	sid := strconv.FormatInt(id, 10)
	if codes := saved("voting-codes-ballot-" + sid + ".csv"); strings.Count(codes, "\n") != 3 {
		t.Errorf("the voting codes file:\n%s", codes)
	}
	if keyFile := saved("counting-key-ballot-" + sid + ".txt"); !strings.Contains(keyFile, countingKey) {
		t.Errorf("the counting key file lacks the key shown:\n%s", keyFile)
	}
	if bl, err := soc.Ballot(ctx, id); err != nil || bl.Status != society.Open || !bl.Sealed {
		t.Fatalf("the ballot is %s, sealed %v (%v); want open and sealed", bl.Status, bl.Sealed, err)
	}
	bl, err := soc.Ballot(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	motion, panel := bl.Motions[0], bl.Elections[0]
	mf := society.MotionField(motion.ID)
	pref := func(i int) string {
		return "pref-" + strconv.FormatInt(panel.ID, 10) + "-" + strconv.FormatInt(panel.Candidates[i].ID, 10)
	}

	// The member votes online and checks the receipt.
	signIn(h.readerSession(t, reader.Email))
	b.Navigate(base + "/account/ballots/" + strconv.FormatInt(id, 10))
	run(`document.getElementById("` + mf + `-for").checked = true; document.getElementById("` + pref(1) + `").value = "1";
		document.querySelector("form.ballot").submit()`)
	waitText("receipt")
	receipt := regexp.MustCompile(`[0-9A-Z]{4}(-[0-9A-Z]{1,4}){5,}`).FindString(text())
	if receipt == "" {
		t.Fatalf("no receipt on %q", text())
	}
	b.Navigate(base + "/ballots/" + strconv.FormatInt(id, 10) + "/check")
	run(`document.getElementById("receipt").value = "` + receipt + `"; document.querySelector("main form").submit()`)
	waitText("Yes: a vote with this receipt is in the count.")

	// A teller enters the second member's postal paper.
	_, codes, err := soc.PostalCodes(ctx, id, false, by)
	if err != nil || len(codes) != 1 || codes[0].Member != postal.Number {
		t.Fatalf("postal codes %v, %v; want Percy's alone", codes, err)
	}
	signIn(h.as(t, account.Secretary))
	axe(path + "/channels")
	b.Navigate(path + "/postal")
	run(`document.getElementById("code").value = "` + codes[0].Code + `"; document.getElementById("` + mf + `-against").checked = true;
		document.getElementById("` + pref(0) + `").value = "1"; document.querySelector("form.ballot").submit()`)
	waitText("Paper of member " + strconv.FormatInt(postal.Number, 10) + " entered")
	axe(path + "/postal")
	run(`document.getElementById("code").value = "` + codes[0].Code + `"; document.querySelector("form.ballot").submit()`)
	waitText("has already voted in this ballot (postal)")

	// A regional meeting refuses the member who voted online.
	b.Navigate(path + "/channels")
	run(`document.getElementById("place").value = "Swansea"; document.getElementById("held_on").value = "2024-11-07";
		document.querySelector("form[action$='/meetings']").submit()`)
	waitText("Meeting added.")
	ms, err := soc.Meetings(ctx, id)
	if err != nil || len(ms) != 1 {
		t.Fatalf("meetings %v, %v", ms, err)
	}
	meeting := path + "/meetings/" + strconv.FormatInt(ms[0].ID, 10)
	b.Navigate(meeting)
	run(`document.getElementById("member").value = "` + strconv.FormatInt(online.Number, 10) + `";
		document.querySelector("form[action$='/checkin']").submit()`)
	waitText("has already voted in this ballot (online)")
	if n := browsertest.Eval[int](b, `document.querySelectorAll("#member[aria-invalid=true]").length`); n != 1 {
		t.Errorf("the membership number is not marked invalid")
	}
	axe(meeting)

	// The ballot closes and the results show the count.
	h.clock.Set(testStart.Add(49 * time.Hour))
	signIn(h.session(t, h.account(t, account.Secretary)))
	b.Navigate(path)
	run(`document.querySelector("form[action$='/close'] button").click()`)
	waitText("Give the ballot's counting key")
	if n := browsertest.Eval[int](b, `document.querySelectorAll("#counting_key[aria-invalid=true]").length`); n != 1 {
		t.Errorf("the counting key is not marked invalid")
	}
	if vs := b.AxeHere(); len(vs) > 0 {
		t.Errorf("axe-core on the close form with its refusal: %d violations:\n%s", len(vs), browsertest.FormatViolations(vs))
	}
	run(`document.getElementById("counting_key").value = "` + countingKey + `";
		document.querySelector("form[action$='/close'] button").click()`)
	waitText("Download the scrutineer")
	for _, want := range []string{"online 1, by post 1, at the meeting 0", "To receive the accounts: not passed", "elected 1 of 1"} {
		if !strings.Contains(text(), want) {
			t.Errorf("results lack %q:\n%s", want, text())
		}
	}
	axe(path + "/results")
}
