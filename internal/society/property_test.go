package society_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/society"
)

// modelMember is one member as the property test saw the service accept
// them: its own record, apart from the package's SQL and replay.
type modelMember struct {
	number     int64
	class      society.Class
	admittedOn string
	contacts   []society.Contact // in the order recorded
	moves      []move            // in the order recorded
}

type move struct {
	on           string
	shares, paid int64
}

// holdingAt is the member's shares and amount paid at the close of day,
// the day of their last move, and the shares that left them that day.
func (m *modelMember) holdingAt(day string) (shares, paid int64, last string, out int64) {
	for _, mv := range m.moves {
		if mv.on <= day {
			if mv.on != last {
				out = 0
			}
			if mv.shares < 0 {
				out -= mv.shares
			}
			shares, paid, last = shares+mv.shares, paid+mv.paid, mv.on
		}
	}
	return shares, paid, last, out
}

// rowAt is the member's register line as of day, by the model.
func (m *modelMember) rowAt(day string) (society.Row, bool) {
	if m.admittedOn > day {
		return society.Row{}, false
	}
	var c society.Contact
	for _, k := range m.contacts {
		// The latest in force: by effective date, then the later recorded.
		if k.EffectiveOn <= day && k.EffectiveOn >= c.EffectiveOn {
			c = k
		}
	}
	shares, paid, last, out := m.holdingAt(day)
	r := society.Row{Number: m.number, Class: m.class, Name: c.Name, Address: c.Address, Email: c.Email,
		EmailUse: c.EmailUse, Shares: shares, Paid: paid, AdmittedOn: m.admittedOn}
	if shares == 0 {
		r.CeasedOn, r.SharesAtCeasing = last, out
	}
	return r, true
}

// TestPropertyRandomOperations runs seeded random sequences of admissions,
// allotments, withdrawals, cancellations, transmissions and changes of
// address, many of them against the rules, on both engines. After every
// sequence: the model of what was accepted never broke an invariant, the
// package's own check passes, and the register as of every day on which
// something happened (and the days between) equals the model's replay.
func TestPropertyRandomOperations(t *testing.T) {
	seeds, ops := []uint64{1, 2, 3, 4, 5, 6}, 200
	if testing.Short() {
		seeds = seeds[:2]
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		if d.Dialect() == db.Postgres {
			seeds = seeds[:3] // each operation is a round trip; fewer rounds keep it quick
		}
		for _, seed := range seeds {
			t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
				runSequence(t, newService(t, freshLike(t, d), func(r *society.Rules) {
					r.MaxIndividual, r.MaxOrganisation, r.MinimumShares = 500_00, 2000_00, 3
				}), seed, ops)
			})
		}
	})
}

// freshLike is a fresh database on d's engine.
func freshLike(t *testing.T, d *db.DB) *db.DB {
	if d.Dialect() == db.Postgres {
		return dbtest.Postgres(t)
	}
	return dbtest.SQLite(t)
}

func runSequence(t *testing.T, s *society.Service, seed uint64, ops int) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 42))
	rules := s.Rules()
	members := map[int64]*modelMember{}
	var numbers []int64
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	days := map[string]bool{}
	names := []string{"Ann Jones", "Ben Smith", "Cath Lee", "Dan Roe", "Eve Fox", "Fay Hill", "Gus Ng", "Hal Ray"}
	var accepted, refused int
	for range ops {
		// Mostly forward, sometimes back: a date before a member's last
		// entry must be refused.
		day = day.AddDate(0, 0, rng.IntN(12)-1)
		on := day.Format(time.DateOnly)
		days[on] = true
		pick := func() *modelMember {
			if len(numbers) == 0 {
				return nil
			}
			return members[numbers[rng.IntN(len(numbers))]]
		}
		var err error
		switch op := rng.IntN(10); {
		case op < 3 || len(numbers) == 0:
			name := names[rng.IntN(len(names))]
			class := society.Individual
			if rng.IntN(5) == 0 {
				class = society.Organisation
			}
			shares := int64(rng.IntN(700) + 1)
			a := society.Admission{Class: class, Shares: shares, On: on,
				Contact: society.Contact{Name: name, Address: "1 Co-op Row", EffectiveOn: on, EmailUse: society.EmailNone}}
			var m society.Member
			m, err = s.Admit(ctx, a, secretary)
			if err == nil {
				members[m.Number] = &modelMember{number: m.Number, class: class, admittedOn: on,
					contacts: []society.Contact{a.Contact}, moves: []move{{on, shares, shares * rules.Nominal}}}
				numbers = append(numbers, m.Number)
			}
		case op < 5:
			m := pick()
			n := int64(rng.IntN(300) + 1)
			_, err = s.Apply(ctx, society.Change{Member: m.number, Kind: society.Allotment, Shares: n, On: on, Reason: "buy"}, secretary)
			if err == nil {
				m.moves = append(m.moves, move{on, n, n * rules.Nominal})
			}
		case op < 8:
			m := pick()
			kind := society.Withdrawal
			if op == 7 {
				kind = society.Cancellation
			}
			held, paid, _, _ := m.holdingAt("9999-12-31")
			n := int64(rng.IntN(int(max(held, 1))+5) + 1)
			if rng.IntN(3) == 0 {
				n = held // all of them: the membership ends
			}
			_, err = s.Apply(ctx, society.Change{Member: m.number, Kind: kind, Shares: n, On: on, Reason: "sell", Resolution: "r1"}, secretary)
			if err == nil {
				amount := n * rules.Nominal
				if n == held {
					amount = paid
				}
				m.moves = append(m.moves, move{on, -n, -amount})
			}
		case op == 8:
			from, to := pick(), pick()
			held, paid, _, _ := from.holdingAt("9999-12-31")
			var toNumber int64
			if rng.IntN(2) == 0 {
				toNumber = to.number
			}
			tr := society.Transmittal{From: from.number, To: toNumber, On: on, Reason: "death"}
			if toNumber == 0 {
				tr.Estate = "the estate"
			}
			err = s.Transmit(ctx, tr, secretary)
			if err == nil {
				from.moves = append(from.moves, move{on, -held, -paid})
				if toNumber != 0 {
					to.moves = append(to.moves, move{on, held, paid})
				}
			}
		default:
			m := pick()
			c := society.Contact{Name: m.contacts[0].Name, Address: fmt.Sprintf("%d New St", rng.IntN(90)+1),
				Email: "m@example.org", EmailUse: society.EmailNotices, EffectiveOn: on}
			err = s.ChangeContact(ctx, m.number, c, secretary)
			if err == nil {
				m.contacts = append(m.contacts, c)
			}
		}
		if err == nil {
			accepted++
		} else {
			refused++
		}
	}
	if accepted < ops/4 || refused < ops/10 {
		t.Fatalf("%d accepted, %d refused: the sequence does not test both", accepted, refused)
	}
	checkModel(t, members, rules)
	r := mustCheck(t, s)
	if r.Members != len(members) {
		t.Fatalf("check saw %d members, the model %d", r.Members, len(members))
	}
	var all []string
	for d := range days {
		all = append(all, d)
	}
	slices.Sort(all)
	all = append(all, "2019-12-31", "9999-12-31")
	for _, day := range all {
		got, err := s.Register(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		var want []society.Row
		for _, n := range slices.Sorted(maps.Keys(members)) {
			if row, ok := members[n].rowAt(day); ok {
				want = append(want, row)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("register as of %s:\n got %+v\nwant %+v", day, got, want)
		}
	}
}

// checkModel walks each member's accepted moves in date order: the
// holding never fell below zero nor above the class's limit, and nothing
// was accepted after the membership ended.
func checkModel(t *testing.T, members map[int64]*modelMember, r society.Rules) {
	t.Helper()
	for _, m := range members {
		lim := r.MaxIndividual
		if m.class == society.Organisation {
			lim = r.MaxOrganisation
		}
		var shares, paid int64
		for i, mv := range m.moves {
			if i > 0 && mv.on < m.moves[i-1].on {
				t.Fatalf("member %d: a move on %s accepted after one on %s", m.number, mv.on, m.moves[i-1].on)
			}
			if i > 0 && shares == 0 {
				t.Fatalf("member %d: a move on %s accepted after they ceased", m.number, mv.on)
			}
			shares, paid = shares+mv.shares, paid+mv.paid
			if shares < 0 || paid < 0 || paid > lim {
				t.Fatalf("member %d: holding %d shares, %d paid on %s (limit %d)", m.number, shares, paid, mv.on, lim)
			}
		}
	}
}
