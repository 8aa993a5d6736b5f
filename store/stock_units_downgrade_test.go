package store_test

// downgradePacks undoes what migration 0007 (packs) added, so that a test can make an inventory of
// an older version from a current one. Run on the write connection, before PRAGMA user_version.
var downgradePacks = []string{
	`DROP TABLE unit_change_lines`,
	`DROP TABLE unit_changes`,
	`ALTER TABLE products DROP COLUMN pack_size`,
	`ALTER TABLE stock_lines DROP COLUMN pack_size`,
	`ALTER TABLE movements DROP COLUMN packs`,
	`ALTER TABLE movements DROP COLUMN pack_size`,
	`ALTER TABLE movements DROP COLUMN pack_size_from`,
	`PRAGMA writable_schema = ON`,
	`UPDATE sqlite_schema SET sql = replace(sql, '''count'',''reversal'',''convert'')', '''count'',''reversal'')') WHERE type = 'table' AND name = 'movements'`,
	`PRAGMA writable_schema = OFF`,
}
