package mocktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/internal/oas"
	"github.com/mockapi-go/mockapi/openapi"
)

// Stub makes one operation answer differently for this test. It is layered
// over the spec: a request for the operation that matches every condition
// (MatchPath, MatchQuery, MatchHeader, MatchBody) gets the stub's replies
// in turn, the last one repeating, until Times is used up; other requests
// get the spec's answer. The newest matching stub wins. Build one with
// Server.On; its methods return it for chaining and may be called while
// the server runs.
type Stub struct {
	s     *Server
	op    *openapi.Operation
	where string // file:line of the On call

	// Guarded by s.mu.
	offContract bool
	conds       []cond
	replies     []reply
	delay       time.Duration
	times       int // 0: no limit
	hits        int
	removed     bool
}

type cond struct {
	in, name, value string // in: "path", "query", "header"
	body            func([]byte) bool
}

type reply struct {
	status      int
	header      http.Header
	contentType string
	body        []byte
	fn          http.HandlerFunc
}

// Example names an example of the spec, as the body of Stub.Reply: the
// response for the status is answered with that example, encoded for its
// media type.
type Example string

// On adds a stub for the operation named by its operationId ("getPet") or
// by method and path template ("GET /pets/{petId}"). Until a reply is
// added, a matching request is answered by the spec (after the stub's
// Delay, if any). An operation the spec does not have fails the test.
func (s *Server) On(operation string) *Stub {
	s.t.Helper()
	st := &Stub{s: s}
	if _, file, line, ok := runtime.Caller(1); ok {
		st.where = fmt.Sprintf("%s:%d", filepath.Base(file), line)
	}
	op := s.operation(operation)
	if op == nil {
		s.t.Errorf("mocktest: On(%q): %s", operation, s.noSuchOperation(operation))
		st.removed = true
		return st
	}
	st.op = op
	s.mu.Lock()
	s.stubs[op] = append(s.stubs[op], st)
	s.all = append(s.all, st)
	s.mu.Unlock()
	return st
}

// operation resolves an operationId or "METHOD /path/template".
func (s *Server) operation(name string) *openapi.Operation {
	if op := s.doc.Operation(name); op != nil {
		return op
	}
	method, path, ok := strings.Cut(strings.TrimSpace(name), " ")
	if !ok {
		return nil
	}
	method, path = strings.ToUpper(method), strings.TrimSpace(path)
	for _, op := range s.doc.Operations() {
		if op.Method == method && (op.Key == path || op.Path == path) {
			return op
		}
	}
	return nil
}

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

// OffContract marks the stub as deliberately breaking the spec: its replies
// are not checked. Call it before Reply.
func (st *Stub) OffContract() *Stub {
	st.s.mu.Lock()
	st.offContract = true
	st.s.mu.Unlock()
	return st
}

// MatchPath limits the stub to requests whose path parameter name has the
// (decoded) value.
func (st *Stub) MatchPath(name, value string) *Stub {
	return st.addCond(cond{in: "path", name: name, value: value})
}

// MatchQuery limits the stub to requests with the query parameter name set
// to value (any of its values).
func (st *Stub) MatchQuery(name, value string) *Stub {
	return st.addCond(cond{in: "query", name: name, value: value})
}

// MatchHeader limits the stub to requests with the header name set to value
// (any of its values).
func (st *Stub) MatchHeader(name, value string) *Stub {
	return st.addCond(cond{in: "header", name: http.CanonicalHeaderKey(name), value: value})
}

// MatchBody limits the stub to requests whose body satisfies match. match
// runs on the server's goroutines, without the server's lock.
func (st *Stub) MatchBody(match func(body []byte) bool) *Stub {
	return st.addCond(cond{in: "body", body: match})
}

func (st *Stub) addCond(c cond) *Stub {
	st.s.mu.Lock()
	st.conds = append(st.conds, c)
	st.s.mu.Unlock()
	return st
}

// Reply adds a reply to the stub's sequence: the first request gets the
// first reply, the next the next, and the last repeats. body is nil for no
// body, []byte or json.RawMessage sent as is, an Example of the spec, or
// any other value encoded as JSON. The content type is the first (JSON
// first) media type the spec declares for the status; Header can set
// another.
//
// Unless the stub is OffContract, a status the operation does not declare
// or a body its schema rejects fails the test now, with the violations and
// where the schema is in the spec.
func (st *Stub) Reply(status int, body any) *Stub {
	st.s.t.Helper()
	if st.op == nil {
		return st
	}
	rp := reply{status: status, header: http.Header{}}
	resp := declaredResponse(st.op, status)
	types := mediaTypes(resp)
	switch b := body.(type) {
	case nil:
	case []byte:
		rp.body = b
		rp.contentType = firstOr(types, "application/octet-stream")
	case json.RawMessage:
		rp.body = b
		rp.contentType = firstOr(types, "application/json")
	case Example:
		v, ct, err := exampleOf(resp, string(b))
		if err != nil {
			st.s.t.Errorf("mocktest: stub %s: Reply(%d, Example(%q)): %v", st, status, string(b), err)
			return st
		}
		rp.contentType = ct
		if s, ok := v.(string); ok && !isJSON(ct) {
			rp.body = []byte(s)
		} else if rp.body, err = json.Marshal(v); err != nil {
			st.s.t.Errorf("mocktest: stub %s: Reply(%d, Example(%q)): %v", st, status, string(b), err)
			return st
		}
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			st.s.t.Errorf("mocktest: stub %s: Reply(%d, %T): the body cannot be encoded as JSON: %v", st, status, body, err)
			return st
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
	st.check(rp)
	st.s.mu.Lock()
	st.replies = append(st.replies, rp)
	st.s.mu.Unlock()
	return st
}

// Then is Reply, for sequences that read as one: Reply(503, nil).Then(200, pet).
func (st *Stub) Then(status int, body any) *Stub {
	st.s.t.Helper()
	return st.Reply(status, body)
}

// RespondFunc adds a reply written by fn. What fn answers is checked
// against the spec when it is sent, and reported at cleanup unless the
// stub is OffContract.
func (st *Stub) RespondFunc(fn http.HandlerFunc) *Stub {
	st.s.mu.Lock()
	st.replies = append(st.replies, reply{fn: fn})
	st.s.mu.Unlock()
	return st
}

// Header sets a header on the reply added last. Setting Content-Type checks
// the reply again.
func (st *Stub) Header(name, value string) *Stub {
	st.s.t.Helper()
	st.s.mu.Lock()
	if len(st.replies) == 0 || st.replies[len(st.replies)-1].fn != nil {
		st.s.mu.Unlock()
		st.s.t.Errorf("mocktest: stub %s: Header(%q) comes after the Reply it belongs to", st, name)
		return st
	}
	rp := &st.replies[len(st.replies)-1]
	if http.CanonicalHeaderKey(name) == "Content-Type" {
		rp.contentType = value
		check := *rp
		st.s.mu.Unlock()
		st.check(check)
		return st
	}
	rp.header.Add(name, value)
	st.s.mu.Unlock()
	return st
}

// Times makes the stub answer n requests; after them the spec answers
// again. n <= 0 means no limit (the default).
func (st *Stub) Times(n int) *Stub {
	st.s.mu.Lock()
	st.times = max(n, 0)
	st.s.mu.Unlock()
	return st
}

// Delay holds every answer of the stub for d, or until the client gives
// up or the test ends.
func (st *Stub) Delay(d time.Duration) *Stub {
	st.s.mu.Lock()
	st.delay = d
	st.s.mu.Unlock()
	return st
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
	st.s.mu.Lock()
	off := st.offContract
	st.s.mu.Unlock()
	if off {
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
		if !matches(cd.conds, r, m, c) {
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

func matches(conds []cond, r *http.Request, m openapi.Match, c *Call) bool {
	for _, cd := range conds {
		switch cd.in {
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

// exampleOf finds the named example among the response's media types.
func exampleOf(resp *openapi3.Response, name string) (any, string, error) {
	if resp == nil {
		return nil, "", fmt.Errorf("the operation declares no response for this status")
	}
	var names []string
	for _, t := range mediaTypes(resp) {
		mt := resp.Content.Get(t)
		if mt == nil {
			continue
		}
		for n, ex := range mt.Examples {
			if n == name && ex != nil && ex.Value != nil && ex.Value.Value != nil {
				return ex.Value.Value, t, nil
			}
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, "", fmt.Errorf("the response has no named examples")
	}
	return nil, "", fmt.Errorf("the response has no example %q; it has %s", name, strings.Join(slices.Compact(names), ", "))
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
