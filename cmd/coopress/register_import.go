package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/society"
)

// importShown is how many lines with problems the preview prints before
// it only counts them: enough to fix a file, not a screen of 100,000.
const importShown = 200

func registerImport(ctx context.Context, inv *invocation, args []string) error {
	c := newSocietyCLI(inv)
	confirm := c.fs.Bool("confirm", false, "record the members; without it the file is only checked")
	file, err := inv.parseFileArg(c.fs, args)
	if err != nil {
		return err
	}
	if err := c.cfg.Validate(); err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := society.ParseImport(f, time.Now(), c.rules())
	if v, ok := society.FileProblem(err); ok {
		return fmt.Errorf("%s: %s", file, v)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(inv.stderr, "read %d lines of %s\n", len(rows), file)
	s, d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := s.CheckImport(ctx, rows); err != nil {
		return err
	}
	var todo, recorded, shown int
	for _, r := range rows {
		switch {
		case !r.OK():
			if shown < importShown {
				for _, p := range r.Problems {
					fmt.Fprintf(inv.stdout, "line %d: %s: %s\n", r.Line, p.Field, p.Message)
				}
				shown++
			}
		case r.Recorded:
			recorded++
		default:
			todo++
		}
	}
	if bad := society.ImportProblems(rows); bad > 0 {
		if bad > shown {
			fmt.Fprintf(inv.stdout, "… and %d more lines with problems\n", bad-shown)
		}
		return fmt.Errorf("%s: %d of %d lines have problems; nothing has been recorded", file, bad, len(rows))
	}
	if !*confirm {
		fmt.Fprintf(inv.stdout, "%s: %d members to import, %d already in the register; nothing recorded yet: run again with --confirm\n",
			file, todo, recorded)
		return nil
	}
	res, err := s.Import(ctx, rows, account.Actor{Name: recordedBy()}, tenths(inv, "members recorded"))
	if v, ok := society.FileProblem(err); ok {
		return fmt.Errorf("%s: %s", file, v)
	}
	if err != nil {
		return err
	}
	former := ""
	if res.Former > 0 {
		former = fmt.Sprintf(" (%d of them former, with the day they left)", res.Former)
	}
	fmt.Fprintf(inv.stdout, "%s: imported %d members%s; %d already in the register were skipped\n", file, res.Recorded, former, res.Skipped)
	return nil
}
