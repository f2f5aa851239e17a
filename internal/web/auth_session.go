package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/account"
)

// sessionCookie names the cookie that carries a session token. The token is
// random; the database keeps only its hash.
const sessionCookie = "coopress_session"

// signedInCookie tells the masthead's script (static/account.js) that the
// browser may be signed in, so that only such browsers ask /account/me
// for the name to show. It holds no secret and nothing personal, and
// scripts may read it; the session itself stays in the HttpOnly cookie.
const signedInCookie = "coopress_signed_in"

// authKey is the request-context key for the signed-in person.
type authKey struct{}

// auth is what adminRoute puts in the request context: the person, how
// far their session has got through signing in, and its token (for the
// pages that complete it).
type auth struct {
	account account.Account
	session account.Session
	stage   account.Stage
	token   string
}

// currentAccount is the signed-in person of a request that passed through
// adminRoute; the zero Account elsewhere.
func currentAccount(r *http.Request) account.Account {
	a, _ := r.Context().Value(authKey{}).(auth)
	return a.account
}

// currentAuth is everything adminRoute knows of the request's session.
func currentAuth(r *http.Request) auth {
	a, _ := r.Context().Value(authKey{}).(auth)
	return a
}

func withAuth(r *http.Request, a auth) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), authKey{}, a))
}

// loadSession returns the live session named by the request's cookie. A
// cookie that names no live session is cleared, so the browser stops
// sending it.
func (s *Server) loadSession(w http.ResponseWriter, r *http.Request) (account.Session, string, bool, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || s.accounts == nil {
		return account.Session{}, "", false, nil
	}
	ss, err := s.accounts.Session(r.Context(), c.Value)
	if errors.Is(err, account.ErrNoSession) {
		s.clearSessionCookie(w, r)
		return account.Session{}, "", false, nil
	}
	if err != nil {
		return account.Session{}, "", false, err
	}
	return ss, c.Value, true, nil
}

// loadStaffSession is loadSession for the staff area and its sign-in
// pages. A reader session (begun by an emailed link or a reader's
// passkey) counts as none there, so /admin asks a staff member signed in
// as a reader for their password and second factor: a link proves only
// that the person reads the mailbox.
func (s *Server) loadStaffSession(w http.ResponseWriter, r *http.Request) (account.Session, string, bool, error) {
	ss, token, ok, err := s.loadSession(w, r)
	if err != nil || !ok || ss.Reader {
		return account.Session{}, "", false, err
	}
	return ss, token, true, nil
}

// secure reports whether cookies must be Secure: the request came over TLS
// or the site is published on https (behind a proxy that ends TLS).
func (s *Server) secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(s.site.BaseURL, "https://")
}

// setSessionCookie hands the browser its session token. HttpOnly keeps it
// from scripts; SameSite=Lax keeps it off cross-site POSTs; Max-Age matches
// the session's hard limit, while the idle limit is enforced on the server.
func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.secure(r),
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.accounts.SessionMax() / time.Second),
	})
	http.SetCookie(w, &http.Cookie{
		Name: signedInCookie, Value: "1", Path: "/", Secure: s.secure(r),
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.accounts.SessionMax() / time.Second),
	})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.secure(r),
		SameSite: http.SameSiteLaxMode, MaxAge: -1,
	})
	http.SetCookie(w, &http.Cookie{Name: signedInCookie, Value: "", Path: "/", Secure: s.secure(r), SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// actor is the signed-in person as the audit log names them.
func actor(r *http.Request) account.Actor {
	return account.ActorOf(currentAccount(r), clientIP(r))
}

// safeNext returns next if a browser would take it to a path on this
// site, else /admin/, so a crafted sign-in link cannot send people
// elsewhere afterwards.
func safeNext(next string) string {
	if len(next) > 2000 || !sameSitePath(next) {
		return "/admin/"
	}
	return next
}

// sameSitePath reports whether p is a path on this site however it is
// read. Browsers drop tabs and newlines from a URL and read a backslash as
// a slash, so "/\t/evil.example" and "/\\evil.example" lead to another
// host; a value that anything might decode once more is checked again
// after each decoding, so that "%09" or "%2F" cannot become one later.
func sameSitePath(p string) bool {
	for range 4 {
		if !plainPath(p) {
			return false
		}
		d, err := url.PathUnescape(p)
		if err != nil {
			return false
		}
		if d == p {
			return true
		}
		p = d
	}
	return false // encoded more deeply than any link we make
}

// plainPath reports whether p, taken literally, is an absolute path with
// no control character, no backslash, no scheme and no host.
func plainPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return false
		}
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil && u.Opaque == "" &&
		strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(u.Path, "//")
}
