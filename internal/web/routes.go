package web

import "net/http"

// routes is the whole route table: every public address coopress answers.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	page := func(pattern string, h handlerFunc) { mux.Handle(pattern, s.handle(h)) }

	page("GET /{$}", s.frontPage)
	page("GET /article/{slug}", s.articlePage)
	page("GET /section/{slug}", s.sectionPage)
	page("GET /tag/{slug}", s.tagPage)
	page("GET /author/{slug}", s.authorPage)
	page("GET /search", s.searchPage)

	// Feeds, sitemaps and robots.txt: see feeds.go and sitemap.go.
	s.feedRoutes(page)

	mux.Handle("GET /static/", s.static)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metricsHandler())
	page("/", s.notFoundPage)

	return s.middleware(mux)
}
