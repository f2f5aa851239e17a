// Package account keeps the people who sign in to coopress: their accounts
// and roles, passwords (argon2id), server-side sessions, one-time sign-in and
// reset tokens, the sign-in rate limit and the append-only audit log.
//
// It knows nothing of HTTP: the web package turns requests into calls here,
// and the command line uses the same calls to create the first admin.
package account

import (
	"cmp"
	"errors"
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/db"
	"github.com/go-webauthn/webauthn/webauthn"
)

// Role is what a person may do. A person may hold several.
type Role string

// The roles the database accepts. Staff roles open parts of /admin; reader
// is for supporters and members and opens none of it. Description says
// what each is for.
const (
	Writer    Role = "writer"
	Editor    Role = "editor"
	Admin     Role = "admin"
	Treasurer Role = "treasurer"
	Secretary Role = "secretary"
	Teller    Role = "teller"
	Reader    Role = "reader"
)

// StaffRoles are the roles that open the staff area, in the order pages
// list them. "Any staff" in a route's rule is this list, written out.
func StaffRoles() []Role { return []Role{Writer, Editor, Admin, Treasurer, Secretary, Teller} }

// AllRoles is every role, staff first.
func AllRoles() []Role { return append(StaffRoles(), Reader) }

// Valid reports whether r is one of AllRoles.
func (r Role) Valid() bool { return slices.Contains(AllRoles(), r) }

// ParseRoles reads a comma-separated list such as "admin,editor", refusing
// unknown names and dropping repeats.
func ParseRoles(s string) ([]Role, error) {
	var out []Role
	for _, p := range strings.Split(s, ",") {
		r := Role(strings.ToLower(strings.TrimSpace(p)))
		if r == "" {
			continue
		}
		if !r.Valid() {
			return nil, valid.Error{Field: "roles", Message: fmt.Sprintf("%q is not a role; roles are writer, editor, admin, treasurer, secretary, teller and reader", string(r))}
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// Description is what the role may do, in one line, for the pages and
// the command line that give roles.
func (r Role) Description() string {
	switch r {
	case Writer:
		return "drafts articles and submits them for review"
	case Editor:
		return "reviews, edits, schedules and publishes articles; keeps author profiles"
	case Admin:
		return "adds staff, gives and takes away roles, reads the audit log"
	case Treasurer:
		return "keeps the fighting fund, supporters and the donation ledger"
	case Secretary:
		return "keeps the register of members, share applications, officers and ballots"
	case Teller:
		return "enters returned postal papers and runs meeting check-ins; sees no register"
	case Reader:
		return "a supporter or member: their own account pages only"
	}
	return ""
}

// Account is one person who can sign in.
type Account struct {
	ID          int64
	Email       string
	Name        string
	Roles       []Role
	Disabled    bool
	HasPassword bool
	CreatedAt   time.Time
	// SecondFactors counts the account's confirmed passkeys and
	// authenticator apps.
	SecondFactors int
}

// HasAny reports whether the account holds at least one of roles.
func (a Account) HasAny(roles ...Role) bool {
	for _, r := range roles {
		if slices.Contains(a.Roles, r) {
			return true
		}
	}
	return false
}

// IsStaff reports whether the account holds any staff role.
func (a Account) IsStaff() bool { return a.HasAny(StaffRoles()...) }

// Actor is who makes a change, for the audit log: a signed-in person (ID
// set) or the command line or system (ID zero, Name says which).
type Actor struct {
	ID   int64
	Name string
	IP   string
}

// ActorOf is the Actor for a signed-in account.
func ActorOf(a Account, ip string) Actor { return Actor{ID: a.ID, Name: a.Email, IP: ip} }

// ErrNotFound is db.ErrNotFound, so that callers and the web adapter need
// test for one sentinel only.
var ErrNotFound = db.ErrNotFound

// ErrBadCredentials is returned by Authenticate for an unknown email, a
// wrong password, an account without a password or a disabled account:
// callers must not be able to tell which.
var ErrBadCredentials = errors.New("account: wrong email or password")

// ErrNoSession is returned for a session token that is unknown, expired,
// revoked or belongs to a disabled account.
var ErrNoSession = errors.New("account: no such session")

// ErrTokenInvalid is returned for a sign-in or reset token that is unknown,
// already used, expired or meant for another purpose.
var ErrTokenInvalid = errors.New("account: link is invalid, used or expired")

// Options tune the service; zero values take the defaults in comments.
type Options struct {
	// Now is the clock (time.Now).
	Now func() time.Time
	// Hash are the argon2id parameters for new hashes (DefaultHashParams).
	Hash HashParams
	// SessionIdle ends a session not used for this long (12 hours).
	SessionIdle time.Duration
	// SessionMax ends every session this long after sign-in (30 days).
	SessionMax time.Duration
	// SignInLinkTTL is how long a sign-in link works (24 hours): it is
	// handed over by the person who ran `coopress user add`, often the
	// next morning.
	SignInLinkTTL time.Duration
	// ResetTTL is how long a password-reset link works (1 hour): it arrives
	// by email at once, and a short life limits a leaked mailbox's use.
	ResetTTL time.Duration
	// Limits are the rate limits by key prefix (DefaultLimits).
	Limits map[string]Limit
	// HashSlots bounds how many argon2id hashes run at once (HashSlots
	// of 256 MiB and GOMAXPROCS); HashWait is how long a request waits
	// for a slot, among at most twice as many waiting, before ErrBusy
	// (one second).
	HashSlots int
	HashWait  time.Duration
	// Mail queues the notice of each grant of a power role to the role's
	// other holders (PowerRoles); nil queues none (no SMTP set up), and
	// the grant is still audited.
	Mail Mailer
	// SecondFactor says whose accounts must have a second factor
	// (FactorPower when empty).
	SecondFactor FactorPolicy
	// SiteName names the site in authenticator apps, passkey prompts and
	// notices ("coopress" when empty).
	SiteName string
	// BaseURL is the site's public address. Passkeys are bound to its host
	// and can be used only from its origin; without it they are not
	// offered.
	BaseURL string
}

// Service is the account store and its rules.
type Service struct {
	db    *db.DB
	now   func() time.Time
	opt   Options
	audit *Audit
	// hashes bounds concurrent argon2id work (hash_limit.go).
	hashes *hashLimiter
	// webauthn is the passkey relying party; nil when the base URL
	// cannot carry passkeys.
	webauthn *webauthn.WebAuthn
}

// New returns the account service on d.
func New(d *db.DB, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Hash == (HashParams{}) {
		o.Hash = DefaultHashParams()
	}
	if o.SessionIdle == 0 {
		o.SessionIdle = 12 * time.Hour
	}
	if o.SessionMax == 0 {
		o.SessionMax = 30 * 24 * time.Hour
	}
	if o.SignInLinkTTL == 0 {
		o.SignInLinkTTL = 24 * time.Hour
	}
	if o.ResetTTL == 0 {
		o.ResetTTL = time.Hour
	}
	limits := DefaultLimits()
	for k, l := range o.Limits {
		limits[k] = l
	}
	o.Limits = limits
	if o.HashSlots <= 0 {
		o.HashSlots = HashSlots(256<<20, o.Hash, runtime.GOMAXPROCS(0))
	}
	if o.SecondFactor == "" {
		o.SecondFactor = FactorPower
	}
	if o.HashWait <= 0 {
		o.HashWait = time.Second
	}
	return &Service{db: d, now: o.Now, opt: o, audit: NewAudit(d, o.Now), hashes: newHashLimiter(o.HashSlots, o.HashWait),
		webauthn: newWebAuthn(o.BaseURL, cmp.Or(o.SiteName, "coopress"))}
}

// Audit is the service's audit log, for pages that read it and for other
// domains that record their own changes.
func (s *Service) Audit() *Audit { return s.audit }

// SessionMax is how long a session can last at most, for the cookie's
// lifetime.
func (s *Service) SessionMax() time.Duration { return s.opt.SessionMax }

// NormalizeEmail trims and lower-cases an address, the form it is stored
// and looked up in.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }
