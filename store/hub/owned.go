package hub

import (
	"context"
	"strings"
	"unicode/utf8"

	"medinventory/assets/i18n"
	"medinventory/store/syncwire"
)

// checkOwned refuses a batch that names a row of another clinic: a movement on its lot, a lot of
// its product, an edit of its product or lot, or a new row reusing one of its UUIDs. A laptop
// only ever sends its own clinic's rows; without this check a laptop of clinic A (or anyone
// holding its token) could change clinic B's stock on the hub by naming B's lot, since lots are
// found by UUID alone (line_totals, the district pages).
func (b *batch) checkOwned(ctx context.Context, r *syncwire.PushRequest) error {
	var products, lines, movements, edits []string
	for _, p := range r.Products {
		products = append(products, p.UUID)
	}
	for _, l := range r.Lines {
		lines, products = append(lines, l.UUID), append(products, l.ProductUUID)
	}
	for _, m := range r.Movements {
		movements, lines = append(movements, m.UUID), append(lines, m.LineUUID)
	}
	for _, e := range r.Edits {
		edits = append(edits, e.UUID)
		if e.Entity == "line" {
			lines = append(lines, e.EntityUUID)
		} else {
			products = append(products, e.EntityUUID)
		}
	}
	var foreign bool
	err := b.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM products WHERE uuid = ANY($2) AND clinic_id <> $1)
		OR EXISTS (SELECT 1 FROM lines WHERE uuid = ANY($3) AND clinic_id <> $1)
		OR EXISTS (SELECT 1 FROM line_totals WHERE line_uuid = ANY($3) AND clinic_id <> $1)
		OR EXISTS (SELECT 1 FROM movements WHERE uuid = ANY($4) AND clinic_id <> $1)
		OR EXISTS (SELECT 1 FROM edits WHERE uuid = ANY($5) AND clinic_id <> $1)`,
		b.clinic, products, lines, movements, edits).Scan(&foreign)
	if err != nil {
		return err
	}
	if foreign {
		return refuse(syncwire.ErrBadRequest, i18n.T("The push names products, lots or movements of another clinic: nothing was stored. A laptop syncs only its own clinic's stock: a data folder copied from another clinic's laptop cannot join this clinic; start this laptop from a new, empty data folder."))
	}
	return nil
}

// maxRowQuantity bounds a movement's quantity (and counted) on the hub: a hundred times the
// laptop's own bound on one movement (stock.MaxQuantity), so no real movement is refused, while
// the bigint totals of a lot cannot be overflowed by any number of pushes a clinic could make.
const maxRowQuantity = 1_000_000_000

func outOfRange(q int64) bool { return q > maxRowQuantity || q < -maxRowQuantity }

// checkUUIDs refuses ids the laptops would refuse (store.checkUUID: 8 to 64 characters, no
// spaces): stored, such a row would stop every laptop's pull at its page, on every sync.
func checkUUIDs(r *syncwire.PushRequest) error {
	bad := func(u string) error {
		return refuse(syncwire.ErrBadRequest, i18n.T("The push holds an id that is not a UUID (%q): nothing was stored.", u))
	}
	check := func(u string, optional bool) bool {
		if optional && u == "" {
			return true
		}
		return len(u) >= 8 && len(u) <= 64 && !strings.ContainsAny(u, " \r\n\t\uFFFD")
	}
	for _, p := range r.Products {
		if !check(p.UUID, false) {
			return bad(p.UUID)
		}
	}
	for _, l := range r.Lines {
		for _, u := range []string{l.UUID, l.ProductUUID} {
			if !check(u, false) {
				return bad(u)
			}
		}
	}
	for _, m := range r.Movements {
		for i, u := range []string{m.UUID, m.LineUUID, m.ReversesUUID} {
			if !check(u, i == 2) {
				return bad(u)
			}
		}
	}
	for _, e := range r.Edits {
		for i, u := range []string{e.UUID, e.EntityUUID, e.Base} {
			if !check(u, i == 2) {
				return bad(u)
			}
		}
	}
	return nil
}

// cleanText puts U+FFFD in place of what a PostgreSQL text column cannot hold: a NUL character
// (SQLite and JSON hold it) and bytes that are not UTF-8. Refusing instead would stop the
// laptop's sync for ever, since it sends the same row again each time.
func cleanText(s string) string {
	if strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", "\uFFFD"), "\uFFFD")
}

// cleanBatch applies cleanText to every text of the batch.
func cleanBatch(r *syncwire.PushRequest) {
	for i := range r.Products {
		p := &r.Products[i]
		p.UUID, p.DeviceID, p.GTIN, p.NameKey = cleanText(p.UUID), cleanText(p.DeviceID), cleanText(p.GTIN), cleanText(p.NameKey)
	}
	for i := range r.Lines {
		l := &r.Lines[i]
		l.UUID, l.DeviceID, l.ProductUUID = cleanText(l.UUID), cleanText(l.DeviceID), cleanText(l.ProductUUID)
		l.Lot, l.Expiry, l.Location = cleanText(l.Lot), cleanText(l.Expiry), cleanText(l.Location)
	}
	for i := range r.Movements {
		m := &r.Movements[i]
		m.UUID, m.DeviceID, m.LineUUID, m.Kind = cleanText(m.UUID), cleanText(m.DeviceID), cleanText(m.LineUUID), cleanText(m.Kind)
		m.Reason, m.Note, m.ReversesUUID, m.BatchID = cleanText(m.Reason), cleanText(m.Note), cleanText(m.ReversesUUID), cleanText(m.BatchID)
	}
	for i := range r.Edits {
		e := &r.Edits[i]
		e.UUID, e.DeviceID, e.Entity, e.EntityUUID = cleanText(e.UUID), cleanText(e.DeviceID), cleanText(e.Entity), cleanText(e.EntityUUID)
		e.Field, e.Value, e.Base = cleanText(e.Field), cleanText(e.Value), cleanText(e.Base)
	}
}
