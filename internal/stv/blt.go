package stv

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// BLTError is a fault in a BLT file, with the line it was found on.
type BLTError struct {
	// Line counts from 1; 0 means the end of the file.
	Line int
	// Message says what is wrong, for a person.
	Message string
}

func (e *BLTError) Error() string {
	if e.Line == 0 {
		return "blt: at the end of the file: " + e.Message
	}
	return fmt.Sprintf("blt: line %d: %s", e.Line, e.Message)
}

// ReadBLT reads an election in the BLT format that counting programs
// exchange:
//
//	4 2                  candidates and seats
//	-3                   optional: withdrawn candidates, negative
//	12 1 2 0             ballots: weight, preferences, 0
//	3 4 0
//	0                    end of the ballots
//	"Alice Ames"         one name per candidate, in quotes
//	"Bob Bell"
//	"Cat Cole"
//	"Dan Dee"
//	"Board election 2026"   the title, in quotes
//
// Candidates are numbered from 1 in the file and from 0 in the Election.
// Blank lines and lines starting with # are ignored. A duplicate
// preference, a candidate out of range, an equal ranking or anything else
// the format does not allow is refused with its line number; nothing is
// silently repaired.
func ReadBLT(r io.Reader) (Election, error) {
	p := bltParser{sc: bufio.NewScanner(r)}
	p.sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	e, err := p.read()
	if err == nil {
		err = p.sc.Err()
	}
	return e, err
}

type bltParser struct {
	sc   *bufio.Scanner
	line int
	text string
	// held is a line read ahead and not yet used.
	held bool
}

// next moves to the next line that is not blank or a comment; false at
// the end of the file.
func (p *bltParser) next() bool {
	if p.held {
		p.held = false
		return true
	}
	for p.sc.Scan() {
		p.line++
		p.text = strings.TrimSpace(p.sc.Text())
		if p.text != "" && !strings.HasPrefix(p.text, "#") {
			return true
		}
	}
	return false
}

func (p *bltParser) fail(format string, a ...any) error {
	return &BLTError{Line: p.line, Message: fmt.Sprintf(format, a...)}
}

// ints reads the current line as whole numbers.
func (p *bltParser) ints() ([]int, error) {
	f := strings.Fields(p.text)
	out := make([]int, len(f))
	for i, s := range f {
		n, err := strconv.Atoi(s)
		if err != nil {
			switch {
			case strings.Contains(s, "="):
				return nil, p.fail("%q: equal rankings are not allowed; each preference must name one candidate", s)
			case strings.HasPrefix(s, "("):
				return nil, p.fail("%q: ballot identifiers are not supported", s)
			}
			var ne *strconv.NumError
			if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
				return nil, p.fail("%q is too large", s)
			}
			return nil, p.fail("%q is not a whole number", s)
		}
		out[i] = n
	}
	return out, nil
}

func (p *bltParser) read() (Election, error) {
	var e Election
	if !p.next() {
		return e, p.fail("the file is empty; it should start with the number of candidates and seats")
	}
	head, err := p.ints()
	if err != nil {
		return e, err
	}
	if len(head) != 2 {
		return e, p.fail("the first line should be two numbers, candidates and seats, not %q", p.text)
	}
	n, seats := head[0], head[1]
	if n < 1 || seats < 1 {
		return e, p.fail("there must be at least 1 candidate and 1 seat, not %d and %d", n, seats)
	}
	e.Seats = seats
	if !p.next() {
		return e, p.endFail("the ballots")
	}
	if strings.HasPrefix(p.text, "-") {
		if err := p.withdrawn(&e, n); err != nil {
			return e, err
		}
		if !p.next() {
			return e, p.endFail("the ballots")
		}
	}
	p.held = true
	if err := p.ballots(&e, n); err != nil {
		return e, err
	}
	for i := range n {
		if !p.next() {
			return e, &BLTError{Message: fmt.Sprintf("%d candidate names expected, %d found", n, i)}
		}
		name, err := p.quoted(fmt.Sprintf("candidate %d's name", i+1))
		if err != nil {
			return e, err
		}
		e.Candidates = append(e.Candidates, name)
	}
	if !p.next() {
		return e, &BLTError{Message: "the election's title, in quotes, is missing after the names"}
	}
	if e.Title, err = p.quoted("the title"); err != nil {
		return e, err
	}
	if p.next() {
		return e, p.fail("unexpected %q after the title; there may be more names than candidates", p.text)
	}
	return e, nil
}

// endFail is a file that ends before what should come next.
func (p *bltParser) endFail(what string) error {
	return &BLTError{Message: fmt.Sprintf("the file ends before %s", what)}
}

// withdrawn reads the line of negative candidate numbers.
func (p *bltParser) withdrawn(e *Election, n int) error {
	nums, err := p.ints()
	if err != nil {
		return err
	}
	seen := map[int]bool{}
	for _, x := range nums {
		if x >= 0 || -x > n {
			return p.fail("withdrawn candidates are written -1 to -%d, not %d", n, x)
		}
		if seen[-x] {
			return p.fail("candidate %d is withdrawn twice", -x)
		}
		seen[-x] = true
		e.Withdrawn = append(e.Withdrawn, -x-1)
	}
	return nil
}

// ballots reads ballot lines up to the line 0.
func (p *bltParser) ballots(e *Election, n int) error {
	for p.next() {
		if strings.HasPrefix(p.text, `"`) {
			return p.fail("a name before the line 0 that ends the ballots")
		}
		nums, err := p.ints()
		if err != nil {
			return err
		}
		if len(nums) == 1 && nums[0] == 0 {
			return nil
		}
		if nums[0] < 1 {
			return p.fail("a ballot's weight must be at least 1, not %d", nums[0])
		}
		if nums[len(nums)-1] != 0 || len(nums) < 2 {
			return p.fail("the ballot does not end with 0")
		}
		prefs := nums[1 : len(nums)-1]
		seen := make(map[int]bool, len(prefs))
		b := Ballot{Weight: nums[0], Prefs: make([]int, 0, len(prefs))}
		for _, c := range prefs {
			switch {
			case c == 0:
				return p.fail("0 in the middle of a ballot; it may only end one")
			case c < 0 || c > n:
				return p.fail("preference %d is not a candidate (candidates are 1 to %d)", c, n)
			case seen[c]:
				return p.fail("candidate %d is given two preferences on one ballot", c)
			}
			seen[c] = true
			b.Prefs = append(b.Prefs, c-1)
		}
		e.Ballots = append(e.Ballots, b)
	}
	return &BLTError{Message: "the ballots are not ended by a line 0"}
}

// quoted reads the current line as one name in double quotes.
func (p *bltParser) quoted(what string) (string, error) {
	t := p.text
	if len(t) < 2 || t[0] != '"' || t[len(t)-1] != '"' || strings.Contains(t[1:len(t)-1], `"`) {
		if _, err := strconv.Atoi(strings.Fields(t)[0]); err == nil {
			return "", p.fail("%s should be in quotes, not %q; is a ballot after the line 0, or the line 0 missing?", what, t)
		}
		return "", p.fail("%s should be in double quotes, not %q", what, t)
	}
	name := strings.TrimSpace(t[1 : len(t)-1])
	if name == "" {
		return "", p.fail("%s is empty", what)
	}
	return name, nil
}
