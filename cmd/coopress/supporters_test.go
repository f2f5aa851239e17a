package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
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

// TestSupportersExport: every supporter in one CSV (standing orders
// included), typed text defused for spreadsheets, the file readable by its
// owner only and never overwritten.
func TestSupportersExport(t *testing.T) {
	fundStores(t, func(t *testing.T, store []string) {
		ctx := context.Background()
		d := openStore(t, store)
		so := supporter.NewStandingOrders(d, fund.New(d, time.UTC, time.Now), time.UTC, time.Now)
		for _, name := range []string{"Anna Jones", "=HYPERLINK(\"http://evil.example\")"} {
			if _, err := so.AddStandingOrder(ctx, supporter.OrderInput{Name: name, Amount: "12.50", Frequency: "monthly",
				Reference: "REF-" + name[:4], StartedOn: "2024-01-01"}, "test"); err != nil {
				t.Fatal(err)
			}
		}
		file := filepath.Join(t.TempDir(), "supporters.csv")
		var out, errOut bytes.Buffer
		if code := run(ctx, append([]string{"supporters", "export", file}, store...), &out, &errOut); code != 0 ||
			!strings.Contains(out.String(), "0 subscriptions and 2 standing orders") {
			t.Fatalf("export: exit %d %q %q", code, out.String(), errOut.String())
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		got := string(b)
		for _, want := range []string{strings.Join(supporter.ExportHeader(), ","), "standing-order,", "Anna Jones", ",12.50,GBP,monthly,standing-order,active,,,2024-01-01,REF-Anna",
			`"'=HYPERLINK(""http://evil.example"")"`} {
			if !strings.Contains(got, want) {
				t.Errorf("export lacks %q:\n%s", want, got)
			}
		}
		if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("file mode %v %v, want 0600", st.Mode().Perm(), err)
		}
		out.Reset()
		errOut.Reset()
		if code := run(ctx, append([]string{"supporters", "export", file}, store...), &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "already exists") {
			t.Errorf("second export onto the same file: exit %d %q", code, errOut.String())
		}
	})
}
