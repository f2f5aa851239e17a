package society

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/coopress/coopress/internal/db"
)

// CheckReport is what Check found.
type CheckReport struct {
	Members, Current, Entries int
	// Triggers are the append-only triggers found on the society's tables.
	Triggers []string
	// Problems lists every broken rule in words; empty means all is well.
	Problems []string
}

// OK reports whether the check found nothing wrong.
func (r CheckReport) OK() bool { return len(r.Problems) == 0 }

// appendOnly are the tables whose rows are never changed or removed.
var appendOnly = []string{"members", "member_contacts", "share_entries", "member_links", "withdrawal_requests",
	"withdrawal_decisions", "officers", "officer_ends", "share_applications", "share_application_events", "share_payment_holds",
	"share_payment_returns", "withdrawal_suspensions"}

// latestDay is later than any entry, so the register "as of" it is the
// register now, whatever day a clock says it is.
const latestDay = "9999-12-31"

// replayed is one member as Check's own replay of the ledger finds them.
type replayed struct {
	id, number, account int64
	class               Class
	admittedOn          string
	contact             Contact
	key                 string
	shares, paid        int64
	lastOn, ceasedOn    string
	// out is the shares that left on lastOn; atCeasing is out on the day
	// the holding reached zero.
	out, atCeasing int64
}

// Check proves the register's promises by replaying the ledger in Go,
// apart from the SQL that produces the register: every member's holding
// stayed between zero and their limit after every entry, nothing was
// recorded for a member after they ceased or before they were admitted,
// no person is a member twice, membership numbers are unique, the
// register equals the replay, the registers agree with each other
// (checkRegisters), and the tables refuse UPDATE and DELETE.
func (s *Service) Check(ctx context.Context) (CheckReport, error) {
	var r CheckReport
	problem := func(format string, args ...any) { r.Problems = append(r.Problems, fmt.Sprintf(format, args...)) }
	byID, order, err := s.replayMembers(ctx)
	if err != nil {
		return r, err
	}
	r.Members = len(order)
	if err := s.replayEntries(ctx, byID, &r, problem); err != nil {
		return r, err
	}
	people, accounts := map[string]int64{}, map[int64]int64{}
	for _, m := range order {
		if m.shares == 0 {
			continue
		}
		r.Current++
		if n, ok := people[m.key]; ok {
			problem("members %d and %d are the same person (%s), both current", n, m.number, m.contact.Name)
		}
		people[m.key] = m.number
		if m.account != 0 {
			if n, ok := accounts[m.account]; ok {
				problem("members %d and %d are both linked to account %d", n, m.number, m.account)
			}
			accounts[m.account] = m.number
		}
	}
	i := 0
	err = s.EachRow(ctx, latestDay, func(row Row) error {
		if i >= len(order) || order[i].number != row.Number {
			problem("the register lists member %d out of step with the ledger", row.Number)
			return nil
		}
		m := order[i]
		i++
		want := Row{Number: m.number, Class: m.class, Name: m.contact.Name, Address: m.contact.Address, Email: m.contact.Email,
			EmailUse: m.contact.EmailUse, Shares: m.shares, Paid: m.paid, AdmittedOn: m.admittedOn, CeasedOn: m.ceasedOn,
			SharesAtCeasing: m.atCeasing}
		if row != want {
			problem("member %d: the register shows %+v, the ledger replays to %+v", m.number, row, want)
		}
		return nil
	})
	if err != nil {
		return r, err
	}
	if i != len(order) {
		problem("the register lists %d members, the ledger %d", i, len(order))
	}
	if err := s.checkRegisters(ctx, problem); err != nil {
		return r, err
	}
	if r.Triggers, err = s.triggers(ctx); err != nil {
		return r, err
	}
	for _, t := range appendOnly {
		ops := []string{"update", "delete"}
		if s.db.Dialect() == db.Postgres {
			ops = append(ops, "truncate")
		}
		for _, op := range ops {
			if want := t + "_no_" + op; !slices.Contains(r.Triggers, want) {
				problem("trigger %s is missing: %s is not append-only", want, t)
			}
		}
	}
	return r, nil
}

// replayMembers reads every member, in number order, with their latest
// details.
func (s *Service) replayMembers(ctx context.Context) (map[int64]*replayed, []*replayed, error) {
	// The account is the link in force (member_links), as Admit and Link
	// read it, so a link made after admission is checked too.
	rows, err := s.db.QueryContext(ctx, `SELECT m.id, m.number, COALESCE(`+linkedAccount+`, 0), m.class, m.admitted_on
		FROM members m ORDER BY m.number`)
	if err != nil {
		return nil, nil, fmt.Errorf("society: check members: %w", err)
	}
	defer rows.Close()
	byID := map[int64]*replayed{}
	var order []*replayed
	for rows.Next() {
		m := &replayed{}
		if err := rows.Scan(&m.id, &m.number, &m.account, &m.class, &m.admittedOn); err != nil {
			return nil, nil, err
		}
		if prev := len(order) - 1; prev >= 0 && order[prev].number == m.number {
			return nil, nil, fmt.Errorf("society: check: membership number %d is used twice", m.number)
		}
		byID[m.id] = m
		order = append(order, m)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows.Close()
	crows, err := s.db.QueryContext(ctx, `SELECT member_id, name, postal_address, email, email_use, person_key
		FROM member_contacts ORDER BY member_id, effective_on, id`)
	if err != nil {
		return nil, nil, fmt.Errorf("society: check details: %w", err)
	}
	defer crows.Close()
	for crows.Next() {
		var id int64
		var c Contact
		var key string
		if err := crows.Scan(&id, &c.Name, &c.Address, &c.Email, &c.EmailUse, &key); err != nil {
			return nil, nil, err
		}
		if m := byID[id]; m != nil {
			m.contact, m.key = c, key
		}
	}
	return byID, order, crows.Err()
}

// replayEntries adds up each member's entries in date order, checking the
// rules after each.
func (s *Service) replayEntries(ctx context.Context, byID map[int64]*replayed, r *CheckReport, problem func(string, ...any)) error {
	rows, err := s.db.QueryContext(ctx, `SELECT member_id, kind, entry_on, shares, amount_minor FROM share_entries
		ORDER BY member_id, entry_on, id`)
	if err != nil {
		return fmt.Errorf("society: check ledger: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, shares, amount int64
		var kind Kind
		var on string
		if err := rows.Scan(&id, &kind, &on, &shares, &amount); err != nil {
			return err
		}
		r.Entries++
		m := byID[id]
		switch {
		case m.lastOn == "" && (kind != Allotment || on != m.admittedOn):
			problem("member %d: the first entry is a %s on %s, not the allotment on admission (%s)", m.number, kind, on, m.admittedOn)
		case m.ceasedOn != "":
			problem("member %d: a %s on %s after they ceased on %s", m.number, kind, on, m.ceasedOn)
		}
		if on < m.admittedOn {
			problem("member %d: a %s on %s, before admission on %s", m.number, kind, on, m.admittedOn)
		}
		m.shares += shares
		m.paid += amount
		if on != m.lastOn {
			m.out = 0
		}
		if shares < 0 {
			m.out -= shares
		}
		m.lastOn = on
		if m.shares < 0 || m.paid < 0 {
			problem("member %d: the holding falls below zero on %s (%d shares)", m.number, on, m.shares)
		}
		if lim := s.rules.limit(m.class); lim > 0 && m.paid > lim {
			problem("member %d: the holding of %s on %s is over the %s limit of %s", m.number, s.Format(m.paid), on, m.class, s.Format(lim))
		}
		if m.shares == 0 {
			m.ceasedOn, m.atCeasing = on, m.out
		}
	}
	for _, m := range byID {
		if m.lastOn == "" {
			problem("member %d has no share entries", m.number)
		}
	}
	return rows.Err()
}

// triggers lists the triggers on the society's tables, from each
// engine's catalogue.
func (s *Service) triggers(ctx context.Context) ([]string, error) {
	var rows *sql.Rows
	var err error
	if s.db.Dialect() == db.Postgres {
		rows, err = s.db.QueryContext(ctx, `SELECT tgname FROM pg_trigger WHERE tgrelid::regclass::text = ANY($1)
			AND NOT tgisinternal AND tgenabled <> 'D' ORDER BY tgname`, "{"+strings.Join(appendOnly, ",")+"}")
	} else {
		rows, err = s.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'trigger'
			AND tbl_name IN (SELECT value FROM json_each($1)) ORDER BY name`, `["`+strings.Join(appendOnly, `","`)+`"]`)
	}
	if err != nil {
		return nil, fmt.Errorf("society: check triggers: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, strings.TrimSpace(n))
	}
	return out, rows.Err()
}
