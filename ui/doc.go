// Package ui is Medicine Inventory's window: the photo queue, the inventory list, the entry editor,
// the settings dialog and the status bar, built with Fyne; and the Stock tab (stockview.go): the
// product view, a product's lots, a lot's stock card, dispense / adjust / dispose / undo, receipts
// from photos to review, stock counts and reports. Every stock rule comes from store/stock through
// the Stock interface (stockdeps.go); the tab only shows the answers.
//
// It holds no business logic and never touches SQL or HTTP: everything goes through the small
// interfaces in deps.go (Inventory, Queue, Importer, Backend), which *store.Store, *jobs.Pool and
// main's wiring satisfy.
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
// first-hand evidence the window has: a photo that waits with the reason "offline" means offline; a
// photo analysed (done) means online again. Until either happens the bar says "Online".
//
// # Settings
//
// Settings (server address, model, image detail, concurrency, requests per minute, watched folder)
// live in Fyne's preferences. The API key never does: it goes only to Backend.SaveAPIKey (the OS
// keyring), or comes from the OPENAI_API_KEY environment variable.
package ui
