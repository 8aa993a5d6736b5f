package ui

import (
	"context"
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
	// ReceiptForEntry is the receipt a photo's entry proposes (its packs × pack size in units).
	ReceiptForEntry(ctx context.Context, entryID int64) (stock.Receipt, error)
	// ConfirmReceipt returns a *store.PackDecisionError while the receipt looks like an earlier
	// photo's pack; DecidePack answers it.
	ConfirmReceipt(ctx context.Context, receiptID, n int64) (stock.Movement, error)
	DecidePack(ctx context.Context, receiptID int64, d store.PackDecision) error
	// ConfirmReceiptPacks confirms a receipt as packs of a pack size the reviewer corrected: the
	// lot takes that size (what it holds is converted).
	ConfirmReceiptPacks(ctx context.Context, receiptID, packs, packSize int64) (stock.Movement, error)
	// SetProductStock sets a product's unit of count ("" keeps it) and reorder level (0: none).
	SetProductStock(ctx context.Context, productID int64, unit string, reorderLevel int64) (stock.Product, error)

	// SetProductUnit sets a product's dispensing unit and usual pack size, SetLinePackSize one lot's
	// pack size: each is a recorded change that converts the balances by Convert movements (shown on
	// the stock cards); UndoUnitChange records the change back. A change that changes nothing has ID 0.
	SetProductUnit(ctx context.Context, productID int64, unit string, packSize int64) (stock.UnitChange, error)
	SetLinePackSize(ctx context.Context, lineID, packSize int64) (stock.UnitChange, error)
	UndoUnitChange(ctx context.Context, changeID int64) (stock.UnitChange, error)

	// MarkSamePack dismisses a receipt whose photo shows a pack already received.
	MarkSamePack(ctx context.Context, receiptID int64) error

	// ExpiryReport and MovementsBetween read the expiry and movements reports (StockOnHand the
	// stock-on-hand ones); store/export turns them into tables.
	ExpiryReport(ctx context.Context, today time.Time, days int) ([]stock.LotRow, error)
	MovementsBetween(ctx context.Context, from, to time.Time) ([]stock.MovementRow, error)

	// MonthlyReport is the monthly report and requisition of month (store/stock.Monthly);
	// SetOrdered keeps the quantity a person orders for a product that month, with its reason.
	MonthlyReport(ctx context.Context, month time.Time, maxMonths int) ([]stock.MonthlyRow, error)
	SetOrdered(ctx context.Context, month time.Time, productID, qty int64, reason string) error

	// SyncConflicts and SyncRecounts list what sync hands to a person (issue 28): fields two
	// laptops changed before either saw the other, and lots to count after a unit change met
	// movements recorded in the old unit. SettleConflict keeps a value for a conflict (it travels).
	SyncConflicts(ctx context.Context) ([]store.SyncConflict, error)
	SyncRecounts(ctx context.Context) ([]store.SyncRecount, error)
	SettleConflict(ctx context.Context, id int64, value string) error
}
