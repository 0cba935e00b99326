package proxy

import (
	"net/http"
	"time"

	"github.com/mockapi-go/mockapi/internal/egress"
)

// newTransport is the proxy's own transport: the one callbacks and
// webhooks use (package internal/egress: no forward proxy, and unless
// allowPrivate a dialler that checks the address it is about to connect
// to, after name resolution, so no name, nor a rebinding one, reaches an
// internal address), with more idle connections per host, as a proxy
// calls one host over and over.
func newTransport(allowPrivate bool, timeout time.Duration) http.RoundTripper {
	rt := egress.Policy{AllowPrivate: allowPrivate}.Client(timeout).Transport
	tr, ok := rt.(*http.Transport)
	if !ok {
		return rt
	}
	tr = tr.Clone()
	tr.MaxIdleConnsPerHost = 16
	tr.IdleConnTimeout = 90 * time.Second
	tr.ForceAttemptHTTP2 = true
	tr.MaxResponseHeaderBytes = 1 << 20
	return tr
}
