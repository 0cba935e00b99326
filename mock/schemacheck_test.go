package mock

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/internal/oas"
	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/openapi"
)

// corpusSchemas lists every schema of a document's components, parameters,
// request bodies and responses.
func corpusSchemas(doc *openapi.Document) []*openapi3.Schema {
	var out []*openapi3.Schema
	seen := map[*openapi3.Schema]bool{}
	add := func(ref *openapi3.SchemaRef) {
		if ref != nil && ref.Value != nil && !seen[ref.Value] {
			seen[ref.Value] = true
			out = append(out, ref.Value)
		}
	}
	if c := doc.Kin().Components; c != nil {
		for _, ref := range c.Schemas {
			add(ref)
		}
	}
	for _, op := range doc.Operations() {
		for _, p := range op.Kin().Parameters {
			if p != nil && p.Value != nil {
				add(p.Value.Schema)
			}
		}
		if rb := op.Kin().RequestBody; rb != nil && rb.Value != nil {
			for _, mt := range rb.Value.Content {
				add(mt.Schema)
			}
		}
		for _, r := range oas.Responses(op.Kin()).Map() {
			if r != nil && r.Value != nil {
				for _, mt := range r.Value.Content {
					add(mt.Schema)
				}
			}
		}
	}
	return out
}

// probeValues are values of schema s, valid and not: generated ones and
// mutations of them, at most max (all with MOCKAPI_VERDICTS_ALL set: kin
// compiles a validator for each, which takes minutes).
func probeValues(h *Handler, s *openapi3.Schema, max int) []any {
	vals := probeValuesAll(h, s)
	if os.Getenv("MOCKAPI_VERDICTS_ALL") != "" || len(vals) <= max {
		return vals
	}
	// The generated values and an even spread of the rest.
	out := vals[:4:4]
	step := (len(vals) - 4 + max - 5) / (max - 4)
	for i := 4; i < len(vals) && len(out) < max; i += step {
		out = append(out, vals[i])
	}
	return out
}

func probeValuesAll(h *Handler, s *openapi3.Schema) []any {
	vals := []any{nil, "x", 1.5, map[string]any{}}
	for seed := int64(1); seed <= 3; seed++ {
		v, err := h.gen.Value(gofakeit.New(seed), s, "")
		if err != nil {
			continue
		}
		vals = append(vals, v)
		if m, ok := v.(map[string]any); ok {
			for k := range m {
				for _, bad := range []any{nil, "x", 12345678901.0, []any{1.0}} {
					c := make(map[string]any, len(m))
					for k2, v2 := range m {
						c[k2] = v2
					}
					c[k] = bad
					vals = append(vals, c)
				}
				c := make(map[string]any, len(m))
				for k2, v2 := range m {
					if k2 != k {
						c[k2] = v2
					}
				}
				vals = append(vals, c)
			}
			extra := map[string]any{"zz_unknown": 1.0}
			for k2, v2 := range m {
				extra[k2] = v2
			}
			vals = append(vals, extra)
		}
		if a, ok := v.([]any); ok && len(a) > 0 {
			vals = append(vals, append(append([]any{}, a...), a[0]), a[:len(a)-1])
		}
	}
	return vals
}

// TestSchemaCheckerSameVerdicts proves the compiled-once checks give the
// verdicts of kin-openapi's VisitJSON on every schema of the corpus, for
// values valid and not, with the response and request options alike.
func TestSchemaCheckerSameVerdicts(t *testing.T) {
	t.Parallel()
	docs := corpusDocs(t)
	compared, v31docs := 0, 0
	modes := map[checkMode]int{}
	for name, doc := range docs {
		if !doc.Kin().IsOpenAPI31OrLater() {
			continue
		}
		v31docs++
		h, err := New(doc, WithSeed(3), WithoutState())
		require.NoError(t, err, name)
		for _, s := range corpusSchemas(doc) {
			for _, c := range []*schemaChecker{h.checks, h.reqChecks, h.respChecks} {
				modes[c.check(s).mode]++
				for _, v := range probeValues(h, s, 6) {
					v = roundTrip(v)
					want := visitSafe(s, v, c.opts) == nil
					got := validateSafe(c, s, v) == nil
					compared++
					assert.Equal(t, want, got, "%s: %v against %s", name, v, schemaJSON(s))
					assert.Equal(t, want, validSafe(c, s, v), "valid: %s: %v against %s", name, v, schemaJSON(s))
				}
			}
		}
	}
	t.Logf("%d OpenAPI 3.1 documents: %d verdicts compared; schemas compiled once %d, kin's own validator %d, left to VisitJSON %d",
		v31docs, compared, modes[checkCompiled], modes[checkVisit], modes[checkKin])
	require.Greater(t, compared, 1000)
}

func roundTrip(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return v
	}
	return out
}

func visitSafe(s *openapi3.Schema, v any, opts []openapi3.SchemaValidationOption) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errPanic
		}
	}()
	return s.VisitJSON(v, opts...)
}

func validateSafe(c *schemaChecker, s *openapi3.Schema, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errPanic
		}
	}()
	return c.validate(s, v)
}

func validSafe(c *schemaChecker, s *openapi3.Schema, v any) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			ok = false
		}
	}()
	return c.valid(s, v)
}

var errPanic = io.ErrUnexpectedEOF

func schemaJSON(s *openapi3.Schema) string {
	b, _ := json.Marshal(s)
	return truncate(string(b), 400)
}

// TestFastRequestSameVerdicts proves that acceptsFast accepts only what
// openapi3filter accepts on the 3.1 route, and rejects with its problem: for every operation of the
// corpus's 3.1 documents, a request built from the description and
// mutations of its body and query are judged both ways.
func TestFastRequestSameVerdicts(t *testing.T) {
	t.Parallel()
	compared, fast, accepted := 0, 0, 0
	for name, doc := range corpusDocs(t) {
		if !doc.Kin().IsOpenAPI31OrLater() {
			continue
		}
		h, err := New(doc, WithSeed(3), WithoutState())
		require.NoError(t, err, name)
		client := newSpecClient(doc, 5)
		for _, op := range doc.Operations() {
			p := h.plans[op]
			if !p.fastReq {
				continue
			}
			fast++
			req, ok := client.request(op)
			if !ok {
				continue
			}
			var body []byte
			if req.Body != nil {
				body, _ = io.ReadAll(req.Body)
			}
			for _, variant := range requestVariants(req.URL, body) {
				mk := func() *http.Request {
					r := req.Clone(req.Context())
					r.URL = variant.url
					r.Body = io.NopCloser(bytes.NewReader(variant.body))
					r.ContentLength = int64(len(variant.body))
					r.GetBody = nil
					return r
				}
				m, err := doc.Match(mk())
				if err != nil {
					continue
				}
				slow := *p
				slow.fastReq = false
				want := h.validateRequest(req.Context(), &slow, mk(), m)
				got := h.validateRequest(req.Context(), p, mk(), m)
				compared++
				if want == nil {
					accepted++
				}
				// The same verdict, and the same problem when rejected.
				assert.Equal(t, stableProblem(want), stableProblem(got), "%s: %s %s %s", name, op.Method, variant.url, truncate(string(variant.body), 300))
			}
		}
	}
	t.Logf("3.1 operations on the fast path: %d; %d requests compared, %d of them accepted", fast, compared, accepted)
	require.Greater(t, compared, 50)
}

// stableProblem is p with the one unstable part of its messages put in
// order: jsonschema lists additional properties in map order.
func stableProblem(p *problem.Problem) *problem.Problem {
	if p == nil {
		return nil
	}
	c := *p
	c.Errors = slices.Clone(p.Errors)
	for i := range c.Errors {
		c.Errors[i].Message = additionalProps.ReplaceAllStringFunc(c.Errors[i].Message, func(m string) string {
			names := strings.Split(additionalProps.FindStringSubmatch(m)[1], ", ")
			slices.Sort(names)
			return "additional properties " + strings.Join(names, ", ") + " not allowed"
		})
	}
	return &c
}

var additionalProps = regexp.MustCompile(`additional properties (.*?) not allowed`)

type requestVariant struct {
	url  *url.URL
	body []byte
}

// requestVariants are the request itself and mutations: each query
// parameter made empty and not a number, each body property removed or
// given the wrong type, the body replaced by other JSON.
func requestVariants(u *url.URL, body []byte) []requestVariant {
	out := []requestVariant{{u, body}}
	q := u.Query()
	for k := range q {
		for _, bad := range []string{"x", "-1", "99999999999"} {
			c := *u
			q2 := url.Values{}
			for k2, v2 := range q {
				q2[k2] = v2
			}
			q2.Set(k, bad)
			c.RawQuery = q2.Encode()
			out = append(out, requestVariant{&c, body})
		}
	}
	var v any
	if len(body) > 0 && json.Unmarshal(body, &v) == nil {
		for _, other := range []string{`{}`, `[]`, `"x"`, `null`, `1`} {
			out = append(out, requestVariant{u, []byte(other)})
		}
		if m, ok := v.(map[string]any); ok {
			for k := range m {
				for _, bad := range []any{nil, "x", 1.5, []any{}, "delete"} {
					c := map[string]any{}
					for k2, v2 := range m {
						c[k2] = v2
					}
					if bad == "delete" {
						delete(c, k)
					} else {
						c[k] = bad
					}
					b, _ := json.Marshal(c)
					out = append(out, requestVariant{u, b})
				}
			}
		}
	}
	return out
}

// TestSelfCheck31 shows the self-check on a 3.1 document passing the
// mock's own answers and still catching a body that breaks the schema.
func TestSelfCheck31(t *testing.T) {
	t.Parallel()
	for _, v := range twinVersions {
		h, err := New(twinDoc(t, v), WithSeed(1), WithSelfCheck())
		require.NoError(t, err)
		for _, target := range []string{"/items?_limit=2", "/items/0b5c4ad1-0c1e-4f59-a7e4-2f0d61e0c0de"} {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
			assert.Contains(t, []int{200, 404}, w.Code, "%s %s: %s", v, target, w.Body.String())
		}
		m, err := h.Document().Match(httptest.NewRequest("GET", "/items", nil))
		require.NoError(t, err)
		p := h.plans[m.Operation]
		mp := p.byCode[200].media[0]
		r := httptest.NewRequest("GET", "/items", nil)
		assert.Nil(t, h.selfCheck(r, p, 200, mp, []byte(`{"data":[],"total":0}`)), v)
		for _, bad := range []string{`{"data":[{"name":"x"}],"total":1}`, `{"data":[],"total":-1}`, `[]`, `{`} {
			assert.NotNil(t, h.selfCheck(r, p, 200, mp, []byte(bad)), "%s: %s", v, bad)
		}
	}
}

// TestWireValue shows wireValue giving what a JSON round trip gives.
func TestWireValue(t *testing.T) {
	t.Parallel()
	for _, v := range []any{nil, true, 1.5, "é", 7, int64(1) << 60,
		[]any{1, "x", []any{2}}, map[string]any{"a": 1, "b": map[string]any{"c": []any{int64(3), nil}}, "d": "x"},
		map[string]any{}, []any{}} {
		got, ok := wireValue(v)
		require.True(t, ok, "%v", v)
		assert.Equal(t, roundTrip(v), got, "%v", v)
	}
	for _, v := range []any{"\xff", json.RawMessage(`{}`), struct{}{}, []any{uint8(1)}, map[string]any{"a": []string{}}} {
		_, ok := wireValue(v)
		assert.False(t, ok, "%v", v)
	}
}

// TestCompiledOnce shows each schema's check decided (and compiled) once:
// concurrent first requests included, later requests compile nothing.
func TestCompiledOnce(t *testing.T) {
	t.Parallel()
	h, err := New(twinDoc(t, "3.1.0"), WithSeed(1), WithSelfCheck())
	require.NoError(t, err)
	compiles := func() (n int64, schemas int) {
		for _, c := range []*schemaChecker{h.checks, h.reqChecks, h.respChecks} {
			n += c.compiles.Load()
			c.cache.Range(func(any, any) bool { schemas++; return true })
		}
		return n, schemas
	}
	round := func() {
		done := make(chan struct{})
		for i := 0; i < 8; i++ {
			go func() {
				defer func() { done <- struct{}{} }()
				for _, rq := range []struct{ method, target, body string }{
					{"POST", "/items", `{"name":"Rex","status":"sold"}`},
					{"POST", "/items", `{"name":"","status":"bogus"}`},
					{"GET", "/items?_limit=3", ""},
					{"GET", "/items?_limit=x", ""},
				} {
					r := httptest.NewRequest(rq.method, rq.target, strings.NewReader(rq.body))
					if rq.body != "" {
						r.Header.Set("Content-Type", "application/json")
					}
					h.ServeHTTP(httptest.NewRecorder(), r)
				}
			}()
		}
		for i := 0; i < 8; i++ {
			<-done
		}
	}
	round()
	first, schemas := compiles()
	require.Positive(t, first)
	assert.Equal(t, int64(schemas), first, "one decision per schema")
	round()
	again, _ := compiles()
	assert.Equal(t, first, again, "nothing compiled after first use")
}
