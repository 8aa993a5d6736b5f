package main

import (
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"medinventory/store"
	"medinventory/ui/startup"
)

// copyTree copies the folder src into dst (regular files and folders only).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(to)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// releaseInventory is the release-0.1.0 fixture (store/testdata) with n more entries stored the
// way that release stored them (as store's migration scale test makes them), so that opening it
// upgrades n entries.
func releaseInventory(t *testing.T, n int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "inventory")
	copyTree(t, filepath.Join("store", "testdata", "release-0.1.0", "data"), dir)
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: filepath.Join(dir, store.DBName)}).EscapedPath())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	insPh, _ := tx.Prepare(`INSERT INTO photos(sha256, stored_path, original_name, bytes, width, height, format, added_at) VALUES (?,?,?,?,?,?,?,?) RETURNING id`)
	insAn, _ := tx.Prepare(`INSERT INTO analyses(photo_id, source, result_json, created_at) VALUES (?, 'model', '{}', ?) RETURNING id`)
	insEn, _ := tx.Prepare(`INSERT INTO entries(photo_id, analysis_id, name, strength, dosage_form, gtin, lot, expiry, quantity, status, deleted_at, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	for i := 0; i < n; i++ {
		at := t0 + int64(i)*60_000
		sum := fmt.Sprintf("%064x", i+1_000_000)
		var ph, an int64
		if err := insPh.QueryRow(sum, "photos/"+sum[:2]+"/"+sum+".jpg", fmt.Sprintf("IMG_%05d.jpg", i), 1000, 40, 30, "jpeg", at).Scan(&ph); err != nil {
			t.Fatal(err)
		}
		if err := insAn.QueryRow(ph, at).Scan(&an); err != nil {
			t.Fatal(err)
		}
		gtin := ""
		if i%3 == 0 {
			gtin = fmt.Sprintf("%014d", 9_000_000+i%300)
		}
		exp := []string{"2027-06-30", "2027-12-31", "2028-06-30", "2028-12-31", ""}[i%5]
		if _, err := insEn.Exec(ph, an, fmt.Sprintf("paracetamol %d", i%400), fmt.Sprintf("%d mg", 5*(1+i%40)), "tablet", gtin,
			fmt.Sprintf("L%05d", i%40000), exp, 1+i%30, "confirmed", nil, at, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Issue 23 item 6, in the window: the real binary, opening a release-0.1.0 inventory of 20,007
// entries, shows the upgrade's progress in a window of its own, which the main window replaces
// once the inventory is open; and SIGTERM then closes it cleanly. It needs an X server (DISPLAY;
// Xvfb will do) and xdotool; MEDINVENTORY_WINDOW_SHOTS, when set, is where the screenshot goes
// (upgrading.png).
func TestWindowShowsUpgradeProgress(t *testing.T) {
	needsX(t)
	data := releaseInventory(t, 20000)
	gui := exec.Command(binary(t), "--data-dir", data)
	gui.Env = append(cleanEnv(), startup.NoDialogEnv+"=", "DISPLAY="+os.Getenv("DISPLAY"), "HOME="+t.TempDir())
	var stderr strings.Builder
	gui.Stderr = &stderr
	if err := gui.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- gui.Wait() }()
	defer func() {
		select {
		case <-exited:
		default:
			gui.Process.Kill()
		}
	}()
	pidOf := func(name string) string { return xdo("search", "--name", name, "getwindowpid") }
	me := strconv.Itoa(gui.Process.Pid)
	var sawProgress bool
	deadline := time.Now().Add(5 * time.Minute)
	for ; time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if !sawProgress && pidOf("^"+startup.ProgressTitle+"$") == me {
			sawProgress = true
			if shots := os.Getenv("MEDINVENTORY_WINDOW_SHOTS"); shots != "" {
				time.Sleep(500 * time.Millisecond)
				exec.Command("import", "-window", "root", "-crop", "560x220+0+0", "+repage", filepath.Join(shots, "upgrading.png")).Run()
			}
		}
		if pidOf("^Medicine Inventory$") == me {
			break
		}
	}
	if !sawProgress {
		t.Fatalf("no progress window while upgrading\n%s", stderr.String())
	}
	if pidOf("^Medicine Inventory$") != me {
		t.Fatalf("the main window did not open after the upgrade\n%s", stderr.String())
	}
	for gone := time.Now().Add(5 * time.Second); pidOf("^"+startup.ProgressTitle+"$") != ""; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(gone) {
			t.Fatal("the progress window stayed open beside the main window")
		}
	}
	time.Sleep(time.Second)
	gui.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("still running 15 s after SIGTERM\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "20007 of 20007 entries") {
		t.Fatalf("the upgrade did not finish:\n%s", stderr.String())
	}
}
