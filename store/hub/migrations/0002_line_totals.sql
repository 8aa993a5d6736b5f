-- On hand per lot, kept by Push in the same transaction as the movements it adds (a cache of
-- sum(movements.quantity) per line, so that the district pages do not add up every movement of
-- every clinic on each view; Hub.CheckTotals compares it with the movements).
CREATE TABLE line_totals (
    line_uuid text PRIMARY KEY,
    clinic_id text NOT NULL,
    on_hand   bigint NOT NULL
);
INSERT INTO line_totals (line_uuid, clinic_id, on_hand)
    SELECT line_uuid, clinic_id, sum(quantity) FROM movements GROUP BY line_uuid, clinic_id;
