package store_test

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"medinventory/store"
)

// benchInventory is a data dir with n photos of about 60 KB each.
func benchInventory(b *testing.B, n int) (*store.Store, string) {
	b.Helper()
	dir := b.TempDir()
	st, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	in := b.TempDir()
	for i := 0; i < n; i++ {
		p := filepath.Join(in, fmt.Sprintf("p%d.jpg", i))
		writeNoiseJPEG(b, p, 160+i, 120)
		if _, err := st.AddPhoto(context.Background(), p, nil); err != nil {
			b.Fatal(err)
		}
	}
	return st, dir
}

// BenchmarkBackup writes a backup of 50 photos; BenchmarkBackupBaselineCopy only reads the same
// files (database and photos) once, the least any backup must do. Compare the two ns/op.
func BenchmarkBackup(b *testing.B) {
	st, _ := benchInventory(b, 50)
	tmp := b.TempDir()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := st.Backup(context.Background(), io.Discard, tmp, "bench", nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBackupBaselineCopy(b *testing.B) {
	_, dir := benchInventory(b, 50)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return nil
			}
			f, err := os.Open(p)
			if err != nil {
				return nil
			}
			io.Copy(io.Discard, f)
			f.Close()
			return nil
		})
	}
}
