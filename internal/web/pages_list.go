package web

import (
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/article"
)

// listPageData is a section, tag or author page.
type listPageData struct {
	layout
	Heading string
	Intro   string
	Kind    string
	Page    article.Page
	BaseURL string
}

// frontPageData is the front page: top stories, then each section's latest.
type frontPageData struct {
	layout
	Top      []article.Article
	Latest   article.Page
	BySecton []sectionStories
}

type sectionStories struct {
	Section article.Section
	Stories []article.Article
}

func (s *Server) frontPage(w http.ResponseWriter, r *http.Request) error {
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	return s.cachedPage(w, r, "front:"+strconv.Itoa(n), time.Time{}, func() (string, any, error) {
		ctx := r.Context()
		d := frontPageData{layout: s.newLayout(r, s.site.Name)}
		d.Title = s.site.Name + ": news from a paper its readers own"
		d.Description = "The latest news, comment and analysis from " + s.site.Name + ", a newspaper owned by its readers."
		d.Canonical = s.site.BaseURL + "/"
		if n > 1 {
			d.Canonical += "?page=" + strconv.Itoa(n)
			d.Title = "Latest news, page " + strconv.Itoa(n) + " | " + s.site.Name
		}
		if d.Latest, err = s.articles.List(ctx, article.Filter{}, n, 20); err != nil {
			return "", nil, err
		}
		if n > d.Latest.Pages() {
			return "", nil, errNotFound
		}
		if n == 1 {
			if d.Top, err = s.articles.Latest(ctx, article.Filter{TopOnly: true}, 3); err != nil {
				return "", nil, err
			}
			for _, sec := range d.Sections {
				stories, err := s.articles.Latest(ctx, article.Filter{SectionID: sec.ID}, 4)
				if err != nil {
					return "", nil, err
				}
				if len(stories) > 0 {
					d.BySecton = append(d.BySecton, sectionStories{Section: sec, Stories: stories})
				}
			}
		}
		return "front", &d, nil
	})
}

// listOf serves a paginated list for a section, tag or author found by slug.
func (s *Server) listOf(w http.ResponseWriter, r *http.Request, kind string,
	find func(slug string) (heading, intro string, f article.Filter, err error)) error {
	slug := r.PathValue("slug")
	if !article.ValidSlug(slug) {
		return errNotFound
	}
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	return s.cachedPage(w, r, kind+":"+slug+":"+strconv.Itoa(n), time.Time{}, func() (string, any, error) {
		heading, intro, f, err := find(slug)
		if err != nil {
			return "", nil, err
		}
		d := listPageData{layout: s.newLayout(r, heading+" | "+s.site.Name), Heading: heading, Intro: intro, Kind: kind,
			BaseURL: "/" + kind + "/" + slug}
		d.Description = intro
		if d.Description == "" {
			d.Description = "Articles: " + heading + ", from " + s.site.Name + "."
		}
		if kind == "section" {
			d.Feed = d.BaseURL + "/feed.atom"
		}
		if d.Page, err = s.articles.List(r.Context(), f, n, 20); err != nil {
			return "", nil, err
		}
		if n > d.Page.Pages() {
			return "", nil, errNotFound
		}
		if n > 1 {
			d.Title = heading + ", page " + strconv.Itoa(n) + " | " + s.site.Name
			d.Canonical += "?page=" + strconv.Itoa(n)
		}
		return "list", &d, nil
	})
}

func (s *Server) sectionPage(w http.ResponseWriter, r *http.Request) error {
	return s.listOf(w, r, "section", func(slug string) (string, string, article.Filter, error) {
		sec, err := s.articles.SectionBySlug(r.Context(), slug)
		return sec.Name, sec.Description, article.Filter{SectionID: sec.ID}, err
	})
}

func (s *Server) tagPage(w http.ResponseWriter, r *http.Request) error {
	return s.listOf(w, r, "tag", func(slug string) (string, string, article.Filter, error) {
		t, err := s.articles.TagBySlug(r.Context(), slug)
		return t.Name, "", article.Filter{TagID: t.ID}, err
	})
}

func (s *Server) authorPage(w http.ResponseWriter, r *http.Request) error {
	return s.listOf(w, r, "author", func(slug string) (string, string, article.Filter, error) {
		a, err := s.articles.AuthorBySlug(r.Context(), slug)
		return a.Name, a.Bio, article.Filter{AuthorID: a.ID}, err
	})
}

// searchPageData is the search form and its results.
type searchPageData struct {
	layout
	Results article.SearchPage
	Error   string
}

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get("q")
	n, err := pageParam(r)
	if err != nil {
		return err
	}
	d := searchPageData{layout: s.newLayout(r, "Search | "+s.site.Name)}
	d.NoIndex, d.Query = true, q
	d.Canonical = s.site.BaseURL + "/search"
	status := http.StatusOK
	switch {
	case !utf8.ValidString(q):
		d.Query, d.Error, status = "", "Your search contained characters we could not read. Please type it again.", http.StatusBadRequest
	case len(q) > article.MaxQueryLen:
		d.Query, d.Error, status = "", "Please search with fewer words (200 characters at most).", http.StatusBadRequest
	case q != "":
		if d.Results, err = s.articles.Search(r.Context(), q, n, 10); err != nil {
			return err
		}
		d.Title = "Search results for “" + q + "” | " + s.site.Name
	}
	p, err := s.tmpl.render("search", &d)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=60")
	w.WriteHeader(status)
	return p.writeTo(w, s.renderBox())
}
