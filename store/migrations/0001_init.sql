-- 0001: the first schema. Times are Unix milliseconds (UTC); expiry dates are ISO 'YYYY-MM-DD' text
-- (sortable, '' when unknown).

-- A photo the user added, stored once by content (sha256) under <data>/photos/ab/<sha256>.<ext>.
CREATE TABLE photos (
    id            INTEGER PRIMARY KEY,
    sha256        TEXT    NOT NULL UNIQUE,
    stored_path   TEXT    NOT NULL,            -- relative to the data dir, always photos/xx/<sha256>.<ext>
    original_name TEXT    NOT NULL,            -- base name only, for display
    bytes         INTEGER NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    format        TEXT    NOT NULL,            -- jpeg | png | gif | webp | heic
    added_at      INTEGER NOT NULL
);

-- The learned catalog: a product the user confirmed (or that was created with a known GTIN).
CREATE TABLE products (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL DEFAULT '',
    generic_name TEXT    NOT NULL DEFAULT '',
    strength     TEXT    NOT NULL DEFAULT '',
    dosage_form  TEXT    NOT NULL DEFAULT '',
    manufacturer TEXT    NOT NULL DEFAULT '',
    gtin         TEXT,                          -- NULL when unknown; unique where set
    confirmed    INTEGER NOT NULL DEFAULT 0,    -- 1 once a user confirmed an entry of this product
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX products_gtin ON products(gtin) WHERE gtin IS NOT NULL;
CREATE INDEX products_name ON products(name COLLATE NOCASE);

-- The job table. The jobs package owns its state machine; see jobs/doc.go.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    queue        TEXT    NOT NULL,              -- analyze | maintenance
    kind         TEXT    NOT NULL,
    unique_key   TEXT,                          -- idempotency key (the photo's sha256 for analyses)
    payload      TEXT    NOT NULL DEFAULT '{}',
    photo_id     INTEGER REFERENCES photos(id),
    state        TEXT    NOT NULL DEFAULT 'queued'
                 CHECK (state IN ('queued','running','retrying','waiting','failed','done','cancelled')),
    priority     INTEGER NOT NULL DEFAULT 0,
    attempt      INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 8,
    run_after    INTEGER NOT NULL DEFAULT 0,
    lease_owner  TEXT,
    lease_until  INTEGER,
    wait_reason  TEXT    NOT NULL DEFAULT '',
    last_error   TEXT    NOT NULL DEFAULT '',
    progress     REAL    NOT NULL DEFAULT 0,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    finished_at  INTEGER
);
CREATE UNIQUE INDEX jobs_unique ON jobs(kind, unique_key) WHERE unique_key IS NOT NULL;
CREATE INDEX jobs_ready ON jobs(queue, priority DESC, run_after, id) WHERE state IN ('queued','retrying');
CREATE INDEX jobs_lease ON jobs(lease_until) WHERE state = 'running';
CREATE INDEX jobs_state ON jobs(state, updated_at);
CREATE INDEX jobs_photo ON jobs(photo_id);

-- One analysis of one photo: model answer, barcode read or catalog hit, with its cost.
CREATE TABLE analyses (
    id             INTEGER PRIMARY KEY,
    photo_id       INTEGER NOT NULL REFERENCES photos(id),
    job_id         INTEGER REFERENCES jobs(id),
    source         TEXT    NOT NULL DEFAULT 'model',    -- model | barcode | catalog
    model          TEXT    NOT NULL DEFAULT '',
    prompt_version TEXT    NOT NULL DEFAULT '',
    tokens_in      INTEGER NOT NULL DEFAULT 0,
    tokens_out     INTEGER NOT NULL DEFAULT 0,
    cost_usd       REAL    NOT NULL DEFAULT 0,
    latency_ms     INTEGER NOT NULL DEFAULT 0,
    raw_answer     TEXT    NOT NULL DEFAULT '',
    result_json    TEXT    NOT NULL DEFAULT '',
    error          TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX analyses_job ON analyses(job_id) WHERE job_id IS NOT NULL;
CREATE INDEX analyses_photo ON analyses(photo_id);
CREATE INDEX analyses_created ON analyses(created_at);

-- A stock line. It carries its own copy of the product fields (what this pack says, as reviewed);
-- product_id links it to the learned catalog.
CREATE TABLE entries (
    id            INTEGER PRIMARY KEY,
    product_id    INTEGER REFERENCES products(id),
    photo_id      INTEGER REFERENCES photos(id),
    analysis_id   INTEGER REFERENCES analyses(id),
    name          TEXT    NOT NULL DEFAULT '',
    generic_name  TEXT    NOT NULL DEFAULT '',
    strength      TEXT    NOT NULL DEFAULT '',
    dosage_form   TEXT    NOT NULL DEFAULT '',
    manufacturer  TEXT    NOT NULL DEFAULT '',
    gtin          TEXT    NOT NULL DEFAULT '',
    lot           TEXT    NOT NULL DEFAULT '',
    expiry        TEXT    NOT NULL DEFAULT '',
    quantity      INTEGER,
    unit          TEXT    NOT NULL DEFAULT '',
    location      TEXT    NOT NULL DEFAULT '',
    notes         TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL DEFAULT 'needs_review' CHECK (status IN ('needs_review','confirmed')),
    field_sources TEXT    NOT NULL DEFAULT '{}',        -- JSON object: field -> barcode|model|catalog|user
    review_note   TEXT    NOT NULL DEFAULT '',          -- e.g. "barcode and photo disagree on lot"
    deleted_at    INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX entries_status ON entries(status, expiry) WHERE deleted_at IS NULL;
CREATE INDEX entries_expiry ON entries(expiry) WHERE deleted_at IS NULL;
CREATE INDEX entries_name ON entries(name COLLATE NOCASE) WHERE deleted_at IS NULL;
CREATE INDEX entries_photo ON entries(photo_id);
CREATE INDEX entries_gtin ON entries(gtin) WHERE gtin <> '';

-- Every change to an entry, old -> new, by whom.
CREATE TABLE edits (
    id        INTEGER PRIMARY KEY,
    entry_id  INTEGER NOT NULL REFERENCES entries(id),
    field     TEXT    NOT NULL,
    old_value TEXT    NOT NULL DEFAULT '',
    new_value TEXT    NOT NULL DEFAULT '',
    source    TEXT    NOT NULL DEFAULT 'user',
    at        INTEGER NOT NULL
);
CREATE INDEX edits_entry ON edits(entry_id, at);
