package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/jobs"
	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/society"
)

func init() {
	subs := commands["ballot"].subs
	subs["papers"] = &command{summary: "postal ballot papers as a PDF, one per elector who has not voted", run: ballotPapers,
		about: "Voting codes are kept only as hashes, so each paper carries a fresh code and the member's code from\n" +
			"the opening stops working. By default papers go to the electors with no email address the register\n" +
			"lets the society use (their code went by post anyway); --all gives every elector who has not voted a\n" +
			"paper. The file is written whole or not at all (a temporary file renamed at the end); progress on stderr."}
	subs["remind"] = &command{summary: "email a reminder to every elector who has not voted", run: ballotRemind,
		about: "Queues one mail per member with an email address the register lets the society use for notices,\n" +
			"through the mail outbox (SMTP settings needed); a member gets each --round at most once, however often\n" +
			"it is run. The mail carries no voting code."}
}

// societyPDF is what the society's PDFs and mails print from the
// configuration.
func societyPDF(c *societyCLI) society.PDFOptions {
	o := society.PDFOptions{Society: c.cfg.SiteName, Location: c.cfg.Location}
	if c.cfg.BaseURL != "" {
		o.VoteURL = strings.TrimRight(c.cfg.BaseURL, "/") + "/vote"
	}
	return o
}

func ballotPapers(ctx context.Context, inv *invocation, args []string) error {
	c := newSocietyCLI(inv)
	id := c.fs.Int64("id", 0, "the ballot's id, from `coopress ballot list` (required)")
	out := c.fs.String("out", "", "the PDF file to write (required)")
	all := c.fs.Bool("all", false, "a paper for every elector who has not voted, not only those without email")
	if err := c.parse(args); err != nil {
		return err
	}
	if *id <= 0 {
		return fmt.Errorf("--id: give the ballot's id, from `coopress ballot list`")
	}
	if *out == "" {
		return fmt.Errorf("--out: give the PDF file to write, such as papers.pdf")
	}
	s, d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	o := societyPDF(c)
	o.Progress = func(done, total int) {
		if done%500 == 0 || done == total {
			fmt.Fprintf(inv.stderr, "papers: %d of %d pages\n", done, total)
		}
	}
	b, codes, err := s.PostalCodes(ctx, *id, *all, account.Actor{Name: "coopress ballot papers"})
	if err != nil {
		return inSocietyFlags(err, "--id")
	}
	if len(codes) == 0 {
		return fmt.Errorf("ballot %d: no papers to print: every elector has voted or has an email address (--all prints for them too)", *id)
	}
	if err := writeWhole(*out, func(w io.Writer) error { return society.WritePapers(w, b, codes, o) }); err != nil {
		return err
	}
	fmt.Fprintf(inv.stdout, "%d papers written to %s; the members' earlier codes no longer work\n", len(codes), *out)
	return nil
}

// writeWhole writes a file through fill into a temporary file beside it,
// renamed over path only once complete: an interrupted or failed run
// leaves no half file under the name.
func writeWhole(path string, fill func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := fill(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	done = true
	return nil
}

func ballotRemind(ctx context.Context, inv *invocation, args []string) error {
	c := newSocietyCLI(inv)
	id := c.fs.Int64("id", 0, "the ballot's id, from `coopress ballot list` (required)")
	round := c.fs.Int("round", 0, "the reminder round, from 1; each member gets a round once (default: the next round)")
	if err := c.parse(args); err != nil {
		return err
	}
	if *id <= 0 {
		return fmt.Errorf("--id: give the ballot's id, from `coopress ballot list`")
	}
	if !c.cfg.MailEnabled() {
		return fmt.Errorf("no mail is sent without an SMTP server: set COOPRESS_SMTP_HOST (docs/operations.md)")
	}
	s, d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	jc, err := jobs.NewClient(d, slog.New(slog.NewTextHandler(io.Discard, nil)), nil, jobs.Options{})
	if err != nil {
		return err
	}
	if *round == 0 {
		if *round, err = s.NextRound(ctx, *id); err != nil {
			return err
		}
	}
	base := strings.TrimRight(c.cfg.BaseURL, "/")
	n, err := s.Remind(ctx, *id, *round, mail.NewOutbox(d, jc, nil), society.Reminder{Society: c.cfg.SiteName,
		VoteURL: base + "/account/ballots", CodeURL: base + "/vote"}, account.Actor{Name: "coopress ballot remind"})
	if err != nil {
		return inSocietyFlags(err, "--id")
	}
	fmt.Fprintf(inv.stdout, "reminder round %d: %d queued\n", *round, n)
	return nil
}

// writeTallyPDF writes a closed ballot's results as the scrutineer's
// report to path, whole or not at all, for `ballot tally --format pdf`.
func writeTallyPDF(ctx context.Context, c *societyCLI, r society.Results, path string) error {
	if path == "" {
		return fmt.Errorf("--out: give the PDF file to write, such as results.pdf")
	}
	s, d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	ms, err := s.Meetings(ctx, r.Ballot.ID)
	if err != nil {
		return err
	}
	if err := writeWhole(path, func(w io.Writer) error { return society.WriteResultsPDF(w, r, ms, societyPDF(c)) }); err != nil {
		return err
	}
	fmt.Fprintf(c.inv.stdout, "results of ballot %d written to %s\n", r.Ballot.ID, path)
	return nil
}
