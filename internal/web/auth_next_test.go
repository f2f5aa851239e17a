package web

import (
	"net/url"
	"strings"
	"testing"
)

// browserResolve reads target as a browser would on a page of
// https://paper.test: WHATWG URL parsing drops ASCII tab, CR and LF
// anywhere and reads a backslash as a slash in http(s) URLs.
func browserResolve(t *testing.T, target string) *url.URL {
	t.Helper()
	target = strings.NewReplacer("\t", "", "\r", "", "\n", "", `\`, "/").Replace(target)
	target = strings.Trim(target, " \x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f")
	base, _ := url.Parse("https://paper.test/signin")
	ref, err := url.Parse(target)
	if err != nil {
		return base // the browser would not leave the page either
	}
	return base.ResolveReference(ref)
}

// TestSafeNextStaysOnSite runs hostile next values through safeNext and
// then through a URL parser with the browser's normalisation: every
// answer must be a path on paper.test, and honest paths come back whole.
func TestSafeNextStaysOnSite(t *testing.T) {
	hostile := []string{
		"//evil.example/", "https://evil.example/", "http:evil.example", "javascript:alert(1)", `/\evil.example`,
		`\\evil.example`, `\/evil.example`, "/\t/evil.example", "/%09/evil.example", "/\n/evil.example", "/\r/evil.example",
		"\t//evil.example", "/\r\n/evil.example", " //evil.example", "/%2F/evil.example", "/%2f%2fevil.example",
		"/%5Cevil.example", "/%5cevil.example", "/%252F/evil.example", "/%25252F/evil.example", "/%0A/evil.example",
		"/%0D/evil.example", "/\x00/evil.example", "/\x0b/evil.example", "/\x7f/evil.example", "/%00/evil.example",
		"/%7F/evil.example", "//%09evil.example", "/\t\\evil.example", "///evil.example", "https:/evil.example",
		"/%", "evil.example", "", strings.Repeat("/a", 1001),
	}
	for _, next := range hostile {
		got := safeNext(next)
		u := browserResolve(t, got)
		if u.Host != "paper.test" || u.Scheme != "https" {
			t.Errorf("safeNext(%q) = %q, which a browser follows to %s", next, got, u)
		}
		if got != "/admin/" {
			t.Errorf("safeNext(%q) = %q, want the fallback /admin/", next, got)
		}
	}
	for _, next := range []string{"/admin/", "/admin/account", "/admin/articles?status=draft&q=a+b", "/admin/articles/12#history",
		"/admin/search?q=caf%C3%A9", "/"} {
		if got := safeNext(next); got != next {
			t.Errorf("safeNext(%q) = %q, want it kept", next, got)
		}
	}
}
