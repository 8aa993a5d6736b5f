package ui

import (
	"context"
	"io"
	"time"

	"medinventory/store"
	"medinventory/store/stock"
)

// Stock is the stock keeping the window shows and records: products, their lots, stock cards and
// movements. *store.Store satisfies it. Every rule (on hand, usable, low / out / expiring, which
// lot goes first, what may be dispensed) is decided behind it, in store/stock; the window only
// shows the answers and the errors.
type Stock interface {
	// StockOnHand lists the product view's rows with their lots (soonest expiry first).
	StockOnHand(ctx context.Context, f store.ProductFilter) ([]stock.ProductStock, error)
	StockProduct(ctx context.Context, id int64) (stock.Product, error)
	// ProductLines returns a product's lots, first expiry first out.
	ProductLines(ctx context.Context, productID int64) ([]stock.Line, error)
	Line(ctx context.Context, id int64) (stock.Line, error)
	// StockCard returns a lot's movements, oldest first, each with the running balance.
	StockCard(ctx context.Context, lineID int64) ([]stock.CardRow, error)

	Dispense(ctx context.Context, lineID, n int64, note string) (stock.Movement, error)
	// DispenseProduct takes n from a product's lots, first expiry first out.
	DispenseProduct(ctx context.Context, productID, n int64, note string) ([]stock.Movement, error)
	Adjust(ctx context.Context, lineID, delta int64, reason stock.Reason, note string) (stock.Movement, error)
	Dispose(ctx context.Context, lineID, n int64, reason stock.Reason, note string) (stock.Movement, error)
	// Reverse undoes a movement with a reversing one.
	Reverse(ctx context.Context, movementID int64, note string) (stock.Movement, error)
	// Count saves the counted lots as one stock count.
	Count(ctx context.Context, counts []stock.CountInput, note string) ([]stock.Movement, error)

	PendingReceipts(ctx context.Context) ([]stock.Receipt, error)
	ConfirmReceipt(ctx context.Context, receiptID, n int64) (stock.Movement, error)
	// MarkSamePack dismisses a receipt whose photo shows a pack already received.
	MarkSamePack(ctx context.Context, receiptID int64) error
}

// ReportKind names a stock report.
type ReportKind string

// The stock reports the window offers.
const (
	ReportOnHand    ReportKind = "onhand"    // stock on hand, per product and per lot
	ReportExpiry    ReportKind = "expiry"    // lots expired or expiring within N days
	ReportMovements ReportKind = "movements" // every movement in a date range
)

// ReportRequest is what the user chose in the reports dialog.
type ReportRequest struct {
	Kind   ReportKind
	Format string    // "csv", "xlsx" or "pdf"
	Today  time.Time // the day the report is for
	Days   int       // ReportExpiry: the window, in days
	From   time.Time // ReportMovements: [From, To)
	To     time.Time
}

// Reports writes stock reports. main's wiring adapts the stock report generators to it.
type Reports interface {
	WriteReport(ctx context.Context, w io.Writer, r ReportRequest) error
}
