package stv

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const sampleBLT = `4 2
-4
# a comment, then a blank line

10 1 2 3 0
4 1 3 0
3 1 0
4 2 0
6 3 4 0
  4 4 3 0
0
"Alice Ames"
"Bob Bell"
"Cat Cole"
"Dan Dee"
"Board election 2026"
`

func TestReadBLT(t *testing.T) {
	e, err := ReadBLT(strings.NewReader(sampleBLT))
	if err != nil {
		t.Fatal(err)
	}
	want := Election{
		Title:      "Board election 2026",
		Candidates: []string{"Alice Ames", "Bob Bell", "Cat Cole", "Dan Dee"},
		Seats:      2,
		Withdrawn:  []int{3},
		Ballots: []Ballot{{10, []int{0, 1, 2}}, {4, []int{0, 2}}, {3, []int{0}}, {4, []int{1}},
			{6, []int{2, 3}}, {4, []int{3, 2}}},
	}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("got %+v\nwant %+v", e, want)
	}
	r, err := Count(e, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// D withdrawn: the 4 papers "D C" count for C from the start.
	if got := namesOf(r, r.Elected); got != "Alice Ames Cat Cole" {
		t.Errorf("elected %q", got)
	}
}

// TestReadBLTErrors: each fault is refused with its line and a message
// saying what is wrong.
func TestReadBLTErrors(t *testing.T) {
	names := "\"A\"\n\"B\"\n\"C\"\n\"T\"\n"
	for _, tc := range []struct {
		name, blt, want string
	}{
		{"empty", "", "the file is empty"},
		{"head not numbers", "three 2\n", `line 1: "three" is not a whole number`},
		{"head one number", "3\n", "line 1: the first line should be two numbers"},
		{"no seats", "3 0\n", "at least 1 candidate and 1 seat"},
		{"preference out of range", "3 1\n1 1 4 0\n0\n" + names, "line 2: preference 4 is not a candidate (candidates are 1 to 3)"},
		{"negative preference", "3 1\n1 1 -2 0\n0\n" + names, "line 2: preference -2 is not a candidate"},
		{"duplicate preference", "3 1\n2 1 2 1 0\n0\n" + names, "line 2: candidate 1 is given two preferences on one ballot"},
		{"missing terminator", "3 1\n2 1 2\n0\n" + names, "line 2: the ballot does not end with 0"},
		{"zero inside", "3 1\n2 1 0 2 0\n0\n" + names, "line 2: 0 in the middle of a ballot"},
		{"zero weight", "3 1\n0 1 0\n0\n" + names, "line 2: a ballot's weight must be at least 1"},
		{"weight only", "3 1\n5\n0\n" + names, "line 2: the ballot does not end with 0"},
		{"not a number", "3 1\n2 1 x 0\n0\n" + names, `line 2: "x" is not a whole number`},
		{"equal ranking", "3 1\n2 1=2 0\n0\n" + names, "equal rankings are not allowed"},
		{"huge", "3 1\n99999999999999999999 1 0\n0\n" + names, "is too large"},
		{"no line 0", "3 1\n2 1 0\n" + names, "line 3: a name before the line 0"},
		{"no line 0 at the end", "3 1\n2 1 0\n", "the ballots are not ended by a line 0"},
		{"too few names", "3 1\n2 1 0\n0\n\"A\"\n\"B\"\n", "3 candidate names expected, 2 found"},
		{"name not quoted", "3 1\n2 1 0\n0\n\"A\"\nB\n\"C\"\n\"T\"\n", `line 5: candidate 2's name should be in double quotes, not "B"`},
		{"ballot after 0", "3 1\n2 1 0\n0\n2 2 0\n" + names, "line 4: candidate 1's name should be in quotes"},
		{"empty name", "3 1\n2 1 0\n0\n\"A\"\n\"\"\n\"C\"\n\"T\"\n", "line 5: candidate 2's name is empty"},
		{"no title", "3 1\n2 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n", "the election's title, in quotes, is missing"},
		{"extra after title", "3 1\n2 1 0\n0\n" + names + "\"D\"\n", `line 8: unexpected "\"D\"" after the title`},
		{"withdrawn out of range", "3 1\n-4\n2 1 0\n0\n" + names, "line 2: withdrawn candidates are written -1 to -3, not -4"},
		{"withdrawn twice", "3 1\n-2 -2\n2 1 0\n0\n" + names, "line 2: candidate 2 is withdrawn twice"},
		{"withdrawn mixed", "3 1\n-2 3\n2 1 0\n0\n" + names, "line 2: withdrawn candidates are written -1 to -3, not 3"},
		{"ends after head", "3 1\n", "the file ends before the ballots"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadBLT(strings.NewReader(tc.blt))
			var be *BLTError
			if !errors.As(err, &be) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
