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
		sf.byName[name] = hashed
		sf.files[hashed] = staticFile{body: b, contentType: ct}
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
	h.Set("Content-Length", strconv.Itoa(len(f.body)))
	if r.Method != http.MethodHead {
		_, _ = w.Write(f.body)
	}
}
