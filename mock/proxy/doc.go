// Package proxy puts a real API behind the mock: partial mocking, where the
// operations that exist upstream are forwarded and the rest are mocked,
// with every upstream answer checked against the description.
//
//	p, err := proxy.New("https://api.example.com", proxy.Options{FallbackOn: []string{"404", "5xx"}})
//	h, err := mock.New(doc, mock.WithUpstream(p))
//
// # Forwarding
//
// The mock routes, checks credentials and validates each request first;
// only a request the description allows reaches the upstream, and one that
// carries a mock control (Prefer: code, example, dynamic or fault) is
// answered by the mock. The request's path is appended to the upstream
// URL's path, its query kept without the control parameters. Headers are
// passed on, credentials and cookies included, except the hop-by-hop ones
// (Connection and those it names, Keep-Alive, Proxy-Authorization, TE,
// Trailer, Transfer-Encoding, Upgrade), the mock's X-Mock-Session and
// Accept-Encoding; Host is the upstream's. Options.Operations limits
// forwarding to some operations.
//
// # Falling back
//
// The mock answers instead, as it would without a proxy, when the upstream
// is unreachable, times out (Options.Timeout bounds the whole call), sends
// a body larger than Options.MaxBodySize, resolves to an address that is
// not public (unless Options.AllowPrivate), or answers a status listed in
// Options.FallbackOn (501 by default) or, for one operation, in
// Options.FallbackFor. Redirects are passed on, not followed, unless
// Options.FollowRedirects.
//
// # Drift
//
// Every upstream answer is checked with mock.Handler.CheckResponse: a
// status the operation does not declare, a content type its response does
// not declare, or a body its schema rejects is drift. Drift is logged
// (Options.Logger: operation, status, place, pointer and message; never
// headers, query strings or bodies), counted (Proxy.Drift, Proxy.Stats),
// and reported per request (Report). The answer is passed on as sent,
// unless Options.Strict, which refuses it with a 502 problem document,
// code UPSTREAM_DRIFT, that lists each disagreement.
//
// # Recording
//
// A Recorder in Options.Recorder keeps the upstream's JSON answers as
// named examples ("recorded-1", ...), one per operation, status and shape
// (RecordOptions.Operations chooses the operations). Cookies, credentials
// and members named like secrets (Secret) are replaced by "REDACTED"; an
// answer that contradicts the description, or that the scrubbing made
// contradict it, is kept apart (Recorder.Rejected) and never becomes an
// example. Recorder.Overlay writes the recording as an OpenAPI Overlay 1.0
// document, Recorder.Load reads it back to continue, and Apply merges it
// into a description: the mock then serves the recorded examples before
// the description's own (mock.RecordedExtension), so it replays real data
// without the real API. Recorder.HAR exports the exchanges as HAR 1.2,
// scrubbed the same way. examples/mockserver does all of it with -record
// and -record-har.
//
// # Reports
//
// A layer above the mock learns what happened to each request by putting
// an empty Report in its context (ContextWithReport): mockapi.Server does,
// and writes the source, the fallback reason and the drift into its
// request log.
package proxy
