package society

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/valid"
)

// Fields of meeting refusals.
const (
	FieldPlace  = "place"
	FieldHeldOn = "held_on"
	FieldCount  = "count"
)

// ErrTooManyVotes says a meeting's count or papers exceed the members
// checked in there.
var ErrTooManyVotes = errors.New("society: more votes than members checked in")

// BallotMeeting is a regional meeting of a ballot: members present are
// checked in (each check-in is that member's one vote in the ballot),
// motions are counted there by hands or cards, and election papers cast
// there join the other papers.
type BallotMeeting struct {
	ID       int64
	BallotID int64
	Place    string
	HeldOn   string // YYYY-MM-DD
	// CheckedIn counts the members checked in; Papers the election
	// papers entered for the meeting.
	CheckedIn, Papers int64
	// Tallies are the motions' counts, by motion id.
	Tallies map[int64]MeetingCount
}

// MeetingCount is a meeting's count on one motion: numbers only, never
// who voted how.
type MeetingCount struct {
	For, Against, Abstain int64
	// Method is "hands" (a show of hands) or "cards" (a card vote).
	Method string
}

// AddMeeting adds a regional meeting to a draft or open ballot, held on
// a day within the voting time.
func (s *Service) AddMeeting(ctx context.Context, ballotID int64, place, heldOn string, by account.Actor) (int64, error) {
	place = strings.TrimSpace(place)
	heldOn = strings.TrimSpace(heldOn)
	var id int64
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		b, err := loadBallot(ctx, tx, ballotID)
		if err != nil {
			return err
		}
		if b.Status == Closed {
			return valid.Error{Field: FieldBallot, Cause: ErrNotOpen, Message: "This ballot has closed; no more meetings can be added."}
		}
		var errs []error
		if place == "" || len(place) > 200 {
			errs = append(errs, valid.New(FieldPlace, "Give the meeting's place (up to 200 characters)."))
		}
		loc := s.location()
		first, last := b.OpensAt.In(loc).Format(time.DateOnly), b.ClosesAt.In(loc).Format(time.DateOnly)
		if _, err := time.Parse(time.DateOnly, heldOn); err != nil || heldOn < first || heldOn > last {
			errs = append(errs, valid.New(FieldHeldOn, "Give the meeting's date as YYYY-MM-DD, from "+first+" to "+last+", while voting is open."))
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO ballot_meetings (ballot_id, place, held_on, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, ballotID, place, heldOn, db.UTC(s.now()), by.Name).Scan(&id); err != nil {
			return fmt.Errorf("society: add meeting: %w", err)
		}
		return s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "ballot.meeting_add", ObjectType: "ballot",
			ObjectID: strconv.FormatInt(ballotID, 10), After: map[string]any{"meeting": id, "place": place, "held_on": heldOn}})
	})
	return id, err
}

// Meetings lists a ballot's meetings by date.
func (s *Service) Meetings(ctx context.Context, ballotID int64) ([]BallotMeeting, error) {
	return loadMeetings(ctx, s.db.Reader(), `WHERE m.ballot_id = $1 ORDER BY m.held_on, m.id`, ballotID)
}

// Meeting is one meeting, with its counts.
func (s *Service) Meeting(ctx context.Context, id int64) (BallotMeeting, error) {
	ms, err := loadMeetings(ctx, s.db.Reader(), `WHERE m.id = $1`, id)
	if err != nil {
		return BallotMeeting{}, err
	}
	if len(ms) == 0 {
		return BallotMeeting{}, fmt.Errorf("society: meeting %d: %w", id, ErrNotFound)
	}
	return ms[0], nil
}

// loadMeetings reads meetings chosen by where, and their tallies.
func loadMeetings(ctx context.Context, q queryer, where string, arg int64) ([]BallotMeeting, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.id, m.ballot_id, m.place, m.held_on, m.papers,
		(SELECT COUNT(*) FROM ballot_meeting_checkins c WHERE c.meeting_id = m.id) FROM ballot_meetings m `+where, arg)
	if err != nil {
		return nil, fmt.Errorf("society: meetings: %w", err)
	}
	var out []BallotMeeting
	for rows.Next() {
		m := BallotMeeting{Tallies: map[int64]MeetingCount{}}
		if err := rows.Scan(&m.ID, &m.BallotID, &m.Place, &m.HeldOn, &m.Papers, &m.CheckedIn); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		rows, err := q.QueryContext(ctx, `SELECT motion_id, votes_for, votes_against, abstentions, method
			FROM ballot_meeting_tallies WHERE meeting_id = $1`, out[i].ID)
		if err != nil {
			return nil, fmt.Errorf("society: meeting tallies: %w", err)
		}
		for rows.Next() {
			var id int64
			var c MeetingCount
			if err := rows.Scan(&id, &c.For, &c.Against, &c.Abstain, &c.Method); err != nil {
				rows.Close()
				return nil, err
			}
			out[i].Tallies[id] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// meetingInTx loads a meeting and its ballot, which must take votes now.
func (s *Service) meetingInTx(ctx context.Context, tx *sql.Tx, id int64, c Choices) (BallotMeeting, Ballot, error) {
	ms, err := loadMeetings(ctx, tx, `WHERE m.id = $1`, id)
	if err != nil {
		return BallotMeeting{}, Ballot{}, err
	}
	if len(ms) == 0 {
		return BallotMeeting{}, Ballot{}, fmt.Errorf("society: meeting %d: %w", id, ErrNotFound)
	}
	b, err := s.votable(ctx, tx, ms[0].BallotID, c)
	return ms[0], b, err
}

// CheckIn admits member to a meeting against the register at the ballot's
// record date. The check-in is the member's vote record, channel meeting:
// one who has voted online, by post or at another meeting is refused with
// the channel they used, and so is one who was not an elector. Two
// check-ins racing, or a check-in racing an online vote, store one.
func (s *Service) CheckIn(ctx context.Context, meetingID, member int64, by account.Actor) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		m, b, err := s.meetingInTx(ctx, tx, meetingID, Choices{})
		if err != nil {
			return err
		}
		if _, err := s.elector(ctx, tx, b, member); err != nil {
			return err
		}
		var prior Channel
		switch err := tx.QueryRowContext(ctx, `SELECT channel FROM ballot_voters WHERE ballot_id = $1 AND member_number = $2`,
			b.ID, member).Scan(&prior); {
		case err == nil:
			return alreadyVoted(member, prior)
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("society: check in: %w", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO ballot_voters (ballot_id, member_number, channel, voted_at)
			VALUES ($1, $2, 'meeting', $3)`, b.ID, member, db.UTC(s.now()))
		if db.IsUniqueViolation(err) {
			return alreadyVoted(member, "")
		}
		if err != nil {
			return fmt.Errorf("society: check in: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO ballot_meeting_checkins (ballot_id, member_number, meeting_id)
			VALUES ($1, $2, $3)`, b.ID, member, m.ID); err != nil {
			return fmt.Errorf("society: check in: %w", err)
		}
		return s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "ballot.meeting_checkin", ObjectType: "ballot",
			ObjectID: strconv.FormatInt(b.ID, 10), After: map[string]int64{"meeting": m.ID, "member": member}})
	})
}

// RecordMeetingTally records a meeting's count on a motion, once: the
// votes cast (for, against, abstaining) may not exceed the members
// checked in there, and a count already recorded is never changed.
// Counts are taken while the ballot is open, not after its close.
func (s *Service) RecordMeetingTally(ctx context.Context, meetingID, motionID int64, c MeetingCount, by account.Actor) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		m, b, err := s.meetingInTx(ctx, tx, meetingID, Choices{})
		if err != nil {
			return err
		}
		found := false
		for _, mo := range b.Motions {
			found = found || mo.ID == motionID
		}
		if !found {
			return valid.Error{Field: FieldMotions, Cause: ErrBadChoice, Message: "That motion is not on this ballot."}
		}
		if _, done := m.Tallies[motionID]; done {
			return valid.Error{Field: MotionField(motionID), Cause: ErrAlreadyVoted,
				Message: "This meeting's count on the motion is already recorded; counts are never changed."}
		}
		if c.Method != "hands" && c.Method != "cards" {
			return valid.New(MotionField(motionID), "Say whether the count was a show of hands or a card vote.")
		}
		if c.For < 0 || c.Against < 0 || c.Abstain < 0 {
			return valid.New(MotionField(motionID), "Counts are whole numbers from 0.")
		}
		if total := c.For + c.Against + c.Abstain; total > m.CheckedIn {
			return valid.Error{Field: MotionField(motionID), Cause: ErrTooManyVotes, Message: fmt.Sprintf(
				"%d votes counted but only %d members are checked in at this meeting; count again.", total, m.CheckedIn)}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO ballot_meeting_tallies (meeting_id, motion_id, votes_for,
			votes_against, abstentions, method, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			m.ID, motionID, c.For, c.Against, c.Abstain, c.Method, db.UTC(s.now()), by.Name); err != nil {
			return fmt.Errorf("society: meeting tally: %w", err)
		}
		return s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "ballot.meeting_tally", ObjectType: "ballot",
			ObjectID: strconv.FormatInt(b.ID, 10), After: map[string]any{"meeting": m.ID, "motion": motionID, "count": c}})
	})
}

// MeetingPaper stores an election paper cast at a meeting. It marks
// elections only (the meeting counts motions by hands or cards), and a
// meeting takes no more papers than members checked in. The paper names
// no one: which member cast it is not known to the tellers either.
func (s *Service) MeetingPaper(ctx context.Context, meetingID int64, c Choices, by account.Actor) error {
	if len(c.Motions) > 0 {
		return valid.Error{Field: FieldMotions, Cause: ErrBadChoice,
			Message: "A meeting counts motions by hands or cards; a paper entered here marks elections only."}
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		m, b, err := s.meetingInTx(ctx, tx, meetingID, c)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE ballot_meetings SET papers = papers + 1 WHERE id = $1
			AND papers < (SELECT COUNT(*) FROM ballot_meeting_checkins WHERE meeting_id = $1)`, m.ID)
		if err != nil {
			return fmt.Errorf("society: meeting paper: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return valid.Error{Field: FieldCount, Cause: ErrTooManyVotes, Message: fmt.Sprintf(
				"This meeting has %d papers for %d members checked in; it takes no more.", m.Papers, m.CheckedIn)}
		}
		return insertPaper(ctx, tx, b, newSecret(receiptBytes), c)
	})
}

// addMeetingTallies adds every meeting's motion counts to a ballot's
// results, for Tally.
func (s *Service) addMeetingTallies(ctx context.Context, ballotID int64, motion map[int64]*MotionResult) error {
	rows, err := s.db.QueryContext(ctx, `SELECT t.motion_id, SUM(t.votes_for), SUM(t.votes_against), SUM(t.abstentions)
		FROM ballot_meeting_tallies t JOIN ballot_meetings m ON m.id = t.meeting_id
		WHERE m.ballot_id = $1 GROUP BY t.motion_id`, ballotID)
	if err != nil {
		return fmt.Errorf("society: meeting tallies: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, f, a, ab int64
		if err := rows.Scan(&id, &f, &a, &ab); err != nil {
			return err
		}
		if m := motion[id]; m != nil {
			m.For, m.Against, m.Abstain = m.For+f, m.Against+a, m.Abstain+ab
		}
	}
	return rows.Err()
}
