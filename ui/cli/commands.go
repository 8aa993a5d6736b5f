package cli

import "medinventory/assets/i18n"

// Command is one command of the program: its name, its synopsis (what follows "medinventory " in
// the usage text), its one-line help (English, marked; the usage text shows it translated), and the function that runs it with its arguments (the
// words after its name) and returns the exit code.
type Command struct {
	Name     string
	Synopsis string
	Help     string
	Run      func(c *Call, args []string) int
}

// commands is every command, in the order the usage text lists them. The usage text, the package
// doc and README.md's command list are checked against it (cli_test.go).
var commands = []Command{
	{"import", "import [--wait] [--offline] PATH...", i18n.Mark("add photos and folders of photos"), runImport},
	{"run", "run [--offline]", i18n.Mark("analyse the photos that wait in the queue"), runRun},
	{"backup", "backup [-o FILE]", i18n.Mark("write a backup of the whole inventory"), runBackup},
	{"restore", "restore FILE", i18n.Mark("put a backup back (the current data is kept aside)"), runRestore},
	{"export", "export --format csv|xlsx|json [-o FILE]", i18n.Mark("write the inventory (to the screen without -o)"), runExport},
	{"jobs", "jobs [--failed] [--retry-failed]", i18n.Mark("show the analysis queue"), runJobs},
	{"scan", "scan [--format json] PHOTO...", i18n.Mark("read the barcodes in photos (nothing is stored)"), runScan},
	{"stock", "stock [--format table|csv|json] [--low] [--expiring DAYS]", i18n.Mark("what is on the shelf"), runStock},
	{"receipts", "receipts [--format json] [--confirm-all]", i18n.Mark("the receipts from photos waiting for review; confirm them"), runReceipts},
	{"receive", "receive GTIN-OR-NAME QUANTITY [--packs] [--pack-size N] --lot LOT --expiry DATE [--date DATE] [--name NAME]", i18n.Mark("a delivery without photos"), runReceive},
	{"dispense", "dispense GTIN-OR-NAME QUANTITY [--packs] [--lot LOT] [--date DATE] [--note TEXT]", i18n.Mark("units given out (first expiry first out)"), runDispense},
	{"adjust", "adjust GTIN-OR-NAME CHANGE --reason REASON [--lot LOT] [--date DATE]", i18n.Mark("correct a lot's stock (count_correction, damaged, lost, returned)"), runAdjust},
	{"dispose", "dispose GTIN-OR-NAME QUANTITY --reason expired|damaged [--lot LOT] [--date DATE]", i18n.Mark("units destroyed"), runDispose},
	{"count", "count GTIN-OR-NAME COUNTED [--reason REASON] [--lot LOT] [--date DATE]", i18n.Mark("what was counted on the shelf for one lot"), runCount},
	{"product", "product set|changes|undo GTIN-OR-NAME [--unit UNIT] [--pack-size N] [--lot LOT]", i18n.Mark("a product's dispensing unit and pack sizes (stock is converted, recorded, undoable)"), runProduct},
	{"report", "report monthly [--month YYYY-MM] [--format table|csv|xlsx|json|pdf] [-o FILE]", i18n.Mark("the monthly report and requisition: consumption, months of stock, what to order"), runReport},
	{"settings", "settings [list | get KEY | set KEY VALUE]", i18n.Mark("the clinic's name and other settings a script may need (never the API key)"), runSettings},
	{"sync", "sync [--hub URL --code CODE] [--conflicts]", i18n.Mark("send this laptop's stock to the district hub, bring back the other laptops'"), runSync},
	{"hub", "hub --database URL --listen ADDR [--cert F --key F] [--insecure-http]", i18n.Mark("run the district hub the clinics' laptops sync through (PostgreSQL)"), runHub},
	{"hub", "hub enrol --database URL --clinic NAME", i18n.Mark("a one-time code that joins one laptop to a clinic"), runHub},
	{"hub", "hub user --database URL --name NAME [--password-stdin]", i18n.Mark("a district user for the hub's web pages"), runHub},
	{"hub", "hub stock --database URL [--clinic NAME] [--format table|csv|json]", i18n.Mark("every clinic's stock, per product and lot"), runHub},
	{"hub", "hub devices --database URL [--clinic NAME] [--format table|json]", i18n.Mark("each clinic's laptops: id, name, last sync, movements sent"), runHub},
	{"hub", "hub remove --database URL --device ID", i18n.Mark("remove a stolen or broken laptop (what it sent stays)"), runHub},
}

// lookup finds a command by name.
func lookup(name string) (Command, bool) {
	for _, c := range commands {
		if c.Name == name {
			return c, true
		}
	}
	return Command{}, false
}
