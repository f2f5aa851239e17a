package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"

	"github.com/coopress/coopress/internal/dbtest"
)

// withOrientation inserts an EXIF segment carrying orientation o (in
// big-endian TIFF) after a JPEG's start-of-image marker.
func withOrientation(j []byte, o uint16) []byte {
	var t bytes.Buffer
	t.WriteString("MM\x00\x2a")
	_ = binary.Write(&t, binary.BigEndian, uint32(8))
	_ = binary.Write(&t, binary.BigEndian, uint16(1))
	_ = binary.Write(&t, binary.BigEndian, []uint16{0x0112, 3})
	_ = binary.Write(&t, binary.BigEndian, uint32(1))
	_ = binary.Write(&t, binary.BigEndian, []uint16{o, 0})
	_ = binary.Write(&t, binary.BigEndian, uint32(0))
	seg := append([]byte("Exif\x00\x00"), t.Bytes()...)
	var out bytes.Buffer
	out.Write(j[:2])
	out.Write([]byte{0xFF, 0xE1})
	_ = binary.Write(&out, binary.BigEndian, uint16(len(seg)+2))
	out.Write(seg)
	out.Write(j[2:])
	return out.Bytes()
}

// TestPhoneOrientationApplied uploads a 600×300 "sensor" image, red on the
// left and blue on the right, tagged to be turned a quarter clockwise (6):
// the renditions must be 300 wide and 600 tall, red at the top, and carry
// no EXIF.
func TestPhoneOrientationApplied(t *testing.T) {
	sensor := image.NewRGBA(image.Rect(0, 0, 600, 300))
	for y := 0; y < 300; y++ {
		for x := 0; x < 600; x++ {
			c := color.RGBA{220, 0, 0, 255}
			if x >= 300 {
				c = color.RGBA{0, 0, 220, 255}
			}
			sensor.Set(x, y, c)
		}
	}
	var j bytes.Buffer
	_ = jpeg.Encode(&j, sensor, nil)
	b := withOrientation(j.Bytes(), 6)
	if o := jpegOrientation(b); o != 6 {
		t.Fatalf("orientation %d, want 6", o)
	}
	s := newTestStore(t, dbtest.SQLite(t))
	im, err := s.Upload(context.Background(), bytes.NewReader(b), "phone.jpg", Meta{Alt: "x"}, tester)
	if err != nil {
		t.Fatal(err)
	}
	if im.OrigWidth != 300 || im.OrigHeight != 600 || im.Width != 300 || im.Height != 600 {
		t.Fatalf("dimensions %d×%d, largest %d×%d", im.OrigWidth, im.OrigHeight, im.Width, im.Height)
	}
	f, _, err := s.Open(context.Background(), im.Renditions[len(im.Renditions)-1].Name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := jpeg.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	top, bottom := out.At(150, 20), out.At(150, 580)
	if r, _, bl, _ := top.RGBA(); r < 0x8000 || bl > 0x4000 {
		t.Errorf("top is %v, want red", top)
	}
	if r, _, bl, _ := bottom.RGBA(); bl < 0x8000 || r > 0x4000 {
		t.Errorf("bottom is %v, want blue", bottom)
	}
}
