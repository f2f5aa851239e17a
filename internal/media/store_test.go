package media

import (
	"bytes"
	"context"
	"errors"
	"github.com/coopress/coopress/internal/valid"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"testing"

	"github.com/coopress/coopress/internal/account"
	"github.com/coopress/coopress/internal/db"
	"github.com/coopress/coopress/internal/dbtest"
)

var tester = account.Actor{Name: "test"}

func TestUploadGoodImages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		ctx := context.Background()
		tests := []struct {
			name, file  string
			body        []byte
			wantType    string
			wantWidths  []int
			wantRendExt string
		}{
			{"jpeg", "photo.jpg", jpegOf(t, 2000, 1000), "image/jpeg", []int{480, 960, 1600}, "jpg"},
			{"small jpeg is not enlarged", "small.jpeg", jpegOf(t, 300, 200), "image/jpeg", []int{300}, "jpg"},
			{"png with alpha", "chart.png", pngOf(t, 1000, 500, true), "image/png", []int{480, 960, 1000}, "png"},
			{"png named .jpg", "chart.jpg", pngOf(t, 500, 500, false), "image/png", []int{480, 500}, "png"},
			{"webp", "pic.webp", solidWebP(1200, 800, color.NRGBA{R: 200, G: 30, B: 40, A: 255}), "image/webp", []int{480, 960, 1200}, "jpg"},
			{"webp with alpha", "logo.webp", solidWebP(600, 300, color.NRGBA{R: 10, G: 90, B: 200, A: 128}), "image/webp", []int{480, 600}, "jpg"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				im, err := s.Upload(ctx, bytes.NewReader(tt.body), tt.file, Meta{Alt: " A picture ", Credit: "Staff"}, tester)
				if err != nil {
					t.Fatalf("Upload: %v", err)
				}
				if im.ContentType != tt.wantType || im.Alt != "A picture" || im.ID == 0 || im.Existing {
					t.Fatalf("got %+v", im)
				}
				var got []int
				for _, r := range im.Renditions {
					got = append(got, r.Width)
					if !strings.HasSuffix(r.Name, "."+tt.wantRendExt) {
						t.Errorf("rendition %s, want .%s", r.Name, tt.wantRendExt)
					}
					checkRendition(t, s, r)
				}
				if tt.wantWidths != nil && !equal(got, tt.wantWidths) {
					t.Errorf("widths %v, want %v", got, tt.wantWidths)
				}
				top := im.Renditions[len(im.Renditions)-1]
				if im.Width != top.Width || im.Height != top.Height || im.Width > 1600 || im.Width > im.OrigWidth {
					t.Errorf("Width/Height %d×%d, largest rendition %d×%d, original %d×%d", im.Width, im.Height, top.Width, top.Height, im.OrigWidth, im.OrigHeight)
				}
				back, err := s.Get(ctx, im.ID)
				if err != nil || back.SrcSet() != im.SrcSet() || back.Meta != im.Meta || !back.UploadedAt.Equal(im.UploadedAt) {
					t.Errorf("Get = %+v, %v; want %+v", back, err, im)
				}
			})
		}
		list, total, err := s.List(ctx, 1)
		if err != nil || total != len(tests) || len(list) != len(tests) {
			t.Errorf("List: %d of %d, %v", len(list), total, err)
		}
	})
}

// checkRendition decodes a stored rendition and checks its size and format.
func checkRendition(t *testing.T, s *Store, r Rendition) {
	t.Helper()
	f, ct, err := s.Open(context.Background(), r.Name)
	if err != nil {
		t.Fatalf("Open %s: %v", r.Name, err)
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	var cfg image.Config
	if ct == "image/png" {
		cfg, err = png.DecodeConfig(bytes.NewReader(b))
	} else {
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(b))
	}
	if err != nil || cfg.Width != r.Width || cfg.Height != r.Height {
		t.Errorf("%s: %d×%d (%v), want %d×%d", r.Name, cfg.Width, cfg.Height, err, r.Width, r.Height)
	}
	if bytes.Contains(b, []byte("Exif")) {
		t.Errorf("%s carries metadata", r.Name)
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestUploadRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		good := jpegOf(t, 600, 400)
		tests := []struct {
			name  string
			body  []byte
			meta  Meta
			field string
			is    error
		}{
			{"missing alt", good, Meta{Alt: "  "}, "alt", nil},
			{"alt not UTF-8", good, Meta{Alt: "bad \xff"}, "alt", nil},
			{"credit too long", good, Meta{Alt: "x", Credit: strings.Repeat("c", MaxCredit+1)}, "credit", nil},
			{"empty file", nil, Meta{Alt: "x"}, "file", nil},
			{"text named .jpg", []byte("just some words, honestly"), Meta{Alt: "x"}, "file", ErrUnsupported},
			{"HTML named .jpg", []byte("<!doctype html><script>alert(1)</script>"), Meta{Alt: "x"}, "file", ErrUnsupported},
			{"GIF", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), Meta{Alt: "x"}, "file", ErrUnsupported},
			{"JPEG magic then garbage", append([]byte("\xFF\xD8\xFF\xE0"), bytes.Repeat([]byte("garbage!"), 100)...), Meta{Alt: "x"}, "file", ErrUnsupported},
			{"truncated JPEG", good[:len(good)/2], Meta{Alt: "x"}, "file", ErrUnsupported},
			{"oversized", append(good, make([]byte, 2<<20)...), Meta{Alt: "x"}, "file", ErrTooLarge},
			{"100000×100000 PNG header", pngHeader(100000, 100000), Meta{Alt: "x"}, "file", ErrTooManyPixels},
			// 49 megapixels: a small PNG can declare this and cost 157 MB
			// to decode; the default limit must refuse it from the header.
			{"7000×7000 PNG header", pngHeader(7000, 7000), Meta{Alt: "x"}, "file", ErrTooManyPixels},
			{"zero-width PNG header", pngHeader(0, 10), Meta{Alt: "x"}, "file", ErrUnsupported},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.Upload(context.Background(), bytes.NewReader(tt.body), "x.jpg", tt.meta, tester)
				var ve valid.Error
				if !errors.As(err, &ve) || ve.Field != tt.field || ve.Message == "" {
					t.Fatalf("err %v, want a valid.Error for %s", err, tt.field)
				}
				if tt.is != nil && !errors.Is(err, tt.is) {
					t.Errorf("err %v is not %v", err, tt.is)
				}
			})
		}
		if files := storedFiles(t, s); len(files) != 0 {
			t.Errorf("refused uploads left files: %v", files)
		}
		if _, total, _ := s.List(context.Background(), 1); total != 0 {
			t.Errorf("refused uploads left %d rows", total)
		}
	})
}

func TestDuplicateUploadIsOneImage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newTestStore(t, d)
		ctx := context.Background()
		b := pngOf(t, 700, 300, false)
		first, err := s.Upload(ctx, bytes.NewReader(b), "a.png", Meta{Alt: "First"}, tester)
		if err != nil {
			t.Fatal(err)
		}
		files := len(storedFiles(t, s))
		again, err := s.Upload(ctx, bytes.NewReader(b), "b.png", Meta{Alt: "Second"}, tester)
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != first.ID || !again.Existing || again.Alt != "First" {
			t.Errorf("second upload = %+v, want image %d unchanged", again, first.ID)
		}
		if n := len(storedFiles(t, s)); n != files {
			t.Errorf("%d files after the duplicate, want %d", n, files)
		}
	})
}

func TestUpdateMetaAndAudit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		audit := account.NewAudit(d, nil)
		s, err := NewStore(d, mustDir(t, t.TempDir()), Options{Audit: audit})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		im, err := s.Upload(ctx, bytes.NewReader(jpegOf(t, 100, 100)), "a.jpg", Meta{Alt: "Old"}, tester)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateMeta(ctx, im.ID, Meta{}, tester); !isField(err, "alt") {
			t.Errorf("empty alt: %v", err)
		}
		if _, err := s.UpdateMeta(ctx, im.ID+100, Meta{Alt: "x"}, tester); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown id: %v", err)
		}
		up, err := s.UpdateMeta(ctx, im.ID, Meta{Alt: "New", Caption: "Cap", Credit: "Me"}, tester)
		if err != nil || up.Alt != "New" || up.Caption != "Cap" || up.Credit != "Me" {
			t.Fatalf("UpdateMeta = %+v, %v", up, err)
		}
		entries, _, err := audit.List(ctx, account.Filter{ObjectType: "media"}, 1)
		if err != nil || len(entries) != 2 || entries[0].Action != "media.update" || entries[1].Action != "media.upload" {
			t.Errorf("audit entries %+v, %v", entries, err)
		}
	})
}

func isField(err error, field string) bool {
	var ve valid.Error
	return errors.As(err, &ve) && ve.Field == field
}
