package store_test

import (
	"context"
	"testing"
)

// BenchmarkStockTotalsCheck: the check every Open and every backup makes (recompute each of the
// 10,000 lots' totals from the 200,000 movements and compare them with the cached ones; nothing to
// repair), beside a plain SUM over the same movements as the baseline:
//
//	go test -tags ci,migrated_fynedo -run '^$' -bench StockTotalsCheck ./store/
func BenchmarkStockTotalsCheck(b *testing.B) {
	st, _, _ := seedStock(b)
	ctx := context.Background()
	b.Run("check-and-repair", func(b *testing.B) {
		loop(b, func() {
			if wrong, err := st.RepairStockTotals(ctx); err != nil || len(wrong) != 0 {
				b.Fatal(wrong, err)
			}
		})
	})
	b.Run("baseline-plain-sum", func(b *testing.B) {
		loop(b, func() {
			var n int64
			if err := st.ReadDB().QueryRowContext(ctx, `SELECT SUM(quantity) FROM movements`).Scan(&n); err != nil {
				b.Fatal(err)
			}
		})
	})
}
