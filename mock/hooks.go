package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/openapi"
)

// Check routes r and checks it the way ServeHTTP does before answering
// (route, credentials when the security check is on, parameters, content
// type and body when validation is on) without answering it. It returns nil
// when ServeHTTP would answer from the spec, else the rejection ServeHTTP
// would send. A CORS preflight the handler answers itself is never
// rejected. The body of r is read and replaced, so r can still be served;
// a match stored with openapi.ContextWithMatch is reused when the handler's
// own document made it.
//
// Check lets a layer over the handler (mock/mocktest) answer some requests
// itself and still hold them to the contract.
func (h *Handler) Check(r *http.Request) *Rejection {
	if h.cors != nil && isPreflight(r) {
		return nil
	}
	m, err := h.doc.Match(r)
	if err != nil {
		cw := &captureWriter{header: http.Header{}}
		writeRouteError(cw, r, err)
		return rejectionOf(cw.body.Bytes(), "route")
	}
	p := h.plan(m.Operation)
	if p == nil {
		return &Rejection{Status: http.StatusNotFound, Code: problem.CodeNotFound,
			Detail: "the operation is not one of this handler's document"}
	}
	body, err := h.readBody(r)
	if err != nil {
		return &Rejection{Status: http.StatusRequestEntityTooLarge, Code: problem.CodeValidation, Detail: err.Error(),
			Violations: []Violation{{In: "body", Message: err.Error()}}}
	}
	defer func() { r.Body = io.NopCloser(bytes.NewReader(body)) }()
	r2 := r
	if _, query, stripped := readControls(r); stripped {
		r2 = r.Clone(r.Context())
		u := *r.URL
		u.RawQuery = query
		r2.URL = &u
	}
	if h.cfg.security && !admitted(r2) {
		if ok, _ := securityOK(p.security, r2); !ok {
			rej := &Rejection{Status: http.StatusUnauthorized, Code: problem.CodeAuthRequired,
				Detail: "the operation requires credentials the request does not carry"}
			for _, it := range missingCredentials(p.security, r2) {
				rej.Violations = append(rej.Violations, Violation{In: it.In, Name: it.Name, Message: it.Message})
			}
			return rej
		}
	}
	if h.cfg.validate {
		if pr := h.validateRequest(r2.Context(), p, r2, m); pr != nil {
			if _, _, ok := h.validAlternative(r2, m, body); ok {
				return nil // ServeHTTP answers it from another operation on the route
			}
			return fromProblem(*pr, "")
		}
	}
	return nil
}

// CheckResponse reports how a response for op would break the API
// description: a status the operation does not declare, a body where the
// response declares none, a content type the response does not declare, or
// a JSON body its schema rejects (each schema violation located by a JSON
// pointer into the body and the schema's place in the description). An
// empty body is accepted for any declared status. It returns nil when the
// response keeps the contract.
func (h *Handler) CheckResponse(op *openapi.Operation, status int, contentType string, body []byte) []Violation {
	p := h.plan(op)
	if p == nil {
		return []Violation{{Message: "the operation is not one of this handler's document"}}
	}
	sp := p.byCode[status]
	if sp == nil && status >= 100 && status < 600 {
		sp = p.byRange[status/100]
	}
	if sp == nil {
		sp = p.def
	}
	if sp == nil {
		return []Violation{{In: "status", Message: fmt.Sprintf("%s does not declare status %d; it declares %s", op.ID, status, p.declared)}}
	}
	if len(body) == 0 {
		return nil
	}
	base := "paths." + op.Key + "." + strings.ToLower(op.Method) + ".responses." + sp.key
	if len(sp.media) == 0 {
		return []Violation{{In: "body", Schema: base, Message: fmt.Sprintf("the %s response declares no content, but the body has %d bytes", sp.key, len(body))}}
	}
	mp := mediaFor(sp.media, contentType)
	if mp == nil {
		declared := make([]string, 0, len(sp.media))
		for _, m := range sp.media {
			declared = append(declared, m.declared)
		}
		return []Violation{{In: "header", Name: "Content-Type", Schema: base + ".content",
			Message: fmt.Sprintf("%q is not a media type the %s response declares (%s)", contentType, sp.key, strings.Join(declared, ", "))}}
	}
	if mp.schema == nil || mp.kind != renderJSON {
		return nil
	}
	at := base + ".content." + mp.declared + ".schema"
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return []Violation{{In: "body", Schema: at, Message: "the body is not JSON: " + err.Error()}}
	}
	err := h.checkValue(mp.schema, v)
	if err == nil {
		return nil
	}
	var out []Violation
	for _, e := range flattenErrors(err, nil) {
		var se *openapi3.SchemaError
		if errors.As(e, &se) {
			ptr := ""
			if p := se.JSONPointer(); len(p) > 0 {
				ptr = "/" + strings.Join(p, "/")
			}
			out = append(out, Violation{In: "body", Pointer: ptr, Schema: at, Message: schemaMessage(se)})
			continue
		}
		out = append(out, Violation{In: "body", Schema: at, Message: firstLine(e.Error())})
	}
	return out
}

// Example returns the response example named name for the operation's
// status, as ServeHTTP sends it for "Prefer: code=status, example=name":
// the body encoded for its media type (an externalValue read as the
// handler reads it, none under WithoutExternalValues) and its Content-Type.
// The status is looked up as the operation declares it (the exact code,
// its range, default); the media types are searched JSON first, then by
// name. The example is returned as written even when it contradicts its
// schema (the handler warns about those, see Warnings): hold it to the
// contract with CheckResponse. The error says what the response has
// instead; it is the way package mocktest answers a stub with an example.
func (h *Handler) Example(op *openapi.Operation, status int, name string) (body []byte, contentType string, err error) {
	p := h.plan(op)
	if p == nil {
		return nil, "", errors.New("the operation is not one of this handler's document")
	}
	var sp *statusPlan
	if status >= 100 && status <= 599 {
		sp = p.declaredFor(status)
	}
	if sp == nil {
		return nil, "", fmt.Errorf("%s does not declare status %d; it declares %s", op.ID, status, p.declared)
	}
	var names []string
	for _, mp := range sp.media {
		if ep := mp.byName[name]; ep != nil && ep.encoded != nil {
			return slices.Clone(ep.encoded), mp.contentType, nil
		}
		for _, ep := range mp.examples {
			names = append(names, ep.name)
		}
	}
	if len(names) == 0 {
		return nil, "", fmt.Errorf("the %s response of %s has no named examples", sp.key, op.ID)
	}
	slices.Sort(names)
	return nil, "", fmt.Errorf("the %s response of %s has no example %q; it has %s", sp.key, op.ID, name, strings.Join(slices.Compact(names), ", "))
}

// mediaFor finds the declared media type that covers contentType; an empty
// contentType takes the first declared.
func mediaFor(media []*mediaPlan, contentType string) *mediaPlan {
	if contentType == "" {
		return media[0]
	}
	t, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil
	}
	typ, sub, _ := strings.Cut(t, "/")
	for _, mp := range media {
		if (mp.typ == "*" || mp.typ == typ) && (mp.sub == "*" || mp.sub == sub) {
			return mp
		}
	}
	return nil
}

func rejectionOf(body []byte, in problem.Location) *Rejection {
	var p problem.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		return &Rejection{Status: http.StatusInternalServerError, Code: problem.CodeMockFailure, Detail: err.Error()}
	}
	return fromProblem(p, in)
}

func fromProblem(p problem.Problem, in problem.Location) *Rejection {
	r := &Rejection{Status: p.Status, Code: p.Code, Detail: p.Detail}
	for _, it := range p.Errors {
		r.Violations = append(r.Violations, Violation{In: it.In, Name: it.Name, Pointer: it.Pointer, Message: it.Message})
	}
	if len(r.Violations) == 0 {
		r.Violations = []Violation{{In: in, Message: p.Detail}}
	}
	return r
}

// captureWriter keeps what a handler writes, to turn a problem document
// back into a Rejection.
type captureWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *captureWriter) Header() http.Header { return c.header }

// WriteHeader keeps the first status, as a ResponseWriter does.
func (c *captureWriter) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
}

func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}
