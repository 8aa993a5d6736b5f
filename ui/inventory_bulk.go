package ui

// Selection and bulk confirm of the inventory list: Space selects, Ctrl+A selects all shown,
// Ctrl+Enter confirms the selected medicines that need review and have no open warning.

import (
	"context"
	"errors"
	"sort"
	"strings"

	"medinventory/assets/i18n"
	"medinventory/store"
)

func (p *inventoryPanel) toggleMark(i int) {
	if i >= len(p.shown) {
		return
	}
	id := p.shown[i].ID
	if p.marked[id] {
		delete(p.marked, id)
	} else {
		p.marked[id] = true
	}
	p.list.RefreshItem(i)
	p.updateBulk()
}

// markAll selects every medicine shown (Ctrl+A).
func (p *inventoryPanel) markAll() {
	for _, e := range p.shown {
		p.marked[e.ID] = true
	}
	p.list.Refresh()
	p.updateBulk()
}

func (p *inventoryPanel) clearMarks() {
	p.marked = map[int64]bool{}
	p.list.Refresh()
	p.updateBulk()
}

func (p *inventoryPanel) updateBulk() {
	if len(p.marked) == 0 {
		p.bulk.Hide()
		return
	}
	p.bulkTxt.SetText(i18n.N(len(p.marked), "%d medicine selected", "%d medicines selected"))
	p.bulk.Show()
}

// confirmMarked confirms the selected medicines that need review and have no open warning; it
// says how many it confirmed, and how many it left and why. One Undo puts them all back.
func (p *inventoryPanel) confirmMarked() {
	if len(p.marked) == 0 {
		p.say(i18n.T("Select medicines first: Space selects the one under the cursor, Ctrl+A all shown."))
		return
	}
	var todo []bulkItem
	already := 0
	for _, e := range p.shown {
		if !p.marked[e.ID] {
			continue
		}
		if !e.NeedsReview() {
			already++
			continue
		}
		it := bulkItem{id: e.ID}
		if w := e.Warnings(); len(w) > 0 {
			it.warning = w[0]
		}
		todo = append(todo, it)
	}
	inv := p.u.d.Inventory
	p.u.bg(func() func() {
		done, skipped, err := confirmEach(p.u.ctx, inv, todo)
		return func() {
			if len(done) > 0 {
				ids := append([]int64(nil), done...)
				p.u.pushUndo(i18n.N(len(ids), "Confirm %d medicine", "Confirm %d medicines"),
					func(ctx context.Context) error { return eachEntry(ctx, ids, inv.ReopenEntry) },
					func(ctx context.Context) error { return eachEntry(ctx, ids, inv.ConfirmEntry) })
			}
			p.marked = map[int64]bool{}
			p.sayUndo(bulkResult(len(done), already, skipped), len(done) > 0)
			if err != nil {
				p.u.showError(i18n.T("Not all the selected medicines were confirmed"), err)
			}
			p.reload()
		}
	})
}

func eachEntry(ctx context.Context, ids []int64, f func(context.Context, int64) (store.Entry, error)) error {
	for _, id := range ids {
		if _, err := f(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// bulkResult is "Confirmed 18 medicines. Left 2 to check one at a time: 1 with a note to read
// first; 1 without a name."
func bulkResult(done, already int, skipped map[string]int) string {
	msg := i18n.N(done, "Confirmed %d medicine.", "Confirmed %d medicines.")
	if done == 0 {
		msg = i18n.T("Nothing was confirmed.")
	}
	n := 0
	var why []string
	for w, c := range skipped {
		n += c
		why = append(why, skipWords(w, c))
	}
	sort.Strings(why)
	if n > 0 {
		msg += " " + i18n.T("Left %d to check one at a time: %s.", n, strings.Join(why, "; "))
	}
	if already > 0 {
		msg += " " + i18n.N(already, "%d was already confirmed.", "%d were already confirmed.")
	}
	return msg
}

// skipWords says why c medicines were left, with their count: "2 with a note to read first".
func skipWords(w string, c int) string {
	switch w {
	case "it has a note to check":
		return i18n.T("%d with a note to read first", c)
	case "it has no name":
		return i18n.T("%d without a name", c)
	case skipLookAlike:
		return i18n.N(c, "%d that looks like a pack already counted (decide it on its own)", "%d that look like a pack already counted (decide each on its own)")
	}
	return i18n.T("%d where %s", c, strings.TrimPrefix(w, "it "))
}

// bulkItem is a selected medicine that needs review, with its first warning ("" when none).
type bulkItem struct {
	id      int64
	warning string
}

// skipLookAlike is why bulk confirm leaves a medicine whose photo looks like an earlier one's pack.
const skipLookAlike = "it looks like a pack already counted: decide it on its own"

// confirmEach is bulk confirm (Ctrl+A, Ctrl+Enter): it confirms the medicines without a warning
// and leaves, counted by reason, those with one — first of all those that look like a pack already
// counted (never confirmed silently: each is decided on its own, in the editor or the receipts).
func confirmEach(ctx context.Context, inv Inventory, items []bulkItem) (done []int64, skipped map[string]int, err error) {
	skipped = map[string]int{}
	for _, it := range items {
		q, err := inv.PackQuestion(ctx, it.id)
		if err != nil {
			return done, skipped, err
		}
		switch {
		case q != nil:
			skipped[skipLookAlike]++
			continue
		case it.warning != "":
			skipped[it.warning]++
			continue
		}
		if _, err := inv.ConfirmEntry(ctx, it.id); errors.Is(err, store.ErrPackDecision) {
			skipped[skipLookAlike]++ // flagged since the question above
			continue
		} else if err != nil {
			return done, skipped, err
		}
		done = append(done, it.id)
	}
	return done, skipped, nil
}
