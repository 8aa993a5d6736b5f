package hubweb

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"medinventory/store/hub"
	"medinventory/store/pgtest"
	"medinventory/store/syncwire"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// quiet is the tests' logger: the hub's log lines are not what they check.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// start runs the handler on a real hub database behind a real HTTP server.
func start(t *testing.T) (*hub.Hub, *httptest.Server) {
	t.Helper()
	h, err := hub.Open(context.Background(), pgtest.Start(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	srv := httptest.NewServer(New(h, Options{Log: quiet}))
	t.Cleanup(srv.Close)
	return h, srv
}

// call sends one API request as a laptop does (JSON, gzip-compressed, the version header, the
// token) and decodes the answer into out, or the ErrorResponse into *syncwire.ErrorResponse.
func call(t *testing.T, srv *httptest.Server, method, path, token string, in, out any) (int, syncwire.ErrorResponse) {
	t.Helper()
	var body bytes.Buffer
	if in != nil {
		zw := gzip.NewWriter(&body)
		json.NewEncoder(zw).Encode(in)
		zw.Close()
	}
	req, _ := http.NewRequest(method, srv.URL+path, &body)
	req.Header.Set(syncwire.HeaderVersion, strconv.Itoa(syncwire.Version))
	if in != nil {
		req.Header.Set("Content-Encoding", "gzip")
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	// Go's client asks for gzip and undoes it by itself; it says so with Uncompressed.
	if !resp.Uncompressed {
		t.Errorf("%s: the answer was not gzip-compressed", path)
	}
	var e syncwire.ErrorResponse
	if resp.StatusCode != http.StatusOK {
		json.NewDecoder(resp.Body).Decode(&e)
		return resp.StatusCode, e
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, e
}

func TestAPIJoinPushPull(t *testing.T) {
	h, srv := start(t)
	ctx := context.Background()
	enrol := func() syncwire.EnrolResponse {
		code, err := h.Enrol(ctx, "Kasese HC")
		if err != nil {
			t.Fatal(err)
		}
		var r syncwire.EnrolResponse
		req := syncwire.EnrolRequest{Code: strings.ToLower(code), DeviceID: uuid.NewString(), DeviceName: "store room", DataID: uuid.NewString()}
		if st, e := call(t, srv, "POST", syncwire.PathEnrol, "", req, &r); st != 200 {
			t.Fatalf("enrol: %d %+v", st, e)
		}
		if st, e := call(t, srv, "POST", syncwire.PathEnrol, "", req, &r); st != http.StatusConflict || e.Code != syncwire.ErrCodeUsed || e.Message == "" {
			t.Fatalf("enrol twice: %d %+v", st, e)
		}
		return r
	}
	a, b := enrol(), enrol()
	var st syncwire.StatusResponse
	if code, e := call(t, srv, "GET", syncwire.PathStatus, a.Token, nil, &st); code != 200 || len(st.Devices) != 2 || st.ClinicName != "Kasese HC" {
		t.Fatalf("status %d %+v %+v", code, e, st)
	}
	// A third laptop, whose device and data ids the test keeps for its pushes.
	code, _ := h.Enrol(ctx, "Kasese HC")
	c := syncwire.EnrolRequest{Code: code, DeviceID: uuid.NewString(), DeviceName: "dispensary", DataID: uuid.NewString()}
	var cr syncwire.EnrolResponse
	call(t, srv, "POST", syncwire.PathEnrol, "", c, &cr)
	push := syncwire.PushRequest{DeviceID: c.DeviceID, DataID: c.DataID, Through: 1,
		Products:  []syncwire.Product{{UUID: "p1-00000000", DeviceID: c.DeviceID, GTIN: "05000000000001", Created: 1}},
		Lines:     []syncwire.Line{{UUID: "l1-00000000", DeviceID: c.DeviceID, ProductUUID: "p1-00000000", Lot: "A1", Expiry: "2031-01-31", Created: 1}},
		Movements: []syncwire.Movement{{UUID: "m1-00000000", DeviceID: c.DeviceID, LineUUID: "l1-00000000", Kind: "receive", Quantity: 2, At: 1, RecordedAt: 1}}}
	var pr syncwire.PushResponse
	if code, e := call(t, srv, "POST", syncwire.PathPush, cr.Token, push, &pr); code != 200 || pr.Stored != 3 || pr.Through != 1 {
		t.Fatalf("push %d %+v %+v", code, e, pr)
	}
	if code, e := call(t, srv, "POST", syncwire.PathPush, cr.Token, push, &pr); code != 200 || pr.Stored != 0 || pr.Duplicate != 3 {
		t.Fatalf("push again %d %+v %+v", code, e, pr)
	}
	var pull syncwire.PullResponse
	if code, e := call(t, srv, "POST", syncwire.PathPull, b.Token, syncwire.PullRequest{}, &pull); code != 200 || len(pull.Movements) != 1 || pull.Next == 0 {
		t.Fatalf("pull %d %+v %+v", code, e, pull)
	}

	// Refusals, each with its code and plain words.
	clone := push
	clone.DataID = "another folder"
	if code, e := call(t, srv, "POST", syncwire.PathPush, cr.Token, clone, &pr); code != http.StatusConflict || e.Code != syncwire.ErrClone {
		t.Fatalf("clone: %d %+v", code, e)
	}
	if code, e := call(t, srv, "POST", syncwire.PathPull, "wrong", syncwire.PullRequest{}, &pull); code != http.StatusUnauthorized || e.Code != syncwire.ErrToken {
		t.Fatalf("wrong token: %d %+v", code, e)
	}
	if code, e := call(t, srv, "POST", syncwire.PathPull, "", syncwire.PullRequest{}, &pull); code != http.StatusUnauthorized || e.Code != syncwire.ErrToken {
		t.Fatalf("no token: %d %+v", code, e)
	}
}

func TestAPIRefusesBadRequests(t *testing.T) {
	_, srv := start(t)
	send := func(path string, hdr map[string]string, body io.Reader) (int, syncwire.ErrorResponse) {
		req, _ := http.NewRequest("POST", srv.URL+path, body)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e syncwire.ErrorResponse
		json.NewDecoder(resp.Body).Decode(&e)
		return resp.StatusCode, e
	}
	v := map[string]string{syncwire.HeaderVersion: "1", "Authorization": "Bearer x"}
	if st, e := send(syncwire.PathPull, map[string]string{"Authorization": "Bearer x"}, strings.NewReader("{}")); st != http.StatusUpgradeRequired || e.Code != syncwire.ErrVersion {
		t.Fatalf("no version: %d %+v", st, e)
	}
	if st, e := send(syncwire.PathEnrol, v, strings.NewReader("{not json")); st != http.StatusBadRequest || e.Code != syncwire.ErrBadRequest {
		t.Fatalf("bad JSON: %d %+v", st, e)
	}
	// A gzip bomb: a small body that inflates past the limit.
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write([]byte(`{"code":"`))
	zw.Write(bytes.Repeat([]byte("A"), syncwire.MaxBody+10))
	zw.Close()
	gz := map[string]string{syncwire.HeaderVersion: "1", "Content-Encoding": "gzip"}
	if st, e := send(syncwire.PathEnrol, gz, &bomb); st != http.StatusRequestEntityTooLarge || e.Code != syncwire.ErrTooLarge {
		t.Fatalf("gzip bomb: %d %+v", st, e)
	}
	if st, e := send(syncwire.PathEnrol, gz, strings.NewReader("plain")); st != http.StatusBadRequest || e.Code != syncwire.ErrBadRequest {
		t.Fatalf("not gzip: %d %+v", st, e)
	}
}
