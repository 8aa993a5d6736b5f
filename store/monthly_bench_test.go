package store_test

import (
	"context"
	"testing"
	"time"
)

// BenchmarkMonthlyReport (issue 24, item 6): the monthly report of November 2026 over the clinic
// scale of seedStock (2,000 products, 10,000 lots, 200,000 movements over the year before), beside
// a plain SUM of every movement's quantity on the same database in the same run. Target: ≤ 1 s.
//
//	go test -tags ci,migrated_fynedo -run '^$' -bench MonthlyReport -benchmem ./store/
func BenchmarkMonthlyReport(b *testing.B) {
	st, _, _ := seedStock(b)
	ctx := context.Background()
	b.Run("baseline_sum_movements", func(b *testing.B) {
		loop(b, func() {
			var n int64
			if err := st.ReadDB().QueryRowContext(ctx, "SELECT SUM(quantity) FROM movements").Scan(&n); err != nil {
				b.Fatal(err)
			}
		})
	})
	month := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	b.Run("monthly_report", func(b *testing.B) {
		loop(b, func() {
			rows, err := st.MonthlyReport(ctx, month, 3)
			if err != nil || len(rows) != benchProducts {
				b.Fatal(len(rows), err)
			}
		})
	})
}
