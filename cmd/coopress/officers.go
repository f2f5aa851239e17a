package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/society"
)

func init() {
	commands["officers"] = &command{summary: "the register of officers as of a date", run: officersShow,
		about: "Those in office at the close of --as-of, then former officers with the day and reason their term ended;\n" +
			"as text, CSV or PDF (--format pdf --out FILE: the file is written whole or not at all).\n" +
			"The register of officers is kept apart from the register of members; docs/society.md."}
	commands["officer"] = &command{summary: "the register of officers: appoint, end", subs: map[string]*command{
		"appoint": {summary: "record an officer's appointment", run: officerAppoint,
			about: "The office is as the society's rules name it: Chair, Secretary, Treasurer, Director. Nothing is ever\n" +
				"edited: an appointment recorded by mistake is ended with --reason \"" + society.ReasonInError + "\"."},
		"end": {summary: "record the end of an officer's term", run: officerEnd,
			about: "--id is the appointment's number, as coopress officers lists it. A term ends once, on or after\n" +
				"the day of appointment."},
	}}
}

func officersShow(ctx context.Context, inv *invocation, args []string) error {
	return showRegister(ctx, inv, args, "the register of officers", registerWriters{
		text: func(s *society.Service, w io.Writer, day string) error {
			current, former, err := s.OfficerRegister(ctx, day)
			if err != nil {
				return err
			}
			return writeOfficersText(w, day, current, former)
		},
		csv: func(s *society.Service, w io.Writer, day string) error { return s.WriteOfficersCSV(ctx, w, day) },
		pdf: func(s *society.Service, w io.Writer, day string, o society.RegisterPDF) error {
			return s.WriteOfficersPDF(ctx, w, day, o)
		},
	})
}

// writeOfficersText writes the register of officers as tables for a
// terminal.
func writeOfficersText(out io.Writer, day string, current, former []society.Officer) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "Register of officers as of %s\n\nIn office:\n", day)
	fmt.Fprintln(w, "ID\tNAME\tOFFICE\tAPPOINTED\tMEMBER\tADDRESS")
	for _, o := range current {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", o.ID, o.Name, o.Office, o.AppointedOn, memberOrDash(o.Member),
			dash(strings.ReplaceAll(o.Address, "\n", ", ")))
	}
	fmt.Fprintln(w, "\nFormer officers:")
	fmt.Fprintln(w, "ID\tNAME\tOFFICE\tAPPOINTED\tENDED\tREASON")
	for _, o := range former {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\n", o.ID, o.Name, o.Office, o.AppointedOn, o.EndedOn, o.EndReason)
	}
	fmt.Fprintf(w, "\n%d in office, %d former\n", len(current), len(former))
	return w.Flush()
}

func memberOrDash(n int64) string {
	if n == 0 {
		return "-"
	}
	return strconv.FormatInt(n, 10)
}

func officerAppoint(ctx context.Context, inv *invocation, args []string) error {
	c := newSocietyCLI(inv)
	var in society.OfficerInput
	c.fs.StringVar(&in.Name, "name", "", "the officer's name (required)")
	c.fs.StringVar(&in.Office, "office", "", "the office: Chair, Secretary, Treasurer, Director… (required)")
	c.fs.StringVar(&in.On, "on", "", "day appointed, YYYY-MM-DD (required)")
	c.fs.StringVar(&in.Address, "address", "", "postal address, if the register is to hold it")
	c.fs.StringVar(&in.Member, "member", "", "the officer's membership number, when they are a member")
	var a society.Appointment
	return c.record(ctx, args, "--on", func(r society.Rules) (err error) {
		a, err = society.ParseOfficer(in, time.Now(), r)
		return err
	}, func(s *society.Service, by account.Actor) error {
		o, err := s.Appoint(ctx, a, by)
		if err == nil {
			fmt.Fprintf(inv.stdout, "appointment %d: %s, %s, from %s\n", o.ID, o.Name, o.Office, o.AppointedOn)
		}
		return err
	})
}

func officerEnd(ctx context.Context, inv *invocation, args []string) error {
	c := newSocietyCLI(inv)
	var in society.OfficeEndInput
	c.fs.StringVar(&in.Officer, "id", "", "the appointment's number, as coopress officers lists it (required)")
	c.fs.StringVar(&in.On, "on", "", "day the term ended, YYYY-MM-DD (required)")
	c.fs.StringVar(&in.Reason, "reason", "", "why: resigned, not re-elected, "+society.ReasonInError+"… (required)")
	var e society.OfficeEnd
	return c.record(ctx, args, "--on", func(r society.Rules) (err error) {
		e, err = society.ParseOfficeEnd(in, time.Now(), r)
		return err
	}, func(s *society.Service, by account.Actor) error {
		o, err := s.EndOffice(ctx, e, by)
		if err == nil {
			fmt.Fprintf(inv.stdout, "appointment %d: %s's term as %s ended on %s (%s)\n", o.ID, o.Name, o.Office, o.EndedOn, o.EndReason)
		}
		return err
	})
}
