//go:build !(darwin || freebsd || openbsd || netbsd || dragonfly)

package watch

// useNotify: change notifications (inotify on Linux, ReadDirectoryChangesW on Windows) need one
// watch per folder, not per file, so they are used.
const useNotify = true
