package mocktest

import (
	"bytes"
	"context"
	"fmt"
	"github.com/mockapi-go/mockapi/mock/callback"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
)

// Server is a mock of an API description that lives as long as one test:
// an httptest.Server answering from the spec, with stubs layered over it
// and a journal of every request. Build one with New; it is safe for
// concurrent use, and it is an http.Handler for tests that stay in
// process.
type Server struct {
	t    testing.TB
	doc  *openapi.Document
	h    *mock.Handler
	cfg  config
	srv  *httptest.Server
	done chan struct{} // closed at cleanup: stub delays stop waiting
	cb   *callback.Dispatcher

	mu    sync.Mutex
	stubs map[*openapi.Operation][]*Stub // in the order added; the newest is tried first
	all   []*Stub
	calls []Call
}

var _ http.Handler = (*Server)(nil)

// Option configures a Server.
type Option func(*config)

type config struct {
	mockOpts []mock.Option
	loadOpts []openapi.Option
	warnOnly bool
	strict   bool
	callback callback.Options
}

// WithMockOptions passes options to the mock handler (mock.WithSeed,
// mock.WithoutSecurity, ...). mock.WithoutValidation also turns off the
// contract check of requests.
func WithMockOptions(opts ...mock.Option) Option {
	return func(c *config) { c.mockOpts = append(c.mockOpts, opts...) }
}

// WithLoadOptions passes options to the loader (openapi.Strict, ...).
func WithLoadOptions(opts ...openapi.Option) Option {
	return func(c *config) { c.loadOpts = append(c.loadOpts, opts...) }
}

// WarnOnViolations makes requests that break the spec a warning (t.Logf
// at cleanup) instead of a test failure. They are still answered as the
// mock handler answers them and still recorded in Call.Violations.
func WarnOnViolations() Option { return func(c *config) { c.warnOnly = true } }

// WithCallbacks sets how the callbacks the spec declares are delivered
// (delay, retries, repeats, allowed hosts). Without it they are sent once,
// at once, and loopback destinations are allowed, since a test's receiver
// is an httptest server: see Server.AwaitCallback.
func WithCallbacks(o callback.Options) Option { return func(c *config) { c.callback = o } }

// Strict fails the test at cleanup for every stub that no request matched.
func Strict() Option { return func(c *config) { c.strict = true } }

// New starts a mock server for the API description spec (File, URL,
// Bytes, FS or Document) and closes it when the test ends. A spec that does
// not load fails the test with the loader's located error.
//
// At cleanup the server is closed (waiting stub delays are cut short),
// then the test fails for each request that broke the spec (see
// WarnOnViolations), each response of a ReplyFunc stub that broke it,
// and, under Strict, each stub never matched.
func New(t testing.TB, spec Source, opts ...Option) *Server {
	t.Helper()
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if spec == nil {
		t.Fatalf("mocktest: New: nil Source; use mocktest.File, URL, Bytes, FS or Document")
		return nil
	}
	doc, err := spec.load(context.Background(), cfg.loadOpts)
	if err != nil {
		t.Fatalf("mocktest: %v", err)
		return nil
	}
	cbOpts := cfg.callback
	if len(cbOpts.Hosts) == 0 {
		cbOpts.AllowPrivate = true
	}
	cb, err := callback.New(cbOpts)
	if err != nil {
		t.Fatalf("mocktest: WithCallbacks: %v", err)
		return nil
	}
	h, err := mock.New(doc, append([]mock.Option{mock.WithCallbacks(cb)}, cfg.mockOpts...)...)
	if err != nil {
		_ = cb.Close()
		t.Fatalf("mocktest: %v", err)
		return nil
	}
	s := &Server{t: t, doc: doc, h: h, cfg: cfg, cb: cb, done: make(chan struct{}), stubs: map[*openapi.Operation][]*Stub{}}
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.cleanup)
	return s
}

// URL is the server's base URL ("http://127.0.0.1:port"), without the
// spec's base path: requests are accepted with and without it.
func (s *Server) URL() string { return s.srv.URL }

// Client returns an http.Client for the server; its idle connections are
// closed with the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Document returns the loaded API description.
func (s *Server) Document() *openapi.Document { return s.doc }

// Handler returns the mock handler that answers what no stub does.
func (s *Server) Handler() *mock.Handler { return s.h }

// Callbacks returns the journal of the callbacks the spec's answers fired
// (OpenAPI callbacks of the operations called), one entry per delivery
// attempt, oldest first. Stub replies fire no callbacks; the spec's
// answers, and overrides, do.
func (s *Server) Callbacks() []callback.Delivery { return s.cb.Deliveries() }

// AwaitCallback waits up to timeout for a delivery of the callback named
// name ("" for any) and returns it; when none comes, it fails the test,
// listing the deliveries seen, and returns the zero Delivery.
func (s *Server) AwaitCallback(name string, timeout time.Duration) callback.Delivery {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	d, err := s.cb.Await(ctx, func(d callback.Delivery) bool { return name == "" || d.Callback == name })
	if err != nil {
		var seen []string
		for _, d := range s.cb.Deliveries() {
			seen = append(seen, fmt.Sprintf("%s %s %s: status %d %s", d.Callback, d.Method, d.URL, d.Status, d.Err))
		}
		s.t.Errorf("mocktest: no delivery of callback %q within %s; deliveries: %v", name, timeout, seen)
		return callback.Delivery{}
	}
	return d
}

// maxJournalBody bounds the request body kept in the journal.
const maxJournalBody = 1 << 20

// ServeHTTP routes the request once, checks it against the spec, answers
// with the newest matching stub or else the mock handler, and records the
// call.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone()}
	if r.Body != nil && r.Body != http.NoBody {
		body, _ := io.ReadAll(io.LimitReader(r.Body, maxJournalBody))
		c.Body = body
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
	}
	m, err := s.doc.Match(r)
	if err == nil {
		r = r.WithContext(openapi.ContextWithMatch(r.Context(), m))
		c.Operation = m.Operation.ID
		c.PathParams = m.Params()
	}
	rej := s.h.Check(r)
	if rej != nil {
		c.Violations = rej.Violations
	}
	rec := &recorder{ResponseWriter: w}
	answered := false
	if rej == nil && m.Operation != nil {
		answered = s.serveStub(rec, r, m, &c)
	}
	if !answered {
		var buf *bytes.Buffer
		if rej == nil && m.Operation != nil && s.h.Overridden(m.Operation) {
			buf = &bytes.Buffer{} // an override's answer is held to the contract, like a ReplyFunc's
			rec.capture = buf
		}
		s.h.ServeHTTP(rec, r)
		if buf != nil && !(buf.Len() >= maxJournalBody) {
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			c.ResponseViolations = s.h.CheckResponse(m.Operation, status, rec.Header().Get("Content-Type"), buf.Bytes())
		}
	}
	c.Status = rec.status
	if c.Status == 0 && !c.Canceled {
		c.Status = http.StatusOK
	}
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.mu.Unlock()
}

// wait sleeps d, or less when the client goes away or the test ends; it
// reports whether the whole delay passed.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

func (s *Server) cleanup() {
	close(s.done)
	s.srv.Close()
	_ = s.cb.Close()
	s.t.Helper()
	s.mu.Lock()
	calls := s.calls
	stubs := s.all
	s.mu.Unlock()

	var broken, lying []string
	for _, c := range calls {
		if len(c.Violations) > 0 {
			broken = append(broken, describeViolations(c.String(), c.Violations))
		}
		if len(c.ResponseViolations) > 0 {
			lying = append(lying, describeViolations(c.String(), c.ResponseViolations))
		}
	}
	if len(broken) > 0 {
		msg := fmt.Sprintf("mocktest: %d request(s) broke the API description %s:\n%s",
			len(broken), s.doc.Source, strings.Join(broken, "\n"))
		if s.cfg.warnOnly {
			s.t.Logf("%s", msg)
		} else {
			s.t.Errorf("%s", msg)
		}
	}
	if len(lying) > 0 {
		s.t.Errorf("mocktest: %d stub or override response(s) broke the API description (mark a stub OffContract if that is the point):\n%s",
			len(lying), strings.Join(lying, "\n"))
	}
	if s.cfg.strict {
		var unused []string
		for _, st := range stubs {
			if st.Hits() == 0 && !st.isRemoved() {
				unused = append(unused, "\t"+st.String())
			}
		}
		if len(unused) > 0 {
			s.t.Errorf("mocktest: %d stub(s) never matched a request:\n%s", len(unused), strings.Join(unused, "\n"))
		}
	}
}

func describeViolations(head string, vs []mock.Violation) string {
	var b strings.Builder
	b.WriteString("\t")
	b.WriteString(head)
	for _, v := range vs {
		b.WriteString("\n\t\t")
		b.WriteString(v.String())
	}
	return b.String()
}

// recorder remembers the status a response was given and, when asked,
// its body.
type recorder struct {
	http.ResponseWriter
	status  int
	capture *bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.capture != nil && r.capture.Len() < maxJournalBody {
		r.capture.Write(b)
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
