// Command bare is the benchmarks' floor: a net/http server that answers
// every request with one file's bytes and nothing else, no middleware, no
// cache lookup. Beside nginx and coopress it shows how much of coopress's
// time is Go's HTTP server itself (bench/compress.sh).
//
//	bare -addr 127.0.0.1:PORT -file article [-br article.br] [-gz article.gz] -type "text/html; charset=utf-8" [-headers FILE]
//
// With -br or -gz it sends those bytes to a client that accepts them, as
// coopress does, so both can be measured with and without compression.
// With -headers it also sends every header line of FILE ("Name: value",
// as curl -D saves a response's), so that it answers with the same
// headers as coopress: the difference between the two is then coopress's
// own work, not the cost of the headers in net/http.
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "listen address")
	file := flag.String("file", "", "the body to send")
	brFile := flag.String("br", "", "the body in brotli, for clients that accept br")
	gzFile := flag.String("gz", "", "the body in gzip, for clients that accept gzip")
	ctype := flag.String("type", "text/html; charset=utf-8", "Content-Type")
	headerFile := flag.String("headers", "", "a file of extra response headers, one \"Name: value\" a line")
	flag.Parse()
	read := func(name string) []byte {
		if name == "" {
			return nil
		}
		b, err := os.ReadFile(name)
		if err != nil {
			log.Fatal(err)
		}
		return b
	}
	body, br, gz := read(*file), read(*brFile), read(*gzFile)
	if body == nil {
		log.Fatal("bare: -file is required")
	}
	extra := readHeaders(read(*headerFile))
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, enc := body, ""
		ae := r.Header.Get("Accept-Encoding")
		switch {
		case br != nil && strings.Contains(ae, "br"):
			b, enc = br, "br"
		case gz != nil && strings.Contains(ae, "gzip"):
			b, enc = gz, "gzip"
		}
		h := w.Header()
		for _, kv := range extra {
			h.Set(kv[0], kv[1])
		}
		h.Set("Content-Type", *ctype)
		h.Set("Content-Length", strconv.Itoa(len(b)))
		if enc != "" {
			h.Set("Content-Encoding", enc)
			h.Set("Vary", "Accept-Encoding")
		}
		_, _ = w.Write(b)
	})))
}

// readHeaders reads "Name: value" lines, skipping the status line, blank
// lines and the headers the handler sets itself or net/http adds.
func readHeaders(b []byte) [][2]string {
	var out [][2]string
	for _, line := range strings.Split(string(b), "\n") {
		name, value, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || strings.HasPrefix(name, "HTTP/") {
			continue
		}
		switch http.CanonicalHeaderKey(name) {
		case "Date", "Content-Length", "Content-Type", "Content-Encoding", "Vary", "Transfer-Encoding", "Connection":
			continue
		}
		out = append(out, [2]string{name, strings.TrimSpace(value)})
	}
	return out
}
