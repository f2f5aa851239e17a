package fund

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/money"
)

// Channel groups methods the way the printed fund column does.
type Channel string

// The column's channels, in the order it prints them.
const (
	Online   Channel = "online"
	Post     Channel = "post"
	Standing Channel = "standing"
)

// Channel says which group of the column a method's gifts are printed in.
func (m Method) Channel() Channel {
	switch m {
	case Cheque, PostalOrder, Cash:
		return Post
	case StandingOrder, BankTransfer:
		return Standing
	default:
		return Online
	}
}

// Title is the channel's heading in the column.
func (c Channel) Title() string {
	switch c {
	case Post:
		return "By post"
	case Standing:
		return "Standing orders and bank transfers"
	default:
		return "Online"
	}
}

// Column is one day of the fund column: the day's take and thanks.
type Column struct {
	// Date is the start of the day in the publication's zone.
	Date time.Time
	// Take is the day's net amount, reversals included.
	Take money.Money
	// Groups are the channels that had gifts, in Online, Post, Standing
	// order.
	Groups []ColumnGroup
}

// ColumnGroup is one channel's gifts on the day.
type ColumnGroup struct {
	Channel Channel
	Total   money.Money
	// Lines thank the donors who opted in: "£20 from a Swansea reader".
	Lines []string
	// Others counts gifts from donors who did not opt in, and OthersTotal
	// is their sum, printed as one line so that no one is named unasked.
	Others      int
	OthersTotal money.Money
}

// ThanksLine is how the column thanks one public gift: "£5 from J Smith,
// Leeds", "£20 from a Swansea reader", with the donor's message after a
// colon. It is empty for a gift whose donor did not opt in.
func ThanksLine(e Entry) string {
	if !e.Public || e.Amount.Minor <= 0 {
		return ""
	}
	who := "a reader"
	switch {
	case e.PublicName != "" && e.DonorTown != "":
		who = e.PublicName + ", " + e.DonorTown
	case e.PublicName != "":
		who = e.PublicName
	case e.DonorTown != "":
		who = article(e.DonorTown) + " " + e.DonorTown + " reader"
	}
	line := e.Amount.Format() + " from " + who
	if e.Message != "" {
		line += `: "` + e.Message + `"`
	}
	return line
}

// article is "an" before a town starting with a vowel (an Oxford reader).
func article(town string) string {
	if town != "" && strings.ContainsRune("AEIOUaeiou", rune(town[0])) {
		return "an"
	}
	return "a"
}

// DailyColumn gathers the fund column for the day containing day, in the
// publication's zone. Reversed gifts count in the take but are not thanked.
func (s *Service) DailyColumn(ctx context.Context, day time.Time) (Column, error) {
	y, m, d := day.In(s.loc).Date()
	start := time.Date(y, m, d, 0, 0, 0, 0, s.loc)
	end := time.Date(y, m, d+1, 0, 0, 0, 0, s.loc)
	entries, err := entriesBetween(ctx, s.db, start, end)
	if err != nil {
		return Column{}, err
	}
	reversed, err := s.reversedAmong(ctx, entries)
	if err != nil {
		return Column{}, err
	}
	cur := s.defaultTarget.Currency
	if len(entries) > 0 {
		cur = entries[0].Amount.Currency
	}
	col := Column{Date: start, Take: money.Zero(cur)}
	groups := map[Channel]*ColumnGroup{}
	for _, e := range entries {
		if col.Take, err = col.Take.Add(e.Amount); err != nil {
			return Column{}, fmt.Errorf("fund: column: entry %d: %w", e.ID, err)
		}
		if e.Amount.Minor <= 0 || reversed[e.ID] {
			continue
		}
		ch := e.Method.Channel()
		g := groups[ch]
		if g == nil {
			g = &ColumnGroup{Channel: ch, Total: money.Zero(cur), OthersTotal: money.Zero(cur)}
			groups[ch] = g
		}
		if g.Total, err = g.Total.Add(e.Amount); err != nil {
			return Column{}, err
		}
		if line := ThanksLine(e); line != "" {
			g.Lines = append(g.Lines, line)
			continue
		}
		g.Others++
		if g.OthersTotal, err = g.OthersTotal.Add(e.Amount); err != nil {
			return Column{}, err
		}
	}
	for _, ch := range []Channel{Online, Post, Standing} {
		if g := groups[ch]; g != nil {
			col.Groups = append(col.Groups, *g)
		}
	}
	return col, nil
}

// reversedAmong reports which of entries have been reversed, on any day.
func (s *Service) reversedAmong(ctx context.Context, entries []Entry) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(entries) == 0 {
		return out, nil
	}
	lo, hi := idRange(entries)
	rows, err := s.db.QueryContext(ctx, `SELECT reversal_of FROM ledger_entries
		WHERE reversal_of >= $1 AND reversal_of <= $2`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("fund: column reversals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// idRange is the smallest and largest id among entries, which are sorted by
// time rather than id.
func idRange(entries []Entry) (lo, hi int64) {
	lo = entries[0].ID
	for _, e := range entries {
		lo, hi = min(lo, e.ID), max(hi, e.ID)
	}
	return lo, hi
}

// Text writes the column as plain text for the print edition.
func (c Column) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Fighting fund, %s: %s today.\n", c.Date.Format("Monday 2 January 2006"), c.Take.Format())
	for _, g := range c.Groups {
		parts := append([]string(nil), g.Lines...)
		switch {
		case g.Others == 1 && len(g.Lines) == 0:
			parts = append(parts, g.OthersTotal.Format()+" from a reader")
		case g.Others == 1:
			parts = append(parts, "and "+g.OthersTotal.Format()+" from another reader")
		case g.Others > 1 && len(g.Lines) == 0:
			parts = append(parts, fmt.Sprintf("%s from %d readers", g.OthersTotal.Format(), g.Others))
		case g.Others > 1:
			parts = append(parts, fmt.Sprintf("and %s from %d other readers", g.OthersTotal.Format(), g.Others))
		}
		fmt.Fprintf(&b, "%s (%s): %s.\n", g.Channel.Title(), g.Total.Format(), strings.Join(parts, "; "))
	}
	if len(c.Groups) == 0 {
		b.WriteString("No gifts today.\n")
	}
	return b.String()
}
