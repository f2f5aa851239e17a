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

// TestVoteRefusals: every vote the rules forbid is refused with a
// message for the person and records nothing: no voter, no paper, no
// code used; on both engines.
func TestVoteRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := ballotSociety(t, d)
		// Ceased before the record date, and one admitted after it.
		gone := admit(t, s, "Gone Before", "9 Quay St", "3", "2024-01-01")
		if _, err := s.Apply(ctx, change(society.Withdrawal, gone.Number, 3, "2026-10-01"), secretary); err != nil {
			t.Fatal(err)
		}
		late := admit(t, s, "Late Joiner", "8 Quay St", "3", "2026-11-20")
		b, ms, codes, _ := openAGM(t, s, c, 4, true)
		// Member 0 has voted online, member 1 with their code.
		receipt, err := s.Vote(ctx, b.ID, ms[0].Number, society.Online, marks(b, 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.VoteWithCode(ctx, codes[ms[1].Number], marks(b, 1)); err != nil {
			t.Fatal(err)
		}
		draft, err := s.CreateBallot(ctx, agm(false), secretary)
		if err != nil {
			t.Fatal(err)
		}
		block, stv := b.Elections[0], b.Elections[1]
		ok := marks(b, 2)
		with := func(f func(*society.Choices)) society.Choices {
			ch := marks(b, 2)
			f(&ch)
			return ch
		}
		m2 := ms[2].Number
		cases := []struct {
			name  string
			at    time.Time
			vote  func() error
			cause error
			field string
		}{
			{"before the opening", ballotOpens.Add(-time.Minute), func() error { _, err := s.Vote(ctx, b.ID, m2, society.Online, ok); return err }, society.ErrNotOpen, society.FieldBallot},
			{"at the close", ballotCloses, func() error { _, err := s.Vote(ctx, b.ID, m2, society.Postal, ok); return err }, society.ErrNotOpen, society.FieldBallot},
			{"a draft", duringVoting, func() error { _, err := s.Vote(ctx, draft, m2, society.Online, ok); return err }, society.ErrNotOpen, society.FieldBallot},
			{"a non-member", duringVoting, func() error { _, err := s.Vote(ctx, b.ID, 9999, society.Online, ok); return err }, society.ErrNotElector, society.FieldMember},
			{"admitted after the record date", duringVoting, func() error { _, err := s.Vote(ctx, b.ID, late.Number, society.Online, ok); return err }, society.ErrNotElector, society.FieldMember},
			{"ceased before the record date", duringVoting, func() error { _, err := s.Vote(ctx, b.ID, gone.Number, society.Meeting, ok); return err }, society.ErrNotElector, society.FieldMember},
			{"voted already online, now by post", duringVoting, func() error { _, err := s.Vote(ctx, b.ID, ms[0].Number, society.Postal, ok); return err }, society.ErrAlreadyVoted, society.FieldMember},
			{"voted with the code, now signed in", duringVoting, func() error { _, err := s.Vote(ctx, b.ID, ms[1].Number, society.Online, ok); return err }, society.ErrAlreadyVoted, society.FieldMember},
			{"voted signed in, now with the code", duringVoting, func() error { _, _, err := s.VoteWithCode(ctx, codes[ms[0].Number], ok); return err }, society.ErrAlreadyVoted, society.FieldMember},
			{"more choices than seats", duringVoting, func() error {
				_, err := s.Vote(ctx, b.ID, m2, society.Online, with(func(c *society.Choices) {
					c.Elections[block.ID] = []int64{block.Candidates[0].ID, block.Candidates[1].ID, block.Candidates[2].ID}
				}))
				return err
			}, society.ErrBadChoice, society.ElectionField(block.ID)},
			{"a preference twice", duringVoting, func() error {
				_, err := s.Vote(ctx, b.ID, m2, society.Online, with(func(c *society.Choices) {
					c.Elections[stv.ID] = []int64{stv.Candidates[0].ID, stv.Candidates[1].ID, stv.Candidates[0].ID}
				}))
				return err
			}, society.ErrBadChoice, society.ElectionField(stv.ID)},
			{"a candidate of another election", duringVoting, func() error {
				_, err := s.Vote(ctx, b.ID, m2, society.Online, with(func(c *society.Choices) {
					c.Elections[stv.ID] = []int64{block.Candidates[0].ID}
				}))
				return err
			}, society.ErrBadChoice, society.ElectionField(stv.ID)},
			{"an unknown election", duringVoting, func() error {
				_, err := s.Vote(ctx, b.ID, m2, society.Online, with(func(c *society.Choices) { c.Elections[99999] = []int64{1} }))
				return err
			}, society.ErrBadChoice, society.FieldElection},
			{"an unknown motion", duringVoting, func() error {
				_, err := s.Vote(ctx, b.ID, m2, society.Online, with(func(c *society.Choices) { c.Motions[99999] = society.For }))
				return err
			}, society.ErrBadChoice, society.FieldMotions},
			{"a stance that is not one", duringVoting, func() error {
				_, err := s.Vote(ctx, b.ID, m2, society.Online, with(func(c *society.Choices) { c.Motions[b.Motions[0].ID] = "maybe" }))
				return err
			}, society.ErrBadChoice, society.MotionField(b.Motions[0].ID)},
			{"a forged code", duringVoting, func() error { _, _, err := s.VoteWithCode(ctx, "ABCD-EFGH-JKMN-PQRS", ok); return err }, society.ErrBadCode, society.FieldCode},
			{"a used code", duringVoting, func() error { _, _, err := s.VoteWithCode(ctx, codes[ms[1].Number], ok); return err }, society.ErrCodeUsed, society.FieldCode},
			{"a used code, typed in lower case", duringVoting, func() error { _, _, err := s.VoteWithCode(ctx, " "+lower(codes[ms[1].Number]), ok); return err }, society.ErrCodeUsed, society.FieldCode},
			{"a change with another receipt", duringVoting, func() error { _, err := s.ChangeVote(ctx, b.ID, ms[0].Number, "AAAA-BBBB", ok); return err }, society.ErrBadReceipt, society.FieldReceipt},
			{"a change by someone who has not voted", duringVoting, func() error { _, err := s.ChangeVote(ctx, b.ID, m2, receipt, ok); return err }, society.ErrBadReceipt, society.FieldReceipt},
			{"a change after the close", ballotCloses.Add(time.Second), func() error { _, err := s.ChangeVote(ctx, b.ID, ms[0].Number, receipt, ok); return err }, society.ErrNotOpen, society.FieldBallot},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before := stored(t, d)
				c.set(tc.at)
				defer c.set(duringVoting)
				err := tc.vote()
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
			})
		}
		if n, _ := s.ReceiptCounted(ctx, b.ID, receipt); !n {
			t.Fatal("member 0's receipt is not in the count after the refusals")
		}
	})
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// TestBallotLifecycle: a draft is edited, refused when it cannot be run,
// opened with one code per elector (not the late joiner), then cannot be
// edited; a vote is changed with its receipt, the old receipt no longer
// counts; results wait for the close and then count by each motion's rule
// and the block vote.
func TestBallotLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := ballotSociety(t, d)
		bad := agm(false)
		bad.ClosesAt, bad.Motions, bad.Elections = bad.OpensAt, nil, nil
		bad.RecordDate = "2026-02-30"
		_, err := s.CreateBallot(ctx, bad, secretary)
		fields := map[string]bool{}
		for _, v := range valid.All(err) {
			fields[v.Field] = true
		}
		for _, f := range []string{society.FieldCloses, society.FieldRecord} {
			if !fields[f] {
				t.Errorf("an impossible draft was not refused at %s: %v", f, err)
			}
		}
		empty := agm(false)
		empty.Motions, empty.Elections = nil, nil
		id, err := s.CreateBallot(ctx, empty, secretary)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.OpenBallot(ctx, id, society.Sealed, secretary); err == nil {
			t.Fatal("a ballot with nothing to vote on opened")
		}
		admit(t, s, "Late Joiner", "8 Quay St", "3", "2026-11-20")
		b, ms, codes, key := openAGM(t, s, c, 5, true)
		if len(codes) != 5 || b.Electors != 5 || b.Status != society.Open {
			t.Fatalf("%d codes, %d electors, %s; want 5, 5, open", len(codes), b.Electors, b.Status)
		}
		edit := agm(true)
		edit.ID = b.ID
		if err := s.UpdateBallot(ctx, edit, secretary); !errors.Is(err, society.ErrNotDraft) {
			t.Fatalf("editing an open ballot: %v", err)
		}
		if _, err := s.Tally(ctx, b.ID); !errors.Is(err, society.ErrNotClosed) {
			t.Fatalf("results while open: %v", err)
		}
		m := func(st0, st1 society.Stance, blk ...int) society.Choices {
			ch := marks(b, 0, 1)
			ch.Motions[b.Motions[0].ID], ch.Motions[b.Motions[1].ID] = st0, st1
			ch.Elections[b.Elections[0].ID] = nil
			for _, i := range blk {
				ch.Elections[b.Elections[0].ID] = append(ch.Elections[b.Elections[0].ID], b.Elections[0].Candidates[i].ID)
			}
			return ch
		}
		// Motion 1: 2 for, 2 against, 1 abstains: no majority. Motion 2:
		// 3 for, 1 against: exactly 3/4, which a special resolution needs.
		// Block: Ann 3, Bryn 3, Cerys 2.
		first, err := s.Vote(ctx, b.ID, ms[0].Number, society.Online, m(society.Against, society.Against, 2))
		if err != nil {
			t.Fatal(err)
		}
		changed, err := s.ChangeVote(ctx, b.ID, ms[0].Number, first, m(society.For, society.For, 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		if in, _ := s.ReceiptCounted(ctx, b.ID, first); in {
			t.Fatal("the replaced paper's receipt still counts")
		}
		if in, _ := s.ReceiptCounted(ctx, b.ID, changed); !in {
			t.Fatal("the new receipt does not count")
		}
		if _, err := s.ChangeVote(ctx, b.ID, ms[0].Number, first, m(society.Against, society.Against)); !errors.Is(err, society.ErrBadReceipt) {
			t.Fatalf("a change with the spent receipt: %v", err)
		}
		votes := []struct {
			member int64
			ch     society.Channel
			marks  society.Choices
		}{
			{ms[1].Number, society.Postal, m(society.For, society.For, 0, 1)},
			{ms[2].Number, society.Meeting, m(society.Against, society.For, 0, 2)},
			{ms[3].Number, society.Online, m(society.Against, society.Against, 1, 2)},
		}
		for _, v := range votes {
			if _, err := s.Vote(ctx, b.ID, v.member, v.ch, v.marks); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := s.VoteWithCode(ctx, codes[ms[4].Number], m(society.Abstain, "")); err == nil {
			t.Fatal("an empty stance was taken")
		}
		if _, _, err := s.VoteWithCode(ctx, codes[ms[4].Number], m(society.Abstain, society.Abstain)); err != nil {
			t.Fatal(err)
		}
		if err := s.CloseBallot(ctx, b.ID, key, secretary); !errors.Is(err, society.ErrNotOpen) {
			t.Fatalf("closing before the closing time: %v", err)
		}
		c.set(afterClose)
		if err := s.CloseBallot(ctx, b.ID, key, secretary); err != nil {
			t.Fatal(err)
		}
		r, err := s.Tally(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		m0, m1 := r.Motions[0], r.Motions[1]
		if m0.For != 2 || m0.Against != 2 || m0.Abstain != 1 || m0.Passed {
			t.Errorf("motion 1: %+v; want 2-2-1, not passed", m0)
		}
		if m1.For != 3 || m1.Against != 1 || m1.Abstain != 1 || !m1.Passed {
			t.Errorf("motion 2: %+v; want 3-1-1, passed at 3/4", m1)
		}
		e := r.Elections[0]
		cs := b.Elections[0].Candidates
		if e.Votes[cs[0].ID] != 3 || e.Votes[cs[1].ID] != 3 || e.Votes[cs[2].ID] != 2 || len(e.Elected) != 2 || len(e.Tied) != 0 {
			t.Errorf("block: %v elected %v tied %v", e.Votes, e.Elected, e.Tied)
		}
		if r.Papers != 5 || r.Turnout[society.Online] != 3 || r.Turnout[society.Postal] != 1 || r.Turnout[society.Meeting] != 1 {
			t.Errorf("papers %d, turnout %v", r.Papers, r.Turnout)
		}
		if len(r.Elections[1].Preferences) != 5 {
			t.Errorf("%d STV papers; want 5", len(r.Elections[1].Preferences))
		}
		// Every paper ranks Dai Price then Eira Hughes: Dai is elected at
		// the first stage with 5 votes against a quota of 2, and the
		// surplus elects Eira.
		if s := r.Elections[1]; s.Count == nil || len(s.Elected) != 2 || s.Elected[0].Name != "Dai Price" ||
			s.Elected[1].Name != "Eira Hughes" || s.Count.Quota.Whole() != "2" {
			t.Errorf("STV: elected %v, count %+v", s.Elected, s.Count)
		}
	})
}

// TestReissueCode: a new code works and the old one stops; a member who
// has voted, a non-elector and a closed ballot get none.
func TestReissueCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := ballotSociety(t, d)
		b, ms, codes, _ := openAGM(t, s, c, 2, false)
		fresh, err := s.ReissueCode(ctx, b.ID, ms[0].Number, secretary)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.VoteWithCode(ctx, codes[ms[0].Number], marks(b, 0)); !errors.Is(err, society.ErrBadCode) {
			t.Fatalf("the old code: %v", err)
		}
		if _, _, err := s.VoteWithCode(ctx, fresh.Code, marks(b, 0)); err != nil {
			t.Fatalf("the new code: %v", err)
		}
		if _, err := s.ReissueCode(ctx, b.ID, ms[0].Number, secretary); !errors.Is(err, society.ErrAlreadyVoted) {
			t.Fatalf("a code for a member who voted: %v", err)
		}
		if _, err := s.ReissueCode(ctx, b.ID, 9999, secretary); !errors.Is(err, society.ErrNotElector) {
			t.Fatalf("a code for a non-elector: %v", err)
		}
		c.set(afterClose)
		if _, err := s.ReissueCode(ctx, b.ID, ms[1].Number, secretary); !errors.Is(err, society.ErrNotOpen) {
			t.Fatalf("a code after the close: %v", err)
		}
	})
}
