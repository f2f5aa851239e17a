package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/society"
)

func init() {
	commands["ballot"] = &command{summary: "the members' ballots: list, close, tally, blt", subs: map[string]*command{
		"list": {summary: "every ballot with its times, status, electorate and turnout", run: ballotList},
		"close": {summary: "close a ballot whose voting time has passed, opening its sealed papers", run: ballotClose,
			about: "A ballot opened sealed (the web form's default) needs the counting key given at its opening: --key-file\n" +
				"names the file downloaded then, or any text file with the key's 14 groups of four on a line. A missing\n" +
				"or wrong key, or a paper altered since it was cast, is refused and nothing changes. The close opens every\n" +
				"paper and rewrites them all, in clear, in the order of their random keys (docs/ballots.md, Secrecy)."},
		"tally": {summary: "a closed ballot's results: motions and elections", run: ballotTally,
			about: "Counts only once the ballot has closed; before, it refuses, so no running count exists.\n" +
				"Motions pass by their rule (ordinary: more for than against; special: at least the fraction set);\n" +
				"block votes elect the most votes, and candidates level for the last seats are shown as tied;\n" +
				"STV elections are counted by the Scottish STV rules with the count sheet, every stage. Lots are drawn\n" +
				"from the SHA-256 of the election's BLT file, so `ballot blt` then `coopress stv count` repeats the count."},
		"blt": {summary: "an election's papers in the BLT format, for any STV counting program", run: ballotBLT,
			about: "Writes the papers of a closed ballot's election, identical papers grouped, in a sorted order\n" +
				"that says nothing of when they were cast; `coopress stv count FILE.blt` counts it."},
	}}
}

func ballotList(ctx context.Context, inv *invocation, args []string) error {
	c := newSocietyCLI(inv)
	if err := c.parse(args); err != nil {
		return err
	}
	s, d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	bs, err := s.Ballots(ctx)
	if err != nil {
		return err
	}
	if len(bs) == 0 {
		fmt.Fprintln(inv.stdout, "no ballots")
		return nil
	}
	w := tabwriter.NewWriter(inv.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "id\ttitle\topens\tcloses\trecord date\tstatus\telectors\tvoted")
	for _, b := range bs {
		t, err := s.Turnout(ctx, b.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%d\n", b.ID, b.Title,
			b.OpensAt.In(c.cfg.Location).Format("2006-01-02 15:04"), b.ClosesAt.In(c.cfg.Location).Format("2006-01-02 15:04"),
			b.RecordDate, b.Status, b.Electors, len(t.Voters))
	}
	return w.Flush()
}

func ballotClose(ctx context.Context, inv *invocation, args []string) error {
	c := newSocietyCLI(inv)
	id := c.fs.Int64("id", 0, "the ballot's id, from `coopress ballot list` (required)")
	keyFile := c.fs.String("key-file", "", "the counting key's file, for a sealed ballot")
	if err := c.parse(args); err != nil {
		return err
	}
	if *id <= 0 {
		return fmt.Errorf("--id: give the ballot's id, from `coopress ballot list`")
	}
	var key society.CountingKey
	if *keyFile != "" {
		raw, err := os.ReadFile(*keyFile)
		if err != nil {
			return fmt.Errorf("--key-file: %w", err)
		}
		if key, err = society.ParseCountingKey(string(raw)); err != nil {
			return inSocietyFlags(err, "")
		}
	}
	s, d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := s.CloseBallot(ctx, *id, key, account.Actor{Name: recordedBy()}); err != nil {
		return inSocietyFlags(err, "")
	}
	fmt.Fprintf(inv.stdout, "closed ballot %d; count it with `coopress ballot tally --id %d`\n", *id, *id)
	return nil
}

// ballotResults parses --id and counts the ballot; more adds flags.
func ballotResults(ctx context.Context, inv *invocation, args []string, more func(*societyCLI)) (society.Results, error) {
	c := newSocietyCLI(inv)
	id := c.fs.Int64("id", 0, "the ballot's id, from `coopress ballot list` (required)")
	if more != nil {
		more(c)
	}
	if err := c.parse(args); err != nil {
		return society.Results{}, err
	}
	if *id <= 0 {
		return society.Results{}, fmt.Errorf("--id: give the ballot's id, from `coopress ballot list`")
	}
	s, d, err := c.open(ctx)
	if err != nil {
		return society.Results{}, err
	}
	defer d.Close()
	r, err := s.Tally(ctx, *id)
	if err != nil {
		return r, inSocietyFlags(err, "--id")
	}
	return r, nil
}

func ballotTally(ctx context.Context, inv *invocation, args []string) error {
	var format, out *string
	var c *societyCLI
	r, err := ballotResults(ctx, inv, args, func(sc *societyCLI) {
		c = sc
		format = c.fs.String("format", "text", "text, csv or pdf (the scrutineer's report, with --out)")
		out = c.fs.String("out", "", "the file for --format pdf")
	})
	if err != nil {
		return err
	}
	switch *format {
	case "text":
		return writeTallyText(inv.stdout, r)
	case "csv":
		return society.WriteResultsCSV(inv.stdout, r)
	case "pdf":
		return writeTallyPDF(ctx, c, r, *out) // ballot_papers.go
	}
	return fmt.Errorf("--format: %q is not one; choose text, csv or pdf", *format)
}

func ballotBLT(ctx context.Context, inv *invocation, args []string) error {
	var election *int
	r, err := ballotResults(ctx, inv, args, func(c *societyCLI) {
		election = c.fs.Int("election", 1, "which election of the ballot, counting from 1")
	})
	if err != nil {
		return err
	}
	if *election < 1 || *election > len(r.Elections) {
		return fmt.Errorf("--election: ballot %d has %s", r.Ballot.ID, plural(len(r.Elections), "election"))
	}
	return r.Elections[*election-1].WriteBLT(inv.stdout)
}

func writeTallyText(out io.Writer, r society.Results) error {
	fmt.Fprintf(out, "%s — %s\n%d papers; by channel: online %d, postal %d, meeting %d; electorate %d\n\n",
		r.Ballot.Title, r.Ballot.Meeting, r.Papers, r.Turnout[society.Online], r.Turnout[society.Postal],
		r.Turnout[society.Meeting], r.Ballot.Electors)
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	last := ""
	for _, row := range society.ResultRows(r) {
		if head := row[0] + ": " + row[1]; head != last {
			fmt.Fprintln(w, head)
			last = head
		}
		fmt.Fprintf(w, "  %s\t%s\t%s\n", row[2], row[3], row[4])
	}
	if err := w.Flush(); err != nil {
		return err
	}
	// The STV count sheets, every stage, after the summary.
	for _, e := range r.Elections {
		if e.Count != nil {
			fmt.Fprintln(out)
			if err := e.Count.WriteText(out); err != nil {
				return err
			}
		}
	}
	return nil
}
