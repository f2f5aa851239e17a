package society

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// applicationReason is the share-ledger reason of the allotment that
// approving application id makes; Check finds the allotment by it.
func applicationReason(id int64) string { return "application " + strconv.FormatInt(id, 10) }

// applicationOf is the application an allotment's reason names, or 0.
// Only the reasons Approve writes count, so a secretary's own words
// ("as application 5 asked") are never read as one.
func applicationOf(reason string) int64 {
	reason, _ = strings.CutPrefix(reason, "admission on ")
	rest, ok := strings.CutPrefix(reason, "application ")
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != rest {
		return 0
	}
	return n
}

// checkedApp is one application as checkRegisters reads it.
type checkedApp struct {
	id, shares, amount int64
	name               string
	events             map[EventKind]ApplicationEvent
}

// label names an application as the secretary's list of them does.
func (a *checkedApp) label() string { return fmt.Sprintf("application %d (%s)", a.id, a.name) }

// status is where the application stands, as Application.Status reads it.
func (a *checkedApp) status() Status {
	evs := Application{}
	for _, e := range a.events {
		evs.Events = append(evs.Events, e)
	}
	return evs.Status()
}

// ledgerAllotment is an allotment in the share ledger.
type ledgerAllotment struct {
	id, number, shares, amount int64
	on                         string
}

// checkRegisters proves the registers agree with each other: the
// applications with the share ledger, paid withdrawals with their
// ledger entries, members' accounts with the accounts, and each
// officer's term with itself.
func (s *Service) checkRegisters(ctx context.Context, problem func(string, ...any)) error {
	for _, check := range []func(context.Context, func(string, ...any)) error{
		s.checkApplications, s.checkWithdrawals, s.checkAccounts, s.checkOfficers,
	} {
		if err := check(ctx, problem); err != nil {
			return err
		}
	}
	return nil
}

// checkApplications: every approved application has exactly its
// allotment (shares, amount, member, day), no allotment names an
// application that is not approved, and every paid application is
// waiting, approved, or rejected with its money returned or marked for
// repayment.
func (s *Service) checkApplications(ctx context.Context, problem func(string, ...any)) error {
	apps, order, err := s.checkedApps(ctx)
	if err != nil {
		return err
	}
	byApp, err := s.namedAllotments(ctx)
	if err != nil {
		return err
	}
	var admissions map[int64]ledgerAllotment
	for _, id := range order {
		a := apps[id]
		s.checkMoney(a, problem)
		ok, approved := a.events[EventApproved]
		if !approved {
			continue
		}
		got := byApp[id]
		delete(byApp, id)
		if len(got) == 0 {
			// Approvals made before allotments named their application
			// admitted the applicant with the reason "admission".
			if admissions == nil {
				if admissions, err = s.plainAdmissions(ctx); err != nil {
					return err
				}
			}
			if e, found := admissions[ok.MemberNumber]; found && e.on == s.rules.today(ok.RecordedAt) && e.shares == a.shares {
				got = []ledgerAllotment{e}
			}
		}
		s.checkAllotment(a, ok, got, problem)
	}
	ids := make([]int64, 0, len(byApp))
	for id := range byApp {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		why := "which is not in the register of applications"
		if a := apps[id]; a != nil {
			why = "which is " + string(a.status()) + ", not approved"
		}
		for _, e := range byApp[id] {
			problem("ledger entry %d allots %d shares to member %d for application %d, %s", e.id, e.shares, e.number, id, why)
		}
	}
	return nil
}

// checkAllotment compares an approved application with the allotments
// found for it.
func (s *Service) checkAllotment(a *checkedApp, ok ApplicationEvent, got []ledgerAllotment, problem func(string, ...any)) {
	on := s.rules.today(ok.RecordedAt)
	switch {
	case len(got) == 0:
		problem("%s: approved for member %d on %s, but no allotment in the share ledger is for it", a.label(), ok.MemberNumber, on)
	case len(got) > 1:
		ids := make([]string, len(got))
		for i, e := range got {
			ids[i] = strconv.FormatInt(e.id, 10)
		}
		problem("%s: the share ledger has %d allotments for it (entries %s)", a.label(), len(got), strings.Join(ids, ", "))
	default:
		e := got[0]
		if e.number != ok.MemberNumber || e.on != on || e.shares != a.shares || e.amount != a.amount {
			problem("%s: approved for %d shares (%s) to member %d on %s, but ledger entry %d allots %d shares (%s) to member %d on %s",
				a.label(), a.shares, s.Format(a.amount), ok.MemberNumber, on, e.id, e.shares, s.Format(e.amount), e.number, e.on)
		}
	}
}

// checkMoney: an application's money went where its decision says.
func (s *Service) checkMoney(a *checkedApp, problem func(string, ...any)) {
	paid, isPaid := a.events[EventPaid]
	_, approved := a.events[EventApproved]
	_, rejected := a.events[EventRejected]
	refund, refunded := a.events[EventRefunded]
	_, due := a.events[EventRepaymentDue]
	switch {
	case approved && !isPaid:
		problem("%s: approved without a payment recorded", a.label())
	case refunded && !isPaid:
		problem("%s: refunded (%s) with no payment recorded", a.label(), refund.Reference)
	case refunded && !rejected:
		problem("%s: its payment was refunded (%s) but it was not rejected", a.label(), refund.Reference)
	case rejected && isPaid && paid.Method == PayCard && !refunded:
		problem("%s: rejected, but its card payment of %s (%s) has not been refunded", a.label(),
			s.Format(paid.Amount.Minor), paid.Reference)
	case rejected && isPaid && paid.Method != PayCard && !due:
		problem("%s: rejected, but its %s of %s (%s) is not marked for repayment", a.label(), paid.Method,
			s.Format(paid.Amount.Minor), paid.Reference)
	}
}

// checkedApps reads every application with its events by kind.
func (s *Service) checkedApps(ctx context.Context) (map[int64]*checkedApp, []int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, shares, amount_minor FROM share_applications ORDER BY id`)
	if err != nil {
		return nil, nil, fmt.Errorf("society: check applications: %w", err)
	}
	defer rows.Close()
	apps := map[int64]*checkedApp{}
	var order []int64
	for rows.Next() {
		a := &checkedApp{events: map[EventKind]ApplicationEvent{}}
		if err := rows.Scan(&a.id, &a.name, &a.shares, &a.amount); err != nil {
			return nil, nil, err
		}
		apps[a.id] = a
		order = append(order, a.id)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows.Close()
	erows, err := s.db.QueryContext(ctx, `SELECT application_id, kind, method, amount_minor, reference,
		COALESCE(member_number, 0), recorded_at FROM share_application_events WHERE kind <> 'checkout' ORDER BY id`)
	if err != nil {
		return nil, nil, fmt.Errorf("society: check application events: %w", err)
	}
	defer erows.Close()
	for erows.Next() {
		var app int64
		var e ApplicationEvent
		var at time.Time
		if err := erows.Scan(&app, &e.Kind, &e.Method, &e.Amount.Minor, &e.Reference, &e.MemberNumber, &at); err != nil {
			return nil, nil, err
		}
		e.RecordedAt = at
		if a := apps[app]; a != nil {
			a.events[e.Kind] = e
		}
	}
	return apps, order, erows.Err()
}

// namedAllotments are the ledger's allotments that name an application,
// by the application.
func (s *Service) namedAllotments(ctx context.Context) (map[int64][]ledgerAllotment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, m.number, e.entry_on, e.shares, e.amount_minor, e.reason
		FROM share_entries e JOIN members m ON m.id = e.member_id
		WHERE e.kind = 'allotment' AND (e.reason LIKE 'application %' OR e.reason LIKE 'admission on application %')
		ORDER BY e.id`)
	if err != nil {
		return nil, fmt.Errorf("society: check allotments: %w", err)
	}
	defer rows.Close()
	out := map[int64][]ledgerAllotment{}
	for rows.Next() {
		var e ledgerAllotment
		var reason string
		if err := rows.Scan(&e.id, &e.number, &e.on, &e.shares, &e.amount, &reason); err != nil {
			return nil, err
		}
		if app := applicationOf(reason); app != 0 {
			out[app] = append(out[app], e)
		}
	}
	return out, rows.Err()
}

// plainAdmissions are the allotments on admission that name no
// application, by membership number.
func (s *Service) plainAdmissions(ctx context.Context) (map[int64]ledgerAllotment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, m.number, e.entry_on, e.shares, e.amount_minor
		FROM share_entries e JOIN members m ON m.id = e.member_id
		WHERE e.kind = 'allotment' AND e.reason = 'admission' AND e.entry_on = m.admitted_on ORDER BY e.id`)
	if err != nil {
		return nil, fmt.Errorf("society: check admissions: %w", err)
	}
	defer rows.Close()
	out := map[int64]ledgerAllotment{}
	for rows.Next() {
		var e ledgerAllotment
		if err := rows.Scan(&e.id, &e.number, &e.on, &e.shares, &e.amount); err != nil {
			return nil, err
		}
		if _, seen := out[e.number]; !seen {
			out[e.number] = e
		}
	}
	return out, rows.Err()
}
