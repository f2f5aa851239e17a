package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/web"
)

// TestTellerJourney: a teller, who holds no other role, finds the open
// ballot on the ballots list with links to the postal entry and the
// meeting and to nothing else of the secretary's; enters a returned
// postal paper, checks a member in at the meeting and records the count;
// is refused the register, a new ballot and who has voted, changing
// nothing; and the audit log names the teller for what they did. On
// both engines.
func TestTellerJourney(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var soc *society.Service
		h := newHarness(t, d, withStaff(), withDeps(func(deps *web.Deps) { soc = deps.Society }))
		by := account.Actor{Name: "secretary"}
		postal, present := admitMember(t, soc, "Percy Post", 5), admitMember(t, soc, "Mared Meeting", 5)
		id, err := soc.CreateBallot(ctx, society.Ballot{Title: "AGM 2024", Meeting: "AGM, Cardiff", RecordDate: "2024-11-01",
			OpensAt: testStart.Add(time.Hour), ClosesAt: testStart.Add(48 * time.Hour),
			Motions: []society.Motion{{Title: "To receive the accounts", Kind: society.Ordinary, NeedNum: 1, NeedDen: 2}}}, by)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := soc.OpenBallot(ctx, id, society.Sealed, by); err != nil {
			t.Fatal(err)
		}
		h.clock.Set(testStart.Add(2 * time.Hour))
		b, err := soc.Ballot(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		mid, err := soc.AddMeeting(ctx, id, "Swansea", "2024-11-07", by)
		if err != nil {
			t.Fatal(err)
		}
		_, codes, err := soc.PostalCodes(ctx, id, true, by)
		if err != nil {
			t.Fatal(err)
		}
		code := ""
		for _, c := range codes {
			if c.Member == postal.Number {
				code = c.Code
			}
		}
		teller := h.person(t, "teller@example.org", account.Teller)
		tok := h.session(t, teller)
		path := "/admin/ballots/" + strconv.FormatInt(id, 10)
		meeting := path + "/meetings/" + strconv.FormatInt(mid, 10)
		mf := society.MotionField(b.Motions[0].ID)
		// What only the secretary may open: no link or form to it.
		secretarys := []string{`href="` + path + `"`, path + "/channels", path + "/turnout", path + "/results",
			`action="/admin/ballots"`, "New ballot", `href="/admin/register"`}
		runScenarios(t, h, []scenario{
			{name: "the ballots", path: "/admin/ballots", token: tok, status: http.StatusOK,
				want:    []string{"AGM 2024", `href="` + path + `/postal"`, `href="` + meeting + `"`, "Meeting: Swansea"},
				notWant: secretarys},
			{name: "the postal entry", path: path + "/postal", token: tok, status: http.StatusOK,
				want: []string{`<label for="code">`, `href="/admin/ballots"`}, notWant: secretarys},
			{name: "a postal paper", method: "POST", path: path + "/postal", token: tok,
				form: url.Values{"code": {code}, mf: {"for"}}, status: http.StatusSeeOther,
				location: path + "/postal?done=entered&member=" + strconv.FormatInt(postal.Number, 10)},
			{name: "the meeting", path: meeting, token: tok, status: http.StatusOK,
				want: []string{`<label for="member">`, "Record the count", `href="/admin/ballots"`}, notWant: secretarys},
			{name: "a check-in", method: "POST", path: meeting + "/checkin", token: tok,
				form: url.Values{"member": {strconv.FormatInt(present.Number, 10)}}, status: http.StatusSeeOther},
			{name: "the count", method: "POST", path: meeting + "/tally", token: tok, status: http.StatusSeeOther,
				form: url.Values{"motion": {strconv.FormatInt(b.Motions[0].ID, 10)}, "for": {"1"}, "against": {"0"}, "method": {"hands"}}},
			{name: "the register", path: "/admin/register", token: tok, status: http.StatusForbidden, notWant: []string{"Percy Post"}},
			{name: "a new ballot", method: "POST", path: "/admin/ballots", token: tok, status: http.StatusForbidden,
				form: url.Values{"title": {"Rigged"}, "meeting": {"EGM"}, "opens": {"2024-11-10T10:00"},
					"closes": {"2024-11-11T10:00"}, "record_date": {"2024-11-01"}}},
			{name: "who has voted", path: path + "/turnout", token: tok, status: http.StatusForbidden, notWant: []string{"Percy Post"}},
			{name: "the results", path: path + "/results", token: tok, status: http.StatusForbidden},
			{name: "a new code", method: "POST", path: path + "/codes", token: tok, status: http.StatusForbidden,
				form: url.Values{"member": {strconv.FormatInt(present.Number, 10)}}},
		})
		// Every link and form on the teller's pages opens for the teller:
		// a link answers 200, an empty form is refused for what it lacks
		// (422), never for who sent it.
		link, formAction := regexp.MustCompile(`<a href="(/admin[^"]*)"`), regexp.MustCompile(`<form[^>]* action="(/admin[^"]*)"`)
		links, forms := 0, 0
		for _, page := range []string{"/admin/ballots", path + "/postal", meeting} {
			res := h.do(t, req{path: page, token: tok})
			_, main, _ := strings.Cut(res.body, "<main")
			for _, m := range link.FindAllStringSubmatch(main, -1) {
				links++
				if got := h.do(t, req{path: html.UnescapeString(m[1]), token: tok}); got.status != http.StatusOK {
					t.Errorf("%s links to %s for the teller, which answers %d", page, m[1], got.status)
				}
			}
			for _, m := range formAction.FindAllStringSubmatch(main, -1) {
				forms++
				if got := h.do(t, req{method: "POST", path: html.UnescapeString(m[1]), token: tok, form: url.Values{}}); got.status != http.StatusUnprocessableEntity {
					t.Errorf("%s has a form to %s for the teller, which answers %d to an empty one", page, m[1], got.status)
				}
			}
		}
		if links < 4 || forms < 2 {
			t.Errorf("%d links and %d forms on the teller's pages: the pages were not read", links, forms)
		}
		all, err := soc.Ballots(ctx)
		if err != nil || len(all) != 1 {
			t.Errorf("ballots after the teller's refused one: %d, %v", len(all), err)
		}
		for _, action := range []string{"ballot.postal_vote", "ballot.meeting_checkin", "ballot.meeting_tally"} {
			es, _, err := h.accounts.Audit().List(ctx, account.Filter{Action: action}, 1)
			if err != nil || len(es) != 1 || es[0].ActorID != teller.ID || es[0].ActorName != "teller@example.org" {
				t.Errorf("%s in the audit log: %+v, %v; want one entry by the teller", action, es, err)
			}
		}
		turnout, err := soc.Turnout(ctx, id)
		if err != nil || len(turnout.Voters) != 2 {
			t.Errorf("voters after the teller's paper and check-in: %+v, %v", turnout.Voters, err)
		}
	})
}
