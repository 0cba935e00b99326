package mock

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/openapi"
)

// An Override answers one operation in Go code: the escape hatch for what
// the spec's examples and generated data cannot say ("404 when the id is
// 0", "echo the name I posted").
//
// It runs after the request was routed, its credentials checked and it was
// validated, so it only ever sees requests the spec allows, and after any
// latency (WithLatency, Prefer: delay) was applied. r carries the match:
// openapi.MatchFrom(r.Context()) gives the operation and Params() the path
// parameters; r.Body can be read again. next is the answer the handler
// would give without the override (an example, generated data, or the
// stateful CRUD answer): call it to answer as the spec would, call it with
// an httptest.ResponseRecorder to change that answer, or do not call it
// and write your own.
//
// With WithSelfCheck, what an override writes is checked against the spec
// like any answer, and a status or body the operation does not declare is
// replaced by a 500 problem document naming the violation.
type Override func(w http.ResponseWriter, r *http.Request, next http.Handler)

// WithOperation makes fn answer the operation named by its operationId
// ("getPet") or by method and path template ("GET /pets/{petId}"). New
// fails when the document has no such operation, or when two overrides
// name the same one. A nil fn removes an override given earlier.
func WithOperation(operation string, fn Override) Option {
	return func(c *config) {
		c.overrides = append(c.overrides, namedOverride{operation, fn})
	}
}

type namedOverride struct {
	name string
	fn   Override
}

// resolveOverrides maps each WithOperation to its operation.
func resolveOverrides(doc *openapi.Document, named []namedOverride) (map[*openapi.Operation]Override, error) {
	if len(named) == 0 {
		return nil, nil
	}
	out := map[*openapi.Operation]Override{}
	by := map[*openapi.Operation]string{}
	for _, n := range named {
		op := doc.Lookup(n.name)
		if op == nil {
			return nil, fmt.Errorf("mock: WithOperation(%q): the document has no such operation (name an operationId or \"METHOD /path/template\")", n.name)
		}
		if n.fn == nil {
			delete(out, op)
			delete(by, op)
			continue
		}
		if prev, dup := by[op]; dup {
			return nil, fmt.Errorf("mock: WithOperation(%q) and WithOperation(%q) name the same operation %s", prev, n.name, op.ID)
		}
		out[op], by[op] = n.fn, n.name
	}
	return out, nil
}

// serveOverride hands the request to the operation's override, with next
// answering as the handler would have.
func (h *Handler) serveOverride(w http.ResponseWriter, r *http.Request, p *opPlan, m openapi.Match, fn Override, next http.Handler) {
	if mm, ok := openapi.MatchFrom(r.Context()); !ok || mm.Operation != m.Operation {
		r = r.WithContext(openapi.ContextWithMatch(r.Context(), m))
	}
	if !h.cfg.selfCheck {
		fn(w, r, next)
		return
	}
	bw := &captureWriter{header: http.Header{}}
	fn(bw, r, next)
	status := bw.status
	if status == 0 {
		status = http.StatusOK
	}
	if vs := h.CheckResponse(m.Operation, status, bw.header.Get("Content-Type"), bw.body.Bytes()); len(vs) > 0 {
		msgs := make([]string, 0, len(vs))
		for _, v := range vs {
			msgs = append(msgs, v.String())
		}
		pr := problem.New(http.StatusInternalServerError, problem.CodeResponseViolation,
			"the override's response would not match the API description: "+strings.Join(msgs, "; "))
		problem.Write(w, pr)
		return
	}
	for k, v := range bw.header {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
	_, _ = w.Write(bw.body.Bytes())
}

// Overridden reports whether WithOperation gave op an override. A layer
// over the handler (mock/mocktest) uses it to hold override answers to the
// contract.
func (h *Handler) Overridden(op *openapi.Operation) bool { return h.overrides[op] != nil }
