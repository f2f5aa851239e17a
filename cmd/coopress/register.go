package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/coopress/coopress/internal/society"
)

func init() {
	commands["register"] = &command{summary: "the register of members (s.30) as of a date; check", run: registerShow,
		about: "Replays the share ledger to the close of --as-of: every member admitted by then, former members\n" +
			"with the day they ceased. The register holds personal data: --out writes a file only its owner can read,\n" +
			"under a temporary name until it is whole, so an interrupted run leaves no half-written file.",
		subs: map[string]*command{
			"check": {summary: "prove the register equals the ledger's replay, agrees with the other registers and every rule holds", run: registerCheck},
			"import": {summary: "check, then with --confirm record, members from an existing register (CSV)", args: "FILE.csv",
				run: registerImport, about: "Every member keeps their number and admission day; their holding becomes one allotment that day.\n" +
					"Nothing is recorded while any line has a problem; a member already in the register is skipped,\n" +
					"so importing the same file twice records nothing twice. The columns: docs/society.md."},
		}}
	commands["annual-return"] = &command{summary: "the annual return's figures for a financial year", run: annualReturn}
}

func registerShow(ctx context.Context, inv *invocation, args []string) error {
	return showRegister(ctx, inv, args, "the register", registerWriters{
		text: func(s *society.Service, w io.Writer, day string) error { return writeRegisterText(ctx, s, w, day) },
		csv:  func(s *society.Service, w io.Writer, day string) error { return s.WriteCSV(ctx, w, day) },
		pdf: func(s *society.Service, w io.Writer, day string, o society.RegisterPDF) error {
			o.Progress = tenths(inv, "rows drawn")
			return s.WriteRegisterPDF(ctx, w, day, o)
		},
	})
}

// registerWriters are one register's writers, one a format; pdf is given
// the society's name, and may add the rest of what the PDF needs.
type registerWriters struct {
	text, csv func(s *society.Service, w io.Writer, day string) error
	pdf       func(s *society.Service, w io.Writer, day string, o society.RegisterPDF) error
}

// showRegister is a register command's body, the same for the register
// of members and of officers: --as-of (default today in the
// publication's zone), --format, and --out written whole or not at all.
// name is the register as the line after --out names it.
func showRegister(ctx context.Context, inv *invocation, args []string, name string, write registerWriters) error {
	c := newSocietyCLI(inv)
	asOf := c.fs.String("as-of", "", "the day, YYYY-MM-DD (default today)")
	format := c.fs.String("format", "text", "text, csv or pdf (pdf needs --out)")
	out := c.fs.String("out", "", "write to this file rather than the terminal")
	if err := c.parse(args); err != nil {
		return err
	}
	day := time.Now().In(c.cfg.Location).Format(time.DateOnly)
	if *asOf != "" {
		t, err := parseDay("--as-of", *asOf, c.cfg.Location)
		if err != nil {
			return err
		}
		day = t.Format(time.DateOnly)
	}
	switch {
	case *format != "text" && *format != "csv" && *format != "pdf":
		return fmt.Errorf("--format: %q is not one; choose text, csv or pdf", *format)
	case *format == "pdf" && *out == "":
		return errors.New("--format pdf needs --out FILE: a PDF is not for the terminal")
	}
	s, d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	w := inv.stdout
	var f *outFile
	if *out != "" {
		if f, err = createOut(*out); err != nil {
			return err
		}
		defer f.abort()
		w = f
	}
	switch *format {
	case "csv":
		err = write.csv(s, w, day)
	case "pdf":
		err = write.pdf(s, w, day, society.RegisterPDF{Society: c.cfg.SocietyName})
	default:
		err = write.text(s, w, day)
	}
	if err == nil {
		// Interrupted after the last row: the file is still not kept.
		err = ctx.Err()
	}
	if err != nil {
		return err
	}
	if f != nil {
		if err := f.commit(); err != nil {
			return err
		}
		fmt.Fprintf(inv.stdout, "wrote %s as of %s to %s\n", name, day, *out)
	}
	return nil
}

// tenths reports progress on stderr at each tenth of the total and at
// the end: "12000 of 100000 rows drawn (12%)".
func tenths(inv *invocation, what string) func(done, total int) {
	shown := -1
	return func(done, total int) {
		if total <= 0 {
			return
		}
		if step := done * 10 / total; step > shown || done == total {
			shown = step
			fmt.Fprintf(inv.stderr, "%d of %d %s (%d%%)\n", done, total, what, done*100/total)
		}
	}
}

// writeRegisterText writes the register as a table for a terminal.
func writeRegisterText(ctx context.Context, s *society.Service, out io.Writer, day string) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "Register of members as of %s\n\n", day)
	fmt.Fprintln(w, "NUMBER\tNAME\tCLASS\tADDRESS\tEMAIL (USE)\tSHARES\tPAID\tOTHER PROPERTY\tADMITTED\tCEASED")
	var current, former int
	var capital int64
	err := s.EachRow(ctx, day, func(r society.Row) error {
		email := "-"
		if r.Email != "" {
			email = r.Email + " (" + string(r.EmailUse) + ")"
		}
		ceased := "-"
		if r.CeasedOn != "" {
			ceased, former = r.CeasedOn, former+1
		} else {
			current++
		}
		capital += r.Paid
		_, err := fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", r.Number, r.Name, r.Class,
			strings.ReplaceAll(r.Address, "\n", ", "), email, r.Shares, s.Format(r.Paid), dash(r.OtherProperty), r.AdmittedOn, ceased)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s, %d former; share capital %s\n", plural(current, "member"), former, s.Format(capital))
	return w.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func registerCheck(ctx context.Context, inv *invocation, args []string) error {
	c := newSocietyCLI(inv)
	if err := c.parse(args); err != nil {
		return err
	}
	s, d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	r, err := s.Check(ctx)
	if err != nil {
		return err
	}
	w := inv.stdout
	fmt.Fprintf(w, "members %d (%d current), share entries %d\n", r.Members, r.Current, r.Entries)
	fmt.Fprintf(w, "append-only triggers: %s\n", strings.Join(r.Triggers, ", "))
	if !r.OK() {
		for _, p := range r.Problems {
			fmt.Fprintf(w, "PROBLEM: %s\n", p)
		}
		return fmt.Errorf("%d problems: the registers and the share ledger disagree, or a rule is broken", len(r.Problems))
	}
	fmt.Fprintln(w, "ok: the register equals the ledger's replay, the registers agree and every rule holds")
	return nil
}

func annualReturn(ctx context.Context, inv *invocation, args []string) error {
	c := newSocietyCLI(inv)
	year := c.fs.String("year", "", "the financial year, named by the year it ends in (required)")
	if err := c.parse(args); err != nil {
		return err
	}
	y, err := strconv.Atoi(strings.TrimSpace(*year))
	now := time.Now().In(c.cfg.Location).Year()
	switch {
	case *year == "":
		return errors.New("--year is required, e.g. --year 2025")
	case err != nil || y < 1900 || y > now+1:
		return fmt.Errorf("--year: %q is not a year from 1900 to %d", *year, now+1)
	}
	s, d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	a, err := s.AnnualReturn(ctx, y)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(inv.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "Annual return figures, financial year %s to %s\n\n", a.From, a.To)
	fmt.Fprintf(w, "members at the start\t%d\n", a.MembersStart)
	fmt.Fprintf(w, "members at the end\t%d\n", a.MembersEnd)
	fmt.Fprintf(w, "admitted in the year\t%d\n", a.Admitted)
	fmt.Fprintf(w, "ceased in the year\t%d\n", a.Ceased)
	fmt.Fprintf(w, "share capital at the start\t%s\n", s.Format(a.CapitalStart))
	fmt.Fprintf(w, "share capital at the end\t%s\n", s.Format(a.CapitalEnd))
	fmt.Fprintf(w, "shares issued\t%d\n", a.SharesIssued)
	fmt.Fprintf(w, "shares withdrawn\t%d\n", a.SharesWithdrawn)
	fmt.Fprintf(w, "shares cancelled\t%d\n", a.SharesCancelled)
	fmt.Fprintf(w, "shares passed to estates\t%d\n", a.SharesToEstates)
	return w.Flush()
}
