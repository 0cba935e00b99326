package mocktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/internal/oas"
	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/mock/problem"
	"github.com/mockapi-go/mockapi/mock/rules"
	"github.com/mockapi-go/mockapi/openapi"
)

// Stub makes one operation answer differently for this test. It is layered
// over the spec: a request for the operation that matches every condition
// (MatchPath, MatchQuery, MatchHeader, MatchBody) gets the stub's replies
// in turn, the last one repeating, until Times is used up; other requests
// get the spec's answer. The newest matching stub wins. Server.On builds
// and registers a stub complete, from options given in any order; it does
// not change afterwards, except that Remove takes it away.
type Stub struct {
	s     *Server
	op    *openapi.Operation
	where string // file:line of the On call

	// Fixed when On returns.
	offContract bool
	conds       []cond
	replies     []reply
	delay       time.Duration
	times       int // 0: no limit

	// Guarded by s.mu.
	hits    int
	removed bool
}

type cond struct {
	in, name, value string // in: "path", "query", "header", "body", "rule"
	body            func([]byte) bool
	rule            *rules.Rule
}

type reply struct {
	status      int
	header      http.Header
	contentType string
	body        []byte
	fn          http.HandlerFunc
	rule        *rules.Rule   // answered by the mock handler's rule engine
	stream      []any         // items of a stream reply
	every       time.Duration // between stream items
	streaming   bool
}

// StubOption is a reply, a condition or a setting of a stub, given to
// Server.On: Reply, ReplyFunc, ReplyTemplate, ReplyStream, Rule (a
// condition and a reply), MatchPath, MatchQuery, MatchHeader, MatchBody,
// Times, Delay, OffContract. Their order matters only among
// replies, which are answered in the order given.
type StubOption interface {
	applyStub(*stubConfig)
}

// stubConfig collects the options of one On call before the stub is built.
type stubConfig struct {
	offContract bool
	conds       []cond
	replies     []Response
	delay       time.Duration
	times       int
}

type stubOption func(*stubConfig)

func (f stubOption) applyStub(c *stubConfig) { f(c) }

// Response is one reply of a stub, made by Reply, ReplyFunc,
// ReplyTemplate or ReplyStream; WithHeader returns a copy with a header
// added. It is a StubOption.
type Response struct {
	status    int
	body      any
	header    http.Header
	fn        http.HandlerFunc
	rule      *rules.Rule
	stream    []any
	every     time.Duration
	streaming bool
}

func (r Response) applyStub(c *stubConfig) { c.replies = append(c.replies, r) }

// Reply is a reply with a status and a body: nil for no body, []byte or
// json.RawMessage sent as is, an Example of the spec, or any other value
// encoded as JSON. The content type is the first (JSON first) media type
// the spec declares for the status; WithHeader("Content-Type", ...) sets
// another.
//
// Unless the stub is OffContract, a status the operation does not declare
// or a body its schema rejects fails the test when On registers the stub,
// with the violations and where the schema is in the spec.
func Reply(status int, body any) Response { return Response{status: status, body: body} }

// ReplyFunc is a reply written by fn. What fn answers is checked against
// the spec when it is sent, and reported at cleanup unless the stub is
// OffContract.
func ReplyFunc(fn http.HandlerFunc) Response { return Response{fn: fn} }

// ReplyTemplate is a reply whose body is rendered for each request: any
// string in body may hold templates of package mock/rules
// ({{request.path.id}}, {{request.body.name}}, {{now}}, {{uuid}},
// {{faker.email}}; a string that is one template takes the value's type).
// The rendered body is checked against the spec on every request; one
// that breaks it is answered with a 500 and fails the test at cleanup.
// Headers added with WithHeader may hold templates too.
func ReplyTemplate(status int, body any) Response {
	return Response{status: status, rule: &rules.Rule{Status: status, Body: body}}
}

// ReplyStream is a reply that streams items, interval apart, in the
// framing of the streaming media type (text/event-stream, JSON lines,
// application/json-seq) the operation declares for status (see
// mock.Handler.Stream). Each item is checked against the item schema when
// On registers the stub.
func ReplyStream(status int, interval time.Duration, items ...any) Response {
	return Response{status: status, stream: items, every: interval, streaming: true}
}

// Rule makes a stub of a rule of package mock/rules: its conditions (path,
// query, header and cookie parameters typed by their schemas, body fields
// by JSON pointer) decide whether the stub matches, and its answer
// (status, named example, inline body or template, headers, delay) is the
// reply, exactly as the spec's x-mock-rules would answer. The rule is
// checked against the spec when On registers it.
func Rule(r rules.Rule) StubOption {
	return stubOption(func(c *stubConfig) {
		rule := r
		c.conds = append(c.conds, cond{in: "rule", rule: &rule})
		c.replies = append(c.replies, Response{status: r.Status, rule: &rule})
	})
}

// WithHeader returns the reply with the header added (set, for
// Content-Type). It has no effect on a ReplyFunc reply, which writes its
// own headers.
func (r Response) WithHeader(name, value string) Response {
	h := r.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if http.CanonicalHeaderKey(name) == "Content-Type" {
		h.Set(name, value)
	} else {
		h.Add(name, value)
	}
	r.header = h
	return r
}

// Example names an example of the spec, as the body of Reply: the stub
// answers what the mock handler serves for "Prefer: example=name" at that
// status (mock.Handler.Example), encoded for its media type, and the
// example is held to the contract like any other reply.
type Example string

// OffContract marks the stub as deliberately breaking the spec: its replies
// are not checked.
func OffContract() StubOption { return stubOption(func(c *stubConfig) { c.offContract = true }) }

// MatchPath limits the stub to requests whose path parameter name has the
// (decoded) value.
func MatchPath(name, value string) StubOption {
	return stubOption(func(c *stubConfig) { c.conds = append(c.conds, cond{in: "path", name: name, value: value}) })
}

// MatchQuery limits the stub to requests with the query parameter name set
// to value (any of its values).
func MatchQuery(name, value string) StubOption {
	return stubOption(func(c *stubConfig) { c.conds = append(c.conds, cond{in: "query", name: name, value: value}) })
}

// MatchHeader limits the stub to requests with the header name set to value
// (any of its values).
func MatchHeader(name, value string) StubOption {
	return stubOption(func(c *stubConfig) {
		c.conds = append(c.conds, cond{in: "header", name: http.CanonicalHeaderKey(name), value: value})
	})
}

// MatchBody limits the stub to requests whose body satisfies match. match
// runs on the server's goroutines, without the server's lock.
func MatchBody(match func(body []byte) bool) StubOption {
	return stubOption(func(c *stubConfig) { c.conds = append(c.conds, cond{in: "body", body: match}) })
}

// Times makes the stub answer n requests; after them the spec answers
// again. n <= 0 means no limit (the default).
func Times(n int) StubOption { return stubOption(func(c *stubConfig) { c.times = max(n, 0) }) }

// Delay holds every answer of the stub for d, or until the client gives
// up or the test ends. A stub with a Delay and no reply delays the spec's
// answer.
func Delay(d time.Duration) StubOption { return stubOption(func(c *stubConfig) { c.delay = d }) }

// On registers a stub for the operation named by its operationId
// ("getPet") or by method and path template ("GET /pets/{petId}"), built
// from opts:
//
//	srv.On("getPet", mocktest.MatchPath("petId", "1"),
//		mocktest.Reply(503, nil).WithHeader("Retry-After", "1"),
//		mocktest.Reply(200, Pet{ID: 1, Name: "Rex"}))
//
// The stub is complete when On returns; a request never sees part of it.
// Without a reply, a matching request is answered by the spec (after the
// stub's Delay, if any). An operation the spec does not have, or a reply
// that cannot be built (a body that is not JSON-encodable, an Example the
// response does not have), fails the test and registers nothing; a reply
// that breaks the contract fails the test and is registered as given.
func (s *Server) On(operation string, opts ...StubOption) *Stub {
	s.t.Helper()
	st := &Stub{s: s, removed: true}
	if _, file, line, ok := runtime.Caller(1); ok {
		st.where = fmt.Sprintf("%s:%d", filepath.Base(file), line)
	}
	op := s.operation(operation)
	if op == nil {
		s.t.Errorf("mocktest: On(%q): %s", operation, s.noSuchOperation(operation))
		return st
	}
	st.op = op
	var cfg stubConfig
	for _, o := range opts {
		if o != nil {
			o.applyStub(&cfg)
		}
	}
	st.offContract, st.conds, st.delay, st.times = cfg.offContract, cfg.conds, cfg.delay, cfg.times
	for _, r := range cfg.replies {
		rp, ok := st.build(r)
		if !ok {
			return st
		}
		st.replies = append(st.replies, rp)
	}
	for _, rp := range st.replies {
		if rp.fn == nil && rp.rule == nil && !rp.streaming {
			st.check(rp)
		}
	}
	s.mu.Lock()
	st.removed = false
	s.stubs[op] = append(s.stubs[op], st)
	s.all = append(s.all, st)
	s.mu.Unlock()
	return st
}

// operation resolves an operationId or "METHOD /path/template".
func (s *Server) operation(name string) *openapi.Operation { return s.doc.Lookup(name) }

func (s *Server) noSuchOperation(name string) string {
	ids := make([]string, 0, len(s.doc.Operations()))
	for _, op := range s.doc.Operations() {
		ids = append(ids, op.ID)
	}
	sort.Strings(ids)
	if len(ids) > 20 {
		ids = append(ids[:20], "...")
	}
	return fmt.Sprintf("the spec has no operation %q; it has %s", name, strings.Join(ids, ", "))
}

// String names the stub: "getPet (client_test.go:42)".
func (st *Stub) String() string {
	name := "?"
	if st.op != nil {
		name = st.op.ID
	}
	if st.where == "" {
		return name
	}
	return name + " (" + st.where + ")"
}

// build turns a Response into the reply the stub sends: the body encoded
// and its content type chosen, an Example resolved by the mock handler.
func (st *Stub) build(r Response) (reply, bool) {
	st.s.t.Helper()
	if r.fn != nil {
		return reply{fn: r.fn}, true
	}
	if r.rule != nil {
		rule := r.rule
		if len(r.header) > 0 {
			cp := *rule
			cp.Headers = map[string]string{}
			for k, v := range rule.Headers {
				cp.Headers[k] = v
			}
			for k, v := range r.header {
				cp.Headers[k] = strings.Join(v, ", ")
			}
			rule = &cp
		}
		var err error
		if st.offContract {
			err = rule.Compile()
		} else {
			err = st.s.h.CheckRule(st.op, rule)
		}
		if err != nil {
			st.s.t.Errorf("mocktest: stub %s: rule: %v", st, err)
			return reply{}, false
		}
		return reply{status: r.status, rule: rule}, true
	}
	if r.streaming {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if err := st.s.h.Stream(httptest.NewRecorder(), req, st.op, r.status, 0, r.stream...); err != nil {
			st.s.t.Errorf("mocktest: stub %s: ReplyStream(%d): %v", st, r.status, err)
			return reply{}, false
		}
		return reply{status: r.status, stream: r.stream, every: r.every, streaming: true}, true
	}
	rp := reply{status: r.status, header: http.Header{}}
	for k, v := range r.header {
		if k == "Content-Type" {
			continue
		}
		rp.header[k] = v
	}
	types := mediaTypes(declaredResponse(st.op, r.status))
	switch b := r.body.(type) {
	case nil:
	case []byte:
		rp.body = b
		rp.contentType = firstOr(types, "application/octet-stream")
	case json.RawMessage:
		rp.body = b
		rp.contentType = firstOr(types, "application/json")
	case Example:
		body, ct, err := st.s.h.Example(st.op, r.status, string(b))
		if err != nil {
			st.s.t.Errorf("mocktest: stub %s: Reply(%d, Example(%q)): %v", st, r.status, string(b), err)
			return rp, false
		}
		rp.body, rp.contentType = body, ct
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			st.s.t.Errorf("mocktest: stub %s: Reply(%d, %T): the body cannot be encoded as JSON: %v", st, r.status, r.body, err)
			return rp, false
		}
		rp.body = enc
		rp.contentType = "application/json"
		for _, t := range types {
			if isJSON(t) {
				rp.contentType = t
				break
			}
		}
	}
	if ct := r.header.Get("Content-Type"); ct != "" {
		rp.contentType = ct
	}
	return rp, true
}

// Remove takes the stub away; the requests it would have matched go to
// other stubs or the spec.
func (st *Stub) Remove() {
	st.s.mu.Lock()
	defer st.s.mu.Unlock()
	st.removed = true
	if st.op != nil {
		st.s.stubs[st.op] = slices.DeleteFunc(st.s.stubs[st.op], func(o *Stub) bool { return o == st })
	}
}

// Hits is how many requests the stub has matched.
func (st *Stub) Hits() int {
	st.s.mu.Lock()
	defer st.s.mu.Unlock()
	return st.hits
}

func (st *Stub) isRemoved() bool {
	st.s.mu.Lock()
	defer st.s.mu.Unlock()
	return st.removed
}

func (st *Stub) check(rp reply) {
	st.s.t.Helper()
	if st.offContract {
		return
	}
	if vs := st.s.h.CheckResponse(st.op, rp.status, rp.contentType, rp.body); len(vs) > 0 {
		st.s.t.Errorf("mocktest: stub %s: reply %d breaks the API description (mark the stub OffContract if that is the point):\n%s",
			st, rp.status, describeViolations(st.op.String(), vs))
	}
}

// candidate is a stub's conditions copied under the lock, so they are
// evaluated without it.
type candidate struct {
	st    *Stub
	conds []cond
}

// serveStub answers r with the newest stub that matches, and reports
// whether one did.
func (s *Server) serveStub(w *recorder, r *http.Request, m openapi.Match, c *Call) bool {
	s.mu.Lock()
	list := s.stubs[m.Operation]
	if len(list) == 0 {
		s.mu.Unlock()
		return false
	}
	cands := make([]candidate, 0, len(list))
	for i := len(list) - 1; i >= 0; i-- {
		if st := list[i]; st.times == 0 || st.hits < st.times {
			cands = append(cands, candidate{st, st.conds[:len(st.conds):len(st.conds)]})
		}
	}
	s.mu.Unlock()
	for _, cd := range cands {
		if !matches(s.h, cd.conds, r, m, c) {
			continue
		}
		s.mu.Lock()
		st := cd.st
		if st.removed || (st.times > 0 && st.hits >= st.times) {
			s.mu.Unlock()
			continue
		}
		st.hits++
		var rp *reply
		if n := len(st.replies); n > 0 {
			cp := st.replies[min(st.hits, n)-1]
			rp = &cp
		}
		delay, off := st.delay, st.offContract
		s.mu.Unlock()
		c.Stub = st.String()
		if !s.wait(r.Context(), delay) {
			c.Canceled = true
			return true
		}
		if rp == nil {
			return false // a stub without replies only delays the spec's answer
		}
		c.Stubbed = true
		s.write(w, r, st.op, rp, off, c)
		return true
	}
	return false
}

func matches(h *mock.Handler, conds []cond, r *http.Request, m openapi.Match, c *Call) bool {
	for _, cd := range conds {
		switch cd.in {
		case "rule":
			if !h.RuleMatches(r, cd.rule) {
				return false
			}
		case "path":
			if v, ok := m.Param(cd.name); !ok || v != cd.value {
				return false
			}
		case "query":
			if !slices.Contains(c.Query[cd.name], cd.value) {
				return false
			}
		case "header":
			if !slices.Contains(r.Header.Values(cd.name), cd.value) {
				return false
			}
		case "body":
			if !cd.body(c.Body) {
				return false
			}
		}
	}
	return true
}

func (s *Server) write(w *recorder, r *http.Request, op *openapi.Operation, rp *reply, off bool, c *Call) {
	if rp.rule != nil {
		if err := s.h.ServeRule(w, r, rp.rule); err != nil {
			c.ResponseViolations = append(c.ResponseViolations, mock.Violation{In: problem.InBody, Message: "the stub's rule could not answer: " + err.Error()})
			http.Error(w, "mocktest: the stub's rule could not answer: "+err.Error(), http.StatusInternalServerError)
		}
		return
	}
	if rp.streaming {
		_ = s.h.Stream(w, r, op, rp.status, rp.every, rp.stream...) // the items were checked by On
		return
	}
	if rp.fn != nil {
		var buf bytes.Buffer
		w.capture = &buf
		rp.fn(w, r)
		if !off {
			status := w.status
			if status == 0 {
				status = http.StatusOK
			}
			c.ResponseViolations = s.h.CheckResponse(op, status, w.Header().Get("Content-Type"), buf.Bytes())
		}
		return
	}
	h := w.Header()
	for k, v := range rp.header {
		h[k] = v
	}
	if len(rp.body) > 0 {
		if rp.contentType != "" {
			h.Set("Content-Type", rp.contentType)
		}
		h.Set("Content-Length", strconv.Itoa(len(rp.body)))
	}
	w.WriteHeader(rp.status)
	if r.Method != http.MethodHead && len(rp.body) > 0 {
		_, _ = w.Write(rp.body)
	}
}

// declaredResponse is the response the operation declares for status: the
// exact code, its range ("4XX"), or default; nil when none.
func declaredResponse(op *openapi.Operation, status int) *openapi3.Response {
	rs := oas.Responses(op.Kin())
	for _, key := range []string{strconv.Itoa(status), fmt.Sprintf("%dXX", status/100), fmt.Sprintf("%dxx", status/100), "default"} {
		if ref := rs.Value(key); ref != nil && ref.Value != nil {
			return ref.Value
		}
	}
	return nil
}

// mediaTypes lists the response's media types, JSON first, then by name.
func mediaTypes(resp *openapi3.Response) []string {
	if resp == nil {
		return nil
	}
	var out []string
	for t := range resp.Content {
		for _, one := range strings.Split(t, ",") {
			if one = strings.TrimSpace(one); one != "" && !strings.Contains(one, "*") {
				out = append(out, one)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if isJSON(out[i]) != isJSON(out[j]) {
			return isJSON(out[i])
		}
		return out[i] < out[j]
	})
	return out
}

func firstOr(list []string, def string) string {
	if len(list) > 0 {
		return list[0]
	}
	return def
}

func isJSON(t string) bool {
	t, _, _ = strings.Cut(strings.ToLower(t), ";")
	t = strings.TrimSpace(t)
	return t == "application/json" || strings.HasSuffix(t, "+json")
}
