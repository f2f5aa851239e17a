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

// Fields of a suspension of withdrawals as typed.
const (
	FieldStartsOn   = "starts_on"
	FieldEndsOn     = "ends_on"
	FieldSuspension = "suspension"
)

// Suspension is the board's suspension of withdrawals: none is paid from
// StartsOn up to the day before EndsOn, days in the society's zone. An
// empty EndsOn is until further notice. A suspension is never changed in
// place: ending it, or moving its end, records a new Suspension that
// Replaces it.
type Suspension struct {
	ID         int64
	StartsOn   string
	EndsOn     string
	Replaces   int64
	Resolution string
	RecordedAt time.Time
	RecordedBy string
}

// covers reports whether withdrawals are suspended on day.
func (p Suspension) covers(day string) bool {
	return p.StartsOn <= day && (p.EndsOn == "" || day < p.EndsOn)
}

// overlaps reports whether p and q share a day.
func (p Suspension) overlaps(q Suspension) bool {
	return (q.EndsOn == "" || p.StartsOn < q.EndsOn) && (p.EndsOn == "" || q.StartsOn < p.EndsOn)
}

// SuspensionInput is a suspension as the secretary typed it.
type SuspensionInput struct {
	// StartsOn is the first day suspended, YYYY-MM-DD.
	StartsOn string
	// EndsOn is the first day withdrawals may be paid again; empty is
	// until further notice.
	EndsOn string
	// Resolution is the board's resolution that decided it.
	Resolution string
}

// ParseSuspension checks a new suspension typed on today (in the
// society's zone): it starts today or later (withdrawals paid before it
// stand), ends after it starts and not in the past, and names the
// board's resolution. Each field at fault gives one valid.Error.
func ParseSuspension(in SuspensionInput, now time.Time, r Rules) (Suspension, error) {
	today := r.today(now)
	var p Suspension
	var errs []error
	var err error
	if p.StartsOn, err = parseDay(FieldStartsOn, in.StartsOn, "the first day withdrawals are suspended"); err != nil {
		errs = append(errs, err)
	} else if p.StartsOn < today {
		errs = append(errs, valid.New(FieldStartsOn, "A suspension starts today ("+today+") or later: withdrawals paid before it stand."))
	}
	if strings.TrimSpace(in.EndsOn) != "" {
		if p.EndsOn, err = endDay(in.EndsOn, today); err != nil {
			errs = append(errs, err)
		} else if p.StartsOn != "" && p.EndsOn <= p.StartsOn {
			errs = append(errs, valid.New(FieldEndsOn, "The end must be after the start ("+p.StartsOn+"); leave it empty for until further notice."))
		}
	}
	if p.Resolution, err = text(FieldResolution, in.Resolution, maxName, "the board's resolution", false); err != nil {
		errs = append(errs, err)
	}
	return p, errors.Join(errs...)
}

// ParseSuspensionEnd reads a new end for a suspension, typed on today:
// empty is until further notice, else a day not in the past.
func ParseSuspensionEnd(endsOn, resolution string, now time.Time, r Rules) (end, res string, err error) {
	var errs []error
	if strings.TrimSpace(endsOn) != "" {
		if end, err = endDay(endsOn, r.today(now)); err != nil {
			errs = append(errs, err)
		}
	}
	if res, err = text(FieldResolution, resolution, maxName, "the board's resolution", false); err != nil {
		errs = append(errs, err)
	}
	return end, res, errors.Join(errs...)
}

// endDay reads the first day withdrawals may be paid again, which may be
// today (the suspension is lifted today) but not earlier.
func endDay(s, today string) (string, error) {
	d, err := parseDay(FieldEndsOn, s, "the first day withdrawals may be paid again")
	if err != nil {
		return "", err
	}
	if d < today {
		return "", valid.New(FieldEndsOn, "The end cannot be in the past; today is "+today+".")
	}
	return d, nil
}

// parseDay reads a real day, YYYY-MM-DD, past or future.
func parseDay(field, s, what string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", valid.New(field, "Enter "+what+", YYYY-MM-DD.")
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		if len(s) == 10 && s[4] == '-' && s[7] == '-' {
			return "", valid.New(field, s+" is not a day of the calendar.")
		}
		return "", valid.New(field, "Write the date as year-month-day, e.g. 2027-01-31.")
	}
	return t.Format(time.DateOnly), nil
}

// ErrOverlap says a suspension would share days with another in force.
var ErrOverlap = errors.New("society: suspensions overlap")

// Suspend records a checked suspension (ParseSuspension), refusing one
// that shares a day with a suspension in force.
func (s *Service) Suspend(ctx context.Context, p Suspension, by account.Actor) (Suspension, error) {
	return s.recordSuspension(ctx, p, by)
}

// EndSuspension gives suspension id a new end (ParseSuspensionEnd; ""
// is until further notice) by recording a suspension that replaces it,
// from the same day. An end before the start, a suspension replaced or
// over already, and an end that would run into another are refused.
func (s *Service) EndSuspension(ctx context.Context, id int64, endsOn, resolution string, by account.Actor) (Suspension, error) {
	return s.recordSuspension(ctx, Suspension{Replaces: id, EndsOn: endsOn, Resolution: resolution}, by)
}

// recordSuspension stores p under the society's lock, after checking it
// against the suspensions in force: a new one, or one replacing p.Replaces.
func (s *Service) recordSuspension(ctx context.Context, p Suspension, by account.Actor) (Suspension, error) {
	today := s.rules.today(s.now())
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx); err != nil {
			return err
		}
		inForce, err := suspensionsInForce(ctx, tx)
		if err != nil {
			return err
		}
		var before *Suspension
		if p.Replaces != 0 {
			for i := range inForce {
				if inForce[i].ID == p.Replaces {
					before = &inForce[i]
				}
			}
			if before == nil {
				return valid.Error{Field: FieldSuspension, Cause: ErrNotFound, Message: "There is no suspension " +
					strconv.FormatInt(p.Replaces, 10) + " in force; it may have been changed already."}
			}
			if before.EndsOn != "" && before.EndsOn <= today {
				return valid.Error{Field: FieldSuspension, Cause: ErrAlreadyDone,
					Message: "That suspension ended on " + before.EndsOn + " already."}
			}
			p.StartsOn = before.StartsOn
			if p.EndsOn != "" && p.EndsOn < p.StartsOn {
				return valid.New(FieldEndsOn, "The end cannot be before the suspension starts ("+p.StartsOn+").")
			}
		}
		for _, q := range inForce {
			if q.ID != p.Replaces && p.overlaps(q) && p.StartsOn != p.EndsOn {
				return valid.Error{Field: FieldEndsOn, Cause: ErrOverlap, Message: "Withdrawals are suspended already " +
					q.Period() + "; end or change that suspension rather than recording a second."}
			}
		}
		p.RecordedAt, p.RecordedBy = s.now().UTC(), by.Name
		var replaces sql.NullInt64
		if p.Replaces != 0 {
			replaces = sql.NullInt64{Int64: p.Replaces, Valid: true}
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO withdrawal_suspensions (starts_on, ends_on, replaces, resolution,
			recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			p.StartsOn, p.EndsOn, replaces, p.Resolution, db.UTC(p.RecordedAt), p.RecordedBy).Scan(&p.ID)
		if db.IsUniqueViolation(err) {
			return valid.Error{Field: FieldSuspension, Cause: ErrAlreadyDone, Message: "That suspension was changed already."}
		}
		if err != nil {
			return fmt.Errorf("society: record suspension: %w", err)
		}
		return s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "society.withdrawals_suspension",
			ObjectType: "withdrawal_suspension", ObjectID: strconv.FormatInt(p.ID, 10), Before: before, After: p})
	})
	if err != nil {
		return Suspension{}, err
	}
	return p, nil
}

// Period writes the suspension's days as people read them: "from
// 1 December 2026 until 1 March 2027", or "until further notice".
func (p Suspension) Period() string {
	out := "from " + longDay(p.StartsOn)
	if p.EndsOn == "" {
		return out + " until further notice"
	}
	return out + " until " + longDay(p.EndsOn)
}

// longDay writes a day as "1 December 2026".
func longDay(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("2 January 2006")
}

// Suspensions lists the suspensions in force (none replaces them), those
// over included, by their first day.
func (s *Service) Suspensions(ctx context.Context) ([]Suspension, error) {
	return suspensionsInForce(ctx, s.db)
}

func suspensionsInForce(ctx context.Context, q db.Queryer) ([]Suspension, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, starts_on, ends_on, COALESCE(replaces, 0), resolution, recorded_at, recorded_by
		FROM withdrawal_suspensions p WHERE NOT EXISTS (SELECT 1 FROM withdrawal_suspensions n WHERE n.replaces = p.id)
		ORDER BY starts_on, id`)
	if err != nil {
		return nil, fmt.Errorf("society: suspensions: %w", err)
	}
	defer rows.Close()
	var out []Suspension
	for rows.Next() {
		var p Suspension
		if err := rows.Scan(&p.ID, &p.StartsOn, &p.EndsOn, &p.Replaces, &p.Resolution, &p.RecordedAt, &p.RecordedBy); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// suspendedOn is the suspension that covers day, if any: a recorded one,
// or the rules' setting (WithdrawalsSuspendedFrom), which has no end.
func (s *Service) suspendedOn(ctx context.Context, q db.Queryer, day string) (Suspension, bool, error) {
	if from := s.rules.WithdrawalsSuspendedFrom; from != "" && day >= from {
		return Suspension{StartsOn: from, Resolution: "the server's setting"}, true, nil
	}
	all, err := suspensionsInForce(ctx, q)
	if err != nil {
		return Suspension{}, false, err
	}
	for _, p := range all {
		if p.covers(day) {
			return p, true, nil
		}
	}
	return Suspension{}, false, nil
}

// nextSuspension is the first suspension in force that covers day or
// starts after it, for a member's page: what stands between a request
// and its payment.
func (s *Service) nextSuspension(ctx context.Context, day string) (Suspension, bool, error) {
	if p, ok, err := s.suspendedOn(ctx, s.db, day); err != nil || ok {
		return p, ok, err
	}
	if from := s.rules.WithdrawalsSuspendedFrom; from != "" {
		return Suspension{StartsOn: from, Resolution: "the server's setting"}, true, nil
	}
	all, err := suspensionsInForce(ctx, s.db)
	if err != nil {
		return Suspension{}, false, err
	}
	for _, p := range all {
		if p.StartsOn > day {
			return p, true, nil
		}
	}
	return Suspension{}, false, nil
}

// SuspendedOn is the suspension of withdrawals that covers day
// (YYYY-MM-DD in the society's zone), if any.
func (s *Service) SuspendedOn(ctx context.Context, day string) (Suspension, bool, error) {
	return s.suspendedOn(ctx, s.db, day)
}

// SuspensionPeriod writes the terms' suspension as Suspension.Period
// does; empty when there is none.
func (t WithdrawalTerms) SuspensionPeriod() string {
	if t.SuspendedFrom == "" {
		return ""
	}
	return Suspension{StartsOn: t.SuspendedFrom, EndsOn: t.SuspendedUntil}.Period()
}
