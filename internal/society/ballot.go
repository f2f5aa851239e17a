package society

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/valid"
)

// BallotStatus is where a ballot is in its life: a draft may be edited;
// an open ballot takes votes between its opening and closing times; a
// closed one has results.
type BallotStatus string

// The statuses of a ballot.
const (
	Draft  BallotStatus = "draft"
	Open   BallotStatus = "open"
	Closed BallotStatus = "closed"
)

// MotionKind says which majority a motion needs.
type MotionKind string

// The kinds of resolution: ordinary by a simple majority of votes for and
// against, special by the fraction the society's rules set.
const (
	Ordinary MotionKind = "ordinary"
	Special  MotionKind = "special"
)

// Method is how an election is counted.
type Method string

// The counting methods: the block vote (each voter marks up to the number
// of seats) and the single transferable vote (preferences 1, 2, 3…).
const (
	Block Method = "block"
	STV   Method = "stv"
)

// Fields of ballot refusals, beside the society's others.
const (
	FieldBallot   = "ballot"
	FieldTitle    = "title"
	FieldMeeting  = "meeting"
	FieldOpens    = "opens"
	FieldCloses   = "closes"
	FieldRecord   = "record_date"
	FieldCode     = "code"
	FieldReceipt  = "receipt"
	FieldMotions  = "motions"
	FieldChannel  = "channel"
	FieldElection = "elections"
)

// Sentinels for ballot refusals, each the Cause of a valid.Error.
var (
	// ErrNotDraft: an open or closed ballot cannot be edited or opened.
	ErrNotDraft = errors.New("society: ballot is not a draft")
	// ErrNotOpen: the ballot takes no votes now.
	ErrNotOpen = errors.New("society: ballot not open for voting")
	// ErrNotClosed: results wait for the close.
	ErrNotClosed = errors.New("society: ballot not closed")
	// ErrNotElector: the member was not on the register at the record date.
	ErrNotElector = errors.New("society: not an elector")
	// ErrAlreadyVoted: the member has voted in this ballot by some channel.
	ErrAlreadyVoted = errors.New("society: already voted")
	// ErrBadCode: no ballot has that voting code.
	ErrBadCode = errors.New("society: unknown voting code")
	// ErrCodeUsed: the voting code has been used.
	ErrCodeUsed = errors.New("society: voting code used")
	// ErrBadChoice: a choice names no motion or candidate of the ballot,
	// or breaks the election's rules.
	ErrBadChoice = errors.New("society: choice not allowed")
	// ErrBadReceipt: no paper of this voter has that receipt.
	ErrBadReceipt = errors.New("society: unknown receipt")
	// ErrNoChange: the ballot's rules do not let a vote be changed.
	ErrNoChange = errors.New("society: votes cannot be changed")
)

// Ballot is one ballot of the members, for a general meeting.
type Ballot struct {
	ID       int64
	Title    string
	Meeting  string
	OpensAt  time.Time // UTC
	ClosesAt time.Time // UTC
	// RecordDate (YYYY-MM-DD) fixes the electorate: every member on the
	// register at the close of that day, one vote each.
	RecordDate string
	// AllowChange lets online voters replace their vote until the close.
	AllowChange bool
	Status      BallotStatus
	Motions     []Motion
	Elections   []Election
	// Electors counts the electorate once the ballot is open.
	Electors int64
	// Sealed reports that the ballot was opened with its papers sealed
	// to a counting key: until the close, their marks are not stored in
	// clear, and closing needs the key.
	Sealed bool
	// sealKey is the public key that seals the papers.
	sealKey []byte
}

// Motion is a resolution put to the members.
type Motion struct {
	ID    int64
	Title string
	Body  string
	Kind  MotionKind
	// Need is the fraction of votes for and against that votes for must
	// reach (special) or pass (ordinary: 1/2, strictly more than half).
	NeedNum, NeedDen int64
}

// Election is an election of Seats from Candidates.
type Election struct {
	ID         int64
	Title      string
	Seats      int
	Method     Method
	Candidates []Candidate
}

// Candidate stands in an election.
type Candidate struct {
	ID        int64
	Name      string
	Statement string
}

// OpenAt reports whether the ballot takes votes at t.
func (b Ballot) OpenAt(t time.Time) bool {
	return b.Status == Open && !t.Before(b.OpensAt) && t.Before(b.ClosesAt)
}

// CreateBallot stores a checked draft and returns its id.
func (s *Service) CreateBallot(ctx context.Context, b Ballot, by account.Actor) (int64, error) {
	if err := checkDraft(b); err != nil {
		return 0, err
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO ballots (title, meeting, opens_at, closes_at, record_date,
			allow_change, status, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8) RETURNING id`,
			b.Title, b.Meeting, db.UTC(b.OpensAt), db.UTC(b.ClosesAt), b.RecordDate, b.AllowChange,
			db.UTC(s.now()), by.Name).Scan(&b.ID)
		if err != nil {
			return fmt.Errorf("society: create ballot: %w", err)
		}
		if err := insertItems(ctx, tx, b); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "ballot.create", ObjectType: "ballot",
			ObjectID: strconv.FormatInt(b.ID, 10), After: b})
	})
	return b.ID, err
}

// UpdateBallot replaces a draft's details, motions and elections; an
// open or closed ballot cannot be edited.
func (s *Service) UpdateBallot(ctx context.Context, b Ballot, by account.Actor) error {
	if err := checkDraft(b); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.lockedBallot(ctx, tx, b.ID, forChange)
		if err != nil {
			return err
		}
		if before.Status != Draft {
			return notDraft(before)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE ballots SET title = $2, meeting = $3, opens_at = $4, closes_at = $5,
			record_date = $6, allow_change = $7 WHERE id = $1`, b.ID, b.Title, b.Meeting, db.UTC(b.OpensAt),
			db.UTC(b.ClosesAt), b.RecordDate, b.AllowChange); err != nil {
			return fmt.Errorf("society: update ballot: %w", err)
		}
		for _, q := range []string{
			`DELETE FROM ballot_candidates WHERE election_id IN (SELECT id FROM ballot_elections WHERE ballot_id = $1)`,
			`DELETE FROM ballot_elections WHERE ballot_id = $1`,
			`DELETE FROM ballot_motions WHERE ballot_id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, q, b.ID); err != nil {
				return fmt.Errorf("society: update ballot: %w", err)
			}
		}
		if err := insertItems(ctx, tx, b); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "ballot.update", ObjectType: "ballot",
			ObjectID: strconv.FormatInt(b.ID, 10), Before: before, After: b})
	})
}

// Locks a transaction takes on a ballot before reading it, on
// PostgreSQL: transaction-scoped advisory locks on (ballotLockClass, id),
// exclusive or shared. Advisory locks live in memory; a row lock FOR
// SHARE taken by many voters at once would write a multixact into the
// ballot's row for each, which measurably slowed votes.
const (
	forChange = "pg_advisory_xact_lock"
	forVote   = "pg_advisory_xact_lock_shared"
	// ballotLockClass is the first key of every ballot's lock; any fixed
	// number unused elsewhere will do.
	ballotLockClass = 7_402_023
)

// lockedBallot reads a ballot in tx after locking it on PostgreSQL:
// editing, opening and closing take the lock alone, each vote shares it.
// So under READ COMMITTED a ballot cannot be edited while it opens, and
// closing waits for the votes in flight, which commit before the papers
// are rewritten, while any vote after it finds the ballot closed. SQLite
// has one writer, and its transactions begin IMMEDIATE, so it needs none.
func (s *Service) lockedBallot(ctx context.Context, tx *sql.Tx, id int64, mode string) (Ballot, error) {
	if s.db.Dialect() == db.Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT `+mode+`($1, $2::int)`, ballotLockClass, id); err != nil {
			return Ballot{}, fmt.Errorf("society: lock ballot %d: %w", id, err)
		}
	}
	return loadBallot(ctx, tx, id)
}

// notDraft is the refusal to change a ballot that has opened.
func notDraft(b Ballot) error {
	return valid.Error{Field: FieldBallot, Cause: ErrNotDraft,
		Message: "This ballot is " + string(b.Status) + "; only a draft can be changed or opened."}
}

// insertItems writes b's motions, elections and candidates in order.
func insertItems(ctx context.Context, tx *sql.Tx, b Ballot) error {
	for i, m := range b.Motions {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ballot_motions (ballot_id, position, title, body, kind, need_num, need_den)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, b.ID, i+1, m.Title, m.Body, string(m.Kind), m.NeedNum, m.NeedDen); err != nil {
			return fmt.Errorf("society: ballot motion: %w", err)
		}
	}
	for i, e := range b.Elections {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO ballot_elections (ballot_id, position, title, seats, method)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, b.ID, i+1, e.Title, e.Seats, string(e.Method)).Scan(&id); err != nil {
			return fmt.Errorf("society: ballot election: %w", err)
		}
		for j, c := range e.Candidates {
			if _, err := tx.ExecContext(ctx, `INSERT INTO ballot_candidates (election_id, position, name, statement)
				VALUES ($1, $2, $3, $4)`, id, j+1, c.Name, c.Statement); err != nil {
				return fmt.Errorf("society: ballot candidate: %w", err)
			}
		}
	}
	return nil
}

// Ballot is the ballot with id, its motions, elections and candidates.
func (s *Service) Ballot(ctx context.Context, id int64) (Ballot, error) {
	return loadBallot(ctx, s.db.Reader(), id)
}

// queryer is what reading a ballot needs: the database or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// loadBallot reads a whole ballot through q.
func loadBallot(ctx context.Context, q queryer, id int64) (Ballot, error) {
	var b Ballot
	err := q.QueryRowContext(ctx, `SELECT id, title, meeting, opens_at, closes_at, record_date, allow_change, status,
		(SELECT COUNT(*) FROM ballot_electors WHERE ballot_id = ballots.id), seal_key FROM ballots WHERE id = $1`, id).Scan(
		&b.ID, &b.Title, &b.Meeting, &b.OpensAt, &b.ClosesAt, &b.RecordDate, &b.AllowChange, &b.Status, &b.Electors, &b.sealKey)
	if errors.Is(err, sql.ErrNoRows) {
		return b, fmt.Errorf("society: ballot %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return b, fmt.Errorf("society: ballot %d: %w", id, err)
	}
	b.OpensAt, b.ClosesAt, b.Sealed = b.OpensAt.UTC(), b.ClosesAt.UTC(), len(b.sealKey) > 0
	rows, err := q.QueryContext(ctx, `SELECT id, title, body, kind, need_num, need_den FROM ballot_motions
		WHERE ballot_id = $1 ORDER BY position`, id)
	if err != nil {
		return b, fmt.Errorf("society: ballot motions: %w", err)
	}
	for rows.Next() {
		var m Motion
		if err := rows.Scan(&m.ID, &m.Title, &m.Body, &m.Kind, &m.NeedNum, &m.NeedDen); err != nil {
			rows.Close()
			return b, err
		}
		b.Motions = append(b.Motions, m)
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT e.id, e.title, e.seats, e.method, c.id, c.name, c.statement
		FROM ballot_elections e JOIN ballot_candidates c ON c.election_id = e.id
		WHERE e.ballot_id = $1 ORDER BY e.position, c.position`, id)
	if err != nil {
		return b, fmt.Errorf("society: ballot elections: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e Election
		var c Candidate
		if err := rows.Scan(&e.ID, &e.Title, &e.Seats, &e.Method, &c.ID, &c.Name, &c.Statement); err != nil {
			return b, err
		}
		if n := len(b.Elections); n == 0 || b.Elections[n-1].ID != e.ID {
			b.Elections = append(b.Elections, e)
		}
		last := &b.Elections[len(b.Elections)-1]
		last.Candidates = append(last.Candidates, c)
	}
	return b, rows.Err()
}

// Ballots lists every ballot, newest first, without their items.
func (s *Service) Ballots(ctx context.Context) ([]Ballot, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, title, meeting, opens_at, closes_at, record_date, allow_change, status,
		(SELECT COUNT(*) FROM ballot_electors WHERE ballot_id = ballots.id), seal_key IS NOT NULL FROM ballots
		ORDER BY opens_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("society: ballots: %w", err)
	}
	defer rows.Close()
	var out []Ballot
	for rows.Next() {
		var b Ballot
		if err := rows.Scan(&b.ID, &b.Title, &b.Meeting, &b.OpensAt, &b.ClosesAt, &b.RecordDate, &b.AllowChange,
			&b.Status, &b.Electors, &b.Sealed); err != nil {
			return nil, err
		}
		b.OpensAt, b.ClosesAt = b.OpensAt.UTC(), b.ClosesAt.UTC()
		out = append(out, b)
	}
	return out, rows.Err()
}
