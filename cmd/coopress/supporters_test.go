package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/supporter"
)

// TestSupportersList lists standing-order supporters by status, with
// what their imported payments show, on both engines.
func TestSupportersList(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		ctx := context.Background()
		d := openStore(t, store)
		so := supporter.NewStandingOrders(d, fund.New(d, time.UTC, time.Now), time.UTC, time.Now)
		add := func(name, ref, started string) supporter.StandingOrder {
			o, err := so.AddStandingOrder(ctx, supporter.OrderInput{Name: name, Amount: "5", Frequency: "monthly",
				Reference: ref, StartedOn: started}, "test")
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		today := time.Now().UTC().Format("2006-01-02")
		add("Anna Jones", "ANNA-1", today)
		add("Ben Smith", "BEN-1", "2024-01-01") // nothing paid since: failing
		carl := add("Carl Brown", "CARL-1", "2024-01-01")
		if _, err := so.LapseStandingOrder(ctx, carl.ID, "test"); err != nil {
			t.Fatal(err)
		}
		st, err := supporter.ParseStatement(strings.NewReader("Date,Description,Amount\n"+today+",ANNA 1,5.00\n"), "GBP", time.UTC, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := so.Confirm(ctx, st, "test", nil); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			status        string
			code          int
			want, notWant []string
			wantErr       string
		}{
			{"", 0, []string{"NAME", "Anna Jones", "£5", "monthly", "ANNA-1", "active", today, "Ben Smith", "active (overdue)", "Carl Brown", "3 standing orders"}, nil, ""},
			{"lapsed", 0, []string{"Carl Brown", "1 standing order\n"}, []string{"Anna", "Ben"}, ""},
			{"failing", 0, []string{"Ben Smith", "1 standing order\n"}, []string{"Anna", "Carl"}, ""},
			{"cancelled", 0, []string{"0 standing orders"}, []string{"Anna"}, ""},
			{"weekly", 1, nil, nil, "--status: Choose active, lapsed, cancelled or failing"},
		} {
			var out, errOut bytes.Buffer
			args := append([]string{"supporters", "list"}, store...)
			if tc.status != "" {
				args = append(args, "--status", tc.status)
			}
			code := run(ctx, args, &out, &errOut)
			if code != tc.code || !strings.Contains(errOut.String(), tc.wantErr) {
				t.Fatalf("--status %q: exit %d, stderr %q", tc.status, code, errOut.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("--status %q: stdout lacks %q:\n%s", tc.status, w, out.String())
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(out.String(), w) {
					t.Errorf("--status %q: stdout has %q:\n%s", tc.status, w, out.String())
				}
			}
		}
	})
}
