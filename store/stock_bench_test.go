package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/google/uuid"

	"medinventory/store"
)

// Clinic scale (issue 12): 2,000 products, 10,000 lots, 200,000 movements. Each benchmark runs its
// query beside a baseline measured on the same database in the same run:
//
//	go test -tags ci,migrated_fynedo -run '^$' -bench Stock -benchmem ./store/
const (
	benchProducts = 2000
	benchLots     = 10_000
	benchMoves    = 200_000
)

var generics = []string{"amoxicillin", "paracetamol", "ibuprofen", "metformin", "amlodipine", "cotrimoxazole",
	"artemether", "zinc sulfate", "oral rehydration salts", "ferrous sulfate", "salbutamol", "oxytocin", "ceftriaxone",
	"doxycycline", "azithromycin", "fluconazole", "omeprazole", "hydrochlorothiazide", "enalapril", "insulin",
	"diclofenac", "prednisolone", "albendazole", "mebendazole", "nystatin", "gentamicin", "ciprofloxacin",
	"metronidazole", "folic acid", "vitamin a", "magnesium sulfate", "misoprostol", "lidocaine", "ketamine",
	"diazepam", "phenobarbital", "carbamazepine", "haloperidol", "fluoxetine", "atenolol"}

// seedStock fills a new inventory at clinic scale, quickly (one transaction, prepared statements),
// with the shapes the app writes: every lot starts with a receipt, then dispenses, adjustments and
// counts; one movement in 50 is a receipt waiting for review. It returns the store, every line id,
// and the ids of lines that have not expired.
func seedStock(b *testing.B) (st *store.Store, lines, usable []int64) {
	b.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	var err error
	st, err = store.Open(ctx, b.TempDir(), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	dev, _ := st.DeviceID(ctx)
	r := rand.New(rand.NewSource(1))
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	prep := func(q string) *sql.Stmt {
		s, err := tx.PrepareContext(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	insP := prep(`INSERT INTO products(uuid, device_id, name, generic_name, strength, dosage_form, gtin, confirmed, reorder_level, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,1,?,0,0)`)
	insL := prep(`INSERT INTO stock_lines(uuid, device_id, product_id, lot, lot_key, expiry, location, created_at) VALUES (?,?,?,?,?,?,'',0)`)
	insM := prep(`INSERT INTO movements(uuid, device_id, line_id, kind, reason, quantity, status, at, recorded_at) VALUES (?,?,?,?,?,?,?,?,?)`)
	id := func() string { return uuid.Must(uuid.NewV7()).String() }
	for p := 1; p <= benchProducts; p++ {
		g := generics[p%len(generics)]
		name := fmt.Sprintf("%s %d", g, p)
		if _, err := insP.Exec(id(), dev, name, g, fmt.Sprintf("%d mg", 5*(1+p%100)), "tablet", fmt.Sprintf("%014d", p), 10*(p%5)); err != nil {
			b.Fatal(err)
		}
	}
	lines = make([]int64, 0, benchLots)
	for l := 1; l <= benchLots; l++ {
		exp := now.AddDate(0, -6+r.Intn(36), 0).Format("2006-01-02")
		lot := fmt.Sprintf("L%06d", l)
		res, err := insL.Exec(id(), dev, 1+(l-1)%benchProducts, lot, lot, exp)
		if err != nil {
			b.Fatal(err)
		}
		lid, _ := res.LastInsertId()
		lines = append(lines, lid)
		if exp >= now.Format("2006-01-02") {
			usable = append(usable, lid)
		}
	}
	at := now.AddDate(-1, 0, 0).UnixMilli()
	for m := 0; m < benchMoves; m++ {
		line := lines[m%benchLots]
		kind, reason, q, status := "dispense", "", -int64(1+r.Intn(3)), "confirmed"
		switch {
		case m < benchLots:
			kind, q = "receive", 500
		case m%50 == 0:
			kind, q, status = "receive", 10, "pending"
		case m%23 == 0:
			kind, reason, q = "adjust", "damaged", -1
		case m%37 == 0:
			kind, q = "count", int64(r.Intn(3)-1)
		}
		at += 150_000
		if _, err := insM.Exec(id(), dev, line, kind, reason, q, status, at, at); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	return st, lines, usable
}

// loop runs op b.N times and reports the process CPU time per operation too ("cpu-ns/op").
func loop(b *testing.B, op func()) {
	b.Helper()
	start := processCPU()
	n := 0
	for b.Loop() {
		op()
		n++
	}
	if n > 0 {
		b.ReportMetric(float64((processCPU()-start).Nanoseconds())/float64(n), "cpu-ns/op")
	}
}

// BenchmarkStockProductList: the product view's query (every product with its balances and
// badges), beside SELECT count(*) over the movements.
func BenchmarkStockProductList(b *testing.B) {
	st, _, _ := seedStock(b)
	ctx := context.Background()
	b.Run("baseline_count_movements", func(b *testing.B) {
		loop(b, func() {
			var n int
			if err := st.ReadDB().QueryRowContext(ctx, "SELECT count(*) FROM movements").Scan(&n); err != nil || n != benchMoves {
				b.Fatal(n, err)
			}
		})
	})
	// Opening the view: read from the database (nothing kept in memory yet).
	b.Run("list_products_open", func(b *testing.B) {
		loop(b, func() {
			store.DropStockView(st)
			ps, err := st.ListProducts(ctx, store.ProductFilter{})
			if err != nil || len(ps) != benchProducts {
				b.Fatal(len(ps), err)
			}
		})
	})
	// Refreshing it when nothing changed (the window re-reads every 20 s).
	b.Run("list_products_again", func(b *testing.B) {
		loop(b, func() {
			ps, err := st.ListProducts(ctx, store.ProductFilter{})
			if err != nil || len(ps) != benchProducts {
				b.Fatal(len(ps), err)
			}
		})
	})
	b.Run("low_stock_filter", func(b *testing.B) {
		loop(b, func() {
			if _, err := st.ListProducts(ctx, store.ProductFilter{Low: true}); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// BenchmarkStockSearchKeystroke: the query one keystroke in the search box runs, for a typical
// word ("amox"), for the first letter typed ("a", which matches most products) and for a lot
// number, beside a bare LIKE over the product names.
func BenchmarkStockSearchKeystroke(b *testing.B) {
	st, _, _ := seedStock(b)
	ctx := context.Background()
	b.Run("baseline_like_names", func(b *testing.B) {
		loop(b, func() {
			var n int
			if err := st.ReadDB().QueryRowContext(ctx, "SELECT count(*) FROM products WHERE lower(name) LIKE '%amox%'").Scan(&n); err != nil || n == 0 {
				b.Fatal(n, err)
			}
		})
	})
	if _, err := st.ListProducts(ctx, store.ProductFilter{}); err != nil { // the view is open
		b.Fatal(err)
	}
	for _, q := range []string{"amox", "a", "L00012"} {
		b.Run("search_"+q, func(b *testing.B) {
			loop(b, func() {
				ps, err := st.ListProducts(ctx, store.ProductFilter{Search: q})
				if err != nil || len(ps) == 0 {
					b.Fatal(len(ps), err)
				}
			})
		})
	}
}

// BenchmarkStockDispense: one dispense committed (read the lot's balance, check the rule, append
// the movement, commit), beside a bare one-row insert committed in its own transaction.
func BenchmarkStockDispense(b *testing.B) {
	st, lines, usable := seedStock(b)
	ctx := context.Background()
	b.Run("baseline_insert_commit", func(b *testing.B) {
		i := 0
		loop(b, func() {
			i++
			if _, err := st.DB().ExecContext(ctx, `INSERT INTO movements(uuid, device_id, line_id, kind, quantity, status, at, recorded_at)
				VALUES (?, 'x', ?, 'adjust', 0, 'confirmed', 0, 0)`, uuid.NewString(), lines[i%len(lines)]); err != nil {
				b.Fatal(err)
			}
		})
	})
	// A dispense, then the product view refreshed (it must read the database again).
	b.Run("dispense_then_list", func(b *testing.B) {
		i := 0
		loop(b, func() {
			i++
			if _, err := st.Dispense(ctx, usable[(i*11)%len(usable)], 1, ""); err != nil {
				b.Fatal(err)
			}
			if _, err := st.ListProducts(ctx, store.ProductFilter{}); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("dispense", func(b *testing.B) {
		i := 0
		loop(b, func() {
			i++
			if _, err := st.Dispense(ctx, usable[(i*7)%len(usable)], 1, ""); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("stock_card", func(b *testing.B) {
		loop(b, func() {
			if _, err := st.StockCard(ctx, lines[42]); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// BenchmarkStockEntryEdit: a person edits an entry (the edit, its history, and the receipt kept in
// step with it, in one transaction) at clinic scale with 10,000 photographed packs on file: an
// entry whose pack has a GS1 serial (the same-pack lookup by GTIN + serial runs) beside one
// without (it does not).
func BenchmarkStockEntryEdit(b *testing.B) {
	st, _, _ := seedStock(b)
	ctx := context.Background()
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO entries(name, gtin, lot, expiry, serial, created_at, updated_at) VALUES (?,?,?,?,?,0,0)`)
	if err != nil {
		b.Fatal(err)
	}
	var withSerial, without int64
	for i := 1; i <= 10_000; i++ {
		p := 1 + i%benchProducts
		serial := fmt.Sprintf("SN%08d", i)
		if i == 1 {
			serial = ""
		}
		res, err := ins.ExecContext(ctx, fmt.Sprintf("%s %d", generics[p%len(generics)], p), fmt.Sprintf("%014d", p), "L1", "2028-01-31", serial)
		if err != nil {
			b.Fatal(err)
		}
		id, _ := res.LastInsertId()
		if i == 1 {
			without = id
		} else if i == 2 {
			withSerial = id
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		id   int64
	}{{"no_serial", without}, {"with_serial", withSerial}, {"no_serial_again", without}} {
		id := c.id
		b.Run(c.name, func(b *testing.B) {
			i := 0
			loop(b, func() {
				i++
				if _, err := st.UpdateEntry(ctx, id, map[string]string{"quantity": fmt.Sprint(1 + i%2)}); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}
