package dashboard

import (
	"errors"
	"net/http"
	"net/url"
)

// CSRFField is the name of the hidden form field holding the CSRF token.
const CSRFField = "csrf"

// ErrCSRF is a state-changing request that did not prove it came from one
// of the dashboard's own forms.
var ErrCSRF = errors.New("dashboard: the form is stale or came from another site; reload the page and try again")

// CheckCSRF refuses a request that says it came from another site (its
// Origin is not the request's own host, or Sec-Fetch-Site is cross-site),
// or whose form field CSRFField does not equal want. Call it after
// ParseForm (or ParseMultipartForm); want is the session's token.
func CheckCSRF(r *http.Request, want string) error {
	if !SameOrigin(r) {
		return ErrCSRF
	}
	if !Equal(r.PostFormValue(CSRFField), want) {
		return ErrCSRF
	}
	return nil
}

// SameOrigin reports whether nothing in the request says it came from
// another site. Browsers send Origin on every POST and Sec-Fetch-Site on
// every request; clients that send neither (curl) pass, and the token check
// stands alone for them.
func SameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if origin == "null" {
		return false
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	host := r.Host
	if fwd := r.Header.Get("X-Forwarded-Host"); fwd != "" && u.Host == fwd {
		// Behind a reverse proxy the browser's origin is the proxy's host.
		return true
	}
	return u.Host == host
}
