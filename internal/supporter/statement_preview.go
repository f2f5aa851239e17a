package supporter

import (
	"context"
	"fmt"
	"strings"

	"github.com/coopress/coopress/internal/money"
)

// Outcome is what an import would do with a statement line.
type Outcome string

// The outcomes a preview shows.
const (
	// Matched: one supporter's reference, at their amount; the line will
	// become a ledger entry.
	Matched Outcome = "matched"
	// Unmatched: no supporter's reference; the line will wait for the
	// treasurer.
	Unmatched Outcome = "unmatched"
	// Ambiguous: more than one supporter's reference, or one supporter's at
	// an amount not theirs; the line will wait for the treasurer.
	Ambiguous Outcome = "ambiguous"
	// Imported: the line was stored by an earlier import; nothing is done.
	Imported Outcome = "imported"
	// Invalid: the line has problems; nothing in the statement is saved.
	Invalid Outcome = "invalid"
)

// PreviewLine is one statement line with what the import would do.
type PreviewLine struct {
	StatementLine
	Outcome Outcome
	// Order is the supporter matched, and for an ambiguous line whose
	// amount differs, the supporter whose reference it carries.
	Order StandingOrder
	// Candidates are the supporters whose references an ambiguous line
	// carries.
	Candidates []StandingOrder
	// Reason says in words why a line waits or is left out.
	Reason string
}

// StatementPreview is what importing a statement would do, line by line.
type StatementPreview struct {
	Statement Statement
	Lines     []PreviewLine
	// Counts by outcome.
	Matched, Unmatched, Ambiguous, Imported, Invalid int
	// MatchedTotal is what the import would add to the ledger;
	// WaitingTotal what it would leave for the treasurer.
	MatchedTotal, WaitingTotal money.Money
}

// OK reports whether the statement may be imported: no line has problems.
func (p StatementPreview) OK() bool { return p.Invalid == 0 }

// Preview matches a parsed statement to the standing orders without
// saving anything. A line is matched by the reference its description
// carries: the supporter whose folded reference is the whole folded
// description, or else the longest found inside it. Cancelled orders are
// never matched; lapsed ones are, since money that comes is theirs.
func (s *StandingOrders) Preview(ctx context.Context, st Statement) (StatementPreview, error) {
	cur, err := s.Currency(ctx)
	if err != nil {
		return StatementPreview{}, err
	}
	p := StatementPreview{Statement: st, MatchedTotal: money.Zero(cur), WaitingTotal: money.Zero(cur)}
	orders, err := queryOrders(ctx, s.db, s.loc, `SELECT `+orderColumns+` WHERE status <> 'cancelled' ORDER BY id`)
	if err != nil {
		return p, err
	}
	m := newMatcher(orders)
	imported, err := s.importedLines(ctx, st.Lines)
	if err != nil {
		return p, err
	}
	for _, l := range st.Lines {
		pl := PreviewLine{StatementLine: l}
		switch {
		case len(l.Problems) > 0:
			pl.Outcome = Invalid
		case imported[l.Fingerprint] != 0:
			pl.Outcome, pl.Reason = Imported, fmt.Sprintf("Already imported (statement line %d): left out.", imported[l.Fingerprint])
		default:
			m.judge(&pl)
		}
		p.count(pl)
		p.Lines = append(p.Lines, pl)
	}
	return p, nil
}

// count adds a line to the preview's counts and totals.
func (p *StatementPreview) count(pl PreviewLine) {
	switch pl.Outcome {
	case Matched:
		p.Matched++
		p.MatchedTotal, _ = p.MatchedTotal.Add(pl.Amount)
	case Unmatched, Ambiguous:
		if pl.Outcome == Unmatched {
			p.Unmatched++
		} else {
			p.Ambiguous++
		}
		p.WaitingTotal, _ = p.WaitingTotal.Add(pl.Amount)
	case Imported:
		p.Imported++
	case Invalid:
		p.Invalid++
	}
}

// matcher finds orders by the folded references inside a description.
type matcher struct {
	byKey map[string][]StandingOrder
}

func newMatcher(orders []StandingOrder) matcher {
	m := matcher{byKey: map[string][]StandingOrder{}}
	for _, o := range orders {
		m.byKey[o.ReferenceKey] = append(m.byKey[o.ReferenceKey], o)
	}
	return m
}

// find returns the orders whose reference the description carries: those
// whose reference is the whole description, or else those with the
// longest reference found inside it. Every place and length is looked up,
// so a statement of thousands of lines against thousands of orders costs
// a few map lookups a character.
func (m matcher) find(desc string) []StandingOrder {
	key := []rune(ReferenceKey(desc))
	if exact := m.byKey[string(key)]; len(exact) > 0 {
		return exact
	}
	for n := min(MaxReferenceKey, len(key)); n >= MinReferenceKey; n-- {
		var found []StandingOrder
		seen := map[int64]bool{}
		for i := 0; i+n <= len(key); i++ {
			for _, o := range m.byKey[string(key[i:i+n])] {
				if !seen[o.ID] {
					seen[o.ID] = true
					found = append(found, o)
				}
			}
		}
		if len(found) > 0 {
			return found
		}
	}
	return nil
}

// judge sets a new line's outcome.
func (m matcher) judge(pl *PreviewLine) {
	found := m.find(pl.Description)
	switch {
	case len(found) == 0:
		pl.Outcome, pl.Reason = Unmatched, "No supporter's reference is in this line: it will wait for you to assign it."
	case len(found) > 1:
		var names []string
		for _, o := range found {
			names = append(names, o.Name+" ("+o.Reference+")")
		}
		pl.Outcome, pl.Candidates = Ambiguous, found
		pl.Reason = "The references of " + strings.Join(names, " and ") + " are all in this line: it will wait for you to choose."
	case found[0].Amount != pl.Amount:
		pl.Outcome, pl.Order, pl.Candidates = Ambiguous, found[0], found
		pl.Reason = fmt.Sprintf("This is %s, but %s gives %s: it will wait for you to check it.",
			pl.Amount.Format(), found[0].Name, found[0].Amount.Format())
	default:
		pl.Outcome, pl.Order = Matched, found[0]
		if found[0].Status == OrderLapsed {
			pl.Reason = found[0].Name + "'s standing order was marked lapsed; this payment is theirs all the same."
		}
	}
}
