// Package stock is Medicine Inventory's stock-keeping model and its rules, in one place: products,
// stock lines (lots), the append-only ledger of movements, and the functions that read the ledger —
// on hand, usable on hand, low / out of stock, expiry windows, which lot to dispense first (FEFO),
// when a photo matches a lot, and a stock card's running balance.
//
// It is pure: no SQL, no files, no user interface. The store package keeps these values in SQLite
// and calls the rules before it writes; the window only shows what they decide.
//
// The model, as clinic and district pharmacy staff know it from Open mSupply, OpenLMIS and
// OpenBoxes:
//
//   - A Product is an item of the learned catalog, counted in a Unit ("pack", "tablet"), with an
//     optional reorder level.
//   - A Line is one lot of a product: lot number + expiry (+ location).
//   - A Movement is one append-only row of a line's ledger: a receipt, a dispense, an adjustment
//     with its reason, a disposal, a stock count (the counted value is kept; the difference is the
//     movement) or the reversal of an earlier movement. Nothing ever rewrites a quantity in place:
//     undo is a reversing movement.
//   - On hand is the sum of a line's confirmed movements. A receipt proposed from a photo is
//     pending until a person reviews it: it is shown beside on hand, never counted in it.
//   - Usable stock excludes expired lots: a product whose only stock is expired is out of stock.
//
// Every product, line and movement carries a UUIDv7 and the id of the device that made it, so that
// two ledgers can later be merged by union (see docs/ARCHITECTURE.md).
package stock

import (
	"time"

	"medinventory/store/fields"
)

// Kind is what a movement does to a line.
type Kind string

// Movement kinds.
const (
	Receive  Kind = "receive"  // stock came in (from a photo, or typed); +N
	Dispense Kind = "dispense" // given out to patients or wards; −N
	Adjust   Kind = "adjust"   // a correction with a reason (count correction, damaged, lost, returned); ±N
	Dispose  Kind = "dispose"  // destroyed because expired or damaged; −N
	Count    Kind = "count"    // a stock count: Counted is what was counted, Quantity the difference
	Reversal Kind = "reversal" // undoes the movement named by ReversesID; −(its quantity)
	// Convert re-expresses a lot's balance when its product's unit or the lot's pack size changed
	// (2 packs → 60 capsules: +58); the stock itself did not move. See ConvertBalance.
	Convert Kind = "convert"
)

// Kinds lists every kind, in the order reports show them.
var Kinds = []Kind{Receive, Dispense, Adjust, Dispose, Count, Reversal, Convert}

// Reason says why an adjustment or disposal was made ("" for other kinds).
type Reason string

// Reasons.
const (
	NoReason        Reason = ""
	CountCorrection Reason = "count_correction" // adjust: the shelf had more or fewer than the books
	Damaged         Reason = "damaged"          // adjust (−) or dispose
	Lost            Reason = "lost"             // adjust (−)
	Returned        Reason = "returned"         // adjust (+): a patient or ward gave stock back
	Expired         Reason = "expired"          // dispose
	SamePack        Reason = "same_pack"        // a dismissed receipt: the photo showed a pack already received
)

// AdjustReasons are the reasons an adjustment may carry; DisposeReasons those of a disposal.
var (
	AdjustReasons  = []Reason{CountCorrection, Damaged, Lost, Returned}
	DisposeReasons = []Reason{Expired, Damaged}
)

// Status is where a movement stands in review.
type Status string

// Statuses. Only a pending movement may change, and only once: to confirmed (with its final
// quantity) or to dismissed. A confirmed or dismissed movement never changes again.
const (
	Pending   Status = "pending"   // proposed from a photo, waiting for a person; not in on hand
	Confirmed Status = "confirmed" // part of the ledger
	Dismissed Status = "dismissed" // a proposal the reviewer turned down ("same pack as an earlier photo")
)

// DefaultUnit is the unit of count of a product nobody set one for.
const DefaultUnit = "pack"

// DefaultExpiringDays is the default "expiring soon" window, in days.
const DefaultExpiringDays = 90

// Product is an item of the learned catalog.
type Product struct {
	ID       int64  // local row id
	UUID     string // global id (UUIDv7)
	DeviceID string // the device that created it
	// Values holds the catalog fields of the field table (fields.All with Catalog set: name, generic
	// name, strength, form, maker, GTIN); a product's other fields are empty.
	fields.Values
	// Unit is the unit stock of this product is counted in ("pack", "tablet"…): its dispensing
	// unit. It is not the field table's "unit" (a pack's contents, e.g. "30 tablets"), which it
	// hides here.
	Unit string
	// PackSize is how many Units the product's usual pack holds (≥ 1; 1 for the unit "pack"). A lot
	// may hold packs of another size (Line.PackSize).
	PackSize     int64
	ReorderLevel int64 // 0: none set
	Confirmed    bool  // a person confirmed a photo of it (the catalog then recognises it offline)
}

// Line is one lot of a product, with its balances as read from the ledger.
type Line struct {
	ID        int64
	UUID      string
	DeviceID  string
	ProductID int64
	Lot       string // as printed; "" when unknown
	Expiry    string // YYYY-MM-DD; "" when unknown
	Location  string // shelf, room; "" when not said
	// PackSize is how many of the product's units one pack of this lot holds (≥ 1): packs of one
	// product can differ between suppliers and lots.
	PackSize int64

	OnHand          int64 // sum of confirmed movements
	Pending         int64 // units in receipts waiting for review
	PendingReceipts int   // how many receipts wait for review
	Moves           int   // confirmed movements on its stock card
}

// Movement is one row of a line's ledger.
type Movement struct {
	ID         int64
	UUID       string
	DeviceID   string
	LineID     int64
	Kind       Kind
	Reason     Reason
	Quantity   int64  // signed: + into stock, − out of it
	Counted    *int64 // Count only: the number counted on the shelf
	Proposed   *int64 // Receive from a photo: the quantity first proposed (the reviewer may change it)
	Status     Status
	At         time.Time
	Note       string
	PhotoID    int64 // the photo it came from, 0 if none
	AnalysisID int64 // the analysis that proposed it, 0 if none
	EntryID    int64 // the photo's reviewed entry, 0 if none
	ReversesID int64 // Reversal only: the movement it undoes
	ReversedBy int64 // the reversal that undid this movement, 0 if none (read from the ledger)
	BatchID    string
	// Packs, PackSize and PackSizeFrom: a receipt from a photo is counted in packs (the entry's
	// quantity) of PackSize units each; Quantity = Packs × PackSize. PackSizeFrom says where the
	// size came from (PackSizeFromModel, …); all zero for other movements.
	Packs        int64
	PackSize     int64
	PackSizeFrom string
	// SimilarPhotoID: the photo this movement's photo looks like, added shortly before ("probably the
	// same pack as photo N"); 0 if none.
	SimilarPhotoID int64
}

// CardRow is one row of a stock card: a movement and the line's confirmed balance after it.
type CardRow struct {
	Movement
	Balance int64
}

// Badges are the warnings a product (or a line) shows.
type Badges struct {
	Low      bool // usable on hand is below the reorder level (and above 0)
	Out      bool // nothing usable on hand (an all-expired product is out of stock)
	Expiring bool // a lot with stock expires within the window
	Expired  bool // a lot with stock has expired
}

// ProductSummary is one row of the product view.
type ProductSummary struct {
	Product
	OnHand          int64  // every confirmed unit, expired lots included
	Usable          int64  // on hand in lots that have not expired
	ExpiredOnHand   int64  // on hand in expired lots
	Pending         int64  // units in receipts waiting for review
	PendingReceipts int    // receipts waiting for review
	NearestExpiry   string // soonest expiry of a lot with usable stock; "" when none is known
	Lots            int    // lines with stock on hand or pending receipts
	Badges          Badges
}

// CountInput is one counted line of a stock count.
type CountInput struct {
	LineID  int64
	Counted int64
	// Reason says why the count differs from the books (AdjustReasons); required when it does,
	// dropped when it does not (see CheckCountReason).
	Reason Reason
}

// Pick is a part of a dispense: how many to take from which line.
type Pick struct {
	LineID   int64
	Quantity int64
}

// Receipt is a receipt proposed from a photo (or typed), with what a reviewer needs to see.
type Receipt struct {
	MovementRow
	PhotoName string // the photo's original file name
	// SimilarPhotoName is the file name of the photo this one looks like ("probably the same pack as
	// photo N"), "" when none.
	SimilarPhotoName string
}

// ProductStock is a product with its lots, soonest expiry first: the stock-on-hand report.
type ProductStock struct {
	ProductSummary
	Lines []Line
}

// LotRow is one lot with its product: the expiry report.
type LotRow struct {
	Product Product
	Line    Line
	Badges  Badges
}

// MovementRow is one movement with its product and lot: the movements report.
type MovementRow struct {
	Movement
	Product Product
	Line    Line
	// Serial is the GS1 serial number of the pack a receipt from a photo is of (its entry's), ""
	// when unknown: with the product's GTIN it names the one pack received.
	Serial string
}

// UnitChange is a recorded change of a product's unit and usual pack size (LineID 0), or of one
// lot's pack size. The balances it converted are Convert movements sharing BatchID; Lines keeps
// each lot's old and new size. It never changes once recorded: undoing it records another change
// (UndoesID) that converts back.
type UnitChange struct {
	ID          int64
	UUID        string
	DeviceID    string
	ProductID   int64
	LineID      int64 // 0: the product (its unit, its usual pack size and the lots at that size)
	OldUnit     string
	NewUnit     string
	OldPackSize int64 // the product's usual size (LineID 0) or the lot's
	NewPackSize int64
	At          time.Time
	BatchID     string
	UndoesID    int64 // the change this one undoes, 0 if none
	UndoneBy    int64 // the change that undid this one, 0 if none
	Lines       []UnitChangeLine
}

// UnitChangeLine is one lot a unit change converted.
type UnitChangeLine struct {
	LineID      int64
	OldPackSize int64
	NewPackSize int64
	OldOnHand   int64 // the balance before, in the old unit
	NewOnHand   int64 // after, in the new unit
	MovementID  int64 // the Convert movement; 0 when the balance did not change
}
