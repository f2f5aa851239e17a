package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"path/filepath"
	"testing"
	"time"

	"github.com/coopress/coopress/internal/db"
)

// picture is a w×h test image with some detail, so encoders and scalers
// do real work.
func picture(w, h int, alpha bool) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			a := uint8(255)
			if alpha && x < w/2 {
				a = 80
			}
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) & 0xff), a})
		}
	}
	return img
}

func jpegOf(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, picture(w, h, false), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pngOf(t testing.TB, w, h int, alpha bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, picture(w, h, alpha)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngHeader is a PNG signature and a valid IHDR chunk claiming w×h RGB
// pixels, and nothing else: a decompression bomb's calling card.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit truecolour
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// solidWebP writes a lossless WebP (VP8L) image of one colour, built bit
// by bit from the format's specification: Go has no WebP encoder, and a
// one-colour image needs none, since every prefix code has a single symbol
// and each pixel then takes no bits at all.
func solidWebP(w, h int, c color.NRGBA) []byte {
	var bw webpBits
	bw.put(0x2f, 8) // VP8L signature
	bw.put(uint64(w-1), 14)
	bw.put(uint64(h-1), 14)
	alpha := uint64(0)
	if c.A != 0xff {
		alpha = 1
	}
	bw.put(alpha, 1)
	bw.put(0, 3) // version
	bw.put(0, 1) // no transform
	bw.put(0, 1) // no colour cache
	bw.put(0, 1) // one prefix code group for the whole image
	for _, sym := range []uint8{c.G, c.R, c.B, c.A} {
		bw.put(1, 1) // simple code
		bw.put(0, 1) // of one symbol
		bw.put(1, 1) // written in 8 bits
		bw.put(uint64(sym), 8)
	}
	bw.put(1, 1) // distance: simple code of one symbol, 0, in 1 bit
	bw.put(0, 1)
	bw.put(0, 1)
	bw.put(0, 1)
	data := bw.bytes()
	chunk := append([]byte("VP8L"), le32(len(data))...)
	chunk = append(chunk, data...)
	if len(data)%2 == 1 {
		chunk = append(chunk, 0)
	}
	out := append([]byte("RIFF"), le32(4+len(chunk))...)
	out = append(out, "WEBP"...)
	return append(out, chunk...)
}

// webpBits packs values least significant bit first, as VP8L reads them.
type webpBits struct {
	buf []byte
	acc uint64
	n   uint
}

func (b *webpBits) put(v uint64, bits uint) {
	b.acc |= v << b.n
	b.n += bits
	for b.n >= 8 {
		b.buf = append(b.buf, byte(b.acc))
		b.acc >>= 8
		b.n -= 8
	}
}

func (b *webpBits) bytes() []byte {
	if b.n > 0 {
		return append(b.buf, byte(b.acc))
	}
	return b.buf
}

func le32(n int) []byte { return []byte{byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24)} }

func newTestStore(t testing.TB, d *db.DB) *Store {
	t.Helper()
	clock := func() time.Time { return time.Date(2024, 11, 6, 18, 0, 0, 0, time.UTC) }
	s, err := NewStore(d, mustDir(t, filepath.Join(t.TempDir(), "media")), Options{Now: clock, MaxBytes: 2 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// storedFiles lists every file the store holds.
func storedFiles(t testing.TB, s *Store) []string {
	t.Helper()
	var out []string
	err := s.blobs.Walk(context.Background(), func(name string, _ int64) error {
		out = append(out, name)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// mustDir is a directory store at dir.
func mustDir(t testing.TB, dir string) Blobs {
	t.Helper()
	b, err := NewDirBlobs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
