package society

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/valid"
)

// Stance is a vote on a motion.
type Stance string

// The three stances on a motion.
const (
	For     Stance = "for"
	Against Stance = "against"
	Abstain Stance = "abstain"
)

// Channel is how a vote reached the society.
type Channel string

// The channels: a member votes once across all of them.
const (
	Online  Channel = "online"
	Postal  Channel = "postal"
	Meeting Channel = "meeting"
)

// Choices are one voter's marks: a stance per motion (a motion left out
// is not voted on) and, per election, the candidates chosen: for a block
// vote any up to the seats, for STV in order of preference. An election
// left out or empty is not voted in.
type Choices struct {
	Motions   map[int64]Stance
	Elections map[int64][]int64
}

// MotionField names a motion's input in refusals, so a form shows each
// beside its own question.
func MotionField(id int64) string { return "motion-" + strconv.FormatInt(id, 10) }

// ElectionField names an election's input in refusals.
func ElectionField(id int64) string { return "election-" + strconv.FormatInt(id, 10) }

// check refuses marks that b does not allow: unknown motions, stances,
// elections or candidates, more choices than seats in a block vote, and a
// candidate chosen twice.
func (c Choices) check(b Ballot) error {
	motions := map[int64]bool{}
	for _, m := range b.Motions {
		motions[m.ID] = true
	}
	elections := map[int64]Election{}
	for _, e := range b.Elections {
		elections[e.ID] = e
	}
	bad := func(field, msg string) error { return valid.Error{Field: field, Message: msg, Cause: ErrBadChoice} }
	for _, id := range slices.Sorted(maps.Keys(c.Motions)) {
		if !motions[id] {
			return bad(FieldMotions, fmt.Sprintf("Motion %d is not on this ballot.", id))
		}
		switch c.Motions[id] {
		case For, Against, Abstain:
		default:
			return bad(MotionField(id), "Vote for, against or abstain.")
		}
	}
	for _, id := range slices.Sorted(maps.Keys(c.Elections)) {
		e, ok := elections[id]
		if !ok {
			return bad(FieldElection, fmt.Sprintf("Election %d is not on this ballot.", id))
		}
		cands := map[int64]bool{}
		for _, k := range e.Candidates {
			cands[k.ID] = true
		}
		chosen := c.Elections[id]
		if e.Method == Block && len(chosen) > e.Seats {
			return bad(ElectionField(id), fmt.Sprintf("Choose at most %d: there are %d seats.", e.Seats, e.Seats))
		}
		seen := map[int64]bool{}
		for _, k := range chosen {
			if !cands[k] {
				return bad(ElectionField(id), fmt.Sprintf("Candidate %d does not stand in this election.", k))
			}
			if seen[k] {
				return bad(ElectionField(id), "A candidate can be given only one preference.")
			}
			seen[k] = true
		}
	}
	return nil
}

// encode writes c as the paper's text, in id order so that two voters
// with the same marks have the same text: "m12=for;e3=7,5".
func (c Choices) encode() string {
	var parts []string
	for _, id := range slices.Sorted(maps.Keys(c.Motions)) {
		parts = append(parts, "m"+strconv.FormatInt(id, 10)+"="+string(c.Motions[id]))
	}
	for _, id := range slices.Sorted(maps.Keys(c.Elections)) {
		ks := c.Elections[id]
		if len(ks) == 0 {
			continue
		}
		s := make([]string, len(ks))
		for i, k := range ks {
			s[i] = strconv.FormatInt(k, 10)
		}
		parts = append(parts, "e"+strconv.FormatInt(id, 10)+"="+strings.Join(s, ","))
	}
	return strings.Join(parts, ";")
}

// decodeChoices reads a paper's text back.
func decodeChoices(s string) (Choices, error) {
	c := Choices{Motions: map[int64]Stance{}, Elections: map[int64][]int64{}}
	if s == "" {
		return c, nil
	}
	for part := range strings.SplitSeq(s, ";") {
		key, val, ok := strings.Cut(part, "=")
		if !ok || len(key) < 2 {
			return c, fmt.Errorf("society: paper %q unreadable", s)
		}
		id, err := strconv.ParseInt(key[1:], 10, 64)
		if err != nil {
			return c, fmt.Errorf("society: paper %q unreadable", s)
		}
		switch key[0] {
		case 'm':
			c.Motions[id] = Stance(val)
		case 'e':
			var ks []int64
			for f := range strings.SplitSeq(val, ",") {
				k, err := strconv.ParseInt(f, 10, 64)
				if err != nil {
					return c, fmt.Errorf("society: paper %q unreadable", s)
				}
				ks = append(ks, k)
			}
			c.Elections[id] = ks
		default:
			return c, fmt.Errorf("society: paper %q unreadable", s)
		}
	}
	return c, nil
}
