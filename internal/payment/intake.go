package payment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/db"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stripe/stripe-go/v82/webhook"
)

// Tolerance is how old a signed webhook may be. Stripe signs each delivery
// afresh, so only a replay of a captured request is older than this.
const Tolerance = 5 * time.Minute

// FutureSkew is how far ahead of our clock a signature or an event may be
// dated: clocks disagree by seconds, not minutes. stripe-go checks only
// the age, so a request dated later would pass its check, and one signed
// for an hour ahead could be replayed for that hour.
const FutureSkew = time.Minute

// JobInserter is the part of the River client intake needs; *jobs.Client
// is one.
type JobInserter interface {
	InsertManyTx(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
}

// Intake verifies and stores Stripe's webhooks. It does no work on the
// money itself: answering fast matters, because Stripe times a delivery out
// and sends it again.
type Intake struct {
	db     *db.DB
	jobs   JobInserter
	secret string
	now    func() time.Time
	batch  batcher
}

// NewIntake returns an intake that checks signatures with the endpoint's
// signing secret ("whsec_…") and queues jobs with jobs.
func NewIntake(d *db.DB, jobs JobInserter, webhookSecret string, now func() time.Time) (*Intake, error) {
	if webhookSecret == "" {
		return nil, ErrNotConfigured
	}
	if now == nil {
		now = time.Now
	}
	return &Intake{db: d, jobs: jobs, secret: webhookSecret, now: now}, nil
}

// Receive verifies body against the Stripe-Signature header, then stores
// the event and queues the job that applies it, in one transaction. A
// redelivered event is reported as duplicate and queues nothing. Errors
// for which Rejected is true mean the request is bad and nothing was
// stored; any other error means storing failed and Stripe should retry.
func (in *Intake) Receive(ctx context.Context, body []byte, signatureHeader string) (duplicate bool, err error) {
	if err := in.verify(body, signatureHeader); err != nil {
		return false, err
	}
	se, ev, err := parseStripeEvent(body)
	if err != nil {
		return false, err
	}
	if ev.Created.After(in.now().Add(FutureSkew)) {
		return false, fmt.Errorf("%w: event %s is dated %s", ErrFromFuture, ev.ID, ev.Created.Format(time.RFC3339))
	}
	p := &pendingEvent{ev: ev, apiVersion: se.APIVersion, body: body, done: make(chan struct{})}
	in.store(ctx, p)
	return p.duplicate, p.err
}

// verify checks the signature and timestamp with stripe-go and turns its
// errors into ours. The API version is checked too (not ignored): we read
// only a few long-stable fields, but an endpoint on another release train
// is a configuration mistake better refused loudly than half-understood;
// Stripe keeps refused events and resends them once it is fixed.
func (in *Intake) verify(body []byte, header string) error {
	_, err := webhook.ConstructEventWithOptions(body, header, in.secret,
		webhook.ConstructEventOptions{Tolerance: Tolerance})
	switch {
	case err == nil:
	case errors.Is(err, webhook.ErrNotSigned):
		return ErrUnsigned
	case errors.Is(err, webhook.ErrInvalidHeader), errors.Is(err, webhook.ErrNoValidSignature):
		return ErrBadSignature
	case errors.Is(err, webhook.ErrTooOld):
		return ErrTooOld
	default:
		// The signature held (it is checked first), so the body itself
		// is at fault: unreadable, or from another API version.
		if _, _, perr := parseStripeEvent(body); perr != nil {
			return perr
		}
		return fmt.Errorf("%w: %v", ErrAPIVersion, err)
	}
	if !utf8.Valid(body) {
		return fmt.Errorf("%w: not UTF-8", ErrMalformed)
	}
	if ts, ok := signedAt(header); !ok || ts.After(in.now().Add(FutureSkew)) {
		return fmt.Errorf("%w: signed for %s", ErrFromFuture, ts.Format(time.RFC3339))
	}
	return nil
}

// signedAt reads the t= timestamp of a Stripe-Signature header, which
// stripe-go has already found well formed and signed.
func signedAt(header string) (time.Time, bool) {
	for _, part := range strings.Split(header, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "t="); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			return time.Unix(n, 0), err == nil
		}
	}
	return time.Time{}, false
}
