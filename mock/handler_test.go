package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/openapi"
)

const petSpec = `
openapi: 3.0.3
info: {title: pets, version: "1"}
servers: [{url: "https://api.example.com/v1"}]
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-API-Key}
    bearer: {type: http, scheme: bearer}
    qkey: {type: apiKey, in: query, name: api_key}
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer, format: int64, minimum: 1}
        name: {type: string, minLength: 1, maxLength: 40}
        tag: {type: string}
        secret: {type: string, writeOnly: true}
        email: {type: string, format: email}
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
        - {name: __example, in: query, schema: {type: integer}}
        - name: filter
          in: query
          style: form
          explode: true
          schema: {type: object, additionalProperties: false, properties: {tag: {type: string}}}
      responses:
        "200":
          description: ok
          headers:
            X-Rate-Limit: {schema: {type: integer, minimum: 0, maximum: 100}}
            X-Request-Id: {schema: {type: string, format: uuid}}
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}, maxItems: 3}
              examples:
                two:
                  value: [{id: 1, name: Rex}, {id: 2, name: Tom}]
                bad:
                  value: [{id: "one"}]
            application/xml:
              schema: {type: array, xml: {name: pets, wrapped: true}, items: {$ref: "#/components/schemas/Pet"}}
        "404":
          description: none
          content:
            application/problem+json:
              schema: {type: object, required: [title], properties: {title: {type: string}}}
        default:
          description: error
          content:
            application/json:
              schema: {type: object, required: [code], properties: {code: {type: integer}}}
    post:
      operationId: createPet
      security: [{key: []}, {bearer: []}]
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Pet"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
              example: {id: "wrong type", name: 5}
        "401":
          description: unauthorized
          content:
            application/json:
              schema: {type: object, required: [reason], properties: {reason: {type: string, enum: [nokey]}}}
  /pets/{petId}:
    parameters:
      - {name: petId, in: path, required: true, schema: {type: integer}}
    get:
      operationId: getPet
      security: [{qkey: []}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                allOf: [{$ref: "#/components/schemas/Pet"}]
                example: {id: 9, name: Nine}
    delete:
      operationId: deletePet
      responses:
        "204": {description: gone}
  /health:
    get:
      operationId: health
      responses:
        "200":
          description: ok
          content:
            text/plain:
              schema: {type: string, enum: [OK]}
            application/octet-stream:
              schema: {type: string, format: binary}
`

// newHandler builds a stateless handler for petSpec: these tests are about
// how a response is chosen; crud_test.go tests the stateful behaviour.
func newHandler(t testing.TB, opts ...Option) *Handler {
	t.Helper()
	doc, err := openapi.Parse(context.Background(), []byte(petSpec))
	require.NoError(t, err)
	h, err := New(doc, append([]Option{WithoutState()}, opts...)...)
	require.NoError(t, err)
	return h
}

func do(h http.Handler, method, target string, body string, headers ...string) *httptest.ResponseRecorder {
	var rd *strings.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	var req *http.Request
	if rd != nil {
		req = httptest.NewRequest(method, target, rd)
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func decodeProblem(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	assert.Equal(t, "application/problem+json", rec.Header().Get("Content-Type"))
	var p map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p), rec.Body.String())
	return p
}

func TestStatusSelection(t *testing.T) {
	t.Parallel()
	h := newHandler(t, WithSeed(1))
	tests := []struct {
		name, target string
		headers      []string
		want         int
		wantCT       string
	}{
		{"lowest 2xx", "/v1/pets", nil, 200, "application/json"},
		{"prefer code", "/v1/pets", []string{"Prefer", "code=404"}, 404, "application/problem+json"},
		{"query code", "/v1/pets?__code=404", nil, 404, "application/problem+json"},
		{"default covers undeclared", "/v1/pets", []string{"Prefer", "code=503"}, 503, "application/json"},
		{"no content", "/v1/pets/3?api_key=k", []string{"Prefer", "code=204"}, 404, "application/problem+json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, "GET", tt.target, "", tt.headers...)
			assert.Equal(t, tt.want, rec.Code, rec.Body.String())
			assert.Equal(t, tt.wantCT, rec.Header().Get("Content-Type"))
		})
	}
}

func TestUndeclaredStatusNamesDeclared(t *testing.T) {
	t.Parallel()
	h := newHandler(t)
	rec := do(h, "DELETE", "/v1/pets/3", "", "Prefer", "code=500")
	require.Equal(t, 404, rec.Code)
	p := decodeProblem(t, rec)
	assert.Equal(t, "UNDECLARED_STATUS", p["code"])
	assert.Equal(t, []any{"204"}, p["declared"])
	assert.Contains(t, p["detail"], "500")

	rec = do(h, "DELETE", "/v1/pets/3", "")
	assert.Equal(t, 204, rec.Code)
	assert.Empty(t, rec.Body.String())
}

func TestNegotiation(t *testing.T) {
	t.Parallel()
	h := newHandler(t, WithSeed(1))
	tests := []struct {
		accept, want string
		status       int
	}{
		{"", "application/json", 200},
		{"*/*", "application/json", 200},
		{"application/xml", "application/xml", 200},
		{"application/xml;q=0.9, application/json;q=0.5", "application/xml", 200},
		{"application/json;q=0.1, application/*;q=0.8", "application/xml", 200},
		{"text/html, application/xml;q=0", "application/problem+json", 406},
		{"application/vnd.github.machine-man-preview+json", "application/json", 200},
		{"application/vnd.acme+xml", "application/xml", 200},
		{"application/vnd.acme+json;q=0.5, application/xml", "application/xml", 200},
		{"application/vnd.acme+yaml", "application/problem+json", 406},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			rec := do(h, "GET", "/v1/pets", "", "Accept", tt.accept)
			assert.Equal(t, tt.status, rec.Code)
			assert.Equal(t, tt.want, rec.Header().Get("Content-Type"))
			if tt.status == 406 {
				p := decodeProblem(t, rec)
				assert.Equal(t, []any{"application/json", "application/xml"}, p["available"])
			}
			if tt.want == "application/xml" {
				assert.True(t, strings.HasPrefix(rec.Body.String(), "<?xml"), rec.Body.String())
				assert.NoError(t, wellFormedXML(rec.Body.Bytes()))
				assert.Contains(t, rec.Body.String(), "<pets>")
			}
		})
	}
}

func TestBodyChoice(t *testing.T) {
	t.Parallel()
	h := newHandler(t, WithSeed(1))

	// The first valid named example ("bad" contradicts the schema and is skipped).
	rec := do(h, "GET", "/v1/pets", "")
	assert.JSONEq(t, `[{"id":1,"name":"Rex"},{"id":2,"name":"Tom"}]`, rec.Body.String())

	// Asked for by name: served as written, even the bad one.
	rec = do(h, "GET", "/v1/pets", "", "Prefer", "example=bad")
	assert.JSONEq(t, `[{"id":"one"}]`, rec.Body.String())
	rec = do(h, "GET", "/v1/pets?__example=two", "")
	assert.JSONEq(t, `[{"id":1,"name":"Rex"},{"id":2,"name":"Tom"}]`, rec.Body.String())

	rec = do(h, "GET", "/v1/pets", "", "Prefer", "example=nope")
	assert.Equal(t, 404, rec.Code)
	assert.Contains(t, decodeProblem(t, rec)["detail"], "bad, two")

	// The schema's example.
	rec = do(h, "GET", "/v1/pets/9?api_key=k", "")
	assert.JSONEq(t, `{"id":9,"name":"Nine"}`, rec.Body.String())

	// Dynamic: generated, so not the example, and valid.
	rec = do(h, "GET", "/v1/pets", "", "Prefer", "dynamic=true")
	assert.NotContains(t, rec.Body.String(), "Rex")
	var pets []map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &pets))
	require.NotEmpty(t, pets)
	for _, p := range pets {
		assert.Contains(t, p, "id")
		assert.Contains(t, p, "name")
		assert.NotContains(t, p, "secret", "writeOnly never appears in responses")
	}

	// An invalid media-type example is not served: a generated value is.
	rec = do(h, "POST", "/v1/pets", `{"id":1,"name":"a"}`, "X-API-Key", "k", "Content-Type", "application/json")
	require.Equal(t, 201, rec.Code, rec.Body.String())
	var pet map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &pet))
	assert.IsType(t, float64(0), pet["id"])
	assert.IsType(t, "", pet["name"])

	var found bool
	for _, w := range h.Warnings() {
		if strings.Contains(w.Pointer, "createPet") || strings.Contains(w.Pointer, "/post/responses/201/content/application~1json/example") {
			found = true
		}
	}
	assert.True(t, found, "the bad example is reported with its location: %v", h.Warnings())
}

func TestExamplesVerbatim(t *testing.T) {
	t.Parallel()
	h := newHandler(t, WithExamplesVerbatim())
	rec := do(h, "POST", "/v1/pets", `{"id":1,"name":"a"}`, "X-API-Key", "k", "Content-Type", "application/json")
	assert.JSONEq(t, `{"id":"wrong type","name":5}`, rec.Body.String())
}

func TestSelfCheckCatchesLies(t *testing.T) {
	t.Parallel()
	h := newHandler(t, WithExamplesVerbatim(), WithSelfCheck())
	rec := do(h, "POST", "/v1/pets", `{"id":1,"name":"a"}`, "X-API-Key", "k", "Content-Type", "application/json")
	require.Equal(t, 500, rec.Code)
	assert.Equal(t, "RESPONSE_VIOLATES_SPEC", decodeProblem(t, rec)["code"])

	// In verbatim mode the first example, "bad", is served and caught too.
	rec = do(h, "GET", "/v1/pets", "")
	assert.Equal(t, 500, rec.Code)
	rec = do(h, "GET", "/v1/pets", "", "Prefer", "example=two")
	assert.Equal(t, 200, rec.Code, "a truthful response passes the self-check: %s", rec.Body.String())
}

func TestRequestValidation(t *testing.T) {
	t.Parallel()
	h := newHandler(t)
	tests := []struct {
		name         string
		method, path string
		body         string
		headers      []string
		status       int
		item         map[string]any
	}{
		{"query out of range", "GET", "/v1/pets?limit=0", "", nil, 400, map[string]any{"in": "query", "name": "limit"}},
		{"path type", "DELETE", "/v1/pets/abc", "", nil, 400, map[string]any{"in": "path", "name": "petId"}},
		{"body schema", "POST", "/v1/pets", `{"id":0,"name":""}`, []string{"Content-Type", "application/json"}, 422,
			map[string]any{"in": "body", "pointer": "/id"}},
		{"missing body", "POST", "/v1/pets", "", nil, 422, map[string]any{"in": "body"}},
		{"content type", "POST", "/v1/pets", `id=1`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415,
			map[string]any{"in": "header", "name": "Content-Type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			headers := append([]string{"X-API-Key", "k"}, tt.headers...)
			rec := do(h, tt.method, tt.path, tt.body, headers...)
			require.Equal(t, tt.status, rec.Code, rec.Body.String())
			p := decodeProblem(t, rec)
			items, ok := p["errors"].([]any)
			require.True(t, ok, "errors array: %v", p)
			require.NotEmpty(t, items)
			first := items[0].(map[string]any)
			for k, v := range tt.item {
				assert.Equal(t, v, first[k], "%s in %v", k, first)
			}
			assert.NotEmpty(t, first["message"])
		})
	}
}

func TestControlParamsNeverReachValidation(t *testing.T) {
	t.Parallel()
	h := newHandler(t)
	// The spec declares __example as an integer query parameter: had the
	// control parameter reached validation, "two" would be rejected.
	rec := do(h, "GET", "/v1/pets?__example=two&__code=200&__dynamic=false", "")
	require.Equal(t, 200, rec.Code, rec.Body.String())
	assert.JSONEq(t, `[{"id":1,"name":"Rex"},{"id":2,"name":"Tom"}]`, rec.Body.String())
	rec = do(h, "GET", "/v1/pets?limit=two", "")
	assert.Equal(t, 400, rec.Code, "an ordinary parameter is validated")
}

func TestWithoutValidation(t *testing.T) {
	t.Parallel()
	h := newHandler(t, WithoutValidation())
	rec := do(h, "GET", "/v1/pets?limit=0", "")
	assert.Equal(t, 200, rec.Code)
}

func TestSecurity(t *testing.T) {
	t.Parallel()
	h := newHandler(t)
	body := `{"id":1,"name":"a"}`
	ct := "application/json"
	tests := []struct {
		name      string
		method    string
		target    string
		headers   []string
		status    int
		challenge string
	}{
		{"no credentials", "POST", "/v1/pets", []string{"Content-Type", ct}, 401, `ApiKey realm="mock", header="X-API-Key"`},
		{"api key header", "POST", "/v1/pets", []string{"Content-Type", ct, "x-api-key", "k"}, 201, ""},
		{"bearer alternative", "POST", "/v1/pets", []string{"Content-Type", ct, "Authorization", "Bearer t"}, 201, ""},
		{"wrong scheme", "POST", "/v1/pets", []string{"Content-Type", ct, "Authorization", "Basic dTpw"}, 401, ""},
		{"query key", "GET", "/v1/pets/1?api_key=k", nil, 200, ""},
		{"query key missing", "GET", "/v1/pets/1", nil, 401, `ApiKey realm="mock", query="api_key"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := ""
			if tt.method == "POST" {
				b = body
			}
			rec := do(h, tt.method, tt.target, b, tt.headers...)
			require.Equal(t, tt.status, rec.Code, rec.Body.String())
			if tt.status == 401 {
				assert.Equal(t, "AUTHENTICATION_REQUIRED", decodeProblem(t, rec)["code"])
				assert.NotEmpty(t, rec.Header().Values("WWW-Authenticate"))
				if tt.challenge != "" {
					assert.Contains(t, rec.Header().Values("WWW-Authenticate"), tt.challenge)
				}
			}
		})
	}

	open := newHandler(t, WithoutSecurity())
	assert.Equal(t, 200, do(open, "GET", "/v1/pets/1", "").Code)
}

func TestSpecErrors(t *testing.T) {
	t.Parallel()
	h := newHandler(t, WithSpecErrors(), WithSeed(3))
	rec := do(h, "POST", "/v1/pets", `{"id":1,"name":"a"}`, "Content-Type", "application/json")
	require.Equal(t, 401, rec.Code)
	assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	assert.JSONEq(t, `{"reason":"nokey"}`, rec.Body.String())
}

func TestRoutingAnswers(t *testing.T) {
	t.Parallel()
	h := newHandler(t)
	rec := do(h, "GET", "/v1/nothing", "")
	assert.Equal(t, 404, rec.Code)
	assert.Equal(t, "NOT_FOUND", decodeProblem(t, rec)["code"])

	rec = do(h, "PUT", "/v1/pets", "")
	assert.Equal(t, 405, rec.Code)
	assert.Equal(t, "GET, HEAD, POST", rec.Header().Get("Allow"))

	get := do(h, "GET", "/v1/pets", "")
	head := do(h, "HEAD", "/v1/pets", "")
	assert.Equal(t, 200, head.Code)
	assert.Empty(t, head.Body.String())
	assert.Equal(t, get.Header().Get("Content-Length"), head.Header().Get("Content-Length"))
}

func TestCORS(t *testing.T) {
	t.Parallel()
	const origin = "https://app.example"
	permissive := newHandler(t)
	credentialed := newHandler(t, WithCORS(CORS{AllowedOrigins: []string{origin}, AllowCredentials: true}))
	strict := newHandler(t, WithCORS(CORS{AllowedOrigins: []string{"https://ok.example"}}))
	none := newHandler(t, WithoutCORS())
	preflight := []string{"Origin", origin, "Access-Control-Request-Method", "POST",
		"Access-Control-Request-Headers", "x-api-key, content-type"}

	tests := []struct {
		name                  string
		h                     *Handler
		method, target, body  string
		headers               []string
		status                int
		allowOrigin, creds    string
		exposeHasStar, allows bool
	}{
		{name: "preflight, any origin", h: permissive, method: "OPTIONS", target: "/v1/pets", headers: preflight,
			status: 204, allowOrigin: "*", allows: true},
		{name: "answer, any origin", h: permissive, method: "GET", target: "/v1/pets", headers: []string{"Origin", origin},
			status: 200, allowOrigin: "*", exposeHasStar: true},
		{name: "unknown path still carries CORS", h: permissive, method: "GET", target: "/nope", headers: []string{"Origin", origin},
			status: 404, allowOrigin: "*", exposeHasStar: true},
		{name: "validation error still carries CORS", h: permissive, method: "POST", target: "/v1/pets", body: `{"name": 5}`,
			headers: []string{"Origin", origin, "Content-Type", "application/json", "X-API-Key", "k"},
			status:  422, allowOrigin: "*", exposeHasStar: true},
		{name: "missing credentials still carry CORS", h: permissive, method: "POST", target: "/v1/pets", body: `{"name": "a"}`,
			headers: []string{"Origin", origin, "Content-Type", "application/json"},
			status:  401, allowOrigin: "*", exposeHasStar: true},
		{name: "credentials need a named origin, echoed", h: credentialed, method: "GET", target: "/v1/pets",
			headers: []string{"Origin", origin}, status: 200, allowOrigin: origin, creds: "true"},
		{name: "credentialed preflight", h: credentialed, method: "OPTIONS", target: "/v1/pets", headers: preflight,
			status: 204, allowOrigin: origin, creds: "true", allows: true},
		{name: "other origin refused", h: strict, method: "GET", target: "/v1/pets", headers: []string{"Origin", "https://evil.example"},
			status: 200},
		{name: "refused preflight never reaches the operation", h: strict, method: "OPTIONS", target: "/v1/pets", headers: preflight,
			status: 204},
		{name: "without CORS, OPTIONS is an ordinary request", h: none, method: "OPTIONS", target: "/v1/pets", headers: preflight,
			status: 405},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(tc.h, tc.method, tc.target, tc.body, tc.headers...)
			assert.Equal(t, tc.status, rec.Code, rec.Body.String())
			hd := rec.Header()
			assert.Equal(t, tc.allowOrigin, hd.Get("Access-Control-Allow-Origin"))
			assert.Equal(t, tc.creds, hd.Get("Access-Control-Allow-Credentials"))
			if tc.allows {
				assert.Equal(t, "POST", hd.Get("Access-Control-Allow-Methods"))
				assert.Equal(t, "x-api-key, content-type", hd.Get("Access-Control-Allow-Headers"))
				assert.NotEmpty(t, hd.Get("Access-Control-Max-Age"))
			}
			expose := hd.Get("Access-Control-Expose-Headers")
			if tc.allowOrigin != "" && tc.method != "OPTIONS" {
				for _, name := range []string{"Location", "Link", "X-Total-Count", "Retry-After", "Ratelimit-Remaining", "Www-Authenticate"} {
					assert.Contains(t, expose, name, "exposed by name: credentialed requests take * literally")
				}
				assert.Equal(t, tc.exposeHasStar, strings.HasPrefix(expose, "*, "), expose)
			}
			if tc.h != none {
				assert.Contains(t, strings.Join(hd.Values("Vary"), ", "), "Origin")
			}
		})
	}

	doc, err := openapi.Parse(context.Background(), []byte(petSpec))
	require.NoError(t, err)
	_, err = New(doc, WithCORS(CORS{AllowCredentials: true}))
	assert.ErrorContains(t, err, "AllowCredentials needs AllowedOrigins", "credentials for every origin are refused")
}

func TestDeterminism(t *testing.T) {
	t.Parallel()
	a, b := newHandler(t, WithSeed(42)), newHandler(t, WithSeed(42))
	other := newHandler(t, WithSeed(43))
	req := func(h *Handler, target string) string {
		rec := do(h, "GET", target, "", "Prefer", "dynamic=true")
		require.Equal(t, 200, rec.Code)
		return rec.Body.String() + "|" + rec.Header().Get("X-Request-Id") + "|" + rec.Header().Get("X-Rate-Limit")
	}
	first := req(a, "/v1/pets?limit=5&tag=x")
	assert.Equal(t, first, req(a, "/v1/pets?limit=5&tag=x"), "same handler, same request")
	assert.Equal(t, first, req(b, "/v1/pets?tag=x&limit=5"), "another instance; query order does not matter")
	assert.NotEqual(t, first, req(other, "/v1/pets?limit=5&tag=x"), "another seed")
	assert.NotEqual(t, first, req(a, "/v1/pets?limit=6&tag=x"), "another request")

	unseeded := newHandler(t)
	assert.NotEqual(t, req(unseeded, "/v1/pets"), req(unseeded, "/v1/pets"), "without a seed every response is fresh")
}

func TestResponseHeadersGenerated(t *testing.T) {
	t.Parallel()
	h := newHandler(t, WithSeed(5))
	rec := do(h, "GET", "/v1/pets", "")
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, rec.Header().Get("X-Request-Id"))
	assert.Regexp(t, `^[0-9]+$`, rec.Header().Get("X-Rate-Limit"))
}

func TestTextAndBinary(t *testing.T) {
	t.Parallel()
	h := newHandler(t, WithSeed(5))
	rec := do(h, "GET", "/v1/health", "", "Accept", "text/plain")
	assert.Equal(t, "OK", rec.Body.String())
	rec = do(h, "GET", "/v1/health", "", "Accept", "application/octet-stream")
	assert.Equal(t, "application/octet-stream", rec.Header().Get("Content-Type"))
	assert.NotEmpty(t, rec.Body.Bytes())
}

func TestDelayIsBoundedAndCancelable(t *testing.T) {
	t.Parallel()
	h := newHandler(t, WithMaxDelay(20*time.Millisecond))
	start := time.Now()
	rec := do(h, "GET", "/v1/pets", "", "Prefer", "delay=5000")
	assert.Equal(t, 200, rec.Code)
	assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond, "the delay happened")

	slow := newHandler(t, WithLatency(time.Hour, time.Hour))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest("GET", "/v1/pets", nil).WithContext(ctx)
	rec = httptest.NewRecorder()
	slow.ServeHTTP(rec, req) // returns although the latency is an hour
	assert.Equal(t, 200, rec.Code)
}

func TestLogRedactsSecrets(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	h := newHandler(t, WithLogger(slog.New(slog.NewJSONHandler(&buf, nil))))
	do(h, "GET", "/v1/pets/1?api_key=s3cret-key&apidogToken=s3cret-token&x=1", "", "X-API-Key", "s3cret-header")
	out := buf.String()
	assert.NotContains(t, out, "s3cret")
	assert.Contains(t, out, `"operation":"getPet"`)
	assert.Contains(t, out, `"status":200`)
	assert.Contains(t, out, "REDACTED")
}

func TestExamplesByRefAndExternalValue(t *testing.T) {
	t.Parallel()
	doc, err := openapi.LoadFile(context.Background(), "../testdata/specs/examples-bad.yaml")
	require.NoError(t, err)
	h, err := New(doc, WithoutValidation())
	require.NoError(t, err)
	external, err := os.ReadFile("../testdata/specs/examples/pet.json")
	require.NoError(t, err)

	tests := []struct{ example, want string }{
		{"fromComponents", `{"id":1,"name":"Rex","status":"available","tags":["dog"]}`},
		{"external", string(external)},
	}
	for _, tt := range tests {
		t.Run(tt.example, func(t *testing.T) {
			rec := do(h, "GET", "/pets/1", "", "Prefer", "example="+tt.example)
			require.Equal(t, 200, rec.Code, rec.Body.String())
			assert.JSONEq(t, tt.want, rec.Body.String())
		})
	}

	// With no example asked for, only a valid one is served.
	rec := do(h, "GET", "/pets/1", "")
	assert.Contains(t, []string{tests[0].want, compactJSON(t, external)}, rec.Body.String())

	bad := map[string]bool{}
	for _, w := range h.Warnings() {
		if strings.Contains(w.Pointer, "/examples/") {
			bad[w.Pointer[strings.LastIndex(w.Pointer, "/")+1:]] = true
		}
	}
	assert.True(t, bad["missingRequired"] && bad["badEnum"], "contradicting examples are reported: %v", h.Warnings())
	assert.False(t, bad["fromComponents"] || bad["external"])

	noFiles, err := New(doc, WithoutValidation(), WithoutExternalValues())
	require.NoError(t, err)
	rec = do(noFiles, "GET", "/pets/1", "", "Prefer", "example=external")
	assert.Equal(t, 404, rec.Code, "without external values the example does not exist")
}

func compactJSON(t *testing.T, b []byte) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, json.Compact(&buf, b))
	return buf.String()
}

func TestMediaTypeEdges(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: m, version: "1"}
paths:
  /a:
    get:
      parameters:
        - {name: Accept, in: header, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json;charset=UTF-8:
              schema: {type: object, properties: {a: {type: integer}}}
`))
	require.NoError(t, err)
	h, err := New(doc)
	require.NoError(t, err)
	tests := []struct {
		accept string
		status int
	}{
		{"", 200},
		{"news", 200},             // not a media range: disregarded
		{"application/json", 200}, // parameters do not stop a match
		{"text/html", 406},        // a real media range that does not fit
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			rec := do(h, "GET", "/a", "", "Accept", tt.accept)
			require.Equal(t, tt.status, rec.Code, rec.Body.String())
			if tt.status == 200 {
				assert.Equal(t, "application/json;charset=UTF-8", rec.Header().Get("Content-Type"), "the declared spelling")
			}
		})
	}
}

// An Accept the spec requires as a parameter is the spec's choice, not the
// client's: when no declared media type fits it, the first is served
// rather than 406 (VTEX requires "application/json" and answers
// text/plain, #15).
func TestRequiredAcceptParameterIsDisregarded(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: m, version: "1"}
paths:
  /a:
    get:
      parameters:
        - {name: Accept, in: header, required: true, schema: {type: string, default: application/json}}
      responses:
        "200":
          description: ok
          content:
            text/plain:
              schema: {type: string, example: hello}
`))
	require.NoError(t, err)
	h, err := New(doc)
	require.NoError(t, err)
	for _, accept := range []string{"application/json", "text/html", "text/plain"} {
		rec := do(h, "GET", "/a", "", "Accept", accept)
		assert.Equal(t, 200, rec.Code, "%s: %s", accept, rec.Body.String())
		assert.Equal(t, "text/plain", rec.Header().Get("Content-Type"), accept)
	}
}

// A header that counts a list's items states the length of the array sent,
// whichever way the array was chosen; other headers are left alone.
func TestCountHeadersMatchTheList(t *testing.T) {
	t.Parallel()
	const spec = `
openapi: 3.0.3
info: {title: counts, version: "1"}
paths:
  /things:
    get:
      responses:
        "200":
          description: a page
          headers:
            X-Total-Count: {schema: {type: integer, minimum: 0}}
            X-Result-Count: {schema: {type: integer}}
            X-Rate-Limit: {schema: {type: integer, minimum: 1000, maximum: 1000}}
            Total: {schema: {type: integer, maximum: 1}}
          content:
            application/json:
              schema:
                type: array
                minItems: 2
                maxItems: 6
                items: {type: object, properties: {id: {type: integer}}}
              examples:
                empty: {value: []}
                three: {value: [{id: 1}, {id: 2}, {id: 3}]}
`
	doc, err := openapi.Parse(context.Background(), []byte(spec))
	require.NoError(t, err)
	h, err := New(doc, WithoutState(), WithSeed(3))
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		headers []string
		target  string
	}{
		{"first example", nil, "/things"},
		{"empty example", []string{"Prefer", "example=empty"}, "/things"},
		{"named example", []string{"Prefer", "example=three"}, "/things"},
		{"generated", []string{"Prefer", "dynamic=true"}, "/things"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(h, "GET", tc.target, "", tc.headers...)
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			var items []any
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &items))
			n := strconv.Itoa(len(items))
			assert.Equal(t, n, rec.Header().Get("X-Total-Count"))
			assert.Equal(t, n, rec.Header().Get("X-Result-Count"))
			assert.Equal(t, "1000", rec.Header().Get("X-Rate-Limit"), "not a count")
			if len(items) > 1 {
				// The schema forbids the length: a value of the schema instead.
				assert.Regexp(t, `^-?[01]$|^-[0-9]+$`, rec.Header().Get("Total"))
			}
		})
	}
}
