package stv

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// TestCLIAgainstReference (only with -stv.long, since it builds the whole
// program): random elections written as BLT files and counted by the
// coopress binary's stv count --format json, as a scrutineer would run it,
// agree with the reference counter at every stage.
func TestCLIAgainstReference(t *testing.T) {
	if !*stvLong {
		t.Skip("builds cmd/coopress; run with -stv.long")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "coopress")
	build := exec.Command("go", "build", "-o", bin, "../../cmd/coopress")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	r := rand.New(rand.NewPCG(2007, 42))
	compared := 0
	for round := range 300 {
		e := diffElection(r)
		raw := writeBLT(e)
		file := filepath.Join(dir, fmt.Sprintf("e%d.blt", round))
		if err := os.WriteFile(file, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bin, "stv", "count", "--format", "json", file).Output()
		if err != nil {
			if _, refErr := refCountElection(e, func(int, []int) int { return -1 }); refErr == ErrNoPapers {
				continue
			}
			t.Fatalf("election %d: coopress stv count: %v\n%s", round, err, raw)
		}
		var sheet SheetJSON
		if err := json.Unmarshal(out, &sheet); err != nil {
			t.Fatalf("election %d: %v\n%s", round, err, out)
		}
		if err := compareSheet(e, sheet); err != nil {
			t.Fatalf("election %d: %v\n%s\n%s", round, err, raw, out)
		}
		compared++
	}
	t.Logf("%d elections counted by coopress stv count agree with the reference", compared)
}

// compareSheet checks the program's JSON count sheet against the
// reference's count of e, value by value as printed (five places). Lots
// are taken from the sheet, among the candidates the reference finds level.
func compareSheet(e Election, sheet SheetJSON) error {
	name := func(c int) string {
		if c < 0 {
			return ""
		}
		return e.Candidates[c]
	}
	ref, err := refCountElection(e, func(stage int, tied []int) int {
		if stage <= len(sheet.Stages) {
			return slices.Index(e.Candidates, sheet.Stages[stage-1].Candidate)
		}
		return tied[0]
	})
	if err != nil {
		return err
	}
	if sheet.Quota != ref.quota.String() || sheet.Papers != int64(ref.valid) {
		return fmt.Errorf("quota %s papers %d; reference %s, %d", sheet.Quota, sheet.Papers, ref.quota, ref.valid)
	}
	if len(sheet.Stages) != len(ref.stages) {
		return fmt.Errorf("%d stages; reference %d", len(sheet.Stages), len(ref.stages))
	}
	for i, g := range sheet.Stages {
		w := ref.stages[i]
		var votes, elected, excluded []string
		for _, v := range w.votes {
			votes = append(votes, v.String())
		}
		for _, c := range w.elected {
			elected = append(elected, name(c))
		}
		for _, c := range w.excluded {
			excluded = append(excluded, name(c))
		}
		switch {
		case g.Action != w.action || g.Candidate != name(w.subject):
			return fmt.Errorf("stage %d: %s of %q; reference %s of %q", i+1, g.Action, g.Candidate, w.action, name(w.subject))
		case !slices.Equal(g.Votes, votes):
			return fmt.Errorf("stage %d: votes %v; reference %v", i+1, g.Votes, votes)
		case g.NonTransferable != w.nonTrans.String() || g.Loss != w.loss.String():
			return fmt.Errorf("stage %d: non-transferable %s loss %s; reference %s, %s", i+1, g.NonTransferable, g.Loss, w.nonTrans, w.loss)
		case len(g.Elected) != len(elected) || slices.ContainsFunc(g.Elected, func(s string) bool { return !slices.Contains(elected, s) }):
			return fmt.Errorf("stage %d: elected %v; reference %v", i+1, g.Elected, elected)
		case !slices.Equal(g.Excluded, excluded):
			return fmt.Errorf("stage %d: excluded %v; reference %v", i+1, g.Excluded, excluded)
		}
	}
	return nil
}
