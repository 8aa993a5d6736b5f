// Package ui is Medicine Inventory's window: the photo queue, the inventory list, the entry editor,
// the settings dialog and the status bar, built with Fyne.
//
// It holds no business logic and never touches SQL or HTTP: everything goes through the small
// interfaces in deps.go (Inventory, Queue, Importer, Backend), which *store.Store, *jobs.Pool and
// main's wiring satisfy. Field names, labels and checks come from the field table (store/fields),
// the words for a waiting photo from package analyzer/wait, what counts as a photo from store/photo.
//
// # Threading
//
// Widgets are only touched on Fyne's UI goroutine. Slow work (database queries, imports, decoding
// thumbnails and photos, testing the connection) runs on other goroutines and hands its result back
// with fyne.Do. One dispatcher goroutine (started by Start) reads the queue's events and applies each
// one with ApplyEvent inside fyne.Do; tests call ApplyEvent directly.
//
// # Online / offline
//
// The status bar's "Online"/"Offline" is derived from the queue's events, which are the only
// first-hand evidence the window has: a photo that waits with the reason wait.Offline means offline; a
// photo analysed (done) means online again. Until either happens the bar says "Online".
//
// # Settings
//
// Settings (server address, model, image detail, concurrency, requests per minute, watched folder)
// live in Fyne's preferences. The API key never does: it goes only to Backend.SaveAPIKey (the OS
// keyring), or comes from the OPENAI_API_KEY environment variable.
package ui
