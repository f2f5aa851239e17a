package society_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/valid"
)

// channelsBallot is an open AGM with six electors: member 0 voted signed
// in, member 1 with their code, member 4 by a postal paper; member 3 is
// checked in at a meeting, which has counted motion 1 (1 for) and taken
// one election paper. postal are the papers' codes by member (2 to 5),
// old the codes of the opening.
type channelsBallot struct {
	b            society.Ballot
	ms           []society.Member
	old, postal  map[int64]string
	meeting      int64
	late         society.Member
	paperChoices society.Choices
	key          society.CountingKey
}

func openChannels(t *testing.T, s *society.Service, c *clock) channelsBallot {
	t.Helper()
	ctx := context.Background()
	var cb channelsBallot
	cb.late = admit(t, s, "Late Joiner", "8 Quay St", "3", "2026-11-20")
	cb.b, cb.ms, cb.old, cb.key = openAGM(t, s, c, 6, false)
	b := cb.b
	if _, err := s.Vote(ctx, b.ID, cb.ms[0].Number, society.Online, marks(b, 0)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.VoteWithCode(ctx, cb.old[cb.ms[1].Number], marks(b, 1)); err != nil {
		t.Fatal(err)
	}
	_, codes, err := s.PostalCodes(ctx, b.ID, true, secretary)
	if err != nil {
		t.Fatal(err)
	}
	cb.postal = map[int64]string{}
	for _, vc := range codes {
		cb.postal[vc.Member] = vc.Code
	}
	if len(codes) != 4 || cb.postal[cb.ms[0].Number] != "" || cb.postal[cb.ms[1].Number] != "" {
		t.Fatalf("papers for %v; want members 2 to 5 only, who had not voted", codes)
	}
	if _, err := s.EnterPostal(ctx, b.ID, cb.postal[cb.ms[4].Number], marks(b, 2), secretary); err != nil {
		t.Fatal(err)
	}
	if cb.meeting, err = s.AddMeeting(ctx, b.ID, "Swansea, Dylan Thomas Centre", "2026-12-05", secretary); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckIn(ctx, cb.meeting, cb.ms[3].Number, secretary); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordMeetingTally(ctx, cb.meeting, b.Motions[0].ID, society.MeetingCount{For: 1, Method: "hands"}, secretary); err != nil {
		t.Fatal(err)
	}
	cb.paperChoices = society.Choices{Elections: map[int64][]int64{b.Elections[1].ID: {b.Elections[1].Candidates[3].ID}}}
	if err := s.MeetingPaper(ctx, cb.meeting, cb.paperChoices, secretary); err != nil {
		t.Fatal(err)
	}
	return cb
}

// TestPostalAndMeetingRefusals: every paper, check-in, count and meeting
// the rules forbid is refused with a message beside its field and
// changes nothing, on both engines.
func TestPostalAndMeetingRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := ballotSociety(t, d)
		cb := openChannels(t, s, c)
		b, ms := cb.b, cb.ms
		ok := marks(b, 2)
		postal := func(code string) func() error {
			return func() error { _, err := s.EnterPostal(ctx, b.ID, code, ok, secretary); return err }
		}
		checkIn := func(m int64) func() error { return func() error { return s.CheckIn(ctx, cb.meeting, m, secretary) } }
		tally := func(mc society.MeetingCount, motion int64) func() error {
			return func() error { return s.RecordMeetingTally(ctx, cb.meeting, motion, mc, secretary) }
		}
		m0, m1 := b.Motions[0].ID, b.Motions[1].ID
		c.set(today)
		other, err := s.CreateBallot(ctx, agm(false), secretary)
		if err != nil {
			t.Fatal(err)
		}
		otherOpening, err := s.OpenBallot(ctx, other, society.Sealed, secretary)
		if err != nil {
			t.Fatal(err)
		}
		c.set(duringVoting)
		cases := []struct {
			name  string
			at    time.Time
			do    func() error
			cause error
			field string
		}{
			{"paper with a code used online", duringVoting, postal(cb.old[ms[1].Number]), society.ErrAlreadyVoted, society.FieldMember},
			{"paper of a member who voted signed in", duringVoting, postal(cb.old[ms[0].Number]), society.ErrAlreadyVoted, society.FieldMember},
			{"paper of a member checked in at a meeting", duringVoting, postal(cb.postal[ms[3].Number]), society.ErrAlreadyVoted, society.FieldMember},
			{"the same paper entered twice", duringVoting, postal(cb.postal[ms[4].Number]), society.ErrAlreadyVoted, society.FieldMember},
			{"the opening's code, replaced by the paper's", duringVoting, postal(cb.old[ms[2].Number]), society.ErrBadCode, society.FieldCode},
			{"a forged code", duringVoting, postal("ABCD-EFGH-JKMN-PQRS"), society.ErrBadCode, society.FieldCode},
			{"a code of another ballot", duringVoting, postal(otherOpening.Codes[0].Code), society.ErrBadCode, society.FieldCode},
			{"a paper after the close", ballotCloses, postal(cb.postal[ms[2].Number]), society.ErrNotOpen, society.FieldBallot},
			{"a paper with too many choices", duringVoting, func() error {
				bad := marks(b, 2)
				bad.Elections[b.Elections[0].ID] = []int64{b.Elections[0].Candidates[0].ID, b.Elections[0].Candidates[1].ID, b.Elections[0].Candidates[2].ID}
				_, err := s.EnterPostal(ctx, b.ID, cb.postal[ms[2].Number], bad, secretary)
				return err
			}, society.ErrBadChoice, society.ElectionField(b.Elections[0].ID)},
			{"check-in of a member who voted online", duringVoting, checkIn(ms[0].Number), society.ErrAlreadyVoted, society.FieldMember},
			{"check-in of a member who voted by post", duringVoting, checkIn(ms[4].Number), society.ErrAlreadyVoted, society.FieldMember},
			{"check-in twice", duringVoting, checkIn(ms[3].Number), society.ErrAlreadyVoted, society.FieldMember},
			{"check-in of a non-member", duringVoting, checkIn(9999), society.ErrNotElector, society.FieldMember},
			{"check-in of one admitted after the record date", duringVoting, checkIn(cb.late.Number), society.ErrNotElector, society.FieldMember},
			{"check-in after the close", ballotCloses.Add(time.Hour), checkIn(ms[5].Number), society.ErrNotOpen, society.FieldBallot},
			{"a count after the close", ballotCloses.Add(time.Hour), tally(society.MeetingCount{For: 1, Method: "hands"}, m1), society.ErrNotOpen, society.FieldBallot},
			{"more votes than members checked in", duringVoting, tally(society.MeetingCount{For: 1, Against: 1, Method: "cards"}, m1), society.ErrTooManyVotes, society.MotionField(m1)},
			{"a motion counted twice", duringVoting, tally(society.MeetingCount{Against: 1, Method: "hands"}, m0), society.ErrAlreadyVoted, society.MotionField(m0)},
			{"a motion of no ballot", duringVoting, tally(society.MeetingCount{For: 1, Method: "hands"}, 99999), society.ErrBadChoice, society.FieldMotions},
			{"more papers than members checked in", duringVoting, func() error { return s.MeetingPaper(ctx, cb.meeting, cb.paperChoices, secretary) }, society.ErrTooManyVotes, society.FieldCount},
			{"a meeting paper marking a motion", duringVoting, func() error { return s.MeetingPaper(ctx, cb.meeting, ok, secretary) }, society.ErrBadChoice, society.FieldMotions},
			{"a meeting added after the close", ballotCloses.Add(time.Hour), func() error {
				if err := s.CloseBallot(ctx, b.ID, cb.key, secretary); err != nil {
					return err
				}
				_, err := s.AddMeeting(ctx, b.ID, "Cardiff", "2026-12-06", secretary)
				return err
			}, society.ErrNotOpen, society.FieldBallot},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before := stored(t, d)
				meetings, err := s.Meetings(ctx, b.ID)
				if err != nil {
					t.Fatal(err)
				}
				c.set(tc.at)
				defer c.set(duringVoting)
				err = tc.do()
				if !errors.Is(err, tc.cause) {
					t.Fatalf("err = %v; want %v", err, tc.cause)
				}
				v, ok := valid.As(err)
				if !ok || v.Field != tc.field || v.Message == "" {
					t.Fatalf("refusal %#v; want one for field %q with a message", v, tc.field)
				}
				if after := stored(t, d); after != before {
					t.Fatalf("voters, papers, used codes went from %v to %v", before, after)
				}
				if after, _ := s.Meetings(ctx, b.ID); len(after) != 1 || after[0].CheckedIn != meetings[0].CheckedIn ||
					after[0].Papers != meetings[0].Papers || len(after[0].Tallies) != len(meetings[0].Tallies) {
					t.Fatalf("meetings went from %+v to %+v", meetings, after)
				}
			})
		}
	})
}

// TestPostalMeetingRaces: a member's postal paper entered as they vote
// online, and a check-in as they vote online: one of each pair is
// stored, round after round, on both engines.
func TestPostalMeetingRaces(t *testing.T) {
	const rounds = 6
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := ballotSociety(t, d)
		b, ms, _, _ := openAGM(t, s, c, rounds*3, false)
		_, codes, err := s.PostalCodes(ctx, b.ID, true, secretary)
		if err != nil {
			t.Fatal(err)
		}
		code := map[int64]string{}
		for _, vc := range codes {
			code[vc.Member] = vc.Code
		}
		meeting, err := s.AddMeeting(ctx, b.ID, "Leeds", "2026-12-03", secretary)
		if err != nil {
			t.Fatal(err)
		}
		paper := marks(b, 1, 0)
		online := func(m int64) func() error {
			return func() error { _, err := s.Vote(ctx, b.ID, m, society.Online, paper); return err }
		}
		for i := range rounds {
			m := ms[3*i].Number
			t.Run("postal, online", func(t *testing.T) {
				oneWins(t, race(func() error { _, err := s.EnterPostal(ctx, b.ID, code[m], paper, secretary); return err }, online(m)), society.ErrAlreadyVoted)
			})
			m = ms[3*i+1].Number
			t.Run("check-in, online", func(t *testing.T) {
				oneWins(t, race(func() error { return s.CheckIn(ctx, meeting, m, secretary) }, online(m)), society.ErrAlreadyVoted)
			})
			m = ms[3*i+2].Number
			t.Run("postal, check-in", func(t *testing.T) {
				oneWins(t, race(func() error { _, err := s.EnterPostal(ctx, b.ID, code[m], paper, secretary); return err },
					func() error { return s.CheckIn(ctx, meeting, m, secretary) }), society.ErrAlreadyVoted)
			})
		}
		tn, err := s.Turnout(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(tn.Voters) != rounds*3 {
			t.Fatalf("%d voters; want %d", len(tn.Voters), rounds*3)
		}
	})
}
