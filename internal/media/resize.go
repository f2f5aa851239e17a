package media

import (
	"image"

	"golang.org/x/image/draw"
)

// resize scales src to w×h with k. A kernel scaler such as CatmullRom
// keeps a float buffer of w × (source height) and its cost grows with the
// source, so a large reduction first averages whole k×k blocks (exact
// anti-aliasing, a few milliseconds), leaving the kernel at most a 2×
// step. BenchmarkResize measures the difference.
func resize(src image.Image, w, h int, k draw.Scaler, op draw.Op, dst *image.RGBA) {
	if f := min(src.Bounds().Dx()/w, src.Bounds().Dy()/h); f >= 2 {
		src = shrink(src, f)
	}
	if src.Bounds().Size() == dst.Bounds().Size() && op == draw.Src {
		draw.Draw(dst, dst.Bounds(), src, src.Bounds().Min, draw.Src)
		return
	}
	k.Scale(dst, dst.Bounds(), src, src.Bounds(), op, nil)
}

// shrink averages each f×f block of src into one pixel. Rows are converted
// to RGBA one band of f at a time, through image/draw's fast paths for the
// decoders' types, so no full-size copy of a large original is made. The
// last src.Dx()%f columns and rows are dropped: less than one pixel of the
// result.
func shrink(src image.Image, f int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx()/f, b.Dy()/f
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	band := image.NewRGBA(image.Rect(0, 0, w*f, f))
	sums := make([]uint32, w*4)
	n := uint32(f * f)
	for y := 0; y < h; y++ {
		draw.Draw(band, band.Bounds(), src, image.Pt(b.Min.X, b.Min.Y+y*f), draw.Src)
		clear(sums)
		for by := 0; by < f; by++ {
			row := band.Pix[by*band.Stride : by*band.Stride+w*f*4]
			for x := 0; x < w; x++ {
				s := sums[x*4 : x*4+4 : x*4+4]
				for i := x * f * 4; i < (x+1)*f*4; i += 4 {
					s[0] += uint32(row[i])
					s[1] += uint32(row[i+1])
					s[2] += uint32(row[i+2])
					s[3] += uint32(row[i+3])
				}
			}
		}
		out := dst.Pix[y*dst.Stride : y*dst.Stride+w*4]
		for i, v := range sums {
			out[i] = uint8((v + n/2) / n)
		}
	}
	return dst
}
