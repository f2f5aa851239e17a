package society

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/coopress/coopress/internal/mail"
)

// mailApproved queues the new member's confirmation in the approval's
// transaction, so it exists exactly when the approval does. An applicant
// who gave no email address is written to by post.
func (s *Service) mailApproved(ctx context.Context, tx *sql.Tx, a Application, number int64) error {
	if s.apps.mail == nil || a.Contact.Email == "" {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Dear %s,\n\n", a.Contact.Name)
	fmt.Fprintf(&b, "The secretary has approved your application: %s of %s have been allotted to you, for %s paid, "+
		"and you are member number %d.\n\n", plural(a.Shares, "share"), s.societyName(), a.Amount.Format(), number)
	b.WriteString("As a member you have one vote at general meetings, whatever the number of shares you hold. " +
		"Your shares can be withdrawn at their nominal value under the society's rules; they cannot be sold or transferred.\n\n")
	// The certificate states the holding as this transaction leaves it,
	// the shares just allotted included.
	cert, err := s.certificateIn(ctx, tx, number, "")
	if err != nil {
		return fmt.Errorf("society: certificate for application %d: %w", a.ID, err)
	}
	cert.Society = s.societyName()
	var pdf bytes.Buffer
	if err := WriteCertificate(&pdf, cert); err != nil {
		return fmt.Errorf("society: certificate for application %d: %w", a.ID, err)
	}
	fmt.Fprintf(&b, "Your share certificate (%s) is attached as a PDF", cert.Reference)
	if s.apps.baseURL != "" {
		fmt.Fprintf(&b, "; you can also download it from your account, %s/account/membership, signing in with this email address", s.apps.baseURL)
	}
	b.WriteString(".\n\nThank you for owning a part of your paper.\n")
	_, err = s.apps.mail.EnqueueTx(ctx, tx, mail.Message{To: a.Contact.Email,
		Subject: "Welcome to " + s.societyName() + ": member number " + strconv.FormatInt(number, 10),
		Text:    b.String(), Kind: "share_confirmation", Ref: "share-application:" + strconv.FormatInt(a.ID, 10) + ":approved",
		Attachments: []mail.Attachment{{Filename: "share-certificate-" + strconv.FormatInt(number, 10) + ".pdf",
			ContentType: "application/pdf", Data: pdf.Bytes()}}})
	if err != nil {
		return fmt.Errorf("society: confirmation of application %d: %w", a.ID, err)
	}
	return nil
}

// mailRejected tells the applicant their application was refused, why,
// and what happens to their money.
func (s *Service) mailRejected(ctx context.Context, tx *sql.Tx, a Application, reason string) error {
	if s.apps.mail == nil || a.Contact.Email == "" {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Dear %s,\n\n", a.Contact.Name)
	fmt.Fprintf(&b, "We are sorry: the secretary could not accept your application for %s of %s.\n\n%s\n\n",
		plural(a.Shares, "share"), s.societyName(), reason)
	switch p, paid := a.Payment(); {
	case paid && p.Method == PayCard:
		fmt.Fprintf(&b, "Your card payment of %s is being refunded to your card; it can take up to ten days to appear.\n", p.Amount.Format())
	case paid:
		fmt.Fprintf(&b, "Your payment of %s will be repaid to you by the society.\n", p.Amount.Format())
	default:
		b.WriteString("No money was taken; please do not send a payment for this application.\n")
	}
	_, err := s.apps.mail.EnqueueTx(ctx, tx, mail.Message{To: a.Contact.Email,
		Subject: "Your application for shares in " + s.societyName(),
		Text:    b.String(), Kind: "share_rejection", Ref: "share-application:" + strconv.FormatInt(a.ID, 10) + ":rejected"})
	if err != nil {
		return fmt.Errorf("society: refusal of application %d: %w", a.ID, err)
	}
	return nil
}
