package web

import (
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"github.com/coopress/coopress/internal/article"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/media"
)

// articlePageData is one article and the co-operative box after it.
type articlePageData struct {
	layout
	Article article.Article
	// Corrections are the article's dated corrections and updates.
	Corrections []article.Correction
	// Picture is the featured image from the library, with every size for
	// srcset; nil when the image is not (or no longer) in the library.
	Picture *media.Image
}

// articleKeyPrefix starts an article page's key in the page cache.
const articleKeyPrefix = "article:"

func (s *Server) articlePage(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	if !article.ValidSlug(slug) {
		return errNotFound
	}
	var buf [128]byte
	p, ver := s.lookupPageBytes(append(append(buf[:0], articleKeyPrefix...), slug...)) // before reading the article: see renderPage
	if p != nil {
		return s.writePage(w, r, p, "public, max-age=60, stale-while-revalidate=600")
	}
	key := articleKeyPrefix + slug
	ctx := r.Context()
	a, err := s.articles.Published(ctx, slug)
	if errors.Is(err, db.ErrNotFound) {
		if to, rerr := s.articles.Redirect(ctx, slug); rerr == nil {
			http.Redirect(w, r, "/article/"+url.PathEscape(to), http.StatusMovedPermanently)
			return nil
		}
		if gone, gerr := s.articles.IsGone(ctx, slug); gerr == nil && gone {
			return errGone
		}
		return errNotFound
	}
	if err != nil {
		return err
	}
	return s.renderPage(w, r, key, ver, a.UpdatedAt, func() (string, any, error) {
		d := articlePageData{layout: s.newLayout(r, a.Headline+" | "+s.site.Name), Article: a}
		cs, err := s.articles.Corrections(ctx, a.ID)
		if err != nil {
			return "", nil, err
		}
		d.Corrections = cs
		if s.media != nil && a.Image.URL != "" {
			if im, err := s.media.BySrc(ctx, a.Image.URL); err == nil {
				im.Alt = a.Image.Alt // the article's own words for this use of the picture
				d.Picture = &im
			} else if !errors.Is(err, media.ErrNotFound) {
				return "", nil, err
			}
		}
		d.Description = a.Standfirst
		d.Canonical = s.site.BaseURL + "/article/" + a.Slug
		d.Meta, d.JSONLD = s.articleMeta(a, d.Canonical)
		return "article", &d, nil
	})
}

// articleMeta builds the OpenGraph tags and the schema.org NewsArticle
// description of an article.
func (s *Server) articleMeta(a article.Article, canonical string) ([]metaTag, template.JS) {
	meta := []metaTag{
		{"og:type", "article"},
		{"og:site_name", s.site.Name},
		{"og:title", a.Headline},
		{"og:description", a.Standfirst},
		{"og:url", canonical},
		{"article:published_time", a.PublishedAt.UTC().Format("2006-01-02T15:04:05Z")},
		{"article:modified_time", a.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z")},
		{"article:section", a.Section.Name},
	}
	for _, t := range a.Tags {
		meta = append(meta, metaTag{"article:tag", t.Name})
	}
	type person struct {
		Type string `json:"@type"`
		Name string `json:"name"`
		URL  string `json:"url,omitempty"`
	}
	ld := map[string]any{
		"@context":         "https://schema.org",
		"@type":            "NewsArticle",
		"headline":         a.Headline,
		"description":      a.Standfirst,
		"datePublished":    a.PublishedAt.UTC().Format("2006-01-02T15:04:05Z"),
		"dateModified":     a.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z"),
		"mainEntityOfPage": canonical,
		"articleSection":   a.Section.Name,
		"publisher":        map[string]any{"@type": "NewsMediaOrganization", "name": s.site.Name, "url": s.site.BaseURL + "/"},
	}
	if a.Image.URL != "" {
		img := a.Image.URL
		if len(img) > 0 && img[0] == '/' {
			img = s.site.BaseURL + img
		}
		ld["image"] = []string{img}
		meta = append(meta, metaTag{"og:image", img}, metaTag{"og:image:alt", a.Image.Alt})
	}
	var authors []person
	for _, au := range a.Authors {
		authors = append(authors, person{"Person", au.Name, s.site.BaseURL + "/author/" + au.Slug})
	}
	if len(authors) > 0 {
		ld["author"] = authors
	}
	// json.Marshal escapes <, > and & so the script block cannot be closed
	// early by anything in a headline.
	b, err := json.Marshal(ld)
	if err != nil {
		return meta, ""
	}
	return meta, template.JS(b) // JSON with HTML-significant characters escaped
}
