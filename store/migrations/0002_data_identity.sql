-- 0002: the data dir's identity. One row: a random id made when the database is created (or when a
-- database made by release 0.1.0, which had no id, is first opened). The same id is written to the
-- marker file <data>/inventory.id; a database whose id does not match the marker (replaced by
-- another inventory's file, emptied, deleted, or an older copy from before the id existed) is
-- refused at open instead of being used silently. See store/identity.go.
CREATE TABLE data_identity (
    id         TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    single     INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (single = 1)
);
INSERT INTO data_identity(id, created_at)
VALUES (lower(hex(randomblob(16))), CAST(strftime('%s', 'now') AS INTEGER) * 1000);
