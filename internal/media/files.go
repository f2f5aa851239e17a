package media

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// keyLen is the length of a storage key: the first 96 bits of the file's
// SHA-256 in hex, plenty to never collide in one paper's library and short
// enough for tidy URLs. The full hash is kept in the database.
const keyLen = 24

// ParseName checks a rendition file name as it appears after /media/ and
// returns the path of the file relative to the store's directory. Only
// "KEY-WIDTH.jpg" or "KEY-WIDTH.png" with a lower-case hex key and a
// plain decimal width pass: no slashes, dots or anything else a path
// could be made of, and never the original, which may carry the camera's
// metadata (location included).
func ParseName(name string) (rel string, contentType string, ok bool) {
	if len(name) < keyLen+3 || name[keyLen] != '-' {
		return "", "", false
	}
	key, rest := name[:keyLen], name[keyLen+1:]
	width, ext, found := strings.Cut(rest, ".")
	switch {
	case !found || !isHex(key) || width == "" || len(width) > 5 || width[0] == '0':
		return "", "", false
	case ext == "jpg":
		contentType = "image/jpeg"
	case ext == "png":
		contentType = "image/png"
	default:
		return "", "", false
	}
	for i := 0; i < len(width); i++ {
		if width[i] < '0' || width[i] > '9' {
			return "", "", false
		}
	}
	return key[:2] + "/" + name, contentType, true
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Open opens the rendition called name (as in its URL) for reading. It
// returns ErrNotFound for any name that is not a rendition's or whose file
// does not exist. The file is opened inside the store's directory with
// os.OpenInRoot, so even a name that slipped past ParseName could not
// reach outside it.
func (s *Store) Open(name string) (f *os.File, contentType string, err error) {
	rel, ct, ok := ParseName(name)
	if !ok {
		return nil, "", ErrNotFound
	}
	f, err = os.OpenInRoot(s.dir, rel)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, "", ErrNotFound
		}
		return nil, "", fmt.Errorf("media: open %s: %w", name, err)
	}
	return f, ct, nil
}

// originalPath is where the uploaded bytes are kept, unchanged, so that
// renditions can be made again later (new sizes, a better encoder).
func (s *Store) originalPath(key string) string {
	return filepath.Join(s.dir, key[:2], key+".orig")
}

// writeFiles stores the original and the renditions. Each file is written
// to a temporary name and renamed, so a reader never sees half a file and
// two uploads of the same image at once both leave a whole one. Files that
// already exist are left alone: their names are their content. It returns
// the paths it created, for removeFiles.
func (s *Store) writeFiles(key string, original []byte, renditions map[string][]byte) (created []string, err error) {
	dir := filepath.Join(s.dir, key[:2])
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	files := map[string][]byte{filepath.Base(s.originalPath(key)): original}
	for name, b := range renditions {
		files[name] = b
	}
	for name, b := range files {
		path := filepath.Join(dir, name)
		if _, err := os.Stat(path); err == nil {
			continue
		}
		tmp, err := os.CreateTemp(dir, ".upload-*")
		if err != nil {
			return created, fmt.Errorf("media: %w", err)
		}
		_, err = tmp.Write(b)
		if err == nil {
			err = tmp.Sync()
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), path)
		}
		if err != nil {
			_ = os.Remove(tmp.Name())
			return created, fmt.Errorf("media: write %s: %w", name, err)
		}
		created = append(created, path)
	}
	return created, nil
}

// removeFiles deletes the files an upload created when the upload then
// failed, so nothing is left on disk that no row points to. Files another
// upload of the same image wrote are not in the list and stay.
func removeFiles(paths []string) {
	for _, p := range paths {
		_ = os.Remove(p)
	}
}
