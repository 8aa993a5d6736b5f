package photo

import "testing"

func TestSystemFile(t *testing.T) {
	for name, want := range map[string]bool{
		"desktop.ini": true, "Desktop.ini": true, "Thumbs.db": true, "THUMBS.DB": true, "ehthumbs.db": true,
		".DS_Store": true, "__MACOSX": true, "._IMG_0001.JPG": true, "._": true, "$RECYCLE.BIN": true,
		"System Volume Information": true, "Icon\r": true,
		"IMG_0001.JPG": false, "desktop.ini.jpg": false, "thumbs.jpg": false, "_IMG.jpg": false, "Icon": false,
		"MACOSX": false, "": false, ".hidden.jpg": false,
	} {
		if got := SystemFile(name); got != want {
			t.Errorf("SystemFile(%q) = %v; want %v", name, got, want)
		}
	}
}
