package syncwire

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"
)

// sampleMovements is n movements as a laptop records them: UUIDv7 ids (random bits and all), over a working day,
// one device, a few dozen lots, mostly dispenses of small quantities, some with a note.
func sampleMovements(n int) []Movement {
	rng := rand.New(rand.NewPCG(1, 2))
	device := uuid.NewString()
	lines := make([]string, 40)
	for i := range lines {
		lines[i] = uuid.Must(uuid.NewV7()).String()
	}
	start := time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)
	out := make([]Movement, n)
	for i := range out {
		at := start.Add(time.Duration(i) * 37 * time.Second)
		m := Movement{UUID: uuid.Must(uuid.NewV7()).String(), DeviceID: device, LineUUID: lines[rng.IntN(len(lines))], Kind: "dispense",
			Quantity: -int64(1 + rng.IntN(30)), At: at.UnixMilli(), RecordedAt: at.UnixMilli() + int64(rng.IntN(5000))}
		switch {
		case i%20 == 0:
			m.Kind, m.Quantity = "receive", int64(100+rng.IntN(900))
		case i%13 == 0:
			m.Note = "ward 3"
		}
		out[i] = m
	}
	return out
}

// BenchmarkWireBytes measures the bytes on the wire per movement in a push of 100 and of 1,000
// movements: gzip-compressed JSON (what the laptop sends) beside plain JSON (the baseline). Target:
// ≤ 200 B per movement compressed (clinics sync over 2G links).
func BenchmarkWireBytes(b *testing.B) {
	for _, n := range []int{100, 1000} {
		req := PushRequest{DeviceID: uuid.NewString(), DataID: uuid.NewString(), Movements: sampleMovements(n), Through: int64(n)}
		plain, err := json.Marshal(req)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("json/movements=%d", n), func(b *testing.B) {
			for b.Loop() {
				plain, _ = json.Marshal(req)
			}
			b.ReportMetric(float64(len(plain))/float64(n), "B/movement")
		})
		b.Run(fmt.Sprintf("gzip/movements=%d", n), func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				zw := gzip.NewWriter(&buf)
				json.NewEncoder(zw).Encode(req)
				zw.Close()
			}
			b.ReportMetric(float64(buf.Len())/float64(n), "B/movement")
		})
	}
}

// The compressed size stays within the target: a test, so that a change of the messages that
// loses it fails (the benchmark above reports the figures).
func TestWireBytesPerMovement(t *testing.T) {
	req := PushRequest{DeviceID: uuid.NewString(), DataID: uuid.NewString(), Movements: sampleMovements(100), Through: 100}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	json.NewEncoder(zw).Encode(req)
	zw.Close()
	if per := buf.Len() / 100; per > 200 {
		t.Fatalf("%d B per movement compressed, over the 200 B target", per)
	}
}
