package media

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"time"
)

// Blobs is where a library keeps its files: the original of each image and
// its renditions, by name ("3f/3f2a…-960.jpg", "3f/3f2a….orig"). A
// directory on this machine serves one node; an S3-compatible bucket serves
// every node of a cluster. Names are their content, so an object once
// written never changes.
type Blobs interface {
	// Put stores b under name unless an object of that name is there
	// already, and reports whether it wrote one. A reader never sees half
	// an object.
	Put(ctx context.Context, name string, b []byte) (wrote bool, err error)
	// Open returns the object for reading, or ErrNotFound.
	Open(ctx context.Context, name string) (Object, error)
	// Delete removes the object; one that is not there is not an error.
	Delete(ctx context.Context, name string) error
	// Walk calls fn with every object's name and size.
	Walk(ctx context.Context, fn func(name string, size int64) error) error
	// String says where the objects are, for logs and messages (never
	// with credentials).
	String() string
}

// Object is one stored file opened for reading.
type Object interface {
	io.ReadSeekCloser
	Size() int64
	ModTime() time.Time
}

// S3Config is how to reach an S3-compatible store. The credentials come
// from the environment only (never flags, which ps shows) and never appear
// in String or a log.
type S3Config struct {
	// Endpoint is the server's address, "https://s3.eu-west-2.amazonaws.com"
	// or "http://127.0.0.1:7070"; its scheme decides TLS.
	Endpoint  string
	Region    string
	AccessKey string
	SecretKey string
}

// Location is where --media-url says the library lives: a directory, or
// an S3 bucket with a prefix inside it.
type Location struct {
	Dir    string // set for a directory
	Bucket string // set for S3
	Prefix string // "" or "path/inside/", with its slash
}

// ParseLocation reads --media-url: empty for dataDir/media, an absolute
// directory path, or "s3://bucket/optional/prefix".
func ParseLocation(raw, dataDir string) (Location, error) {
	switch {
	case raw == "":
		return Location{Dir: filepath.Join(dataDir, "media")}, nil
	case strings.HasPrefix(raw, "/"):
		return Location{Dir: raw}, nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "s3" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return Location{}, fmt.Errorf("media-url %q: want empty (the data directory), an absolute directory, or s3://bucket/prefix", raw)
	}
	prefix := strings.Trim(u.Path, "/")
	if prefix != "" {
		prefix += "/"
	}
	return Location{Bucket: u.Host, Prefix: prefix}, nil
}

// OpenBlobs opens the store at l, checking that it can be reached: the
// directory is created if missing; the bucket must exist and answer.
func OpenBlobs(ctx context.Context, l Location, s3 S3Config) (Blobs, error) {
	if l.Bucket == "" {
		return NewDirBlobs(l.Dir)
	}
	return NewS3Blobs(ctx, s3, l.Bucket, l.Prefix)
}

// contentTypeOf is the type a stored file is served with, from its name.
func contentTypeOf(name string) string {
	switch {
	case strings.HasSuffix(name, ".jpg"):
		return "image/jpeg"
	case strings.HasSuffix(name, ".png"):
		return "image/png"
	}
	return "application/octet-stream"
}
