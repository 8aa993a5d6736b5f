package hubweb

import "net/http"

// pages adds the district's web pages to mux.
func (s *server) pages(mux *http.ServeMux) {
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "The district pages are not ready yet.", http.StatusNotFound)
	})
}
