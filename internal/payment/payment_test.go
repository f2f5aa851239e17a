package payment_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/payment"
	"github.com/coopress/coopress/internal/testservers"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
)

const secret = "whsec_payment_test"

// countingInserter stands in for River: intake must queue exactly one job
// per new event, in the transaction that stores it.
type countingInserter struct{ n int }

func (c *countingInserter) InsertManyTx(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error) {
	out := make([]*rivertype.JobInsertResult, len(params))
	for i, p := range params {
		if _, ok := p.Args.(payment.ApplyEventArgs); !ok {
			return nil, errors.New("unexpected job")
		}
		c.n++
		out[i] = &rivertype.JobInsertResult{Job: &rivertype.JobRow{}}
	}
	return out, nil
}

func body(id string) []byte {
	return []byte(`{"id":"` + id + `","object":"event","type":"checkout.session.completed","created":1730900000,` +
		`"api_version":"` + stripe.APIVersion + `","data":{"object":{"id":"cs_1","payment_intent":"pi_1",` +
		`"payment_status":"paid","amount_total":500,"currency":"gbp","metadata":{"purpose":"donation"}}}}`)
}

func sign(b []byte, key string, ts time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: b, Secret: key, Timestamp: ts}).Header
}

func TestReceiveRefusesBadWebhooksAndStoresNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		jobs := &countingInserter{}
		in, err := payment.NewIntake(d, jobs, secret, nil)
		if err != nil {
			t.Fatal(err)
		}
		good := body("evt_1")
		notJSON := []byte(`{"id": "evt_2", "type": `)
		noID := []byte(`{"object":"event","type":"charge.refunded","created":1,"api_version":"` + stripe.APIVersion + `","data":{"object":{}}}`)
		oldVersion := []byte(strings.Replace(string(good), stripe.APIVersion, "2020-08-27", 1))
		future := []byte(strings.Replace(string(good), `"created":1730900000`, fmt.Sprintf(`"created":%d`, time.Now().Add(10*time.Minute).Unix()), 1))
		for _, c := range []struct {
			name   string
			body   []byte
			header string
			want   error
		}{
			{"unsigned", good, "", payment.ErrUnsigned},
			{"wrong secret", good, sign(good, "whsec_other", time.Now()), payment.ErrBadSignature},
			{"garbled header", good, "t=abc,v1=zz", payment.ErrBadSignature},
			{"body changed after signing", append([]byte(nil), good...), sign(body("evt_9"), secret, time.Now()), payment.ErrBadSignature},
			{"replayed ten minutes later", good, sign(good, secret, time.Now().Add(-10*time.Minute)), payment.ErrTooOld},
			{"signed ten minutes ahead", good, sign(good, secret, time.Now().Add(10*time.Minute)), payment.ErrFromFuture},
			{"event dated ten minutes ahead", future, sign(future, secret, time.Now()), payment.ErrFromFuture},
			{"signed but not JSON", notJSON, sign(notJSON, secret, time.Now()), payment.ErrMalformed},
			{"signed but no id", noID, sign(noID, secret, time.Now()), payment.ErrMalformed},
			{"other API version", oldVersion, sign(oldVersion, secret, time.Now()), payment.ErrAPIVersion},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := in.Receive(context.Background(), c.body, c.header)
				if !errors.Is(err, c.want) || !payment.Rejected(err) {
					t.Fatalf("err = %v, want %v", err, c.want)
				}
			})
		}
		var n int
		if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM payment_events`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 || jobs.n != 0 {
			t.Fatalf("%d events stored and %d jobs queued after refusals", n, jobs.n)
		}
		dup, err := in.Receive(context.Background(), good, sign(good, secret, time.Now()))
		if err != nil || dup {
			t.Fatalf("first delivery: dup %v, %v", dup, err)
		}
		dup, err = in.Receive(context.Background(), good, sign(good, secret, time.Now()))
		if err != nil || !dup {
			t.Fatalf("second delivery: dup %v, %v", dup, err)
		}
		var payload, ref, purpose string
		err = d.QueryRowContext(context.Background(), `SELECT payload, payment_ref, purpose FROM payment_events
			WHERE provider = 'stripe' AND event_id = 'evt_1'`).Scan(&payload, &ref, &purpose)
		if err != nil || payload != string(good) || ref != "pi_1" || purpose != "donation" || jobs.n != 1 {
			t.Fatalf("stored %q %q %q, %d jobs, %v", payload, ref, purpose, jobs.n, err)
		}
	})
}

func TestCreateCheckoutAgainstStripeMock(t *testing.T) {
	mock := testservers.StartStripeMock(t)
	s, err := payment.NewStripe(payment.StripeConfig{SecretKey: "sk_test_123", APIURL: mock.URL()})
	if err != nil {
		t.Fatal(err)
	}
	url, id, err := s.CreateCheckout(context.Background(), payment.CheckoutRequest{
		AmountMinor: 2500, Currency: "GBP", Email: "jo@example.test", Purpose: "donation",
		Description: "Donation", DonateButton: true,
		Metadata:   map[string]string{"name": "Jo", "town": "Leeds"},
		SuccessURL: "http://paper.test/donate/thanks?session_id={CHECKOUT_SESSION_ID}", CancelURL: "http://paper.test/donate",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(url, "https://") || !strings.HasPrefix(id, "cs_") {
		t.Fatalf("url %q, id %q", url, id)
	}
	for _, bad := range []payment.CheckoutRequest{
		{AmountMinor: 0, Currency: "GBP", Purpose: "donation", SuccessURL: "x", CancelURL: "y"},
		{AmountMinor: 100, Currency: "POUNDS", Purpose: "donation", SuccessURL: "x", CancelURL: "y"},
		{AmountMinor: 100, Currency: "GBP", SuccessURL: "x", CancelURL: "y"},
	} {
		if _, _, err := s.CreateCheckout(context.Background(), bad); err == nil {
			t.Errorf("CreateCheckout(%+v) succeeded", bad)
		}
	}
	if _, err := payment.NewStripe(payment.StripeConfig{}); !errors.Is(err, payment.ErrNotConfigured) {
		t.Fatalf("no key: %v", err)
	}
}
