package web

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
)

// Responses that no cache keeps (feeds, sitemaps, search, staff pages,
// JSON) are compressed as they are written, at levels fast enough for
// one use: brotli 4 and gzip 5. The compressors are pooled.

// compressor is a pooled brotli or gzip writer.
type compressor interface {
	io.Writer
	Flush() error
	Close() error
	Reset(w io.Writer)
}

var (
	brPool = sync.Pool{New: func() any { return brotli.NewWriterLevel(nil, 4) }}
	gzPool = sync.Pool{New: func() any {
		w, _ := gzip.NewWriterLevel(nil, 5)
		return w
	}}
)

// streamSuffix marks the ETag of a response this layer compressed, apart
// from the "-br" and "-gzip" of cached pages, so a conditional request
// can be turned back into the handler's own tag (unsuffixConditional).
const streamSuffix = "-z"

// candidate reports whether a response with this status and the
// handler's headers may be compressed: the client takes an encoding, the
// handler has not encoded it, its type is text and its length, if known,
// is enough to gain. A 304 gets back the ETag suffix its request lost.
func (r *statusRecorder) candidate(code int) bool {
	if r.enc == "" {
		return false
	}
	h := r.Header()
	if code == http.StatusNotModified && r.unsuffixed {
		r.suffixETag(h)
	}
	if code < 200 || code == http.StatusNoContent || code == http.StatusNotModified ||
		h.Get("Content-Encoding") != "" || !compressible(h.Get("Content-Type")) {
		return false
	}
	if cl := h.Get("Content-Length"); cl != "" {
		if n, err := strconv.Atoi(cl); err != nil || n < minCompress {
			return false
		}
	}
	return true
}

func (r *statusRecorder) suffixETag(h http.Header) {
	if et := h.Get("Etag"); len(et) > 1 && strings.HasSuffix(et, `"`) {
		h.Set("Etag", et[:len(et)-1]+streamSuffix+r.enc+`"`)
	}
}

// startCompressing sends the status with the encoding's headers and the
// bytes held so far through a compressor.
func (r *statusRecorder) startCompressing() error {
	r.pending = false
	h := r.Header()
	h.Del("Content-Length")
	h.Set("Content-Encoding", r.enc)
	if !strings.Contains(h.Get("Vary"), "Accept-Encoding") {
		h.Add("Vary", "Accept-Encoding")
	}
	r.suffixETag(h)
	if r.enc == "br" {
		r.cw = brPool.Get().(*brotli.Writer)
	} else {
		r.cw = gzPool.Get().(*gzip.Writer)
	}
	r.cw.Reset(r.ResponseWriter)
	r.ResponseWriter.WriteHeader(r.status)
	_, err := r.cw.Write(r.buf)
	r.buf = nil
	return err
}

// sendPending sends a held response as it is: it ended, or was flushed,
// before it was long enough to gain from compression.
func (r *statusRecorder) sendPending() error {
	r.pending = false
	if r.Header().Get("Content-Length") == "" {
		r.Header().Set("Content-Length", strconv.Itoa(len(r.buf)))
	}
	r.ResponseWriter.WriteHeader(r.status)
	_, err := r.ResponseWriter.Write(r.buf)
	r.buf = nil
	return err
}

// finish sends a response still held, or ends the compressed stream and
// returns the compressor to its pool.
func (r *statusRecorder) finish() error {
	if r.pending {
		return r.sendPending()
	}
	if r.cw == nil {
		return nil
	}
	err := r.cw.Close()
	r.cw.Reset(io.Discard)
	switch w := r.cw.(type) {
	case *brotli.Writer:
		brPool.Put(w)
	case *gzip.Writer:
		gzPool.Put(w)
	}
	r.cw = nil
	return err
}

// unsuffixConditional turns the ETags this layer made for enc in
// If-None-Match back into the handler's own, so a handler that answers
// conditional requests itself still sends 304 to a client that holds the
// compressed copy.
func unsuffixConditional(r *http.Request, enc string) bool {
	inm := r.Header.Get("If-None-Match")
	suffix := streamSuffix + enc + `"`
	if !strings.Contains(inm, suffix) {
		return false
	}
	r.Header.Set("If-None-Match", strings.ReplaceAll(inm, suffix, `"`))
	return true
}
