package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"medinventory/analyzer"
	"medinventory/analyzer/barcode"
	"medinventory/assets/i18n"
	"medinventory/store/printable"
)

// runScan is `medinventory scan`: it opens no data folder.
func runScan(c *Call, args []string) int {
	stdout, stderr := c.Stdout, c.Stderr
	fs := c.flags("scan", i18n.T(`Usage: medinventory scan [--format text|json] PHOTO...

Reads the barcodes in each photo, here on this computer (nothing is added to the inventory and
nothing is sent anywhere), and prints for each the codes found: the type, the text (a GS1
separator shown as <GS>), the GS1 fields (GTIN, expiry, lot, serial), where in the photo, and
the time taken. Use it to check that a pack's code can be read.
With --format json it prints one JSON object per photo per line, with "file" and "codes".

Exit codes: 0 every photo was read (with or without codes), 1 a photo could not be opened, 2 wrong usage.

Flags:
`))
	format := fs.String("format", "text", i18n.T("text or json"))
	timeout := fs.Duration("timeout", 10*time.Second, i18n.T("the longest time spent looking for codes in one photo"))
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprint(stderr, i18n.T("medinventory scan: --format must be text or json, not %q\n", *format))
		return ExitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, i18n.T("medinventory scan: name at least one photo. Example: medinventory scan pack.jpg"))
		return ExitUsage
	}
	ctx, stop := interruptible()
	defer stop()
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	code := ExitOK
	for _, path := range fs.Args() {
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, i18n.T("medinventory scan: interrupted."))
			return ExitFailed
		}
		res := scanPhoto(ctx, path, *timeout)
		if res.Error != "" {
			code = ExitFailed
		}
		if *format == "json" {
			if err := enc.Encode(res); err != nil {
				return c.fail(err)
			}
			continue
		}
		printScan(stdout, res)
	}
	return code
}

// ScanCode is one code in `scan --format json`.
type ScanCode struct {
	Symbology string     `json:"symbology"`
	Text      string     `json:"text"` // FNC1/GS shown as <GS>
	GS1       *ScanGS1   `json:"gs1,omitempty"`
	Note      string     `json:"note,omitempty"`
	Bounds    ScanBounds `json:"bounds"`
}

// ScanGS1 is a code's GS1 fields.
type ScanGS1 struct {
	GTIN           string            `json:"gtin,omitempty"`
	Expiry         string            `json:"expiry,omitempty"`
	Lot            string            `json:"lot,omitempty"`
	Serial         string            `json:"serial,omitempty"`
	ProductionDate string            `json:"production_date,omitempty"`
	Count          *int64            `json:"count,omitempty"`
	Other          map[string]string `json:"other,omitempty"`
}

// ScanBounds is where in the photo a code is, in pixels.
type ScanBounds struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

// ScanResult is one line of `scan --format json`.
type ScanResult struct {
	File   string     `json:"file"`
	Width  int        `json:"width,omitempty"`
	Height int        `json:"height,omitempty"`
	MS     float64    `json:"ms"` // time taken to read the codes (the decode of the photo excluded)
	Codes  []ScanCode `json:"codes"`
	Error  string     `json:"error,omitempty"`
}

func scanPhoto(ctx context.Context, path string, timeout time.Duration) ScanResult {
	res := ScanResult{File: path, Codes: []ScanCode{}}
	img, info, err := analyzer.LoadImageFile(path)
	if err != nil {
		var ie *analyzer.ImageError
		if errors.As(err, &ie) {
			res.Error = ie.Msg
		} else {
			res.Error = i18n.T("This file cannot be opened (%s). Check that it exists and you may read it.", err.Error())
		}
		return res
	}
	res.Width, res.Height = info.Width, info.Height
	rctx, cancel := context.WithTimeout(ctx, timeout)
	start := time.Now()
	codes, err := barcode.Read(rctx, img)
	res.MS = float64(time.Since(start).Microseconds()) / 1000
	cancel()
	if err != nil && ctx.Err() == nil {
		res.Error = i18n.T("The search for codes stopped after %s; what was found so far is shown.", timeout)
	}
	for _, c := range codes {
		sc := ScanCode{Symbology: string(c.Symbology), Text: strings.ReplaceAll(c.Text, "\x1d", "<GS>"), Note: c.Note,
			Bounds: ScanBounds{c.Bounds.Min.X, c.Bounds.Min.Y, c.Bounds.Dx(), c.Bounds.Dy()}}
		if g := c.GS1; g != nil {
			sc.GS1 = &ScanGS1{GTIN: g.GTIN, Expiry: g.Expiry, Lot: g.Lot, Serial: g.Serial,
				ProductionDate: g.ProductionDate, Count: g.Count, Other: g.Other}
		}
		res.Codes = append(res.Codes, sc)
	}
	return res
}

func printScan(w io.Writer, r ScanResult) {
	if r.Width == 0 {
		fmt.Fprintf(w, "%s: %s\n", printable.String(r.File), r.Error)
		return
	}
	fmt.Fprintf(w, "%s (%d×%d, %.0f ms): ", printable.String(r.File), r.Width, r.Height, r.MS)
	switch len(r.Codes) {
	case 0:
		fmt.Fprintln(w, i18n.T("no code found"))
	default:
		fmt.Fprintln(w, i18n.N(len(r.Codes), "%d code", "%d codes"))
	}
	for _, c := range r.Codes {
		fmt.Fprintf(w, "  %-10s %s\n", c.Symbology, printable.String(c.Text)) // a code's text is the photo's, untrusted
		if g := c.GS1; g != nil {
			var f []string
			for _, kv := range [][2]string{{"GTIN", g.GTIN}, {"expiry", g.Expiry}, {"lot", g.Lot}, {"serial", g.Serial}, {"made", g.ProductionDate}} {
				if kv[1] != "" {
					f = append(f, kv[0]+" "+kv[1])
				}
			}
			if g.Count != nil {
				f = append(f, i18n.T("count %d", *g.Count))
			}
			for _, k := range slices.Sorted(maps.Keys(g.Other)) {
				f = append(f, "("+k+") "+g.Other[k])
			}
			fmt.Fprintf(w, "             %s\n", printable.String(strings.Join(f, ", ")))
		}
		if c.Note != "" {
			fmt.Fprint(w, i18n.T("             not a product: %s\n", c.Note))
		}
		fmt.Fprintf(w, "             at x %d–%d, y %d–%d\n", c.Bounds.X, c.Bounds.X+c.Bounds.W, c.Bounds.Y, c.Bounds.Y+c.Bounds.H)
	}
	if r.Error != "" {
		fmt.Fprintf(w, "  %s\n", r.Error)
	}
}
