package media

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"io"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"golang.org/x/image/draw"
)

// Defaults for Options.
const (
	DefaultMaxBytes = 15 << 20
	// DefaultMaxPixels is 25 megapixels: a 24-megapixel camera's 6000×4000
	// photograph fits, while the largest rendition is only 1600 pixels
	// wide, so nothing bigger is needed. A small PNG may declare far more
	// (a 160 KB file declaring 7,000×7,000 took 157 MB and 1.8 s to decode
	// under the old 50-megapixel limit); the check is made on the header,
	// before any decoding.
	DefaultMaxPixels = 25_000_000
)

// Auditor records changes in the audit log; *account.Audit is one.
type Auditor interface {
	Record(ctx context.Context, q db.Queryer, e account.Entry) error
}

// Options tune a Store; zero values take the defaults.
type Options struct {
	MaxBytes  int64 // largest upload accepted
	MaxPixels int64 // largest width×height accepted, checked before decoding
	// Gate bounds decodes at once; nil makes one for this store with
	// Parallel slots (DefaultParallelFor(MaxPixels) when zero), as many
	// again waiting, and DefaultDecodeWait.
	Gate     *Gate
	Parallel int
	Now      func() time.Time
	Audit    Auditor // nil records nothing
	// PublicURL is where readers' browsers fetch renditions when they
	// come straight from a public bucket or a CDN
	// ("https://images.paper.example/"); empty serves them through
	// coopress at /media/.
	PublicURL string
}

// Store keeps images: rows in the media table, files in its Blobs.
type Store struct {
	db    *db.DB
	blobs Blobs
	opt   Options
}

// NewStore returns a store with its rows in d and its files in blobs (a
// directory, NewDirBlobs, or a bucket, NewS3Blobs).
func NewStore(d *db.DB, blobs Blobs, o Options) (*Store, error) {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxPixels <= 0 {
		o.MaxPixels = DefaultMaxPixels
	}
	if o.Parallel <= 0 {
		o.Parallel = DefaultParallelFor(o.MaxPixels)
	}
	if o.Gate == nil {
		o.Gate = NewGate(o.Parallel, o.Parallel, DefaultDecodeWait)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.PublicURL != "" && !strings.HasSuffix(o.PublicURL, "/") {
		o.PublicURL += "/"
	}
	return &Store{db: d, blobs: blobs, opt: o}, nil
}

// MaxBytes is the largest upload the store accepts, for a caller's own
// request-size limit.
func (s *Store) MaxBytes() int64 { return s.opt.MaxBytes }

// Upload checks and stores the image read from r, at most MaxBytes of it.
// It refuses (with a valid.Error naming the field, and nothing stored)
// missing alt text, a file that is too large, one that is not really a
// JPEG, PNG or WebP whatever its name says, and one with too many pixels.
// When every decoding slot stays taken it returns ErrBusy (see Gate).
// The same file uploaded again returns the image already stored, with
// Existing set and its text unchanged.
func (s *Store) Upload(ctx context.Context, r io.Reader, filename string, meta Meta, by account.Actor) (Image, error) {
	meta, err := meta.Normalize()
	if err != nil {
		return Image{}, err
	}
	b, err := io.ReadAll(io.LimitReader(r, s.opt.MaxBytes+1))
	if err != nil {
		return Image{}, fmt.Errorf("media: read upload: %w", err)
	}
	if int64(len(b)) > s.opt.MaxBytes {
		return Image{}, valid.Error{Field: "file", Cause: ErrTooLarge,
			Message: fmt.Sprintf("This file is larger than %d MB. Export a smaller version and try again.", s.opt.MaxBytes>>20)}
	}
	if len(b) == 0 {
		return Image{}, valid.Error{Field: "file", Message: "Choose an image file to upload."}
	}
	f, cfg, err := sniff(b, s.opt.MaxPixels)
	if err != nil {
		return Image{}, err
	}
	turn := 1
	if f.contentType == "image/jpeg" {
		if turn = jpegOrientation(b); turn >= 5 {
			cfg.Width, cfg.Height = cfg.Height, cfg.Width
		}
	}
	sum := sha256.Sum256(b)
	hash := hex.EncodeToString(sum[:])
	if im, err := s.bySHA(ctx, hash); err == nil {
		im.Existing = true
		return im, nil
	} else if !errors.Is(err, ErrNotFound) {
		return Image{}, err
	}

	leave, err := s.opt.Gate.Enter(ctx)
	if err != nil {
		return Image{}, err
	}
	defer leave()
	img, err := decode(f, b)
	if err != nil {
		return Image{}, err
	}
	img = orient(img, turn)
	im := Image{Filename: cleanFilename(filename), Key: hash[:keyLen], ContentType: f.contentType,
		OrigWidth: cfg.Width, OrigHeight: cfg.Height, Bytes: int64(len(b)), SHA256: hash, Meta: meta,
		UploadedBy: by.ID, UploadedAt: db.UTC(s.opt.Now())}.withRenditions(f.ext)
	files, err := render(img, f, im.Renditions, draw.CatmullRom)
	if err != nil {
		return Image{}, err
	}
	created, err := s.writeFiles(ctx, im.Key, b, files)
	if err != nil {
		s.removeFiles(created)
		return Image{}, err
	}
	err = s.insert(ctx, &im, f.ext, by)
	if db.IsUniqueViolation(err) {
		// The same file arrived twice at once and the other copy won.
		im, err = s.bySHA(ctx, hash)
		im.Existing = true
		return im, err
	}
	if err != nil {
		s.removeFiles(created)
		return Image{}, err
	}
	return s.public(im), nil
}

func (s *Store) insert(ctx context.Context, im *Image, ext string, by account.Actor) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO media (filename, storage_key, content_type, rendition_ext, width, height,
			bytes, sha256, alt, caption, credit, uploaded_by, uploaded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			im.Filename, im.Key, im.ContentType, ext, im.OrigWidth, im.OrigHeight, im.Bytes, im.SHA256,
			im.Alt, im.Caption, im.Credit, nullID(by.ID), im.UploadedAt).Scan(&im.ID)
		if err != nil {
			return fmt.Errorf("media: insert: %w", err)
		}
		return s.audit(ctx, tx, by, "media.upload", im.ID, nil, map[string]any{
			"filename": im.Filename, "sha256": im.SHA256, "width": im.OrigWidth, "height": im.OrigHeight, "meta": im.Meta})
	})
}

// UpdateMeta replaces an image's alt text, caption and credit.
func (s *Store) UpdateMeta(ctx context.Context, id int64, meta Meta, by account.Actor) (Image, error) {
	meta, err := meta.Normalize()
	if err != nil {
		return Image{}, err
	}
	var im Image
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.get(ctx, tx, "id = $1", id)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE media SET alt = $1, caption = $2, credit = $3 WHERE id = $4`,
			meta.Alt, meta.Caption, meta.Credit, id)
		if err != nil {
			return fmt.Errorf("media: update %d: %w", id, err)
		}
		im = before
		im.Meta = meta
		return s.audit(ctx, tx, by, "media.update", id, before.Meta, meta)
	})
	return im, err
}

func (s *Store) audit(ctx context.Context, q db.Queryer, by account.Actor, action string, id int64, before, after any) error {
	if s.opt.Audit == nil {
		return nil
	}
	return s.opt.Audit.Record(ctx, q, account.Entry{Actor: by, Action: action, ObjectType: "media",
		ObjectID: fmt.Sprint(id), Before: before, After: after})
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// cleanFilename keeps the last element of what the browser sent, as valid
// UTF-8 of sensible length; it is only ever shown to staff.
func cleanFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" {
		name = ""
	}
	for utf8.RuneCountInString(name) > maxFilename {
		_, n := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-n]
	}
	return name
}
