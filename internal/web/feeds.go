package web

// Feeds are written with encoding/xml and encoding/json over our own typed
// structs rather than github.com/gorilla/feeds: its model holds one author
// and no categories per item, writes Atom categories without the required
// term attribute, and drops a JSON Feed's required "items" when a section is
// still empty.

import (
	"encoding/json"
	"encoding/xml"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/coopress/coopress/internal/article"
)

// feedLimit is how many of the latest articles a feed carries.
const feedLimit = 30

// feedCacheControl lets readers and CDNs reuse a feed as briefly as a page.
const feedCacheControl = "public, max-age=60, stale-while-revalidate=600"

// feedFormat is one syndication format: its file extension, media type and
// encoder.
type feedFormat struct {
	ext         string
	contentType string
	encode      func(s *Server, f *feedData) ([]byte, error)
}

var (
	rssFormat  = feedFormat{"rss", "application/rss+xml; charset=utf-8", (*Server).encodeRSS}
	atomFormat = feedFormat{"atom", "application/atom+xml; charset=utf-8", (*Server).encodeAtom}
	jsonFormat = feedFormat{"json", "application/feed+json; charset=utf-8", (*Server).encodeJSONFeed}
)

// feedData is what every format says, before it is encoded.
type feedData struct {
	Title, Description string
	Home, Self         string // absolute URLs
	Updated            time.Time
	Articles           []article.Article
}

// feed serves the site-wide feed, or a section's when the route has {slug}.
func (s *Server) feed(ff feedFormat) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		slug := r.PathValue("slug")
		path := "/"
		if slug != "" {
			if !article.ValidSlug(slug) {
				return errNotFound
			}
			path = "/section/" + slug
		}
		key := "feed:" + ff.ext + ":" + slug
		return s.cachedDoc(w, r, key, ff.contentType, feedCacheControl, func() ([]byte, time.Time, error) {
			ctx := r.Context()
			fd := &feedData{Title: s.site.Name, Home: s.site.BaseURL + path,
				Description: "The latest from " + s.site.Name + ", a newspaper owned by its readers."}
			fd.Self = s.site.BaseURL + "/feed." + ff.ext
			var f article.Filter
			if slug != "" {
				sec, err := s.articles.SectionBySlug(ctx, slug)
				if err != nil {
					return nil, time.Time{}, err
				}
				f.SectionID = sec.ID
				fd.Title = sec.Name + " | " + s.site.Name
				fd.Self = s.site.BaseURL + path + "/feed." + ff.ext
				if sec.Description != "" {
					fd.Description = sec.Description
				}
			}
			list, err := s.articles.FeedArticles(ctx, f, feedLimit)
			if err != nil {
				return nil, time.Time{}, err
			}
			san := s.articles.Renderer()
			for i := range list {
				// Bodies were sanitised when saved; doing it again here keeps
				// script out of feed readers (some of which sanitise nothing)
				// even if a row was written some other way or the page policy
				// is one day loosened for embeds.
				list[i].BodyHTML = san.Sanitize(list[i].BodyHTML)
			}
			if err := s.feedCorrections(ctx, list); err != nil {
				return nil, time.Time{}, err
			}
			for _, a := range list {
				if a.UpdatedAt.After(fd.Updated) {
					fd.Updated = a.UpdatedAt
				}
			}
			fd.Articles = list
			mod := fd.Updated
			if fd.Updated.IsZero() {
				fd.Updated = s.now() // Atom requires <updated> even when empty
			}
			body, err := ff.encode(s, fd)
			return body, mod, err
		})
	}
}

// articleURL is an article's absolute address.
func (s *Server) articleURL(a article.Article) string {
	return s.site.BaseURL + "/article/" + url.PathEscape(a.Slug)
}

// entryID is an article's permanent identity in every feed: a tag URI
// (RFC 4151) from its number, not its address, so that a slug changed after
// publication does not show the story twice in a reader.
func (s *Server) entryID(a article.Article) string {
	host := s.site.BaseURL
	if u, err := url.Parse(s.site.BaseURL); err == nil && u.Host != "" {
		host = u.Hostname()
	}
	return "tag:" + host + "," + a.CreatedAt.UTC().Format("2006-01-02") + ":article/" + strconv.FormatInt(a.ID, 10)
}

// absURL makes a site-relative address (such as an image) absolute.
func (s *Server) absURL(u string) string {
	if len(u) > 1 && u[0] == '/' && u[1] != '/' {
		return s.site.BaseURL + u
	}
	return u
}

// rssDoc is an RSS 2.0 document with the content, Dublin Core and Atom
// extensions that carry the body, the authors and the self link.
type rssDoc struct {
	XMLName   xml.Name   `xml:"rss"`
	Version   string     `xml:"version,attr"`
	NSContent string     `xml:"xmlns:content,attr"`
	NSDC      string     `xml:"xmlns:dc,attr"`
	NSAtom    string     `xml:"xmlns:atom,attr"`
	Channel   rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language,omitempty"`
	LastBuildDate string    `xml:"lastBuildDate"`
	Self          xmlLink   `xml:"atom:link"`
	Items         []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string   `xml:"title"`
	Link        string   `xml:"link"`
	GUID        rssGUID  `xml:"guid"`
	Description string   `xml:"description"`
	Content     string   `xml:"content:encoded"`
	Creators    []string `xml:"dc:creator"`
	Categories  []string `xml:"category"`
	PubDate     string   `xml:"pubDate"`
}

type rssGUID struct {
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	ID          string `xml:",chardata"`
}

// xmlLink is an Atom link element, also used in RSS for the self link.
type xmlLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

func (s *Server) encodeRSS(f *feedData) ([]byte, error) {
	doc := rssDoc{Version: "2.0", NSContent: "http://purl.org/rss/1.0/modules/content/",
		NSDC: "http://purl.org/dc/elements/1.1/", NSAtom: "http://www.w3.org/2005/Atom"}
	doc.Channel = rssChannel{Title: f.Title, Link: f.Home, Description: f.Description, Language: s.site.Language,
		LastBuildDate: f.Updated.UTC().Format(time.RFC1123Z),
		Self:          xmlLink{Href: f.Self, Rel: "self", Type: "application/rss+xml"}}
	for _, a := range f.Articles {
		it := rssItem{Title: a.Headline, Link: s.articleURL(a), GUID: rssGUID{ID: s.entryID(a)},
			// RSS readers take description as HTML; the standfirst is text.
			Description: html.EscapeString(a.Standfirst), Content: a.BodyHTML,
			Categories: []string{a.Section.Name}, PubDate: a.PublishedAt.UTC().Format(time.RFC1123Z)}
		for _, au := range a.Authors {
			it.Creators = append(it.Creators, au.Name)
		}
		for _, t := range a.Tags {
			it.Categories = append(it.Categories, t.Name)
		}
		doc.Channel.Items = append(doc.Channel.Items, it)
	}
	return marshalXML(doc)
}

// atomFeed is an Atom (RFC 4287) feed document.
type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string      `xml:"xml:lang,attr,omitempty"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	ID       string      `xml:"id"`
	Updated  string      `xml:"updated"`
	Links    []xmlLink   `xml:"link"`
	Author   atomPerson  `xml:"author"`
	Entries  []atomEntry `xml:"entry"`
}

type atomEntry struct {
	Title      string         `xml:"title"`
	Link       xmlLink        `xml:"link"`
	ID         string         `xml:"id"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Authors    []atomPerson   `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
	Content    atomText       `xml:"content"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr,omitempty"`
	Label  string `xml:"label,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

func (s *Server) encodeAtom(f *feedData) ([]byte, error) {
	doc := atomFeed{Lang: s.site.Language, Title: f.Title, Subtitle: f.Description, ID: f.Self,
		Updated: f.Updated.UTC().Format(time.RFC3339),
		Links: []xmlLink{{Href: f.Home, Rel: "alternate", Type: "text/html"},
			{Href: f.Self, Rel: "self", Type: "application/atom+xml"}},
		// The paper is the author of any entry that names nobody.
		Author: atomPerson{Name: s.site.Name, URI: s.site.BaseURL + "/"}}
	for _, a := range f.Articles {
		e := atomEntry{Title: a.Headline, Link: xmlLink{Href: s.articleURL(a), Rel: "alternate", Type: "text/html"},
			ID: s.entryID(a), Published: a.PublishedAt.UTC().Format(time.RFC3339), Updated: a.UpdatedAt.UTC().Format(time.RFC3339),
			Categories: []atomCategory{{Term: a.Section.Slug, Scheme: s.site.BaseURL + "/section/", Label: a.Section.Name}},
			Summary:    atomText{Type: "text", Text: a.Standfirst}, Content: atomText{Type: "html", Text: a.BodyHTML}}
		for _, au := range a.Authors {
			e.Authors = append(e.Authors, atomPerson{Name: au.Name, URI: s.site.BaseURL + "/author/" + url.PathEscape(au.Slug)})
		}
		for _, t := range a.Tags {
			e.Categories = append(e.Categories, atomCategory{Term: t.Slug, Scheme: s.site.BaseURL + "/tag/", Label: t.Name})
		}
		doc.Entries = append(doc.Entries, e)
	}
	return marshalXML(doc)
}

// jsonFeed is a JSON Feed 1.1 document (https://jsonfeed.org/version/1.1).
type jsonFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url"`
	FeedURL     string       `json:"feed_url"`
	Description string       `json:"description,omitempty"`
	Language    string       `json:"language,omitempty"`
	Authors     []jsonAuthor `json:"authors,omitempty"`
	Items       []jsonItem   `json:"items"` // required, even when empty
}

type jsonItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url"`
	Title         string       `json:"title"`
	Summary       string       `json:"summary,omitempty"`
	ContentHTML   string       `json:"content_html"`
	Image         string       `json:"image,omitempty"`
	DatePublished string       `json:"date_published"`
	DateModified  string       `json:"date_modified"`
	Authors       []jsonAuthor `json:"authors,omitempty"`
	Tags          []string     `json:"tags,omitempty"`
}

type jsonAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

func (s *Server) encodeJSONFeed(f *feedData) ([]byte, error) {
	doc := jsonFeed{Version: "https://jsonfeed.org/version/1.1", Title: f.Title, HomePageURL: f.Home, FeedURL: f.Self,
		Description: f.Description, Language: s.site.Language,
		Authors: []jsonAuthor{{Name: s.site.Name, URL: s.site.BaseURL + "/"}},
		Items:   make([]jsonItem, 0, len(f.Articles))}
	for _, a := range f.Articles {
		it := jsonItem{ID: s.entryID(a), URL: s.articleURL(a), Title: a.Headline, Summary: a.Standfirst,
			ContentHTML: a.BodyHTML, Image: s.absURL(a.Image.URL),
			DatePublished: a.PublishedAt.UTC().Format(time.RFC3339), DateModified: a.UpdatedAt.UTC().Format(time.RFC3339),
			Tags: []string{a.Section.Name}}
		for _, au := range a.Authors {
			it.Authors = append(it.Authors, jsonAuthor{Name: au.Name, URL: s.site.BaseURL + "/author/" + url.PathEscape(au.Slug)})
		}
		for _, t := range a.Tags {
			it.Tags = append(it.Tags, t.Name)
		}
		doc.Items = append(doc.Items, it)
	}
	return json.Marshal(doc)
}
