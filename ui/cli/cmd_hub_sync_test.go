package cli

import (
	"bytes"
	"sync"
)

var bufMu sync.Mutex

// syncBuf is a bytes.Buffer written by one goroutine and read by another.
type syncBuf struct{ b *bytes.Buffer }

func (s *syncBuf) Write(p []byte) (int, error) {
	bufMu.Lock()
	defer bufMu.Unlock()
	return s.b.Write(p)
}

func syncString(b *bytes.Buffer) string {
	bufMu.Lock()
	defer bufMu.Unlock()
	return b.String()
}
