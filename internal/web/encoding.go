package web

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
)

// Response bodies go out compressed when the browser accepts it: brotli,
// else gzip, else as they are. Static files are compressed once at start
// at the best levels; a cached page is compressed once per page and fund
// box, on the first request that wants each encoding, so a gift does not
// make every page recompress at once and a hit costs no compression.

// minCompress is the smallest body worth compressing: below it the
// encoding's own framing and the Vary'd cache entry cost more than the
// bytes saved.
const minCompress = 512

// The levels for bodies compressed once and served many times: static
// files at the best each format has, pages at levels that take well under
// a millisecond for an article yet get within a few percent of the best.
const (
	staticBrotli = brotli.BestCompression
	pageBrotli   = 9
	pageGzip     = gzip.BestCompression
)

var (
	varyAcceptEncoding = []string{"Accept-Encoding"}
	encodingBr         = []string{"br"}
	encodingGzip       = []string{"gzip"}
)

// acceptedEncoding is the encoding to answer r with: "br" or "gzip" when
// its Accept-Encoding allows it (a q of 0 refuses; "*" stands for any
// encoding not named), brotli first as the smaller; "" for none.
func acceptedEncoding(header string) string {
	if header == "" {
		return ""
	}
	br, gz, star := false, false, false
	brNamed, gzNamed := false, false
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "br" && name != "gzip" && name != "*" {
			continue
		}
		ok := true
		for p := range strings.SplitSeq(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.TrimSpace(k) == "q" {
				if q, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && q <= 0 {
					ok = false
				}
			}
		}
		switch name {
		case "br":
			br, brNamed = ok, true
		case "gzip":
			gz, gzNamed = ok, true
		case "*":
			star = ok
		}
	}
	br = br || (star && !brNamed)
	gz = gz || (star && !gzNamed)
	switch {
	case br:
		return "br"
	case gz:
		return "gzip"
	}
	return ""
}

// compress returns b encoded as enc at the given level.
func compress(enc string, b []byte, level int) []byte {
	var buf bytes.Buffer
	switch enc {
	case "br":
		w := brotli.NewWriterLevel(&buf, level)
		_, _ = w.Write(b) // writes to a bytes.Buffer do not fail
		_ = w.Close()
	case "gzip":
		w, err := gzip.NewWriterLevel(&buf, level)
		if err != nil {
			panic(err) // only for a level out of range, fixed above
		}
		_, _ = w.Write(b)
		_ = w.Close()
	default:
		return b
	}
	return buf.Bytes()
}

// compressible reports whether a body of this type gains from compression:
// text, scripts, styles, JSON, XML and SVG, never images or fonts already
// compressed, nor event streams, which must flush each event.
func compressible(contentType string) bool {
	ct, _, _ := strings.Cut(contentType, ";")
	ct = strings.TrimSpace(ct)
	switch {
	case ct == "text/event-stream":
		return false
	case strings.HasPrefix(ct, "text/"), ct == "application/json", ct == "application/javascript",
		ct == "image/svg+xml", strings.HasSuffix(ct, "+xml"), strings.HasSuffix(ct, "/xml"), strings.HasSuffix(ct, "+json"):
		return true
	}
	return false
}
