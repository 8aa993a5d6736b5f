package exif

import "testing"

// rotated is the start of a JPEG with an APP1 Exif segment, little-endian, whose IFD0 holds Make,
// Orientation 6 (turn 90° clockwise to view) and a GPS IFD pointer.
var rotated = []byte("\xff\xd8\xff\xe1\x00<Exif\x00\x00II*\x00\b\x00\x00\x00\x03\x00\x0f\x01\x02\x00\x04\x00\x00\x00GPS!" +
	"\x12\x01\x03\x00\x01\x00\x00\x00\x06\x00\x00\x00%\x88\x04\x00\x01\x00\x00\x002\x00\x00\x00\x00\x00\x00\x00\x00\x00")

// TestRotatedSeed: the fuzz target's first seed is read to its Orientation. Package analyzer's
// TestJPEGOrientationParser checks the parser on whole JPEGs made by its fixtures.
func TestRotatedSeed(t *testing.T) {
	if o := Orientation(rotated); o != 6 {
		t.Fatalf("orientation %d, want 6", o)
	}
	if o := Orientation(rotated[:len(rotated)-20]); o != 1 {
		t.Fatalf("orientation %d of a cut segment, want 1", o)
	}
}

// FuzzOrientation: whatever the bytes, Orientation returns a valid orientation (and, the fuzzer
// would show, never reads out of bounds).
func FuzzOrientation(f *testing.F) {
	f.Add(rotated)
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x02})
	f.Fuzz(func(t *testing.T, b []byte) {
		if o := Orientation(b); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}
