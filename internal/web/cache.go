package web

import (
	"bytes"
	"hash/fnv"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coopress/coopress/internal/article"
)

// pageCache keeps rendered pages in memory until content changes. It is
// bounded: when full, an arbitrary entry makes room, which is enough to stop
// a crawler of 100,000 old articles from growing memory without limit.
type pageCache struct {
	mu      sync.RWMutex
	max     int
	entries map[string]*renderedPage
	// gen counts clears. A page is stored only if no clear came between
	// looking it up and storing it: a render that overlapped a change may
	// hold what was there before, and once stored it would be served as
	// fresh until the next change.
	gen      uint64
	sections atomic.Value // sectionsAt

	// beforePut, set only by tests, runs after a page is rendered and
	// before it is stored, so a test can put a change in between.
	beforePut func(key string)
}

// pageVersion is what a page is rendered under: the cache generation it
// may be stored in, and the content version its ETag names.
type pageVersion struct {
	gen     uint64
	content int64
}

type sectionsAt struct {
	version int64
	list    []article.Section
}

func newPageCache(max int) *pageCache {
	return &pageCache{max: max, entries: make(map[string]*renderedPage, max)}
}

// lookupPage returns the cached page under key, or nil, and the version a
// page rendered now is rendered under. A caller that reads the database
// before rendering calls it before its first read.
func (s *Server) lookupPage(key string) (*renderedPage, pageVersion) {
	c := s.pages
	c.mu.RLock()
	p, gen := c.entries[key], c.gen
	c.mu.RUnlock()
	return p, pageVersion{gen: gen, content: s.content.Load()}
}

// lookupPageBytes is lookupPage for a key built in a caller's buffer: a
// map index of string(key) does not copy it, so a cached hit allocates no
// key. The order of reads is lookupPage's, for the same reason.
func (s *Server) lookupPageBytes(key []byte) (*renderedPage, pageVersion) {
	c := s.pages
	c.mu.RLock()
	p, gen := c.entries[string(key)], c.gen
	c.mu.RUnlock()
	// The generation is read before the content version: a refresh moves
	// the version first and clears second, so a page can never be stored
	// under a generation newer than its content version.
	return p, pageVersion{gen: gen, content: s.content.Load()}
}

// put stores p under key unless the cache was cleared since generation gen
// was read; then p may be stale, and the next request renders afresh.
func (c *pageCache) put(key string, p *renderedPage, gen uint64) {
	if c.beforePut != nil {
		c.beforePut(key)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(c.entries) >= c.max {
		for k := range c.entries {
			delete(c.entries, k)
			break
		}
	}
	c.entries[key] = p
}

func (c *pageCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.entries)
	c.gen++
	c.sections.Store(sectionsAt{version: -1})
}

// boxCache keeps the rendered fund box for one fund version and one day:
// the figures change with a gift, the days remaining at midnight.
type boxCache struct {
	v atomic.Pointer[renderedBox]
}

type renderedBox struct {
	version int64
	// until is the next midnight in the publication's zone, when the days
	// remaining change.
	until time.Time
	html  []byte
	// tag identifies these figures on this day, for ETags.
	tag string
	// at is when these figures were first shown: a page's Last-Modified
	// is never earlier, so If-Modified-Since cannot keep an old box.
	at time.Time
}

var noBox = &renderedBox{tag: "0"}

// currentBox returns the fund box for now, rendering it only when the
// figures changed or a day passed since last time.
func (s *Server) currentBox() *renderedBox {
	if s.fund == nil {
		return noBox
	}
	now := s.now()
	ver := s.fund.Version()
	if b := s.boxes.v.Load(); b != nil && b.version == ver && now.Before(b.until) {
		return b
	}
	if !s.fund.Loaded() {
		return noBox
	}
	box := s.fund.Box(now)
	var buf bytes.Buffer
	if err := s.tmpl.box.Execute(&buf, box); err != nil {
		s.log.Error("render fund box", "err", err)
		return noBox
	}
	local := now.In(s.site.Location)
	y, m, d := local.Date()
	b := &renderedBox{
		version: ver, until: time.Date(y, m, d+1, 0, 0, 0, 0, s.site.Location), html: buf.Bytes(),
		tag: strconv.FormatInt(ver, 36) + local.Format("0102"), at: now.Truncate(time.Second),
	}
	s.boxes.v.Store(b)
	return b
}

// renderBox returns the fund box's HTML for pages rendered per request.
func (s *Server) renderBox() []byte { return s.currentBox().html }

// cachedPage serves the page under key from the cache, or renders it with
// build and caches it. The ETag covers the content and fund versions and the
// day, so a 304 is only ever sent for what the reader already has.
func (s *Server) cachedPage(w http.ResponseWriter, r *http.Request, key string, modified time.Time, build func() (string, any, error)) error {
	p, ver := s.lookupPage(key)
	if p != nil {
		return s.writePage(w, r, p, "public, max-age=60, stale-while-revalidate=600")
	}
	return s.renderPage(w, r, key, ver, modified, build)
}

// renderPage renders a page missing from the cache with build, sends it,
// and caches it unless content changed since ver was looked up.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, key string, ver pageVersion, modified time.Time, build func() (string, any, error)) error {
	name, data, err := build()
	if err != nil {
		return err
	}
	p, err := s.tmpl.render(name, data)
	if err != nil {
		return err
	}
	if !modified.IsZero() {
		p.modified = modified.UTC().Format(http.TimeFormat)
	}
	p.etag = pageTag(key)
	p.content = ver.content
	s.pages.put(key, p, ver.gen)
	return s.writePage(w, r, p, "public, max-age=60, stale-while-revalidate=600")
}

// assembled is a cached page joined with one fund box: the exact bytes and
// headers to send until the box or the content changes.
type assembled struct {
	box          *renderedBox
	content      int64
	etag         string
	etagH        []string
	lengthH      []string
	cacheControl []string
	modifiedH    []string
	body         []byte
	// br and gz are body compressed, each made on the first request that
	// wants it and kept with this page-and-box.
	br, gz encodedBody
}

// encodedBody is an assembled page in one encoding, with its headers.
type encodedBody struct {
	once    sync.Once
	body    []byte
	etag    string
	etagH   []string
	lengthH []string
}

// encoded returns the page in enc ("br" or "gzip"), compressing it the
// first time.
func (a *assembled) encoded(enc string) *encodedBody {
	e, level := &a.gz, pageGzip
	if enc == "br" {
		e, level = &a.br, pageBrotli
	}
	e.once.Do(func() {
		e.body = compress(enc, a.body, level)
		e.etag = a.etag[:len(a.etag)-1] + "-" + enc + `"`
		e.etagH, e.lengthH = []string{e.etag}, []string{strconv.Itoa(len(e.body))}
	})
	return e
}

var htmlContentType = []string{"text/html; charset=utf-8"}

// writePage sends a rendered page with its box, answering conditional
// requests with 304. The joined bytes and header values are kept, so a hit
// costs a few map assignments and one write.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, p *renderedPage, cacheControl string) error {
	box := s.currentBox()
	// The version the page was rendered under, not the latest: a page that
	// was rendering while content changed must not carry the new ETag.
	cv := p.content
	a := p.full.Load()
	if a == nil || a.box != box || a.content != cv || a.cacheControl[0] != cacheControl {
		body := make([]byte, 0, len(p.head)+len(box.html)+len(p.tail))
		body = append(append(append(body, p.head...), box.html...), p.tail...)
		etag := `"` + p.etag + "-c" + strconv.FormatInt(cv, 36) + "-f" + box.tag + `"`
		a = &assembled{box: box, content: cv, etag: etag, etagH: []string{etag}, body: body,
			lengthH: []string{strconv.Itoa(len(body))}, cacheControl: []string{cacheControl}}
		if p.modified != "" {
			a.modifiedH = []string{p.modified}
			if mod, err := http.ParseTime(p.modified); err == nil && box.at.After(mod) {
				a.modifiedH = []string{box.at.UTC().Format(http.TimeFormat)}
			}
		}
		p.full.Store(a)
	}
	etag, etagH, lengthH, body := a.etag, a.etagH, a.lengthH, a.body
	h := w.Header()
	if len(a.body) >= minCompress {
		h["Vary"] = varyAcceptEncoding
		if enc := acceptedEncoding(r.Header.Get("Accept-Encoding")); enc != "" {
			e := a.encoded(enc)
			etag, etagH, lengthH, body = e.etag, e.etagH, e.lengthH, e.body
			if enc == "br" {
				h["Content-Encoding"] = encodingBr
			} else {
				h["Content-Encoding"] = encodingGzip
			}
		}
	}
	h["Etag"] = etagH
	h["Cache-Control"] = a.cacheControl
	if a.modifiedH != nil {
		h["Last-Modified"] = a.modifiedH
	}
	if notModified(r, etag, first(a.modifiedH)) {
		delete(h, "Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h["Content-Type"] = htmlContentType
	h["Content-Length"] = lengthH
	if r.Method == http.MethodHead {
		return nil
	}
	_, err := w.Write(body)
	return err
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// pageTag names a page in its ETag, so one page's tag never matches another.
func pageTag(key string) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	return strconv.FormatUint(h.Sum64(), 36)
}

// notModified applies RFC 9110's rules: If-None-Match wins when present;
// otherwise If-Modified-Since is compared at one-second precision.
func notModified(r *http.Request, etag, modified string) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range bytes.Split([]byte(inm), []byte(",")) {
			t = bytes.TrimSpace(t)
			t = bytes.TrimPrefix(t, []byte("W/"))
			if string(t) == etag || string(t) == "*" {
				return true
			}
		}
		return false
	}
	ims := r.Header.Get("If-Modified-Since")
	if ims == "" || modified == "" {
		return false
	}
	since, err := http.ParseTime(ims)
	if err != nil {
		return false
	}
	mod, err := http.ParseTime(modified)
	return err == nil && !mod.After(since)
}
