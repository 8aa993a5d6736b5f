-- 0005: the GS1 serial number (AI 21) is a field of its own (issue 22): the number printed in a
-- pack's DataMatrix that names this one pack, so that two photos of it are counted once. Until now
-- the barcode reader kept it in the entry's notes as "Serial <serial>"; those notes move to the new
-- field (a serial has at most 20 characters and no spaces). Existing receipts stay as they are: the
-- same-pack rule applies to what is proposed from now on.
ALTER TABLE entries ADD COLUMN serial TEXT NOT NULL DEFAULT '';

UPDATE entries SET serial = substr(notes, 8), notes = '',
       field_sources = CASE WHEN NOT json_valid(field_sources) THEN field_sources
                            -- the barcode reader wrote these notes without naming their source
                            ELSE json_set(json_remove(field_sources, '$.notes'), '$.serial',
                                          COALESCE(json_extract(field_sources, '$.notes'), 'barcode')) END
 WHERE notes GLOB 'Serial ?*' AND length(notes) <= 27 AND instr(substr(notes, 8), ' ') = 0;

-- Finding the other photos of a pack: the same GTIN and serial.
CREATE INDEX entries_pack ON entries(gtin, serial) WHERE serial <> '';
