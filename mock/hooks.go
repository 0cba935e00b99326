package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/openapi"
)

// Violation is one way a request or a response breaks the API description,
// located the way the handler's problem documents locate it.
type Violation struct {
	// In is where the violation is: "path", "query", "header", "cookie",
	// "body", "status" or "route"; "" when unknown.
	In string
	// Name is the parameter or header concerned, if any.
	Name string
	// Pointer is the JSON pointer into the body, if any.
	Pointer string
	// Schema is where in the description the rule that failed is written
	// ("paths./pets/{id}.get.responses.200.content.application/json.schema"),
	// for response violations; "" otherwise.
	Schema string
	// Message says what is wrong.
	Message string
}

// String is "body /name: value must be a string" style.
func (v Violation) String() string {
	var b strings.Builder
	b.WriteString(v.In)
	if v.Name != "" {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(v.Name)
	}
	if v.Pointer != "" {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(v.Pointer)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(v.Message)
	if v.Schema != "" {
		b.WriteString(" (at ")
		b.WriteString(v.Schema)
		b.WriteByte(')')
	}
	return b.String()
}

// Rejection is how the handler answers a request that breaks the API
// description: the status and code of its problem document and every
// violation it lists.
type Rejection struct {
	Status     int    // 400, 401, 404, 405, 413, 415 or 422
	Code       string // the problem's stable code, "VALIDATION_ERROR" style
	Detail     string
	Violations []Violation
}

// Error is "422 VALIDATION_ERROR: ...; body /name: ...".
func (r *Rejection) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s: %s", r.Status, r.Code, r.Detail)
	for _, v := range r.Violations {
		b.WriteString("; ")
		b.WriteString(v.String())
	}
	return b.String()
}

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
	p := h.plans[m.Operation]
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
	p := h.plans[op]
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

func rejectionOf(body []byte, in string) *Rejection {
	var p problem.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		return &Rejection{Status: http.StatusInternalServerError, Code: problem.CodeMockFailure, Detail: err.Error()}
	}
	return fromProblem(p, in)
}

func fromProblem(p problem.Problem, in string) *Rejection {
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

func (c *captureWriter) Header() http.Header         { return c.header }
func (c *captureWriter) WriteHeader(code int)        { c.status = code }
func (c *captureWriter) Write(b []byte) (int, error) { return c.body.Write(b) }
