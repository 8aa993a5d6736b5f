package hubweb

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/google/uuid"

	"medinventory/store/hub"
	"medinventory/store/pgtest"
	"medinventory/store/syncwire"
)

// benchLaptop is one enrolled laptop pushing in the benchmark.
type benchLaptop struct {
	device, data, token, line string
	through                   int64
}

// BenchmarkIngest measures the hub's ingest rate: laptops pushing batches of 100 movements at once,
// each push a real HTTP request (gzip JSON) to the handler on a real PostgreSQL (loopback, fsync
// off in the test cluster: the figure is the hub's own cost, not a disk's). Baseline in the same
// run: one laptop pushing alone. "50 clinics" has one laptop per clinic (pushes run side by side);
// "1 clinic" puts all 50 in one clinic, where the clinic's counter row serialises the pushes.
// Reported: movements stored per second.
func BenchmarkIngest(b *testing.B) {
	for _, c := range []struct {
		name             string
		laptops, clinics int
	}{{"1 laptop", 1, 1}, {"50 laptops, 50 clinics", 50, 50}, {"50 laptops, 1 clinic", 50, 1}} {
		b.Run(c.name, func(b *testing.B) {
			h, err := hub.Open(context.Background(), pgtest.Start(b))
			if err != nil {
				b.Fatal(err)
			}
			defer h.Close()
			srv := httptest.NewServer(New(h, Options{Log: quiet}))
			defer srv.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			laptops := make([]*benchLaptop, c.laptops)
			for i := range laptops {
				laptops[i] = enrolBench(b, h, fmt.Sprintf("Clinic %d", i%c.clinics))
			}
			const perPush = 100
			b.ResetTimer()
			var wg sync.WaitGroup
			for _, l := range laptops {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range b.N {
						if err := pushBench(client, srv.URL, l, perPush); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			total := float64(b.N * c.laptops * perPush)
			b.ReportMetric(total/b.Elapsed().Seconds(), "movements/s")
			b.ReportMetric(0, "ns/op")
		})
	}
}

func enrolBench(b *testing.B, h *hub.Hub, clinic string) *benchLaptop {
	ctx := context.Background()
	code, err := h.Enrol(ctx, clinic)
	if err != nil {
		b.Fatal(err)
	}
	l := &benchLaptop{device: uuid.NewString(), data: uuid.NewString(), line: uuid.NewString()}
	r, err := h.Join(ctx, syncwire.EnrolRequest{Code: code, DeviceID: l.device, DataID: l.data})
	if err != nil {
		b.Fatal(err)
	}
	l.token = r.Token
	return l
}

func pushBench(c *http.Client, base string, l *benchLaptop, n int) error {
	l.through++
	req := syncwire.PushRequest{DeviceID: l.device, DataID: l.data, Through: l.through}
	for i := range n {
		req.Movements = append(req.Movements, syncwire.Movement{UUID: uuid.Must(uuid.NewV7()).String(), DeviceID: l.device,
			LineUUID: l.line, Kind: "dispense", Quantity: -int64(1 + i%7), At: 1, RecordedAt: 1})
	}
	var body bytes.Buffer
	zw := gzip.NewWriter(&body)
	json.NewEncoder(zw).Encode(req)
	zw.Close()
	hr, _ := http.NewRequest("POST", base+syncwire.PathPush, &body)
	hr.Header.Set(syncwire.HeaderVersion, strconv.Itoa(syncwire.Version))
	hr.Header.Set("Content-Encoding", "gzip")
	hr.Header.Set("Authorization", "Bearer "+l.token)
	resp, err := c.Do(hr)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var pr syncwire.PushResponse
	if err := json.NewDecoder(resp.Body).Decode(&pr); err != nil || resp.StatusCode != 200 || pr.Stored != n {
		return fmt.Errorf("push: %d %+v %v", resp.StatusCode, pr, err)
	}
	return nil
}
