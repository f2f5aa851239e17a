package media

import (
	"bytes"
	"fmt"
	"github.com/coopress/coopress/internal/valid"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// jpegQuality is high enough that photographs show no blocks at the sizes
// pages use, and about half the bytes of quality 95.
const jpegQuality = 82

// format is one accepted kind of original, with its own decoder: the
// sniffed type picks the decoder, so a file is only ever parsed by the
// decoder for what its bytes say it is, whatever its name, and formats that
// other packages register with image.Decode (GIF, say) are never accepted.
type format struct {
	contentType  string
	ext          string // of the renditions
	decodeConfig func(io.Reader) (image.Config, error)
	decode       func(io.Reader) (image.Image, error)
}

func formatOf(contentType string) (format, bool) {
	switch contentType {
	case "image/jpeg":
		return format{contentType, "jpg", jpeg.DecodeConfig, jpeg.Decode}, true
	case "image/png":
		return format{contentType, "png", png.DecodeConfig, png.Decode}, true
	case "image/webp":
		return format{contentType, "jpg", webp.DecodeConfig, webp.Decode}, true
	}
	return format{}, false
}

// sniff names the format of b from its first bytes, then checks that the
// real decoder can read the header. It returns the format and dimensions,
// or a valid.Error for the file field. It never decodes the pixels, so
// a header that claims too many of them is refused before any memory is
// spent on them.
func sniff(b []byte, maxPixels int64) (format, image.Config, error) {
	// The magic bytes are the first gate only; DecodeConfig then parses
	// the header with the matching decoder.
	f, ok := formatOf(detect(b))
	if !ok {
		return format{}, image.Config{}, valid.Error{Field: "file", Cause: ErrUnsupported,
			Message: "This file is not a JPEG, PNG or WebP image. Choose a photograph or graphic in one of those formats."}
	}
	cfg, err := f.decodeConfig(bytes.NewReader(b))
	if err != nil {
		return format{}, image.Config{}, unreadable(f)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return format{}, image.Config{}, unreadable(f)
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return format{}, image.Config{}, valid.Error{Field: "file", Cause: ErrTooManyPixels,
			Message: fmt.Sprintf("This image is %d×%d pixels; the most we accept is %d megapixels. Make it smaller and try again.",
				cfg.Width, cfg.Height, maxPixels/1_000_000)}
	}
	return f, cfg, nil
}

func unreadable(f format) error {
	return valid.Error{Field: "file", Cause: ErrUnsupported,
		Message: "This file looks like a " + f.contentType[len("image/"):] + " image but could not be read. It may be damaged; export it again and retry."}
}

// detect names the type b's first bytes announce, as http.DetectContentType
// would for these three, without bringing net/http into this package.
func detect(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\xFF\xD8\xFF")):
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case len(b) >= 14 && string(b[:4]) == "RIFF" && string(b[8:14]) == "WEBPVP":
		return "image/webp"
	}
	return ""
}

// decode reads the whole image.
func decode(f format, b []byte) (image.Image, error) {
	img, err := f.decode(bytes.NewReader(b))
	if err != nil {
		return nil, unreadable(f)
	}
	return img, nil
}

// render writes every rendition of img, resampled with k, into a map from
// rendition name to encoded bytes. The store uses draw.CatmullRom, which
// widens its support when it shrinks so fine detail does not alias;
// BenchmarkResize compares it with ApproxBiLinear, which is faster but
// shimmers at reductions of more than 2×. Each rendition is scaled from the next larger one rather
// than from the original: the big first step is the expensive one, and the
// later ones then cost a fraction of it, with no visible difference at
// reductions of 2× or less.
func render(img image.Image, f format, rs []Rendition, k draw.Scaler) (map[string][]byte, error) {
	out := make(map[string][]byte, len(rs))
	src := img
	flatten := f.ext == "jpg" && !isOpaque(img)
	for i := len(rs) - 1; i >= 0; i-- {
		r := rs[i]
		dst := image.NewRGBA(image.Rect(0, 0, r.Width, r.Height))
		op := draw.Src
		if flatten {
			// JPEG has no transparency: lay see-through parts of a WebP
			// on white, as a page would show them, not on black.
			draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
			op = draw.Over
		}
		resize(src, r.Width, r.Height, k, op, dst)
		var buf bytes.Buffer
		var err error
		if f.ext == "png" {
			err = png.Encode(&buf, dst)
		} else {
			err = jpeg.Encode(&buf, dst, &jpeg.Options{Quality: jpegQuality})
		}
		if err != nil {
			return nil, fmt.Errorf("media: encode %s: %w", r.Name, err)
		}
		out[r.Name] = buf.Bytes()
		src = dst
	}
	return out, nil
}

// isOpaque reports whether img has no transparent pixel. Decoders' image
// types answer it themselves (YCbCr at once, NRGBA by scanning).
func isOpaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}
