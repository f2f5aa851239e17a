package society

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/valid"
)

// The fields an officer's forms and flags add to those of the register
// of members.
const (
	FieldOffice  = "office"
	FieldOfficer = "officer"
)

// maxOffice is past any office's title ("Vice-Chair of the Board").
const maxOffice = 100

// ReasonInError is the reason that ends an appointment recorded by
// mistake: the register is append-only, so the mistake stays with its
// correction beside it.
const ReasonInError = "recorded in error"

// Officer is one appointment in the register of officers, with its end
// when it has one.
type Officer struct {
	ID      int64
	Name    string
	Office  string
	Address string // empty when not given
	// Member is the officer's membership number; 0 when not a member
	// or not given.
	Member      int64
	AppointedOn string
	// EndedOn and EndReason are empty while the officer holds office.
	EndedOn    string
	EndReason  string
	RecordedBy string
}

// Current reports whether the officer held office on the day the list
// was made for.
func (o Officer) Current() bool { return o.EndedOn == "" }

// OfficerInput is an appointment as typed, in the form or the command
// line's flags.
type OfficerInput struct {
	Name, Office, Address string
	// Member is a membership number, or empty.
	Member string
	// On is the day of appointment, YYYY-MM-DD.
	On string
}

// Appointment is a checked appointment.
type Appointment struct {
	Name, Office, Address string
	Member                int64
	On                    string
}

// ParseOfficer checks a typed appointment against every rule that needs
// no database; each field at fault gives one valid.Error, all joined.
func ParseOfficer(in OfficerInput, now time.Time, r Rules) (Appointment, error) {
	var a Appointment
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	var err error
	a.Name, err = text(FieldName, in.Name, maxName, "the officer's name", false)
	add(err)
	a.Office, err = text(FieldOffice, in.Office, maxOffice, "the office, such as Chair or Director", false)
	add(err)
	if strings.TrimSpace(in.Address) != "" {
		a.Address, err = text(FieldAddress, in.Address, maxAddress, "the postal address", true)
		add(err)
	}
	if m := strings.TrimSpace(in.Member); m != "" {
		v, perr := strconv.ParseInt(m, 10, 64)
		if perr != nil || v <= 0 {
			add(valid.New(FieldMember, "A membership number is a whole number from 1 up; leave it empty if the officer is not a member."))
		}
		a.Member = v
	}
	a.On, err = parseDate(FieldDate, in.On, now, r)
	add(err)
	return a, errors.Join(errs...)
}

// OfficeEndInput is the end of a term as typed.
type OfficeEndInput struct {
	// Officer is the appointment's number in the register of officers.
	Officer string
	On      string
	Reason  string
}

// OfficeEnd is a checked end of a term; EndOffice checks it against the
// appointment (not before it, not ended already).
type OfficeEnd struct {
	Officer int64
	On      string
	Reason  string
}

// ParseOfficeEnd checks a typed end of a term.
func ParseOfficeEnd(in OfficeEndInput, now time.Time, r Rules) (OfficeEnd, error) {
	var e OfficeEnd
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(in.Officer), 10, 64)
	if err != nil || n <= 0 {
		add(valid.New(FieldOfficer, "Give the appointment's number in the register of officers, a whole number from 1 up."))
	}
	e.Officer = n
	e.On, err = parseDate(FieldDate, in.On, now, r)
	add(err)
	e.Reason, err = text(FieldReason, in.Reason, maxReason, "the reason, such as resigned, not re-elected or "+ReasonInError, false)
	add(err)
	return e, errors.Join(errs...)
}
