package store

import (
	"context"
	"strings"
	"sync"

	"medinventory/assets/i18n"
	"medinventory/store/stock"
)

// stockCache keeps the product view's data — every product and every lot with its totals — in
// memory while the ledger has not changed, so that a search keystroke filters memory instead of
// reading 10,000 lots again. Whether it is current is one row read: stock_version, which SQLite's
// own triggers bump with every change to movements, lines or products, whichever process made it.
// The zero value is ready to use.
type stockCache struct {
	mu      sync.Mutex
	loaded  bool
	version int64
	prods   []stock.Product
	lines   map[int64][]stock.Line // by product, soonest expiry first; shared with callers: read only

	device string // this installation's device id, once read (see Store.newIDs)
}

// get returns the products (by name) and their lines, current as of this call.
func (c *stockCache) get(ctx context.Context, s *Store) ([]stock.Product, map[int64][]stock.Line, error) {
	var v int64
	if err := s.r.QueryRowContext(ctx, `SELECT v FROM stock_version`).Scan(&v); err != nil {
		return nil, nil, i18n.Errorf("list products: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loaded && c.version == v {
		return c.prods, c.lines, nil
	}
	prods, lines, version, err := s.productLines(ctx, "", nil, "", nil)
	if err != nil {
		return nil, nil, err
	}
	for _, ls := range lines {
		stock.SortByExpiry(ls)
	}
	c.loaded, c.version, c.prods, c.lines = true, version, prods, lines
	return prods, lines, nil
}

// search is what a product view search matches: name, generic name, strength, maker or GTIN
// containing the words typed (case aside), or a lot number containing them (compared by
// stock.LotKey, so "ab 12" finds lot AB-12).
type search struct {
	text, lot string
}

func newSearch(q string) search {
	q = strings.TrimSpace(q)
	return search{text: strings.ToLower(q), lot: stock.LotKey(q)}
}

func (s search) matches(p stock.Product, lines []stock.Line) bool {
	if s.text == "" {
		return true
	}
	for _, f := range []string{p.Name, p.GenericName, p.Strength, p.Manufacturer, p.GTIN} {
		if containsFold(f, s.text) {
			return true
		}
	}
	if s.lot != "" {
		for _, l := range lines {
			if strings.Contains(stock.LotKey(l.Lot), s.lot) {
				return true
			}
		}
	}
	return false
}

// containsFold reports whether s contains the lower-case sub, ignoring case; it lowers s only
// when s is not plain lower-case ASCII.
func containsFold(s, sub string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || ('A' <= c && c <= 'Z') {
			return strings.Contains(strings.ToLower(s), sub)
		}
	}
	return strings.Contains(s, sub)
}
