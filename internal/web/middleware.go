package web

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// securityHeaders go on every response. The map and its slices are never
// written after start-up.
var securityHeaders = map[string][]string{
	"Content-Security-Policy":    {contentSecurityPolicy},
	"X-Content-Type-Options":     {"nosniff"},
	"Referrer-Policy":            {"strict-origin-when-cross-origin"},
	"X-Frame-Options":            {"DENY"},
	"Permissions-Policy":         {"camera=(), microphone=(), geolocation=(), interest-cohort=()"},
	"Cross-Origin-Opener-Policy": {"same-origin"},
}

var hstsValue = []string{"max-age=31536000"}

// maxBody bounds request bodies; forms that take uploads set their own.
const maxBody = 1 << 20

// bodyLimit is the most r's body may hold, 0 for no limit here. Image
// uploads set their own from the media settings (admin_media_upload.go);
// the gift import takes its own from the fund's file limit, since a
// second, smaller cap here would refuse files the import accepts; so do
// the bank statement import and the register import. A ballot's close
// form, which takes a key file of under 1 KB, has a smaller one.
func bodyLimit(r *http.Request) int64 {
	switch {
	case isUpload(r):
		return 0
	case isFundImport(r):
		return importBodyLimit
	case isStatementImport(r):
		return statementBodyLimit
	case isRegisterImport(r):
		return registerImportBodyLimit
	case isBallotClose(r):
		return closeBodyLimit
	}
	return maxBody
}

// contentSecurityPolicy allows only our own scripts, styles and images:
// no inline script, no eval, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// middleware wraps every request: security headers, cross-origin request
// protection, a body limit, metrics and an access log.
func (s *Server) middleware(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	protected := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		s.resolveClient(r)
		h := w.Header()
		// Assigned, not Set: the keys are already canonical and the values
		// shared and never modified, so the hottest path allocates nothing.
		for k, v := range securityHeaders {
			h[k] = v
		}
		if r.TLS != nil {
			h["Strict-Transport-Security"] = hstsValue
		}
		// A request without a body (net/http gives it NoBody) has
		// nothing to limit, and the reader would be an allocation on
		// every page view.
		if n := bodyLimit(r); n > 0 && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, n)
		}
		rec := recorders.Get().(*statusRecorder)
		*rec = statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			*rec = statusRecorder{} // drop the writer and any buffer
			recorders.Put(rec)
		}()
		if enc := acceptedEncoding(r.Header.Get("Accept-Encoding")); enc != "" && r.Method != http.MethodHead {
			rec.enc = enc
			rec.unsuffixed = unsuffixConditional(r, enc)
		}
		protected.ServeHTTP(rec, r)
		if err := rec.finish(); err != nil && rec.status < 400 {
			s.log.Warn("finish compressed response", "path", r.URL.Path, "err", err)
		}
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		s.metrics.observe(route, rec.status, time.Since(start))
		if rec.status >= 400 || s.log.Enabled(r.Context(), -4) {
			s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
				"bytes", rec.bytes, "dur_ms", float64(time.Since(start).Microseconds())/1000)
		}
	})
}

// recorders keeps statusRecorders between requests: one a request was
// an allocation on every page view. A handler never keeps its
// ResponseWriter past its return (net/http forbids using it then), so
// the middleware may reuse it once the handler and finish are done.
var recorders = sync.Pool{New: func() any { return new(statusRecorder) }}

// statusRecorder remembers the status and size a handler wrote, for logs
// and metrics, and compresses what the handler did not (compressing.go).
// Cached pages and static files arrive already encoded and pass through.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
	wrote  bool
	// enc is the encoding the client accepts ("" for none, and for HEAD).
	enc string
	// pending holds the first bytes of a response that may be worth
	// compressing until there are enough to tell; the status waits with
	// them. cw is the compressor once the response is being compressed.
	pending    bool
	buf        []byte
	cw         compressor
	unsuffixed bool // If-None-Match had this layer's ETag suffix removed
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.wrote {
		r.ResponseWriter.WriteHeader(code) // superfluous; let net/http say so
		return
	}
	r.status, r.wrote = code, true
	if r.candidate(code) {
		r.pending = true
		return
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.WriteHeader(http.StatusOK)
	}
	if r.pending {
		r.buf = append(r.buf, b...)
		if len(r.buf) >= minCompress {
			if err := r.startCompressing(); err != nil {
				return 0, err
			}
		}
		r.bytes += len(b)
		return len(b), nil
	}
	if r.cw != nil {
		n, err := r.cw.Write(b)
		r.bytes += n
		return n, err
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// Flush lets server-sent events through the recorder (they are never
// compressed; a compressed response flushes what it has so far).
func (r *statusRecorder) Flush() {
	if r.pending {
		_ = r.sendPending()
	}
	if r.cw != nil {
		_ = r.cw.Flush()
	}
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the real writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// metrics are the server's Prometheus series.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec

	// byRoute caches each route's series: looking them up by label values
	// on every request costs more than serving a cached page.
	mu      sync.RWMutex
	byRoute map[routeStatus]routeSeries
}

type routeStatus struct {
	route  string
	status int
}

type routeSeries struct {
	count    prometheus.Counter
	duration prometheus.Observer
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	key := routeStatus{route, status}
	m.mu.RLock()
	rs, ok := m.byRoute[key]
	m.mu.RUnlock()
	if !ok {
		rs = routeSeries{m.requests.WithLabelValues(route, strconv.Itoa(status)), m.duration.WithLabelValues(route)}
		m.mu.Lock()
		m.byRoute[key] = rs
		m.mu.Unlock()
	}
	rs.count.Inc()
	rs.duration.Observe(d.Seconds())
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		byRoute: map[routeStatus]routeSeries{},
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "coopress_http_requests_total", Help: "HTTP requests by route pattern and status.",
		}, []string{"route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "coopress_http_request_duration_seconds", Help: "Time to answer HTTP requests, by route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// MetricsHandler serves the Prometheus metrics. It is not in the route
// table: the caller serves it on a listener of its own (--metrics-addr),
// so the site's public port never shows them.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{})
}

// healthz says the process is alive; it never touches the database.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz says the node can serve: the database answers and is migrated.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s.ready != nil {
		if err := s.ready.Ready(r.Context()); err != nil {
			s.log.Warn("not ready", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("not ready\n"))
			return
		}
	}
	_, _ = w.Write([]byte("ready\n"))
}
