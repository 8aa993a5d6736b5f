package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store/hub"
	"medinventory/ui/hubweb"
)

// runHub is `medinventory hub`: the district hub (the sync API and the district pages over
// PostgreSQL), and its administration: `hub enrol`, `hub user`, `hub stock`, `hub devices`,
// `hub remove`.
func runHub(c *Call, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "enrol", "enroll":
			return runHubEnrol(c, args[1:])
		case "user":
			return runHubUser(c, args[1:])
		case "stock":
			return runHubStock(c, args[1:])
		case "devices":
			return runHubDevices(c, args[1:])
		case "remove":
			return runHubRemove(c, args[1:])
		}
	}
	fs := c.flags("hub", i18n.T(`Usage: medinventory hub --database URL --listen ADDR [--cert FILE --key FILE] [--insecure-http]
       medinventory hub enrol --database URL --clinic NAME
       medinventory hub user --database URL --name NAME [--password-stdin]
       medinventory hub stock --database URL [--clinic NAME] [--format table|csv|json]
       medinventory hub devices --database URL [--clinic NAME] [--format table|json]
       medinventory hub remove --database URL --device ID

Runs the district hub: the laptops of the district's clinics sync through it (medinventory sync), and
the district's people see every clinic's stock on its web pages (sign-in required). Its data is in
PostgreSQL; the hub makes and migrates its tables when it starts. The database URL may also come from
$MEDINVENTORY_HUB_DATABASE (keeps its password out of the process list).

HTTPS with --cert and --key. Plain HTTP only on this computer (a loopback address such as
127.0.0.1:8440), or anywhere with --insecure-http (behind a TLS proxy).

Flags:
`))
	dbURL := hubDatabaseFlag(fs)
	listen := fs.String("listen", "127.0.0.1:8440", i18n.T("the address and port to listen on"))
	cert := fs.String("cert", "", i18n.T("the TLS certificate file (PEM; with its chain)"))
	key := fs.String("key", "", i18n.T("the TLS private key file (PEM)"))
	insecure := fs.Bool("insecure-http", false, i18n.T("serve plain HTTP on an address other than loopback (only behind a TLS proxy)"))
	rest, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return c.usageError("hub", errors.New(i18n.T("%q is not something hub does: use enrol, user, stock, devices or remove, or no word to run the hub", rest[0])))
	}
	if (*cert == "") != (*key == "") {
		return c.usageError("hub", errors.New(i18n.T("--cert and --key go together: give both for HTTPS")))
	}
	if *cert == "" && !*insecure && !loopback(*listen) {
		return c.usageError("hub", errors.New(i18n.T("plain HTTP would send the laptops' tokens and the district's passwords unencrypted on %s: give --cert and --key for HTTPS, listen on 127.0.0.1, or say --insecure-http (behind a TLS proxy)", *listen)))
	}
	if *dbURL == "" {
		return c.usageError("hub", errNoDatabase())
	}
	ctx, stop := hubContext()
	defer stop()
	h, err := hub.Open(ctx, *dbURL)
	if err != nil {
		return c.fail(err)
	}
	defer h.Close()
	log := slog.New(slog.NewTextHandler(c.Stderr, nil))
	srv := &http.Server{
		Addr:              *listen,
		Handler:           hubweb.New(h, hubweb.Options{SecureCookie: *cert != "", Log: log}),
		ReadHeaderTimeout: 20 * time.Second,
		ReadTimeout:       10 * time.Minute, // a clinic's first push over a 2G link
		WriteTimeout:      10 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return c.fail(fmt.Errorf("%s: %w", i18n.T("cannot listen on %s (is another program using it?)", *listen), err))
	}
	scheme := "http"
	if *cert != "" {
		scheme = "https"
	}
	fmt.Fprintln(c.Stdout, i18n.T("The district hub %s listens on %s://%s (stop it with Ctrl+C).", h.ID(), scheme, ln.Addr()))
	served := make(chan error, 1)
	go func() {
		if *cert != "" {
			served <- srv.ServeTLS(ln, *cert, *key)
		} else {
			served <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-served:
		return c.fail(err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.Stdout, i18n.T("The district hub has stopped."))
	return ExitOK
}

// hubContext is the serving hub's life: until SIGINT/SIGTERM (a test replaces it).
var hubContext = interruptible

// hubDatabaseFlag adds --database, defaulting to $MEDINVENTORY_HUB_DATABASE.
func hubDatabaseFlag(fs *flag.FlagSet) *string {
	return fs.String("database", os.Getenv("MEDINVENTORY_HUB_DATABASE"), i18n.T("the hub's PostgreSQL database, as a URL: postgres://USER:PASSWORD@HOST/DB (default: $MEDINVENTORY_HUB_DATABASE)"))
}

func errNoDatabase() error {
	return errors.New(i18n.T("which database? Give --database postgres://USER:PASSWORD@HOST/DB (or set MEDINVENTORY_HUB_DATABASE)"))
}

// loopback says whether addr (host:port) listens on this computer only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
