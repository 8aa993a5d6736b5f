package store

// DropStockView forgets the product view's data kept in memory, so a benchmark can measure the
// view read from the database (as when the window opens it).
func DropStockView(s *Store) {
	s.stockView.mu.Lock()
	s.stockView.loaded = false
	s.stockView.mu.Unlock()
}
