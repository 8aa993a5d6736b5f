//go:build !windows

package store

import "syscall"

// FreeSpace is how many bytes an unprivileged user can still write on the disk holding dir.
func FreeSpace(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return uint64(st.Bavail) * uint64(st.Bsize), nil
}
