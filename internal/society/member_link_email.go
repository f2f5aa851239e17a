package society

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/coopress/coopress/internal/account"
)

// LinkByEmail links the reader account by.ID, whose holder has just
// proved they receive mail at email (a sign-in link they followed), to
// the one member the register gives that address, so that a member who
// signs in as a reader finds their membership and their ballots without
// asking the secretary. It does nothing when the account is already
// linked to a current member, when no current member or more than one
// (a household sharing an address) has that email, or when that member is
// linked to another account: those stay for the secretary. It reports the
// member linked, 0 for none. The link is an entry in member_links,
// audited as made by the reader (by).
func (s *Service) LinkByEmail(ctx context.Context, by account.Actor, email string) (int64, error) {
	accountID := by.ID
	email = strings.ToLower(strings.TrimSpace(email))
	if accountID == 0 || email == "" {
		return 0, nil
	}
	if _, err := s.MemberOf(ctx, accountID); err == nil {
		return 0, nil
	} else if !errors.Is(err, ErrNotFound) {
		return 0, err
	}
	// Current members (holding shares) whose latest contact details give
	// this address and who are linked to no account.
	rows, err := s.db.QueryContext(ctx, `SELECT m.number FROM members m
		JOIN member_contacts c ON c.id = (SELECT c1.id FROM member_contacts c1 WHERE c1.member_id = m.id
			ORDER BY c1.effective_on DESC, c1.id DESC LIMIT 1)
		WHERE lower(c.email) = $1 AND `+linkedAccount+` IS NULL
		AND (SELECT COALESCE(SUM(e.shares), 0) FROM share_entries e WHERE e.member_id = m.id) > 0
		ORDER BY m.number LIMIT 2`, email)
	if err != nil {
		return 0, fmt.Errorf("society: members with %s: %w", email, err)
	}
	var found []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return 0, err
		}
		found = append(found, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(found) != 1 {
		return 0, err
	}
	if err := s.Link(ctx, found[0], accountID, by); err != nil {
		return 0, err
	}
	return found[0], nil
}
