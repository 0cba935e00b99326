package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/internal/fake"
	"github.com/mockapi-go/mockapi/internal/oas"
	"github.com/mockapi-go/mockapi/mock/callback"
	"github.com/mockapi-go/mockapi/openapi"
)

// WithCallbacks fires the OpenAPI callbacks of the operations that declare
// them, through d, after the operation answered with a 2xx or 3xx status
// (a refused request, a fault or an error answer fires none). Each
// callback's URL is its key's runtime expression evaluated against the
// request and the answer ("{$request.body#/callbackUrl}",
// "https://hooks.example.com/orders/{$response.body#/id}"); its body is
// generated from the callback operation's JSON request schema,
// deterministic under WithSeed, and checked against that schema before it
// is sent; its required header parameters are generated too. A callback
// whose URL cannot be evaluated, or whose body breaks its schema, is
// journaled in d as not delivered. Delay, retries, repeats, allowed
// destinations and the journal are d's (callback.Options).
//
// The handler does not own d: close it (callback.Dispatcher.Close) when
// the handler is done.
func WithCallbacks(d *callback.Dispatcher) Option { return func(c *config) { c.callbacks = d } }

// maxCallbackCapture bounds the answer kept for $response.body.
const maxCallbackCapture = 1 << 20

type callbackPlan struct {
	name, key, method string
	ctype             string           // the request body's media type; "" for none
	schema            *openapi3.Schema // nil: no body is generated
	headers           []*openapi3.Parameter
}

// prepareCallbacks plans the callbacks of every operation, when the
// handler has a dispatcher.
func (h *Handler) prepareCallbacks() {
	if h.cfg.callbacks == nil {
		return
	}
	for _, op := range h.doc.Operations() {
		kop := op.Kin()
		if kop == nil || len(kop.Callbacks) == 0 {
			continue
		}
		var plans []callbackPlan
		names := make([]string, 0, len(kop.Callbacks))
		for name := range kop.Callbacks {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			ref := kop.Callbacks[name]
			if ref == nil || ref.Value == nil {
				continue
			}
			items := ref.Value.Map()
			keys := make([]string, 0, len(items))
			for k := range items {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, key := range keys {
				item := items[key]
				if item == nil {
					continue
				}
				ops := item.Operations()
				for _, m := range slices.Sorted(maps.Keys(ops)) {
					plans = append(plans, planCallback(name, key, m, item, ops[m]))
				}
			}
		}
		if len(plans) > 0 {
			if h.callbacks == nil {
				h.callbacks = map[*openapi.Operation][]callbackPlan{}
				h.cbOnce.Do(h.initCallbackGen)
			}
			h.callbacks[op] = plans
		}
	}
}

// initCallbackGen makes the generator and checker of callback bodies.
func (h *Handler) initCallbackGen() {
	h.genRequest = fake.New(fake.Options{Mode: fake.Request, MaxDepth: h.cfg.maxDepth})
	h.cbChecks = newSchemaChecker(h.doc.Kin().IsOpenAPI31OrLater(), openapi3.VisitAsRequest(),
		openapi3.EnableFormatValidation(), openapi3.MultiErrors(), openapi3.SetSchemaRegexCompiler(oas.RegexCompiler))
}

func planCallback(name, key, method string, item *openapi3.PathItem, op *openapi3.Operation) callbackPlan {
	p := callbackPlan{name: name, key: key, method: strings.ToUpper(method)}
	params := append(slices.Clone(item.Parameters), op.Parameters...)
	for _, pr := range params {
		if pr != nil && pr.Value != nil && pr.Value.In == openapi3.ParameterInHeader && pr.Value.Required &&
			pr.Value.Schema != nil && pr.Value.Schema.Value != nil {
			p.headers = append(p.headers, pr.Value)
		}
	}
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return p
	}
	content := op.RequestBody.Value.Content
	types := make([]string, 0, len(content))
	for t := range content {
		types = append(types, t)
	}
	slices.Sort(types)
	for _, t := range types {
		mt, _, err := mime.ParseMediaType(t)
		if err != nil {
			continue
		}
		if mt == "application/json" || strings.HasSuffix(mt, "+json") || p.ctype == "" {
			p.ctype = t
			p.schema = nil
			if m := content[t]; m != nil && m.Schema != nil && m.Schema.Value != nil && isJSONType(mt) {
				p.schema = m.Schema.Value
			}
			if mt == "application/json" {
				break
			}
		}
	}
	return p
}

func isJSONType(mt string) bool { return mt == "application/json" || strings.HasSuffix(mt, "+json") }

// callbackWriter keeps the status, headers and the first MiB of an answer,
// for the runtime expressions of the callbacks it fires.
type callbackWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (c *callbackWriter) WriteHeader(code int) {
	if c.status == 0 && code >= 200 {
		c.status = code
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *callbackWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	if room := maxCallbackCapture - c.body.Len(); room > 0 {
		c.body.Write(b[:min(len(b), room)])
	}
	return c.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController flush a stream through it.
func (c *callbackWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// fireCallbacks hands the operation's callbacks to the dispatcher once its
// answer was written.
func (h *Handler) fireCallbacks(r *http.Request, m openapi.Match, plans []callbackPlan, reqBody []byte, cw *callbackWriter) {
	if cw.status < 200 || cw.status >= 400 {
		return
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	src := &callback.Source{
		URL: scheme + "://" + r.Host + requestURI(r), Method: r.Method, Header: r.Header,
		Query: r.URL.Query(), Path: m.Params(), Body: reqBody,
		Status: cw.status, ResponseHeader: cw.Header(), ResponseBody: cw.body.Bytes(),
	}
	d := h.cfg.callbacks
	for i, p := range plans {
		req := callback.Request{Operation: m.Operation.ID, Callback: p.name, Method: p.method, Header: http.Header{}}
		target, err := callback.Expand(p.key, src)
		if err != nil {
			d.Refuse(req, err)
			continue
		}
		req.URL = target
		f := h.faker(r, reqBody, 1_000_000+i) // one draw per callback, seeded
		if err := h.buildCallback(&req, p, f); err != nil {
			d.Refuse(req, err)
			continue
		}
		d.Send(req)
	}
}

// requestURI is the target the client sent: under http.StripPrefix,
// r.URL has lost the mount, r.RequestURI has not.
func requestURI(r *http.Request) string {
	if r.RequestURI != "" {
		return r.RequestURI
	}
	return r.URL.RequestURI()
}

// buildCallback generates the headers and body of a callback request.
func (h *Handler) buildCallback(req *callback.Request, p callbackPlan, f *gofakeit.Faker) error {
	for _, hp := range p.headers {
		v, err := h.genRequest.Value(f, hp.Schema.Value, "")
		if err != nil {
			return fmt.Errorf("header %s: %w", hp.Name, err)
		}
		req.Header.Set(hp.Name, headerText(v))
	}
	if p.ctype != "" {
		req.Header.Set("Content-Type", p.ctype)
	}
	if p.schema == nil {
		return nil
	}
	v, err := h.genRequest.Value(f, p.schema, "")
	if err == nil {
		var b []byte
		if b, err = json.Marshal(v); err == nil {
			var back any
			_ = json.Unmarshal(b, &back)
			if err = h.cbChecks.validate(p.schema, back); err == nil {
				req.Body = b
				return nil
			}
		}
	}
	return fmt.Errorf("the generated body breaks the request schema: %w", err)
}

// ErrNoWebhook is wrapped by the error of FireWebhook for a name the
// description does not declare.
var ErrNoWebhook = errors.New("mock: no such webhook")

// Webhooks returns the names of the webhooks the description declares
// (OpenAPI 3.1 webhooks), sorted.
func (h *Handler) Webhooks() []string {
	names := make([]string, 0, len(h.doc.Kin().Webhooks))
	for name, item := range h.doc.Kin().Webhooks {
		if item != nil && len(item.Operations()) > 0 {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// FireWebhook sends the webhook the description declares under name
// (OpenAPI 3.1 webhooks) to target, through the dispatcher given with
// WithCallbacks: one request per operation of the webhook, its body
// generated from, and checked against, the operation's JSON request
// schema, deterministic under WithSeed. It returns how many requests it
// handed the dispatcher, which delivers them in the background and
// journals them (Callback the webhook's name, Operation empty). It fails with ErrNoWebhook
// for an unknown name, and when the handler has no dispatcher or a body
// cannot be generated.
func (h *Handler) FireWebhook(name, target string) (int, error) {
	d := h.cfg.callbacks
	if d == nil {
		return 0, errors.New("mock: FireWebhook: the handler has no callback dispatcher (WithCallbacks)")
	}
	item := h.doc.Kin().Webhooks[name]
	if item == nil || len(item.Operations()) == 0 {
		return 0, fmt.Errorf("%w %q; the description declares %v", ErrNoWebhook, name, h.Webhooks())
	}
	h.cbOnce.Do(h.initCallbackGen)
	ops := item.Operations()
	var reqs []callback.Request
	for i, m := range slices.Sorted(maps.Keys(ops)) {
		p := planCallback(name, target, m, item, ops[m])
		req := callback.Request{Callback: name, Method: p.method, URL: target, Header: http.Header{}}
		synthetic := &http.Request{Method: "WEBHOOK", URL: &url.URL{Path: "/" + name}}
		if err := h.buildCallback(&req, p, h.faker(synthetic, nil, 1_000_000+i)); err != nil {
			return 0, fmt.Errorf("mock: webhook %s %s: %w", name, p.method, err)
		}
		reqs = append(reqs, req)
	}
	for _, req := range reqs {
		d.Send(req)
	}
	return len(reqs), nil
}

// headerText writes a generated primitive as a header value.
func headerText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}
