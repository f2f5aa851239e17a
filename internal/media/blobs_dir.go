package media

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// dirBlobs keeps the files in a directory of this machine.
type dirBlobs struct {
	dir string
}

// NewDirBlobs returns a store of files under dir, creating it if needed.
func NewDirBlobs(dir string) (Blobs, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("media: create %s: %w", dir, err)
	}
	return &dirBlobs{dir: dir}, nil
}

func (d *dirBlobs) String() string { return d.dir }

// Put writes to a temporary name, syncs and renames, so a reader never
// sees half a file and two uploads of one image at once both leave a
// whole one.
func (d *dirBlobs) Put(_ context.Context, name string, b []byte) (bool, error) {
	path := filepath.Join(d.dir, filepath.FromSlash(name))
	if _, err := os.Stat(path); err == nil {
		return false, nil
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return false, fmt.Errorf("media: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return false, fmt.Errorf("media: %w", err)
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
		return false, fmt.Errorf("media: write %s: %w", name, err)
	}
	return true, nil
}

// Open opens the file inside the directory with os.OpenInRoot, so even a
// name that slipped past ParseName could not reach outside it.
func (d *dirBlobs) Open(_ context.Context, name string) (Object, error) {
	f, err := os.OpenInRoot(d.dir, filepath.FromSlash(name))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("media: open %s: %w", name, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("media: open %s: %w", name, err)
	}
	return fileObject{File: f, st: st}, nil
}

func (d *dirBlobs) Delete(_ context.Context, name string) error {
	err := os.Remove(filepath.Join(d.dir, filepath.FromSlash(name)))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("media: delete %s: %w", name, err)
	}
	return nil
}

// Walk visits every file but the temporary ones of uploads in progress.
func (d *dirBlobs) Walk(ctx context.Context, fn func(name string, size int64) error) error {
	return filepath.WalkDir(d.dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if e.Name()[0] == '.' {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(d.dir, p)
		if err != nil {
			return err
		}
		return fn(filepath.ToSlash(rel), info.Size())
	})
}

// fileObject is an open file as an Object.
type fileObject struct {
	*os.File
	st os.FileInfo
}

func (f fileObject) Size() int64        { return f.st.Size() }
func (f fileObject) ModTime() time.Time { return f.st.ModTime() }
