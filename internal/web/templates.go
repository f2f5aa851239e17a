package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/coopress/coopress/internal/article"
)

//go:embed templates
var templateFS embed.FS

// boxMarker is where the fund box goes in a rendered page. Pages are cached
// with the marker cut out, and the box, which changes with every gift, is
// written between the two halves on each request.
const boxMarker = "<!--coopress:fund-box-->"

// templates holds one parsed set per page, each sharing the layout and
// partials.
type templates struct {
	pages map[string]*template.Template
	box   *template.Template
}

func parseTemplates(funcs template.FuncMap) (*templates, error) {
	funcs["fundBoxSlot"] = func() template.HTML { return boxMarker }
	base, err := template.New("base").Funcs(funcs).ParseFS(templateFS, "templates/layout/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	t := &templates{pages: map[string]*template.Template{}}
	for _, n := range names {
		clone, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := clone.ParseFS(templateFS, n); err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", n, err)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/pages/"), ".html")
		t.pages[name] = clone
	}
	if t.box = base.Lookup("fund_box"); t.box == nil {
		return nil, fmt.Errorf("web: the fund_box template is missing")
	}
	return t, nil
}

// renderedPage is a page with the fund box cut out.
type renderedPage struct {
	head, tail []byte
	etag       string
	modified   string // http.TimeFormat, may be empty
	content    int64  // the content version it was rendered under, for its ETag
	// full is the page joined with the latest box, built on first use.
	full atomic.Pointer[assembled]
}

// render executes page name with data into a buffer first, so a template
// failure never sends half a page.
func (t *templates) render(name string, data any) (*renderedPage, error) {
	tp, ok := t.pages[name]
	if !ok {
		return nil, fmt.Errorf("web: no page template %q", name)
	}
	var buf bytes.Buffer
	if err := tp.ExecuteTemplate(&buf, "layout", data); err != nil {
		return nil, fmt.Errorf("web: render %s: %w", name, err)
	}
	b := buf.Bytes()
	head, tail, _ := bytes.Cut(b, []byte(boxMarker))
	return &renderedPage{head: head, tail: tail}, nil
}

// execute renders page name straight through, with box in its place.
func (t *templates) execute(w io.Writer, name string, data any, box []byte) error {
	p, err := t.render(name, data)
	if err != nil {
		return err
	}
	return p.writeTo(w, box)
}

func (p *renderedPage) writeTo(w io.Writer, box []byte) error {
	if _, err := w.Write(p.head); err != nil {
		return err
	}
	if _, err := w.Write(box); err != nil {
		return err
	}
	_, err := w.Write(p.tail)
	return err
}

// layout is what every page's frame needs; page data structs embed it.
type layout struct {
	Site        Site
	Title       string
	Description string
	Canonical   string
	Sections    []article.Section
	NoIndex     bool
	Query       string
	Feed        string
	Meta        []metaTag
	JSONLD      template.JS
	CSS         string
	Script      string
	// Alert is a refusal announced at the top of the page, such as the
	// form limit's (form_limited.go).
	Alert string
}

// metaTag is one OpenGraph or similar <meta property content>.
type metaTag struct {
	Property, Content string
}

// newLayout fills the frame for a request.
func (s *Server) newLayout(r *http.Request, title string) layout {
	secs, _ := s.sections(r)
	return layout{
		Site: s.site, Title: title, Canonical: s.site.BaseURL + r.URL.EscapedPath(),
		Sections: secs, CSS: s.static.path("style.css"), Script: s.static.path("live.js"),
		Feed: "/feed.atom", Alert: alertOf(r),
	}
}

func (s *Server) sections(r *http.Request) ([]article.Section, error) {
	if v, ok := s.pages.sections.Load().(sectionsAt); ok && v.version == s.content.Load() {
		return v.list, nil
	}
	ver := s.content.Load()
	list, err := s.articles.Sections(r.Context())
	if err != nil {
		return nil, err
	}
	s.pages.sections.Store(sectionsAt{version: ver, list: list})
	return list, nil
}
