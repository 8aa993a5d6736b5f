-- 0007: packs and dispensing units (issue 27). The ledger keeps units — a product's dispensing
-- unit (products.unit: tablet, capsule, mL… or "pack") — and each lot knows how many units one of
-- its packs holds (stock_lines.pack_size; the product's usual size is products.pack_size, and a
-- lot of another supplier may differ). Existing products keep the unit "pack" and the size 1, so
-- no figure changes.
ALTER TABLE products    ADD COLUMN pack_size INTEGER NOT NULL DEFAULT 1 CHECK (pack_size >= 1);
ALTER TABLE stock_lines ADD COLUMN pack_size INTEGER NOT NULL DEFAULT 1 CHECK (pack_size >= 1);

-- A receipt from a photo is counted in packs: packs seen × pack size = its quantity in units, and
-- where the size came from ('model', 'barcode', 'product'). NULL / '' for every other movement.
ALTER TABLE movements ADD COLUMN packs          INTEGER;
ALTER TABLE movements ADD COLUMN pack_size      INTEGER;
ALTER TABLE movements ADD COLUMN pack_size_from TEXT NOT NULL DEFAULT '';

-- A change of a product's unit and usual pack size (line_id NULL), or of one lot's pack size. The
-- balances it converted are 'convert' movements sharing its batch_id; unit_change_lines keeps each
-- lot's old and new size, so the change can be undone (by a change of its own, undoes_id).
CREATE TABLE unit_changes (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT    NOT NULL UNIQUE,
    device_id     TEXT    NOT NULL,
    product_id    INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    line_id       INTEGER REFERENCES stock_lines(id),  -- NULL: the product (and the lots that follow it)
    old_unit      TEXT    NOT NULL,
    new_unit      TEXT    NOT NULL,
    old_pack_size INTEGER NOT NULL,  -- the product's usual size, or the lot's
    new_pack_size INTEGER NOT NULL,
    at            INTEGER NOT NULL,  -- Unix ms
    batch_id      TEXT    NOT NULL,  -- the convert movements' batch
    undoes_id     INTEGER REFERENCES unit_changes(id)
);
CREATE INDEX unit_changes_product ON unit_changes(product_id, id);
CREATE UNIQUE INDEX unit_changes_undoes ON unit_changes(undoes_id) WHERE undoes_id IS NOT NULL;

CREATE TABLE unit_change_lines (
    change_id     INTEGER NOT NULL REFERENCES unit_changes(id) ON DELETE CASCADE,
    line_id       INTEGER NOT NULL REFERENCES stock_lines(id),
    old_pack_size INTEGER NOT NULL,
    new_pack_size INTEGER NOT NULL,
    old_on_hand   INTEGER NOT NULL,  -- the balance before, in the old unit
    new_on_hand   INTEGER NOT NULL,  -- after, in the new unit
    movement_id   INTEGER REFERENCES movements(id),  -- the convert movement; NULL when the balance did not change
    PRIMARY KEY (change_id, line_id)
) WITHOUT ROWID;

CREATE TRIGGER unit_changes_no_update BEFORE UPDATE ON unit_changes BEGIN
    SELECT RAISE(ABORT, 'a recorded unit change never changes: undo it instead');
END;
CREATE TRIGGER unit_change_lines_no_update BEFORE UPDATE ON unit_change_lines BEGIN
    SELECT RAISE(ABORT, 'a recorded unit change never changes: undo it instead');
END;

-- The new movement kind 'convert' (docs/ARCHITECTURE.md, "to add a stock movement kind"): every
-- stored row meets the wider CHECK. The Go step bumps schema_version so every connection sees it.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''count'',''reversal'')', '''count'',''reversal'',''convert'')')
 WHERE type = 'table' AND name = 'movements';
PRAGMA writable_schema = OFF;
