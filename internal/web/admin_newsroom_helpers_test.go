package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// newsroom is the option set of the newsroom's tests: staff, the image
// library and River's tables for scheduled publication.
func newsroom() []option { return []option{withMedia(), withJobs()} }

// articleValues is a valid article form, in the World section.
func (h *harness) articleValues(t testing.TB, headline, body string) url.Values {
	t.Helper()
	sec, err := h.articles.SectionBySlug(context.Background(), "world")
	if err != nil {
		t.Fatal(err)
	}
	return url.Values{"headline": {headline}, "standfirst": {"Standfirst of " + headline}, "section": {strconv.FormatInt(sec.ID, 10)},
		"body": {body}, "tags": {"Labour, Unions"}, "dateline": {"Felixstowe"}}
}

var savedRE = regexp.MustCompile(`^/admin/articles/(\d+)\?`)

// create posts a new article as the session token's owner and returns its
// id.
func (h *harness) create(t testing.TB, token string, form url.Values) string {
	t.Helper()
	res := h.do(t, req{method: "POST", path: "/admin/articles", token: token, form: form})
	m := savedRE.FindStringSubmatch(res.header.Get("Location"))
	if res.status != http.StatusSeeOther || m == nil {
		t.Fatalf("create %q: %d %s\n%s", form.Get("headline"), res.status, res.header.Get("Location"), errorSummary(res.body))
	}
	return m[1]
}

// step posts a workflow button as the session token and returns the answer.
func (h *harness) step(t testing.TB, token, id, action string, form url.Values) response {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	return h.do(t, req{method: "POST", path: "/admin/articles/" + id + "/" + action, token: token, form: form})
}

// executable lists what in an HTML document could run script: script
// elements (except allowed ones), event-handler attributes, and
// javascript:, vbscript: or data: URLs, plus elements that load or embed
// other documents. allowScript decides which script elements are the
// page's own.
func executable(doc string, allowScript func(*html.Node) bool) []string {
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		return []string{"unparsable: " + err.Error()}
	}
	var bad []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script":
				if allowScript == nil || !allowScript(n) {
					bad = append(bad, "<script>")
				}
			case "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "link", "meta", "style":
				// The page's own search and donation forms and its head
				// links are fine; inside the article or a feed body none
				// of these may appear.
				if !inHead(n) && !outsideArticle(n) {
					bad = append(bad, "<"+n.Data+">")
				}
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if strings.HasPrefix(key, "on") {
					bad = append(bad, "<"+n.Data+" "+key+">")
				}
				if isURLAttr(key) && dangerousURL(a.Val) {
					bad = append(bad, "<"+n.Data+" "+key+"="+a.Val+">")
				}
				if key == "style" && (strings.Contains(strings.ToLower(a.Val), "expression") || strings.Contains(strings.ToLower(a.Val), "url(")) {
					bad = append(bad, "<"+n.Data+" style="+a.Val+">")
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return bad
}

// isURLAttr reports whether a browser follows or loads an attribute.
func isURLAttr(key string) bool {
	switch key {
	case "href", "src", "action", "formaction", "xlink:href", "data", "background", "poster", "srcset", "dynsrc",
		"lowsrc", "cite", "codebase", "longdesc", "usemap", "srcdoc", "ping":
		return true
	}
	return false
}

// outsideArticle reports whether n is in a page but not in its <article>;
// a feed body, which has no <main>, is never outside.
func outsideArticle(n *html.Node) bool {
	inMain := false
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == "article" {
			return false
		}
		if p.Type == html.ElementNode && (p.Data == "main" || p.Data == "header" || p.Data == "footer" || p.Data == "aside") {
			inMain = true
		}
	}
	return inMain
}

func inHead(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == "head" {
			return true
		}
	}
	return false
}

// dangerousURL reports whether v, as a browser would read it (entities
// already decoded by the parser; spaces and control characters ignored),
// starts with a scheme that runs or smuggles script.
func dangerousURL(v string) bool {
	var b strings.Builder
	for _, r := range strings.ToLower(v) {
		if r > ' ' {
			b.WriteRune(r)
		}
	}
	s := b.String()
	for _, scheme := range []string{"javascript:", "vbscript:", "data:", "livescript:"} {
		if strings.HasPrefix(s, scheme) || strings.Contains(s, ","+scheme) || strings.Contains(s, " "+scheme) {
			return true
		}
	}
	return false
}
