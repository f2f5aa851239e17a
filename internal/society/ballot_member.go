package society

import (
	"context"
	"fmt"
)

// MemberBallot is a ballot a member may vote in, and whether they have.
type MemberBallot struct {
	Ballot Ballot
	Member int64
	Voted  bool
}

// BallotsFor lists the open ballots in which the members linked to a
// reader account are electors, soonest closing first. The link is the
// one in force (member_links), so a member the secretary linked after
// admission votes too, and one unlinked does not.
func (s *Service) BallotsFor(ctx context.Context, accountID int64) ([]MemberBallot, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT b.id, e.member_number,
			EXISTS (SELECT 1 FROM ballot_voters v WHERE v.ballot_id = b.id AND v.member_number = e.member_number)
		FROM members m JOIN ballot_electors e ON e.member_number = m.number
		JOIN ballots b ON b.id = e.ballot_id
		WHERE `+linkedAccount+` = $1 AND b.status = 'open' ORDER BY b.closes_at, b.id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("society: member's ballots: %w", err)
	}
	type row struct {
		id, member int64
		voted      bool
	}
	var rs []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.member, &r.voted); err != nil {
			rows.Close()
			return nil, err
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	var out []MemberBallot
	for _, r := range rs {
		b, err := s.Ballot(ctx, r.id)
		if err != nil {
			return nil, err
		}
		if now.Before(b.ClosesAt) {
			out = append(out, MemberBallot{Ballot: b, Member: r.member, Voted: r.voted})
		}
	}
	return out, nil
}
