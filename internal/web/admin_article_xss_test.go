package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
	"golang.org/x/net/html"
)

// xssPayloads are known attacks, from the OWASP filter-evasion cheat sheet
// and the sanitiser bypasses of recent years, plus Markdown's own ways of
// writing a link or an image.
func xssPayloads() []string {
	return []string{
		`<script>alert(1)</script>`,
		`<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>`,
		`<img src=x onerror=alert(1)>`,
		`<IMG SRC="javascript:alert('XSS');">`,
		`<IMG SRC=JaVaScRiPt:alert('XSS')>`,
		"<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
		`<IMG """><SCRIPT>alert("XSS")</SCRIPT>">`,
		`<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>`,
		`<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>`,
		"<IMG SRC=\"jav\tascript:alert('XSS');\">",
		`<IMG SRC="jav&#x09;ascript:alert('XSS');">`,
		`<IMG SRC="jav&#x0A;ascript:alert('XSS');">`,
		`<IMG SRC=" &#14;  javascript:alert('XSS');">`,
		`<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>`,
		`<BODY onload!#$%&()*~+-_.,:;?@[/|\]^` + "`" + `=alert("XSS")>`,
		`<<SCRIPT>alert("XSS");//\<</SCRIPT>`,
		`<SCRIPT SRC=http://xss.rocks/xss.js?< B >`,
		`</TITLE><SCRIPT>alert("XSS");</SCRIPT>`,
		`<INPUT TYPE="IMAGE" SRC="javascript:alert('XSS');">`,
		`<BODY BACKGROUND="javascript:alert('XSS')">`,
		`<IMG DYNSRC="javascript:alert('XSS')">`,
		`<STYLE>li {list-style-image: url("javascript:alert('XSS')");}</STYLE><UL><LI>XSS</br>`,
		`<svg/onload=alert('XSS')>`,
		`<svg><script>alert(1)</script></svg>`,
		`<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>`,
		`<svg><animate onbegin=alert(1) attributeName=x dur=1s>`,
		`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
		`<math href="javascript:alert(1)">CLICK</math>`,
		`<iframe src="javascript:alert(1)"></iframe>`,
		`<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
		`<object data="javascript:alert(1)"></object>`,
		`<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">`,
		`<a href="javascript:alert(1)">click</a>`,
		`<a href="JaVaScRiPt:alert(1)">click</a>`,
		`<a href="&#106;avascript:alert(1)">click</a>`,
		`<a href="vbscript:msgbox(1)">click</a>`,
		`<a href="data:text/html,<script>alert(1)</script>">click</a>`,
		`<a href=" javascript:alert(1)">click</a>`,
		`<a href="jav&#x09;ascript:alert(1)">click</a>`,
		`<div style="background-image: url(javascript:alert(1))">x</div>`,
		`<div style="width: expression(alert(1))">x</div>`,
		`<link rel="stylesheet" href="javascript:alert(1)">`,
		`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
		`<form action="javascript:alert(1)"><button>go</button></form>`,
		`<button formaction="javascript:alert(1)">x</button>`,
		`<details open ontoggle=alert(1)>`,
		`<video><source onerror="alert(1)"></video>`,
		`<audio src=x onerror=alert(1)>`,
		`<body onload=alert(1)>`,
		`<marquee onstart=alert(1)>x</marquee>`,
		`<scr<script>ipt>alert(1)</scr</script>ipt>`,
		`<!--<img src="--><img src=x onerror=alert(1)//">`,
		`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
		`<base href="javascript:alert(1)//">`,
		`"><script>alert(1)</script>`,
		`<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`,
		`<table background="javascript:alert(1)"><tr><td>x</td></tr></table>`,
		`<style>@import 'javascript:alert(1)';</style>`,
		`<x onclick=alert(1)>click`,
		`<a href="#" onmouseover="alert(1)">x</a>`,
		"<a href=\"java\u0000script:alert(1)\">x</a>",
		`[click](javascript:alert(1))`,
		`[click](JAVASCRIPT:alert(1))`,
		`![x](javascript:alert(1))`,
		`[click](vbscript:msgbox(1))`,
		`[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
		`<javascript:alert(1)>`,
		`[a](javascript&#58;alert(1))`,
		"[ref][a]\n\n[a]: javascript:alert(1)",
		`![x](x" onerror="alert(1))`,
		"```html\n<script>alert(1)</script>\n```",
	}
}

// TestXSSCorpusThroughTheEditor saves every payload through the editor's
// form as an editor, publishes it, and parses the public page and all
// three feeds for anything executable.
func TestXSSCorpusThroughTheEditor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d, newsroom()...)
		writer, editor := h.as(t, account.Writer), h.as(t, account.Editor)
		payloads := xssPayloads()
		if len(payloads) < 50 {
			t.Fatalf("only %d payloads", len(payloads))
		}
		ownScript := func(n *html.Node) bool {
			for _, a := range n.Attr {
				if (a.Key == "type" && a.Val == "application/ld+json") || (a.Key == "src" && strings.HasPrefix(a.Val, "/static/")) {
					return true
				}
			}
			return false
		}
		// Feeds carry the latest 30, so publish and check in batches.
		const batch = 25
		for start := 0; start < len(payloads); start += batch {
			var slugs []string
			for i := start; i < min(start+batch, len(payloads)); i++ {
				p := payloads[i]
				form := h.articleValues(t, fmt.Sprintf("Payload %d", i), fmt.Sprintf("Marker %d\n\n%s\n\nAfter %d", i, p, i))
				form.Set("standfirst", p)
				form.Set("dateline", p[:min(len(p), 100)])
				id := h.create(t, editor, form)
				if res := h.step(t, editor, id, "publish", nil); res.status != http.StatusSeeOther {
					t.Fatalf("publish payload %d: %d", i, res.status)
				}
				slugs = append(slugs, fmt.Sprintf("payload-%d", i))
			}
			for j, slug := range slugs {
				page := h.get(t, "/article/"+slug)
				if page.status != 200 || !strings.Contains(page.body, fmt.Sprintf("Marker %d", start+j)) {
					t.Fatalf("%s: %d", slug, page.status)
				}
				if bad := executable(page.body, ownScript); len(bad) > 0 {
					t.Errorf("payload %d %q on the page: %v", start+j, payloads[start+j], bad)
				}
			}
			for _, format := range []string{"rss", "atom", "json"} {
				feed := h.get(t, "/feed."+format)
				if feed.status != 200 {
					t.Fatalf("feed.%s: %d", format, feed.status)
				}
				items := feedTestParse(t, format, []byte(feed.body))
				seen := 0
				for _, it := range items {
					if !strings.HasPrefix(it.Title, "Payload ") {
						continue
					}
					seen++
					if bad := executable(it.Content, nil); len(bad) > 0 {
						t.Errorf("%s in feed.%s: %v", it.Title, format, bad)
					}
				}
				if seen < len(slugs) {
					t.Errorf("feed.%s carries %d of the %d payload articles", format, seen, len(slugs))
				}
			}
		}
		// The live preview goes through the same sanitiser.
		for i, p := range payloads {
			res := h.do(t, req{method: "POST", path: "/admin/preview", token: writer, form: url.Values{"body": {p}}})
			if res.status != 200 {
				t.Fatalf("preview %d: %d", i, res.status)
			}
			if bad := executable(res.body, nil); len(bad) > 0 {
				t.Errorf("preview of payload %d %q: %v", i, p, bad)
			}
		}
	})
}

// TestExecutableCheckerCatches proves the checker is not vacuous: each of
// these unsanitised snippets must be flagged.
func TestExecutableCheckerCatches(t *testing.T) {
	for _, doc := range []string{
		`<article><script>alert(1)</script></article>`,
		`<article><img src=x onerror=alert(1)></article>`,
		`<article><a href="jav&#x09;ascript:alert(1)">x</a></article>`,
		`<article><a href=" VBScript:msgbox(1)">x</a></article>`,
		`<article><img src="data:image/svg+xml;base64,AAAA"></article>`,
		`<article><iframe src="https://evil.example"></iframe></article>`,
		`<article><div style="width: expression(alert(1))">x</div></article>`,
		`<p>feed body</p><svg><a xlink:href="javascript:alert(1)">x</a></svg>`,
	} {
		if len(executable(doc, nil)) == 0 {
			t.Errorf("not flagged: %s", doc)
		}
	}
}
