package watch_test

import (
	"context"
	"log/slog"

	"medinventory/store"
	"medinventory/store/watch"
)

// The app's wiring: each new complete photo goes through the same path as a drop; a file the
// inventory already has (same bytes) is recognised by its hash and adds nothing.
func ExampleNew() {
	ctx := context.Background()
	st, err := store.Open(ctx, "/path/to/data", store.Options{})
	if err != nil {
		panic(err)
	}
	defer st.Close()
	w, err := watch.New("/home/me/Pictures/Medicines", watch.Options{Logger: slog.Default()}, func(path string) {
		_, _ = st.AddPaths(ctx, []string{path}, nil /* enqueue the analysis in the photo's transaction */, nil)
	})
	if err != nil {
		panic(err) // in the app: tell the user, in plain words, to choose another folder
	}
	if err := w.Start(ctx); err != nil {
		panic(err)
	}
	defer w.Close()
}
