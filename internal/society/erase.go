package society

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/valid"
)

// Members is what account.PersonalData needs of the society: erasing the
// account of someone who holds shares is refused. The register of
// members is the law's record (s.30 of the 2014 Act), so it keeps its
// entries whatever happens to a reader account, and a member's account
// is how they reach their holding and certificate.
type Members struct{}

// BlockErasure refuses while the person, by their account or their
// address on the register, is a member holding shares.
func (Members) BlockErasure(ctx context.Context, q db.Queryer, email string) error {
	var number int64
	err := q.QueryRowContext(ctx, `SELECT m.number FROM members m
		WHERE (`+linkedAccount+` IN (SELECT id FROM accounts WHERE lower(email) = $1)
		    OR m.id IN (SELECT member_id FROM member_contacts WHERE lower(email) = $1))
		  AND (SELECT coalesce(sum(shares), 0) FROM share_entries s WHERE s.member_id = m.id) > 0
		ORDER BY m.number LIMIT 1`, strings.ToLower(email)).Scan(&number)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("society: is %s a member: %w", email, err)
	}
	return valid.Error{Field: "account", Message: fmt.Sprintf("You are a member of the society (number %d). Your account is how you "+
		"reach your shares, so it stays while you hold them; ask the secretary about withdrawing them. The register of members "+
		"keeps its entry for you in any case, as the law requires.", number)}
}
