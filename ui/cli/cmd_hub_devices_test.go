package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"medinventory/store/hub"
	"medinventory/store/pgtest"
	"medinventory/store/syncwire"
)

// hub devices lists each clinic's laptops; hub remove refuses an unknown id, removes a known one
// (its token then refused) and says what it did; the laptop's movements stay in hub stock.
func TestHubDevicesAndRemove(t *testing.T) {
	db := pgtest.Start(t)
	ctx := context.Background()
	h, err := hub.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if code, out, errs := runMain(t, "hub", "devices", "--database", db); code != ExitOK || !strings.Contains(out, "No laptop has joined the hub yet.") {
		t.Fatalf("hub devices, none: %d %q %q", code, out, errs)
	}
	enrol, err := h.Enrol(ctx, "Kasese HC")
	if err != nil {
		t.Fatal(err)
	}
	j, err := h.Join(ctx, syncwire.EnrolRequest{Code: enrol, DeviceID: "dev-stolen", DeviceName: "store-room", DataID: "data"})
	if err != nil {
		t.Fatal(err)
	}
	req := syncwire.PushRequest{DeviceID: "dev-stolen", DataID: "data", Through: 1,
		Products: []syncwire.Product{{UUID: "p-000000000", DeviceID: "dev-stolen", GTIN: "05012345678900", NameKey: "paracetamol 500", Created: 1}},
		Lines:    []syncwire.Line{{UUID: "l-000000000", DeviceID: "dev-stolen", ProductUUID: "p-000000000", Lot: "A1", Expiry: "2030-01-31", Created: 1}}}
	for i := 0; i < 1234; i++ {
		req.Movements = append(req.Movements, syncwire.Movement{UUID: fmt.Sprintf("m-%09d", i), DeviceID: "dev-stolen",
			LineUUID: "l-000000000", Kind: "receive", Quantity: 1, At: 1, RecordedAt: 1})
	}
	if _, err := h.Push(ctx, j.Token, req); err != nil {
		t.Fatal(err)
	}

	code, out, errs := runMain(t, "hub", "devices", "--database", db, "--clinic", "Kasese HC")
	if code != ExitOK || !strings.Contains(out, "dev-stolen") || !strings.Contains(out, "store-room") || !strings.Contains(out, "1,234") || !strings.Contains(out, "Movements sent") {
		t.Fatalf("hub devices: %d %q %q", code, out, errs)
	}
	code, out, errs = runMain(t, "hub", "devices", "--database", db, "--format", "json")
	var devices []hub.Device
	if code != ExitOK || json.Unmarshal([]byte(out), &devices) != nil || len(devices) != 1 || devices[0].Movements != 1234 || devices[0].LastSync.IsZero() {
		t.Fatalf("hub devices --format json: %d %q %q", code, out, errs)
	}
	if code, out, _ := runMain(t, "hub", "devices", "--database", db, "--clinic", "Bwera HC"); code != ExitOK || !strings.Contains(out, "No laptop of Bwera HC") {
		t.Fatalf("hub devices of another clinic: %d %q", code, out)
	}

	code, out, errs = runMain(t, "hub", "remove", "--database", db, "--device", "dev-unknown")
	if code != ExitFailed || out != "" || !strings.Contains(errs, `no laptop with the id "dev-unknown": nothing was removed`) {
		t.Fatalf("hub remove of an unknown id: %d %q %q", code, out, errs)
	}
	code, out, errs = runMain(t, "hub", "remove", "--database", db, "--device", "dev-stolen")
	want := "Removed laptop store-room (dev-stolen) of Kasese HC: its token no longer works; its 1,234 movements stay in the clinic's stock.\n"
	if code != ExitOK || out != want {
		t.Fatalf("hub remove: %d %q %q\nwant %q", code, out, errs, want)
	}
	if _, err := h.Status(ctx, j.Token); err == nil || !strings.Contains(err.Error(), "does not know this laptop's token") {
		t.Fatalf("the removed laptop's token: %v", err)
	}
	code, out, _ = runMain(t, "hub", "stock", "--database", db, "--format", "json")
	var rows []hub.StockRow
	if code != ExitOK || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 1 || rows[0].OnHand != 1234 {
		t.Fatalf("hub stock after the removal: %d %q; want 1,234", code, out)
	}
	if code, out, _ := runMain(t, "hub", "devices", "--database", db); code != ExitOK || strings.Contains(out, "dev-stolen") {
		t.Fatalf("hub devices after the removal: %d %q", code, out)
	}
}
