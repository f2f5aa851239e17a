package web_test

import (
	"context"
	"encoding/base64"
	"encoding/csv"
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

var receiptCode = regexp.MustCompile(`<code>([0-9A-Z-]{20,})</code>`)

// TestBallotPages goes through a ballot on the web, on both engines: the
// secretary drafts it (refusals beside their fields), adds a motion and
// two elections, opens it sealed and gets the voting codes as CSV and
// the counting key, on the page and as a file, both once; a signed-in
// member votes (a bad STV numbering refused beside the election, nothing
// recorded), checks the receipt and cannot vote again; a member without an
// account votes with the code, which then is spent; turnout shows who and
// by which channel; results wait for the close, which needs the counting
// key (refused beside its field when missing or mistyped), and then count.
func TestBallotPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var soc *society.Service
		h := newHarness(t, d, withStaff(), withDeps(func(deps *web.Deps) { soc = deps.Society }))
		reader := h.person(t, "member@example.org")
		admit := func(name string, accountID int64, on string) society.Member {
			a, err := society.ParseAdmission(society.AdmitInput{Name: name, Address: name + "'s house", Shares: "5",
				PaidOn: on, AccountID: accountID}, testStart, society.DefaultRules())
			if err != nil {
				t.Fatal(err)
			}
			m, err := soc.Admit(ctx, a, account.Actor{Name: "test"})
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		linked := admit("Linked Member", reader.ID, "2024-01-01")
		byCode := admit("Code Member", 0, "2024-01-01")
		admit("Late Joiner", 0, "2024-11-02")
		sec := h.session(t, h.account(t, account.Secretary))
		zone, err := time.LoadLocation("Europe/London")
		if err != nil {
			t.Fatal(err)
		}
		local := func(d time.Duration) string { return testStart.Add(d).In(zone).Format("2006-01-02T15:04") }
		details := url.Values{"title": {"AGM 2024"}, "meeting": {"AGM, Cardiff"}, "opens": {local(time.Hour)},
			"closes": {local(48 * time.Hour)}, "record_date": {"2024-11-01"}}

		runScenarios(t, h, []scenario{
			{name: "a draft with no title and an unreadable time", method: "POST", path: "/admin/ballots", token: sec,
				form:   url.Values{"title": {""}, "meeting": {"AGM"}, "opens": {"tomorrow"}, "closes": {local(2 * time.Hour)}, "record_date": {"2024-11-01"}},
				status: http.StatusUnprocessableEntity, want: []string{`id="title-error"`, `id="opens-error"`, `aria-invalid="true"`}},
		})
		res := h.do(t, req{method: "POST", path: "/admin/ballots", token: sec, form: details})
		if res.status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.status, errorSummaryOr(res.body))
		}
		path := res.header.Get("Location")
		id, _ := strconv.ParseInt(strings.TrimPrefix(path, "/admin/ballots/"), 10, 64)
		for _, f := range []url.Values{
			{"motion_title": {"To amend rule 12"}, "motion_kind": {"special"}, "motion_fraction": {"3/4"}},
			{"election_title": {"Board"}, "election_seats": {"1"}, "election_method": {"block"}, "election_candidates": {"Ann Jones: twenty years a reader\nBryn Evans"}},
			{"election_title": {"Panel"}, "election_seats": {"1"}, "election_method": {"stv"}, "election_candidates": {"Cerys Ward\nDai Price\nEira Hughes"}},
		} {
			to := path + "/motions"
			if f.Has("election_title") {
				to = path + "/elections"
			}
			if res := h.do(t, req{method: "POST", path: to, token: sec, form: f}); res.status != http.StatusSeeOther {
				t.Fatalf("%s: %d %s", to, res.status, errorSummaryOr(res.body))
			}
		}
		runScenarios(t, h, []scenario{
			{name: "a special resolution without its majority", method: "POST", path: path + "/motions", token: sec,
				form:   url.Values{"motion_title": {"X"}, "motion_kind": {"special"}, "motion_fraction": {"most"}},
				status: http.StatusUnprocessableEntity, plain: true, want: []string{`"most" is not a majority`}},
		})
		runScenarios(t, h, []scenario{
			{name: "the open form", path: path, token: sec, status: http.StatusOK,
				want: []string{`<legend>Seal the papers until the close?</legend>`, `id="seal-yes" name="seal" value="yes" checked`,
					`aria-describedby="seal-hint"`}},
			{name: "opening without saying whether to seal", method: "POST", path: path + "/open", token: sec, form: url.Values{},
				status: http.StatusUnprocessableEntity, want: []string{`id="seal-error"`, "Choose whether the papers are sealed"}},
		})
		var rows [][]string
		res = h.do(t, req{method: "POST", path: path + "/open", token: sec, form: url.Values{"seal": {"yes"}}})
		if res.status != http.StatusOK || !strings.Contains(res.body, "Without this key the papers cannot be counted") {
			t.Fatalf("open: %d %s", res.status, errorSummaryOr(res.body))
		}
		download := func(name string) string {
			t.Helper()
			m := regexp.MustCompile(`<a href="data:[^;]+;charset=utf-8;base64,([A-Za-z0-9+/=]+)" download="` + regexp.QuoteMeta(name) + `">`).FindStringSubmatch(res.body)
			if m == nil {
				t.Fatalf("no download of %s on the page:\n%s", name, res.body)
			}
			raw, err := base64.StdEncoding.DecodeString(m[1])
			if err != nil {
				t.Fatal(err)
			}
			return string(raw)
		}
		rows, err = csv.NewReader(strings.NewReader(download("voting-codes-ballot-" + strconv.FormatInt(id, 10) + ".csv"))).ReadAll()
		if err != nil || len(rows) != 3 {
			t.Fatalf("voting codes: %v %q", err, rows)
		}
		countingKey := regexp.MustCompile(`<p class="counting-key" id="key">([0-9A-Z-]{69})</p>`).FindStringSubmatch(res.body)
		keyFile := download("counting-key-ballot-" + strconv.FormatInt(id, 10) + ".txt")
		if countingKey == nil || !strings.Contains(keyFile, countingKey[1]) || !strings.Contains(keyFile, "AGM 2024") {
			t.Fatalf("counting key %q, file %q", countingKey, keyFile)
		}
		code := ""
		for _, r := range rows[1:] {
			if r[0] == strconv.FormatInt(byCode.Number, 10) {
				code = r[4]
			}
		}
		b, err := soc.Ballot(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		motion, block, stv := b.Motions[0], b.Elections[0], b.Elections[1]
		mf, bf, sf := society.MotionField(motion.ID), society.ElectionField(block.ID), society.ElectionField(stv.ID)
		pref := func(i int) string {
			return "pref-" + strconv.FormatInt(stv.ID, 10) + "-" + strconv.FormatInt(stv.Candidates[i].ID, 10)
		}
		paper := url.Values{"cast": {"1"}, mf: {"for"}, bf: {strconv.FormatInt(block.Candidates[0].ID, 10)},
			pref(0): {"2"}, pref(2): {"1"}}
		badPaper := url.Values{mf: {"for"}, pref(0): {"1"}, pref(1): {"1"}}

		h.clock.Set(testStart.Add(2 * time.Hour))
		member := h.readerSession(t, reader.Email)
		ballotPath := "/account/ballots/" + strconv.FormatInt(id, 10)
		runScenarios(t, h, []scenario{
			{name: "a new code without a number", method: "POST", path: path + "/codes", token: sec, form: url.Values{"member": {"x"}},
				status: http.StatusUnprocessableEntity, want: []string{`id="member-error"`}},
			{name: "a new code for a non-elector", method: "POST", path: path + "/codes", token: sec, form: url.Values{"member": {"999"}},
				status: http.StatusUnprocessableEntity, want: []string{"was not on the register of members on 2024-11-01"}},
			{name: "editing an open ballot", method: "POST", path: path, token: sec, form: details,
				status: http.StatusUnprocessableEntity, want: []string{"only a draft can be changed"}},
			{name: "the member's ballots", path: "/account/ballots", token: member, status: http.StatusOK, want: []string{"AGM 2024", "You have not voted yet."}},
			{name: "the paper", path: ballotPath, token: member, status: http.StatusOK,
				want: []string{`<legend>To amend rule 12 (special resolution: needs 3/4`, `Preference for Dai Price`, `twenty years a reader`, `type="radio"`}},
			{name: "a preference twice", method: "POST", path: ballotPath, token: member, form: badPaper,
				status: http.StatusUnprocessableEntity, want: []string{`id="` + sf + `-error"`, "no number twice"}},
			{name: "no session", path: "/account/ballots", status: http.StatusSeeOther, location: "/account/signin"},
			{name: "another ballot", path: "/account/ballots/999", token: member, status: http.StatusNotFound},
			{name: "results before the close", path: path + "/results", token: sec, status: http.StatusOK, want: []string{"counted when the ballot closes"}, notWant: []string{"Ann Jones"}},
		})
		res = h.do(t, req{method: "POST", path: ballotPath, token: member, form: paper})
		m := receiptCode.FindStringSubmatch(res.body)
		if res.status != http.StatusOK || m == nil {
			t.Fatalf("vote: %d %s", res.status, errorSummaryOr(res.body))
		}
		receipt := m[1]
		checkPath := "/ballots/" + strconv.FormatInt(id, 10) + "/check"
		runScenarios(t, h, []scenario{
			{name: "voting again", method: "POST", path: ballotPath, token: member, form: paper,
				status: http.StatusUnprocessableEntity, plain: true, want: []string{"do not let a vote be changed"}},
			{name: "the receipt counts", method: "POST", path: checkPath, form: url.Values{"receipt": {receipt}}, status: http.StatusOK,
				want: []string{"Yes: a vote with this receipt is in the count."}, wantHeader: map[string]string{"Cache-Control": "no-store, private"}},
			{name: "another receipt", method: "POST", path: checkPath, form: url.Values{"receipt": {"AAAA-BBBB"}}, status: http.StatusOK,
				want: []string{"No vote with this receipt is in the count."}},
			{name: "an empty receipt", method: "POST", path: checkPath, form: url.Values{}, status: http.StatusUnprocessableEntity,
				want: []string{`id="receipt-error"`}},
			{name: "the code form", path: "/vote", status: http.StatusOK, want: []string{`<label for="code">`}},
			{name: "a forged code", method: "POST", path: "/vote", form: url.Values{"code": {"ABCD-EFGH-JKMN-PQRS"}},
				status: http.StatusUnprocessableEntity, want: []string{`id="code-error"`, "not a voting code"}},
			{name: "the code's paper", method: "POST", path: "/vote", form: url.Values{"code": {code}}, status: http.StatusOK,
				want: []string{`name="code" value="` + code + `"`, "Preference for Eira Hughes"}},
		})
		res = h.do(t, req{method: "POST", path: path + "/codes", token: sec, form: url.Values{"member": {strconv.FormatInt(byCode.Number, 10)}}})
		fresh := regexp.MustCompile(`New voting code for member \d+: ([0-9A-Z-]+)\.`).FindStringSubmatch(res.body)
		if res.status != http.StatusOK || fresh == nil {
			t.Fatalf("a new code: %d %s", res.status, errorSummaryOr(res.body))
		}
		if res := h.do(t, req{method: "POST", path: "/vote", form: url.Values{"code": {code}}}); res.status != http.StatusUnprocessableEntity {
			t.Fatalf("the replaced code: %d", res.status)
		}
		code = fresh[1]
		codePaper := url.Values{"code": {code}}
		for k, v := range paper {
			codePaper[k] = v
		}
		codePaper.Set(mf, "against")
		if res := h.do(t, req{method: "POST", path: "/vote", form: codePaper}); res.status != http.StatusOK || !receiptCode.MatchString(res.body) {
			t.Fatalf("vote with the code: %d %s", res.status, errorSummaryOr(res.body))
		}
		runScenarios(t, h, []scenario{
			{name: "the code again", method: "POST", path: "/vote", form: codePaper, status: http.StatusUnprocessableEntity,
				want: []string{"already been used"}},
			{name: "turnout", path: path + "/turnout", token: sec, status: http.StatusOK,
				want:    []string{"2 of 2 electors", "<td>" + strconv.FormatInt(linked.Number, 10) + "</td><td>online</td>"},
				notWant: []string{"Ann Jones", "against"}},
			{name: "closing early", method: "POST", path: path + "/close", token: sec, form: url.Values{"counting_key": {countingKey[1]}},
				status: http.StatusUnprocessableEntity, want: []string{"the ballot closes then"}},
		})
		h.clock.Set(testStart.Add(49 * time.Hour))
		sec = h.session(t, h.account(t, account.Secretary))
		runScenarios(t, h, []scenario{
			{name: "the close form", path: path, token: sec, status: http.StatusOK,
				want: []string{`<label for="counting_key">Counting key</label>`, `aria-describedby="counting_key-hint"`}},
			{name: "closing without the key", method: "POST", path: path + "/close", token: sec, form: url.Values{},
				status: http.StatusUnprocessableEntity, want: []string{`id="counting_key-error"`, `aria-invalid="true"`, "Give the ballot&#39;s counting key"}},
			{name: "closing with a key cut short", method: "POST", path: path + "/close", token: sec,
				form:   url.Values{"counting_key": {countingKey[1][:60]}},
				status: http.StatusUnprocessableEntity, want: []string{`id="counting_key-error"`, "that has 48", countingKey[1][:60]}},
			{name: "the results before the close", path: path + "/results", token: sec, status: http.StatusOK, notWant: []string{"Ann Jones</td><td>2"}},
			{name: "closing", method: "POST", path: path + "/close", token: sec, form: url.Values{"counting_key": {strings.ToLower(countingKey[1])}},
				status: http.StatusSeeOther, location: path + "/results"},
			{name: "voting after the close", method: "POST", path: "/vote", form: codePaper, status: http.StatusUnprocessableEntity,
				want: []string{"not open for voting"}},
			{name: "results", path: path + "/results", token: sec, status: http.StatusOK, want: []string{
				"2 papers from 2 electors", "To amend rule 12: not passed", "<td>1</td><td>1</td><td>0</td>",
				"<td>Ann Jones</td><td>2</td><td>elected</td>", "<td>Eira Hughes</td><td>2</td><td>elected 1 of 1</td>",
				"The count sheet, every stage", "Elected, in order of election: Eira Hughes"}},
		})
	})
}
