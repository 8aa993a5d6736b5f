package store

import "fmt"

// OpenReport is what Open found and put right on its own while opening: things the user must be
// told once (the window shows them in a dialog, the command line prints them to stderr). Read it
// with Store.OpenReport right after Open; the next Open of the same inventory reports only what it
// finds then, so each repair is reported once.
type OpenReport struct {
	// TotalsRepaired are the lots whose cached stock totals disagreed with their movements and
	// were recomputed from them (see RepairStockTotals).
	TotalsRepaired []int64
	// TotalsWrong are lots whose cached totals disagree with their movements in an inventory
	// opened read-only, which cannot repair them: their figures may be wrong until it is opened
	// where it can be written.
	TotalsWrong []int64
	// Restore is set when a restore had been stopped between its two folder renames and Open
	// finished or undid it before opening (see InterruptedRestore).
	Restore *InterruptedRestore
	// OlderCopy is set when Options.ContinueOlderCopy opened an older copy of this inventory: the
	// caller must now register the photos added since again and queue them
	// (AdoptPhotoFiles(ctx, 0, enqueue)) and tell the user how many.
	OlderCopy *IdentityError
}

// Messages are the report in plain words, one line each; none when there is nothing to tell.
func (r OpenReport) Messages() []string {
	var out []string
	if r.Restore != nil {
		out = append(out, r.Restore.Message())
	}
	if r.OlderCopy != nil {
		out = append(out, fmt.Sprintf("Continuing with an older copy of this inventory, as you chose: it holds %d change(s) fewer than this folder had seen. "+
			"The photos added since it was copied are registered again and queued for analysis; check their entries. Nothing was deleted.",
			r.OlderCopy.FolderGeneration-r.OlderCopy.DBGeneration))
	}
	if n := len(r.TotalsRepaired); n > 0 {
		out = append(out, fmt.Sprintf("The stock totals of %d lot(s) did not match their recorded movements (the first is lot %d) and were "+
			"recomputed from the movements, which are always kept. Check those lots' figures; nothing else needs doing.", n, r.TotalsRepaired[0]))
	}
	if n := len(r.TotalsWrong); n > 0 {
		out = append(out, fmt.Sprintf("The stock totals of %d lot(s) do not match their recorded movements (the first is lot %d), and this inventory "+
			"is open read-only, so they cannot be recomputed now: those lots' figures may be wrong. Open the inventory once where it can be "+
			"written (copy the folder off a read-only disk) to repair them.", n, r.TotalsWrong[0]))
	}
	return out
}

// OpenReport returns what Open found and put right (see OpenReport).
func (s *Store) OpenReport() OpenReport { return s.report }
