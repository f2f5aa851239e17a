package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// unlimitedPosts are the POST routes outside /admin that are not behind
// the form limit (limited), each with the reason it needs none. A new
// public or reader POST must be limited or added here with its reason.
var unlimitedPosts = map[string]string{
	"POST /webhooks/stripe": "Stripe's own calls, each checked against the signing secret before anything is stored",
	// Signing in has the account package's limits (login_attempts),
	// counted in the database for every node, or needs an emailed token.
	"POST /signin":                        "account.ReserveSignIn: per address, per account and address, per account",
	"POST /signout":                       "ends the caller's own session; stores nothing",
	"POST /signin/second":                 "after the password only; the second-factor limit per account",
	"POST /signin/second/passkey/begin":   "after the password only; the challenge rides in the pending session",
	"POST /signin/second/passkey/finish":  "after the password only; checks the challenge begin made",
	"POST /signin/link/{token}":           "needs the one-time token from an email",
	"POST /reset":                         "account limits on reset emails, per address and per client address",
	"POST /reset/{token}":                 "needs the one-time token from an email",
	"POST /account/signin":                "account limits on sign-in links, per address and per client address",
	"POST /account/link/{token}":          "needs the one-time token from an email",
	"POST /account/signin/passkey/begin":  "the account sign-in limit per client address (each start stores a challenge)",
	"POST /account/signin/passkey/finish": "checks the challenge begin stored; stores only a session",
	"POST /account/signout":               "ends the caller's own session; stores nothing",
	// A signed-in reader's own steps that store nothing new each time
	// they are sent, or are bounded by what the reader holds; none calls
	// an outside service. Changes audited on every send are limited.
	"POST /account/signout-everywhere":   "ends the reader's own sessions, this one too: the next needs a sign-in, which is limited",
	"POST /account/passkey/begin":        "the reader's own passkey; its challenge expires in minutes and is pruned",
	"POST /account/passkey/finish":       "the reader's own passkey",
	"POST /account/passkeys/{id}/remove": "removes the reader's own passkey",
	"POST /account/ballots/{id}":         "one vote per member; a second is refused",
	"POST /account/membership/withdraw":  "bounded by the shares held: requests beyond the holding are refused",
	"POST /account/delete":               "erases the reader's own account",
	"POST /vote":                         "stores only with a voting code (random, hashed); one vote per code",
	"POST /ballots/{id}/check":           "reads whether a receipt's paper is counted; stores nothing",
}

// TestPublicPostsAreLimited reads the route table: every POST outside
// /admin goes through limited, or is in unlimitedPosts with its reason,
// and unlimitedPosts names only routes that exist and are not limited.
func TestPublicPostsAreLimited(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "routes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var limited, unlimited []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		for i, arg := range call.Args {
			lit, ok := arg.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				continue
			}
			pattern, err := strconv.Unquote(lit.Value)
			if err != nil || !strings.HasPrefix(pattern, "POST /") || strings.HasPrefix(pattern, "POST /admin") {
				continue
			}
			if i+1 < len(call.Args) && callsLimited(call.Args[i+1]) {
				limited = append(limited, pattern)
			} else {
				unlimited = append(unlimited, pattern)
			}
		}
		return true
	})
	for _, p := range unlimited {
		if unlimitedPosts[p] == "" {
			t.Errorf("%s is not behind the form limit: wrap its handler in s.limited, or say in unlimitedPosts why it needs none", p)
		}
	}
	for p := range unlimitedPosts {
		if !slices.Contains(unlimited, p) {
			t.Errorf("unlimitedPosts names %s, which the route table does not register without a limit", p)
		}
	}
	for _, want := range []string{"POST /donate", "POST /supporters/join", "POST /shares"} {
		if !slices.Contains(limited, want) {
			t.Errorf("%s is not limited", want)
		}
	}
}

// callsLimited reports whether the handler expression is s.limited(…).
func callsLimited(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "limited"
}
