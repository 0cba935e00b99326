package dashboard

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// CSP is the dashboard's Content-Security-Policy: everything from the
// dashboard's own origin, no inline script or style, no frames, forms
// posted only to itself.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// SetHeaders sets the security headers of every dashboard answer: the CSP,
// no caching (pages may show a secret once), no sniffing, no framing and
// a referrer only to the dashboard itself (its URLs hold no secret).
func SetHeaders(h http.Header) {
	h.Set("Content-Security-Policy", CSP)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin") // "no-referrer" would make browsers send "Origin: null"
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// Page is what every template receives.
type Page struct {
	// Root is the dashboard's path prefix without its trailing slash
	// ("/_admin/ui"); every link and form action starts with it.
	Root string
	// Title is the page's title; Section the navigation entry it is under
	// ("projects", "keys", "analytics"); empty on the sign-in page.
	Title, Section string
	// CSRF is the token every form carries.
	CSRF string
	// Flash are notices from the previous request; Error what went wrong
	// with this one.
	Flash []string
	Error string
	// User is the signed-in user's id; empty for the operator.
	User string
	// Data is the page's own content.
	Data any
}

// Templates renders the dashboard's pages, each the layout around one
// page template.
type Templates struct {
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
	"time": func(v any) string {
		t := timeOf(v)
		if t.IsZero() {
			return "never"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"datetimeLocal": func(v any) string {
		t := timeOf(v)
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02T15:04")
	},
	"join": strings.Join,
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd number of arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
	"ms":  func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) },
	"add": func(a, b float64) float64 { return a + b },
	"has": func(list []string, v string) bool {
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	},
}

// ParseTemplates parses the embedded templates.
func ParseTemplates() (*Templates, error) {
	base, err := template.New("base").Funcs(funcs).ParseFS(templateFS, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	t := &Templates{pages: map[string]*template.Template{}}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if strings.HasPrefix(name, "_") {
			continue
		}
		page, err := template.Must(base.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, err
		}
		t.pages[name] = page
	}
	return t, nil
}

// Render writes the page name with status, the security headers set.
// Rendering happens into a buffer first, so a template error is a clean
// 500 rather than half a page.
func (t *Templates) Render(w http.ResponseWriter, status int, name string, p Page) error {
	tpl, ok := t.pages[name]
	if !ok {
		return fmt.Errorf("dashboard: no page %q", name)
	}
	var buf bytes.Buffer
	if err := tpl.ExecuteTemplate(&buf, "layout", p); err != nil {
		SetHeaders(w.Header())
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return err
	}
	SetHeaders(w.Header())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// Static serves the dashboard's style sheet and script (under a prefix the
// caller strips), cacheable for an hour.
func Static() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetHeaders(w.Header())
		if strings.HasSuffix(r.URL.Path, "/") || r.URL.Path == "" {
			http.NotFound(w, r) // files only, no listing
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

// timeOf reads a time.Time or a *time.Time (nil: the zero time).
func timeOf(v any) time.Time {
	switch t := v.(type) {
	case time.Time:
		return t
	case *time.Time:
		if t != nil {
			return *t
		}
	}
	return time.Time{}
}
