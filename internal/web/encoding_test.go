package web

import "testing"

// TestAcceptedEncoding: the Accept-Encoding values browsers, feed readers
// and hostile clients send, and the encoding each gets.
func TestAcceptedEncoding(t *testing.T) {
	for header, want := range map[string]string{
		"":                              "",
		"gzip":                          "gzip",
		"br":                            "br",
		"gzip, deflate, br, zstd":       "br", // Chromium
		"gzip, deflate, br":             "br", // Firefox, Safari
		"deflate":                       "",
		"identity":                      "",
		"BR, GZIP":                      "br",
		"br;q=0, gzip":                  "gzip",
		"br;q=0,gzip;q=0":               "",
		"gzip;q=0.5, br;q=0":            "gzip",
		"gzip;q=0.001":                  "gzip",
		"*":                             "br",
		"*;q=0":                         "",
		"br;q=0, *":                     "gzip", // * stands only for encodings not named
		"*, br;q=0":                     "gzip",
		" gzip ; q = 1 ":                "gzip",
		"gzipx, xbr":                    "",
		"gzip;q=nonsense":               "gzip",
		",,,;;;==":                      "",
		"br;level=11;q=0.9":             "br",
		"compress, x-gzip":              "",
		"gzip, br;q=0.000, deflate;q=1": "gzip",
	} {
		if got := acceptedEncoding(header); got != want {
			t.Errorf("Accept-Encoding %q: %q, want %q", header, got, want)
		}
	}
}

// TestCompressibleTypes: text goes compressed; images, fonts and event
// streams never.
func TestCompressibleTypes(t *testing.T) {
	for ct, want := range map[string]bool{
		"text/html; charset=utf-8": true, "text/css; charset=utf-8": true, "text/javascript; charset=utf-8": true,
		"application/json": true, "application/atom+xml; charset=utf-8": true, "application/rss+xml": true,
		"application/feed+json": true, "image/svg+xml": true, "application/xml": true, "text/plain; charset=utf-8": true,
		"text/event-stream": false, "image/jpeg": false, "image/png": false, "font/woff2": false, "application/octet-stream": false,
	} {
		if got := compressible(ct); got != want {
			t.Errorf("compressible(%q) = %v, want %v", ct, got, want)
		}
	}
}
