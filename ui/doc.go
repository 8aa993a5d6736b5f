// Package ui is Medicine Inventory's window: the photo queue, the inventory list, the entry editor,
// the settings dialog and the status bar, built with Fyne; and the Stock tab (stockview.go): the
// product view, a product's lots, a lot's stock card, dispense / adjust / dispose / undo, receipts
// from photos to review, stock counts and reports. Every stock rule comes from store/stock through
// the Stock interface (stockdeps.go); the tab only shows the answers.
//
// It holds no business logic and never touches SQL or HTTP: everything goes through the small
// interfaces in deps.go (Inventory, Queue, Importer, Backend), which *store.Store and main's wiring
// satisfy (main adapts the job pool to Queue: the photo analyses only). Field names, labels and checks come from the field table (store/fields),
// the words for a waiting photo from package analyzer/wait, what counts as a photo from store/photo.
//
// # Threading
//
// Widgets are only touched on Fyne's UI goroutine. Slow work (database queries, imports, decoding
// thumbnails and photos, testing the connection, undo and redo) runs on other goroutines and hands
// its result back with fyne.Do. One dispatcher goroutine (started by Start) reads the queue's events
// and applies each one with ApplyEvent inside fyne.Do; tests call ApplyEvent directly.
//
// # Bindings
//
// ApplyEvent sets data bindings and the widgets are built on them with Fyne's …WithData
// constructors: each photo row's status, detail and progress, the batch bar and its words, the
// status bar (connection, queue, today's use), the banner and the import line. The queue and the
// inventory are bound lists (binding.List), each replaced with one Set per change.
//
// # Keyboard
//
// The main menu (File, Edit, Stock, View, Help) carries the shortcuts; the Stock menu has Ctrl+1 / Ctrl+2
// (the tabs), Ctrl+D dispense, Ctrl+K stock count, Ctrl+R reports, and File has Ctrl+B backups. On the list: ↑/↓ move, Enter opens,
// Space selects, Ctrl+A selects all, Ctrl+Enter confirms the selected entries that have no open
// warning (store.Entry.Warnings). In the editor: Enter moves to the next field (on the last one it
// confirms), Ctrl+Enter confirms and opens the next entry that needs review, Escape goes back.
// Ctrl+Z / Ctrl+Shift+Z undo and redo edits, confirmations and removals (package undo); in a text
// field they act on its text. In a dialog Enter presses the main button and Escape closes it: every
// dialog opens through showDialog (keys.go) or its helpers (showInfo, confirmDialog, askDialog; the
// file choosers: showChooser), and the entries in dialogs are uiEntry, which pass Escape on.
//
// # Notices
//
// What was just done shows in a notice (notice.go: "Dispensed 2 packs … Undo") that belongs to the
// place it was made (the list with its filter and search, a Stock page with its product or lot): it
// goes when the person moves elsewhere and after a while, in an area of fixed height (the rows
// never move under the pointer). Edit → Undo and Ctrl+Z undo the action after the notice has gone.
//
// # Online / offline
//
// The status bar's connection words come from Backend.Connection (the server, model and key in
// use) and the queue's events, the only first-hand evidence of the network the window has: with
// OpenAI's server and no key it says so from the first start; a photo that waits with the reason
// wait.Offline means offline — or, for another server (OPENAI_BASE_URL, Settings), that this server
// cannot be reached; a photo analysed (done) means online again.
//
// # Settings
//
// Settings (server address, reading service (model), photo quality (image detail), photos at once,
// limit per minute, watched folder; shown in plain words with a hint each)
// live in Fyne's preferences. The API key never does: it goes only to Backend.SaveAPIKey (the OS
// keyring), or comes from the OPENAI_API_KEY environment variable.
package ui
