package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/media"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/supporter"
)

// matrixObjects makes one real object of each kind the staff paths name:
// an account, an image, an author profile, a ledger entry, a held
// conflict, a standing order, a waiting statement line, and drafts by
// writer on demand.
func (h *harness) matrixObjects(t *testing.T, writer account.Account) matrixObjects {
	t.Helper()
	ctx := context.Background()
	var o matrixObjects
	o.account = h.person(t, "target@example.org", account.Writer).ID
	im, err := h.images.Upload(ctx, bytes.NewReader(testJPEG(t, 600, 400)), "matrix.jpg", media.Meta{Alt: "A view"}, account.Actor{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	o.image = im.ID
	res := h.do(t, req{method: "POST", path: "/admin/authors", token: h.session(t, h.person(t, "profiles@example.org", account.Editor)),
		form: url.Values{"name": {"Matrix Author"}}})
	m := authorSavedRE.FindStringSubmatch(res.header.Get("Location"))
	if m == nil {
		t.Fatalf("author profile: %d %s", res.status, errorSummary(res.body))
	}
	o.author, _ = strconv.ParseInt(m[1], 10, 64)
	b, err := h.fund.RecordBatch(ctx, []fund.Entry{{Amount: money.Major(5, "GBP"), Method: fund.Cash, RecordedBy: "test"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	o.entry = b.Recorded[0].ID
	// A held conflict: the same card reference credited again at another
	// amount is held for the treasurer, not recorded.
	card := fund.Entry{Amount: money.Major(1, "GBP"), Method: fund.Card, ProviderRef: "pi_matrix", RecordedBy: fund.ProviderRecorder}
	if _, err := h.fund.Record(ctx, card); err != nil {
		t.Fatal(err)
	}
	card.Amount = money.Major(500, "GBP")
	if _, err := h.fund.Record(ctx, card); err == nil {
		t.Fatal("a conflicting credit was recorded")
	}
	holds, err := h.fund.OpenHolds(ctx)
	if err != nil || len(holds) != 1 {
		t.Fatalf("open holds %v (%v), want one", holds, err)
	}
	o.hold = holds[0].ID
	so, err := h.standing.AddStandingOrder(ctx, supporter.OrderInput{Name: "Matrix Supporter", Amount: "5",
		Frequency: "monthly", Reference: "MATRIX-1"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	o.standingOrder = so.ID
	st, err := supporter.ParseStatement(strings.NewReader("Date,Description,Amount\n2024-11-01,A STRANGER,9.00\n"), "GBP", time.UTC, h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.standing.Confirm(ctx, st, "test", nil); err != nil {
		t.Fatal(err)
	}
	waiting, err := h.standing.WaitingLines(ctx)
	if err != nil || len(waiting) != 1 {
		t.Fatalf("waiting lines %v, %v", waiting, err)
	}
	o.waitingLine = waiting[0].ID
	token := h.session(t, writer)
	n := 0
	o.draft = func() (int64, int64) {
		n++
		return h.draftBy(t, token, fmt.Sprintf("Matrix draft %d", n))
	}
	return o
}

// draftBy creates a draft as the session token's writer and returns its id
// and its first revision's.
func (h *harness) draftBy(t *testing.T, token, headline string) (int64, int64) {
	t.Helper()
	id, _ := strconv.ParseInt(h.create(t, token, h.articleValues(t, headline, "Body of "+headline)), 10, 64)
	revs, err := h.articles.Revisions(context.Background(), id)
	if err != nil || len(revs) == 0 {
		t.Fatalf("revisions of %d: %v %v", id, revs, err)
	}
	return id, revs[0].ID
}

// checkOwnership is the matrix's ownership rows: writer, allowed on every
// newsroom route, still may not change another writer's draft or
// submission, nor move it through the workflow; its owner may.
func (h *harness) checkOwnership(t *testing.T, writer account.Account, o matrixObjects) {
	t.Helper()
	other := h.session(t, h.person(t, "w2@example.org", account.Writer))
	theirs, _ := h.draftBy(t, other, "Someone else's draft")
	p := "/admin/articles/" + strconv.FormatInt(theirs, 10)
	mine := h.session(t, writer)
	edit := h.articleValues(t, "Taken over", "Rewritten by another writer")
	refused := func(method, path string, form url.Values) scenario {
		return scenario{name: "another writer's draft: " + method + " " + path, method: method, path: path, token: mine, form: form,
			status: http.StatusForbidden}
	}
	scenarios := []scenario{
		refused("POST", p, edit),
		refused("POST", p+"/submit", url.Values{}),
		{name: "its owner submits it", method: "POST", path: p + "/submit", token: other, form: url.Values{}, status: http.StatusSeeOther},
		refused("POST", p+"/draft", url.Values{}),
		refused("POST", p, edit),
	}
	runScenarios(t, h, scenarios)
	if a, err := h.articles.ByID(context.Background(), theirs); err != nil || a.Headline != "Someone else's draft" {
		t.Errorf("after the refusals the draft is %q (%v), want it as its owner wrote it", a.Headline, err)
	}
}
