package proxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mockapi-go/mockapi/internal/egress"
	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
)

// Defaults of Options.
const (
	DefaultTimeout     = 10 * time.Second
	DefaultMaxBodySize = 10 << 20
	maxRedirects       = 10
	maxLoggedDrift     = 10  // warnings per answer; the rest are counted
	maxProblemItems    = 100 // disagreements a 502 lists
)

// Options configures a Proxy. The zero value forwards every operation, falls
// back to the mock on 501 and when the upstream cannot answer, waits at
// most DefaultTimeout, reads at most DefaultMaxBodySize, follows no
// redirect, passes drifting answers through and refuses private addresses.
type Options struct {
	// Operations names the operations forwarded, by operationId ("getPet")
	// or method and path template ("GET /pets/{petId}"); the mock answers
	// the others. Empty: every operation is forwarded. mock.New fails
	// when its description lacks one (Bind): a Proxy given to handlers of
	// several descriptions (mockapi.Options.MockOptions) names none, or
	// only operations they all have.
	Operations []string
	// FallbackOn lists the upstream statuses the mock answers instead of:
	// "404", "501", or a class such as "5xx". nil: "501", the status of
	// an API that does not implement the operation yet; an empty, non-nil
	// slice: none. The mock also answers when the upstream is unreachable,
	// times out, is refused (a private address), or sends a body larger
	// than MaxBodySize.
	FallbackOn []string
	// FallbackFor sets FallbackOn for single operations, named as in
	// Operations.
	FallbackFor map[string][]string
	// Timeout bounds each forwarded call, from dialling to the last byte
	// of the body. Zero: DefaultTimeout.
	Timeout time.Duration
	// MaxBodySize bounds the upstream's response body in bytes. Zero:
	// DefaultMaxBodySize.
	MaxBodySize int64
	// FollowRedirects follows up to 10 redirects (each target refused
	// like the first when it is private). False: a 3xx is the answer, as
	// the upstream sent it.
	FollowRedirects bool
	// AllowPrivate lets the proxy call loopback, private, link-local and
	// other non-public addresses. False: such a call is refused when it is
	// dialled, whatever name resolved to it, and the mock answers.
	AllowPrivate bool
	// Strict refuses an upstream answer that the description does not
	// allow with a 502 application/problem+json (code UPSTREAM_DRIFT)
	// listing each disagreement. False: the answer is passed on, and the
	// drift counted and logged.
	Strict bool
	// Logger receives one warning per drifting answer (operation, status,
	// pointer, message) and a debug line per fallback. Headers, query
	// strings and bodies are never logged. Nil: nothing is logged.
	Logger *slog.Logger
	// Recorder, when not nil, is handed every answer forwarded from the
	// upstream (see Recorder).
	Recorder *Recorder
	// Transport replaces the HTTP transport, for tests or for a client
	// certificate. Its dialler is then the caller's: AllowPrivate is not
	// enforced by the proxy. Nil: a transport of the proxy's own that
	// ignores $HTTP_PROXY (a forward proxy would bypass the address
	// check).
	Transport http.RoundTripper
}

// A Proxy forwards the requests the mock has validated to a real API and
// checks its answers against the description: a mock.Upstream. Build one
// with New and give it to the mock with mock.WithUpstream. It is safe for
// concurrent use, and may serve several mock handlers at once.
type Proxy struct {
	base     *url.URL
	o        Options
	client   *http.Client
	only     map[string]bool
	fallback statusSet
	perOp    map[string]statusSet
	drift    driftTable

	forwarded, fellBack, drifted, refused atomic.Int64
}

var _ mock.Upstream = (*Proxy)(nil)

// New returns a Proxy to the API at upstream, an absolute http or https
// URL without credentials, query or fragment. The request's path, as the
// mock sees it, is appended to the URL's path, and its query kept.
func New(upstream string, o Options) (*Proxy, error) {
	u, err := url.Parse(upstream)
	if err != nil {
		// Not the URL itself: it may hold a password.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("proxy: the upstream is not a URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("proxy: upstream %q is not an absolute http or https URL", u.Redacted())
	}
	if u.User != nil {
		return nil, fmt.Errorf("proxy: upstream %q carries credentials in the URL; send them as headers", u.Redacted())
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, fmt.Errorf("proxy: upstream %q has a query or fragment; the request's query is what is sent", u.Redacted())
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBodySize <= 0 {
		o.MaxBodySize = DefaultMaxBodySize
	}
	p := &Proxy{base: u, o: o}
	if len(o.Operations) > 0 {
		p.only = map[string]bool{}
		for _, name := range o.Operations {
			p.only[name] = true
		}
	}
	fb := o.FallbackOn
	if fb == nil {
		fb = []string{"501"}
	}
	if p.fallback, err = parseStatuses(fb); err != nil {
		return nil, fmt.Errorf("proxy: FallbackOn: %w", err)
	}
	for name, list := range o.FallbackFor {
		set, err := parseStatuses(list)
		if err != nil {
			return nil, fmt.Errorf("proxy: FallbackFor[%q]: %w", name, err)
		}
		if p.perOp == nil {
			p.perOp = map[string]statusSet{}
		}
		p.perOp[name] = set
	}
	rt := o.Transport
	if rt == nil {
		rt = newTransport(o.AllowPrivate, o.Timeout)
	}
	p.client = &http.Client{Transport: rt, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if !o.FollowRedirects {
			return http.ErrUseLastResponse
		}
		if len(via) >= maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		return nil
	}}
	return p, nil
}

// Bind checks that every operation the options name is one of doc's;
// mock.New calls it, and fails with its error.
func (p *Proxy) Bind(doc *openapi.Document) error {
	for name := range p.only {
		if doc.Lookup(name) == nil {
			return fmt.Errorf("proxy: Operations names %q: the document has no such operation", name)
		}
	}
	for name := range p.perOp {
		if doc.Lookup(name) == nil {
			return fmt.Errorf("proxy: FallbackFor names %q: the document has no such operation", name)
		}
	}
	return nil
}

// Close closes the idle connections to the upstream. The Proxy remains
// usable.
func (p *Proxy) Close() { p.client.CloseIdleConnections() }

// Stats counts what a Proxy did since it was built.
type Stats struct {
	Forwarded int64 // answers from the upstream passed to the client
	Fallbacks int64 // requests the mock answered after trying the upstream
	Drifted   int64 // upstream answers that disagreed with the description
	Refused   int64 // drifting answers refused with 502 (Strict)
}

// Stats returns the proxy's counts.
func (p *Proxy) Stats() Stats {
	return Stats{Forwarded: p.forwarded.Load(), Fallbacks: p.fellBack.Load(), Drifted: p.drifted.Load(), Refused: p.refused.Load()}
}

// opName is how options name op: its operationId, and "METHOD
// /path/template".
func opName(op *openapi.Operation) (id, route string) { return op.ID, op.Method + " " + op.Key }

func (p *Proxy) forwards(op *openapi.Operation) bool {
	if p.only == nil {
		return true
	}
	id, route := opName(op)
	return p.only[id] || p.only[route]
}

func (p *Proxy) fallsBackOn(op *openapi.Operation, status int) bool {
	if p.perOp != nil {
		id, route := opName(op)
		if s, ok := p.perOp[id]; ok {
			return s.has(status)
		}
		if s, ok := p.perOp[route]; ok {
			return s.has(status)
		}
	}
	return p.fallback.has(status)
}

// ServeUpstream forwards r to the upstream and answers with what it
// sends, or lets next, the mock, answer; see the package documentation.
func (p *Proxy) ServeUpstream(w http.ResponseWriter, r *http.Request, h *mock.Handler, next http.Handler) {
	m, ok := openapi.MatchFrom(r.Context())
	if !ok || !p.forwards(m.Operation) {
		next.ServeHTTP(w, r)
		return
	}
	op := m.Operation
	rep := ReportFrom(r.Context())
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		// Already read and bounded by the mock's validation.
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	ctx, cancel := context.WithTimeout(r.Context(), p.o.Timeout)
	defer cancel()
	res, err := p.call(ctx, r, body)
	if err != nil {
		if r.Context().Err() != nil {
			return // the client went away: nobody to answer
		}
		p.fallBack(w, r, next, op, rep, reason(err))
		return
	}
	if p.fallsBackOn(op, res.status) {
		if rep != nil {
			rep.Status = res.status
		}
		p.fallBack(w, r, next, op, rep, "status "+strconv.Itoa(res.status))
		return
	}
	ct := res.header.Get("Content-Type")
	vs := h.CheckResponse(op, res.status, ct, res.body)
	if rep != nil {
		rep.Source = SourceUpstream
		rep.Status = res.status
		rep.Drift = vs
	}
	if p.o.Recorder != nil {
		p.o.Recorder.add(h, op, r, res.url, body, res, vs)
	}
	if len(vs) > 0 {
		p.drifted.Add(1)
		p.drift.add(op.ID, res.status, vs, time.Now())
		if l := p.o.Logger; l != nil {
			for i, v := range vs {
				if i == maxLoggedDrift {
					l.Warn("upstream drift", "operation", op.ID, "status", res.status, "more", len(vs)-i)
					break
				}
				l.Warn("upstream drift", "operation", op.ID, "status", res.status,
					"in", string(v.In), "pointer", v.Pointer, "message", v.Message)
			}
		}
		if p.o.Strict {
			p.refused.Add(1)
			pr := problem.New(http.StatusBadGateway, problem.CodeUpstreamDrift,
				fmt.Sprintf("the upstream's %d answer to %s does not match the API description", res.status, op.ID))
			for _, v := range vs[:min(len(vs), maxProblemItems)] {
				pr.Errors = append(pr.Errors, problem.Item{In: v.In, Name: v.Name, Pointer: v.Pointer, Message: v.Message})
			}
			if rep != nil {
				rep.Refused = true
			}
			problem.Write(w, pr)
			return
		}
	}
	p.forwarded.Add(1)
	copyHeader(w.Header(), res.header)
	switch {
	case res.status < 200 || res.status == http.StatusNoContent || res.status == http.StatusNotModified:
		// No body, and no length to say so.
	case r.Method == http.MethodHead:
		if n := res.header.Get("Content-Length"); n != "" {
			w.Header().Set("Content-Length", n) // the length GET would have
		}
	default:
		w.Header().Set("Content-Length", strconv.Itoa(len(res.body)))
	}
	w.WriteHeader(res.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(res.body)
	}
}

func (p *Proxy) fallBack(w http.ResponseWriter, r *http.Request, next http.Handler, op *openapi.Operation, rep *Report, why string) {
	p.fellBack.Add(1)
	if rep != nil {
		rep.Source, rep.Reason = SourceFallback, why
	}
	if l := p.o.Logger; l != nil {
		l.Debug("upstream fallback", "operation", op.ID, "reason", why)
	}
	next.ServeHTTP(w, r)
}

// reason says in a few words why a call failed, for the report and log:
// never the error itself, which may quote the URL.
func reason(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, egress.ErrRefused):
		return "refused: not a public address"
	case errors.Is(err, errTooLarge):
		return "body too large"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	default:
		return "unreachable"
	}
}

var errTooLarge = errors.New("proxy: the upstream's body is larger than MaxBodySize")

type result struct {
	url     string // what was called
	status  int
	header  http.Header
	body    []byte
	elapsed time.Duration
}

// call sends the request upstream and reads the whole, bounded answer.
func (p *Proxy) call(ctx context.Context, r *http.Request, body []byte) (*result, error) {
	u := *p.base
	u.Path = p.base.Path + r.URL.Path
	if p.base.RawPath != "" || r.URL.RawPath != "" {
		u.RawPath = p.base.EscapedPath() + r.URL.EscapedPath()
	}
	u.RawQuery = r.URL.RawQuery
	var rb io.Reader
	if body != nil {
		rb = bytes.NewReader(body)
	}
	out, err := http.NewRequestWithContext(ctx, r.Method, u.String(), rb)
	if err != nil {
		return nil, err
	}
	out.Header = outboundHeader(r.Header)
	start := time.Now()
	res, err := p.client.Do(out)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, p.o.MaxBodySize+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > p.o.MaxBodySize {
		return nil, errTooLarge
	}
	return &result{url: res.Request.URL.String(), status: res.StatusCode, header: res.Header, body: b, elapsed: time.Since(start)}, nil
}
