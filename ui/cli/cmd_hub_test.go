package cli

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"medinventory/store/hub"
	"medinventory/store/pgtest"
	"medinventory/store/syncwire"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func runMain(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb, Env{Version: "test"})
	return code, out.String(), errb.String()
}

// hub enrol prints the code alone on its last line; the code joins a laptop; hub user makes a
// district user; hub stock prints what the laptop pushed.
func TestHubCommands(t *testing.T) {
	db := pgtest.Start(t)
	code, out, errs := runMain(t, "hub", "enrol", "--database", db, "--clinic", "Kasese HC")
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	enrolCode := lines[len(lines)-1]
	if code != ExitOK || !regexp.MustCompile(`^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$`).MatchString(enrolCode) || !strings.Contains(errs, "Kasese HC") {
		t.Fatalf("hub enrol: %d %q %q", code, out, errs)
	}
	ctx := context.Background()
	h, err := hub.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	j, err := h.Join(ctx, syncwire.EnrolRequest{Code: enrolCode, DeviceID: "dev", DataID: "data"})
	if err != nil {
		t.Fatal(err)
	}
	h.Push(ctx, j.Token, syncwire.PushRequest{DeviceID: "dev", DataID: "data", Through: 1,
		Products:  []syncwire.Product{{UUID: "p-000000000", DeviceID: "dev", GTIN: "05012345678900", NameKey: "paracetamol 500", Created: 1}},
		Lines:     []syncwire.Line{{UUID: "l-000000000", DeviceID: "dev", ProductUUID: "p-000000000", Lot: "A1", Expiry: "2030-01-31", Created: 1}},
		Movements: []syncwire.Movement{{UUID: "m-000000000", DeviceID: "dev", LineUUID: "l-000000000", Kind: "receive", Quantity: 2, At: 1, RecordedAt: 1}}})
	// A name a spreadsheet would run as a formula, from a laptop: the CSV defuses it.
	h.Push(ctx, j.Token, syncwire.PushRequest{DeviceID: "dev", DataID: "data", Through: 2,
		Products:  []syncwire.Product{{UUID: "p-000000001", DeviceID: "dev", NameKey: `=HYPERLINK("http://evil.example","open")`, Created: 1}},
		Lines:     []syncwire.Line{{UUID: "l-000000001", DeviceID: "dev", ProductUUID: "p-000000001", Lot: "@SUM(1)", Created: 1}},
		Movements: []syncwire.Movement{{UUID: "m-000000001", DeviceID: "dev", LineUUID: "l-000000001", Kind: "receive", Quantity: 1, At: 1, RecordedAt: 1}}})

	code, out, errs = runMain(t, "hub", "stock", "--database", db, "--format", "json")
	var rows []hub.StockRow
	if code != ExitOK || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 2 || rows[1].OnHand != 2 || rows[1].Lot != "A1" {
		t.Fatalf("hub stock --format json: %d %q %q", code, out, errs)
	}
	if code, out, _ = runMain(t, "hub", "stock", "--database", db); code != ExitOK || !strings.Contains(out, "paracetamol 500") {
		t.Fatalf("hub stock: %d %q", code, out)
	}
	// A name with a terminal's control sequence (OSC 52 writes the clipboard) is not passed to the
	// terminal as is.
	h.Push(ctx, j.Token, syncwire.PushRequest{DeviceID: "dev", DataID: "data", Through: 3,
		Products:  []syncwire.Product{{UUID: "p-000000002", DeviceID: "dev", NameKey: "zinc\x1b]52;c;cm0gLXJmIH4=\x07\ttab", Created: 1}},
		Lines:     []syncwire.Line{{UUID: "l-000000002", DeviceID: "dev", ProductUUID: "p-000000002", Lot: "Z\n1", Created: 1}},
		Movements: []syncwire.Movement{{UUID: "m-000000002", DeviceID: "dev", LineUUID: "l-000000002", Kind: "receive", Quantity: 1, At: 1, RecordedAt: 1}}})
	if code, out, _ = runMain(t, "hub", "stock", "--database", db); code != ExitOK || strings.ContainsAny(out, "\x1b\x07") || !strings.Contains(out, "zinc") || strings.Contains(out, "Z\n1") {
		t.Fatalf("hub stock passed control characters to the terminal: %d %q", code, out)
	}
	if code, out, _ = runMain(t, "hub", "stock", "--database", db, "--format", "csv"); code != ExitOK || !strings.Contains(out, "Kasese HC,paracetamol 500,05012345678900,A1,2030-01-31,2") {
		t.Fatalf("hub stock csv: %d %q", code, out)
	}
	if !strings.Contains(out, `"'=HYPERLINK(""http://evil.example"",""open"")",,'@SUM(1),,1`) {
		t.Fatalf("hub stock csv let a formula through: %q", out)
	}

	code, out, errs = runMain(t, "hub", "user", "--database", db, "--name", "amina")
	lines = strings.Split(strings.TrimRight(out, "\n"), "\n")
	if code != ExitOK {
		t.Fatalf("hub user: %d %q %q", code, out, errs)
	}
	if _, err := h.SignIn(ctx, "amina", lines[len(lines)-1], time.Minute); err != nil {
		t.Fatalf("the printed password does not sign in: %v", err)
	}

	// --password-stdin: the password from the first line of standard input, not printed.
	r, w, _ := os.Pipe()
	w.WriteString("a password from a script\n")
	w.Close()
	stdin := os.Stdin
	os.Stdin = r
	code, out, errs = runMain(t, "hub", "user", "--database", db, "--name", "joseph", "--password-stdin")
	os.Stdin = stdin
	if code != ExitOK || strings.Contains(out, "a password from a script") {
		t.Fatalf("hub user --password-stdin: %d %q %q", code, out, errs)
	}
	if _, err := h.SignIn(ctx, "joseph", "a password from a script", time.Minute); err != nil {
		t.Fatalf("the password read from stdin does not sign in: %v", err)
	}
}

func TestHubCommandRefusals(t *testing.T) {
	t.Setenv("MEDINVENTORY_HUB_DATABASE", "")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"hub", "enrol", "--clinic", "X"}, "--database"},
		{[]string{"hub", "enrol", "--database", "postgres:///x"}, "--clinic"},
		{[]string{"hub", "--database", "postgres:///x", "--listen", "0.0.0.0:8440"}, "--insecure-http"},
		{[]string{"hub", "--database", "postgres:///x", "--cert", "c.pem"}, "--key"},
		{[]string{"hub", "stock", "--database", "postgres:///x", "--format", "xml"}, "xml"},
		{[]string{"hub", "frobnicate"}, "frobnicate"},
		{[]string{"hub", "devices", "--database", "postgres:///x", "--format", "csv"}, "choose table or json"},
		{[]string{"hub", "remove", "--database", "postgres:///x"}, "--device ID"},
		{[]string{"hub", "remove", "--device", "x"}, "--database"},
	}
	for _, c := range cases {
		if code, _, errs := runMain(t, c.args...); code != ExitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q", c.args, code, errs)
		}
	}
	// An unreachable database: a plain message, exit 1.
	dir := t.TempDir()
	code, _, errs := runMain(t, "hub", "enrol", "--database", "postgres:///x?host="+dir+"&connect_timeout=2", "--clinic", "X")
	if code != ExitFailed || !strings.Contains(errs, "cannot reach the hub database") {
		t.Errorf("no database: exit %d, %q", code, errs)
	}
}

// The hub serves until its context ends, then stops cleanly: plain HTTP on loopback, and HTTPS
// with a certificate and key.
func TestHubServes(t *testing.T) {
	db := pgtest.Start(t)
	certFile, keyFile, pool := selfSigned(t)
	for _, c := range []struct {
		scheme string
		args   []string
		client *http.Client
	}{
		{"http", nil, http.DefaultClient},
		{"https", []string{"--cert", certFile, "--key", keyFile}, &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		hubContext = func() (context.Context, context.CancelFunc) { return ctx, cancel }
		var out, errb bytes.Buffer
		done := make(chan int)
		args := append([]string{"hub", "--database", db, "--listen", "127.0.0.1:0"}, c.args...)
		go func() { done <- Main(args, &syncBuf{b: &out}, &errb, Env{}) }()
		var addr string
		for i := 0; i < 100 && addr == ""; i++ {
			time.Sleep(50 * time.Millisecond)
			if m := regexp.MustCompile(c.scheme + `://(127\.0\.0\.1:\d+)`).FindStringSubmatch(syncString(&out)); m != nil {
				addr = m[1]
			}
		}
		if addr == "" {
			cancel()
			t.Fatalf("%s: the hub did not say where it listens: %q %q", c.scheme, syncString(&out), errb.String())
		}
		req, _ := http.NewRequest("GET", c.scheme+"://"+addr+syncwire.PathStatus, nil)
		req.Header.Set(syncwire.HeaderVersion, "1")
		resp, err := c.client.Do(req)
		if err != nil {
			cancel()
			t.Fatalf("%s: %v", c.scheme, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("%s: status without a token: %d", c.scheme, resp.StatusCode)
		}
		cancel()
		if code := <-done; code != ExitOK {
			t.Fatalf("%s: exit %d: %s", c.scheme, code, errb.String())
		}
	}
	hubContext = interruptible
}

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns a pool that trusts it.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hub"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}
