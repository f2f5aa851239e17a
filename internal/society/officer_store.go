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

// ErrOfficeEnded is the refusal of a second end of a term: the appointment
// has ended already, and a second end would make the register say two
// things.
var ErrOfficeEnded = errors.New("society: office already ended")

// Appoint records an appointment in the register of officers. A
// membership number, when given, must be in the register of members:
// the register of officers would otherwise point at no one.
func (s *Service) Appoint(ctx context.Context, a Appointment, by account.Actor) (Officer, error) {
	o := Officer{Name: a.Name, Office: a.Office, Address: a.Address, Member: a.Member, AppointedOn: a.On, RecordedBy: by.Name}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx); err != nil {
			return err
		}
		var member sql.NullInt64
		if a.Member != 0 {
			if _, err := memberState(ctx, tx, a.Member); err != nil {
				return err
			}
			member = sql.NullInt64{Int64: a.Member, Valid: true}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO officers (name, office, postal_address, member_number, appointed_on,
			recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			a.Name, a.Office, a.Address, member, a.On, db.UTC(s.now()), by.Name).Scan(&o.ID)
		if err != nil {
			return fmt.Errorf("society: appoint: %w", err)
		}
		return s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "society.officer_appoint", ObjectType: "officer",
			ObjectID: strconv.FormatInt(o.ID, 10), After: o})
	})
	if err != nil {
		return Officer{}, err
	}
	return o, nil
}

// EndOffice records the end of an officer's term: on or after the day of
// appointment, and once only.
func (s *Service) EndOffice(ctx context.Context, e OfficeEnd, by account.Actor) (Officer, error) {
	var o Officer
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.lock(ctx, tx); err != nil {
			return err
		}
		var err error
		if o, err = officer(ctx, tx, e.Officer); err != nil {
			return err
		}
		switch {
		case o.EndedOn != "":
			return valid.Error{Field: FieldOfficer, Cause: ErrOfficeEnded,
				Message: "This appointment ended on " + o.EndedOn + " (" + o.EndReason + "); it cannot end twice."}
		case e.On < o.AppointedOn:
			return valid.New(FieldDate, "The term cannot end before the appointment on "+o.AppointedOn+".")
		}
		before := o
		_, err = tx.ExecContext(ctx, `INSERT INTO officer_ends (officer_id, ended_on, reason, recorded_at, recorded_by)
			VALUES ($1, $2, $3, $4, $5)`, e.Officer, e.On, e.Reason, db.UTC(s.now()), by.Name)
		if db.IsUniqueViolation(err) {
			return valid.Error{Field: FieldOfficer, Cause: ErrOfficeEnded, Message: "This appointment has ended already; it cannot end twice."}
		}
		if err != nil {
			return fmt.Errorf("society: end office %d: %w", e.Officer, err)
		}
		o.EndedOn, o.EndReason = e.On, e.Reason
		return s.audit.Record(ctx, tx, account.Entry{Actor: by, Action: "society.officer_end", ObjectType: "officer",
			ObjectID: strconv.FormatInt(o.ID, 10), Before: before, After: o})
	})
	if err != nil {
		return Officer{}, err
	}
	return o, nil
}

// officerColumns and officerJoin read an appointment with its end.
const (
	officerColumns = `o.id, o.name, o.office, o.postal_address, COALESCE(o.member_number, 0), o.appointed_on,
		COALESCE(e.ended_on, ''), COALESCE(e.reason, ''), o.recorded_by`
	officerJoin = `officers o LEFT JOIN officer_ends e ON e.officer_id = o.id`
)

func scanOfficer(sc interface{ Scan(...any) error }) (Officer, error) {
	var o Officer
	err := sc.Scan(&o.ID, &o.Name, &o.Office, &o.Address, &o.Member, &o.AppointedOn, &o.EndedOn, &o.EndReason, &o.RecordedBy)
	return o, err
}

// officer reads one appointment by its number.
func officer(ctx context.Context, q db.Queryer, id int64) (Officer, error) {
	o, err := scanOfficer(q.QueryRowContext(ctx, `SELECT `+officerColumns+` FROM `+officerJoin+` WHERE o.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, valid.Error{Field: FieldOfficer, Cause: ErrNotFound,
			Message: "There is no appointment " + strconv.FormatInt(id, 10) + " in the register of officers."}
	}
	if err != nil {
		return o, fmt.Errorf("society: officer %d: %w", id, err)
	}
	return o, nil
}

// OfficerRegister is the register of officers as of the close of the day
// asOf (YYYY-MM-DD): everyone appointed by then, those holding office
// first, then former officers, each in order of appointment. An end
// recorded for a later day does not show yet, so a past day's register
// reads as it stood.
func (s *Service) OfficerRegister(ctx context.Context, asOf string) (current, former []Officer, err error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+officerColumns+`
		FROM officers o LEFT JOIN officer_ends e ON e.officer_id = o.id AND e.ended_on <= $1
		WHERE o.appointed_on <= $1 ORDER BY o.appointed_on, o.id`, asOf)
	if err != nil {
		return nil, nil, fmt.Errorf("society: officers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		o, err := scanOfficer(rows)
		if err != nil {
			return nil, nil, fmt.Errorf("society: officers: %w", err)
		}
		if o.Current() {
			current = append(current, o)
		} else {
			former = append(former, o)
		}
	}
	return current, former, rows.Err()
}

// Officers are those holding office at the close of the day asOf; one
// whose term ended that day no longer does.
func (s *Service) Officers(ctx context.Context, asOf string) ([]Officer, error) {
	current, _, err := s.OfficerRegister(ctx, asOf)
	return current, err
}

// OfficerHistory is every appointment ever recorded, current and former,
// in order of appointment, with each end recorded whatever its day.
func (s *Service) OfficerHistory(ctx context.Context) ([]Officer, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+officerColumns+` FROM `+officerJoin+` ORDER BY o.appointed_on, o.id`)
	if err != nil {
		return nil, fmt.Errorf("society: officer history: %w", err)
	}
	defer rows.Close()
	var all []Officer
	for rows.Next() {
		o, err := scanOfficer(rows)
		if err != nil {
			return nil, fmt.Errorf("society: officer history: %w", err)
		}
		all = append(all, o)
	}
	return all, rows.Err()
}
