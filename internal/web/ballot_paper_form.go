package web

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/society"
)

// paperForm is a ballot's questions as a form (template
// "ballot_paper_questions"), filled with what was typed: motions as
// for/against/abstain radios, a block election as checkboxes, an STV
// election as a number per candidate. The member's vote, their change of
// vote, the tellers' postal entry and the meeting's paper entry all
// render it and read it back with read, so a teller's entry is named and
// read as a member's vote is; each page keeps its own fields (a voting
// code, a receipt) and instructions around it.
type paperForm struct {
	Ballot society.Ballot
	Form   url.Values
	Errors fieldErrors
	// ElectionsOnly leaves the motions out, for papers cast at a
	// meeting, which counts motions by hands or cards.
	ElectionsOnly bool
	// Teller words the hints for someone typing a marked paper and leaves
	// out the motions' text and the candidates' statements, which are on
	// the paper in front of them.
	Teller bool
}

// Checked reports whether the form had name=value.
func (p paperForm) Checked(name, value string) bool { return slices.Contains(p.Form[name], value) }

// Value is what the form had for name.
func (p paperForm) Value(name string) string { return p.Form.Get(name) }

// Pref names the preference box of candidate c in election e.
func (p paperForm) Pref(e, c int64) string { return prefField(e, c) }

// MotionName is a motion's radio group, and the id its refusal stands
// beside.
func (p paperForm) MotionName(id int64) string { return society.MotionField(id) }

// ElectionName is a block election's checkboxes, and the id its refusal
// stands beside.
func (p paperForm) ElectionName(id int64) string { return society.ElectionField(id) }

// ID writes an id as a form value.
func (p paperForm) ID(id int64) string { return strconv.FormatInt(id, 10) }

// Stances are a motion's choices, in the paper's order.
func (p paperForm) Stances() []string { return []string{"for", "against", "abstain"} }

// prefField names the preference box of candidate c in STV election e.
func prefField(e, c int64) string {
	return "pref-" + strconv.FormatInt(e, 10) + "-" + strconv.FormatInt(c, 10)
}

// read takes the marks from a posted paper: a motion's radio (none when
// ElectionsOnly), a block election's boxes, an STV election's numbers 1,
// 2, 3… without gaps or repeats. Unreadable marks are refused beside
// their question; the society checks the rest when it stores the paper.
func (p paperForm) read(form url.Values, errs *fieldErrors) society.Choices {
	c := society.Choices{Elections: map[int64][]int64{}}
	if !p.ElectionsOnly {
		c.Motions = map[int64]society.Stance{}
		for _, m := range p.Ballot.Motions {
			if v := form.Get(society.MotionField(m.ID)); v != "" {
				c.Motions[m.ID] = society.Stance(v)
			}
		}
	}
	for _, e := range p.Ballot.Elections {
		if e.Method == society.Block {
			c.Elections[e.ID] = readBlock(form, e, errs)
		} else {
			c.Elections[e.ID] = readPreferences(form, e, errs)
		}
		if c.Elections[e.ID] == nil {
			delete(c.Elections, e.ID)
		}
	}
	return c
}

// readBlock is the candidates ticked in block election e.
func readBlock(form url.Values, e society.Election, errs *fieldErrors) []int64 {
	var ids []int64
	for _, v := range form[society.ElectionField(e.ID)] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs.Add(society.ElectionField(e.ID), "Choose candidates from the list.")
			continue
		}
		ids = append(ids, id)
	}
	return ids
}

// readPreferences is STV election e's candidates in the order numbered.
func readPreferences(form url.Values, e society.Election, errs *fieldErrors) []int64 {
	field := society.ElectionField(e.ID)
	type pref struct{ n, cand int64 }
	var ps []pref
	for _, k := range e.Candidates {
		v := strings.TrimSpace(form.Get(prefField(e.ID, k.ID)))
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			errs.Add(field, "Number your choices 1, 2, 3… in whole numbers.")
			continue
		}
		ps = append(ps, pref{n, k.ID})
	}
	slices.SortFunc(ps, func(a, b pref) int { return cmp.Compare(a.n, b.n) })
	var ids []int64
	for i, p := range ps {
		if p.n != int64(i+1) {
			errs.Add(field, "Number your choices 1, 2, 3… with no number twice and none missed.")
			break
		}
		ids = append(ids, p.cand)
	}
	return ids
}
