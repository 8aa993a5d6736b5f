package hubweb

import (
	"embed"
	"errors"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"medinventory/assets/i18n"
	"medinventory/store/hub"
)

//go:embed templates/*.html static/style.css
var files embed.FS

var tmpl = template.Must(template.New("").Funcs(template.FuncMap{
	"ago": ago,
	// stale: a clinic silent for over three days is shown in amber.
	"stale": func(t time.Time) bool { return time.Since(t) > 72*time.Hour },
	"day": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Local().Format("2006-01-02 15:04")
	},
	"count": i18n.Int, // 1,234 as the reader writes it
}).ParseFS(files, "templates/*.html"))

const cookieName = "medinventory_hub"

// page is what every page's template gets.
type page struct {
	L       map[string]string // the page's words, translated
	Lang    string            // their language (BCP 47)
	User    string
	Title   string
	Nav     string // which tab is current
	Clinic  string
	Clinics []hub.ClinicSync
	Devices []hub.Device // the clinics page: each clinic's laptops
	Stock   []hub.StockRow
	Days    int
	Error   string
	Next    string
}

// words are the pages' fixed words, translated in the hub's language.
func words() map[string]string {
	return map[string]string{
		"app":       i18n.T("Medicine Inventory — district hub"),
		"clinics":   i18n.T("Clinics"),
		"stock":     i18n.T("Stock"),
		"stockouts": i18n.T("Stock-outs"),
		"expiring":  i18n.T("Expiring"),
		"signout":   i18n.T("Sign out"),
		"signin":    i18n.T("Sign in"),
		"name":      i18n.T("Name"),
		"password":  i18n.T("Password"),
		"clinic":    i18n.T("Clinic"),
		"laptops":   i18n.T("Laptops"),
		"lastsync":  i18n.T("Last sync"),
		"never":     i18n.T("never"),
		"codes":     i18n.T("Unused codes"),
		"product":   i18n.T("Product"),
		"gtin":      i18n.T("GTIN"),
		"lot":       i18n.T("Lot"),
		"expiry":    i18n.T("Expiry"),
		"onhand":    i18n.T("On hand"),
		"all":       i18n.T("All clinics"),
		"show":      i18n.T("Show"),
		"within":    i18n.T("Expiring within (days)"),
		"noclinics": i18n.T("No clinic has been enrolled yet. On the hub's server: medinventory hub enrol --database URL --clinic NAME"),
		"nostock":   i18n.T("Nothing to show."),
		"nooutage":  i18n.T("No product is out of stock."),
		"noexpiry":  i18n.T("No lot with stock expires in this period."),
		"expired":   i18n.T("expired"),
		"deviceid":  i18n.T("Device id"),
		"joined":    i18n.T("Joined"),
		"sent":      i18n.T("Movements sent"),
	}
}

// ago says how long ago t was, in words.
func ago(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return i18n.T("just now")
	case d < time.Hour:
		return i18n.N(int(d/time.Minute), "%d minute ago", "%d minutes ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return i18n.N(int(d/time.Hour), "%d hour ago", "%d hours ago", int(d/time.Hour))
	default:
		return i18n.N(int(d/(24*time.Hour)), "%d day ago", "%d days ago", int(d/(24*time.Hour)))
	}
}

// pages adds the district's web pages to mux: everything but the sign-in page and the style sheet
// needs a signed-in user.
func (s *server) pages(mux *http.ServeMux) {
	mux.HandleFunc("GET /style.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "max-age=3600")
		b, _ := files.ReadFile("static/style.css")
		w.Write(b)
	})
	mux.HandleFunc("GET /signin", func(w http.ResponseWriter, r *http.Request) {
		s.render(w, http.StatusOK, "signin.html", page{Title: i18n.T("Sign in"), Next: safeNext(r.URL.Query().Get("next"))})
	})
	// The forms take posts from the hub's own pages only (Sec-Fetch-Site, else Origin against
	// Host): the session cookie is SameSite=Strict, but a sign-in or sign-out needs none, so
	// another site could otherwise sign the browser in as someone else (login CSRF), or out.
	forms := http.NewCrossOriginProtection()
	forms.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, i18n.T("This form was sent from another site: open the hub's sign-in page and sign in there."), http.StatusForbidden)
	}))
	mux.Handle("POST /signin", forms.Handler(http.HandlerFunc(s.signIn)))
	mux.Handle("POST /signout", forms.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, err := r.Cookie(cookieName); err == nil {
			s.hub.SignOut(r.Context(), c.Value)
		}
		http.SetCookie(w, s.cookie("", -1))
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
	})))
	mux.HandleFunc("GET /{$}", s.signedIn(s.clinicsPage))
	mux.HandleFunc("GET /stock", s.signedIn(s.stockPage))
	mux.HandleFunc("GET /stockouts", s.signedIn(s.stockoutsPage))
	mux.HandleFunc("GET /expiring", s.signedIn(s.expiringPage))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, i18n.T("There is no such page."), http.StatusNotFound)
	})
}

func (s *server) cookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: cookieName, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.opts.SecureCookie, SameSite: http.SameSiteStrictMode}
}

// safeNext keeps a sign-in's "go back to" address on this site. A backslash is refused anywhere:
// browsers read it as a slash, so "/\evil.example" would go to another site.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || len(next) < 1 || next[0] != '/' || (len(next) > 1 && next[1] == '/') ||
		strings.Contains(next, `\`) {
		return "/"
	}
	return next
}

func (s *server) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, i18n.T("The form could not be read."), http.StatusBadRequest)
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	name, addr := r.PostForm.Get("name"), clientAddr(r)
	if s.throttle.blocked(name, addr) {
		s.render(w, http.StatusTooManyRequests, "signin.html", page{Title: i18n.T("Sign in"), Next: next,
			Error: i18n.T("Too many wrong passwords: wait a quarter of an hour, then try again.")})
		return
	}
	token, err := s.hub.SignIn(r.Context(), name, r.PostForm.Get("password"), s.opts.Session)
	if errors.Is(err, hub.ErrSignIn) {
		s.throttle.failed(name, addr)
		s.render(w, http.StatusUnauthorized, "signin.html", page{Title: i18n.T("Sign in"), Next: next,
			Error: i18n.T("Wrong name or password. A district user is made on the hub's server with: medinventory hub user --database URL --name NAME")})
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	http.SetCookie(w, s.cookie(token, int(s.opts.Session/time.Second)))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// clientAddr is the address a request came from, without its port; "" from this computer (a TLS
// proxy in front of the hub, through which every browser comes).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return ""
	}
	return host
}

// signedIn lets a signed-in user through; anyone else goes to the sign-in page.
func (s *server) signedIn(fn func(w http.ResponseWriter, r *http.Request, p page)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var user string
		c, err := r.Cookie(cookieName)
		if err == nil {
			user, err = s.hub.Session(r.Context(), c.Value)
		}
		if errors.Is(err, hub.ErrSignIn) || errors.Is(err, http.ErrNoCookie) {
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if err != nil {
			s.internal(w, r, err)
			return
		}
		fn(w, r, page{User: user, Clinic: r.URL.Query().Get("clinic")})
	}
}

func (s *server) clinicsPage(w http.ResponseWriter, r *http.Request, p page) {
	var err error
	if p.Clinics, err = s.hub.Clinics(r.Context()); err != nil {
		s.internal(w, r, err)
		return
	}
	if p.Devices, err = s.hub.Devices(r.Context(), ""); err != nil {
		s.internal(w, r, err)
		return
	}
	p.Title, p.Nav = i18n.T("Clinics"), "clinics"
	s.render(w, http.StatusOK, "clinics.html", p)
}

func (s *server) stockPage(w http.ResponseWriter, r *http.Request, p page) {
	s.stockView(w, r, p, "stock", i18n.T("Stock"), hub.Filter{Clinic: p.Clinic})
}

func (s *server) stockoutsPage(w http.ResponseWriter, r *http.Request, p page) {
	s.stockView(w, r, p, "stockouts", i18n.T("Stock-outs"), hub.Filter{Clinic: p.Clinic, OutOfStock: true})
}

func (s *server) expiringPage(w http.ResponseWriter, r *http.Request, p page) {
	p.Days = 90
	if d, err := strconv.Atoi(r.URL.Query().Get("days")); err == nil && d > 0 && d <= 3650 {
		p.Days = d
	}
	s.stockView(w, r, p, "expiring", i18n.N(p.Days, "Expiring within %d day", "Expiring within %d days", p.Days),
		hub.Filter{Clinic: p.Clinic, ExpiringDays: p.Days})
}

func (s *server) stockView(w http.ResponseWriter, r *http.Request, p page, nav, title string, f hub.Filter) {
	var err error
	if p.Clinics, err = s.hub.Clinics(r.Context()); err != nil {
		s.internal(w, r, err)
		return
	}
	if p.Stock, err = s.hub.Stock(r.Context(), f); err != nil {
		s.internal(w, r, err)
		return
	}
	p.Title, p.Nav = title, nav
	s.render(w, http.StatusOK, "stock.html", p)
}

func (s *server) render(w http.ResponseWriter, status int, name string, p page) {
	p.L, p.Lang = words(), i18n.Current()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := tmpl.ExecuteTemplate(w, name, p); err != nil {
		s.log.Error("hub page", "page", name, "err", err)
	}
}

func (s *server) internal(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("hub page", "path", r.URL.Path, "err", err)
	http.Error(w, i18n.T("The hub could not read its database just now: try again in a moment."), http.StatusInternalServerError)
}
