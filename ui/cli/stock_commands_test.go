package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"medinventory/store"
	"medinventory/store/stock"
)

// cmd runs the program with args against the data dir data and returns its exit code and output.
func cmd(t *testing.T, data string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(append([]string{"--data-dir", data}, args...), &out, &errb, Env{Version: "test"})
	return code, out.String(), errb.String()
}

// A paper register typed in: 100 received ten days ago, 30 dispensed five days ago leave 70 on
// hand, each movement dated on its day; a future day, more than is on hand and a bad reason are
// refused in plain words and change nothing; the JSON output parses.
func TestStockCommandsKeepThePaperRegister(t *testing.T) {
	data := t.TempDir()
	now := time.Now()
	tenAgo, fiveAgo := now.AddDate(0, 0, -10).Format(time.DateOnly), now.AddDate(0, 0, -5).Format(time.DateOnly)

	code, out, errs := cmd(t, data, "receive", "Amoxicillin", "100", "--lot", "L1", "--expiry", "2030-05-31", "--date", tenAgo, "--format", "json")
	if code != ExitOK {
		t.Fatalf("receive: exit %d, %s", code, errs)
	}
	var ch StockChange
	if err := json.Unmarshal([]byte(out), &ch); err != nil {
		t.Fatalf("receive --format json: %v\n%s", err, out)
	}
	if !ch.ProductCreated || ch.Product != "Amoxicillin" || len(ch.Movements) != 1 || ch.Movements[0].Quantity != 100 ||
		ch.Movements[0].Date != tenAgo || ch.Movements[0].Lot != "L1" || ch.UsableOnHand != 100 {
		t.Fatalf("receive: %+v", ch)
	}

	code, out, errs = cmd(t, data, "dispense", "amoxicillin", "30", "--date", fiveAgo, "--note", "ward 2")
	if code != ExitOK || !strings.Contains(out, "Dispensed 30, lot L1 (expiry 2030-05-31), on "+fiveAgo+": 70 now in this lot.") ||
		!strings.Contains(out, "Amoxicillin: 70 usable on hand.") {
		t.Fatalf("dispense: exit %d, %q, %q", code, out, errs)
	}

	// Refusals: nothing recorded, a plain reason, no Go jargon.
	tomorrow := now.AddDate(0, 0, 1).Format(time.DateOnly)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"dispense", "Amoxicillin", "5", "--date", tomorrow}, ExitUsage, "is in the future"},
		{[]string{"receive", "Amoxicillin", "5", "--lot", "L1", "--expiry", "2030-05-31", "--date", tomorrow}, ExitUsage, "is in the future"},
		{[]string{"dispense", "Amoxicillin", "71"}, ExitFailed, "there is not that much on hand: 71 asked, 70 usable"},
		{[]string{"dispense", "Amoxicillin", "71", "--lot", "L1"}, ExitFailed, "71 asked, 70 on hand in this lot"},
		{[]string{"dispense", "Paracetamol", "1"}, ExitFailed, `no product is called "Paracetamol"`},
		{[]string{"dispense", "Amoxicillin", "many"}, ExitUsage, `"many" is not a quantity`},
		{[]string{"adjust", "Amoxicillin", "-2", "--reason", "stolen"}, ExitUsage, `"stolen" is not a reason for an adjustment: choose count_correction, damaged, lost, returned`},
		{[]string{"dispose", "Amoxicillin", "2"}, ExitUsage, "a disposal needs a reason: --reason expired|damaged"},
		{[]string{"receive", "Amoxicillin", "5", "--lot", "L1"}, ExitUsage, "give the expiry printed on the packs"},
		{[]string{"receive", "09506000134352", "5", "--lot", "L9", "--expiry", "2030-01-31"}, ExitFailed, "give its name with --name"},
	} {
		code, _, errs := cmd(t, data, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) || !strings.HasPrefix(errs, "medinventory") || strings.Count(strings.TrimSpace(errs), "\n") > 0 {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q on one line", tc.args, code, errs, tc.code, tc.want)
		}
	}

	// Adjust, dispose and count, each as the store's rules say.
	if code, out, errs := cmd(t, data, "adjust", "Amoxicillin", "-2", "--reason", "lost"); code != ExitOK || !strings.Contains(out, "Adjusted by -2 (lost)") {
		t.Fatalf("adjust: exit %d, %q, %q", code, out, errs)
	}
	if code, out, errs := cmd(t, data, "dispose", "Amoxicillin", "3", "--reason", "damaged", "--lot", "L1"); code != ExitOK || !strings.Contains(out, "Disposed of 3 (damaged)") {
		t.Fatalf("dispose: exit %d, %q, %q", code, out, errs)
	}
	if code, _, errs := cmd(t, data, "count", "Amoxicillin", "64"); code != ExitFailed || !strings.Contains(errs, "--reason count_correction, damaged, lost or returned") {
		t.Fatalf("count that differs, with no reason: exit %d, %q; want a refusal asking for --reason", code, errs)
	}
	if code, _, errs := cmd(t, data, "count", "Amoxicillin", "64", "--reason", "expired"); code != ExitUsage || !strings.Contains(errs, "not a reason for a count") {
		t.Fatalf("count with a disposal reason: exit %d, %q", code, errs)
	}
	if code, out, errs := cmd(t, data, "count", "Amoxicillin", "64", "--reason", "lost"); code != ExitOK || !strings.Contains(out, "Counted 64 (a difference of -1, lost)") {
		t.Fatalf("count: exit %d, %q, %q", code, out, errs)
	}
	if code, out, errs := cmd(t, data, "count", "Amoxicillin", "64", "--format", "json"); code != ExitOK || !strings.Contains(out, `"counted": 64`) || !strings.Contains(out, `"quantity": 0`) || strings.Contains(out, `"reason"`) {
		t.Fatalf("a second count that agrees needs no reason: exit %d, %q, %q", code, out, errs)
	}

	// The count sheet: every lot with stock, the books' figure, a blank column to write in.
	if code, out, errs := cmd(t, data, "export", "--report", "count-sheet", "--format", "csv"); code != ExitOK ||
		!strings.Contains(out, "shelf,product,strength,lot,expiry,expected_on_hand,unit,counted,remarks,line") || !strings.Contains(out, ",64,") {
		t.Fatalf("count sheet: exit %d, %q, %q", code, out, errs)
	}
	if code, _, errs := cmd(t, data, "export", "--report", "count-sheet", "--shelf", "Nowhere", "--format", "csv"); code != ExitFailed ||
		!strings.Contains(errs, `no lot with stock is on shelf "Nowhere"`) {
		t.Fatalf("count sheet of an unknown shelf: exit %d, %q", code, errs)
	}

	// stock shows what is left, and the ledger has each movement on its day.
	code, out, errs = cmd(t, data, "stock", "--format", "json")
	var ps []StockProduct
	if err := json.Unmarshal([]byte(out), &ps); code != ExitOK || err != nil || len(ps) != 1 || ps[0].UsableOnHand != 64 {
		t.Fatalf("stock: exit %d, %v, %s %s", code, err, out, errs)
	}
	st, err := store.Open(context.Background(), data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.MovementsBetween(context.Background(), now.AddDate(0, 0, -30), now.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	days := map[stock.Kind]string{}
	for _, r := range rows {
		days[r.Kind] = r.At.Local().Format(time.DateOnly)
	}
	today := now.Format(time.DateOnly)
	if days[stock.Receive] != tenAgo || days[stock.Dispense] != fiveAgo || days[stock.Adjust] != today || days[stock.Count] != today {
		t.Fatalf("movement days %v; want receive %s, dispense %s, the rest today", days, tenAgo, fiveAgo)
	}
}

// Two photos of one pack a few minutes apart and a third of another: --confirm-all confirms the
// two that look like no other photo and leaves the look-alike, saying why; the exit code is 0.
func TestReceiptsConfirmAllLeavesLookAlikes(t *testing.T) {
	data := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	photo := func(seed uint8, hash uint64, ne store.NewEntry) store.Photo {
		p := filepath.Join(t.TempDir(), "pack.jpg")
		img := image.NewRGBA(image.Rect(0, 0, 64, 48))
		for i := range img.Pix {
			img.Pix[i] = uint8(i)*seed + seed
		}
		img.Set(0, 0, color.RGBA{seed, 0, 0, 255})
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := jpeg.Encode(f, img, nil); err != nil {
			t.Fatal(err)
		}
		f.Close()
		res, err := st.AddPhoto(ctx, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SetPhotoHash(ctx, res.Photo.ID, hash); err != nil {
			t.Fatal(err)
		}
		tx, err := st.DB().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, _, err := st.SaveAnalysisTx(ctx, tx, store.Analysis{PhotoID: res.Photo.ID, Source: store.SourceBarcode}, []store.NewEntry{ne}); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		return res.Photo
	}
	amox := store.NewEntry{Values: store.Values{Name: "Amoxil", GTIN: "09506000134352", Lot: "AB12", Expiry: "2030-01-31"}}
	para := store.NewEntry{Values: store.Values{Name: "Paracetamol", Lot: "P1", Expiry: "2030-06-30"}}
	photo(1, 0xF0F0_F0F0_0000_FFFF, amox)
	photo(2, 0xF0F0_F0F0_0000_FFFF, amox) // the same pack again: flagged
	photo(3, 0x0F0F_0F0F_FFFF_0000, para)
	st.Close()

	code, out, errs := cmd(t, data, "receipts", "--format", "json")
	var waiting []ReceiptJSON
	if err := json.Unmarshal([]byte(out), &waiting); code != ExitOK || err != nil || len(waiting) != 3 {
		t.Fatalf("receipts: exit %d, %v, %s %s", code, err, out, errs)
	}
	code, out, errs = cmd(t, data, "receipts", "--confirm-all")
	if code != ExitOK || !strings.Contains(out, "2 receipt(s) confirmed; 1 left for review.") || !strings.Contains(out, "probably the same pack") {
		t.Fatalf("confirm-all: exit %d, %q, %q", code, out, errs)
	}
	code, out, _ = cmd(t, data, "receipts", "--format", "json")
	if err := json.Unmarshal([]byte(out), &waiting); code != ExitOK || err != nil || len(waiting) != 1 || waiting[0].LooksLike == "" {
		t.Fatalf("after confirm-all: exit %d, %v, %s", code, err, out)
	}
	code, out, _ = cmd(t, data, "stock", "--format", "json")
	var ps []StockProduct
	if err := json.Unmarshal([]byte(out), &ps); code != ExitOK || err != nil {
		t.Fatalf("stock: exit %d, %v, %s", code, err, out)
	}
	got := map[string]int64{}
	for _, p := range ps {
		got[p.Name] = p.UsableOnHand
	}
	if got["Amoxil"] != 1 || got["Paracetamol"] != 1 {
		t.Fatalf("on hand %v; want 1 Amoxil (the look-alike left waiting) and 1 Paracetamol", got)
	}
}
