package media

import (
	"context"
	"strings"
	"time"
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
// does not exist.
func (s *Store) Open(ctx context.Context, name string) (obj Object, contentType string, err error) {
	rel, ct, ok := ParseName(name)
	if !ok {
		return nil, "", ErrNotFound
	}
	obj, err = s.blobs.Open(ctx, rel)
	if err != nil {
		return nil, "", err
	}
	return obj, ct, nil
}

// originalName is where the uploaded bytes are kept, unchanged, so that
// renditions can be made again later (new sizes, a better encoder).
func originalName(key string) string { return key[:2] + "/" + key + ".orig" }

// writeFiles stores the original and the renditions. Files that already
// exist are left alone: their names are their content. It returns the
// names it created, for removeFiles.
func (s *Store) writeFiles(ctx context.Context, key string, original []byte, renditions map[string][]byte) (created []string, err error) {
	files := map[string][]byte{originalName(key): original}
	for name, b := range renditions {
		files[key[:2]+"/"+name] = b
	}
	for name, b := range files {
		wrote, err := s.blobs.Put(ctx, name, b)
		if err != nil {
			return created, err
		}
		if wrote {
			created = append(created, name)
		}
	}
	return created, nil
}

// removeFiles deletes the files an upload created when the upload then
// failed, so nothing is left that no row points to. Files another upload
// of the same image wrote are not in the list and stay. It runs on its
// own context: the upload's may be the reason it failed.
func (s *Store) removeFiles(names []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, n := range names {
		_ = s.blobs.Delete(ctx, n)
	}
}

// public points im's renditions at the public address, when there is one.
func (s *Store) public(im Image) Image {
	if s.opt.PublicURL == "" {
		return im
	}
	for i := range im.Renditions {
		im.Renditions[i].base = s.opt.PublicURL
	}
	return im
}
