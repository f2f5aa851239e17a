package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

//go:embed static
var staticFS embed.FS

// staticFiles serves the embedded CSS, scripts and images under names that
// carry a hash of their content, so browsers and CDNs may keep them forever
// and a new release is never hidden behind an old copy.
type staticFiles struct {
	byName map[string]string // style.css → style.3f2a1c9e.css
	files  map[string]staticFile
}

type staticFile struct {
	body        []byte
	contentType string
	// br and gz are the body compressed at the best levels, made once at
	// start; nil when the type does not compress or it would not gain.
	br, gz []byte
	// tag is the content hash in the name, for ETags per encoding.
	tag string
}

// encoded returns the body to send for the accepted encoding enc, and
// the encoding it is in ("" for none).
func (f staticFile) encoded(enc string) ([]byte, string) {
	switch {
	case enc == "br" && f.br != nil:
		return f.br, "br"
	case enc != "" && f.gz != nil: // a client that takes br takes gzip too
		return f.gz, "gzip"
	}
	return f.body, ""
}

func newStaticFiles() (*staticFiles, error) {
	sf := &staticFiles{byName: map[string]string{}, files: map[string]staticFile{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		f := staticFile{body: b, contentType: ct, tag: hex.EncodeToString(sum[:5])}
		if compressible(ct) && len(b) >= minCompress {
			// Kept only where they gain: a tenth smaller at least.
			if br := compress("br", b, staticBrotli); len(br) < len(b)*9/10 {
				f.br = br
			}
			if gz := compress("gzip", b, pageGzip); len(gz) < len(b)*9/10 {
				f.gz = gz
			}
		}
		sf.byName[name] = hashed
		sf.files[hashed] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	return sf, nil
}

// path is the public address of a static file by its plain name.
func (sf *staticFiles) path(name string) string {
	if h, ok := sf.byName[name]; ok {
		return "/static/" + h
	}
	return "/static/" + name
}

func (sf *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	f, ok := sf.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	body, enc := f.encoded(acceptedEncoding(r.Header.Get("Accept-Encoding")))
	etag := `"` + f.tag + `"`
	if f.gz != nil || f.br != nil {
		h["Vary"] = varyAcceptEncoding
		if enc != "" {
			h.Set("Content-Encoding", enc)
			etag = `"` + f.tag + "-" + enc + `"`
		}
	}
	h.Set("Etag", etag)
	if notModified(r, etag, "") {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
