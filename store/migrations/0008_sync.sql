-- 0008: sync through the district hub (issue 28), the laptop's half. See store/sync.go.
--
-- sync_outbox: what this laptop recorded that the hub has not acknowledged yet, in the order it
-- was recorded. SQLite's own triggers fill it in the same transaction as the row (a new product or
-- lot, a confirmed movement — a pending receipt once it is confirmed —, a field edit), whichever
-- code or process wrote. The push cursor (sync_state.push_through) moves only after the hub
-- acknowledged a batch, so a push killed half-way is sent again and the hub, inserting by UUID,
-- stores it once.
--
-- Rows pulled from the hub are written with sync_state.applying = 1 (set and cleared inside the
-- applying transaction, so no other connection ever sees it): the triggers leave them out.
CREATE TABLE sync_state (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    applying       INTEGER NOT NULL DEFAULT 0,
    push_through   INTEGER NOT NULL DEFAULT 0,   -- the last outbox seq the hub acknowledged
    pull_after     INTEGER NOT NULL DEFAULT 0,   -- the hub's sequence pulled up to
    hub_url        TEXT    NOT NULL DEFAULT '',
    hub_id         TEXT    NOT NULL DEFAULT '',
    clinic_id      TEXT    NOT NULL DEFAULT '',
    clinic_name    TEXT    NOT NULL DEFAULT '',
    joined_device  TEXT    NOT NULL DEFAULT '',  -- the device id the hub knows this laptop by
    joined_data    TEXT    NOT NULL DEFAULT '',  -- the data folder's identity when it joined
    joined_machine TEXT    NOT NULL DEFAULT '',  -- the computer it joined from (a copied folder differs)
    joined_at      INTEGER NOT NULL DEFAULT 0,
    last_sync      INTEGER NOT NULL DEFAULT 0,   -- Unix ms of the last full sync
    laptops        INTEGER NOT NULL DEFAULT 0,   -- laptops of the clinic at the last sync
    hub_seen       INTEGER NOT NULL DEFAULT 0    -- the hub's time of this device's last sync, as the hub said at the end of
                                                 -- the last sync here: a later one means rows this database no longer holds
                                                 -- (a restored backup) or an interrupted sync; either way its own rows are pulled back once
);
INSERT INTO sync_state(id) VALUES (1);

CREATE TABLE sync_outbox (
    seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT    NOT NULL CHECK (kind IN ('product','line','movement','edit')),
    uuid TEXT    NOT NULL
);

-- Every edit of a field of a product, made here or pulled: its own UUID, the edit it was based on.
CREATE TABLE sync_edits (
    uuid        TEXT    PRIMARY KEY,
    device_id   TEXT    NOT NULL,
    entity      TEXT    NOT NULL,
    entity_uuid TEXT    NOT NULL,   -- as sent (a pulled edit of a product mapped onto a local one names the other's)
    field       TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    base        TEXT    NOT NULL DEFAULT '',
    at          INTEGER NOT NULL,
    local       INTEGER NOT NULL DEFAULT 1  -- 1: made on this laptop (goes to the outbox)
) WITHOUT ROWID;

-- The edit each field of each local product now shows.
CREATE TABLE sync_heads (
    entity      TEXT NOT NULL,
    entity_uuid TEXT NOT NULL,   -- the local row's uuid
    field       TEXT NOT NULL,
    edit_uuid   TEXT NOT NULL,
    PRIMARY KEY (entity, entity_uuid, field)
) WITHOUT ROWID;

-- A pulled product or lot that is the same as a local one (same GTIN; same product, lot, expiry
-- and shelf): its uuid names the local row, so both laptops' stock of one lot adds up in one line.
CREATE TABLE sync_alias (
    uuid       TEXT PRIMARY KEY,
    entity     TEXT NOT NULL,
    local_uuid TEXT NOT NULL
) WITHOUT ROWID;

-- Two edits of one field made before either laptop saw the other: both kept until a person
-- chooses (Store.SettleConflict); the product shows this laptop's value meanwhile.
CREATE TABLE sync_conflicts (
    id          INTEGER PRIMARY KEY,
    entity      TEXT    NOT NULL,
    entity_uuid TEXT    NOT NULL,   -- the local row's uuid
    field       TEXT    NOT NULL,
    ours        TEXT    NOT NULL,   -- edit uuids
    theirs      TEXT    NOT NULL,
    found_at    INTEGER NOT NULL,
    settled_at  INTEGER NOT NULL DEFAULT 0,
    settled_by  TEXT    NOT NULL DEFAULT '',
    UNIQUE (ours, theirs)
);
CREATE INDEX sync_conflicts_open ON sync_conflicts(entity_uuid, field) WHERE settled_at = 0;

-- Pulled rows that came before their product or lot (a hub filled again after it lost its
-- database): kept here, as the hub sent them (JSON), and applied once waits (a product's or
-- lot's uuid) is here. See store/sync_parked.go.
CREATE TABLE sync_parked (
    id    INTEGER PRIMARY KEY,
    kind  TEXT NOT NULL,          -- line, movement, edit
    uuid  TEXT NOT NULL UNIQUE,
    waits TEXT NOT NULL,
    body  TEXT NOT NULL
);
CREATE INDEX sync_parked_waits ON sync_parked(waits);

-- A lot to count: its balance here may mix two units. Another laptop's convert movement (a unit
-- or pack size change) was worked out from a balance (theirs, in the old unit) other than this
-- laptop's when it arrived (ours); or another laptop changed the lot's pack size (or its
-- product's, which the lot followed there) without converting anything here (theirs NULL: it
-- held none of it), while this laptop holds some. Listed until a count of the lot is recorded
-- after after_id (the convert, or the last movement when it was found).
CREATE TABLE sync_recounts (
    id           INTEGER PRIMARY KEY,
    line_id      INTEGER NOT NULL REFERENCES stock_lines(id),
    after_id     INTEGER NOT NULL,
    ours         INTEGER NOT NULL,
    theirs       INTEGER,
    their_device TEXT    NOT NULL,
    found_at     INTEGER NOT NULL,
    UNIQUE (line_id, after_id)
);

-- A local edit goes to the outbox and becomes its field's head.
CREATE TRIGGER sync_edits_local AFTER INSERT ON sync_edits WHEN NEW.local = 1 BEGIN
    INSERT INTO sync_outbox(kind, uuid) VALUES ('edit', NEW.uuid);
    INSERT INTO sync_heads(entity, entity_uuid, field, edit_uuid) VALUES (NEW.entity, NEW.entity_uuid, NEW.field, NEW.uuid)
        ON CONFLICT (entity, entity_uuid, field) DO UPDATE SET edit_uuid = excluded.edit_uuid;
END;

-- A new product: its identity, and its fields as edits based on nothing.
CREATE TRIGGER sync_product_insert AFTER INSERT ON products WHEN NEW.uuid IS NOT NULL AND (SELECT applying FROM sync_state WHERE id = 1) = 0 BEGIN
    INSERT INTO sync_outbox(kind, uuid) VALUES ('product', NEW.uuid);
    INSERT INTO sync_edits(uuid, device_id, entity, entity_uuid, field, value, base, at)
        SELECT printf('%08x-%04x-%04x-%04x-%012x', (CAST(unixepoch('subsec') * 1000 AS INTEGER) >> 16) & 0xffffffff, (CAST(unixepoch('subsec') * 1000 AS INTEGER)) & 0xffff, 0x7000 | (random() & 0x0fff), 0x8000 | (random() & 0x3fff), random() & 0xffffffffffff), COALESCE((SELECT device_id FROM device WHERE id = 1), ''), 'product', NEW.uuid, f, v, '', CAST(unixepoch('subsec') * 1000 AS INTEGER)
          FROM (SELECT c.f AS f, CASE c.f WHEN 'name' THEN NEW.name WHEN 'generic_name' THEN NEW.generic_name WHEN 'strength' THEN NEW.strength WHEN 'dosage_form' THEN NEW.dosage_form WHEN 'manufacturer' THEN NEW.manufacturer WHEN 'unit' THEN NEW.unit WHEN 'reorder_level' THEN CAST(NEW.reorder_level AS TEXT) WHEN 'pack_size' THEN CAST(NEW.pack_size AS TEXT) END AS v FROM (SELECT 'name' AS f UNION ALL SELECT 'generic_name' AS f UNION ALL SELECT 'strength' AS f UNION ALL SELECT 'dosage_form' AS f UNION ALL SELECT 'manufacturer' AS f UNION ALL SELECT 'unit' AS f UNION ALL SELECT 'reorder_level' AS f UNION ALL SELECT 'pack_size' AS f) c)
         WHERE v IS NOT NULL AND v <> '' AND NOT (f = 'reorder_level' AND v = '0') AND NOT (f = 'pack_size' AND v = '1');
END;
-- A product made without naming its global id gets one from products_ids (0003) just after.
CREATE TRIGGER sync_product_uuid AFTER UPDATE OF uuid ON products WHEN OLD.uuid IS NULL AND NEW.uuid IS NOT NULL AND (SELECT applying FROM sync_state WHERE id = 1) = 0 BEGIN
    INSERT INTO sync_outbox(kind, uuid) VALUES ('product', NEW.uuid);
    INSERT INTO sync_edits(uuid, device_id, entity, entity_uuid, field, value, base, at)
        SELECT printf('%08x-%04x-%04x-%04x-%012x', (CAST(unixepoch('subsec') * 1000 AS INTEGER) >> 16) & 0xffffffff, (CAST(unixepoch('subsec') * 1000 AS INTEGER)) & 0xffff, 0x7000 | (random() & 0x0fff), 0x8000 | (random() & 0x3fff), random() & 0xffffffffffff), COALESCE((SELECT device_id FROM device WHERE id = 1), ''), 'product', NEW.uuid, f, v, '', CAST(unixepoch('subsec') * 1000 AS INTEGER)
          FROM (SELECT c.f AS f, CASE c.f WHEN 'name' THEN NEW.name WHEN 'generic_name' THEN NEW.generic_name WHEN 'strength' THEN NEW.strength WHEN 'dosage_form' THEN NEW.dosage_form WHEN 'manufacturer' THEN NEW.manufacturer WHEN 'unit' THEN NEW.unit WHEN 'reorder_level' THEN CAST(NEW.reorder_level AS TEXT) WHEN 'pack_size' THEN CAST(NEW.pack_size AS TEXT) END AS v FROM (SELECT 'name' AS f UNION ALL SELECT 'generic_name' AS f UNION ALL SELECT 'strength' AS f UNION ALL SELECT 'dosage_form' AS f UNION ALL SELECT 'manufacturer' AS f UNION ALL SELECT 'unit' AS f UNION ALL SELECT 'reorder_level' AS f UNION ALL SELECT 'pack_size' AS f) c)
         WHERE v IS NOT NULL AND v <> '' AND NOT (f = 'reorder_level' AND v = '0') AND NOT (f = 'pack_size' AND v = '1');
END;
-- Each field changed here: one edit, based on the edit the field showed.
CREATE TRIGGER sync_product_edit AFTER UPDATE OF name, generic_name, strength, dosage_form, manufacturer, unit, reorder_level, pack_size ON products
    WHEN NEW.uuid IS NOT NULL AND OLD.uuid IS NOT NULL AND (SELECT applying FROM sync_state WHERE id = 1) = 0 BEGIN
    INSERT INTO sync_edits(uuid, device_id, entity, entity_uuid, field, value, base, at)
        SELECT printf('%08x-%04x-%04x-%04x-%012x', (CAST(unixepoch('subsec') * 1000 AS INTEGER) >> 16) & 0xffffffff, (CAST(unixepoch('subsec') * 1000 AS INTEGER)) & 0xffff, 0x7000 | (random() & 0x0fff), 0x8000 | (random() & 0x3fff), random() & 0xffffffffffff), COALESCE((SELECT device_id FROM device WHERE id = 1), ''), 'product', NEW.uuid, c.f, c.v,
               COALESCE((SELECT edit_uuid FROM sync_heads WHERE entity = 'product' AND entity_uuid = NEW.uuid AND field = c.f), ''), CAST(unixepoch('subsec') * 1000 AS INTEGER)
          FROM (SELECT 'name' AS f, COALESCE(NEW.name, '') AS v, COALESCE(OLD.name, '') AS o
                UNION ALL SELECT 'generic_name', COALESCE(NEW.generic_name, ''), COALESCE(OLD.generic_name, '')
                UNION ALL SELECT 'strength', COALESCE(NEW.strength, ''), COALESCE(OLD.strength, '')
                UNION ALL SELECT 'dosage_form', COALESCE(NEW.dosage_form, ''), COALESCE(OLD.dosage_form, '')
                UNION ALL SELECT 'manufacturer', COALESCE(NEW.manufacturer, ''), COALESCE(OLD.manufacturer, '')
                UNION ALL SELECT 'unit', COALESCE(NEW.unit, ''), COALESCE(OLD.unit, '')
                UNION ALL SELECT 'reorder_level', CAST(NEW.reorder_level AS TEXT), CAST(OLD.reorder_level AS TEXT)
                UNION ALL SELECT 'pack_size', CAST(NEW.pack_size AS TEXT), CAST(OLD.pack_size AS TEXT)) c
         WHERE c.v IS NOT c.o;
END;
-- A new lot.
CREATE TRIGGER sync_line_insert AFTER INSERT ON stock_lines WHEN (SELECT applying FROM sync_state WHERE id = 1) = 0 BEGIN
    INSERT INTO sync_outbox(kind, uuid) VALUES ('line', NEW.uuid);
    -- its pack size (0007) when not 1, as an edit based on nothing, after the lot in the outbox
    INSERT INTO sync_edits(uuid, device_id, entity, entity_uuid, field, value, base, at)
        SELECT printf('%08x-%04x-%04x-%04x-%012x', (CAST(unixepoch('subsec') * 1000 AS INTEGER) >> 16) & 0xffffffff, (CAST(unixepoch('subsec') * 1000 AS INTEGER)) & 0xffff, 0x7000 | (random() & 0x0fff), 0x8000 | (random() & 0x3fff), random() & 0xffffffffffff), COALESCE((SELECT device_id FROM device WHERE id = 1), ''), 'line', NEW.uuid, 'pack_size', CAST(NEW.pack_size AS TEXT), '', CAST(unixepoch('subsec') * 1000 AS INTEGER)
         WHERE NEW.pack_size <> 1;
END;
-- A lot's pack size changed here (a unit change, or a person's correction): one edit, based on
-- the edit it showed. The convert movements that changed the balance travel as movements; a
-- pulled size is written as is (store/sync_edits.go: setSyncField), never converted twice.
CREATE TRIGGER sync_line_edit_pack_size AFTER UPDATE OF pack_size ON stock_lines
    WHEN OLD.pack_size IS NOT NEW.pack_size AND (SELECT applying FROM sync_state WHERE id = 1) = 0 BEGIN
    INSERT INTO sync_edits(uuid, device_id, entity, entity_uuid, field, value, base, at)
        VALUES (printf('%08x-%04x-%04x-%04x-%012x', (CAST(unixepoch('subsec') * 1000 AS INTEGER) >> 16) & 0xffffffff, (CAST(unixepoch('subsec') * 1000 AS INTEGER)) & 0xffff, 0x7000 | (random() & 0x0fff), 0x8000 | (random() & 0x3fff), random() & 0xffffffffffff), COALESCE((SELECT device_id FROM device WHERE id = 1), ''), 'line', NEW.uuid, 'pack_size', CAST(NEW.pack_size AS TEXT),
                COALESCE((SELECT edit_uuid FROM sync_heads WHERE entity = 'line' AND entity_uuid = NEW.uuid AND field = 'pack_size'), ''), CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;

-- A confirmed movement; a pending receipt once it is confirmed (dismissed ones never travel).
CREATE TRIGGER sync_movement_insert AFTER INSERT ON movements WHEN NEW.status = 'confirmed' AND (SELECT applying FROM sync_state WHERE id = 1) = 0 BEGIN
    INSERT INTO sync_outbox(kind, uuid) VALUES ('movement', NEW.uuid);
END;
CREATE TRIGGER sync_movement_confirm AFTER UPDATE OF status ON movements
    WHEN OLD.status = 'pending' AND NEW.status = 'confirmed' AND (SELECT applying FROM sync_state WHERE id = 1) = 0 BEGIN
    INSERT INTO sync_outbox(kind, uuid) VALUES ('movement', NEW.uuid);
END;

-- What this inventory held before: all of it is new to the hub.
INSERT INTO sync_outbox(kind, uuid) SELECT 'product', uuid FROM products WHERE uuid IS NOT NULL ORDER BY id;
INSERT INTO sync_edits(uuid, device_id, entity, entity_uuid, field, value, base, at)
    SELECT printf('%08x-%04x-%04x-%04x-%012x', (p.created_at >> 16) & 0xffffffff, (p.created_at) & 0xffff, 0x7000 | (random() & 0x0fff), 0x8000 | (random() & 0x3fff), random() & 0xffffffffffff), p.device_id, 'product', p.uuid, c.f, CASE c.f WHEN 'name' THEN p.name WHEN 'generic_name' THEN p.generic_name WHEN 'strength' THEN p.strength WHEN 'dosage_form' THEN p.dosage_form WHEN 'manufacturer' THEN p.manufacturer WHEN 'unit' THEN p.unit WHEN 'reorder_level' THEN CAST(p.reorder_level AS TEXT) WHEN 'pack_size' THEN CAST(p.pack_size AS TEXT) END, '', p.created_at
      FROM products p, (SELECT 'name' AS f UNION ALL SELECT 'generic_name' AS f UNION ALL SELECT 'strength' AS f UNION ALL SELECT 'dosage_form' AS f UNION ALL SELECT 'manufacturer' AS f UNION ALL SELECT 'unit' AS f UNION ALL SELECT 'reorder_level' AS f UNION ALL SELECT 'pack_size' AS f) c
     WHERE p.uuid IS NOT NULL AND CASE c.f WHEN 'name' THEN p.name WHEN 'generic_name' THEN p.generic_name WHEN 'strength' THEN p.strength WHEN 'dosage_form' THEN p.dosage_form WHEN 'manufacturer' THEN p.manufacturer WHEN 'unit' THEN p.unit WHEN 'reorder_level' THEN CAST(p.reorder_level AS TEXT) WHEN 'pack_size' THEN CAST(p.pack_size AS TEXT) END IS NOT NULL AND CASE c.f WHEN 'name' THEN p.name WHEN 'generic_name' THEN p.generic_name WHEN 'strength' THEN p.strength WHEN 'dosage_form' THEN p.dosage_form WHEN 'manufacturer' THEN p.manufacturer WHEN 'unit' THEN p.unit WHEN 'reorder_level' THEN CAST(p.reorder_level AS TEXT) WHEN 'pack_size' THEN CAST(p.pack_size AS TEXT) END <> '' AND NOT (c.f = 'reorder_level' AND p.reorder_level = 0) AND NOT (c.f = 'pack_size' AND p.pack_size = 1)
     ORDER BY p.id;
INSERT INTO sync_outbox(kind, uuid) SELECT 'line', uuid FROM stock_lines ORDER BY id;
INSERT INTO sync_edits(uuid, device_id, entity, entity_uuid, field, value, base, at)
    SELECT printf('%08x-%04x-%04x-%04x-%012x', (l.created_at >> 16) & 0xffffffff, (l.created_at) & 0xffff, 0x7000 | (random() & 0x0fff), 0x8000 | (random() & 0x3fff), random() & 0xffffffffffff),
           l.device_id, 'line', l.uuid, 'pack_size', CAST(l.pack_size AS TEXT), '', l.created_at
      FROM stock_lines l WHERE l.pack_size <> 1 ORDER BY l.id;
INSERT INTO sync_outbox(kind, uuid) SELECT 'movement', uuid FROM movements WHERE status = 'confirmed' ORDER BY id;
