//go:build darwin || freebsd || openbsd || netbsd || dragonfly

package watch

// kqueue (the only notification backend fsnotify has on macOS and the BSDs) keeps a file
// descriptor open for every file in every watched folder: a photo folder of a few thousand files
// would use up the app's open-file limit, which SQLite and imports need too. There the watcher
// rescans instead (every DefaultPollWithoutNotify unless Options.Poll says otherwise).
const useNotify = false
