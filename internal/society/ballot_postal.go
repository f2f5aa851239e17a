package society

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/valid"
)

// PostalCodes issues fresh voting codes for the postal papers of an open
// ballot and returns them with each member's name and postal address at
// the record date, in membership-number order. Codes are kept only as
// hashes, so a paper cannot be printed from what opening stored; instead
// each member given a paper gets a new code here and their old one (from
// the CSV of the opening) stops working. everyone false gives papers only
// to the electors with no email address the register lets the society
// use, whose code went by post anyway; true gives every elector who has
// not voted a paper, for a ballot run wholly by post. Members who have
// voted, or whose code has been used, get none.
func (s *Service) PostalCodes(ctx context.Context, id int64, everyone bool, by account.Actor) (Ballot, []VotingCode, error) {
	var b Ballot
	var codes []VotingCode
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		codes = codes[:0]
		var err error
		if b, err = s.votable(ctx, tx, id, Choices{}); err != nil {
			return err
		}
		waiting, err := memberSet(ctx, tx, `SELECT e.member_number FROM ballot_electors e WHERE e.ballot_id = $1
			AND e.code_used = FALSE AND NOT EXISTS (SELECT 1 FROM ballot_voters v
				WHERE v.ballot_id = e.ballot_id AND v.member_number = e.member_number)`, id)
		if err != nil {
			return fmt.Errorf("society: postal electors: %w", err)
		}
		if err := eachRegisterRow(ctx, tx, b.RecordDate, func(r Row) error {
			if !waiting[r.Number] || (!everyone && r.Email != "" && r.EmailUse != EmailNone) {
				return nil
			}
			codes = append(codes, VotingCode{Member: r.Number, Name: r.Name, Address: r.Address, Code: newSecret(codeBytes)})
			return nil
		}); err != nil {
			return err
		}
		for _, c := range codes {
			if _, err := tx.ExecContext(ctx, `UPDATE ballot_electors SET code_hash = $3 WHERE ballot_id = $1 AND member_number = $2`,
				id, c.Member, secretHash(hashCode, c.Code)); err != nil {
				return fmt.Errorf("society: reissue code: %w", err)
			}
		}
		return s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "ballot.postal_papers", ObjectType: "ballot",
			ObjectID: strconv.FormatInt(id, 10), After: map[string]any{"papers": len(codes), "everyone": everyone}})
	})
	return b, codes, err
}

// eachRegisterRow is EachRow inside a transaction.
func eachRegisterRow(ctx context.Context, q queryer, asOf string, fn func(Row) error) error {
	rows, err := q.QueryContext(ctx, registerQuery, asOf)
	if err != nil {
		return fmt.Errorf("society: register: %w", err)
	}
	var all []Row
	for rows.Next() {
		r, err := scanRegisterRow(rows)
		if err != nil {
			rows.Close()
			return err
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// Rows are read to the end before fn runs: on PostgreSQL a
	// transaction cannot run another statement while rows are open.
	for _, r := range all {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// EnterPostal records a returned postal paper, as a teller types it: the
// voting code printed on it and its marks. The code is used once, and
// the one-vote rule is the online vote's: a member who has voted by any
// channel, or whose code was used to vote online, is refused and nothing
// is stored. A code of another ballot is refused as unknown here. It
// returns the member the paper was for.
func (s *Service) EnterPostal(ctx context.Context, ballotID int64, code string, c Choices, by account.Actor) (member int64, err error) {
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var used bool
		var of int64
		of, member, used, err = codeHolder(ctx, tx, code)
		if err != nil {
			return err
		}
		if of != ballotID {
			return valid.Error{Field: FieldCode, Cause: ErrBadCode,
				Message: "That voting code is not one of this ballot's; check it against the paper."}
		}
		b, err := s.votable(ctx, tx, ballotID, c)
		if err != nil {
			return err
		}
		var prior Channel
		switch err := tx.QueryRowContext(ctx, `SELECT channel FROM ballot_voters WHERE ballot_id = $1 AND member_number = $2`,
			ballotID, member).Scan(&prior); {
		case err == nil:
			return alreadyVoted(member, prior)
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("society: postal paper: %w", err)
		}
		if err := spendCode(ctx, tx, ballotID, member, used); err != nil {
			return err
		}
		// The receipt is not kept or shown: the voter is not at the
		// tellers' table to be given it.
		if _, err := s.cast(ctx, tx, b, member, Postal, c); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "ballot.postal_vote", ObjectType: "ballot",
			ObjectID: strconv.FormatInt(ballotID, 10), After: map[string]int64{"member": member}})
	})
	return member, err
}

// memberSet runs query, which selects membership numbers, and returns
// them as a set.
func memberSet(ctx context.Context, q db.Queryer, query string, args ...any) (map[int64]bool, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	set := map[int64]bool{}
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		set[n] = true
	}
	return set, rows.Err()
}
