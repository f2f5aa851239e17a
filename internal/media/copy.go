package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// CopyProgress is how far a Copy has got.
type CopyProgress struct {
	Done, Total   int   // objects handled, of all the source has
	Copied        int   // of Done, written to the target (the rest were there)
	Bytes         int64 // bytes of the objects handled
	Verified      bool  // the check pass, after the copy
	Elapsed       time.Duration
	Current       string // the object just handled
	Mismatched    []string
	MissingTarget []string
}

// Copy copies every object of from into to, leaving alone those already
// there, then reads every object back from both and compares their
// SHA-256, so a copy that reports no mismatch is whole. Each object is
// written in one piece, so an interrupted copy leaves only whole objects
// and a second run finishes it; nothing else changes. progress is called
// after each object, and once more after each pass.
func Copy(ctx context.Context, from, to Blobs, progress func(CopyProgress)) (CopyProgress, error) {
	start := time.Now()
	type obj struct {
		name string
		size int64
	}
	var objs []obj
	if err := from.Walk(ctx, func(name string, size int64) error {
		objs = append(objs, obj{name, size})
		return nil
	}); err != nil {
		return CopyProgress{}, err
	}
	slices.SortFunc(objs, func(a, b obj) int {
		if a.name < b.name {
			return -1
		}
		return 1
	})
	p := CopyProgress{Total: len(objs)}
	report := func(current string) {
		p.Elapsed, p.Current = time.Since(start), current
		if progress != nil {
			progress(p)
		}
	}
	for _, o := range objs {
		if err := ctx.Err(); err != nil {
			return p, err
		}
		b, err := readAll(ctx, from, o.name)
		if err != nil {
			return p, err
		}
		wrote, err := to.Put(ctx, o.name, b)
		if err != nil {
			return p, err
		}
		p.Done++
		p.Bytes += int64(len(b))
		if wrote {
			p.Copied++
		}
		report(o.name)
	}
	p.Verified, p.Done, p.Bytes = true, 0, 0
	for _, o := range objs {
		if err := ctx.Err(); err != nil {
			return p, err
		}
		a, err := readAll(ctx, from, o.name)
		if err != nil {
			return p, err
		}
		b, err := readAll(ctx, to, o.name)
		switch {
		case errors.Is(err, ErrNotFound):
			p.MissingTarget = append(p.MissingTarget, o.name)
		case err != nil:
			return p, err
		case sha256.Sum256(a) != sha256.Sum256(b):
			p.Mismatched = append(p.Mismatched, o.name)
		}
		p.Done++
		p.Bytes += int64(len(a))
		report(o.name)
	}
	return p, nil
}

func readAll(ctx context.Context, b Blobs, name string) ([]byte, error) {
	o, err := b.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	defer o.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, o); err != nil {
		return nil, fmt.Errorf("media: read %s from %s: %w", name, b, err)
	}
	return buf.Bytes(), nil
}

// Check reports every file the library's rows name (each image's original
// and renditions) that its store does not hold.
func (s *Store) Check(ctx context.Context) (missing []string, images int, err error) {
	have := map[string]bool{}
	if err := s.blobs.Walk(ctx, func(name string, _ int64) error { have[name] = true; return nil }); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+columns+` FROM media ORDER BY id`)
	if err != nil {
		return nil, 0, fmt.Errorf("media: check: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		im, err := scan(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("media: check: %w", err)
		}
		images++
		for _, name := range append([]string{originalName(im.Key)}, renditionNames(im)...) {
			if !have[name] {
				missing = append(missing, name)
			}
		}
	}
	return missing, images, rows.Err()
}

// renditionNames are the stored names of im's renditions.
func renditionNames(im Image) []string {
	out := make([]string, len(im.Renditions))
	for i, r := range im.Renditions {
		out[i] = im.Key[:2] + "/" + r.Name
	}
	return out
}
