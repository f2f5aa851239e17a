package web

import (
	"net/http"
	"net/url"
	"strings"
)

// probeMethods are the methods a route of ours can be registered for; a
// GET route answers HEAD too.
var probeMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// noRoute answers a request that only a catch-all matched: 405 with an
// Allow header when another route serves the same path with other methods
// (POST /article/x, GET /signout), else 404.
// The catch-alls match every method, so the mux's own 405 never fires.
func (s *Server) noRoute(mux *http.ServeMux) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		allow := allowedMethods(mux, r.URL.Path)
		if len(allow) == 0 {
			return s.notFoundPage(w, r)
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		return &httpError{Status: http.StatusMethodNotAllowed,
			Message: "This address does not take that kind of request: it answers " + strings.Join(allow, ", ") + "."}
	}
}

// allowedMethods are the methods for which mux has a route for path other
// than a catch-all, in probeMethods order, with HEAD after GET.
func allowedMethods(mux *http.ServeMux, path string) []string {
	var out []string
	for _, m := range probeMethods {
		_, pattern := mux.Handler(&http.Request{Method: m, URL: &url.URL{Path: path}})
		if pattern == "" || isCatchAll(pattern) {
			continue
		}
		out = append(out, m)
		if m == http.MethodGet {
			out = append(out, http.MethodHead)
		}
	}
	return out
}

// isCatchAll reports whether pattern is one of the route table's
// catch-alls, which answer 404 rather than serve a page.
func isCatchAll(pattern string) bool { return pattern == "/" || pattern == "/admin/" }
