package pipeline

import (
	"context"
	"fmt"

	"medinventory/analyzer"
	"medinventory/store"
)

// MakeMissingThumbnails makes the window's thumbnail of each stored photo that has none — photos
// analysed before thumbnails were stored — so the lists show them without ever decoding a full
// photo in the window. It works in the background, one photo at a time, each decode admitted by
// the same memory budget as the analyses' (it waits its turn, and never adds to their peak). A
// photo whose analysis is still to run (pending says so; see Pending) is left to it: that
// analysis makes the thumbnail from its own decode, and a second decode here would only double
// the work and the memory. A photo that cannot be opened is skipped (its analysis says why). It
// returns how many thumbnails it made; ctx ending stops it between photos.
func (h *Handler) MakeMissingThumbnails(ctx context.Context, pending func(photoID int64) (bool, error)) (int, error) {
	made := 0
	var after int64
	for {
		photos, err := h.st.PhotosWithoutThumbnail(ctx, after, 50)
		if err != nil {
			return made, fmt.Errorf("thumbnails: %w", err)
		}
		if len(photos) == 0 {
			return made, nil
		}
		for _, p := range photos {
			after = p.ID
			if err := ctx.Err(); err != nil {
				return made, fmt.Errorf("thumbnails: %w", err)
			}
			if wait, err := pending(p.ID); err != nil {
				return made, fmt.Errorf("thumbnails: %w", err)
			} else if wait {
				continue
			}
			if h.makeThumbnail(ctx, p) {
				made++
			}
		}
	}
}

// makeThumbnail decodes one photo under the budget and stores its thumbnail.
func (h *Handler) makeThumbnail(ctx context.Context, p store.Photo) bool {
	release, err := h.admitDecode(ctx, p)
	if err != nil {
		return false
	}
	defer release()
	img, _, err := analyzer.LoadImageFile(h.st.PhotoFile(p))
	if err != nil {
		h.log.Warn("thumbnail: photo not opened", "photo", p.ID, "err", err)
		return false
	}
	return h.saveThumbnail(p, img)
}
