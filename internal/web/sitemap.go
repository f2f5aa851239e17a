package web

import (
	"bytes"
	"encoding/xml"
	"hash/fnv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coopress/coopress/internal/article"
)

const (
	// sitemapSize is how many addresses one sitemap file lists; the
	// protocol allows 50,000, fewer keeps each file quick to build.
	sitemapSize = 10000
	// maxSitemapFile bounds articles-N.xml so a crafted N cannot ask the
	// database for an absurd offset.
	maxSitemapFile = 100000
	// newsWindow and newsLimit are Google News' rules: articles from the
	// last two days, at most 1,000 in one file.
	newsWindow = 48 * time.Hour
	newsLimit  = 1000

	xmlContentType      = "application/xml; charset=utf-8"
	sitemapCacheControl = "public, max-age=300"
	sitemapNS           = "http://www.sitemaps.org/schemas/sitemap/0.9"
)

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

type urlSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	NSNews  string       `xml:"xmlns:news,attr,omitempty"`
	URLs    []sitemapURL `xml:"url"`
}

// sitemapURL is a <url> in a urlset or a <sitemap> in an index.
type sitemapURL struct {
	Loc     string     `xml:"loc"`
	LastMod string     `xml:"lastmod,omitempty"`
	News    *newsEntry `xml:"news:news,omitempty"`
}

type newsEntry struct {
	Publication     newsPublication `xml:"news:publication"`
	PublicationDate string          `xml:"news:publication_date"`
	Title           string          `xml:"news:title"`
}

type newsPublication struct {
	Name     string `xml:"news:name"`
	Language string `xml:"news:language"`
}

func lastMod(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// sitemapIndexPage lists the sitemap of pages and one sitemap per
// sitemapSize articles, each with its newest change.
func (s *Server) sitemapIndexPage(w http.ResponseWriter, r *http.Request) error {
	return s.cachedDoc(w, r, "sitemap:index", xmlContentType, sitemapCacheControl, func() ([]byte, time.Time, error) {
		chunks, err := s.articles.SitemapChunks(r.Context(), sitemapSize)
		if err != nil {
			return nil, time.Time{}, err
		}
		var newest time.Time
		for _, t := range chunks {
			if t.After(newest) {
				newest = t
			}
		}
		idx := sitemapIndex{Sitemaps: []sitemapURL{{Loc: s.site.BaseURL + "/sitemaps/pages.xml", LastMod: lastMod(newest)}}}
		for i, t := range chunks {
			idx.Sitemaps = append(idx.Sitemaps, sitemapURL{
				Loc: s.site.BaseURL + "/sitemaps/articles-" + strconv.Itoa(i+1) + ".xml", LastMod: lastMod(t)})
		}
		body, err := marshalXML(idx)
		return body, newest, err
	})
}

// sitemapFile serves /sitemaps/pages.xml and /sitemaps/articles-N.xml; any
// other name, or an N past the last file, is a 404.
func (s *Server) sitemapFile(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("file")
	if name == "pages.xml" {
		return s.cachedDoc(w, r, "sitemap:pages", xmlContentType, sitemapCacheControl, func() ([]byte, time.Time, error) {
			return s.pagesSitemap(r)
		})
	}
	num, okPrefix := strings.CutPrefix(name, "articles-")
	num, okSuffix := strings.CutSuffix(num, ".xml")
	if !okPrefix || !okSuffix {
		return errNotFound
	}
	// Only the canonical spelling: no sign, no leading zeros.
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > maxSitemapFile || strconv.Itoa(n) != num {
		return errNotFound
	}
	return s.cachedDoc(w, r, "sitemap:articles:"+num, xmlContentType, sitemapCacheControl, func() ([]byte, time.Time, error) {
		list, err := s.articles.SitemapPage(r.Context(), article.Filter{}, sitemapSize, (n-1)*sitemapSize)
		if err != nil {
			return nil, time.Time{}, err
		}
		if len(list) == 0 {
			return nil, time.Time{}, errNotFound
		}
		set := urlSet{URLs: make([]sitemapURL, 0, len(list))}
		var newest time.Time
		for _, e := range list {
			set.URLs = append(set.URLs, sitemapURL{Loc: s.site.BaseURL + "/article/" + url.PathEscape(e.Slug), LastMod: lastMod(e.UpdatedAt)})
			if e.UpdatedAt.After(newest) {
				newest = e.UpdatedAt
			}
		}
		body, err := marshalXML(set)
		return body, newest, err
	})
}

// pagesSitemap lists the front page and every section, tag and author page
// that has published articles.
func (s *Server) pagesSitemap(r *http.Request) ([]byte, time.Time, error) {
	ls, err := s.articles.Listings(r.Context())
	if err != nil {
		return nil, time.Time{}, err
	}
	var newest time.Time
	for _, l := range ls {
		if l.Updated.After(newest) {
			newest = l.Updated
		}
	}
	set := urlSet{URLs: []sitemapURL{{Loc: s.site.BaseURL + "/", LastMod: lastMod(newest)}}}
	for _, l := range ls {
		set.URLs = append(set.URLs, sitemapURL{Loc: s.site.BaseURL + "/" + l.Kind + "/" + url.PathEscape(l.Slug), LastMod: lastMod(l.Updated)})
	}
	body, err := marshalXML(set)
	return body, newest, err
}

// newsSitemap is the Google News sitemap. It is built on every request, not
// cached with pages: its 48-hour window moves with the clock, not with
// content changes, and it is one indexed query of at most 1,000 rows.
func (s *Server) newsSitemap(w http.ResponseWriter, r *http.Request) error {
	return s.cachedDoc(w, r, "", xmlContentType, sitemapCacheControl, func() ([]byte, time.Time, error) {
		list, err := s.articles.SitemapPage(r.Context(), article.Filter{Since: s.now().Add(-newsWindow)}, newsLimit, 0)
		if err != nil {
			return nil, time.Time{}, err
		}
		// Google wants the ISO 639 language, without a region.
		lang, _, _ := strings.Cut(strings.ToLower(s.site.Language), "-")
		set := urlSet{NSNews: "http://www.google.com/schemas/sitemap-news/0.9", URLs: make([]sitemapURL, 0, len(list))}
		var newest time.Time
		for _, e := range list {
			set.URLs = append(set.URLs, sitemapURL{Loc: s.site.BaseURL + "/article/" + url.PathEscape(e.Slug),
				News: &newsEntry{Publication: newsPublication{Name: s.site.Name, Language: lang},
					PublicationDate: e.PublishedAt.UTC().Format(time.RFC3339), Title: e.Headline}})
			if e.UpdatedAt.After(newest) {
				newest = e.UpdatedAt
			}
		}
		body, err := marshalXML(set)
		return body, newest, err
	})
}

// robots lets every crawler in except to the newsroom and to search
// results, which are endless and add nothing to an index.
func (s *Server) robots(w http.ResponseWriter, r *http.Request) error {
	return s.cachedDoc(w, r, "robots", "text/plain; charset=utf-8", "public, max-age=86400", func() ([]byte, time.Time, error) {
		var b bytes.Buffer
		b.WriteString("User-agent: *\nAllow: /\nDisallow: /admin/\nDisallow: /search\n\n")
		b.WriteString("Sitemap: " + s.site.BaseURL + "/sitemap.xml\n")
		b.WriteString("Sitemap: " + s.site.BaseURL + "/news-sitemap.xml\n")
		return b.Bytes(), time.Time{}, nil
	})
}

// openSearchDoc is an OpenSearch 1.1 description, which lets browsers offer
// the paper's search from their address bar.
type openSearchDoc struct {
	XMLName       xml.Name      `xml:"http://a9.com/-/spec/opensearch/1.1/ OpenSearchDescription"`
	ShortName     string        `xml:"ShortName"`
	Description   string        `xml:"Description"`
	InputEncoding string        `xml:"InputEncoding"`
	URL           openSearchURL `xml:"Url"`
}

type openSearchURL struct {
	Type     string `xml:"type,attr"`
	Method   string `xml:"method,attr"`
	Template string `xml:"template,attr"`
}

func (s *Server) openSearch(w http.ResponseWriter, r *http.Request) error {
	ct := "application/opensearchdescription+xml; charset=utf-8"
	return s.cachedDoc(w, r, "opensearch", ct, "public, max-age=86400", func() ([]byte, time.Time, error) {
		short := []rune(s.site.Name)
		if len(short) > 16 { // the specification's limit
			short = short[:16]
		}
		body, err := marshalXML(openSearchDoc{ShortName: string(short), Description: "Search " + s.site.Name,
			InputEncoding: "UTF-8",
			URL:           openSearchURL{Type: "text/html", Method: "get", Template: s.site.BaseURL + "/search?q={searchTerms}"}})
		return body, time.Time{}, err
	})
}

// marshalXML encodes v as an XML document with its declaration.
func marshalXML(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// cachedDoc serves a feed, sitemap or other document read by machines. It
// is kept in the page cache under key (none when key is empty), so it is
// rebuilt only when content changes. The ETag is a hash of the bytes, which
// makes a 304 exactly as fresh as the document; build also returns the
// newest change it covers, for Last-Modified.
func (s *Server) cachedDoc(w http.ResponseWriter, r *http.Request, key, contentType, cacheControl string,
	build func() ([]byte, time.Time, error)) error {
	var p *renderedPage
	var ver pageVersion
	if key != "" {
		p, ver = s.lookupPage(key)
	}
	if p == nil {
		body, mod, err := build()
		if err != nil {
			return err
		}
		h := fnv.New64a()
		h.Write(body)
		p = &renderedPage{head: body, etag: `"` + strconv.FormatUint(h.Sum64(), 36) + `"`}
		if !mod.IsZero() {
			p.modified = mod.UTC().Format(http.TimeFormat)
		}
		if key != "" {
			s.pages.put(key, p, ver.gen)
		}
	}
	// The document's encodings are kept with it, made on first demand,
	// like a page's (cache.go).
	a := p.full.Load()
	if a == nil {
		a = &assembled{etag: p.etag, etagH: []string{p.etag}, body: p.head, lengthH: []string{strconv.Itoa(len(p.head))}}
		p.full.Store(a)
	}
	etag, etagH, lengthH, body := a.etag, a.etagH, a.lengthH, a.body
	hd := w.Header()
	hd.Set("Cache-Control", cacheControl)
	hd.Set("Vary", "Accept-Encoding")
	if len(body) >= minCompress {
		if enc := acceptedEncoding(r.Header.Get("Accept-Encoding")); enc != "" {
			e := a.encoded(enc)
			etag, etagH, lengthH, body = e.etag, e.etagH, e.lengthH, e.body
			hd.Set("Content-Encoding", enc)
		}
	}
	hd["Etag"] = etagH
	if p.modified != "" {
		hd.Set("Last-Modified", p.modified)
	}
	if notModified(r, etag, p.modified) {
		hd.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	hd.Set("Content-Type", contentType)
	hd["Content-Length"] = lengthH
	if r.Method == http.MethodHead {
		return nil
	}
	_, err := w.Write(body)
	return err
}
