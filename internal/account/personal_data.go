package account

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/mail"
)

// Record is one item of a person's data that some domain keeps: a gift, a
// mail sent to them, a standing order. Kind names what it is ("gift");
// Fields are its details in the order a person would read them.
type Record struct {
	Kind   string
	ID     string
	At     time.Time
	Fields []Field
}

// Field is one named detail of a Record.
type Field struct {
	Name  string
	Value string
}

// Exporter is a domain that keeps records under a person's email address
// and lists them for the person's download. Addresses are compared in
// lower case.
type Exporter interface {
	PersonalRecords(ctx context.Context, q db.Queryer, email string) ([]Record, error)
}

// Eraser is a domain that blanks what it keeps of a person, inside the
// transaction that erases the account, so that all of it goes or none.
// name is the account's name, for domains that hold it beside the email.
type Eraser interface {
	ErasePersonal(ctx context.Context, tx *sql.Tx, email, name string) error
}

// Blocker is a domain that may forbid an erasure while it still needs the
// person: the society's register, an active standing order. It returns a
// valid.Error saying what must happen first, or nil.
type Blocker interface {
	BlockErasure(ctx context.Context, q db.Queryer, email string) error
}

// PersonalData exports and erases everything coopress holds about one
// account: its own tables here, and whatever the domains it is given
// (each an Exporter, an Eraser, a Blocker or several) keep under the
// account's email.
type PersonalData struct {
	accounts *Service
	domains  []any
}

// NewPersonalData returns the exporter and eraser for accounts of s.
// domains are the other holders of personal data; each must implement at
// least one of Exporter, Eraser and Blocker.
func NewPersonalData(s *Service, domains ...any) (*PersonalData, error) {
	for i, d := range domains {
		_, ex := d.(Exporter)
		_, er := d.(Eraser)
		_, bl := d.(Blocker)
		if !ex && !er && !bl {
			return nil, fmt.Errorf("account: personal data holder %d (%T) exports, erases and blocks nothing", i, d)
		}
	}
	return &PersonalData{accounts: s, domains: domains}, nil
}

// Export is everything coopress holds about one person, as they download it.
type Export struct {
	ExportedAt    time.Time
	Account       Account
	Sessions      []Session
	SecondFactors []Factor
	Preferences   []Preference
	// Audit is every audit-log entry made by the account or about it.
	Audit []LogEntry
	// Records are what other domains keep under the account's email, and
	// the mail sent to it.
	Records []Record
}

// Export gathers the account's data. It reads from the writer, so that a
// download made just after a change shows it.
func (p *PersonalData) Export(ctx context.Context, accountID int64) (Export, error) {
	q := p.accounts.db.Writer()
	a, err := byID(ctx, q, accountID)
	if err != nil {
		return Export{}, err
	}
	x := Export{ExportedAt: db.UTC(p.accounts.now()), Account: a}
	if x.Sessions, err = p.sessionsOf(ctx, q, accountID); err != nil {
		return Export{}, err
	}
	if x.SecondFactors, err = p.accounts.Factors(ctx, accountID); err != nil {
		return Export{}, err
	}
	if x.Preferences, err = preferencesOf(ctx, q, accountID); err != nil {
		return Export{}, err
	}
	if x.Audit, err = auditAbout(ctx, q, accountID); err != nil {
		return Export{}, err
	}
	for _, d := range p.domains {
		if e, ok := d.(Exporter); ok {
			recs, err := e.PersonalRecords(ctx, q, a.Email)
			if err != nil {
				return Export{}, err
			}
			x.Records = append(x.Records, recs...)
		}
	}
	mails, err := mail.ForAddress(ctx, q, a.Email)
	if err != nil {
		return Export{}, err
	}
	for _, m := range mails {
		x.Records = append(x.Records, Record{Kind: "mail", ID: fmt.Sprint(m.ID), At: m.CreatedAt, Fields: []Field{
			{"to", m.To}, {"subject", m.Subject}, {"status", string(m.Status)}, {"text", m.Text}}})
	}
	return x, nil
}

// sessionsOf lists the account's sessions, newest first, without their
// ids: a session id is a credential's hash, not the person's data.
func (p *PersonalData) sessionsOf(ctx context.Context, q db.Queryer, id int64) ([]Session, error) {
	rows, err := q.QueryContext(ctx, `SELECT created_at, expires_at, last_seen_at, ip, user_agent, second_factor
		FROM sessions WHERE account_id = $1 ORDER BY created_at DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("account: sessions of %d: %w", id, err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var s Session
		var factor string
		if err := rows.Scan(&s.CreatedAt, &s.ExpiresAt, &s.LastSeenAt, &s.IP, &s.UserAgent, &factor); err != nil {
			return nil, fmt.Errorf("account: sessions of %d: %w", id, err)
		}
		s.SecondFactor = FactorKind(factor)
		s.CreatedAt, s.ExpiresAt, s.LastSeenAt = s.CreatedAt.UTC(), s.ExpiresAt.UTC(), s.LastSeenAt.UTC()
		out = append(out, s)
	}
	return out, rows.Err()
}

// auditAbout lists the entries the account made or that are about it.
func auditAbout(ctx context.Context, q db.Queryer, id int64) ([]LogEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, at, COALESCE(actor_id, 0), actor_name, action, object_type, object_id,
		before_json, after_json, ip FROM audit_log
		WHERE actor_id = $1 OR (object_type = 'account' AND object_id = $2) ORDER BY id`, id, fmt.Sprint(id))
	if err != nil {
		return nil, fmt.Errorf("account: audit about %d: %w", id, err)
	}
	defer rows.Close()
	var out []LogEntry
	for rows.Next() {
		var e LogEntry
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.ObjectType, &e.ObjectID,
			&e.Before, &e.After, &e.IP); err != nil {
			return nil, fmt.Errorf("account: audit about %d: %w", id, err)
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
