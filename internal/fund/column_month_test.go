package fund_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/valid"
)

// MonthColumns gives, from one query, exactly the columns DailyColumn
// gives day by day: across the end of summer time, at both edges of the
// month, and with gifts reversed on another day.
func TestMonthColumnsMatchDailyColumns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		loc := london(t)
		when := func(mon time.Month, day, h, m int) time.Time { return time.Date(2024, mon, day, h, m, 0, 0, loc) }
		gifts := []fund.Entry{
			gift(11, fund.Cash, at(when(time.September, 30, 23, 59))), // the month before
			gift(12, fund.Cheque, at(when(time.October, 1, 0, 0)), public("", "Hull")),
			gift(13, fund.Card, at(when(time.October, 1, 0, 30)), public("A B", "")),
			// Summer time ends at 02:00 on 27 October: a 25-hour day.
			gift(14, fund.Card, at(when(time.October, 27, 0, 30)), public("", "Ely")),
			gift(15, fund.StandingOrder, at(when(time.October, 27, 1, 30))),
			gift(16, fund.Cash, at(when(time.October, 27, 23, 30)), public("C D", "Leeds")),
			gift(17, fund.PostalOrder, at(when(time.October, 28, 0, 0))),
			gift(18, fund.BankTransfer, at(when(time.October, 31, 23, 59)), public("", "Oxford")),
			gift(19, fund.Cash, at(when(time.November, 1, 0, 0))), // the month after
		}
		var ids []int64
		for _, g := range gifts {
			e, err := s.Record(ctx, g)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, e.ID)
		}
		// One gift reversed on its own day, one on a later day.
		c.Set(when(time.October, 27, 23, 45))
		if _, err := s.Reverse(ctx, ids[3], "refund", "t"); err != nil {
			t.Fatal(err)
		}
		c.Set(when(time.November, 6, 10, 0))
		if _, err := s.Reverse(ctx, ids[1], "bounced", "t"); err != nil {
			t.Fatal(err)
		}
		cols, err := s.MonthColumns(ctx, "2024-10")
		if err != nil {
			t.Fatal(err)
		}
		if len(cols) != 31 {
			t.Fatalf("%d columns for October", len(cols))
		}
		for i, col := range cols {
			want, err := s.DailyColumn(ctx, when(time.October, i+1, 12, 0))
			if err != nil {
				t.Fatal(err)
			}
			if !col.Date.Equal(want.Date) || col.Take != want.Take || !reflect.DeepEqual(col.Groups, want.Groups) {
				t.Errorf("%d October: month gives %+v\nthe day gives %+v", i+1, col, want)
			}
		}
		for day, take := range map[int]int64{1: 25, 27: 14 + 15 + 16 - 14, 28: 17, 31: 18, 2: 0} {
			if got := cols[day-1].Take; got != gbp(take) {
				t.Errorf("%d October take %s, want £%d", day, got, take)
			}
		}
		if got := cols[26].Text(); got != "Fighting fund, Sunday 27 October 2024: £31 today.\n"+
			"By post (£16): £16 from C D, Leeds.\nStanding orders and bank transfers (£15): £15 from a reader.\n" {
			t.Errorf("27 October:\n%s", got)
		}
		if got := cols[0].Text(); got != "Fighting fund, Tuesday 1 October 2024: £25 today.\nOnline (£13): £13 from A B.\n" {
			t.Errorf("1 October, its cheque reversed in November:\n%s", got)
		}
		empty, err := s.MonthColumns(ctx, "2023-02")
		if err != nil || len(empty) != 28 || empty[27].Take != gbp(0) || len(empty[27].Groups) != 0 {
			t.Fatalf("a month without gifts: %d columns, %v", len(empty), err)
		}
		if _, err := s.MonthColumns(ctx, "2024-13"); err == nil {
			t.Fatal("a month that does not exist gave columns")
		} else if v, ok := valid.As(err); !ok || v.Field != "month" {
			t.Fatalf("a bad month: %v", err)
		}
	})
}
