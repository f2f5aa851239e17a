package supporter

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/money"
	"github.com/coopress/coopress/internal/payment/paymenttest"
	"github.com/coopress/coopress/internal/valid"
)

// TestParseThanks: what a supporter may ask to have printed, and every
// refusal on its own field.
func TestParseThanks(t *testing.T) {
	long := strings.Repeat("x", maxThanks+1)
	for _, c := range []struct {
		name  string
		in    ThanksInput
		want  Thanks
		field string
	}{
		{"ticked with name and town", ThanksInput{On: "yes", Name: " Ann Lee ", Town: "Leeds"}, Thanks{On: true, Name: "Ann Lee", Town: "Leeds"}, ""},
		{"ticked, anonymous", ThanksInput{On: "on"}, Thanks{On: true}, ""},
		{"not ticked keeps the name unprinted", ThanksInput{Name: "Ann"}, Thanks{Name: "Ann"}, ""},
		{"exactly the longest name", ThanksInput{On: "yes", Name: long[1:]}, Thanks{On: true, Name: long[1:]}, ""},
		{"a box value no form sends", ThanksInput{On: "perhaps"}, Thanks{}, FieldThanks},
		{"name too long", ThanksInput{On: "yes", Name: long}, Thanks{}, FieldThanksName},
		{"town too long", ThanksInput{On: "yes", Town: long}, Thanks{}, FieldThanksTown},
		{"name not UTF-8", ThanksInput{On: "yes", Name: "Ann\xff"}, Thanks{}, FieldThanksName},
		{"town with a line break", ThanksInput{On: "yes", Town: "Leeds\nLS1"}, Thanks{}, FieldThanksTown},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseThanks(c.in)
			if c.field == "" {
				if err != nil || got != c.want {
					t.Fatalf("got %+v, %v; want %+v", got, err, c.want)
				}
				return
			}
			if ve, ok := valid.As(err); !ok || ve.Field != c.field {
				t.Fatalf("error %v; want one on %q", err, c.field)
			}
		})
	}
}

// TestSupporterThankedInTheColumn: a supporter who asked is thanked by
// name in the day's fund column for each payment; one who did not is
// counted unnamed; with the offer withdrawn nobody is named, whatever
// they chose. A change applies from the next payment only.
func TestSupporterThankedInTheColumn(t *testing.T) {
	for _, offered := range []bool{true, false} {
		t.Run(map[bool]string{true: "offered", false: "not offered"}[offered], func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) { thankedInTheColumn(t, d, offered) })
		})
	}
}

// thankedInTheColumn is one round of TestSupporterThankedInTheColumn.
func thankedInTheColumn(t *testing.T, d *db.DB, offered bool) {
	ctx := context.Background()
	m := newMoneyPath(t, d, pathOptions{columnThanks: offered})
	plan := seedPlan(t, d, "Monthly £5 "+map[bool]string{true: "a", false: "b"}[offered], 500, "month")
	tag := map[bool]string{true: "on", false: "off"}[offered]
	ann := seedJoin(t, d, plan, 500, "cs_ann_"+tag, "ann-"+tag+"@reader.test")
	bo := seedJoin(t, d, plan, 500, "cs_bo_"+tag, "bo-"+tag+"@reader.test")
	sub, err := getSubscription(ctx, d, "s.join_ref = $1", ann)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.svc.SetThanks(ctx, Owner{Email: "bo-" + tag + "@reader.test"}, sub.ID, Thanks{On: true}); err != ErrNotYours {
		t.Fatalf("another reader set Ann's thanks: %v", err)
	}
	if _, err := m.svc.SetThanks(ctx, Owner{Email: "ann-" + tag + "@reader.test"}, sub.ID, Thanks{On: true, Name: "Ann Lee", Town: "Leeds"}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().Add(-time.Minute)
	bodies := [][]byte{
		checkoutDone("evt_a1"+tag, "cs_ann_"+tag, "sub_ann_"+tag, ann, now),
		checkoutDone("evt_b1"+tag, "cs_bo_"+tag, "sub_bo_"+tag, bo, now),
		invoice("invoice.paid", "evt_a2"+tag, "in_ann_"+tag, "pi_ann_"+tag, "sub_ann_"+tag, ann, 500, now),
		invoice("invoice.paid", "evt_b2"+tag, "in_bo_"+tag, "pi_bo_"+tag, "sub_bo_"+tag, bo, 500, now),
	}
	for _, b := range bodies {
		m.deliver(t, b)
	}
	paymenttest.WaitApplied(t, d, len(bodies), 10*time.Second)
	e, err := m.fund.EntryByRef(ctx, "pi_ann_"+tag)
	if err != nil {
		t.Fatal(err)
	}
	if e.Public != offered || (offered && (e.PublicName != "Ann Lee" || e.DonorTown != "Leeds")) {
		t.Fatalf("offered %v: Ann's payment recorded public=%v as %q of %q", offered, e.Public, e.PublicName, e.DonorTown)
	}
	col, err := m.fund.DailyColumn(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	text := col.Text()
	if got := strings.Contains(text, "£5 from Ann Lee, Leeds"); got != offered {
		t.Fatalf("offered %v: Ann thanked by name %v in:\n%s", offered, got, text)
	}
	if strings.Contains(text, "Ann Reader") || strings.Contains(text, "bo-") {
		t.Fatalf("a supporter who did not ask is named:\n%s", text)
	}
	if offered {
		// Unticking stops the thanks from the next payment; the
		// printed one stays as it was recorded.
		if _, err := m.svc.SetThanks(ctx, Owner{Email: "ann-on@reader.test"}, sub.ID, Thanks{Name: "Ann Lee"}); err != nil {
			t.Fatal(err)
		}
		m.deliver(t, invoice("invoice.paid", "evt_a3on", "in_ann2_on", "pi_ann2_on", "sub_ann_on", ann, 500, now))
		paymenttest.WaitApplied(t, d, len(bodies)+1, 10*time.Second)
		if e, err := m.fund.EntryByRef(ctx, "pi_ann2_on"); err != nil || e.Public {
			t.Fatalf("the payment after unticking: public=%v (%v)", e.Public, err)
		}
		if e, _ := m.fund.EntryByRef(ctx, "pi_ann_on"); !e.Public {
			t.Fatal("unticking changed the thanks of a payment already recorded")
		}
	}
}

// TestStandingOrderThanks: a standing order recorded with the
// supporter's wish gives ledger entries thanked by name, only while the
// paper offers it.
func TestStandingOrderThanks(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	m := newMoneyPath(t, d, pathOptions{})
	now := time.Now()
	so := NewStandingOrders(d, m.fund, time.UTC, time.Now)
	o, err := so.AddStandingOrder(ctx, OrderInput{Name: "Cal Bank", Amount: "10", Frequency: "monthly", Reference: "CAL-BANK-1",
		StartedOn: now.Format(dayLayout), Thanks: ThanksInput{On: "yes", Name: "Cal", Town: "Oxford"}}, "treasurer@paper.test")
	if err != nil {
		t.Fatal(err)
	}
	if o, err = so.StandingOrder(ctx, o.ID); err != nil || o.Thanks != (Thanks{On: true, Name: "Cal", Town: "Oxford"}) {
		t.Fatalf("stored thanks %+v (%v)", o.Thanks, err)
	}
	line := StatementLine{Day: now, Amount: money.New(1000, "GBP"), Fingerprint: "f1"}
	if e := so.gift(line, o, "t"); e.Public {
		t.Fatal("thanked while the paper does not offer it")
	}
	if e := so.ThankInColumn(true).gift(line, o, "t"); !e.Public || e.PublicName != "Cal" || e.DonorTown != "Oxford" {
		t.Fatalf("offered: entry public=%v %q %q", e.Public, e.PublicName, e.DonorTown)
	}
}
