package mock

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	mrand "math/rand"
	mrand2 "math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/rs/cors"

	"github.com/mockapi-go/mockapi/internal/fake"
	"github.com/mockapi-go/mockapi/internal/oas"
	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/mock/rules"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store"
	"github.com/mockapi-go/mockapi/store/memory"
)

// Handler serves an API description as a mock. Build one with New; it is
// safe for concurrent use.
type Handler struct {
	doc        *openapi.Document
	cfg        *config
	plans      map[*openapi.Operation]*planSlot // read-only after New; see plan
	gen        *fake.Generator                  // static: a schema's example every time
	genDynamic *fake.Generator                  // dynamic answers and seed records: variety
	checks     *schemaChecker                   // response values: examples, records, self-checks
	reqChecks  *schemaChecker                   // request bodies, as openapi3filter checks them
	respChecks *schemaChecker                   // response bodies, as selfCheck's openapi3filter checks them
	filterOpts *openapi3filter.Options
	fastOpts   *openapi3filter.Options // filterOpts keeping the decoded body
	spec30     *openapi3.T             // the document labelled 3.0 (see validateRequest)
	listShapes sync.Map                // *openapi3.Schema -> *listShape
	warnings   []openapi.Warning
	cors       *cors.Cors      // nil: WithoutCORS
	redact     map[string]bool // query parameter names never logged
	overrides  map[*openapi.Operation]Override
	chaos      *chaos // nil: no WithChaos
	rules      map[*openapi.Operation][]*rules.Rule
	callbacks  map[*openapi.Operation][]callbackPlan // nil: no WithCallbacks, or none declared
	genRequest *fake.Generator                       // callback bodies: values a client sends
	cbChecks   *schemaChecker                        // callback bodies
	cbOnce     sync.Once                             // makes genRequest and cbChecks

	// Stateful CRUD; state is nil with WithoutState.
	state        *crudState
	resources    map[*openapi.Operation]*crudPlan
	resourceList []*resource
}

var _ http.Handler = (*Handler)(nil)

// New builds a mock handler for doc. It infers the resource collections;
// each operation is compiled once, on its first call (or by Warnings):
// statuses, media types, examples (each checked against its schema before
// it can be served) and security requirements.
func New(doc *openapi.Document, opts ...Option) (*Handler, error) {
	if doc == nil || doc.Kin() == nil {
		return nil, errors.New("mock: nil document")
	}
	cfg := defaultConfig()
	for _, o := range opts {
		o(cfg)
	}
	h := &Handler{doc: doc, cfg: cfg}
	var err error
	if h.overrides, err = resolveOverrides(doc, cfg.overrides); err != nil {
		return nil, err
	}
	if b, ok := cfg.upstream.(binder); ok {
		if err := b.Bind(doc); err != nil {
			return nil, err
		}
	}
	if h.chaos, err = newChaos(doc, cfg.chaos, cfg.seed, cfg.seeded); err != nil {
		return nil, err
	}
	if !cfg.noCORS {
		policy := CORS{}
		if cfg.cors != nil {
			policy = *cfg.cors
		}
		if err := policy.Validate(); err != nil {
			return nil, err
		}
		h.cors = policy.compile()
	}
	// Static answers show the author's examples every time; dynamic ones
	// and the records a collection is seeded with vary.
	h.gen = fake.New(fake.Options{Mode: fake.Response, MaxDepth: cfg.maxDepth, Examples: true})
	h.genDynamic = fake.New(fake.Options{Mode: fake.Response, MaxDepth: cfg.maxDepth})
	// The options a client of the mock would validate a response with.
	h.checks = newSchemaChecker(doc.Kin().IsOpenAPI31OrLater(),
		openapi3.VisitAsResponse(), openapi3.EnableFormatValidation(), openapi3.MultiErrors(),
		openapi3.SetSchemaRegexCompiler(oas.RegexCompiler))
	v31 := doc.Kin().IsOpenAPI31OrLater()
	h.filterOpts = &openapi3filter.Options{
		MultiError:          true,
		SkipSettingDefaults: true,
		RegexCompiler:       oas.RegexCompiler,
		// Credentials are checked for presence by the handler itself (and
		// for real by the auth package); the filter must not reject them.
		AuthenticationFunc: func(context.Context, *openapi3filter.AuthenticationInput) error { return nil },
	}
	// The options openapi3filter gives VisitJSON for a request body.
	h.reqChecks = newSchemaChecker(v31, openapi3.VisitAsRequest(), openapi3.MultiErrors(),
		openapi3.SetSchemaRegexCompiler(oas.RegexCompiler))
	h.respChecks = newSchemaChecker(v31, openapi3.MultiErrors(), openapi3.VisitAsResponse())
	if v31 {
		fast := *h.filterOpts
		fast.KeepValidatedValue = true
		h.fastOpts = &fast
		t := *doc.Kin()
		t.OpenAPI = "3.0.3"
		h.spec30 = &t
	}
	h.redact = map[string]bool{"apidogtoken": true, "api_key": true, "apikey": true, "key": true,
		"token": true, "access_token": true, "password": true, "secret": true}
	if c := doc.Kin().Components; c != nil {
		for _, s := range c.SecuritySchemes {
			if s != nil && s.Value != nil && strings.EqualFold(s.Value.In, "query") {
				h.redact[strings.ToLower(s.Value.Name)] = true
			}
		}
	}
	h.preparePlans()
	h.prepareCallbacks()
	if err := h.loadRules(); err != nil {
		return nil, err
	}
	if !cfg.stateless {
		records := cfg.records
		if records == nil {
			records = memory.New(store.WithTouchInterval(0)).Records()
		}
		h.state = &crudState{records: records, built: time.Now().UTC().Truncate(time.Microsecond)}
		h.inferResources()
	}
	return h, nil
}

// Warnings returns the problems found while compiling the document: mainly
// examples that contradict their schema and are therefore not served.
// Operations are compiled on first use; Warnings compiles those not
// compiled yet, so its first call on a large description takes the time
// New saved (call it in the background to have the list early).
func (h *Handler) Warnings() []openapi.Warning {
	h.compileAll()
	var out []openapi.Warning
	for _, op := range h.doc.Operations() {
		out = append(out, h.plans[op].warnings...)
	}
	out = append(out, h.warnings...)
	if len(out) > maxWarnings {
		out = out[:maxWarnings]
	}
	return out
}

// maxWarnings bounds the list Warnings returns.
const maxWarnings = 10000

// Document returns the document the handler serves.
func (h *Handler) Document() *openapi.Document { return h.doc }

func (h *Handler) warn(ptr, msg string) {
	if len(h.warnings) < maxWarnings {
		h.warnings = append(h.warnings, openapi.Warning{Pointer: ptr, Message: msg})
	}
}

// ServeHTTP answers one request: route, check security and validate, then
// respond with the chosen status, media type and body.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w}
	var op *openapi.Operation
	defer func() {
		if h.cfg.logger != nil {
			h.log(r, op, rec.status, start)
		}
	}()
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			if !rec.wrote {
				problem.Write(rec, problem.New(http.StatusInternalServerError, problem.CodeMockFailure, fmt.Sprintf("the mock failed: %v", v)))
			}
		}
	}()
	if h.cors != nil {
		// Sets the headers of an actual request, or answers a preflight.
		h.cors.HandlerFunc(rec, r)
		if isPreflight(r) {
			return
		}
	}
	if h.cfg.resetPath != "" && r.URL.Path == h.cfg.resetPath {
		h.serveResetPath(rec, r)
		return
	}
	m, err := h.doc.Match(r)
	if err != nil {
		writeRouteError(rec, r, err)
		return
	}
	op = m.Operation
	h.serve(rec, r, m, &op)
}

func writeRouteError(w http.ResponseWriter, r *http.Request, err error) {
	var mna *openapi.MethodNotAllowedError
	var ce *openapi.ConditionError
	switch {
	case errors.As(err, &mna):
		w.Header().Set("Allow", strings.Join(mna.Allowed, ", "))
		p := problem.New(http.StatusMethodNotAllowed, problem.CodeMethodNotAllowed,
			fmt.Sprintf("%s is not declared for this path; it allows %s", r.Method, strings.Join(mna.Allowed, ", ")))
		problem.Write(w, p)
	case errors.As(err, &ce):
		problem.Write(w, problem.New(http.StatusNotFound, problem.CodeNotFound,
			"this path has operations only for "+strings.Join(ce.Expected, " or ")))
	default:
		problem.Write(w, problem.New(http.StatusNotFound, problem.CodeNotFound,
			fmt.Sprintf("no path of the API description matches %s", r.URL.EscapedPath())))
	}
}

// serve answers a routed request; op, when not nil, receives the operation
// that answers it (an alternative of m's, see validAlternative).
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, m openapi.Match, op **openapi.Operation) {
	p := h.plan(m.Operation)
	ctl, query, stripped := readControls(r)
	if stripped {
		r2 := r.Clone(r.Context())
		u := *r.URL
		u.RawQuery = query
		r2.URL = &u
		r = r2
	}
	body, err := h.readBody(r)
	if err != nil {
		p := problem.New(http.StatusRequestEntityTooLarge, problem.CodeValidation, err.Error())
		problem.Write(w, p)
		return
	}
	if h.cfg.security && !admitted(r) {
		if ok, challenges := securityOK(p.security, r); !ok {
			for _, c := range challenges {
				w.Header().Add("WWW-Authenticate", c)
			}
			pr := problem.New(http.StatusUnauthorized, problem.CodeAuthRequired,
				"the operation requires credentials the request does not carry")
			pr.Errors = missingCredentials(p.security, r)
			h.fail(w, r, p, pr)
			return
		}
	}
	if h.cfg.validate {
		if pr := h.validateRequest(r.Context(), p, r, m); pr != nil {
			am, ap, ok := h.validAlternative(r, m, body)
			if !ok {
				h.fail(w, r, p, *pr)
				return
			}
			m, p = am, ap
			if op != nil {
				*op = m.Operation
			}
		}
		if body != nil {
			// Validation read it; a request without one kept its
			// empty body (readBody).
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
	}
	h.delay(r.Context(), ctl)
	if h.chaos != nil {
		d, kind := h.chaos.draw(m.Operation, p)
		if !sleep(r.Context(), d) {
			return
		}
		if kind != "" && ctl.fault == "" {
			ctl.fault = kind
		}
	}
	if ctl.fault != "" && h.fault(w, r, p, &ctl, ctl.fault, ctl.faultOffContract) {
		return
	}
	if cbs := h.callbacks[m.Operation]; len(cbs) > 0 {
		cw := &callbackWriter{ResponseWriter: w}
		w = cw
		defer h.fireCallbacks(r, m, cbs, body, cw)
	}
	fn := h.overrides[m.Operation]
	if fn == nil && (h.cfg.upstream == nil || ctl.asksMock()) {
		h.answer(w, r, p, m, ctl, body)
		return
	}
	h.serveThrough(w, r, p, m, ctl, body, fn)
}

// serveThrough answers through an override or the upstream, which call the
// mock's own answer back. It is apart from serve so that the closure's
// captures (ctl, body...) go to the heap only for such requests, not for
// every request serve answers itself.
func (h *Handler) serveThrough(w http.ResponseWriter, r *http.Request, p *opPlan, m openapi.Match, ctl controls, body []byte, fn Override) {
	given := io.NopCloser(bytes.NewReader(body))
	r.Body = given
	var next http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := body // what was validated, even when the override read it
		if r.Body != given && r.Body != nil && r.Body != http.NoBody {
			// The override replaced the body: answer that one.
			if nb, err := h.readBody(r); err == nil {
				b = nb
			}
		}
		h.answer(w, r, p, m, ctl, b)
	})
	next = h.upstreamHandler(ctl, next)
	if fn == nil {
		if mm, ok := openapi.MatchFrom(r.Context()); !ok || mm.Operation != m.Operation {
			r = r.WithContext(openapi.ContextWithMatch(r.Context(), m))
		}
		next.ServeHTTP(w, r)
		return
	}
	h.serveOverride(w, r, p, m, fn, next)
}

// answer is the spec's answer to a request that passed every check: the
// stateful CRUD answer where the operation has one, else an example or
// generated data.
func (h *Handler) answer(w http.ResponseWriter, r *http.Request, p *opPlan, m openapi.Match, ctl controls, body []byte) {
	if rs := h.rules[m.Operation]; len(rs) > 0 && !ctl.hasCode && ctl.example == "" && ctl.dynamic == 0 {
		if rule, req := h.matchRule(r, m, rs, body); rule != nil {
			h.serveRule(w, r, p, rule, req, ctl, body)
			return
		}
	}
	if cp := h.resources[m.Operation]; cp != nil && !ctl.hasCode && ctl.example == "" && ctl.dynamic != 1 {
		h.serveCRUD(w, r, p, cp, m, ctl, body)
		return
	}
	h.respond(w, r, p, ctl, body)
}

// declaresAccept reports an operation that declares Accept as a required
// header parameter.
func declaresAccept(p *opPlan) bool {
	if p == nil || p.route == nil {
		return false
	}
	for _, ref := range oas.Parameters(p.route.PathItem, p.route.Operation) {
		if ref != nil && ref.Value != nil && ref.Value.Required && ref.Value.In == openapi3.ParameterInHeader && strings.EqualFold(ref.Value.Name, "Accept") {
			return true
		}
	}
	return false
}

// fail answers a rejected request: with the operation's own response for
// that status when WithSpecErrors is set and one is declared, else with the
// problem document.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, p *opPlan, pr problem.Problem) {
	if h.cfg.specErrors {
		if sp := p.byCode[pr.Status]; sp != nil {
			h.respondWith(w, r, p, sp, pr.Status, controls{}, nil)
			return
		}
	}
	problem.Write(w, pr)
}

// validAlternative finds, for a request the matched operation refuses,
// another operation on the same route that finds it valid: templates that
// differ only in their parameters' names (reverb's /conversations/{id}/offer,
// whose body has a string price, and /conversations/{conversation_id}/offer,
// whose price is an object). Such a description is the spec's mistake; a
// request built validly from either operation is answered by the one it
// fits (#15). Its security is checked as the first operation's was.
func (h *Handler) validAlternative(r *http.Request, m openapi.Match, body []byte) (openapi.Match, *opPlan, bool) {
	for _, alt := range m.Alternatives() {
		p := h.plan(alt.Operation)
		if h.cfg.security && !admitted(r) {
			if ok, _ := securityOK(p.security, r); !ok {
				continue
			}
		}
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		if h.validateRequest(r.Context(), p, r, alt) == nil {
			return alt, p, true
		}
	}
	return m, nil, false
}

func (h *Handler) readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, h.cfg.maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading the request body: %w", err)
	}
	if int64(len(body)) > h.cfg.maxBody {
		return nil, fmt.Errorf("the request body is larger than %d bytes", h.cfg.maxBody)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

func (h *Handler) delay(ctx context.Context, ctl controls) {
	d := time.Duration(0)
	if h.cfg.latencyMax > 0 {
		d = h.cfg.latencyMin
		if span := h.cfg.latencyMax - h.cfg.latencyMin; span > 0 {
			d += time.Duration(mrand.Int63n(int64(span) + 1))
		}
	}
	if ctl.delay > 0 && h.cfg.maxDelay > 0 {
		d = min(ctl.delay, h.cfg.maxDelay)
	}
	sleep(ctx, d)
}

// sleep waits d, or less when ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// respond chooses the status and answers.
func (h *Handler) respond(w http.ResponseWriter, r *http.Request, p *opPlan, ctl controls, body []byte) {
	sp, status := p.primary, 0
	if ctl.hasCode {
		sp = p.byCode[ctl.code]
		if sp == nil {
			sp = p.byRange[ctl.code/100]
		}
		if sp == nil {
			sp = p.def
		}
		if sp == nil {
			pr := problem.New(http.StatusNotFound, problem.CodeUndeclaredStatus,
				fmt.Sprintf("the operation does not declare status %d; it declares %s", ctl.code, p.declared))
			pr.Extra = map[string]any{"requested": ctl.code, "declared": strings.Split(p.declared, ", ")}
			problem.Write(w, pr)
			return
		}
		status = ctl.code
	}
	if sp == nil {
		// An operation that declares no response at all.
		w.WriteHeader(http.StatusOK)
		return
	}
	if status == 0 {
		status = sp.code
		if status == 0 {
			status = http.StatusOK // "default" chosen without an explicit code
		}
	}
	h.respondWith(w, r, p, sp, status, ctl, body)
}

func (h *Handler) respondWith(w http.ResponseWriter, r *http.Request, p *opPlan, sp *statusPlan, status int, ctl controls, body []byte) {
	var f *gofakeit.Faker
	faker := func() *gofakeit.Faker {
		if f == nil {
			f = h.borrowFaker(r, body, status)
		}
		return f
	}
	defer func() {
		if f != nil {
			returnFaker(f) // everything below draws synchronously
		}
	}()
	hdr := w.Header()
	counts := false
	for _, hp := range sp.headers {
		if hp.count && len(sp.media) > 0 {
			counts = true // set once the body is known
			continue
		}
		if v, ok := h.headerValue(hp, faker()); ok {
			hdr.Set(hp.name, v)
		}
	}
	if len(sp.media) == 0 {
		w.WriteHeader(status)
		return
	}
	mp := negotiate(r.Header.Get("Accept"), sp.media)
	if mp == nil && declaresAccept(p) {
		// The spec makes Accept a parameter the client must send (VTEX
		// requires "application/json" and answers text/plain): a value it
		// asks for is not the client's choice, so it is disregarded, as
		// RFC 9110 lets a server do, rather than answered with 406 (#15).
		mp = sp.media[0]
	}
	if mp == nil {
		avail := make([]string, 0, len(sp.media))
		for _, m := range sp.media {
			avail = append(avail, m.contentType)
		}
		pr := problem.New(http.StatusNotAcceptable, problem.CodeNotAcceptable,
			"none of the response's media types is acceptable: "+strings.Join(avail, ", "))
		pr.Extra = map[string]any{"available": avail}
		problem.Write(w, pr)
		return
	}
	if h.streams(mp, ctl) && r.Method != http.MethodHead {
		h.stream(w, r, mp, status, ctl, h.dynamicFor(ctl), faker)
		return
	}
	out, length, pr := h.body(mp, ctl, faker)
	if pr != nil {
		problem.Write(w, *pr)
		return
	}
	if h.cfg.selfCheck {
		if pr := h.selfCheck(r, p, status, mp, out); pr != nil {
			problem.Write(w, *pr)
			return
		}
	}
	if counts {
		h.countHeaders(hdr, sp.headers, out, faker)
	}
	// Fixed values are shared slices: no allocation on the hot path.
	hdr["Content-Type"] = mp.ctHeader
	if length != nil {
		hdr["Content-Length"] = length
	} else {
		hdr["Content-Length"] = []string{strconv.Itoa(len(out))}
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(out)
	}
}

// body picks the body: a named example, the media type's or schema's
// example, or a generated value.
func (h *Handler) body(mp *mediaPlan, ctl controls, faker func() *gofakeit.Faker) ([]byte, []string, *problem.Problem) {
	if ctl.example != "" {
		if ep := mp.byName[ctl.example]; ep != nil && ep.encoded != nil {
			return ep.encoded, ep.length, nil // asked for by name: served as written
		}
		names := make([]string, 0, len(mp.examples))
		for _, e := range mp.examples {
			names = append(names, e.name)
		}
		pr := problem.New(http.StatusNotFound, problem.CodeUnknownExample,
			fmt.Sprintf("the response has no example named %q; it has %s", ctl.example, strings.Join(names, ", ")))
		return nil, nil, &pr
	}
	dynamic := h.dynamicFor(ctl)
	if !dynamic && mp.fallback != nil && mp.fallback.encoded != nil {
		return mp.fallback.encoded, mp.fallback.length, nil
	}
	if mp.schema == nil {
		if mp.kind == renderBinary {
			out, _ := render(mp, nil, faker())
			return out, nil, nil
		}
		if mp.kind == renderText {
			return []byte(faker().Sentence(6)), nil, nil
		}
		return []byte("{}"), nil, nil
	}
	gen := h.gen
	if dynamic {
		gen = h.genDynamic
	}
	v, err := gen.Value(faker(), mp.schema, "")
	if err != nil && v == nil {
		// v is non-nil for a schema that no value satisfies (a required
		// self-reference, allOf with additionalProperties: false): the
		// best-effort value is what the author meant and is served.
		if mp.fallback != nil && mp.fallback.encoded != nil {
			return mp.fallback.encoded, mp.fallback.length, nil
		}
		pr := problem.New(http.StatusInternalServerError, problem.CodeMockFailure,
			"the response schema admits no value the mock can build: "+err.Error())
		return nil, nil, &pr
	}
	out, err := render(mp, v, faker())
	if err != nil {
		pr := problem.New(http.StatusInternalServerError, problem.CodeMockFailure, err.Error())
		return nil, nil, &pr
	}
	return out, nil, nil
}

// countHeaders sets the headers that count a list's items: to the length
// of the JSON array the body is, when the header's schema allows it, else
// to a value of the schema as any header.
func (h *Handler) countHeaders(hdr http.Header, headers []headerPlan, body []byte, faker func() *gofakeit.Faker) {
	n, isList := -1, false
	if b := bytes.TrimLeft(body, " \t\r\n"); len(b) > 0 && b[0] == '[' {
		var items []json.RawMessage
		if json.Unmarshal(body, &items) == nil {
			n, isList = len(items), true
		}
	}
	for _, hp := range headers {
		if !hp.count {
			continue
		}
		if isList && h.validFor(hp.schema, int64(n)) {
			hdr.Set(hp.name, strconv.Itoa(n))
		} else if v, ok := h.headerValue(hp, faker()); ok {
			hdr.Set(hp.name, v)
		}
	}
}

func (h *Handler) headerValue(hp headerPlan, f *gofakeit.Faker) (string, bool) {
	v := hp.value
	if !hp.has {
		if hp.schema == nil {
			return "", false
		}
		gv, err := h.gen.Value(f, hp.schema, hp.name)
		if err != nil {
			return "", false
		}
		v = gv
	}
	var s string
	switch t := v.(type) {
	case []any:
		parts := make([]string, 0, len(t))
		for _, e := range t {
			parts = append(parts, scalarString(e))
		}
		s = strings.Join(parts, ",")
	case map[string]any:
		parts := make([]string, 0, 2*len(t))
		for _, k := range sortedMapKeys(t) {
			parts = append(parts, k, scalarString(t[k]))
		}
		s = strings.Join(parts, ",")
	default:
		s = scalarString(v)
	}
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == 0 {
			return ' '
		}
		return r
	}, s), true
}

// faker returns the randomness for one response: derived from the seed and
// the request when the handler is seeded, fresh otherwise.
func (h *Handler) faker(r *http.Request, body []byte, status int) *gofakeit.Faker {
	return gofakeit.NewCustom(&splitMix{state: h.seedOf(r, body, status)})
}

// seedOf is the seed of a response's randomness: a hash of the handler's
// seed and the request when it is seeded, else a fresh random number.
func (h *Handler) seedOf(r *http.Request, body []byte, status int) uint64 {
	if !h.cfg.seeded {
		return mrand2.Uint64()
	}
	hs := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(h.cfg.seed))
	hs.Write(b[:])
	hs.Write([]byte(r.Method))
	hs.Write([]byte{0})
	hs.Write([]byte(r.URL.EscapedPath()))
	hs.Write([]byte{0})
	hs.Write([]byte(canonicalQuery(r.URL.RawQuery)))
	hs.Write([]byte{0})
	hs.Write(body)
	binary.LittleEndian.PutUint64(b[:], uint64(status))
	hs.Write(b[:])
	return hs.Sum64()
}

// fakers recycles the fakers of responses (a Faker, its rand.Rand and
// source: three allocations a response). A recycled faker, seeded again,
// draws exactly what a new one with that seed would.
var fakers = sync.Pool{New: func() any { return gofakeit.NewCustom(&splitMix{}) }}

// borrowFaker is faker from the pool; give it back with returnFaker once
// nothing uses it.
func (h *Handler) borrowFaker(r *http.Request, body []byte, status int) *gofakeit.Faker {
	f := fakers.Get().(*gofakeit.Faker)
	f.Rand.Seed(int64(h.seedOf(r, body, status))) // resets the source and what Rand buffered
	return f
}

func returnFaker(f *gofakeit.Faker) { fakers.Put(f) }

// canonicalQuery orders query parameters so "a=1&b=2" and "b=2&a=1" are the
// same request.
func canonicalQuery(raw string) string {
	if raw == "" || !strings.Contains(raw, "&") {
		return raw
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return raw
	}
	return q.Encode()
}

// splitMix is a small, fast, seedable rand.Source64 (SplitMix64).
type splitMix struct{ state uint64 }

func (s *splitMix) Uint64() uint64 {
	s.state += 0x9e3779b97f4a7c15
	z := s.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (s *splitMix) Int63() int64    { return int64(s.Uint64() >> 1) }
func (s *splitMix) Seed(seed int64) { s.state = uint64(seed) }

// selfCheck validates the response the handler is about to send.
func (h *Handler) selfCheck(r *http.Request, p *opPlan, status int, mp *mediaPlan, out []byte) *problem.Problem {
	hdr := http.Header{}
	hdr.Set("Content-Type", mp.contentType)
	if p.route30 != nil && h.responseFast(r, p, status, hdr, out) {
		return nil
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, Route: p.route, Options: h.filterOpts},
		Status:                 status,
		Header:                 hdr,
		Options:                &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true, RegexCompiler: oas.RegexCompiler},
	}
	input.SetBodyBytes(out)
	if err := openapi3filter.ValidateResponse(r.Context(), input); err != nil {
		pr := problem.New(http.StatusInternalServerError, problem.CodeResponseViolation,
			"the mock's response would not match the API description: "+firstLine(err.Error()))
		return &pr
	}
	return nil
}

// responseFast reports that openapi3filter would accept a response of an
// OpenAPI 3.1 operation, the way acceptsFast does for requests: headers
// checked under the document labelled 3.0 (only Content-Type is present,
// which it skips), the body decoded by kin's decoder and checked by
// respChecks. A rejection is judged again by openapi3filter on the real
// route.
func (h *Handler) responseFast(r *http.Request, p *opPlan, status int, hdr http.Header, out []byte) bool {
	opts := &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true, RegexCompiler: oas.RegexCompiler, ExcludeResponseBody: true}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, Route: p.route30, Options: h.filterOpts},
		Status:                 status,
		Header:                 hdr,
		Options:                opts,
	}
	input.SetBodyBytes(out)
	if openapi3filter.ValidateResponse(r.Context(), input) != nil {
		return false
	}
	ref := p.route.Operation.Responses.Status(status)
	if ref == nil {
		ref = p.route.Operation.Responses.Default()
	}
	if ref == nil || ref.Value == nil || len(ref.Value.Content) == 0 {
		return true
	}
	mt := ref.Value.Content.Get(hdr.Get("Content-Type"))
	if mt == nil {
		return false
	}
	if mt.Schema == nil {
		return true
	}
	if mt.Schema.Value == nil {
		return false
	}
	media, _, err := mime.ParseMediaType(hdr.Get("Content-Type"))
	if err != nil {
		return false
	}
	decode := openapi3filter.RegisteredBodyDecoder(media)
	if decode == nil {
		return false
	}
	encFn := func(name string) *openapi3.Encoding { return mt.Encoding[name] }
	v, err := decode(bytes.NewReader(out), hdr, mt.Schema, encFn)
	return err == nil && h.respChecks.validate(mt.Schema.Value, v) == nil
}

func sortedMapKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

// statusRecorder remembers the status for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if !s.wrote {
		s.status, s.wrote = http.StatusOK, true
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
