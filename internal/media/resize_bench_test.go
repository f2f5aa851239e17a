package media

import (
	"testing"

	"golang.org/x/image/draw"
)

// BenchmarkResize decodes a 4000×3000 JPEG and writes its three renditions,
// as an upload does, with each kernel the store could use.
func BenchmarkResize(b *testing.B) {
	src := jpegOf(b, 4000, 3000)
	f, cfg, err := sniff(src, DefaultMaxPixels)
	if err != nil {
		b.Fatal(err)
	}
	rs := renditionsFor("0123456789abcdef01234567", f.ext, cfg.Width, cfg.Height)
	for _, k := range []struct {
		name string
		k    draw.Scaler
	}{{"CatmullRom", draw.CatmullRom}, {"ApproxBiLinear", draw.ApproxBiLinear}} {
		b.Run(k.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				img, err := decode(f, src)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := render(img, f, rs, k.k); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeOnly is the part of BenchmarkResize no kernel can save.
func BenchmarkDecodeOnly(b *testing.B) {
	src := jpegOf(b, 4000, 3000)
	f, _, _ := sniff(src, DefaultMaxPixels)
	for b.Loop() {
		if _, err := decode(f, src); err != nil {
			b.Fatal(err)
		}
	}
}
