package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/web"
)

var (
	ballotForm = regexp.MustCompile(`(?s)<form class="[^"]*\bballot"[^>]*>.*?</form>`)
	inputName  = regexp.MustCompile(`<input [^>]*name="([^"]+)"(?: value="([^"]*)")?`)
	legend     = regexp.MustCompile(`<legend>([^<]*)</legend>`)
	inputTag   = regexp.MustCompile(`<input [^>]*>`)
)

// paperQuestions is what a ballot form asks: every input as name or
// name=value (a radio's or checkbox's choice), less the page's own
// fields, and the questions' legends.
func paperQuestions(t *testing.T, body string) (fields, legends []string) {
	t.Helper()
	form := ballotForm.FindString(body)
	if form == "" {
		t.Fatalf("no ballot form on the page:\n%s", body)
	}
	for _, m := range inputName.FindAllStringSubmatch(form, -1) {
		switch m[1] {
		case "code", "cast", "receipt":
			continue
		}
		if strings.Contains(m[0], `type="radio"`) || strings.Contains(m[0], `type="checkbox"`) {
			fields = append(fields, m[1]+"="+m[2])
		} else {
			fields = append(fields, m[1])
		}
	}
	for _, m := range legend.FindAllStringSubmatch(form, -1) {
		legends = append(legends, m[1])
	}
	return fields, legends
}

// postalCode is member's voting code on ballot id's postal paper.
func postalCode(t *testing.T, soc *society.Service, id int64, member society.Member) string {
	t.Helper()
	_, codes, err := soc.PostalCodes(context.Background(), id, true, account.Actor{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range codes {
		if c.Member == member.Number {
			return c.Code
		}
	}
	t.Fatalf("no postal code for member %d", member.Number)
	return ""
}

// TestBallotPaperForms: the member's vote form, their change-of-vote
// form, the tellers' postal entry and the meeting's paper entry ask the
// ballot's questions under the same names and legends (the meeting's
// only the elections, its motions being counted by hands or cards), so
// marks made as the member's form names them are read from a teller's
// entry too; and a refused STV numbering stands beside its election,
// named by the fieldset's aria-describedby, and is announced in the
// page's error summary, on each of the four.
func TestBallotPaperForms(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	var soc *society.Service
	h := newHarness(t, d, withStaff(), withDeps(func(deps *web.Deps) { soc = deps.Society }))
	by := account.Actor{Name: "test"}
	voter, changer := h.person(t, "voter@example.org"), h.person(t, "changer@example.org")
	changing := admitMember(t, soc, "Carys Changer", 5)
	for _, l := range []struct{ number, account int64 }{
		{admitMember(t, soc, "Vera Voter", 5).Number, voter.ID}, {changing.Number, changer.ID}} {
		if err := soc.Link(ctx, l.number, l.account, by); err != nil {
			t.Fatal(err)
		}
	}
	postal, present := admitMember(t, soc, "Percy Post", 5), admitMember(t, soc, "Mared Meeting", 5)
	id, err := soc.CreateBallot(ctx, society.Ballot{Title: "AGM 2024", Meeting: "AGM, Cardiff", RecordDate: "2024-11-01",
		OpensAt: testStart.Add(time.Hour), ClosesAt: testStart.Add(48 * time.Hour), AllowChange: true,
		Motions: []society.Motion{{Title: "To amend rule 12", Body: "Rule 12 is replaced.", Kind: society.Special, NeedNum: 3, NeedDen: 4}},
		Elections: []society.Election{
			{Title: "Board", Seats: 2, Method: society.Block, Candidates: []society.Candidate{{Name: "Ann Jones", Statement: "A reader."}, {Name: "Bryn Evans"}, {Name: "Ceri Lloyd"}}},
			{Title: "Panel", Seats: 1, Method: society.STV, Candidates: []society.Candidate{{Name: "Cerys Ward"}, {Name: "Dai Price"}}}},
	}, by)
	if err != nil {
		t.Fatal(err)
	}
	opening, err := soc.OpenBallot(ctx, id, society.Sealed, by)
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Set(testStart.Add(2 * time.Hour))
	b, err := soc.Ballot(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	receipt, err := soc.Vote(ctx, id, changing.Number, society.Online, society.Choices{
		Motions: map[int64]society.Stance{b.Motions[0].ID: society.Against}})
	if err != nil {
		t.Fatal(err)
	}
	mid, err := soc.AddMeeting(ctx, id, "Swansea", "2024-11-07", by)
	if err != nil {
		t.Fatal(err)
	}
	if err := soc.CheckIn(ctx, mid, present.Number, by); err != nil {
		t.Fatal(err)
	}
	code := postalCode(t, soc, id, postal)
	teller := h.session(t, h.person(t, "teller@example.org", account.Teller))
	path := "/admin/ballots/" + strconv.FormatInt(id, 10)
	meeting := path + "/meetings/" + strconv.FormatInt(mid, 10)
	stv := b.Elections[1]
	sf := society.ElectionField(stv.ID)
	pref := func(i int) string {
		return "pref-" + strconv.FormatInt(stv.ID, 10) + "-" + strconv.FormatInt(stv.Candidates[i].ID, 10)
	}
	forms := []struct {
		name, get, post, token string
		page                   url.Values // the page's own fields
		motions                bool
	}{
		{"the member's vote", "/account/ballots/" + strconv.FormatInt(id, 10), "", h.readerSession(t, voter.Email), url.Values{"cast": {"1"}}, true},
		{"the change of vote", "/account/ballots/" + strconv.FormatInt(id, 10), "", h.readerSession(t, changer.Email),
			url.Values{"cast": {"1"}, "receipt": {receipt}}, true},
		{"the postal entry", path + "/postal", path + "/postal", teller, url.Values{"code": {code}}, true},
		{"the meeting's paper", meeting, meeting + "/paper", teller, url.Values{}, false},
	}
	memberFields, memberLegends := paperQuestions(t, h.do(t, req{path: forms[0].get, token: forms[0].token}).body)
	if len(memberFields) != 3+3+2 || len(memberLegends) != 3 {
		t.Fatalf("the member's form asks %q under %q: want the motion's 3 stances, 3 candidates and 2 preferences", memberFields, memberLegends)
	}
	for _, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			res := h.do(t, req{path: f.get, token: f.token})
			if res.status != http.StatusOK {
				t.Fatalf("GET %s: %d %s", f.get, res.status, errorSummaryOr(res.body))
			}
			wantFields, wantLegends := memberFields, memberLegends
			if !f.motions {
				wantFields = slices.DeleteFunc(slices.Clone(wantFields), func(s string) bool { return strings.HasPrefix(s, "motion-") })
				wantLegends = wantLegends[1:]
			}
			fields, legends := paperQuestions(t, res.body)
			if !slices.Equal(fields, wantFields) || !slices.Equal(legends, wantLegends) {
				t.Errorf("asks %q under %q; the member's form asks %q under %q", fields, legends, wantFields, wantLegends)
			}
			// A typed mark is not kept in the browser's form history, on a
			// member's own machine or the tellers' shared one.
			for _, m := range inputTag.FindAllString(ballotForm.FindString(res.body), -1) {
				if strings.Contains(m, `type="text"`) && !strings.Contains(m, `autocomplete="off"`) {
					t.Errorf("a typed field the browser may remember: %s", m)
				}
			}
			for k := range f.page {
				if k != "cast" && !strings.Contains(res.body, `name="`+k+`"`) {
					t.Errorf("no %s field on the page", k)
				}
			}
			if f.post == "" {
				f.post = f.get
			}
			bad := url.Values{pref(0): {"1"}, pref(1): {"1"}}
			for k, v := range f.page {
				bad[k] = v
			}
			res = h.do(t, req{method: "POST", path: f.post, token: f.token, form: bad})
			if res.status != http.StatusUnprocessableEntity {
				t.Fatalf("a preference twice: %d %s", res.status, errorSummaryOr(res.body))
			}
			fieldset := regexp.MustCompile(`(?s)<fieldset id="` + sf + `" aria-describedby="` + sf + `-hint ` + sf + `-error">.*?</fieldset>`).FindString(res.body)
			if !strings.Contains(fieldset, `<p class="field-error" id="`+sf+`-error"><span class="visually-hidden">Error:</span> Number your choices`) {
				t.Errorf("the refusal is not beside the election, named by its fieldset:\n%s", res.body)
			}
			summary := regexp.MustCompile(`(?s)<div class="[^"]*" role="alert" tabindex="-1">.*?</div>`).FindString(res.body)
			if !strings.Contains(summary, `<a href="#`+sf+`">Number your choices`) {
				t.Errorf("the refusal is not announced in the error summary:\n%s", res.body)
			}
			// Marks named as on the member's form are read here too.
			good := url.Values{society.ElectionField(b.Elections[0].ID): {strconv.FormatInt(b.Elections[0].Candidates[2].ID, 10)},
				pref(1): {"1"}}
			if f.motions {
				good.Set(society.MotionField(b.Motions[0].ID), "abstain")
			}
			for k, v := range f.page {
				good[k] = v
			}
			res = h.do(t, req{method: "POST", path: f.post, token: f.token, form: good})
			if res.status != http.StatusOK && res.status != http.StatusSeeOther {
				t.Errorf("the marks: %d %s", res.status, errorSummaryOr(res.body))
			}
		})
	}
	// Four papers, each marked Ceri Lloyd and Dai Price, and three
	// abstentions: the member's (the changer's earlier "against" replaced)
	// and the postal paper's; the meeting's paper has no motions.
	h.clock.Set(testStart.Add(49 * time.Hour))
	if err := soc.CloseBallot(ctx, id, opening.Key, by); err != nil {
		t.Fatal(err)
	}
	r, err := soc.Tally(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	m, block, panel := r.Motions[0], r.Elections[0], r.Elections[1]
	if r.Papers != 4 || m.For != 0 || m.Against != 0 || m.Abstain != 3 ||
		block.Votes[b.Elections[0].Candidates[2].ID] != 4 || panel.Votes[stv.Candidates[1].ID] != 4 {
		t.Errorf("the count: %d papers, motion %d/%d/%d, Ceri Lloyd %d, Dai Price %d; want 4 papers, 0/0/3, 4 and 4",
			r.Papers, m.For, m.Against, m.Abstain, block.Votes[b.Elections[0].Candidates[2].ID], panel.Votes[stv.Candidates[1].ID])
	}
}
