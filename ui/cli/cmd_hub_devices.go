package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"medinventory/assets/i18n"
	"medinventory/store/hub"
	"medinventory/store/printable"
)

// runHubDevices is `medinventory hub devices`: each clinic's laptops, to find the one to remove.
func runHubDevices(c *Call, args []string) int {
	fs := c.flags("hub devices", i18n.T(`Usage: medinventory hub devices --database URL [--clinic NAME] [--format table|json]

Lists each clinic's laptops: the device id (for medinventory hub remove), the laptop's name, when it
joined, when it last synced and how many movements it sent.

Flags:
`))
	dbURL := hubDatabaseFlag(fs)
	clinic := fs.String("clinic", "", i18n.T("only this clinic"))
	format := fs.String("format", "table", i18n.T("table (for reading) or json"))
	if code, ok := hubArgs(c, "hub devices", fs, args); !ok {
		return code
	}
	if *format != "table" && *format != "json" {
		return c.usageError("hub devices", errors.New(i18n.T("%q is not a format: choose table or json", *format)))
	}
	return withHub(c, "hub devices", *dbURL, func(ctx context.Context, h *hub.Hub) error {
		devices, err := h.Devices(ctx, *clinic)
		if err != nil {
			return err
		}
		if *format == "json" {
			if devices == nil {
				devices = []hub.Device{}
			}
			if c.writeJSON(devices) != ExitOK {
				return errors.New(i18n.T("the list of laptops could not be written"))
			}
			return nil
		}
		if len(devices) == 0 {
			if strings.TrimSpace(*clinic) != "" {
				fmt.Fprintln(c.Stdout, i18n.T("No laptop of %s has joined the hub.", printable.String(strings.TrimSpace(*clinic))))
			} else {
				fmt.Fprintln(c.Stdout, i18n.T("No laptop has joined the hub yet."))
			}
			return nil
		}
		tw := tabwriter.NewWriter(c.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", i18n.T("Clinic"), i18n.T("Device id"), i18n.T("Name"), i18n.T("Joined"), i18n.T("Last sync"), i18n.T("Movements sent"))
		for _, d := range devices {
			last := i18n.T("never")
			if !d.LastSync.IsZero() {
				last = i18n.DateTime(d.LastSync.Local())
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", printable.String(d.Clinic), printable.String(d.ID), printable.String(d.Name),
				i18n.DateTime(d.Joined.Local()), last, i18n.Int(d.Movements))
		}
		return tw.Flush()
	})
}

// runHubRemove is `medinventory hub remove`: a stolen or broken laptop leaves its clinic.
func runHubRemove(c *Call, args []string) int {
	fs := c.flags("hub remove", i18n.T(`Usage: medinventory hub remove --database URL --device ID

Removes a laptop from its clinic (a stolen or broken one): its token stops working, so it can no
longer send or receive anything. What it sent stays: its movements are part of the clinic's stock.
It asks nothing: find the id with medinventory hub devices first. A removed laptop may join again
with a new code.

Flags:
`))
	dbURL := hubDatabaseFlag(fs)
	id := fs.String("device", "", i18n.T("the laptop's device id, from medinventory hub devices"))
	if code, ok := hubArgs(c, "hub remove", fs, args); !ok {
		return code
	}
	if strings.TrimSpace(*id) == "" {
		return c.usageError("hub remove", errors.New(i18n.T("which laptop? Give --device ID (see medinventory hub devices)")))
	}
	return withHub(c, "hub remove", *dbURL, func(ctx context.Context, h *hub.Hub) error {
		d, err := h.RemoveDevice(ctx, *id)
		if err != nil {
			return err
		}
		label := printable.String(d.ID)
		if d.Name != "" {
			label = printable.String(d.Name) + " (" + label + ")"
		}
		fmt.Fprintln(c.Stdout, i18n.N(int(d.Movements),
			"Removed laptop %s of %s: its token no longer works; its %s movement stays in the clinic's stock.",
			"Removed laptop %s of %s: its token no longer works; its %s movements stay in the clinic's stock.",
			label, printable.String(d.Clinic), i18n.Int(d.Movements)))
		return nil
	})
}
