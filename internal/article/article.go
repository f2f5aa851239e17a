// Package article holds the paper's journalism: articles, sections, tags and
// authors, how they are stored on either engine, rendered from Markdown, and
// searched.
package article

import (
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Status is where an article stands in the editorial workflow.
type Status string

// The workflow's states; only Published articles are shown to readers.
const (
	Draft       Status = "draft"
	Submitted   Status = "submitted"
	Scheduled   Status = "scheduled"
	Published   Status = "published"
	Unpublished Status = "unpublished"
)

// Section is a part of the paper, such as World or Britain.
type Section struct {
	ID          int64
	Slug        string
	Name        string
	Description string
	Position    int
}

// Author is a person with a byline and a profile page.
type Author struct {
	ID   int64
	Slug string
	Name string
	Bio  string
}

// Tag is a topic that links articles across sections.
type Tag struct {
	ID   int64
	Slug string
	Name string
}

// Image is an article's featured picture.
type Image struct {
	URL     string
	Alt     string
	Caption string
	Credit  string
}

// Article is one piece of journalism. BodyHTML is already sanitised: it is
// safe to put on a page as it is.
type Article struct {
	ID          int64
	Slug        string
	Headline    string
	Standfirst  string
	BodyMD      string
	BodyHTML    string
	Section     Section
	Authors     []Author
	Tags        []Tag
	Dateline    string
	Status      Status
	Image       Image
	TopStory    bool
	PublishedAt time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int
}

// Page is one page of a list of articles.
type Page struct {
	Articles []Article
	Number   int // 1-based
	PerPage  int
	Total    int
}

// Pages is how many pages the list has.
func (p Page) Pages() int {
	if p.PerPage <= 0 || p.Total == 0 {
		return 1
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}

// HasPrev reports whether there is a page before this one.
func (p Page) HasPrev() bool { return p.Number > 1 }

// HasNext reports whether there is a page after this one.
func (p Page) HasNext() bool { return p.Number < p.Pages() }

// MaxSlugLen bounds slugs so that URLs stay readable and indexes small.
const MaxSlugLen = 120

// ValidSlug reports whether s is a well-formed slug: lower-case letters and
// digits in words joined by single hyphens.
// It is checked on every page request, so it is a loop, not a regexp.
func ValidSlug(s string) bool {
	if s == "" || len(s) > MaxSlugLen || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// Slugify makes a slug from a headline: accents dropped, lower case, words
// joined by hyphens, cut at a word boundary.
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
	}
	out := b.String()
	if len(out) > MaxSlugLen {
		out = out[:MaxSlugLen]
		if i := strings.LastIndexByte(out, '-'); i > 0 {
			out = out[:i]
		}
	}
	return out
}

// validate checks the fields every stored article needs.
func (a *Article) validate() error {
	switch {
	case strings.TrimSpace(a.Headline) == "":
		return valid.Error{Field: "headline", Message: "Give the article a headline."}
	case len(a.Headline) > 300:
		return valid.Error{Field: "headline", Message: "Keep the headline under 300 characters."}
	case len(a.Standfirst) > 1000:
		return valid.Error{Field: "standfirst", Message: "Keep the standfirst under 1,000 characters."}
	case len(a.BodyMD) > 500_000:
		return valid.Error{Field: "body", Message: "The body is too long (500,000 characters at most)."}
	case !ValidSlug(a.Slug):
		return valid.Error{Field: "slug", Message: fmt.Sprintf("Use lower-case letters, digits and single hyphens (at most %d).", MaxSlugLen)}
	case a.Section.ID == 0:
		return valid.Error{Field: "section", Message: "Choose a section."}
	}
	return nil
}
