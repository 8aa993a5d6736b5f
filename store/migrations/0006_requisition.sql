-- 0006: the monthly requisition (issue 24). The monthly report computes, per product and month,
-- the suggested order quantity (store/stock.Monthly); a person may order another quantity, with a
-- reason. What they decided is kept here, one row per month and product (the suggestion itself is
-- never stored: it is recomputed from the ledger).
CREATE TABLE requisition_lines (
    month      TEXT    NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'),  -- YYYY-MM
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    ordered    INTEGER NOT NULL CHECK (ordered >= 0),
    reason     TEXT    NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,  -- Unix ms
    PRIMARY KEY (month, product_id)
) WITHOUT ROWID;
