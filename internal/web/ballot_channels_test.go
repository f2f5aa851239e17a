package web_test

import (
	"context"
	"net/http"
	"net/url"
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

// TestBallotChannelPages goes through the post, meetings and reminders
// on the web, on both engines: the papers download as a PDF; a teller's
// entry of a paper whose member voted online is refused beside the code,
// and a good one is entered; a meeting is added (a day outside the
// voting refused), refuses to check in the member who voted online,
// checks in another, refuses a count above the check-ins and a second
// paper; a reminder round is queued once; the results combine the
// channels and download as the scrutineer's PDF.
func TestBallotChannelPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var soc *society.Service
		h := newHarness(t, d, withStaff(), withDeps(func(deps *web.Deps) { soc = deps.Society }))
		by := account.Actor{Name: "test"}
		admit := func(name, email string) society.Member {
			a, err := society.ParseAdmission(society.AdmitInput{Name: name, Address: name + "'s house", Email: email, Shares: "5",
				PaidOn: "2024-01-01"}, testStart, society.DefaultRules())
			if err != nil {
				t.Fatal(err)
			}
			m, err := soc.Admit(ctx, a, by)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		online, postal, present := admit("Olwen Online", ""), admit("Percy Post", ""), admit("Mared Meeting", "")
		admit("Ena Email", "ena@example.org")
		id, err := soc.CreateBallot(ctx, society.Ballot{Title: "AGM 2024", Meeting: "AGM, Cardiff", RecordDate: "2024-11-01",
			OpensAt: testStart.Add(time.Hour), ClosesAt: testStart.Add(48 * time.Hour),
			Motions: []society.Motion{{Title: "To receive the accounts", Kind: society.Ordinary, NeedNum: 1, NeedDen: 2}},
			Elections: []society.Election{{Title: "Panel", Seats: 1, Method: society.STV,
				Candidates: []society.Candidate{{Name: "Cerys Ward"}, {Name: "Dai Price"}}}}}, by)
		if err != nil {
			t.Fatal(err)
		}
		opening, err := soc.OpenBallot(ctx, id, society.Sealed, by)
		if err != nil {
			t.Fatal(err)
		}
		old := opening.Codes
		h.clock.Set(testStart.Add(2 * time.Hour))
		b, err := soc.Ballot(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		motion, panel := b.Motions[0], b.Elections[0]
		mf, ef := society.MotionField(motion.ID), society.ElectionField(panel.ID)
		pref := func(i int) string {
			return "pref-" + strconv.FormatInt(panel.ID, 10) + "-" + strconv.FormatInt(panel.Candidates[i].ID, 10)
		}
		if _, err := soc.Vote(ctx, id, online.Number, society.Online, society.Choices{}); err != nil {
			t.Fatal(err)
		}
		codeOf := func(cs []society.VotingCode, m society.Member) string {
			for _, c := range cs {
				if c.Member == m.Number {
					return c.Code
				}
			}
			return ""
		}
		sec := h.session(t, h.account(t, account.Secretary))
		path := "/admin/ballots/" + strconv.FormatInt(id, 10)
		runScenarios(t, h, []scenario{
			{name: "the page", path: path + "/channels", token: sec, status: http.StatusOK,
				want: []string{"Download the postal papers (PDF)", "Send reminder round 1", `<label for="held_on">`}},
			{name: "the papers", method: "POST", path: path + "/papers", token: sec, form: url.Values{"all": {"yes"}}, status: http.StatusOK,
				want: []string{"%PDF-"}, wantHeader: map[string]string{"Content-Type": "application/pdf"}},
		})
		_, codes, err := soc.PostalCodes(ctx, id, true, by) // the codes on a fresh print
		if err != nil {
			t.Fatal(err)
		}
		paper := url.Values{"code": {codeOf(codes, postal)}, mf: {"for"}, pref(1): {"1"}}
		meetings := path + "/meetings"
		runScenarios(t, h, []scenario{
			{name: "a paper whose member voted online", method: "POST", path: path + "/postal", token: sec,
				form: url.Values{"code": {codeOf(old, online)}, mf: {"against"}}, status: http.StatusUnprocessableEntity,
				plain: true, want: []string{`id="code-error"`, "has already voted in this ballot (online)"}},
			{name: "a paper without its code", method: "POST", path: path + "/postal", token: sec, form: url.Values{mf: {"for"}},
				status: http.StatusUnprocessableEntity, want: []string{`id="code-error"`, "Type the voting code"}},
			{name: "a paper with its code replaced", method: "POST", path: path + "/postal", token: sec,
				form: url.Values{"code": {codeOf(old, postal)}, mf: {"for"}}, status: http.StatusUnprocessableEntity, want: []string{"not a voting code"}},
			{name: "the paper", method: "POST", path: path + "/postal", token: sec, form: paper, status: http.StatusSeeOther,
				location: path + "/postal?done=entered&member=" + strconv.FormatInt(postal.Number, 10)},
			{name: "the paper again", method: "POST", path: path + "/postal", token: sec, form: paper, status: http.StatusUnprocessableEntity,
				plain: true, want: []string{"has already voted in this ballot (postal)"}},
			{name: "a meeting after the close", method: "POST", path: meetings, token: sec, form: url.Values{"place": {"Swansea"}, "held_on": {"2024-11-20"}},
				status: http.StatusUnprocessableEntity, want: []string{`id="held_on-error"`}},
			{name: "a meeting", method: "POST", path: meetings, token: sec, form: url.Values{"place": {"Swansea"}, "held_on": {"2024-11-07"}},
				status: http.StatusSeeOther, location: path + "/channels?done=meeting"},
		})
		ms, err := soc.Meetings(ctx, id)
		if err != nil || len(ms) != 1 {
			t.Fatalf("meetings %v, %v", ms, err)
		}
		meeting := meetings + "/" + strconv.FormatInt(ms[0].ID, 10)
		tally := func(n string) url.Values {
			return url.Values{"motion": {strconv.FormatInt(motion.ID, 10)}, "for": {n}, "against": {"0"}, "method": {"hands"}}
		}
		runScenarios(t, h, []scenario{
			{name: "the meeting", path: meeting, token: sec, status: http.StatusOK, want: []string{`<label for="member">`, "Record the count", "Preference for Dai Price"},
				notWant: []string{`name="` + mf + `"`}},
			{name: "checking in the online voter", method: "POST", path: meeting + "/checkin", token: sec,
				form: url.Values{"member": {strconv.FormatInt(online.Number, 10)}}, status: http.StatusUnprocessableEntity,
				plain: true, want: []string{`id="member-error"`, "has already voted in this ballot (online)"}},
			{name: "checking in a non-member", method: "POST", path: meeting + "/checkin", token: sec,
				form: url.Values{"member": {"9999"}}, status: http.StatusUnprocessableEntity, want: []string{"was not on the register of members"}},
			{name: "checking in", method: "POST", path: meeting + "/checkin", token: sec,
				form: url.Values{"member": {strconv.FormatInt(present.Number, 10)}}, status: http.StatusSeeOther},
			{name: "a count above the check-ins", method: "POST", path: meeting + "/tally", token: sec, form: tally("2"),
				status: http.StatusUnprocessableEntity, want: []string{`id="` + mf + `-error"`, "only 1 members are checked in"}},
			{name: "the count", method: "POST", path: meeting + "/tally", token: sec, form: tally("1"), status: http.StatusSeeOther},
			{name: "a paper", method: "POST", path: meeting + "/paper", token: sec, form: url.Values{pref(0): {"1"}}, status: http.StatusSeeOther},
			{name: "a paper too many", method: "POST", path: meeting + "/paper", token: sec, form: url.Values{pref(0): {"1"}},
				status: http.StatusUnprocessableEntity, want: []string{`id="count-error"`}},
			{name: "a bad numbering", method: "POST", path: meeting + "/paper", token: sec, form: url.Values{pref(0): {"2"}},
				status: http.StatusUnprocessableEntity, want: []string{`id="` + ef + `-error"`}},
			{name: "the count recorded", path: meeting, token: sec, status: http.StatusOK, want: []string{"Recorded (show of hands): 1 for, 0 against"}},
			{name: "reminders", method: "POST", path: path + "/remind", token: sec, form: url.Values{"round": {"1"}}, status: http.StatusSeeOther,
				location: path + "/channels?done=remind&round=1&queued=1"},
			{name: "the round again", method: "POST", path: path + "/remind", token: sec, form: url.Values{"round": {"1"}}, status: http.StatusSeeOther,
				location: path + "/channels?done=remind&round=1&queued=0"},
			{name: "the PDF before the close", path: path + "/results.pdf", token: sec, status: http.StatusSeeOther, location: path + "/results"},
			{name: "the CSV before the close", path: path + "/results.csv", token: sec, status: http.StatusSeeOther, location: path + "/results"},
		})
		if n := len(h.mail.sent); n != 1 || h.mail.sent[0].To != "ena@example.org" || !strings.Contains(h.mail.sent[0].Text, "Ena Email") {
			t.Fatalf("mail queued: %+v", h.mail.sent)
		}
		h.clock.Set(testStart.Add(49 * time.Hour))
		sec = h.session(t, h.account(t, account.Secretary))
		if err := soc.CloseBallot(ctx, id, opening.Key, by); err != nil {
			t.Fatal(err)
		}
		runScenarios(t, h, []scenario{
			{name: "results", path: path + "/results", token: sec, status: http.StatusOK, want: []string{
				"online 1, by post 1, at the meeting 1", "<td>2</td><td>0</td><td>0</td>", "scrutineer"}},
			{name: "the results PDF", path: path + "/results.pdf", token: sec, status: http.StatusOK,
				wantHeader: map[string]string{"Content-Type": "application/pdf"}},
			{name: "the results CSV", path: path + "/results.csv", token: sec, status: http.StatusOK,
				wantHeader: map[string]string{"Content-Type": "text/csv; charset=utf-8"},
				want:       []string{"kind,item,option,votes,outcome\n", ",for,2,passed\n"}},
		})
	})
}
