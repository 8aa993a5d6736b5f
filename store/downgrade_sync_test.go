package store_test

// downgradeSync undoes migration 0008 (sync) on a database of the current version, for the tests
// that build an older inventory from a new one: its triggers on the older tables, then its tables.
// Run it before downgradePacks (0007): 0008's triggers read the pack sizes.
var downgradeSync = []string{
	`DROP TRIGGER sync_product_insert; DROP TRIGGER sync_product_uuid; DROP TRIGGER sync_line_insert;
				 DROP TRIGGER sync_movement_insert; DROP TRIGGER sync_movement_confirm; DROP TRIGGER sync_product_edit;
				 DROP TRIGGER sync_line_edit_pack_size;
				 DROP TABLE sync_state; DROP TABLE sync_outbox; DROP TABLE sync_edits; DROP TABLE sync_heads; DROP TABLE sync_alias; DROP TABLE sync_conflicts; DROP TABLE sync_recounts; DROP TABLE sync_parked`,
}
