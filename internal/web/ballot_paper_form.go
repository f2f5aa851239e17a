package web

import (
	"net/url"
	"slices"
	"strconv"

	"github.com/coopress/coopress/internal/society"
)

// paperForm is a ballot paper as a form for the tellers: the questions
// of the member's vote page (template "ballot_paper_questions"), filled
// with what was typed. ElectionsOnly leaves the motions out, for papers
// cast at a meeting, which counts motions by hands or cards.
type paperForm struct {
	Ballot        society.Ballot
	Form          url.Values
	Errors        fieldErrors
	ElectionsOnly bool
}

// Checked reports whether the form had name=value.
func (p paperForm) Checked(name, value string) bool { return slices.Contains(p.Form[name], value) }

// Value is what the form had for name.
func (p paperForm) Value(name string) string { return p.Form.Get(name) }

// Pref names the preference box of candidate c in election e, as the
// member's form does, so choicesFrom reads both.
func (p paperForm) Pref(e, c int64) string {
	return "pref-" + strconv.FormatInt(e, 10) + "-" + strconv.FormatInt(c, 10)
}

// MotionName and ElectionName are the questions' input names.
func (p paperForm) MotionName(id int64) string   { return society.MotionField(id) }
func (p paperForm) ElectionName(id int64) string { return society.ElectionField(id) }

// ID writes an id as a form value.
func (p paperForm) ID(id int64) string { return strconv.FormatInt(id, 10) }

// Stances are a motion's choices.
func (p paperForm) Stances() []string { return []string{"for", "against", "abstain"} }
