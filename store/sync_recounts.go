package store

// Lots to count after a unit change met movements its laptop had not seen (issue 28 with 27). A
// unit or pack size change converts each lot's balance by a convert movement of the difference,
// worked out from the balance its laptop held (2 packs → 60 capsules: +58). That movement
// travels and is added up on every laptop like any other. If the lot's balance here was not the
// one the other laptop converted (this laptop dispensed a pack meanwhile, or changed the unit
// too), the difference is in a unit no one can tell after the fact: 1 pack dispensed here and
// +58 from there make 59 "capsules" where 30 are on the shelf. ApplyPull keeps the movement (a
// fact) and lists the lot here; a count of the lot settles it, and the count travels, so every
// laptop then agrees.

import (
	"context"
	"fmt"
)

// SyncRecount is a lot to count.
type SyncRecount struct {
	ID          int64
	ProductID   int64
	ProductName string
	LineID      int64
	Lot         string
	Expiry      string
	Unit        string // the product's unit now
	Ours        int64  // the lot's balance here when the other laptop's convert arrived
	Theirs      int64  // the balance the other laptop converted
	TheirDevice string
	FoundAt     int64 // Unix ms
}

// SyncRecounts lists the lots to count, oldest first: those with no count recorded after the
// convert that was found to have converted another balance.
func (s *Store) SyncRecounts(ctx context.Context) ([]SyncRecount, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT r.id, p.id, p.name, l.id, l.lot, l.expiry, p.unit, r.ours, r.theirs, m.device_id, r.found_at
		FROM sync_recounts r JOIN stock_lines l ON l.id = r.line_id JOIN products p ON p.id = l.product_id
		JOIN movements m ON m.id = r.movement_id
		WHERE NOT EXISTS (SELECT 1 FROM movements c WHERE c.line_id = r.line_id AND c.kind = 'count' AND c.status = 'confirmed' AND c.id > r.movement_id)
		ORDER BY r.id`)
	if err != nil {
		return nil, fmt.Errorf("list the lots to count: %w", err)
	}
	defer rows.Close()
	var out []SyncRecount
	for rows.Next() {
		var r SyncRecount
		if err := rows.Scan(&r.ID, &r.ProductID, &r.ProductName, &r.LineID, &r.Lot, &r.Expiry, &r.Unit, &r.Ours, &r.Theirs, &r.TheirDevice, &r.FoundAt); err != nil {
			return nil, fmt.Errorf("list the lots to count: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
