package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"medinventory/assets/i18n"
	"medinventory/store/settings"
)

// runSettings is `medinventory settings`: list, read and change the settings a script may need
// (store/settings.Keys). The API key is not one of them: it is never printed.
func runSettings(c *Call, args []string) int {
	stdout, stderr := c.Stdout, c.Stderr
	var help strings.Builder
	help.WriteString(`Usage: medinventory settings [list | get KEY | set KEY VALUE]

Lists the settings (the default), prints one (get) or changes one (set; an empty VALUE, "", goes back
to the default). The API key is never shown: set it in the window (Settings). A window open on the
same data folder keeps the settings it read until it is restarted, and saving its Settings dialog
writes those back.

Settings:
`)
	tw := tabwriter.NewWriter(&help, 0, 0, 2, ' ', 0)
	for _, k := range settings.Keys {
		fmt.Fprintf(tw, "  %s\t%s\n", k.Name, k.Help)
	}
	tw.Flush()
	fs := c.flags("settings", help.String())
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	verb := "list"
	if len(rest) > 0 {
		verb, rest = rest[0], rest[1:]
	}
	want := map[string]int{"list": 0, "get": 1, "set": 2}
	n, known := want[verb]
	if !known {
		fmt.Fprint(stderr, i18n.T("medinventory settings: %q is not something settings does: use list, get KEY or set KEY VALUE\n", verb))
		return ExitUsage
	}
	if len(rest) != n {
		fmt.Fprint(stderr, i18n.T("medinventory settings: %s takes %s\n", verb, [...]string{"nothing more", "one KEY", "a KEY and a VALUE (quote a VALUE with spaces)"}[n]))
		return ExitUsage
	}
	var key settings.Key
	if n > 0 {
		var err error
		if key, err = settings.FindKey(rest[0]); err != nil {
			fmt.Fprintln(stderr, "medinventory settings: "+err.Error())
			return ExitUsage
		}
	}
	o, code := c.open(context.Background(), "settings", need{})
	if o == nil {
		return code
	}
	defer o.Close()
	app := settings.Load(o.Sess.Dir)
	switch verb {
	case "list":
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		for _, k := range settings.Keys {
			fmt.Fprintf(tw, "%s\t%s\n", k.Name, k.Get(app))
		}
		if err := tw.Flush(); err != nil {
			return c.fail(err)
		}
	case "get":
		fmt.Fprintln(stdout, key.Get(app))
	case "set":
		if err := key.Set(&app, rest[1]); err != nil {
			fmt.Fprintln(stderr, "medinventory settings: "+err.Error())
			return ExitUsage
		}
		if err := settings.Save(o.Sess.Dir, app); err != nil {
			return c.fail(i18n.Errorf("save the settings: %w", err))
		}
		fmt.Fprint(stderr, i18n.T("%s is now %q\n", key.Name, key.Get(app)))
	}
	return ExitOK
}
