package hubweb

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"medinventory/store/hub"
	"medinventory/store/pgtest"
	"medinventory/store/syncwire"
)

// TestScreenshots takes the district pages' screenshots in a real browser (Debian's chromium,
// headless) when MEDINVENTORY_SHOTS names a folder: `MEDINVENTORY_SHOTS=/tmp/shots go test -tags ci
// -run Screenshots ./ui/hubweb/`. The browser is signed in by the test: it signs in for real
// (Hub.SignIn) and puts the session cookie on the browser's requests in front of the handler; the
// product's handler is unchanged.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("MEDINVENTORY_SHOTS")
	if dir == "" {
		t.Skip("set MEDINVENTORY_SHOTS=DIR to take the district pages' screenshots")
	}
	browser, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed (apt-get install chromium)")
	}
	ctx := context.Background()
	url := pgtest.Start(t)
	h, err := hub.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	seedDistrict(t, h, url)
	if err := h.SetUser(ctx, "amina", "a long enough password"); err != nil {
		t.Fatal(err)
	}
	token, err := h.SignIn(ctx, "amina", "a long enough password", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	handler := New(h, Options{Log: quiet})
	signedIn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.AddCookie(&http.Cookie{Name: cookieName, Value: token})
		handler.ServeHTTP(w, r)
	}))
	defer signedIn.Close()
	anonymous := httptest.NewServer(handler)
	defer anonymous.Close()

	shots := []struct{ name, url string }{
		{"signin", anonymous.URL + "/stock"},
		{"clinics", signedIn.URL + "/"},
		{"stock", signedIn.URL + "/stock"},
		{"stock-clinic", signedIn.URL + "/stock?clinic=Kasese+HC+III"},
		{"stockouts", signedIn.URL + "/stockouts"},
		{"expiring", signedIn.URL + "/expiring?days=120"},
	}
	os.MkdirAll(dir, 0o755)
	for _, s := range shots {
		out := filepath.Join(dir, "hub-"+s.name+".png")
		cmd := exec.Command(browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
			"--user-data-dir="+t.TempDir(), "--window-size=1366,900", "--screenshot="+out, s.url)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("chromium %s: %v\n%s", s.name, err, b)
		}
		if st, err := os.Stat(out); err != nil || st.Size() < 5000 {
			t.Fatalf("no screenshot %s: %v", out, err)
		}
		t.Logf("%s", out)
	}
}

// seedDistrict fills the hub with four clinics as their laptops would: products named by edits,
// lots, receipts and dispenses; one clinic out of a product, one lot expiring soon, one clinic
// enrolled but never synced, and syncs of different ages.
func seedDistrict(t *testing.T, h *hub.Hub, url string) {
	ctx := context.Background()
	products := []struct{ gtin, name string }{
		{"06001234000013", "Amoxicillin 250 mg capsules"},
		{"06001234000020", "Paracetamol 500 mg tablets"},
		{"06001234000037", "Artemether/Lumefantrine 20/120 mg"},
		{"06001234000044", "ORS sachets (low osmolarity)"},
		{"06001234000051", "Zinc sulfate 20 mg dispersible"},
		{"06001234000068", "Cotrimoxazole 480 mg tablets"},
	}
	today := time.Now()
	clinics := []struct {
		name  string
		ago   time.Duration
		stock [][3]int // product index, received, dispensed
	}{
		{"Kasese HC III", 25 * time.Minute, [][3]int{{0, 500, 320}, {1, 1000, 410}, {2, 300, 300}, {3, 200, 35}, {4, 100, 12}}},
		{"Bwera Hospital", 3 * time.Hour, [][3]int{{0, 800, 150}, {1, 2000, 900}, {2, 600, 240}, {5, 400, 120}}},
		{"Rukoki HC II", 6 * 24 * time.Hour, [][3]int{{1, 300, 300}, {3, 100, 60}, {4, 50, 50}}},
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for ci, c := range clinics {
		code, _ := h.Enrol(ctx, c.name)
		dev, data := uuid.NewString(), uuid.NewString()
		j, err := h.Join(ctx, syncwire.EnrolRequest{Code: code, DeviceID: dev, DeviceName: "dispensary", DataID: data})
		if err != nil {
			t.Fatal(err)
		}
		req := syncwire.PushRequest{DeviceID: dev, DataID: data, Through: 1}
		for si, s := range c.stock {
			p := products[s[0]]
			pu, lu := uuid.NewString(), uuid.NewString()
			expiry := today.AddDate(0, 6+3*si+ci, 0).Format("2006-01-02")
			if ci == 0 && si == 1 {
				expiry = today.AddDate(0, 0, 75).Format("2006-01-02") // expiring soon
			}
			req.Products = append(req.Products, syncwire.Product{UUID: pu, DeviceID: dev, GTIN: p.gtin, Created: 1})
			req.Edits = append(req.Edits, syncwire.Edit{UUID: uuid.NewString(), DeviceID: dev, Entity: "product", EntityUUID: pu, Field: "name", Value: p.name, At: 1})
			req.Lines = append(req.Lines, syncwire.Line{UUID: lu, DeviceID: dev, ProductUUID: pu, Lot: fmt.Sprintf("L%02d%03d", ci+1, 100+si*7), Expiry: expiry, Created: 1})
			req.Movements = append(req.Movements,
				syncwire.Movement{UUID: uuid.NewString(), DeviceID: dev, LineUUID: lu, Kind: "receive", Quantity: int64(s[1]), At: 1, RecordedAt: 1},
				syncwire.Movement{UUID: uuid.NewString(), DeviceID: dev, LineUUID: lu, Kind: "dispense", Quantity: -int64(s[2]), At: 2, RecordedAt: 2})
		}
		if _, err := h.Push(ctx, j.Token, req); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, "UPDATE devices SET last_sync = now() - $2::interval WHERE device_id = $1", dev, c.ago.String()); err != nil {
			t.Fatal(err)
		}
	}
	h.Enrol(ctx, "Nyabirongo HC II") // enrolled, its laptop not yet joined
}
