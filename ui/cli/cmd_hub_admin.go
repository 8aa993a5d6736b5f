package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"medinventory/assets/i18n"
	"medinventory/store/hub"
	"medinventory/store/printable"
)

// runHubEnrol is `medinventory hub enrol`: a one-time code that joins one laptop to a clinic.
func runHubEnrol(c *Call, args []string) int {
	fs := c.flags("hub enrol", i18n.T(`Usage: medinventory hub enrol --database URL --clinic NAME

Makes a one-time enrolment code for one laptop of the clinic (the clinic is added to the hub when it
is new). On the laptop: medinventory sync --hub URL --code CODE. Each laptop needs its own code; a
code works once. The code is printed alone on the last line.

Flags:
`))
	dbURL := hubDatabaseFlag(fs)
	clinic := fs.String("clinic", "", i18n.T("the clinic's name, as the district knows it"))
	if code, ok := hubArgs(c, "hub enrol", fs, args); !ok {
		return code
	}
	if strings.TrimSpace(*clinic) == "" {
		return c.usageError("hub enrol", errors.New(i18n.T("which clinic? Give --clinic NAME")))
	}
	return withHub(c, "hub enrol", *dbURL, func(ctx context.Context, h *hub.Hub) error {
		code, err := h.Enrol(ctx, *clinic)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.Stderr, i18n.T("Enrolment code for one laptop of %s (it works once):", strings.TrimSpace(*clinic)))
		fmt.Fprintln(c.Stdout, code)
		return nil
	})
}

// runHubUser is `medinventory hub user`: a district user who signs in to the hub's pages.
func runHubUser(c *Call, args []string) int {
	fs := c.flags("hub user", i18n.T(`Usage: medinventory hub user --database URL --name NAME [--password-stdin]

Adds a district user who may sign in to the hub's web pages, or gives an existing one a new password
(which signs them out everywhere). The password is made up and printed once, unless
--password-stdin reads it from the first line of standard input (at least %d characters).

Flags:
`, hub.MinPassword))
	dbURL := hubDatabaseFlag(fs)
	name := fs.String("name", "", i18n.T("the user's name, to sign in with"))
	fromStdin := fs.Bool("password-stdin", false, i18n.T("read the password from standard input instead of making one up"))
	if code, ok := hubArgs(c, "hub user", fs, args); !ok {
		return code
	}
	if strings.TrimSpace(*name) == "" {
		return c.usageError("hub user", errors.New(i18n.T("which user? Give --name NAME")))
	}
	password := ""
	if *fromStdin {
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return c.usageError("hub user", errors.New(i18n.T("--password-stdin: nothing could be read from standard input")))
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		password = hub.NewPassword()
	}
	return withHub(c, "hub user", *dbURL, func(ctx context.Context, h *hub.Hub) error {
		if err := h.SetUser(ctx, *name, password); err != nil {
			return err
		}
		if *fromStdin {
			fmt.Fprintln(c.Stdout, i18n.T("%s may now sign in to the hub's pages.", strings.TrimSpace(*name)))
		} else {
			fmt.Fprintln(c.Stdout, i18n.T("%s may now sign in to the hub's pages with this password (shown once; keep it safe):", strings.TrimSpace(*name)))
			fmt.Fprintln(c.Stdout, password)
		}
		return nil
	})
}

// runHubStock is `medinventory hub stock`: the district's stock, per clinic, product and lot.
func runHubStock(c *Call, args []string) int {
	fs := c.flags("hub stock", i18n.T(`Usage: medinventory hub stock --database URL [--clinic NAME] [--format table|csv|json]

Prints what each clinic holds, per product and lot, from the movements its laptops synced.

Flags:
`))
	dbURL := hubDatabaseFlag(fs)
	clinic := fs.String("clinic", "", i18n.T("only this clinic"))
	format := fs.String("format", "table", i18n.T("table (for reading), csv or json"))
	if code, ok := hubArgs(c, "hub stock", fs, args); !ok {
		return code
	}
	if *format != "table" && *format != "csv" && *format != "json" {
		return c.usageError("hub stock", errors.New(i18n.T("%q is not a format: choose table, csv or json", *format)))
	}
	return withHub(c, "hub stock", *dbURL, func(ctx context.Context, h *hub.Hub) error {
		rows, err := h.Stock(ctx, hub.Filter{Clinic: *clinic})
		if err != nil {
			return err
		}
		switch *format {
		case "json":
			if rows == nil {
				rows = []hub.StockRow{}
			}
			if c.writeJSON(rows) != ExitOK {
				return errors.New(i18n.T("the stock could not be written"))
			}
			return nil
		case "csv":
			w := csv.NewWriter(c.Stdout)
			w.Write([]string{"clinic", "product", "gtin", "lot", "expiry", "on_hand", "unit"})
			for _, r := range rows {
				w.Write([]string{defuseCSV(r.Clinic), defuseCSV(r.Product), defuseCSV(r.GTIN), defuseCSV(r.Lot), defuseCSV(r.Expiry),
					fmt.Sprint(r.OnHand), defuseCSV(r.Unit)})
			}
			w.Flush()
			return w.Error()
		}
		if len(rows) == 0 {
			fmt.Fprintln(c.Stdout, i18n.T("No stock has been synced to the hub yet."))
			return nil
		}
		tw := tabwriter.NewWriter(c.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", i18n.T("Clinic"), i18n.T("Product"), i18n.T("GTIN"), i18n.T("Lot"), i18n.T("Expiry"), i18n.T("On hand"))
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", printable.String(r.Clinic), printable.String(r.Product), printable.String(r.GTIN), printable.String(r.Lot),
				printable.String(r.Expiry), printable.String(r.Quantity()))
		}
		return tw.Flush()
	})
}

// hubArgs parses a hub subcommand's flags; it takes no other words.
func hubArgs(c *Call, name string, fs *flag.FlagSet, args []string) (int, bool) {
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code, false
	}
	if len(rest) > 0 {
		return c.usageError(name, errors.New(i18n.T("unexpected words: %s", strings.Join(rest, " ")))), false
	}
	return ExitOK, true
}

// withHub opens the hub's database, runs fn and closes it; an error is printed in plain words.
func withHub(c *Call, name, dbURL string, fn func(ctx context.Context, h *hub.Hub) error) int {
	if dbURL == "" {
		return c.usageError(name, errNoDatabase())
	}
	ctx, stop := interruptible()
	defer stop()
	h, err := hub.Open(ctx, dbURL)
	if err != nil {
		return c.fail(err)
	}
	defer h.Close()
	if err := fn(ctx, h); err != nil {
		return c.fail(err)
	}
	return ExitOK
}

// defuseCSV prefixes text a spreadsheet would run as a formula (=, +, -, @, a tab or a line
// break first) with an apostrophe, as the laptop's own CSV exports do (store/export): names and
// lots on the hub come from every laptop of the district.
func defuseCSV(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r\n", rune(s[0])) {
		return "'" + s
	}
	return s
}
