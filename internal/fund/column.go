package fund

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
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
	cols, err := s.columns(ctx, time.Date(y, m, d, 0, 0, 0, 0, s.loc), 1)
	if err != nil {
		return Column{}, err
	}
	return cols[0], nil
}

// MonthColumns gathers the column of every day of month, the 1st first,
// as DailyColumn would, from one read of the ledger: the /fund page
// prints a month of them, and a query per day cost a month of round trips.
func (s *Service) MonthColumns(ctx context.Context, month string) ([]Column, error) {
	start, err := ParseMonth(month, s.loc)
	if err != nil {
		return nil, err
	}
	return s.columns(ctx, start, time.Date(start.Year(), start.Month()+1, 0, 0, 0, 0, 0, s.loc).Day())
}

// columns builds the columns of n days from start, midnight in s.loc,
// reading every entry received in those days at once and grouping them
// by local day here.
func (s *Service) columns(ctx context.Context, start time.Time, n int) ([]Column, error) {
	y, m, d := start.Date()
	entries, reversed, err := columnEntries(ctx, s.db, start, time.Date(y, m, d+n, 0, 0, 0, 0, s.loc))
	if err != nil {
		return nil, err
	}
	// Days are counted on the calendar, not in hours, so a day of 23 or
	// 25 hours at a clock change is still one day.
	first := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	byDay := make([][]Entry, n)
	for _, e := range entries {
		ly, lm, ld := e.ReceivedAt.In(s.loc).Date()
		i := int(time.Date(ly, lm, ld, 0, 0, 0, 0, time.UTC).Sub(first) / (24 * time.Hour))
		if i >= 0 && i < n {
			byDay[i] = append(byDay[i], e)
		}
	}
	cols := make([]Column, n)
	for i := range cols {
		if cols[i], err = s.column(time.Date(y, m, d+i, 0, 0, 0, 0, s.loc), byDay[i], reversed); err != nil {
			return nil, err
		}
	}
	return cols, nil
}

// column is one day's column from that day's entries, oldest first;
// reversed says which entries have been reversed, on any day.
func (s *Service) column(day time.Time, entries []Entry, reversed map[int64]bool) (Column, error) {
	cur := s.defaultTarget.Currency
	if len(entries) > 0 {
		cur = entries[0].Amount.Currency
	}
	col := Column{Date: day, Take: money.Zero(cur)}
	groups := map[Channel]*ColumnGroup{}
	var err error
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

// columnEntries lists the entries received in [from, to), oldest first,
// and which of them have been reversed (whenever the reversal was), in
// one query.
func columnEntries(ctx context.Context, q db.Queryer, from, to time.Time) ([]Entry, map[int64]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT CASE WHEN EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reversal_of = e.id)
		THEN 1 ELSE 0 END, `+entryColumns+` WHERE e.received_at >= $1 AND e.received_at < $2
		ORDER BY e.received_at, e.id`, db.UTC(from), db.UTC(to))
	if err != nil {
		return nil, nil, fmt.Errorf("fund: column entries: %w", err)
	}
	defer rows.Close()
	var out []Entry
	reversed := map[int64]bool{}
	for rows.Next() {
		var flag int
		e, err := scanEntry(flagged{rows, &flag})
		if err != nil {
			return nil, nil, err
		}
		out = append(out, e)
		if flag == 1 {
			reversed[e.ID] = true
		}
	}
	return out, reversed, rows.Err()
}

// flagged scans one leading column into flag before the entry's own.
type flagged struct {
	r    scanner
	flag *int
}

func (f flagged) Scan(dest ...any) error { return f.r.Scan(append([]any{f.flag}, dest...)...) }

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
