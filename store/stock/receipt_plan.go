package stock

import (
	"fmt"
	"strings"
)

// An entry (what a photo shows, as reviewed) proposes one receipt. After every change to the entry,
// PlanReceipt decides what becomes of that receipt; the store reads the facts, calls it, and
// applies the plan inside the same transaction.

// ReceiptFacts are what the receipt decision looks at, as plain values.
type ReceiptFacts struct {
	// Removed: the entry is deleted, or a person marked it "same pack" (or undid its receipt): it
	// proposes nothing.
	Removed bool
	// Current is the receipt the entry proposes now; nil when none.
	Current *Movement
	// The receipt the entry calls for: its line, quantity (1 when unread) and status (pending while
	// the entry needs review, confirmed with it), and the analysis it comes from.
	LineID     int64
	Quantity   int64
	Status     Status
	AnalysisID int64
	// Packs, PackSize, PackSizeFrom: the receipt counts Packs packs (the entry's quantity, 1 when
	// unread) of PackSize units (ReceiptPackSize); Quantity = Packs × PackSize. Zero Packs means
	// Quantity packs of one unit.
	Packs        int64
	PackSize     int64
	PackSizeFrom string
	// ByPerson: a person made the change (an edit, a confirmation, a reopening, a deletion); else an
	// analysis merged into the entry. A machine never changes confirmed stock.
	ByPerson bool
	// SamePack: another entry with the same GTIN and serial number has a live (pending or
	// confirmed) receipt, so this entry shows a pack already counted. Serials name single packs
	// (GS1 AI 21), so this holds whatever the photos look like. An entry of several packs
	// (Quantity > 1) shows that pack and others: its receipt is flagged instead (SharedSerial).
	SamePack bool
	// LookAlike: a photo added shortly before this entry's looks like it (stock.PhotosLookAlike),
	// and no serials prove the two packs different (SerialsProveDifferent). The store may leave it
	// false where the plan does not use it (the entry already has a receipt).
	LookAlike bool
}

// ReceiptPlan is what to do, in this order: dismiss or reverse the current receipt, correct it in
// place, send the entry back to review, propose a new receipt, and link the entry to its receipt
// (or to none). The zero plan leaves everything as it is.
type ReceiptPlan struct {
	Dismiss       bool   // dismiss the current (pending) receipt, with DismissReason and Note
	DismissReason Reason // NoReason, or SamePack when the serial proves the same pack
	Reverse       bool   // reverse the current (confirmed) receipt, with Note
	Note          string // the dismissal's or reversal's note ("" for a same-pack dismissal: the store writes which pack)
	Correct       bool   // correct the current (pending) receipt in place: line, quantity, status, analysis
	BackToReview  bool   // the entry goes back to review with a note; the confirmed stock stays
	Propose       bool   // a new receipt on LineID of Quantity with Status
	ProposeNow    bool   // the new receipt is a correction, made now (else at the entry's creation)
	FlagLookAlike bool   // the new receipt is flagged "probably the same pack as photo N"
	Unlink        bool   // the entry proposes no receipt any more
	SamePackNote  bool   // the entry's review note says which pack (and serial) it is the same as
	// SharedSerial: the entry counts several packs, one of which another entry counts already (same
	// GTIN and serial); the new receipt is flagged as that entry's photo's look-alike
	// (FlagLookAlike), with SharedSerialNote, for a person to decide.
	SharedSerial bool
}

// Notes on reversals and dismissals the receipt decision makes.
const (
	NoteEntryRemoved = "The photo's entry was removed."
	NoteCorrected    = "Corrected on the photo's entry."
)

// PlanReceipt decides what becomes of an entry's receipt after a change to the entry:
//   - a removed entry proposes nothing: its pending receipt is dismissed, a confirmed one reversed;
//   - an entry whose GTIN and serial another entry's live receipt already counts proposes nothing
//     either (its pending receipt is dismissed as SamePack; its note says which pack) — unless its
//     own receipt is confirmed and unchanged, which stays until a person changes it;
//   - a pending receipt is corrected in place when anything differs (it is not stock yet);
//   - a confirmed receipt that no longer agrees is reversed and proposed again when a person made
//     the change; after an analysis, the stock stays and the entry goes back to review;
//   - otherwise (no receipt, or a dismissed one) a new receipt is proposed, flagged when its photo
//     looks like one added shortly before, or when the entry counts several packs and one of them
//     (its serial) is counted already.
func PlanReceipt(f ReceiptFacts) ReceiptPlan {
	cur := f.Current
	if f.Removed {
		if cur == nil {
			return ReceiptPlan{}
		}
		p := ReceiptPlan{Unlink: true}
		switch cur.Status {
		case Pending:
			p.Dismiss, p.Note = true, NoteEntryRemoved
		case Confirmed:
			p.Reverse, p.Note = true, NoteEntryRemoved
		}
		return p
	}
	shared := f.SamePack && f.packs() > 1
	if shared {
		f.SamePack, f.LookAlike = false, true
	}
	if f.SamePack && (cur == nil || cur.Status != Confirmed) {
		p := ReceiptPlan{SamePackNote: true, Unlink: cur != nil}
		if cur != nil && cur.Status == Pending {
			p.Dismiss, p.DismissReason = true, SamePack
		}
		return p
	}
	switch {
	case cur != nil && cur.Status == Pending:
		if cur.LineID == f.LineID && cur.Quantity == f.Quantity && f.Status == Pending && cur.AnalysisID == f.AnalysisID &&
			receiptPacks(*cur) == f.packs() && cur.PackSizeFrom == f.PackSizeFrom {
			return ReceiptPlan{}
		}
		return ReceiptPlan{Correct: true}
	case cur != nil && cur.Status == Confirmed:
		// A confirmed receipt is the same while it counts the same packs on the same lot: its pack
		// size is settled (a lot's size changes through a recorded unit change, which converts).
		same := cur.LineID == f.LineID && receiptPacks(*cur) == f.packs()
		switch {
		case same && f.Status == Confirmed:
			return ReceiptPlan{}
		case !f.ByPerson && same:
			return ReceiptPlan{} // an entry an analysis sent back to review keeps its stock until a person acts
		case !f.ByPerson:
			return ReceiptPlan{BackToReview: true}
		}
		// A person changed the entry, or reopened it for review (its stock waits for review again).
		p := ReceiptPlan{Reverse: true, Note: NoteCorrected}
		if f.SamePack {
			p.Unlink, p.SamePackNote = true, true
			return p
		}
		p.Propose, p.ProposeNow = true, true
		return p
	}
	// No receipt yet, or the old one was dismissed or reversed: propose one.
	flag := cur == nil && f.LookAlike
	return ReceiptPlan{Propose: true, ProposeNow: cur != nil, FlagLookAlike: flag, SharedSerial: flag && shared}
}

// Pack names one physical pack: its GTIN and its GS1 serial number. A pack without a serial
// cannot be told apart from another of its lot.
type Pack struct {
	GTIN, Serial string
}

// Known reports whether the pack has a serial (and so names one pack).
func (p Pack) Known() bool { return p.Serial != "" }

// SerialsProveDifferent reports whether a pack and the packs another photo shows are certainly
// different packs: both have serials, and none of the other photo's is this one's. A look-alike
// photo of a different pack (two packs of one lot, shot on one table) is then never flagged as the
// same pack.
func SerialsProveDifferent(p Pack, others []Pack) bool {
	if !p.Known() {
		return false
	}
	known := false
	for _, o := range others {
		if !o.Known() {
			continue
		}
		known = true
		if o.Serial == p.Serial && (o.GTIN == p.GTIN || o.GTIN == "" || p.GTIN == "") {
			return false
		}
	}
	return known
}

// SamePackNote is the review note of an entry whose pack another photo's entry already counts:
// "Same pack as photo "IMG_1.jpg" (serial S1): counted there, not again here."
func SamePackNote(photoName, serial string) string {
	what := "an entry typed by hand"
	if photoName != "" {
		what = fmt.Sprintf("photo %q", photoName)
	}
	return fmt.Sprintf("Same pack as %s (serial %s)%s", what, serial, samePackTail)
}

const samePackTail = ": counted there, not again here."

// SharedSerialNote is the review note of an entry of several packs, one of which (the serial read)
// another photo's entry already counts.
func SharedSerialNote(photoName, serial string) string {
	what := "an entry typed by hand"
	if photoName != "" {
		what = fmt.Sprintf("photo %q", photoName)
	}
	return fmt.Sprintf("The pack with serial %s is already counted with %s: if it is one of the packs counted here, count one fewer.", serial, what)
}

// WithoutSamePackNote removes a SamePackNote from a review note (the entry's serial changed, or
// the other photo's entry no longer counts the pack).
func WithoutSamePackNote(note string) string {
	for {
		i := strings.Index(note, "Same pack as ")
		if i < 0 {
			return note
		}
		j := strings.Index(note[i:], samePackTail)
		if j < 0 {
			return note
		}
		note = strings.TrimSpace(strings.TrimSpace(note[:i]) + " " + strings.TrimSpace(note[i+j+len(samePackTail):]))
	}
}

// packs is the number of packs the receipt counts.
func (f ReceiptFacts) packs() int64 {
	if f.Packs > 0 {
		return f.Packs
	}
	return f.Quantity
}

// receiptPacks is the number of packs a receipt counts: its Packs, or, for a receipt recorded
// before pack sizes (PackSize 0), its quantity.
func receiptPacks(m Movement) int64 {
	if m.PackSize > 0 {
		return m.Packs
	}
	return m.Quantity
}
