package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"flag"
	"fmt"
	"os"

	"github.com/coopress/coopress/internal/stv"
)

func init() {
	commands["stv"] = &command{summary: "count a preference election from a BLT file: count", subs: map[string]*command{
		"count": {summary: "count a BLT file by the Scottish STV rules or the block vote and print the count sheet", args: "FILE.blt",
			run: stvCount,
			about: "Prints the quota, every stage (the surplus transferred or the candidate excluded, each candidate's votes\n" +
				"after it, the non-transferable papers, the value lost to fractions) and the elected in order of election.\n" +
				"Ties the rules leave to lot are drawn from --seed; without it the seed is taken from the file's SHA-256,\n" +
				"so the same file always gives the same count. The seed is printed on the sheet. No database is used.\n" +
				"The BLT format and the rules are described in docs/ballots.md."},
	}}
}

func stvCount(_ context.Context, inv *invocation, args []string) error {
	fs := inv.flagSet()
	seats := fs.Int("seats", 0, "the number of seats (default: the file's)")
	seed := fs.Uint64("seed", 0, "the seed for lots (default: from the file's SHA-256)")
	format := fs.String("format", "text", "text, csv or json")
	method := fs.String("method", string(stv.ScottishSTV), "scottish-stv or block")
	file, err := inv.parseFileArg(fs, args)
	if err != nil {
		return err
	}
	if *format != "text" && *format != "csv" && *format != "json" {
		return fmt.Errorf("--format: %q is not one; choose text, csv or json", *format)
	}
	m := stv.Method(*method)
	if m != stv.ScottishSTV && m != stv.BlockVote {
		return fmt.Errorf("--method: %q is not one; choose %s or %s", *method, stv.ScottishSTV, stv.BlockVote)
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if given["seats"] && *seats < 1 {
		return fmt.Errorf("--seats: must be at least 1, not %d", *seats)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	e, err := stv.ReadBLT(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if given["seats"] {
		e.Seats = *seats
	}
	if !given["seed"] {
		sum := sha256.Sum256(raw)
		*seed = binary.BigEndian.Uint64(sum[:8])
	}
	r, err := stv.Count(e, stv.Options{Method: m, Seed: *seed})
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	switch *format {
	case "csv":
		return r.WriteCSV(inv.stdout)
	case "json":
		return r.WriteJSON(inv.stdout)
	}
	return r.WriteText(inv.stdout)
}
