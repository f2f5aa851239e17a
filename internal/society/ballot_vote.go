package society

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/valid"
)

// Vote records the vote of member in ballot by channel: online for a
// signed-in member, postal or meeting for papers the tellers enter. It
// returns the voter's receipt, shown to them once: with it they can see
// that their paper is in the count and, when the ballot allows, change
// an online vote.
//
// Who voted and the paper are written in one transaction and the voter's
// row is unique per ballot and member, so of two submissions racing, by
// any channels, exactly one is stored; the other is refused with
// ErrAlreadyVoted and leaves nothing.
func (s *Service) Vote(ctx context.Context, ballotID, member int64, ch Channel, c Choices) (string, error) {
	if ch != Online && ch != Postal && ch != Meeting {
		return "", valid.New(FieldChannel, "A vote comes online, by post or at a meeting.")
	}
	var receipt string
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		b, err := s.votable(ctx, tx, ballotID, c)
		if err != nil {
			return err
		}
		if _, err := s.elector(ctx, tx, b, member); err != nil {
			return err
		}
		receipt, err = s.cast(ctx, tx, b, member, ch, c)
		return err
	})
	if err != nil {
		return "", err
	}
	return receipt, nil
}

// VoteWithCode records an online vote made with the voting code issued
// to a member, for members with no account or email: the code is used
// once and names the ballot and the member.
func (s *Service) VoteWithCode(ctx context.Context, code string, c Choices) (ballotID int64, receipt string, err error) {
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var member int64
		var used bool
		ballotID, member, used, err = codeHolder(ctx, tx, code)
		if err != nil {
			return err
		}
		b, err := s.votable(ctx, tx, ballotID, c)
		if err != nil {
			return err
		}
		if err := spendCode(ctx, tx, ballotID, member, used); err != nil {
			return err
		}
		receipt, err = s.cast(ctx, tx, b, member, Online, c)
		return err
	})
	if err != nil {
		return 0, "", err
	}
	return ballotID, receipt, nil
}

// BallotForCode is the ballot a voting code is for, to show its form
// before the vote, and whether the code has been used (when the ballot
// lets votes change, a used code and the receipt change the vote); an
// unknown code is refused.
func (s *Service) BallotForCode(ctx context.Context, code string) (Ballot, bool, error) {
	id, _, used, err := codeHolder(ctx, s.db.Reader(), code)
	if err != nil {
		return Ballot{}, false, err
	}
	b, err := s.Ballot(ctx, id)
	return b, used, err
}

// codeHolder finds whose code it is.
func codeHolder(ctx context.Context, q queryer, code string) (ballotID, member int64, used bool, err error) {
	err = q.QueryRowContext(ctx, `SELECT ballot_id, member_number, code_used FROM ballot_electors WHERE code_hash = $1`,
		secretHash(hashCode, code)).Scan(&ballotID, &member, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, false, valid.Error{Field: FieldCode, Cause: ErrBadCode,
			Message: "That is not a voting code of any ballot; check it against your letter or email."}
	}
	if err != nil {
		return 0, 0, false, fmt.Errorf("society: voting code: %w", err)
	}
	return ballotID, member, used, nil
}

func codeUsed() error {
	return valid.Error{Field: FieldCode, Cause: ErrCodeUsed, Message: "That voting code has already been used to vote."}
}

// votable loads a ballot that takes votes now and checks c against it.
func (s *Service) votable(ctx context.Context, tx *sql.Tx, id int64, c Choices) (Ballot, error) {
	b, err := s.lockedBallot(ctx, tx, id, forVote)
	if err != nil {
		return b, err
	}
	now := s.now()
	if !b.OpenAt(now) {
		msg := "This ballot is not open for voting."
		switch {
		case b.Status == Open && now.Before(b.OpensAt):
			msg = "Voting opens at " + s.when(b.OpensAt) + "."
		case b.Status == Closed || b.Status == Open && !now.Before(b.ClosesAt):
			msg = "Voting closed at " + s.when(b.ClosesAt) + "."
		}
		return b, valid.Error{Field: FieldBallot, Cause: ErrNotOpen, Message: msg}
	}
	return b, c.check(b)
}

// elector refuses a member who was not on the register at the record
// date, and says whether they have voted already.
func (s *Service) elector(ctx context.Context, tx *sql.Tx, b Ballot, member int64) (bool, error) {
	var used bool
	err := tx.QueryRowContext(ctx, `SELECT code_used FROM ballot_electors WHERE ballot_id = $1 AND member_number = $2`,
		b.ID, member).Scan(&used)
	if errors.Is(err, sql.ErrNoRows) {
		return false, valid.Error{Field: FieldMember, Cause: ErrNotElector,
			Message: "Member " + strconv.FormatInt(member, 10) + " was not on the register of members on " + b.RecordDate +
				", the record date that fixes who may vote in this ballot."}
	}
	if err != nil {
		return false, fmt.Errorf("society: elector: %w", err)
	}
	return used, nil
}

// cast writes the voter's row and their paper; the voter's primary key
// refuses a second vote by any channel, also one racing this.
func (s *Service) cast(ctx context.Context, tx *sql.Tx, b Ballot, member int64, ch Channel, c Choices) (string, error) {
	var prior Channel
	err := tx.QueryRowContext(ctx, `SELECT channel FROM ballot_voters WHERE ballot_id = $1 AND member_number = $2`,
		b.ID, member).Scan(&prior)
	if err == nil {
		return "", alreadyVoted(member, prior)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("society: voted: %w", err)
	}
	receipt := newSecret(receiptBytes)
	var check []byte
	if ch == Online && b.AllowChange {
		check = secretHash(hashReceiptVoter, receipt)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO ballot_voters (ballot_id, member_number, channel, voted_at, receipt_check)
		VALUES ($1, $2, $3, $4, $5)`, b.ID, member, string(ch), db.UTC(s.now()), check)
	if db.IsUniqueViolation(err) {
		return "", alreadyVoted(member, "")
	}
	if err != nil {
		return "", fmt.Errorf("society: record voter: %w", err)
	}
	if err := insertPaper(ctx, tx, b, receipt, c); err != nil {
		return "", err
	}
	return receipt, nil
}

// insertPaper stores a paper under a fresh random key with its receipt's
// hash: nothing in it names the voter or the time. In a sealed ballot
// the marks are sealed to its public key and choices left empty, since
// this row is written in the same transaction as its voter's.
func insertPaper(ctx context.Context, tx *sql.Tx, b Ballot, receipt string, c Choices) error {
	id, marks := newPaperID(), c.encode()
	var sealed []byte
	if b.Sealed {
		var err error
		if sealed, err = sealMarks(b, id, marks); err != nil {
			return err
		}
		marks = ""
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO ballot_papers (id, ballot_id, receipt_hash, choices, sealed)
		VALUES ($1, $2, $3, $4, $5)`, id, b.ID, secretHash(hashReceiptPaper, receipt), marks, sealed); err != nil {
		return fmt.Errorf("society: store paper: %w", err)
	}
	return nil
}

func alreadyVoted(member int64, ch Channel) error {
	msg := "Member " + strconv.FormatInt(member, 10) + " has already voted in this ballot"
	if ch != "" {
		msg += " (" + string(ch) + ")"
	}
	return valid.Error{Field: FieldMember, Cause: ErrAlreadyVoted, Message: msg + "; each member votes once."}
}

// ChangeVote replaces an online vote before the close, when the ballot
// allows it. The member proves which paper is theirs with the receipt:
// its hash under the voter's prefix must match their row, and its hash
// under the paper's prefix finds the paper, which is deleted and a new
// one stored under a new key and a new receipt, which is returned. The
// voter's row and the paper share no value, so without the receipt
// nothing joins them; and a receipt alone changes nothing, since it must
// match the voter's own row.
func (s *Service) ChangeVote(ctx context.Context, ballotID, member int64, receipt string, c Choices) (string, error) {
	var fresh string
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		b, err := s.votable(ctx, tx, ballotID, c)
		if err != nil {
			return err
		}
		fresh, err = s.replace(ctx, tx, b, member, receipt, c)
		return err
	})
	return fresh, err
}

// ChangeVoteWithCode is ChangeVote for a member who voted with their code.
func (s *Service) ChangeVoteWithCode(ctx context.Context, code, receipt string, c Choices) (ballotID int64, fresh string, err error) {
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var member int64
		ballotID, member, _, err = codeHolder(ctx, tx, code)
		if err != nil {
			return err
		}
		b, err := s.votable(ctx, tx, ballotID, c)
		if err != nil {
			return err
		}
		fresh, err = s.replace(ctx, tx, b, member, receipt, c)
		return err
	})
	return ballotID, fresh, err
}

// replace swaps the member's paper for one with c.
func (s *Service) replace(ctx context.Context, tx *sql.Tx, b Ballot, member int64, receipt string, c Choices) (string, error) {
	if !b.AllowChange {
		return "", valid.Error{Field: FieldBallot, Cause: ErrNoChange, Message: "This ballot's rules do not let a vote be changed."}
	}
	var ch Channel
	var check []byte
	err := tx.QueryRowContext(ctx, `SELECT channel, receipt_check FROM ballot_voters WHERE ballot_id = $1 AND member_number = $2`,
		b.ID, member).Scan(&ch, &check)
	if errors.Is(err, sql.ErrNoRows) {
		return "", valid.Error{Field: FieldReceipt, Cause: ErrBadReceipt, Message: "You have not voted in this ballot yet."}
	}
	if err != nil {
		return "", fmt.Errorf("society: change vote: %w", err)
	}
	if ch != Online {
		return "", valid.Error{Field: FieldReceipt, Cause: ErrNoChange, Message: "A vote made by post or at a meeting cannot be changed."}
	}
	if !bytes.Equal(check, secretHash(hashReceiptVoter, receipt)) {
		return "", badReceipt()
	}
	fresh := newSecret(receiptBytes)
	res, err := tx.ExecContext(ctx, `UPDATE ballot_voters SET receipt_check = $3
		WHERE ballot_id = $1 AND member_number = $2 AND receipt_check = $4`, b.ID, member,
		secretHash(hashReceiptVoter, fresh), check)
	if err != nil {
		return "", fmt.Errorf("society: change vote: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return "", badReceipt()
	}
	res, err = tx.ExecContext(ctx, `DELETE FROM ballot_papers WHERE ballot_id = $1 AND receipt_hash = $2`,
		b.ID, secretHash(hashReceiptPaper, receipt))
	if err != nil {
		return "", fmt.Errorf("society: change vote: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return "", badReceipt()
	}
	return fresh, insertPaper(ctx, tx, b, fresh, c)
}

func badReceipt() error {
	return valid.Error{Field: FieldReceipt, Cause: ErrBadReceipt, Message: "That is not the receipt of your vote; copy it from the page you were shown when you voted."}
}

// ReceiptCounted reports whether a paper with receipt is in the ballot's
// count. It says only that, never the marks: a receipt that showed how
// someone voted would let them sell or be made to prove their vote.
func (s *Service) ReceiptCounted(ctx context.Context, ballotID int64, receipt string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM ballot_papers WHERE ballot_id = $1 AND receipt_hash = $2`,
		ballotID, secretHash(hashReceiptPaper, receipt)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("society: check receipt: %w", err)
	}
	return n == 1, nil
}

// when is t in the society's zone, as people write it.
func (s *Service) when(t time.Time) string {
	return t.In(s.location()).Format("15:04 on 2 January 2006 (MST)")
}

// spendCode marks member's voting code for the ballot used, in tx, or
// refuses it when it was used already (used, as read, or by a submission
// that got there first), so one code casts one paper.
func spendCode(ctx context.Context, tx *sql.Tx, ballotID, member int64, used bool) error {
	if used {
		return codeUsed()
	}
	res, err := tx.ExecContext(ctx, `UPDATE ballot_electors SET code_used = TRUE
		WHERE ballot_id = $1 AND member_number = $2 AND code_used = FALSE`, ballotID, member)
	if err != nil {
		return fmt.Errorf("society: use code: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return codeUsed()
	}
	return nil
}
