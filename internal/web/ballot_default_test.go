package web_test

import (
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/web"
)

// TestBallotAllowChangeDefault: the new ballot form starts with "online
// voters may change their vote" ticked only where the paper's setting
// (COOPRESS_BALLOT_ALLOW_CHANGE) says its rules allow it.
func TestBallotAllowChangeDefault(t *testing.T) {
	for _, allow := range []bool{false, true} {
		h := newHarness(t, dbtest.SQLite(t), withStaff(), withDeps(func(deps *web.Deps) { deps.BallotAllowChange = allow }))
		res := h.do(t, req{path: "/admin/ballots", token: h.as(t, account.Secretary)})
		i := strings.Index(res.body, `id="allow_change"`)
		if res.status != 200 || i < 0 {
			t.Fatalf("setting %v: %d, no allow_change box:\n%s", allow, res.status, res.body)
		}
		box := res.body[i : i+strings.Index(res.body[i:], ">")]
		if got := strings.Contains(box, "checked"); got != allow {
			t.Errorf("setting %v: the box is ticked %v: %s", allow, got, box)
		}
	}
}
