package stock

import (
	"reflect"
	"testing"
)

func TestPlanReceiptCoversEveryBranch(t *testing.T) {
	pending := &Movement{ID: 7, LineID: 1, Quantity: 1, Status: Pending, AnalysisID: 5}
	confirmed := &Movement{ID: 7, LineID: 1, Quantity: 1, Status: Confirmed, AnalysisID: 5}
	dismissed := &Movement{ID: 7, LineID: 1, Quantity: 1, Status: Dismissed}
	// wants is the receipt the entry calls for: line 1, one pack, as in the current receipt.
	wants := func(st Status) ReceiptFacts {
		return ReceiptFacts{LineID: 1, Quantity: 1, Status: st, AnalysisID: 5, ByPerson: true}
	}
	with := func(f ReceiptFacts, change func(*ReceiptFacts)) ReceiptFacts { change(&f); return f }
	for _, c := range []struct {
		name string
		f    ReceiptFacts
		want ReceiptPlan
	}{
		// Removed entries propose nothing.
		{"removed, no receipt: nothing", with(wants(Pending), func(f *ReceiptFacts) { f.Removed = true }), ReceiptPlan{}},
		{"removed, pending: dismissed", with(wants(Pending), func(f *ReceiptFacts) { f.Removed, f.Current = true, pending }),
			ReceiptPlan{Dismiss: true, Note: NoteEntryRemoved, Unlink: true}},
		{"removed, confirmed: reversed", with(wants(Pending), func(f *ReceiptFacts) { f.Removed, f.Current = true, confirmed }),
			ReceiptPlan{Reverse: true, Note: NoteEntryRemoved, Unlink: true}},
		{"removed, dismissed: only unlinked", with(wants(Pending), func(f *ReceiptFacts) { f.Removed, f.Current = true, dismissed }),
			ReceiptPlan{Unlink: true}},
		{"removed wins over same pack", with(wants(Pending), func(f *ReceiptFacts) { f.Removed, f.SamePack, f.Current = true, true, pending }),
			ReceiptPlan{Dismiss: true, Note: NoteEntryRemoved, Unlink: true}},

		// The same pack by serial: no second receipt.
		{"same pack, no receipt: none proposed, noted", with(wants(Pending), func(f *ReceiptFacts) { f.SamePack, f.ByPerson = true, false }),
			ReceiptPlan{SamePackNote: true}},
		{"same pack, even when the photo looks alike", with(wants(Pending), func(f *ReceiptFacts) { f.SamePack, f.LookAlike = true, true }),
			ReceiptPlan{SamePackNote: true}},
		{"same pack, confirmed by a person without a receipt", with(wants(Confirmed), func(f *ReceiptFacts) { f.SamePack = true }),
			ReceiptPlan{SamePackNote: true}},
		{"same pack, pending: dismissed as same pack", with(wants(Pending), func(f *ReceiptFacts) { f.SamePack, f.Current = true, pending }),
			ReceiptPlan{Dismiss: true, DismissReason: SamePack, Unlink: true, SamePackNote: true}},
		{"same pack, dismissed: unlinked", with(wants(Pending), func(f *ReceiptFacts) { f.SamePack, f.Current = true, dismissed }),
			ReceiptPlan{Unlink: true, SamePackNote: true}},
		{"several packs, one counted already: proposed, flagged", with(wants(Pending), func(f *ReceiptFacts) { f.SamePack, f.Quantity = true, 3 }),
			ReceiptPlan{Propose: true, FlagLookAlike: true, SharedSerial: true}},
		{"several packs, one counted already, pending: stays", with(wants(Pending), func(f *ReceiptFacts) {
			f.SamePack, f.Current = true, &Movement{ID: 7, LineID: 1, Quantity: 3, Status: Pending, AnalysisID: 5}
			f.Quantity = 3
		}),
			ReceiptPlan{}},
		{"same pack, confirmed and unchanged: stays", with(wants(Confirmed), func(f *ReceiptFacts) { f.SamePack, f.Current = true, confirmed }),
			ReceiptPlan{}},
		{"same pack, confirmed, changed by a person: reversed, not proposed again",
			with(wants(Confirmed), func(f *ReceiptFacts) { f.SamePack, f.Current, f.LineID = true, confirmed, 9 }),
			ReceiptPlan{Reverse: true, Note: NoteCorrected, Unlink: true, SamePackNote: true}},
		{"same pack, confirmed, changed by an analysis: back to review",
			with(wants(Confirmed), func(f *ReceiptFacts) { f.SamePack, f.Current, f.Quantity, f.ByPerson = true, confirmed, 3, false }),
			ReceiptPlan{BackToReview: true}},

		// A pending receipt is corrected in place.
		{"pending, unchanged: nothing", with(wants(Pending), func(f *ReceiptFacts) { f.Current = pending }), ReceiptPlan{}},
		{"pending, other quantity: corrected", with(wants(Pending), func(f *ReceiptFacts) { f.Current, f.Quantity = pending, 3 }), ReceiptPlan{Correct: true}},
		{"pending, other line: corrected", with(wants(Pending), func(f *ReceiptFacts) { f.Current, f.LineID = pending, 9 }), ReceiptPlan{Correct: true}},
		{"pending, other analysis: corrected", with(wants(Pending), func(f *ReceiptFacts) { f.Current, f.AnalysisID = pending, 6 }), ReceiptPlan{Correct: true}},
		{"pending, entry confirmed: confirmed in place", with(wants(Confirmed), func(f *ReceiptFacts) { f.Current = pending }), ReceiptPlan{Correct: true}},
		{"pending, by an analysis: corrected too", with(wants(Pending), func(f *ReceiptFacts) { f.Current, f.Quantity, f.ByPerson = pending, 3, false }),
			ReceiptPlan{Correct: true}},
		{"pending, looks alike: the flag is only for a new receipt", with(wants(Pending), func(f *ReceiptFacts) { f.Current, f.LookAlike = pending, true }),
			ReceiptPlan{}},

		// A confirmed receipt is stock: a person corrects it by a reversal, a machine never.
		{"confirmed, unchanged: nothing", with(wants(Confirmed), func(f *ReceiptFacts) { f.Current = confirmed }), ReceiptPlan{}},
		{"confirmed, other analysis only: nothing", with(wants(Confirmed), func(f *ReceiptFacts) { f.Current, f.AnalysisID = confirmed, 6 }), ReceiptPlan{}},
		{"confirmed, analysis sent it back to review unchanged: stock stays",
			with(wants(Pending), func(f *ReceiptFacts) { f.Current, f.ByPerson = confirmed, false }), ReceiptPlan{}},
		{"confirmed, an analysis changed it: back to review",
			with(wants(Confirmed), func(f *ReceiptFacts) { f.Current, f.LineID, f.ByPerson = confirmed, 9, false }), ReceiptPlan{BackToReview: true}},
		{"confirmed, a person changed it: reversed and proposed again now",
			with(wants(Confirmed), func(f *ReceiptFacts) { f.Current, f.Quantity = confirmed, 3 }),
			ReceiptPlan{Reverse: true, Note: NoteCorrected, Propose: true, ProposeNow: true}},
		{"confirmed, a person reopened the entry: reversed, pending again",
			with(wants(Pending), func(f *ReceiptFacts) { f.Current = confirmed }),
			ReceiptPlan{Reverse: true, Note: NoteCorrected, Propose: true, ProposeNow: true}},
		{"confirmed, corrected: a correction is never flagged",
			with(wants(Confirmed), func(f *ReceiptFacts) { f.Current, f.Quantity, f.LookAlike = confirmed, 3, true }),
			ReceiptPlan{Reverse: true, Note: NoteCorrected, Propose: true, ProposeNow: true}},

		// No live receipt: propose one.
		{"no receipt: proposed", wants(Pending), ReceiptPlan{Propose: true}},
		{"no receipt, confirmed entry: proposed (confirmed)", wants(Confirmed), ReceiptPlan{Propose: true}},
		{"no receipt, looks alike: proposed and flagged", with(wants(Pending), func(f *ReceiptFacts) { f.LookAlike = true }),
			ReceiptPlan{Propose: true, FlagLookAlike: true}},
		{"dismissed receipt: proposed again now, not flagged", with(wants(Pending), func(f *ReceiptFacts) { f.Current, f.LookAlike = dismissed, true }),
			ReceiptPlan{Propose: true, ProposeNow: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := PlanReceipt(c.f); !reflect.DeepEqual(got, c.want) {
				t.Errorf("PlanReceipt(%+v)\n got %+v\nwant %+v", c.f, got, c.want)
			}
		})
	}
}

func TestSerialsProveDifferentOnlyWhenBothPhotosHaveSerials(t *testing.T) {
	const g = "09506000134352"
	s1, s2 := Pack{g, "S1"}, Pack{g, "S2"}
	for _, c := range []struct {
		name   string
		p      Pack
		others []Pack
		want   bool
	}{
		{"two serials of one lot", s1, []Pack{s2}, true},
		{"the same serial", s1, []Pack{s1}, false},
		{"the same serial among others", s1, []Pack{s2, s1}, false},
		{"this photo has no serial", Pack{g, ""}, []Pack{s2}, false},
		{"the other photo has no serial", s1, []Pack{{g, ""}}, false},
		{"the other photo has no entry", s1, nil, false},
		{"one serial, two GTINs: two packs", s1, []Pack{{"05901234123457", "S1"}}, true},
		{"one serial, a GTIN unknown: maybe one pack", s1, []Pack{{"", "S1"}}, false},
	} {
		if got := SerialsProveDifferent(c.p, c.others); got != c.want {
			t.Errorf("%s: SerialsProveDifferent(%v, %v) = %v, want %v", c.name, c.p, c.others, got, c.want)
		}
	}
}

func TestSamePackNoteIsWrittenAndRemoved(t *testing.T) {
	n := SamePackNote("IMG 1.jpg", "S1")
	if n != `Same pack as photo "IMG 1.jpg" (serial S1): counted there, not again here.` {
		t.Fatalf("note %q", n)
	}
	if got := SamePackNote("", "S1"); got != "Same pack as an entry typed by hand (serial S1): counted there, not again here." {
		t.Fatalf("note %q", got)
	}
	for in, want := range map[string]string{
		n:                                     "",
		"Check lot. " + n:                     "Check lot.",
		n + " Check lot.":                     "Check lot.",
		"A. " + n + " B.":                     "A. B.",
		"Same pack as nothing.":               "Same pack as nothing.",
		"No note of that kind.":               "No note of that kind.",
		n + " " + SamePackNote("b.jpg", "S9"): "",
	} {
		if got := WithoutSamePackNote(in); got != want {
			t.Errorf("WithoutSamePackNote(%q) = %q, want %q", in, got, want)
		}
	}
}
