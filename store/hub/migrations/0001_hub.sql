-- The district hub's first schema. Every synced row keeps the laptop's UUID as its key (a row sent
-- twice is stored once) and a per-clinic hub sequence `seq`, given in commit order: a push locks its
-- clinic's row in `clinics` (SELECT … FOR UPDATE), numbers its rows after clinics.seq and moves
-- clinics.seq on, all in one transaction, so a later number is never committed before an earlier.
CREATE TABLE meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);

CREATE TABLE clinics (
    id      text PRIMARY KEY,
    name    text NOT NULL UNIQUE,
    created timestamptz NOT NULL DEFAULT now(),
    seq     bigint NOT NULL DEFAULT 0 -- the last hub sequence number given in this clinic
);

-- One-time enrolment codes: only their SHA-256 is kept.
CREATE TABLE enrol_codes (
    hash      text PRIMARY KEY,
    clinic_id text NOT NULL REFERENCES clinics(id),
    created   timestamptz NOT NULL DEFAULT now(),
    used_at   timestamptz,
    device_id text
);

CREATE TABLE devices (
    device_id   text PRIMARY KEY,
    clinic_id   text NOT NULL REFERENCES clinics(id),
    name        text NOT NULL DEFAULT '',
    token_hash  text NOT NULL UNIQUE,
    data_id     text NOT NULL,
    through     bigint NOT NULL DEFAULT 0,   -- the last outbox position acknowledged
    enrolled    timestamptz NOT NULL DEFAULT now(),
    last_sync   timestamptz,
    restores    int NOT NULL DEFAULT 0       -- pushes whose Through went backwards (a restored backup)
);

CREATE TABLE products (
    uuid      text PRIMARY KEY,
    clinic_id text NOT NULL REFERENCES clinics(id),
    device_id text NOT NULL,
    gtin      text NOT NULL DEFAULT '',
    name_key  text NOT NULL DEFAULT '',
    created   bigint NOT NULL,
    seq       bigint NOT NULL
);
CREATE INDEX products_seq ON products(clinic_id, seq);

CREATE TABLE lines (
    uuid         text PRIMARY KEY,
    clinic_id    text NOT NULL REFERENCES clinics(id),
    device_id    text NOT NULL,
    product_uuid text NOT NULL,
    lot          text NOT NULL DEFAULT '',
    expiry       text NOT NULL DEFAULT '',
    location     text NOT NULL DEFAULT '',
    created      bigint NOT NULL,
    seq          bigint NOT NULL
);
CREATE INDEX lines_seq ON lines(clinic_id, seq);

CREATE TABLE movements (
    uuid          text PRIMARY KEY,
    clinic_id     text NOT NULL REFERENCES clinics(id),
    device_id     text NOT NULL,
    line_uuid     text NOT NULL,
    kind          text NOT NULL,
    reason        text NOT NULL DEFAULT '',
    quantity      bigint NOT NULL,
    counted       bigint,
    at            bigint NOT NULL,
    recorded_at   bigint NOT NULL,
    note          text NOT NULL DEFAULT '',
    reverses_uuid text NOT NULL DEFAULT '',
    batch_id      text NOT NULL DEFAULT '',
    seq           bigint NOT NULL
);
CREATE INDEX movements_seq ON movements(clinic_id, seq);
CREATE INDEX movements_line ON movements(line_uuid, quantity);

CREATE TABLE edits (
    uuid        text PRIMARY KEY,
    clinic_id   text NOT NULL REFERENCES clinics(id),
    device_id   text NOT NULL,
    entity      text NOT NULL,
    entity_uuid text NOT NULL,
    field       text NOT NULL,
    value       text NOT NULL,
    base        text NOT NULL DEFAULT '',
    at          bigint NOT NULL,
    seq         bigint NOT NULL
);
CREATE INDEX edits_seq ON edits(clinic_id, seq);

-- The current edit of each field: the one every other edit is merged against.
CREATE TABLE field_heads (
    clinic_id   text NOT NULL,
    entity      text NOT NULL,
    entity_uuid text NOT NULL,
    field       text NOT NULL,
    edit_uuid   text NOT NULL,
    value       text NOT NULL,
    PRIMARY KEY (clinic_id, entity, entity_uuid, field)
);

-- Two or more edits of one field made before either side saw the other, kept for a person.
CREATE TABLE conflicts (
    id          bigserial PRIMARY KEY,
    clinic_id   text NOT NULL,
    entity      text NOT NULL,
    entity_uuid text NOT NULL,
    field       text NOT NULL,
    edit_uuids  text[] NOT NULL,
    settled_by  text NOT NULL DEFAULT '',
    seq         bigint NOT NULL
);
CREATE INDEX conflicts_seq ON conflicts(clinic_id, seq);

-- The district's people, who sign in to the web pages.
CREATE TABLE users (
    name      text PRIMARY KEY,
    pass_hash text NOT NULL,
    created   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
    token_hash text PRIMARY KEY,
    user_name  text NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    expires    timestamptz NOT NULL
);
