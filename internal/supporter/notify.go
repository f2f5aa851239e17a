package supporter

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/coopress/coopress/internal/mail"
)

// notice is one of the mails a supporter can be sent.
type notice int

const (
	// failedMail: a payment did not go through; here is how to fix it.
	failedMail notice = iota + 1
	// lapsedMail: the provider gave up, so the support has ended.
	lapsedMail
)

// notify queues n for sub in tx, keyed by key so that it is queued once
// whatever the redelivery (mail.Message.Ref).
func (s *Service) notify(ctx context.Context, tx *sql.Tx, sub Subscription, n notice, key string) error {
	if s.mail == nil || sub.Email == "" {
		return nil
	}
	m := mail.Message{To: sub.Email}
	greeting := "Dear " + firstName(sub.Name) + ",\n\n"
	sign := "\nWith thanks,\nThe " + s.siteName + " fighting fund\n"
	switch n {
	case failedMail:
		fix := sub.FixURL
		if fix == "" {
			fix = s.baseURL + "/supporters"
		}
		m.Kind, m.Ref = "supporter_payment_failed", "supporter:failed:"+key
		m.Subject = "Your regular gift to " + s.siteName + " did not go through"
		m.Text = greeting + fmt.Sprintf("Thank you for supporting %s with %s a %s. This time your payment "+
			"did not go through: this usually means a card has expired or a bank mandate needs renewing.\n\n"+
			"Your bank or card provider will try again over the next few days. If you would like to "+
			"update your details, you can do it here:\n\n%s\n\nIf you have decided to stop, there is nothing "+
			"you need to do, and thank you for all you have given.\n",
			s.siteName, sub.Amount.Format(), sub.PlanInterval, fix) + sign
	case lapsedMail:
		m.Kind, m.Ref = "supporter_lapsed", "supporter:lapsed:"+key
		m.Subject = "Your regular gift to " + s.siteName + " has stopped"
		m.Text = greeting + fmt.Sprintf("We could not collect your regular gift of %s a %s after several tries, "+
			"so it has now stopped and nothing more will be taken.\n\nIf you would like to carry on supporting "+
			"the paper, you can start again at any time here:\n\n%s/supporters/join\n\n"+
			"Thank you for everything you have given.\n", sub.Amount.Format(), sub.PlanInterval, s.baseURL) + sign
	default:
		return fmt.Errorf("supporter: unknown notice %d", n)
	}
	if _, err := s.mail.EnqueueTx(ctx, tx, m); err != nil {
		return fmt.Errorf("supporter: queue %s for %d: %w", m.Kind, sub.ID, err)
	}
	return nil
}

// firstName is the name to greet someone by.
func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return "supporter"
}
