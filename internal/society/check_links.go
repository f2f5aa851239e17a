package society

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// checkWithdrawals: every paid withdrawal request has its own withdrawal
// entry in the share ledger, of the member who asked, for the shares
// asked for (for every share: the entry leaves none), and no entry pays
// two requests.
func (s *Service) checkWithdrawals(ctx context.Context, problem func(string, ...any)) error {
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, rm.number, r.shares, d.share_entry_id, COALESCE(e.id, 0),
		COALESCE(e.member_id, 0), COALESCE(em.number, 0), COALESCE(e.kind, ''), COALESCE(e.shares, 0), COALESCE(e.entry_on, '')
		FROM withdrawal_decisions d JOIN withdrawal_requests r ON r.id = d.request_id JOIN members rm ON rm.id = r.member_id
		LEFT JOIN share_entries e ON e.id = d.share_entry_id LEFT JOIN members em ON em.id = e.member_id
		WHERE d.outcome = 'paid' ORDER BY r.id`)
	if err != nil {
		return fmt.Errorf("society: check withdrawals: %w", err)
	}
	defer rows.Close()
	type all struct{ request, number, entry, memberID int64 }
	var alls []all
	paying := map[int64][]string{}
	var entries []int64
	for rows.Next() {
		var req, number, asked, ref, entry, memberID, owner, shares int64
		var kind Kind
		var on string
		if err := rows.Scan(&req, &number, &asked, &ref, &entry, &memberID, &owner, &kind, &shares, &on); err != nil {
			return err
		}
		what := fmt.Sprintf("withdrawal request %d (member %d)", req, number)
		switch {
		case entry == 0:
			problem("%s: paid by ledger entry %d, which is not in the share ledger", what, ref)
			continue
		case owner != number:
			problem("%s: paid by ledger entry %d, which is member %d's", what, entry, owner)
		case kind != Withdrawal:
			problem("%s: paid by ledger entry %d (%s on %s), not a withdrawal", what, entry, kind, on)
		case asked > 0 && -shares != asked:
			problem("%s: for %s, but ledger entry %d on %s withdrew %d", what, plural(asked, "share"), entry, on, -shares)
		case asked == 0:
			alls = append(alls, all{req, number, entry, memberID})
		}
		if len(paying[entry]) == 0 {
			entries = append(entries, entry)
		}
		paying[entry] = append(paying[entry], strconv.FormatInt(req, 10))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	for _, e := range entries {
		if reqs := paying[e]; len(reqs) > 1 {
			problem("ledger entry %d pays %d withdrawal requests (%s)", e, len(reqs), strings.Join(reqs, ", "))
		}
	}
	// A request for every share must have emptied the holding; few ask
	// for all, so each is summed on its own.
	for _, a := range alls {
		var left int64
		err := s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(x.shares), 0) FROM share_entries x, share_entries e
			WHERE e.id = $1 AND x.member_id = $2 AND (x.entry_on < e.entry_on OR (x.entry_on = e.entry_on AND x.id <= e.id))`,
			a.entry, a.memberID).Scan(&left)
		if err != nil {
			return fmt.Errorf("society: check withdrawal %d: %w", a.request, err)
		}
		if left != 0 {
			problem("withdrawal request %d (member %d): for every share, but after ledger entry %d the member still holds %s",
				a.request, a.number, a.entry, plural(left, "share"))
		}
	}
	return nil
}

// checkAccounts: a member linked to a reader account, at admission or by
// a later link, points at an account that exists.
func (s *Service) checkAccounts(ctx context.Context, problem func(string, ...any)) error {
	for _, q := range []struct{ sql, format string }{
		{`SELECT m.number, 0, m.account_id FROM members m WHERE m.account_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = m.account_id) ORDER BY m.number`,
			"member %d: linked at admission to account %[3]d, which does not exist"},
		{`SELECT m.number, l.id, l.account_id FROM member_links l JOIN members m ON m.id = l.member_id
			WHERE l.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = l.account_id) ORDER BY l.id`,
			"member %d: link %d points at account %d, which does not exist"},
	} {
		rows, err := s.db.QueryContext(ctx, q.sql)
		if err != nil {
			return fmt.Errorf("society: check accounts: %w", err)
		}
		for rows.Next() {
			var number, link, acct int64
			if err := rows.Scan(&number, &link, &acct); err != nil {
				rows.Close()
				return err
			}
			problem(q.format, number, link, acct)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// checkOfficers: no officer's term ends before it began, and none ends
// twice (the UNIQUE on officer_ends refuses it; this finds it if the
// constraint is ever lost).
func (s *Service) checkOfficers(ctx context.Context, problem func(string, ...any)) error {
	rows, err := s.db.QueryContext(ctx, `SELECT o.id, o.name, o.office, o.appointed_on, e.id, e.ended_on
		FROM officers o JOIN officer_ends e ON e.officer_id = o.id ORDER BY o.id, e.id`)
	if err != nil {
		return fmt.Errorf("society: check officers: %w", err)
	}
	defer rows.Close()
	ends := map[int64][]string{}
	var ids []int64
	names := map[int64]string{}
	for rows.Next() {
		var id, end int64
		var name, office, from, to string
		if err := rows.Scan(&id, &name, &office, &from, &end, &to); err != nil {
			return err
		}
		label := fmt.Sprintf("officer %d (%s, %s)", id, name, office)
		if to < from {
			problem("%s: the term ends on %s (end %d), before the appointment on %s", label, to, end, from)
		}
		if len(ends[id]) == 0 {
			ids = append(ids, id)
		}
		ends[id] = append(ends[id], to)
		names[id] = label
	}
	if err := rows.Err(); err != nil {
		return err
	}
	slices.Sort(ids)
	for _, id := range ids {
		if len(ends[id]) > 1 {
			problem("%s: the term is ended %d times (%s)", names[id], len(ends[id]), strings.Join(ends[id], ", "))
		}
	}
	return nil
}
