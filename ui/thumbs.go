package ui

import (
	"container/list"
	"image"
	"strconv"
	"sync"

	"github.com/disintegration/imaging"

	"medinventory/store"
)

// thumbCache keeps small decoded thumbnails, least recently used out first. It is safe for
// concurrent use; decoding happens on the caller's goroutine (never the UI goroutine).
type thumbCache struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[string]*list.Element
	sem   chan struct{} // bounds concurrent decodes (old laptops, 12 MP photos)
	// stored: load the thumbnail the analysis stored for the photo (store.ThumbFile), never the
	// photo itself; a photo not analysed yet has none and shows the placeholder.
	stored bool
}

type thumbItem struct {
	key string
	img image.Image
}

func newThumbCache(max int) *thumbCache {
	return &thumbCache{max: max, ll: list.New(), items: map[string]*list.Element{}, sem: make(chan struct{}, 2)}
}

// storedThumbs makes c load stored thumbnails only (the lists' cache).
func storedThumbs(c *thumbCache) *thumbCache {
	c.stored = true
	return c
}

func (c *thumbCache) get(key string) (image.Image, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.ll.MoveToFront(el)
		return el.Value.(*thumbItem).img, true
	}
	return nil, false
}

func (c *thumbCache) put(key string, img image.Image) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		el.Value.(*thumbItem).img = img
		c.ll.MoveToFront(el)
		return
	}
	c.items[key] = c.ll.PushFront(&thumbItem{key, img})
	for c.ll.Len() > c.max {
		el := c.ll.Back()
		c.ll.Remove(el)
		delete(c.items, el.Value.(*thumbItem).key)
	}
}

// load decodes the file at path (EXIF orientation applied) and fits it into size×size pixels.
// A file that cannot be decoded gives nil.
func (c *thumbCache) load(path string, size int) image.Image {
	key := path + "#" + strconv.Itoa(size)
	if img, ok := c.get(key); ok {
		return img
	}
	file := path
	if c.stored {
		file = store.ThumbFile(path) // already upright: made from the oriented decode
	}
	c.sem <- struct{}{}
	img, err := imaging.Open(file, imaging.AutoOrientation(true))
	var out image.Image
	if err == nil {
		out = imaging.Fit(img, size, size, imaging.Box)
	}
	<-c.sem
	if out != nil || !c.stored {
		c.put(key, out) // a thumbnail still to come is looked for again next time
	}
	return out
}
