package article

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
)

// Renderer turns a writer's Markdown into HTML that is safe to show readers.
// Markdown is rendered by goldmark (raw HTML allowed, since writers paste
// embeds) and then everything passes through bluemonday's policy for
// user-generated content, so no script, event handler or javascript: URL can
// reach a page or a feed, whatever was typed.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// NewRenderer builds the Markdown renderer and the sanitising policy.
func NewRenderer() *Renderer {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(false)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^[a-z0-9 -]{1,60}$`)).OnElements("aside", "figure", "blockquote", "p", "span", "div")
	p.AllowElements("figure", "figcaption", "aside")
	return &Renderer{
		md: goldmark.New(
			goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Typographer),
			goldmark.WithRendererOptions(gmhtml.WithUnsafe()),
		),
		policy: p,
	}
}

// HTML renders md and sanitises the result.
func (r *Renderer) HTML(md string) (string, error) {
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(md), &buf); err != nil {
		return "", fmt.Errorf("article: render markdown: %w", err)
	}
	return r.policy.Sanitize(buf.String()), nil
}

// Sanitize cleans HTML from any source with the same policy.
func (r *Renderer) Sanitize(s string) string { return r.policy.Sanitize(s) }

var tagRE = regexp.MustCompile(`<[^>]*>`)

// PlainText strips tags from sanitised HTML for search and summaries.
func PlainText(safeHTML string) string {
	s := tagRE.ReplaceAllString(safeHTML, " ")
	s = html.UnescapeString(s)
	return strings.Join(strings.Fields(s), " ")
}
