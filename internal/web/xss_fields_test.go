package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"github.com/coopress/coopress/internal/fund"
	"github.com/coopress/coopress/internal/media"
	"github.com/coopress/coopress/internal/money"
	"golang.org/x/net/html"
)

// fieldPayloads break out of the places a plain-text field lands: element
// text, a quoted attribute, a <title>, a JSON string inside a <script>, a
// URL, a comment, a CDATA section. They are short, to fit every field
// (a tag is at most 60 characters).
func fieldPayloads() []string {
	return []string{
		`<script>alert(1)</script>`,
		`"><img src=x onerror=alert(1)>`,
		`'><svg/onload=alert(1)>`,
		`</title><script>alert(1)</script>`,
		`"}</script><script>alert(1)</script>`,
		`\u003c/script\u003e<script>alert(1)</script>`,
		`javascript:alert(1)`,
		`--><img src=x onerror=alert(1)><!--`,
		`]]><script>alert(1)</script>`,
		`<meta http-equiv=refresh content=0;url=javascript:alert(1)>`,
	}
}

// TestXSSThroughEveryField puts each payload in every field that reaches a
// reader (headline, standfirst, tags, section name, author name and bio,
// image alt, caption and credit, donor name, town and message) and parses
// what carries them: the article, section and author pages with their
// JSON-LD and OpenGraph, the three feeds, the fund page, the treasurer's
// ledger and the printed fund column (plain text, never sniffed as HTML).
// Each page must show the payload as text, so the check is not vacuous.
func TestXSSThroughEveryField(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, withFund(), withMedia(), withJobs())
		ctx := context.Background()
		editor := h.as(t, account.Editor)
		pic := testJPEG(t, 600, 400)
		for i, p := range fieldPayloads() {
			sec, err := h.articles.UpsertSection(ctx, article.Section{Slug: fmt.Sprintf("sec-%d", i), Name: p, Description: p, Position: 100 + i})
			if err != nil {
				t.Fatal(err)
			}
			res := h.do(t, req{method: "POST", path: "/admin/authors", token: editor, form: url.Values{"name": {"Author " + p}, "slug": {fmt.Sprintf("author-%d", i)}, "bio": {p}}})
			m := authorSavedRE.FindStringSubmatch(res.header.Get("Location"))
			if m == nil {
				t.Fatalf("author %d: %d %s", i, res.status, errorSummary(res.body))
			}
			im, err := h.images.Upload(ctx, bytes.NewReader(pic), "x.jpg", media.Meta{Alt: p, Caption: p, Credit: p}, account.Actor{Name: "test"})
			if err != nil {
				t.Fatal(err)
			}
			form := url.Values{"headline": {fmt.Sprintf("Field %d %s", i, p)}, "slug": {fmt.Sprintf("field-%d", i)}, "standfirst": {p},
				"section": {strconv.FormatInt(sec.ID, 10)}, "body": {fmt.Sprintf("Marker %d", i)}, "tags": {p + ", plain"}, "dateline": {"Hull"},
				"authors": {m[1]}, "image_id": {strconv.FormatInt(im.ID, 10)}, "image_alt": {p}, "image_caption": {p}, "image_credit": {p}}
			id := h.create(t, editor, form)
			if res := h.step(t, editor, id, "publish", nil); res.status != http.StatusSeeOther {
				t.Fatalf("publish %d: %d %s", i, res.status, errorSummary(res.body))
			}
			if _, err := h.fund.RecordBatch(ctx, []fund.Entry{{Amount: money.Major(int64(10+i), "GBP"), Method: fund.Cheque, RecordedBy: "test",
				DonorName: p, DonorTown: p, Public: true, PublicName: p, Message: p}}, nil); err != nil {
				t.Fatalf("gift %d: %v", i, err)
			}
			for _, path := range []string{"/article/field-" + strconv.Itoa(i), fmt.Sprintf("/section/sec-%d", i), fmt.Sprintf("/author/author-%d", i)} {
				page := h.get(t, path)
				if page.status != http.StatusOK {
					t.Fatalf("%s: %d", path, page.status)
				}
				checkPage(t, fmt.Sprintf("payload %d %q on %s", i, p, path), page.body)
				if !strings.Contains(pageText(t, page.body), p) {
					t.Errorf("payload %d is not shown as text on %s: the check above proves nothing there", i, path)
				}
			}
			if page := h.get(t, "/article/field-"+strconv.Itoa(i)); !strings.Contains(ogContent(t, page.body, "og:title"), p) {
				t.Errorf("payload %d: og:title %q does not carry the headline intact", i, ogContent(t, page.body, "og:title"))
			}
		}
		for _, format := range []string{"rss", "atom", "json"} {
			feed := h.get(t, "/feed."+format)
			seen := 0
			for _, it := range feedTestParse(t, format, []byte(feed.body)) {
				if strings.HasPrefix(it.Title, "Field ") {
					seen++
				}
				if bad := executable(it.Content, nil); len(bad) > 0 {
					t.Errorf("%q in feed.%s: %v", it.Title, format, bad)
				}
			}
			if seen != len(fieldPayloads()) {
				t.Errorf("feed.%s carries %d of the %d payload articles", format, seen, len(fieldPayloads()))
			}
		}
		if page := h.get(t, "/fund"); page.status != http.StatusOK {
			t.Errorf("/fund: %d", page.status)
		} else {
			checkPage(t, "the fund page", page.body)
		}
		col0 := h.do(t, req{path: "/admin/fund/column.txt?day=2024-11-06", token: h.as(t, account.Treasurer)})
		for _, p := range fieldPayloads() {
			if !strings.Contains(col0.body, p) {
				t.Errorf("the printed column lacks payload %q verbatim", p)
			}
		}
		treasurer := h.as(t, account.Treasurer)
		col := h.do(t, req{path: "/admin/fund/column.txt?day=2024-11-06", token: treasurer})
		if col.status != http.StatusOK || !strings.HasPrefix(col.header.Get("Content-Type"), "text/plain") ||
			col.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("fund column: %d %q %q: the printed column must be plain text a browser will not sniff",
				col.status, col.header.Get("Content-Type"), col.header.Get("X-Content-Type-Options"))
		}
		for _, path := range []string{"/admin/fund/entries", "/admin/fund"} {
			page := h.do(t, req{path: path, token: treasurer})
			if page.status != http.StatusOK {
				t.Fatalf("%s: %d", path, page.status)
			}
			checkPage(t, path, page.body)
			if path == "/admin/fund/entries" && !strings.Contains(pageText(t, page.body), fieldPayloads()[1]) {
				t.Errorf("the ledger page does not show the donor payloads as text")
			}
		}
	})
}

// checkPage fails t if body has anything executable that is not the
// page's own, a refresh or <base> anywhere, or JSON-LD that no longer
// parses as JSON (a payload broke out of its string).
func checkPage(t *testing.T, what, body string) {
	t.Helper()
	own := func(n *html.Node) bool {
		for _, a := range n.Attr {
			if (a.Key == "type" && a.Val == "application/ld+json") || (a.Key == "src" && strings.HasPrefix(a.Val, "/static/")) {
				return true
			}
		}
		return false
	}
	if bad := executable(body, own); len(bad) > 0 {
		t.Errorf("%s: %v", what, bad)
	}
	root, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch {
			case n.Data == "base" || (n.Data == "meta" && attr(n, "http-equiv") != ""):
				t.Errorf("%s: <%s> in the page", what, n.Data)
			case n.Data == "script" && attr(n, "type") == "application/ld+json":
				var v any
				if n.FirstChild == nil || json.Unmarshal([]byte(n.FirstChild.Data), &v) != nil {
					t.Errorf("%s: JSON-LD no longer parses", what)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
}

// pageText is the text a reader sees: every text node outside <script>
// and <style>, entities decoded, with every attribute value too (alt,
// content, title).
func pageText(t *testing.T, body string) string {
	t.Helper()
	root, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style") {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data + "\n")
		}
		for _, a := range n.Attr {
			b.WriteString(a.Val + "\n")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return b.String()
}

// attr is n's attribute key, or "".
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// ogContent is the content of the page's <meta property=prop>.
func ogContent(t *testing.T, body, prop string) string {
	t.Helper()
	root, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var found string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "meta" && attr(n, "property") == prop {
			found = attr(n, "content")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return found
}
