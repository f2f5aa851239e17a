package stv

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

// sheetExample is the first worked example, with a withdrawn candidate.
func sheetExample(t *testing.T) Result {
	e := election(t, 2, "A B C D W", "10 A B C", "4 A C", "3 A", "4 B", "6 C D", "4 D C", "2 W")
	e.Title = "Board 2026"
	e.Withdrawn = []int{4}
	r, err := Count(e, Options{Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestWriteText(t *testing.T) {
	r := sheetExample(t)
	var b bytes.Buffer
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"Election: Board 2026", "Scottish STV rules", "Withdrawn: W", "Valid papers: 31",
		"Papers naming no standing candidate (not counted): 2",
		"Quota: 31 ÷ (2 + 1) = 10, fraction ignored, + 1 = 11", "Seed for lots: 42",
		"Stage 2: surplus of A (6.00000) transferred", "Stage 3: D excluded",
		"+3.52940", "7.52940", "1.05882", "0.00002",
		"Elected, in order of election: A, C",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
}

func TestWriteCSV(t *testing.T) {
	r := sheetExample(t)
	var b bytes.Buffer
	if err := r.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(CSVHeader, ",") {
		t.Errorf("header %v", rows[0])
	}
	// 3 stages × (5 candidates + non-transferable + loss).
	if len(rows) != 1+3*7 {
		t.Errorf("%d rows", len(rows))
	}
	want := "2,surplus,A,B,3.52940,7.52940,"
	found := false
	for _, row := range rows {
		found = found || strings.Join(row, ",") == want
	}
	if !found {
		t.Errorf("no row %q in %v", want, rows)
	}
}

func TestWriteJSON(t *testing.T) {
	r := sheetExample(t)
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var s SheetJSON
	if err := json.Unmarshal(b.Bytes(), &s); err != nil {
		t.Fatal(err)
	}
	if s.Quota != "11.00000" || s.Seed != "42" || strings.Join(s.Elected, ",") != "A,C" || len(s.Stages) != 3 {
		t.Errorf("sheet %+v", s)
	}
	st := s.Stages[1]
	if st.Action != Surplus || st.Candidate != "A" || st.Surplus != "6.00000" || st.Votes[1] != "7.52940" || st.NonTransferable != "1.05882" || st.Loss != "0.00002" {
		t.Errorf("stage 2 %+v", st)
	}
	if strings.Join(s.Stages[2].Status, ",") != "elected,,elected,excluded,withdrawn" {
		t.Errorf("stage 3 status %v", s.Stages[2].Status)
	}
	// The shape is stable: every key is always present.
	var raw map[string]any
	_ = json.Unmarshal(b.Bytes(), &raw)
	for _, k := range []string{"title", "method", "seats", "seed", "candidates", "withdrawn", "papers", "empty", "quota", "stages", "elected"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("no key %q", k)
		}
	}
}
