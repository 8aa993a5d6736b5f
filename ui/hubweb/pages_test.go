package hubweb

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"medinventory/store/syncwire"
)

func TestPagesNeedSignIn(t *testing.T) {
	h, srv := start(t)
	ctx := context.Background()
	// A clinic with a lot of 2 packs, pushed by a laptop.
	code, _ := h.Enrol(ctx, "Kasese HC")
	r, err := h.Join(ctx, syncwire.EnrolRequest{Code: code, DeviceID: "dev-a", DataID: "data-a"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.Push(ctx, r.Token, syncwire.PushRequest{DeviceID: "dev-a", DataID: "data-a", Through: 1,
		Products:  []syncwire.Product{{UUID: "p1-00000000", DeviceID: "dev-a", GTIN: "05012345678900", NameKey: "paracetamol 500", Created: 1}},
		Lines:     []syncwire.Line{{UUID: "l1-00000000", DeviceID: "dev-a", ProductUUID: "p1-00000000", Lot: "PX<script>", Expiry: "2030-01-31", Created: 1}},
		Movements: []syncwire.Movement{{UUID: "m1-00000000", DeviceID: "dev-a", LineUUID: "l1-00000000", Kind: "receive", Quantity: 2, At: 1, RecordedAt: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.SetUser(ctx, "district", "a long enough password"); err != nil {
		t.Fatal(err)
	}

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	get := func(path string) (int, string, string) {
		resp, err := c.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Request.URL.Path, string(b)
	}
	for _, p := range []string{"/", "/stock", "/stockouts", "/expiring?days=30"} {
		if st, at, body := get(p); at != "/signin" || st != 200 || strings.Contains(body, "05012345678900") {
			t.Fatalf("%s without signing in: %d at %s", p, st, at)
		}
	}
	// A forged cookie is no session.
	u, _ := url.Parse(srv.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: cookieName, Value: "forged"}})
	if _, at, _ := get("/stock"); at != "/signin" {
		t.Fatal("a forged cookie was let in")
	}
	resp, err := c.PostForm(srv.URL+"/signin", url.Values{"name": {"district"}, "password": {"wrong"}, "next": {"/stock"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a wrong password: %d", resp.StatusCode)
	}
	resp, err = c.PostForm(srv.URL+"/signin", url.Values{"name": {"district"}, "password": {"a long enough password"}, "next": {"//evil.example/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Host != u.Host || resp.Request.URL.Path != "/" {
		t.Fatalf("signed in, went to %s", resp.Request.URL)
	}
	for _, cookie := range jar.Cookies(u) {
		if cookie.Name == cookieName && cookie.Value == "forged" {
			t.Fatal("the session cookie was not set")
		}
	}
	st, _, body := get("/")
	if st != 200 || !strings.Contains(body, "Kasese HC") || !strings.Contains(body, "just now") {
		t.Fatalf("clinics page: %d\n%s", st, body)
	}
	// Each clinic's laptops: the device id hub remove takes.
	if !strings.Contains(body, "<td class=\"dim\">dev-a</td>") || !strings.Contains(body, "Movements sent") {
		t.Fatalf("clinics page lists no laptop:\n%s", body)
	}
	st, _, body = get("/stock?clinic=Kasese+HC")
	if st != 200 || !strings.Contains(body, "paracetamol 500") || !strings.Contains(body, "PX&lt;script&gt;") || strings.Contains(body, "PX<script>") {
		t.Fatalf("stock page: %d\n%s", st, body)
	}
	if _, _, body = get("/stockouts"); !strings.Contains(body, "No product is out of stock.") {
		t.Fatalf("stock-outs page:\n%s", body)
	}
	if _, _, body = get("/expiring?days=30"); !strings.Contains(body, "No lot with stock expires") {
		t.Fatalf("expiring page:\n%s", body)
	}
	if _, _, body = get("/expiring?days=3650"); !strings.Contains(body, "2030-01-31") {
		t.Fatalf("expiring within 10 years:\n%s", body)
	}
	resp, _ = c.Post(srv.URL+"/signout", "", nil)
	resp.Body.Close()
	if _, at, _ := get("/stock"); at != "/signin" {
		t.Fatal("still signed in after signing out")
	}
}

// After 10 wrong passwords for a name, even the right one waits.
func TestSignInThrottled(t *testing.T) {
	h, srv := start(t)
	if err := h.SetUser(context.Background(), "joseph", "the right long password"); err != nil {
		t.Fatal(err)
	}
	post := func(password string) int {
		resp, err := http.PostForm(srv.URL+"/signin", url.Values{"name": {"joseph"}, "password": {password}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := 0; i < maxFails; i++ {
		if st := post("guess " + strings.Repeat("x", i)); st != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d", i+1, st)
		}
	}
	if st := post("the right long password"); st != http.StatusTooManyRequests {
		t.Fatalf("the right password after 10 wrong ones: %d", st)
	}
}
