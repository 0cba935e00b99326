package mock

import (
	"net/http"

	"github.com/mockapi-go/mockapi/openapi"
)

// An Upstream answers requests from the real API the description
// describes, in place of the mock: partial mocking, where the operations
// that exist upstream are forwarded and the rest are mocked. Package
// mock/proxy builds one (proxy.New); the handler only knows this
// interface, so the mock's core holds no HTTP client.
//
// ServeUpstream runs where an Override would (after routing, the security
// check, validation and any delay or fault), with r's body the validated
// one and the match in its context (openapi.MatchFrom). h is the handler,
// for h.CheckResponse; next is the mock's own answer, which the Upstream
// calls when it falls back. An Override given for the same operation runs
// first, and its next is the Upstream.
//
// WithSelfCheck does not check what an Upstream writes (it is the real
// API's answer, not the mock's): the Upstream checks it with
// CheckResponse itself, as proxy.Proxy does for drift. Under an Override,
// WithSelfCheck checks the Override's answer, whatever its next was.
type Upstream interface {
	ServeUpstream(w http.ResponseWriter, r *http.Request, h *Handler, next http.Handler)
}

// WithUpstream makes u answer every request the spec allows, except those
// that carry a mock control (Prefer: code, example, dynamic or fault, or
// their __ query parameters): they ask for the mock and the mock answers
// them. A nil u removes an Upstream given earlier.
//
// When u also has a method Bind(*openapi.Document) error, New calls it
// with the handler's document and fails with its error: a proxy.Proxy
// checks there that the operations its options name exist.
func WithUpstream(u Upstream) Option { return func(c *config) { c.upstream = u } }

// upstreamHandler wraps next, the spec's answer, in the configured
// Upstream; it returns next when there is none or ctl asks for the mock.
func (h *Handler) upstreamHandler(ctl controls, next http.Handler) http.Handler {
	u := h.cfg.upstream
	if u == nil || ctl.asksMock() {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.ServeUpstream(w, r, h, next)
	})
}

// asksMock reports whether the request carries a control that asks for
// the mock's answer rather than the real API's.
func (c controls) asksMock() bool {
	return c.hasCode || c.example != "" || c.dynamic != 0 || c.fault != ""
}

// binder is an Upstream that checks itself against the document.
type binder interface {
	Bind(doc *openapi.Document) error
}
