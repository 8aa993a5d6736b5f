-- 0007: taken by the packs branch (pack sizes). This placeholder keeps the migrations numbered on
-- the sync branch until that branch is merged: on merge, keep the packs branch's 0007_packs.sql.
SELECT 1;
