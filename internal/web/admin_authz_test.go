package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/society"
	"github.com/coopress/coopress/internal/supporter"
	"github.com/coopress/coopress/internal/web"
)

// staffRule is who may use each staff route. It is written out here, apart
// from the code, on purpose: adding a route to routes.go without adding its
// intended rule here fails TestAuthorisationMatrix, and a rule in the code
// that differs from this one fails it too.
var staffRule = map[string][]account.Role{
	"GET /admin/{$}":                         account.StaffRoles(),
	"GET /admin/account":                     account.StaffRoles(),
	"POST /admin/account/password":           account.StaffRoles(),
	"POST /admin/account/signout-everywhere": account.StaffRoles(),
	// One's own second factors: every member of staff.
	"GET /admin/account/security":                      account.StaffRoles(),
	"POST /admin/account/security/totp/start":          account.StaffRoles(),
	"GET /admin/account/security/totp.png":             account.StaffRoles(),
	"POST /admin/account/security/totp":                account.StaffRoles(),
	"POST /admin/account/security/recovery-codes":      account.StaffRoles(),
	"POST /admin/account/security/factors/{id}/remove": account.StaffRoles(),
	"POST /admin/account/security/passkey/begin":       account.StaffRoles(),
	"POST /admin/account/security/passkey/finish":      account.StaffRoles(),
	"GET /admin/users":                                 {account.Admin},
	"POST /admin/users":                                {account.Admin},
	"GET /admin/users/{id}":                            {account.Admin},
	"POST /admin/users/{id}/roles":                     {account.Admin},
	"POST /admin/users/{id}/disable":                   {account.Admin},
	// The matrix asks this right after disable, on the same account, so it
	// finds it disabled and answers 303 like any other allowed POST.
	"POST /admin/users/{id}/enable": {account.Admin},
	// The register of members: secretaries only (admin_register.go).
	"GET /admin/register":               {account.Secretary},
	"GET /admin/register.csv":           {account.Secretary},
	"GET /admin/register.pdf":           {account.Secretary},
	"GET /admin/register/annual-return": {account.Secretary},
	"GET /admin/register/import":        {account.Secretary},
	"POST /admin/register/import":       {account.Secretary},
	// Applications for shares: secretaries only (admin_applications.go).
	"GET /admin/register/applications":               {account.Secretary},
	"GET /admin/register/applications/{id}":          {account.Secretary},
	"POST /admin/register/applications/{id}/payment": {account.Secretary},
	"POST /admin/register/applications/{id}/approve": {account.Secretary},
	"POST /admin/register/applications/{id}/reject":  {account.Secretary},
	"POST /admin/register/applications/{id}/refund":  {account.Secretary},
	// Ballots of the members: secretaries only (admin_ballots.go), but
	// for the list, which leads tellers to their pages.
	"GET /admin/ballots":                 {account.Secretary, account.Teller},
	"POST /admin/ballots":                {account.Secretary},
	"GET /admin/ballots/{id}":            {account.Secretary},
	"POST /admin/ballots/{id}":           {account.Secretary},
	"POST /admin/ballots/{id}/motions":   {account.Secretary},
	"POST /admin/ballots/{id}/elections": {account.Secretary},
	"POST /admin/ballots/{id}/remove":    {account.Secretary},
	"POST /admin/ballots/{id}/open":      {account.Secretary},
	"POST /admin/ballots/{id}/close":     {account.Secretary},
	"POST /admin/ballots/{id}/codes":     {account.Secretary},
	"GET /admin/ballots/{id}/turnout":    {account.Secretary},
	"GET /admin/ballots/{id}/results":    {account.Secretary},
	// Postal papers, meetings, reminders (admin_ballot_channels.go, …);
	// tellers enter postal papers and work a meeting's table.
	"GET /admin/ballots/{id}/results.pdf":             {account.Secretary},
	"GET /admin/ballots/{id}/results.csv":             {account.Secretary},
	"GET /admin/ballots/{id}/channels":                {account.Secretary},
	"POST /admin/ballots/{id}/papers":                 {account.Secretary},
	"POST /admin/ballots/{id}/remind":                 {account.Secretary},
	"GET /admin/ballots/{id}/postal":                  {account.Secretary, account.Teller},
	"POST /admin/ballots/{id}/postal":                 {account.Secretary, account.Teller},
	"POST /admin/ballots/{id}/meetings":               {account.Secretary},
	"GET /admin/ballots/{id}/meetings/{mid}":          {account.Secretary, account.Teller},
	"POST /admin/ballots/{id}/meetings/{mid}/checkin": {account.Secretary, account.Teller},
	"POST /admin/ballots/{id}/meetings/{mid}/tally":   {account.Secretary, account.Teller},
	"POST /admin/ballots/{id}/meetings/{mid}/paper":   {account.Secretary, account.Teller},
	// Withdrawal requests and account links (admin_withdrawals.go,
	// admin_member_link.go): secretaries only.
	"GET /admin/register/withdrawals":              {account.Secretary},
	"POST /admin/register/withdrawals/{id}/pay":    {account.Secretary},
	"POST /admin/register/withdrawals/{id}/reject": {account.Secretary},
	"GET /admin/register/member":                   {account.Secretary},
	"POST /admin/register/member/link":             {account.Secretary},
	"GET /admin/register/admit":                    {account.Secretary},
	"POST /admin/register/admit":                   {account.Secretary},
	"GET /admin/register/shares":                   {account.Secretary},
	"POST /admin/register/shares":                  {account.Secretary},
	"GET /admin/register/officers.csv":             {account.Secretary},
	"GET /admin/register/officers.pdf":             {account.Secretary},
	"GET /admin/register/officers":                 {account.Secretary},
	"POST /admin/register/officers":                {account.Secretary},
	"POST /admin/register/officers/{id}/end":       {account.Secretary},
	// Someone else's lost second factors: admins, never their own.
	"POST /admin/users/{id}/second-factor/reset": {account.Admin},
	"GET /admin/audit":                           {account.Admin},
	"/admin/":                                    account.StaffRoles(),

	// The image library (admin_media.go): whoever writes or edits. No role
	// implies another, so an admin is not let in.
	"GET /admin/media":       {account.Writer, account.Editor},
	"POST /admin/media":      {account.Writer, account.Editor},
	"GET /admin/media/{id}":  {account.Writer, account.Editor},
	"POST /admin/media/{id}": {account.Writer, account.Editor},

	// The fighting fund (admin_fund.go): treasurers only. An admin is not
	// a super-user: money needs the treasurer role, granted by someone else.
	"GET /admin/fund":                       {account.Treasurer},
	"GET /admin/fund/gifts/new":             {account.Treasurer},
	"POST /admin/fund/gifts/new":            {account.Treasurer},
	"GET /admin/fund/entries":               {account.Treasurer},
	"POST /admin/fund/entries/{id}/reverse": {account.Treasurer},
	"POST /admin/fund/holds/{id}/resolve":   {account.Treasurer},
	"GET /admin/fund/import":                {account.Treasurer},
	"POST /admin/fund/import":               {account.Treasurer},
	"GET /admin/fund/export.csv":            {account.Treasurer},
	"GET /admin/fund/column.txt":            {account.Treasurer},
	"GET /admin/fund/target":                {account.Treasurer},
	"POST /admin/fund/target":               {account.Treasurer},
	"GET /admin/fund/reconcile":             {account.Treasurer},
	"GET /admin/fund/payouts":               {account.Treasurer},

	// Standing-order supporters and bank statements
	// (admin_standing_orders.go, admin_statement_*.go): treasurers only.
	"GET /admin/supporters/standing-orders":                {account.Treasurer},
	"GET /admin/supporters/standing-orders/new":            {account.Treasurer},
	"POST /admin/supporters/standing-orders":               {account.Treasurer},
	"GET /admin/supporters/standing-orders/{id}":           {account.Treasurer},
	"POST /admin/supporters/standing-orders/{id}":          {account.Treasurer},
	"POST /admin/supporters/standing-orders/{id}/status":   {account.Treasurer},
	"GET /admin/supporters/statements":                     {account.Treasurer},
	"POST /admin/supporters/statements":                    {account.Treasurer},
	"GET /admin/supporters/statements/waiting":             {account.Treasurer},
	"POST /admin/supporters/statements/lines/{id}/assign":  {account.Treasurer},
	"POST /admin/supporters/statements/lines/{id}/dismiss": {account.Treasurer},
	// Supporters by subscription (admin_supporters.go): money, so
	// treasurers only.
	"GET /admin/supporters":            {account.Treasurer},
	"POST /admin/supporters/plans":     {account.Treasurer},
	"GET /admin/supporters/export.csv": {account.Treasurer},

	// The newsroom (admin_article.go): writers and editors share the
	// pages, only editors publish, correct and restore.
	"GET /admin/articles":                               {account.Writer, account.Editor},
	"GET /admin/articles/new":                           {account.Writer, account.Editor},
	"POST /admin/articles":                              {account.Writer, account.Editor},
	"GET /admin/articles/{id}":                          {account.Writer, account.Editor},
	"POST /admin/articles/{id}":                         {account.Writer, account.Editor},
	"POST /admin/articles/{id}/submit":                  {account.Writer, account.Editor},
	"POST /admin/articles/{id}/draft":                   {account.Writer, account.Editor},
	"POST /admin/articles/{id}/publish":                 {account.Editor},
	"POST /admin/articles/{id}/schedule":                {account.Editor},
	"POST /admin/articles/{id}/unpublish":               {account.Editor},
	"POST /admin/articles/{id}/corrections":             {account.Editor},
	"GET /admin/articles/{id}/revisions":                {account.Writer, account.Editor},
	"POST /admin/articles/{id}/revisions/{rev}/restore": {account.Editor},
	"POST /admin/preview":                               {account.Writer, account.Editor},
	"GET /admin/desk":                                   {account.Editor},

	// Author profiles (admin_authors.go): the editors, who own the bylines.
	"GET /admin/authors":       {account.Editor},
	"POST /admin/authors":      {account.Editor},
	"GET /admin/authors/{id}":  {account.Editor},
	"POST /admin/authors/{id}": {account.Editor},

	// The board's suspensions of withdrawals (admin_suspensions.go).
	"POST /admin/register/withdrawals/suspensions":          {account.Secretary},
	"POST /admin/register/withdrawals/suspensions/{id}/end": {account.Secretary},
}

// persona is one kind of visitor in the matrix.
type persona struct {
	name  string
	roles []account.Role // nil with signedIn: an account with no role
	anon  bool
}

func personas() []persona {
	ps := []persona{{name: "no session", anon: true}, {name: "no role"}, {name: "reader", roles: []account.Role{account.Reader}}}
	for _, r := range account.StaffRoles() {
		ps = append(ps, persona{name: string(r), roles: []account.Role{r}})
	}
	return ps
}

// matrixObjects are real objects of each kind a staff path names, so
// that an allowed request reaches the page and not a 404.
type matrixObjects struct {
	account, image, author, entry, hold int64
	// standingOrder and waitingLine are a standing-order supporter and a
	// statement line left for the treasurer.
	standingOrder, waitingLine int64
	// application is an application for shares, submitted and unpaid.
	application int64
	// ballot is an empty draft ballot, and meeting a meeting of it.
	ballot, meeting int64
	// draft makes a fresh draft by the matrix's writer and returns its id
	// and its first revision's: the workflow buttons change an article, so
	// each request gets its own.
	draft func() (id, rev int64)
}

// requestFor turns a route pattern into a concrete request: the method (GET
// for a pattern without one) and a path whose wildcards name real objects.
func requestFor(pattern string, o matrixObjects) (method, path string) {
	method, path = "GET", pattern
	if m, p, ok := strings.Cut(pattern, " "); ok {
		method, path = m, p
	}
	if path == "/admin/" {
		return method, "/admin/no-such-page"
	}
	path = strings.ReplaceAll(path, "{$}", "")
	id := int64(0)
	switch {
	case strings.HasPrefix(path, "/admin/users/"):
		id = o.account
	case strings.HasPrefix(path, "/admin/media/"):
		id = o.image
	case strings.HasPrefix(path, "/admin/authors/"):
		id = o.author
	case strings.HasPrefix(path, "/admin/fund/entries/"):
		id = o.entry
	case strings.HasPrefix(path, "/admin/fund/holds/"):
		id = o.hold
	case strings.HasPrefix(path, "/admin/supporters/standing-orders/"):
		id = o.standingOrder
	case strings.HasPrefix(path, "/admin/supporters/statements/lines/"):
		id = o.waitingLine
	case strings.HasPrefix(path, "/admin/register/applications/"):
		id = o.application
	case strings.HasPrefix(path, "/admin/ballots/"):
		id = o.ballot
		path = strings.ReplaceAll(path, "{mid}", strconv.FormatInt(o.meeting, 10))
	case strings.HasPrefix(path, "/admin/articles/{id}") && o.draft != nil:
		a, rev := o.draft()
		id = a
		path = strings.ReplaceAll(path, "{rev}", strconv.FormatInt(rev, 10))
	}
	if id == 0 { // no objects made: any number will do for a request refused first
		id = 1
	}
	path = strings.ReplaceAll(path, "{rev}", "1")
	return method, strings.ReplaceAll(path, "{id}", strconv.FormatInt(id, 10))
}

// allowedStatus is what an allowed person gets from each staff route,
// asked with an empty form on a fresh real object: the page (200), the
// change done and a redirect (303), or the page's own refusal of the empty
// input or of the step for the object's state (422). Never 404 or 500: those would hide a route that never ran.
var allowedStatus = map[string]int{
	"/admin/":                      http.StatusNotFound,
	"POST /admin/account/password": http.StatusUnprocessableEntity,
	// No code typed; the new recovery codes shown on the page itself; the
	// passkey options as JSON; an empty answer to a passkey prompt.
	"POST /admin/account/security/totp":           http.StatusUnprocessableEntity,
	"POST /admin/account/security/recovery-codes": http.StatusOK,
	"POST /admin/account/security/passkey/begin":  http.StatusOK,
	"POST /admin/account/security/passkey/finish": http.StatusUnprocessableEntity,
	"POST /admin/users":                           http.StatusUnprocessableEntity,
	"POST /admin/media":                           http.StatusUnprocessableEntity,
	"POST /admin/media/{id}":                      http.StatusUnprocessableEntity,
	"POST /admin/articles/{id}/draft":             http.StatusUnprocessableEntity,
	"POST /admin/articles/{id}/unpublish":         http.StatusUnprocessableEntity,
	"POST /admin/articles":                        http.StatusUnprocessableEntity,
	"POST /admin/articles/{id}":                   http.StatusUnprocessableEntity,
	"POST /admin/articles/{id}/schedule":          http.StatusUnprocessableEntity,
	"POST /admin/articles/{id}/corrections":       http.StatusUnprocessableEntity,
	"POST /admin/preview":                         http.StatusOK,
	"POST /admin/authors":                         http.StatusUnprocessableEntity,
	"POST /admin/authors/{id}":                    http.StatusUnprocessableEntity,
	"POST /admin/fund/gifts/new":                  http.StatusUnprocessableEntity,
	"POST /admin/fund/entries/{id}/reverse":       http.StatusUnprocessableEntity,
	"POST /admin/fund/holds/{id}/resolve":         http.StatusUnprocessableEntity,
	"POST /admin/fund/import":                     http.StatusUnprocessableEntity,
	"POST /admin/fund/target":                     http.StatusUnprocessableEntity,
	// An empty form: no name, amount or reference; no status chosen; no
	// file; no supporter chosen; no note.
	"POST /admin/supporters/standing-orders":               http.StatusUnprocessableEntity,
	"POST /admin/supporters/standing-orders/{id}":          http.StatusUnprocessableEntity,
	"POST /admin/supporters/standing-orders/{id}/status":   http.StatusUnprocessableEntity,
	"POST /admin/supporters/statements":                    http.StatusUnprocessableEntity,
	"POST /admin/supporters/statements/lines/{id}/assign":  http.StatusUnprocessableEntity,
	"POST /admin/supporters/statements/lines/{id}/dismiss": http.StatusUnprocessableEntity,
	"POST /admin/supporters/plans":                         http.StatusUnprocessableEntity,
	// An unpaid application: an empty payment form, approval before
	// payment, no reason to reject, no card payment to refund.
	"POST /admin/register/applications/{id}/payment": http.StatusUnprocessableEntity,
	"POST /admin/register/applications/{id}/approve": http.StatusUnprocessableEntity,
	"POST /admin/register/applications/{id}/reject":  http.StatusUnprocessableEntity,
	"POST /admin/register/applications/{id}/refund":  http.StatusUnprocessableEntity,
	// No file chosen: the import's form comes back asking for one.
	"POST /admin/register/import": http.StatusUnprocessableEntity,
	// An empty form; an empty draft cannot open, and a draft cannot close.
	"POST /admin/ballots":                http.StatusUnprocessableEntity,
	"POST /admin/ballots/{id}":           http.StatusUnprocessableEntity,
	"POST /admin/ballots/{id}/motions":   http.StatusUnprocessableEntity,
	"POST /admin/ballots/{id}/elections": http.StatusUnprocessableEntity,
	"POST /admin/ballots/{id}/remove":    http.StatusUnprocessableEntity,
	"POST /admin/ballots/{id}/open":      http.StatusUnprocessableEntity,
	"POST /admin/ballots/{id}/close":     http.StatusUnprocessableEntity,
	"POST /admin/ballots/{id}/codes":     http.StatusUnprocessableEntity,
	// The matrix's ballot is a draft: no results yet (to the results
	// page), and no papers, reminders, check-ins or counts.
	"GET /admin/ballots/{id}/results.pdf":             http.StatusSeeOther,
	"GET /admin/ballots/{id}/results.csv":             http.StatusSeeOther,
	"POST /admin/ballots/{id}/papers":                 http.StatusUnprocessableEntity,
	"POST /admin/ballots/{id}/remind":                 http.StatusUnprocessableEntity,
	"POST /admin/ballots/{id}/postal":                 http.StatusUnprocessableEntity,
	"POST /admin/ballots/{id}/meetings":               http.StatusUnprocessableEntity,
	"POST /admin/ballots/{id}/meetings/{mid}/checkin": http.StatusUnprocessableEntity,
	"POST /admin/ballots/{id}/meetings/{mid}/tally":   http.StatusUnprocessableEntity,
	"POST /admin/ballots/{id}/meetings/{mid}/paper":   http.StatusUnprocessableEntity,
	// No payment confirmed, no reason given, no member or address typed.
	"POST /admin/register/withdrawals/{id}/pay":    http.StatusUnprocessableEntity,
	"POST /admin/register/withdrawals/{id}/reject": http.StatusUnprocessableEntity,
	"POST /admin/register/member/link":             http.StatusUnprocessableEntity,
	"POST /admin/register/admit":                   http.StatusUnprocessableEntity,
	"POST /admin/register/shares":                  http.StatusUnprocessableEntity,
	// An empty appointment, and an empty end of a term.
	"POST /admin/register/officers":          http.StatusUnprocessableEntity,
	"POST /admin/register/officers/{id}/end": http.StatusUnprocessableEntity,

	// An empty suspension of withdrawals, and an empty end of one.
	"POST /admin/register/withdrawals/suspensions":          http.StatusUnprocessableEntity,
	"POST /admin/register/withdrawals/suspensions/{id}/end": http.StatusUnprocessableEntity,
}

// wantAllowed is the status allowedStatus gives pattern: 200 for a GET
// and 303 for a POST unless it says otherwise.
func wantAllowed(pattern string) int {
	if s, ok := allowedStatus[pattern]; ok {
		return s
	}
	if strings.HasPrefix(pattern, "POST ") {
		return http.StatusSeeOther
	}
	return http.StatusOK
}

// TestAuthorisationMatrix asks every staff route as every kind of visitor,
// on real objects, and checks the answer against staffRule: allowed means
// exactly the route's allowedStatus (so a 404 or 500 cannot pass for
// "allowed"); denied means exactly the refusal (a trip to the sign-in page
// or 401 without a session, 403 with one). Ownership rows follow: a writer
// may not change another writer's draft.
func TestAuthorisationMatrix(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var soc *society.Service
		h := newHarness(t, d, withStaff(), withFund(), withMedia(), withJobs(), withDeps(func(deps *web.Deps) {
			deps.Supporters = supporter.New(d, fund.New(d, time.UTC, time.Now), nil, "The Daily Co-op", "http://paper.test")
			var err error
			soc, err = society.New(d, society.DefaultRules(), time.Now)
			if err != nil {
				t.Fatal(err)
			}
			deps.Society = soc
		}))
		routes := h.srv.AdminRoutes()
		if len(routes) < len(staffRule) {
			t.Fatalf("%d staff routes recorded, want at least %d", len(routes), len(staffRule))
		}
		for _, r := range routes {
			want, ok := staffRule[r.Pattern]
			if !ok {
				t.Errorf("route %q (roles %v) has no rule in staffRule: add the roles it is meant for", r.Pattern, r.Roles)
				continue
			}
			if !slices.Equal(sorted(r.Roles), sorted(want)) {
				t.Errorf("route %q allows %v, staffRule says %v", r.Pattern, r.Roles, want)
			}
		}
		accounts := map[string]account.Account{}
		for i, p := range personas() {
			if !p.anon {
				accounts[p.name] = h.person(t, fmt.Sprintf("p%d@example.org", i), p.roles...)
			}
		}
		// Every member of staff has two authenticator apps, so that each
		// may remove one of them (their "own object" for that route).
		factor := map[string]int64{}
		for name, a := range accounts {
			if a.IsStaff() {
				h.enrolTOTP(t, a)
				h.enrolTOTP(t, a)
				fs, err := h.accounts.Factors(context.Background(), a.ID)
				if err != nil || len(fs) != 2 {
					t.Fatalf("factors of %s: %v %v", name, fs, err)
				}
				factor[name] = fs[0].ID
			}
		}
		o := h.matrixObjects(t, accounts[string(account.Writer)])
		o.application = submitApplication(t, soc, "Matrix Applicant", "10", society.PayCheque).ID
		var err error
		o.ballot, err = soc.CreateBallot(context.Background(), society.Ballot{Title: "AGM", Meeting: "AGM",
			OpensAt: time.Now().Add(time.Hour), ClosesAt: time.Now().Add(2 * time.Hour), RecordDate: "2026-01-01"},
			account.Actor{Name: "matrix"})
		if err != nil {
			t.Fatal(err)
		}
		b, err := soc.Ballot(context.Background(), o.ballot)
		if err != nil {
			t.Fatal(err)
		}
		loc := soc.Rules().Location
		if loc == nil {
			loc = time.UTC
		}
		if o.meeting, err = soc.AddMeeting(context.Background(), o.ballot, "Swansea", b.OpensAt.In(loc).Format(time.DateOnly),
			account.Actor{Name: "matrix"}); err != nil {
			t.Fatal(err)
		}
		for _, r := range routes {
			for _, p := range personas() {
				a := accounts[p.name]
				token := ""
				if !p.anon {
					token = h.session(t, a) // fresh each time: some routes end sessions
				}
				method, path := requestFor(r.Pattern, o)
				if id, ok := factor[p.name]; ok && strings.Contains(r.Pattern, "/security/factors/{id}") {
					path = strings.Replace(r.Pattern, "{id}", strconv.FormatInt(id, 10), 1)[len("POST "):]
				}
				var form url.Values
				if method == http.MethodPost {
					form = url.Values{}
				}
				res := h.do(t, req{method: method, path: path, token: token, form: form})
				allowed := !p.anon && slices.ContainsFunc(p.roles, func(x account.Role) bool { return slices.Contains(r.Roles, x) })
				switch {
				case allowed && res.status != wantAllowed(r.Pattern):
					t.Errorf("%s %s as %s: %d %s, want %d\n%.300s", method, path, p.name, res.status, res.header.Get("Location"),
						wantAllowed(r.Pattern), errorSummaryOr(res.body))
				case !allowed && p.anon && method == http.MethodGet && !res.sentToSignIn():
					t.Errorf("anonymous GET %s: %d, want a redirect to /signin", path, res.status)
				case !allowed && p.anon && method != http.MethodGet && res.status != http.StatusUnauthorized:
					t.Errorf("anonymous %s %s: %d, want 401", method, path, res.status)
				case !allowed && !p.anon && res.status != http.StatusForbidden:
					t.Errorf("%s %s as %s: %d, want 403", method, path, p.name, res.status)
				}
				if res.header.Get("Cache-Control") != "no-store" {
					t.Errorf("%s %s as %s: Cache-Control %q", method, path, p.name, res.header.Get("Cache-Control"))
				}
				// An admin refused elsewhere (the newsroom) rightly still
				// sees their own Users link.
				if !allowed && !slices.Contains(p.roles, account.Admin) && strings.Contains(res.body, "Users</a>") {
					t.Errorf("%s %s as %s: refusal shows the admin navigation", method, path, p.name)
				}
			}
		}
		h.checkOwnership(t, accounts[string(account.Writer)], o)
	})
}

func sorted(r []account.Role) []account.Role {
	out := slices.Clone(r)
	slices.Sort(out)
	return out
}
