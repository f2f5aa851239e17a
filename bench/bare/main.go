// Command bare is the benchmarks' floor: a net/http server that answers
// every request with one file's bytes and nothing else, no middleware, no
// cache lookup. Beside nginx and coopress it shows how much of coopress's
// time is Go's HTTP server itself (bench/compress.sh).
//
//	bare -addr 127.0.0.1:PORT -file article [-br article.br] [-gz article.gz] -type "text/html; charset=utf-8"
//
// With -br or -gz it sends those bytes to a client that accepts them, as
// coopress does, so both can be measured with and without compression.
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
		h.Set("Content-Type", *ctype)
		h.Set("Content-Length", strconv.Itoa(len(b)))
		if enc != "" {
			h.Set("Content-Encoding", enc)
			h.Set("Vary", "Accept-Encoding")
		}
		_, _ = w.Write(b)
	})))
}
