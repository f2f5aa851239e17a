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
	mu       sync.RWMutex
	max      int
	entries  map[string]*renderedPage
	sections atomic.Value // sectionsAt
}

type sectionsAt struct {
	version int64
	list    []article.Section
}

func newPageCache(max int) *pageCache {
	return &pageCache{max: max, entries: make(map[string]*renderedPage, max)}
}

func (c *pageCache) get(key string) *renderedPage {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.entries[key]
}

func (c *pageCache) put(key string, p *renderedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
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
	c.sections.Store(sectionsAt{version: -1})
}

// boxCache keeps the rendered fund box for one fund version and one day:
// the figures change with a gift, the days remaining at midnight.
type boxCache struct {
	v atomic.Pointer[renderedBox]
}

type renderedBox struct {
	version int64
	day     string
	html    []byte
}

// renderBox returns the fund box's HTML for now, rendering it only when the
// figures or the day changed since last time.
func (s *Server) renderBox(r *http.Request) []byte {
	if s.fund == nil {
		return nil
	}
	now := s.now()
	day := now.In(s.site.Location).Format("2006-01-02")
	ver := s.fund.FundVersion()
	if b := s.boxes.v.Load(); b != nil && b.version == ver && b.day == day {
		return b.html
	}
	box, ok := s.fund.FundBox(now)
	if !ok {
		return nil
	}
	var buf bytes.Buffer
	if err := s.tmpl.box.Execute(&buf, box); err != nil {
		s.log.Error("render fund box", "err", err)
		return nil
	}
	s.boxes.v.Store(&renderedBox{version: ver, day: day, html: buf.Bytes()})
	return buf.Bytes()
}

// cachedPage serves the page under key from the cache, or renders it with
// build and caches it. The ETag covers the content and fund versions and the
// day, so a 304 is only ever sent for what the reader already has.
func (s *Server) cachedPage(w http.ResponseWriter, r *http.Request, key string, modified time.Time, build func() (string, any, error)) error {
	p := s.pages.get(key)
	if p == nil {
		name, data, err := build()
		if err != nil {
			return err
		}
		if p, err = s.tmpl.render(name, data); err != nil {
			return err
		}
		if !modified.IsZero() {
			p.modified = modified.UTC().Format(http.TimeFormat)
		}
		p.etag = pageTag(key)
		s.pages.put(key, p)
	}
	return s.writePage(w, r, p, "public, max-age=60, stale-while-revalidate=600")
}

// writePage sends a rendered page with its box, answering conditional
// requests with 304.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, p *renderedPage, cacheControl string) error {
	box := s.renderBox(r)
	h := w.Header()
	etag := `"` + p.etag + "-c" + strconv.FormatInt(s.content.Load(), 36) + "-f" + s.boxTag() + `"`
	h.Set("ETag", etag)
	h.Set("Cache-Control", cacheControl)
	h.Set("Vary", "Accept-Encoding")
	if p.modified != "" {
		h.Set("Last-Modified", p.modified)
	}
	if notModified(r, etag, p.modified) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(p.head)+len(box)+len(p.tail)))
	if r.Method == http.MethodHead {
		return nil
	}
	return p.writeTo(w, box)
}

// pageTag names a page in its ETag, so one page's tag never matches another.
func pageTag(key string) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	return strconv.FormatUint(h.Sum64(), 36)
}

func (s *Server) boxTag() string {
	if s.fund == nil {
		return "0"
	}
	return strconv.FormatInt(s.fund.FundVersion(), 36) + s.now().In(s.site.Location).Format("0102")
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
