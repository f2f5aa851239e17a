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
	page("GET /fund", s.fundPage)
	page("GET /shares", s.infoPage("shares", "Own your paper", "How to buy shares and become a member of the co-operative that owns the paper."))
	page("GET /supporters", s.infoPage("supporters", "Become a supporter", "How to give to the paper every month."))
	page("GET /media/{file}", s.mediaFile) // uploaded images (media.go)
	mux.HandleFunc("GET /fund/live", s.fundLive)

	// Online donations (donate.go) and Stripe's webhooks (webhook_stripe.go).
	page("GET /donate", s.donatePage)
	page("POST /donate", s.donateSubmit)
	page("GET /donate/thanks", s.donateThanksPage)
	mux.HandleFunc("POST /webhooks/stripe", s.stripeWebhook)

	// Feeds (feeds.go); sitemaps, robots.txt and OpenSearch (sitemap.go).
	page("GET /feed.rss", s.feed(rssFormat))
	page("GET /feed.atom", s.feed(atomFormat))
	page("GET /feed.json", s.feed(jsonFormat))
	page("GET /section/{slug}/feed.rss", s.feed(rssFormat))
	page("GET /section/{slug}/feed.atom", s.feed(atomFormat))
	page("GET /section/{slug}/feed.json", s.feed(jsonFormat))
	page("GET /sitemap.xml", s.sitemapIndexPage)
	page("GET /sitemaps/{file}", s.sitemapFile)
	page("GET /news-sitemap.xml", s.newsSitemap)
	page("GET /robots.txt", s.robots)
	page("GET /opensearch.xml", s.openSearch)

	s.adminRoutes(mux) // sign-in and the staff area (admin.go)
	mux.Handle("GET /static/", s.static)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metricsHandler())
	page("/", s.notFoundPage)

	return s.middleware(mux)
}
