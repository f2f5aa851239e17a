package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
)

// TestSecretarySuspendsWithdrawals: the secretary records the board's
// suspension with an end on the withdrawals page (a start in the past,
// an end before the start and an overlap refused beside their fields,
// nothing recorded), moves its end (an end in the past refused beside
// that suspension's field), and the member's page and the secretary's
// show its days as people write them.
func TestSecretarySuspendsWithdrawals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var soc *society.Service
		h := newHarness(t, d, withStaff(), withRulesSociety(t, d, &soc, func(r *society.Rules) {}))
		secretary := h.as(t, account.Secretary)
		reader := h.persona(t, account.Reader)
		m := admitMember(t, soc, "Sam Saver", 50)
		if err := soc.Link(context.Background(), m.Number, reader.account.ID, account.Actor{Name: "secretary"}); err != nil {
			t.Fatal(err)
		}
		const path = "/admin/register/withdrawals/suspensions"
		form := func(starts, ends, res string) url.Values {
			return url.Values{"starts_on": {starts}, "ends_on": {ends}, "resolution": {res}}
		}
		runScenarios(t, h, []scenario{
			{name: "start in the past", method: "POST", path: path, token: secretary, form: form("2024-11-01", "", "2024/9"),
				status: http.StatusUnprocessableEntity, want: []string{`id="starts_on-error"`, "starts today (2024-11-06) or later"}},
			{name: "end before start", method: "POST", path: path, token: secretary, form: form("2024-12-01", "2024-11-20", "2024/9"),
				status: http.StatusUnprocessableEntity, want: []string{`id="ends_on-error"`, "The end must be after the start"}},
			{name: "no resolution", method: "POST", path: path, token: secretary, form: form("2024-12-01", "", ""),
				status: http.StatusUnprocessableEntity, want: []string{`id="resolution-error"`}},
			{name: "nothing recorded", path: "/admin/register/withdrawals", token: secretary, status: 200,
				want: []string{"No suspension has been recorded."}},
			{name: "suspend", method: "POST", path: path, token: secretary, form: form("2024-12-01", "2025-03-01", "2024/9"),
				status: http.StatusSeeOther, location: "/admin/register/withdrawals?done=suspended"},
			{name: "shown", path: "/admin/register/withdrawals?done=suspended", token: secretary, status: 200,
				want: []string{"The suspension of withdrawals is recorded.", "suspended withdrawals from 1 December 2024 until 1 March 2025",
					`<th scope="row">from 1 December 2024 until 1 March 2025</th>`, `for="ends_on-1"`}},
			{name: "overlap", method: "POST", path: path, token: secretary, form: form("2025-02-01", "", "2024/10"),
				status: http.StatusUnprocessableEntity, want: []string{`id="ends_on-error"`, "suspended already from 1 December 2024"}},
			{name: "member's page", path: "/account/membership", token: reader.token, status: 200,
				want: []string{"suspended withdrawals from 1 December 2024 until 1 March 2025", "waits until the suspension ends"}},
			{name: "end in the past", method: "POST", path: path + "/1/end", token: secretary,
				form: url.Values{"ends_on-1": {"2024-10-01"}, "resolution-1": {"2024/11"}}, status: http.StatusUnprocessableEntity,
				want: []string{`id="ends_on-1-error"`, "cannot be in the past"}},
			{name: "a new end", method: "POST", path: path + "/1/end", token: secretary,
				form: url.Values{"ends_on-1": {"2025-01-15"}, "resolution-1": {"2024/11"}}, status: http.StatusSeeOther},
			{name: "the new end shown", path: "/admin/register/withdrawals", token: secretary, status: 200,
				want: []string{"from 1 December 2024 until 15 January 2025"}, notWant: []string{"until 1 March 2025"}},
			{name: "the replaced one cannot change", method: "POST", path: path + "/1/end", token: secretary,
				form: url.Values{"ends_on-1": {"2025-01-20"}, "resolution-1": {"2024/12"}}, status: http.StatusUnprocessableEntity,
				want: []string{`id="suspension-error"`, "no suspension 1 in force"}},
			{name: "treasurer refused", method: "POST", path: path, as: account.Treasurer, form: form("2024-12-01", "", "x"),
				status: http.StatusForbidden},
		})
	})
}
