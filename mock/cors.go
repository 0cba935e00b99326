package mock

import (
	"errors"
	"net/http"
	"time"

	"github.com/rs/cors"
)

// CORS is a cross-origin policy. It is the mock's own (WithCORS; the zero
// value is the default) and, through Handler, the one CORS layer in front
// of a composed stack (guard, share links, the mock), so that refusals
// carry the same headers as answers.
//
// The zero value lets every origin call without credentials: responses say
// "Access-Control-Allow-Origin: *", which browsers honour for requests that
// send no cookies or HTTP authentication of their own. API keys in headers
// (X-API-Key, Authorization: Bearer set by the page) work under it.
// Credentialed requests need the origins named, so a page on another site
// can never read what a visitor's cookies unlock.
//
// Preflight requests (OPTIONS with Access-Control-Request-Method) are
// answered by the policy itself, 204 with or without the allowing headers,
// and never reach the handler behind it: an operation declared for OPTIONS
// is served only to plain OPTIONS requests.
type CORS struct {
	// AllowedOrigins lists the origins allowed ("https://app.example",
	// wildcards such as "https://*.example.com"). Empty, or "*": every
	// origin, answered with "*".
	AllowedOrigins []string
	// AllowCredentials sends "Access-Control-Allow-Credentials: true" so
	// that pages may send cookies and HTTP authentication. It needs
	// AllowedOrigins: New refuses the policy otherwise, and Handler then
	// sends no credentials header. False (the zero value): none.
	AllowCredentials bool
	// ExposedHeaders are response headers scripts may read beyond the ones
	// always exposed (ExposedHeaders lists them).
	ExposedHeaders []string
	// MaxAge is how long a browser may cache a preflight answer; 0 means
	// two hours (the most Chromium keeps one), negative means not at all.
	MaxAge time.Duration
}

// ExposedHeaders are the response headers every CORS policy exposes to
// scripts, so a page can read a 201's Location, a list's X-Total-Count and
// Link, and why it was refused (WWW-Authenticate, Retry-After, RateLimit).
// They are named rather than "*", which credentialed requests take
// literally; without credentials "*" is sent too, so a spec's own response
// headers are readable as well.
var ExposedHeaders = []string{
	"Location", "Link", "X-Total-Count", "ETag", "Content-Disposition",
	"WWW-Authenticate", "Retry-After", "RateLimit", "RateLimit-Policy",
	"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "X-Request-Id",
}

// corsMethods are the methods a preflight may ask for: every method an API
// description can declare.
var corsMethods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, http.MethodTrace, "QUERY",
}

// errCORSCredentials is why a policy is refused.
var errCORSCredentials = errors.New("mock: CORS.AllowCredentials needs AllowedOrigins: credentialed requests from every origin would let any site read what a visitor's cookies unlock")

// Validate reports whether the policy is coherent.
func (c CORS) Validate() error {
	if c.AllowCredentials && c.allOrigins() {
		return errCORSCredentials
	}
	return nil
}

func (c CORS) allOrigins() bool {
	if len(c.AllowedOrigins) == 0 {
		return true
	}
	for _, o := range c.AllowedOrigins {
		if o == "*" {
			return true
		}
	}
	return false
}

// compile builds the rs/cors policy; a policy that fails Validate loses its
// credentials.
func (c CORS) compile() *cors.Cors {
	creds := c.AllowCredentials && !c.allOrigins()
	exposed := make([]string, 0, len(ExposedHeaders)+len(c.ExposedHeaders)+1)
	if !creds {
		exposed = append(exposed, "*")
	}
	exposed = append(append(exposed, ExposedHeaders...), c.ExposedHeaders...)
	maxAge := int(c.MaxAge / time.Second)
	switch {
	case c.MaxAge == 0:
		maxAge = 7200
	case c.MaxAge < 0:
		maxAge = -1
	}
	return cors.New(cors.Options{
		AllowedOrigins:   c.AllowedOrigins,
		AllowedMethods:   corsMethods,
		AllowedHeaders:   []string{"*"},
		ExposedHeaders:   exposed,
		AllowCredentials: creds,
		MaxAge:           maxAge,
	})
}

// Handler returns next behind the policy: preflight requests are answered
// here, and every other response, refusals included, carries the policy's
// headers. Give the mock behind it WithoutCORS so that one layer decides.
func (c CORS) Handler(next http.Handler) http.Handler {
	return c.compile().Handler(next)
}

// isPreflight reports whether r is a CORS preflight request.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
}
