package media

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/coopress/coopress/internal/db"
)

// PerPage is how many images List returns per page.
const PerPage = 48

const columns = `id, filename, storage_key, content_type, rendition_ext, width, height, bytes, sha256,
	alt, caption, credit, uploaded_by, uploaded_at`

// Get returns the image with id, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id int64) (Image, error) {
	return s.get(ctx, s.db, "id = $1", id)
}

func (s *Store) bySHA(ctx context.Context, hash string) (Image, error) {
	return s.get(ctx, s.db, "sha256 = $1", hash)
}

func (s *Store) get(ctx context.Context, q db.Queryer, where string, arg any) (Image, error) {
	im, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM media WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return Image{}, ErrNotFound
	}
	if err != nil {
		return Image{}, fmt.Errorf("media: get %v: %w", arg, err)
	}
	return s.public(im), nil
}

// List returns page (from 1) of the library, newest first, and how many
// images there are in all.
func (s *Store) List(ctx context.Context, page int) ([]Image, int, error) {
	page = max(page, 1)
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM media`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("media: count: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+columns+` FROM media ORDER BY uploaded_at DESC, id DESC LIMIT $1 OFFSET $2`,
		PerPage, (page-1)*PerPage)
	if err != nil {
		return nil, 0, fmt.Errorf("media: list: %w", err)
	}
	defer rows.Close()
	var out []Image
	for rows.Next() {
		im, err := scan(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("media: list: %w", err)
		}
		out = append(out, s.public(im))
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("media: list: %w", err)
	}
	return out, total, nil
}

func scan(row interface{ Scan(...any) error }) (Image, error) {
	var im Image
	var ext string
	var by sql.NullInt64
	err := row.Scan(&im.ID, &im.Filename, &im.Key, &im.ContentType, &ext, &im.OrigWidth, &im.OrigHeight, &im.Bytes,
		&im.SHA256, &im.Alt, &im.Caption, &im.Credit, &by, &im.UploadedAt)
	if err != nil {
		return Image{}, err
	}
	im.UploadedBy = by.Int64
	im.UploadedAt = im.UploadedAt.UTC()
	return im.withRenditions(ext), nil
}

// BySrc returns the image one of whose renditions is served at src (such
// as "/media/KEY-960.jpg", what an article stores), so a page can offer
// every size; ErrNotFound for anything else.
func (s *Store) BySrc(ctx context.Context, src string) (Image, error) {
	name, ok := strings.CutPrefix(src, "/media/")
	if !ok && s.opt.PublicURL != "" {
		if rest, pub := strings.CutPrefix(src, s.opt.PublicURL); pub && len(rest) > 3 && rest[2] == '/' {
			name, ok = rest[3:], true
		}
	}
	if !ok {
		return Image{}, ErrNotFound
	}
	if _, _, ok := ParseName(name); !ok {
		return Image{}, ErrNotFound
	}
	return s.get(ctx, s.db, "storage_key = $1", name[:keyLen])
}
