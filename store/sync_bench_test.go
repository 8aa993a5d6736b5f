package store_test

import (
	"context"
	"testing"
)

// BenchmarkDispenseOutbox: what the sync outbox adds to a dispense (its trigger appends one row in
// the movement's transaction), beside the same dispense with the sync triggers dropped, on the
// same seeded clinic-scale ledger:
//
//	go test -tags ci,migrated_fynedo -run '^$' -bench BenchmarkDispenseOutbox -benchtime 2000x ./store/
func BenchmarkDispenseOutbox(b *testing.B) {
	st, _, usable := seedStock(b)
	ctx := context.Background()
	dispense := func(b *testing.B) {
		i := 0
		loop(b, func() {
			i++
			if _, err := st.Dispense(ctx, usable[(i*7)%len(usable)], 1, ""); err != nil {
				b.Fatal(err)
			}
		})
	}
	b.Run("with_outbox", dispense)
	if _, err := st.DB().ExecContext(ctx, `DROP TRIGGER sync_movement_insert; DROP TRIGGER sync_movement_confirm`); err != nil {
		b.Fatal(err)
	}
	b.Run("baseline_without_outbox", dispense)
}
