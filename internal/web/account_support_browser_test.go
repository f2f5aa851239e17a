package web_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/browsertest"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/money"
)

// TestAccountSupportAccessible: axe-core finds nothing on /account with a
// reader's monthly support, its forms and their payments, on a receipt,
// nor with a refused change.
func TestAccountSupportAccessible(t *testing.T) {
	d := dbtest.SQLite(t)
	h, _, five := supportersSite(t, d)
	reader := h.persona(t, account.Reader)
	addSubscription(t, d, reader.account, five, "sub_axe")
	gift, err := h.fund.Record(context.Background(), fund.Entry{Amount: money.Major(12, "GBP"), Method: fund.Cheque,
		DonorEmail: reader.account.Email, DonorName: "Rita Reader", RecordedBy: "treasurer@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	b := browsertest.New(t)
	b.Navigate(h.http.URL + "/signin")
	browsertest.Eval[bool](b, `document.cookie = "coopress_session=`+reader.token+`; path=/"; true`)
	if vs := b.Axe(h.http.URL + "/account"); len(vs) > 0 {
		t.Errorf("axe-core on /account with support: %d violations:\n%s", len(vs), browsertest.FormatViolations(vs))
	}
	if vs := b.Axe(h.http.URL + "/account/payments/" + strconv.FormatInt(gift.ID, 10)); len(vs) > 0 {
		t.Errorf("axe-core on a receipt: %d violations:\n%s", len(vs), browsertest.FormatViolations(vs))
	}
	b.Navigate(h.http.URL + "/account")
	browsertest.Eval[bool](b, `document.querySelector("form[action$='/change'] button").click(); true`)
	if vs := axeHere(t, b); len(vs) > 0 {
		t.Errorf("axe-core on /account with a refused change: %d violations:\n%s", len(vs), browsertest.FormatViolations(vs))
	}
}
