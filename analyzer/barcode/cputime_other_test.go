//go:build !unix

package barcode

import "time"

var start0 = time.Now()

// cpuNow falls back to wall time where getrusage does not exist.
func cpuNow() time.Duration { return time.Since(start0) }
