package society

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/mail"
	"github.com/coopress/coopress/internal/valid"
)

// Outbox queues mail in the caller's transaction; *mail.Outbox is one.
type Outbox interface {
	EnqueueTx(ctx context.Context, tx *sql.Tx, m mail.Message) (int64, error)
}

// FieldRound names the reminder round in refusals.
const FieldRound = "round"

// Reminder is what a reminder mail says besides the ballot: the society's
// name and where members vote.
type Reminder struct {
	Society string
	// VoteURL is the page where a signed-in member votes (their ballots
	// under /account) and CodeURL the page for voting with a code.
	VoteURL, CodeURL string
}

// Remind queues round's reminder to every elector of an open ballot who
// has not voted and whose current email address the register lets the
// society use for notices. A member is reminded at most once per round,
// however often the round is started (a row per ballot, member and round
// is written with the mail in one transaction); it returns how many were
// queued now.
func (s *Service) Remind(ctx context.Context, ballotID int64, round int, box Outbox, rm Reminder, by account.Actor) (int, error) {
	if round < 1 || round > 100 {
		return 0, valid.New(FieldRound, "A reminder round is a number from 1 to 100.")
	}
	sent := 0
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		sent = 0
		b, err := s.votable(ctx, tx, ballotID, Choices{})
		if err != nil {
			return err
		}
		waiting, err := memberSet(ctx, tx, `SELECT e.member_number FROM ballot_electors e WHERE e.ballot_id = $1
			AND NOT EXISTS (SELECT 1 FROM ballot_voters v WHERE v.ballot_id = e.ballot_id AND v.member_number = e.member_number)
			AND NOT EXISTS (SELECT 1 FROM ballot_reminders r WHERE r.ballot_id = e.ballot_id
				AND r.member_number = e.member_number AND r.round = $2)`, ballotID, round)
		if err != nil {
			return fmt.Errorf("society: remind: %w", err)
		}
		today := s.now().In(s.location()).Format("2006-01-02")
		var to []Row
		if err := eachRegisterRow(ctx, tx, today, func(r Row) error {
			if waiting[r.Number] && r.Email != "" && r.EmailUse != EmailNone {
				to = append(to, r)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, r := range to {
			if _, err := tx.ExecContext(ctx, `INSERT INTO ballot_reminders (ballot_id, member_number, round, sent_at)
				VALUES ($1, $2, $3, $4)`, ballotID, r.Number, round, db.UTC(s.now())); err != nil {
				return fmt.Errorf("society: remind: %w", err)
			}
			if _, err := box.EnqueueTx(ctx, tx, s.reminderMail(b, r, round, rm)); err != nil {
				return fmt.Errorf("society: remind member %d: %w", r.Number, err)
			}
			sent++
		}
		return s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "ballot.remind", ObjectType: "ballot",
			ObjectID: strconv.FormatInt(ballotID, 10), After: map[string]int{"round": round, "queued": sent}})
	})
	return sent, err
}

// reminderMail is one member's reminder. It carries no voting code: a
// code in a mail that might be forwarded or read by others would let
// them vote; members who lost theirs ask the secretary.
func (s *Service) reminderMail(b Ballot, r Row, round int, rm Reminder) mail.Message {
	var t strings.Builder
	fmt.Fprintf(&t, "Dear %s,\n\nYou have not yet voted in the ballot \"%s\" (%s), which closes at %s.\n\n",
		r.Name, b.Title, b.Meeting, s.when(b.ClosesAt))
	fmt.Fprintf(&t, "Each member has one vote. You can vote online: sign in at %s, or use the voting code from your letter or email at %s. ",
		rm.VoteURL, rm.CodeURL)
	t.WriteString("If you have voted by post or at a meeting since this was sent, thank you; please ignore this reminder.\n\n")
	fmt.Fprintf(&t, "Membership number %d.\n\n%s\n", r.Number, rm.Society)
	return mail.Message{To: r.Email, Subject: "Reminder: vote in " + oneLineText(b.Title, 180), Text: t.String(),
		Kind: "ballot_reminder", Ref: fmt.Sprintf("ballot-remind:%d:%d:%d", b.ID, round, r.Number)}
}

// oneLineText folds s to one line of at most n bytes, for a subject.
func oneLineText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "")
	}
	return s
}

// NextRound is the round after the last one sent for a ballot (1 when
// none has been), for a page that offers the next reminder.
func (s *Service) NextRound(ctx context.Context, ballotID int64) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(round), 0) FROM ballot_reminders WHERE ballot_id = $1`, ballotID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("society: reminder round: %w", err)
	}
	return n + 1, nil
}
