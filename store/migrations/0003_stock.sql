-- 0003: stock keeping (issue 12). Products gain a unit of count and a reorder level; each lot is a
-- stock line; every change of stock is an append-only movement. On hand is the sum of a line's
-- confirmed movements: nothing ever rewrites a quantity in place, undo is a reversing movement.
-- Products, lines and movements carry a UUIDv7 and the id of the device that made them, so two
-- ledgers can later be merged by union. The Go step of this migration (store/stock_migrate.go)
-- generates the device id and turns each existing entry into product + line + one receipt.

-- This installation's device id (one row), made once by the Go step.
CREATE TABLE device (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    device_id  TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

ALTER TABLE products ADD COLUMN uuid          TEXT;
ALTER TABLE products ADD COLUMN device_id     TEXT    NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN unit          TEXT    NOT NULL DEFAULT 'pack';  -- unit of count
ALTER TABLE products ADD COLUMN reorder_level INTEGER NOT NULL DEFAULT 0;       -- 0: none
ALTER TABLE products ADD COLUMN name_key      TEXT;  -- stock.ProductKey, for products without a GTIN
CREATE UNIQUE INDEX products_uuid ON products(uuid);
CREATE INDEX products_name_key ON products(name_key) WHERE gtin IS NULL AND name_key IS NOT NULL;

-- A product added by code that does not name its global id (the catalog's confirm path) gets one.
CREATE TRIGGER products_ids AFTER INSERT ON products WHEN NEW.uuid IS NULL BEGIN
    UPDATE products SET
        uuid = (SELECT printf('%08x-%04x-%04x-%04x-%012x', (t >> 16) & 0xffffffff, t & 0xffff,
                       0x7000 | (random() & 0x0fff), 0x8000 | (random() & 0x3fff), random() & 0xffffffffffff)
                FROM (SELECT CAST(unixepoch('subsec') * 1000 AS INTEGER) AS t)),
        device_id = COALESCE((SELECT device_id FROM device WHERE id = 1), '')
    WHERE id = NEW.id;
END;

-- One lot of a product: lot + expiry (+ location). lot_key is stock.LotKey(lot), what lots match by.
CREATE TABLE stock_lines (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT    NOT NULL UNIQUE,
    device_id  TEXT    NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products(id),
    lot        TEXT    NOT NULL DEFAULT '',
    lot_key    TEXT    NOT NULL DEFAULT '',
    expiry     TEXT    NOT NULL DEFAULT '',   -- YYYY-MM-DD, '' when unknown
    location   TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX stock_lines_lot ON stock_lines(product_id, lot_key, expiry, location);
CREATE INDEX stock_lines_expiry ON stock_lines(expiry);

-- The ledger. Append-only: a row is never deleted, and once confirmed or dismissed never changed
-- (the triggers below refuse it). A pending row is a receipt proposed from a photo; it is settled
-- once, to confirmed (with the quantity the reviewer accepted) or dismissed.
CREATE TABLE movements (
    id               INTEGER PRIMARY KEY,
    uuid             TEXT    NOT NULL UNIQUE,
    device_id        TEXT    NOT NULL,
    line_id          INTEGER NOT NULL REFERENCES stock_lines(id),
    kind             TEXT    NOT NULL CHECK (kind IN ('receive','dispense','adjust','dispose','count','reversal')),
    reason           TEXT    NOT NULL DEFAULT '',
    quantity         INTEGER NOT NULL,          -- signed: + into stock, - out of it
    counted          INTEGER,                   -- count: the number counted on the shelf
    proposed         INTEGER,                   -- receipt from a photo: the quantity first proposed
    status           TEXT    NOT NULL CHECK (status IN ('pending','confirmed','dismissed')),
    at               INTEGER NOT NULL,          -- when it happened (Unix ms)
    recorded_at      INTEGER NOT NULL,          -- when it was written or last settled
    note             TEXT    NOT NULL DEFAULT '',
    photo_id         INTEGER REFERENCES photos(id),
    analysis_id      INTEGER REFERENCES analyses(id),
    entry_id         INTEGER REFERENCES entries(id),
    reverses_id      INTEGER REFERENCES movements(id),
    batch_id         TEXT    NOT NULL DEFAULT '',  -- movements saved together (one stock count)
    similar_photo_id INTEGER REFERENCES photos(id) -- "probably the same pack as photo N"
);
-- On hand per line from the ledger alone (CheckStockTotals), read from the index (covering).
CREATE INDEX movements_line ON movements(line_id, status, quantity);
CREATE INDEX movements_card ON movements(line_id, at, id);
CREATE INDEX movements_at ON movements(at);
CREATE INDEX movements_pending ON movements(status) WHERE status = 'pending';
CREATE INDEX movements_entry ON movements(entry_id) WHERE entry_id IS NOT NULL;
CREATE UNIQUE INDEX movements_reverses ON movements(reverses_id) WHERE reverses_id IS NOT NULL;

CREATE TRIGGER movements_no_delete BEFORE DELETE ON movements BEGIN
    SELECT RAISE(ABORT, 'stock movements are never deleted: record a reversing movement instead');
END;
CREATE TRIGGER movements_settled BEFORE UPDATE ON movements WHEN OLD.status <> 'pending' BEGIN
    SELECT RAISE(ABORT, 'a reviewed stock movement never changes: record a reversing movement instead');
END;
CREATE TRIGGER movements_pending_identity BEFORE UPDATE ON movements
    WHEN OLD.status = 'pending' AND (NEW.uuid <> OLD.uuid OR NEW.device_id <> OLD.device_id OR NEW.kind <> OLD.kind) BEGIN
    SELECT RAISE(ABORT, 'a movement keeps its id and kind');
END;

-- Each line's totals, kept by SQLite itself in the same transaction as every movement (triggers
-- below), as an index is: no Go code writes them. They make the product view read 10,000 lots in
-- one join instead of summing 200,000 movements each time. Store.CheckStockTotals recomputes them
-- from the ledger (the integrity check runs it); the ledger is the truth, these can always be rebuilt.
CREATE TABLE line_totals (
    line_id          INTEGER PRIMARY KEY REFERENCES stock_lines(id),
    on_hand          INTEGER NOT NULL DEFAULT 0,  -- sum of confirmed quantities
    pending          INTEGER NOT NULL DEFAULT 0,  -- sum of pending quantities
    pending_receipts INTEGER NOT NULL DEFAULT 0,  -- number of pending movements
    moves            INTEGER NOT NULL DEFAULT 0   -- number of confirmed movements
);
CREATE TRIGGER stock_lines_totals AFTER INSERT ON stock_lines BEGIN
    INSERT INTO line_totals(line_id) VALUES (NEW.id);
END;
CREATE TRIGGER movements_totals_insert AFTER INSERT ON movements BEGIN
    UPDATE line_totals SET
        on_hand          = on_hand + CASE WHEN NEW.status = 'confirmed' THEN NEW.quantity ELSE 0 END,
        pending          = pending + CASE WHEN NEW.status = 'pending' THEN NEW.quantity ELSE 0 END,
        pending_receipts = pending_receipts + (NEW.status = 'pending'),
        moves            = moves + (NEW.status = 'confirmed')
    WHERE line_id = NEW.line_id;
END;
-- Only a pending movement changes (the triggers above refuse the rest): take its old share off its
-- old line and add its new share to its new line.
CREATE TRIGGER movements_totals_update AFTER UPDATE OF status, quantity, line_id ON movements BEGIN
    UPDATE line_totals SET
        on_hand          = on_hand - CASE WHEN OLD.status = 'confirmed' THEN OLD.quantity ELSE 0 END,
        pending          = pending - CASE WHEN OLD.status = 'pending' THEN OLD.quantity ELSE 0 END,
        pending_receipts = pending_receipts - (OLD.status = 'pending'),
        moves            = moves - (OLD.status = 'confirmed')
    WHERE line_id = OLD.line_id;
    UPDATE line_totals SET
        on_hand          = on_hand + CASE WHEN NEW.status = 'confirmed' THEN NEW.quantity ELSE 0 END,
        pending          = pending + CASE WHEN NEW.status = 'pending' THEN NEW.quantity ELSE 0 END,
        pending_receipts = pending_receipts + (NEW.status = 'pending'),
        moves            = moves + (NEW.status = 'confirmed')
    WHERE line_id = NEW.line_id;
END;

-- A counter SQLite bumps with every change the product view shows (movements, lines, products),
-- so a process can keep the view's data in memory and know, with one row read, whether it is still
-- current — whichever process wrote.
CREATE TABLE stock_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    v  INTEGER NOT NULL
);
INSERT INTO stock_version(id, v) VALUES (1, 0);
CREATE TRIGGER stock_version_movement_insert AFTER INSERT ON movements BEGIN UPDATE stock_version SET v = v + 1; END;
CREATE TRIGGER stock_version_movement_update AFTER UPDATE ON movements BEGIN UPDATE stock_version SET v = v + 1; END;
CREATE TRIGGER stock_version_line_insert AFTER INSERT ON stock_lines BEGIN UPDATE stock_version SET v = v + 1; END;
CREATE TRIGGER stock_version_line_update AFTER UPDATE ON stock_lines BEGIN UPDATE stock_version SET v = v + 1; END;
CREATE TRIGGER stock_version_product_insert AFTER INSERT ON products BEGIN UPDATE stock_version SET v = v + 1; END;
CREATE TRIGGER stock_version_product_update AFTER UPDATE ON products BEGIN UPDATE stock_version SET v = v + 1; END;
CREATE TRIGGER stock_version_product_delete AFTER DELETE ON products BEGIN UPDATE stock_version SET v = v + 1; END;

-- An entry is the reviewed record of what a photo shows; its receipt is the movement it proposes.
ALTER TABLE entries ADD COLUMN receipt_id INTEGER REFERENCES movements(id);
ALTER TABLE entries ADD COLUMN no_receipt INTEGER NOT NULL DEFAULT 0;  -- 1: proposes no stock (same pack as an earlier photo, or its receipt was undone)

-- A 64-bit difference hash of the photo's pixels (signed as SQLite stores it), to flag look-alikes.
ALTER TABLE photos ADD COLUMN dhash INTEGER;
CREATE INDEX photos_added ON photos(added_at);
