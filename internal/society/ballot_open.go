package society

import (
	"bytes"
	"context"
	"crypto/hpke"
	"database/sql"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/valid"
)

// VotingCode is one elector's code, as issued when the ballot opens, with
// what the secretary needs to send it by post or email.
type VotingCode struct {
	Member  int64
	Name    string
	Address string
	Email   string
	Code    string
}

// Opening is what opening a ballot hands the secretary, once: nothing
// of it but hashes and the public key is stored, so the caller must give
// it to them now.
type Opening struct {
	Ballot Ballot
	Codes  []VotingCode
	// Key opens the papers at the close when the ballot is Sealed; it is
	// zero for an Unsealed one.
	Key CountingKey
}

// OpenBallot fixes the electorate from the register at the record date
// (every member admitted by its close who had not ceased, one vote each
// whatever the holding), issues each a voting code and opens the ballot,
// which can no longer be edited. With seal Sealed it also makes the
// ballot's key pair, stores the public key that seals every paper until
// the close and returns the counting key, which the close will need.
func (s *Service) OpenBallot(ctx context.Context, id int64, seal Sealing, by account.Actor) (Opening, error) {
	var o Opening
	var pub []byte
	switch seal {
	case Sealed:
		var err error
		if o.Key, pub, err = newCountingKey(); err != nil {
			return Opening{}, err
		}
	case Unsealed:
	default:
		return Opening{}, fmt.Errorf("society: open ballot %d: say whether its papers are Sealed or Unsealed", id)
	}
	var codes []VotingCode
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		codes = codes[:0]
		b, err := s.lockedBallot(ctx, tx, id, forChange)
		if err != nil {
			return err
		}
		o.Ballot = b
		if b.Status != Draft {
			return notDraft(b)
		}
		now := s.now()
		today := now.In(s.location()).Format(time.DateOnly)
		if b.RecordDate > today {
			return valid.New(FieldRecord, "The record date "+b.RecordDate+" has not passed yet; the register must be known before the ballot opens.")
		}
		if len(b.Motions) == 0 && len(b.Elections) == 0 {
			return valid.New(FieldMotions, "Put at least one motion or election to the members before opening the ballot.")
		}
		if !now.Before(b.ClosesAt) {
			return valid.New(FieldCloses, "This ballot's closing time has passed; change it before opening.")
		}
		err = eachRegisterRow(ctx, tx, b.RecordDate, func(r Row) error {
			if r.Shares > 0 {
				email := r.Email
				if r.EmailUse == EmailNone {
					email = ""
				}
				codes = append(codes, VotingCode{Member: r.Number, Name: r.Name, Address: r.Address, Email: email,
					Code: newSecret(codeBytes)})
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("society: electorate: %w", err)
		}
		for _, c := range codes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO ballot_electors (ballot_id, member_number, code_hash)
				VALUES ($1, $2, $3)`, id, c.Member, secretHash(hashCode, c.Code)); err != nil {
				return fmt.Errorf("society: issue code: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE ballots SET status = 'open', seal_key = $2 WHERE id = $1`, id, pub); err != nil {
			return fmt.Errorf("society: open ballot: %w", err)
		}
		return s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "ballot.open", ObjectType: "ballot",
			ObjectID: strconv.FormatInt(id, 10), After: map[string]any{"electors": len(codes), "sealed": pub != nil}})
	})
	if err != nil {
		return Opening{}, err
	}
	o.Codes = codes
	o.Ballot.Status, o.Ballot.Electors, o.Ballot.Sealed, o.Ballot.sealKey = Open, int64(len(o.Codes)), pub != nil, pub
	return o, nil
}

// CloseBallot closes a ballot whose closing time has passed, after which
// its results may be read. A Sealed ballot needs its counting key: a
// missing key, another ballot's, or a paper that does not open with it
// is refused and nothing changes. In one transaction it opens every
// paper and rewrites them all in clear in the order of their random
// keys: a PostgreSQL heap keeps rows in the order they were written, and
// each row's xmin names the transaction that wrote it, which is also its
// voter's; once closed, neither follows the voters.
func (s *Service) CloseBallot(ctx context.Context, id int64, key CountingKey, by account.Actor) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		b, err := s.lockedBallot(ctx, tx, id, forChange)
		if err != nil {
			return err
		}
		if b.Status != Open {
			return valid.Error{Field: FieldBallot, Cause: ErrNotOpen, Message: "Only an open ballot can be closed; this one is " + string(b.Status) + "."}
		}
		if s.now().Before(b.ClosesAt) {
			return valid.Error{Field: FieldBallot, Cause: ErrNotOpen,
				Message: "Voting runs until " + s.when(b.ClosesAt) + "; the ballot closes then."}
		}
		priv, err := key.opener(b)
		if err != nil {
			return err
		}
		if err := resealPapers(ctx, tx, b, priv); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE ballots SET status = 'closed' WHERE id = $1`, id); err != nil {
			return fmt.Errorf("society: close ballot: %w", err)
		}
		return s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "ballot.close", ObjectType: "ballot",
			ObjectID: strconv.FormatInt(id, 10)})
	})
}

// paper is one stored ballot paper.
type paper struct {
	id, receipt, sealed []byte
	choices             string
}

// resealPapers deletes a ballot's papers and writes them again in key
// order, with the marks in clear: a sealed paper is opened with priv,
// and one that does not open fails the whole close.
func resealPapers(ctx context.Context, tx *sql.Tx, b Ballot, priv hpke.PrivateKey) error {
	rows, err := tx.QueryContext(ctx, `DELETE FROM ballot_papers WHERE ballot_id = $1
		RETURNING id, receipt_hash, choices, sealed`, b.ID)
	if err != nil {
		return fmt.Errorf("society: reseal: %w", err)
	}
	var ps []paper
	for rows.Next() {
		var p paper
		if err := rows.Scan(&p.id, &p.receipt, &p.choices, &p.sealed); err != nil {
			rows.Close()
			return err
		}
		ps = append(ps, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	slices.SortFunc(ps, func(a, b paper) int { return bytes.Compare(a.id, b.id) })
	if err := openPapers(b, priv, ps); err != nil {
		return err
	}
	for _, p := range ps {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ballot_papers (id, ballot_id, receipt_hash, choices) VALUES ($1, $2, $3, $4)`,
			p.id, b.ID, p.receipt, p.choices); err != nil {
			return fmt.Errorf("society: reseal: %w", err)
		}
	}
	return nil
}

// openPapers opens the sealed papers among ps with priv, on every core:
// each takes a tenth of a millisecond, a long wait for 100,000 papers.
func openPapers(b Ballot, priv hpke.PrivateKey, ps []paper) error {
	workers := min(runtime.GOMAXPROCS(0), len(ps)/256+1)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(ps); i += workers {
				p := &ps[i]
				if p.sealed == nil {
					continue
				}
				if priv == nil {
					errs[w] = fmt.Errorf("society: ballot %d holds a sealed paper but has no sealing key", b.ID)
					return
				}
				var err error
				if p.choices, err = openMarks(b, priv, p.id, p.sealed); err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// location is the society's zone.
func (s *Service) location() *time.Location {
	if s.rules.Location != nil {
		return s.rules.Location
	}
	return time.UTC
}

// Turnout is who has voted in a ballot and by which channel, never how.
type Turnout struct {
	Electors  int64
	ByChannel map[Channel]int64
	Voters    []Voter
}

// Voter is one member who voted.
type Voter struct {
	Member  int64
	Channel Channel
	At      time.Time
}

// Turnout lists a ballot's voters in membership-number order.
func (s *Service) Turnout(ctx context.Context, id int64) (Turnout, error) {
	b, err := s.Ballot(ctx, id)
	if err != nil {
		return Turnout{}, err
	}
	t := Turnout{Electors: b.Electors, ByChannel: map[Channel]int64{}}
	rows, err := s.db.QueryContext(ctx, `SELECT member_number, channel, voted_at FROM ballot_voters
		WHERE ballot_id = $1 ORDER BY member_number`, id)
	if err != nil {
		return t, fmt.Errorf("society: turnout: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v Voter
		if err := rows.Scan(&v.Member, &v.Channel, &v.At); err != nil {
			return t, err
		}
		v.At = v.At.UTC()
		t.ByChannel[v.Channel]++
		t.Voters = append(t.Voters, v)
	}
	return t, rows.Err()
}

// ReissueCode gives an elector a new voting code while the ballot is
// open, for a letter lost in the post or a CSV lost before mailing; the
// old code stops working. A member who has voted, or whose code has been
// used, gets none: they need none.
func (s *Service) ReissueCode(ctx context.Context, ballotID, member int64, by account.Actor) (VotingCode, error) {
	vc := VotingCode{Member: member, Code: newSecret(codeBytes)}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		b, err := s.lockedBallot(ctx, tx, ballotID, forVote)
		if err != nil {
			return err
		}
		if b.Status != Open || !s.now().Before(b.ClosesAt) {
			return valid.Error{Field: FieldBallot, Cause: ErrNotOpen, Message: "Codes can be issued again only while the ballot is open."}
		}
		used, err := s.elector(ctx, tx, b, member)
		if err != nil {
			return err
		}
		var voted int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ballot_voters WHERE ballot_id = $1 AND member_number = $2`,
			ballotID, member).Scan(&voted); err != nil {
			return fmt.Errorf("society: reissue code: %w", err)
		}
		if used || voted > 0 {
			return alreadyVoted(member, "")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE ballot_electors SET code_hash = $3 WHERE ballot_id = $1 AND member_number = $2`,
			ballotID, member, secretHash(hashCode, vc.Code)); err != nil {
			return fmt.Errorf("society: reissue code: %w", err)
		}
		return s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "ballot.reissue_code", ObjectType: "ballot",
			ObjectID: strconv.FormatInt(ballotID, 10), After: map[string]int64{"member": member}})
	})
	if err != nil {
		return VotingCode{}, err
	}
	return vc, nil
}
