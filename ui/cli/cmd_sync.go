package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store"
	"medinventory/store/printable"
	"medinventory/store/settings"
	"medinventory/store/syncclient"
)

// runSync is `medinventory sync`: join the clinic's hub once (--hub, --code), then push this
// laptop's new rows and pull the other laptops'. A hub that is down exits ExitFailed with plain
// words; nothing is lost, and the next sync resumes where this one stopped.
func runSync(c *Call, args []string) int {
	fs := c.flags("sync", `Usage: medinventory sync [--hub URL --code CODE] [--conflicts] [--settle ID --value VALUE]

Sends this laptop's new stock movements and product changes to the district hub and brings back
what the other laptops of the clinic recorded. The first time, join with the hub's address and the
one-time code the district printed (medinventory hub enrol); the device token is kept in the
computer's keyring (or the `+syncclient.TokenEnv+` environment variable where there is none).

--conflicts lists the product fields two laptops changed before either saw the other; --settle ID
--value VALUE chooses the value of one (the choice goes to the other laptops at the next sync).
`)
	hub := fs.String("hub", "", "the hub's address, e.g. https://hub.example.org (kept in settings.json)")
	code := fs.String("code", "", "the one-time code that joins this laptop to its clinic")
	conflicts := fs.Bool("conflicts", false, "list the conflicts to settle")
	settle := fs.Int64("settle", 0, "settle conflict ID (with --value)")
	value := fs.String("value", "", "the value chosen with --settle")
	batch := fs.Int("batch", 0, "rows sent per request (default 2000; smaller on a poor link)")
	_, code2, ok := parseArgs(fs, args)
	if !ok {
		return code2
	}
	if *code != "" && *hub == "" {
		if app, err := loadHub(c); err == nil && app != "" {
			*hub = app
		} else {
			fmt.Fprintln(c.Stderr, "medinventory sync: "+i18n.T("give the hub's address with --hub as well as --code"))
			return ExitUsage
		}
	}
	if *settle != 0 && !flagGiven(fs, "value") {
		fmt.Fprintln(c.Stderr, "medinventory sync: "+i18n.T("--settle needs --value (the value to keep)"))
		return ExitUsage
	}
	ctx, stop := interruptible()
	defer stop()
	o, ec := c.open(ctx, "sync", need{store: true})
	if o == nil {
		return ec
	}
	defer o.Close()
	switch {
	case *conflicts:
		return listConflicts(c, ctx, o.St)
	case *settle != 0:
		if err := o.St.SettleConflict(ctx, *settle, *value); err != nil {
			return c.fail(err)
		}
		fmt.Fprintln(c.Stdout, i18n.T("Conflict %d settled: %q is kept. It goes to the other laptops at the next sync.", *settle, *value))
		return ExitOK
	}
	var token string
	if *code != "" {
		var ec int
		if token, ec = joinHub(c, ctx, o, *hub, *code); ec != ExitOK {
			return ec
		}
	}
	info, err := o.St.SyncInfo(ctx)
	if err != nil {
		return c.fail(err)
	}
	cl := &syncclient.Client{Store: o.St, HubURL: info.HubURL, Token: syncclient.LoadToken(info.DataID), Batch: *batch}
	if *hub != "" && *code == "" {
		cl.HubURL = *hub
	}
	if token != "" {
		cl.Token = token // just joined: whether or not a keyring kept it
	}
	var last time.Time        // the last progress line
	if IsTerminal(c.Stderr) { // a long first sync says how far it has got, on one line
		cl.Progress = func(r syncclient.Result) {
			if time.Since(last) >= time.Second {
				last = time.Now()
				fmt.Fprintf(c.Stderr, "\r%s ", i18n.T("Syncing: %d rows sent, %d received…", r.SentRows, r.Rows))
			}
		}
	}
	res, err := cl.Sync(ctx)
	if !last.IsZero() {
		fmt.Fprint(c.Stderr, "\r\033[K") // the progress line goes before the result is printed
	}
	if err != nil {
		o.Sess.Log.Warn("sync failed", "err", err)
		fmt.Fprintln(c.Stderr, "medinventory sync: "+err.Error())
		if res.SentRows+res.Rows > 0 {
			fmt.Fprintln(c.Stderr, SyncWords(res))
		}
		return ExitFailed
	}
	fmt.Fprintln(c.Stdout, SyncWords(res))
	if res.Conflicts > 0 {
		fmt.Fprintln(c.Stdout, i18n.N(res.Conflicts, "%d product field was changed on two laptops at once: see medinventory sync --conflicts.",
			"%d product fields were changed on two laptops at once: see medinventory sync --conflicts.", res.Conflicts))
	}
	if res.Recounts > 0 {
		fmt.Fprintln(c.Stdout, i18n.N(res.Recounts, "%d lot's unit was changed on another laptop while this one recorded movements in the old unit: its balance may mix two units. Count it: see medinventory sync --conflicts.",
			"%d lots' unit was changed on another laptop while this one recorded movements in the old unit: their balances may mix two units. Count them: see medinventory sync --conflicts.", res.Recounts))
	}
	return ExitOK
}

// SyncWords is what a sync did, in plain words: "Sent 3 movements, received 5. Synced with
// Clinic A · 2 laptops."
func SyncWords(r syncclient.Result) string {
	sent := i18n.N(r.Sent, "Sent %d movement", "Sent %d movements", r.Sent)
	got := i18n.N(r.Received, "received %d.", "received %d.", r.Received)
	if r.Clinic == "" {
		return sent + ", " + got
	}
	return sent + ", " + got + " " + i18n.N(r.Laptops, "Synced with %[2]s · %[1]d laptop.", "Synced with %[2]s · %[1]d laptops.", r.Laptops, r.Clinic)
}

func loadHub(c *Call) (string, error) {
	sess, err := OpenSession(c.G, c.Stderr, "sync")
	if err != nil {
		return "", err
	}
	defer sess.Close()
	return settings.Load(sess.Dir).HubURL, nil
}

func flagGiven(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			found = true
		}
	})
	return found
}

// joinHub joins the hub with a one-time code, keeps the token and the hub's address, and returns
// the token.
func joinHub(c *Call, ctx context.Context, o *opened, hub, code string) (string, int) {
	hub = strings.TrimSpace(hub)
	if !strings.HasPrefix(hub, "http://") && !strings.HasPrefix(hub, "https://") {
		fmt.Fprintln(c.Stderr, "medinventory sync: "+i18n.T("%q is not a web address: write the hub's address as https://… or http://…", hub))
		return "", ExitUsage
	}
	resp, err := syncclient.Join(ctx, o.St, hub, strings.TrimSpace(code))
	if err != nil {
		fmt.Fprintln(c.Stderr, "medinventory sync: "+err.Error())
		return "", ExitFailed
	}
	app := settings.Load(o.Sess.Dir)
	app.HubURL = hub
	if err := settings.Save(o.Sess.Dir, app); err != nil {
		return "", c.fail(err)
	}
	info, err := o.St.SyncInfo(ctx)
	if err != nil {
		return "", c.fail(err)
	}
	fmt.Fprintln(c.Stdout, i18n.T("Joined %s on the hub at %s.", resp.ClinicName, hub))
	if err := syncclient.SaveToken(info.DataID, resp.Token); err != nil {
		var se *syncclient.Error
		if !errors.As(err, &se) {
			return "", c.fail(err)
		}
		o.Sess.Log.Warn("no keyring for the sync token", "err", se.Err)
		fmt.Fprintln(c.Stdout, se.Msg)
		fmt.Fprintf(c.Stdout, "%s=%s\n", syncclient.TokenEnv, resp.Token)
	}
	return resp.Token, ExitOK
}

func listConflicts(c *Call, ctx context.Context, st *store.Store) int {
	cs, err := st.SyncConflicts(ctx)
	if err != nil {
		return c.fail(err)
	}
	rs, err := st.SyncRecounts(ctx)
	if err != nil {
		return c.fail(err)
	}
	if len(cs) == 0 && len(rs) == 0 {
		fmt.Fprintln(c.Stdout, i18n.T("No conflicts to settle."))
		return ExitOK
	}
	if len(rs) > 0 {
		if code := listRecounts(c, rs); code != ExitOK || len(cs) == 0 {
			return code
		}
		fmt.Fprintln(c.Stdout)
	}
	tw := tabwriter.NewWriter(c.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, i18n.T("ID\tPRODUCT\tFIELD\tTHIS LAPTOP\tOTHER LAPTOP\tFOUND"))
	for _, x := range cs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", x.ID, printable.String(x.ProductName), x.Field, printable.String(x.Ours), printable.String(x.Theirs),
			time.UnixMilli(x.FoundAt).Format("2006-01-02 15:04"))
	}
	if err := tw.Flush(); err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.Stdout, i18n.T("Keep one with: medinventory sync --settle ID --value VALUE"))
	return ExitOK
}

// listRecounts lists the lots to count: another laptop converted a balance other than this one's.
func listRecounts(c *Call, rs []store.SyncRecount) int {
	fmt.Fprintln(c.Stdout, i18n.T("Lots to count: another laptop changed the unit from a balance other than this laptop's, so the balance may mix two units."))
	tw := tabwriter.NewWriter(c.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, i18n.T("PRODUCT\tLOT\tEXPIRY\tTHIS LAPTOP HAD\tOTHER LAPTOP CONVERTED\tFOUND"))
	for _, r := range rs {
		theirs := "—" // the other laptop converted nothing of this lot
		if r.TheirsKnown {
			theirs = fmt.Sprint(r.Theirs)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", printable.String(r.ProductName), printable.String(r.Lot), r.Expiry, r.Ours, theirs,
			time.UnixMilli(r.FoundAt).Format("2006-01-02 15:04"))
	}
	if err := tw.Flush(); err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.Stdout, i18n.T("Count each lot on the shelf and record it: medinventory count GTIN-OR-NAME COUNTED --lot LOT --reason count_correction"))
	return ExitOK
}
