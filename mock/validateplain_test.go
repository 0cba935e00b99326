package mock

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/openapi"
)

const plainSpec = `openapi: 3.0.3
info: {title: plain, version: "1"}
security: [{}]
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
paths:
  /list:
    get:
      responses: {"200": {description: ok}}
  /str/{v}:
    get:
      parameters: [{name: v, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
  /int/{v}:
    get:
      parameters: [{name: v, in: path, required: true, schema: {type: integer}}]
      responses: {"200": {description: ok}}
  /i32/{v}:
    get:
      parameters: [{name: v, in: path, required: true, schema: {type: integer, format: int32}}]
      responses: {"200": {description: ok}}
  /i64/{v}:
    get:
      security: [{key: []}]
      parameters: [{name: v, in: path, required: true, schema: {type: integer, format: int64}}]
      responses: {"200": {description: ok}}
  /item/{v}:
    parameters: [{name: v, in: path, required: true, schema: {type: integer}}]
    get:
      responses: {"200": {description: ok}}
  /min/{v}:
    get:
      parameters: [{name: v, in: path, required: true, schema: {type: integer, minimum: 1}}]
      responses: {"200": {description: ok}}
  /enum/{v}:
    get:
      parameters: [{name: v, in: path, required: true, schema: {type: string, enum: [a, b]}}]
      responses: {"200": {description: ok}}
  /uuid/{v}:
    get:
      parameters: [{name: v, in: path, required: true, schema: {type: string, format: uuid}}]
      responses: {"200": {description: ok}}
  /num/{v}:
    get:
      parameters: [{name: v, in: path, required: true, schema: {type: number}}]
      responses: {"200": {description: ok}}
  /query:
    get:
      parameters: [{name: q, in: query, schema: {type: string}}]
      responses: {"200": {description: ok}}
  /body:
    post:
      requestBody: {content: {application/json: {schema: {type: object}}}}
      responses: {"200": {description: ok}}
`

// TestPlainInput pins which operations skip openapi3filter, and that the
// check never accepts a request openapi3filter refuses: for every
// operation and path value, plainInput.accepts implies the filter's
// acceptance.
func TestPlainInput(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(plainSpec))
	require.NoError(t, err)
	h, err := New(doc, WithoutState())
	require.NoError(t, err)
	values := []string{"1", "0", "-7", "+3", "01", "abc", "1.0", "1e3", "2147483648", "-2147483649",
		"9007199254740993", "9223372036854775808", "a%20b", "3fa85f64-5717-4562-b3fc-2c963f66afa6"}
	for _, tc := range []struct {
		path  string // "{v}" is replaced by each value
		plain bool   // the operation may skip openapi3filter
	}{
		{"/list", true},
		{"/str/{v}", true},
		{"/int/{v}", true},
		{"/i32/{v}", true},
		{"/i64/{v}", true},
		{"/item/{v}", true},
		{"/min/{v}", false},
		{"/enum/{v}", false},
		{"/uuid/{v}", false},
		{"/num/{v}", false},
		{"/query", false},
		{"/body", false},
	} {
		t.Run(tc.path, func(t *testing.T) {
			method := http.MethodGet
			if tc.path == "/body" {
				method = http.MethodPost
			}
			for _, v := range values {
				r := httptest.NewRequest(method, replaceV(tc.path, v), nil)
				m, err := doc.Match(r)
				require.NoError(t, err, v)
				p := h.plan(m.Operation)
				assert.Equal(t, tc.plain, p.plain.ok)
				if !p.plain.accepts(m) {
					continue
				}
				in := &openapi3filter.RequestValidationInput{Request: r, PathParams: m.Params(), Route: p.route, Options: h.filterOpts}
				assert.NoError(t, safeValidateRequest(context.Background(), in), "%s accepted by the plain check", r.URL)
			}
		})
	}
}

// TestPlainInputVerdicts pins the answers of requests on both sides of the
// plain check: accepted ones are served, refused ones get openapi3filter's
// problem as before.
func TestPlainInputVerdicts(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(plainSpec))
	require.NoError(t, err)
	h, err := New(doc, WithoutState(), WithoutSecurity())
	require.NoError(t, err)
	for _, tc := range []struct {
		target string
		status int
	}{
		{"/int/42", http.StatusOK},
		{"/int/abc", http.StatusBadRequest},
		{"/int/1.5", http.StatusBadRequest},
		{"/i32/2147483647", http.StatusOK},
		{"/i32/2147483648", http.StatusBadRequest},
		{"/i64/9223372036854775807", http.StatusOK}, // past 2^53: openapi3filter decides
		{"/i64/9223372036854775808", http.StatusBadRequest},
		{"/item/x", http.StatusBadRequest},
		{"/str/anything", http.StatusOK},
		{"/min/0", http.StatusBadRequest},
		{"/list?anything=1", http.StatusOK},
	} {
		t.Run(tc.target, func(t *testing.T) {
			w := do(h, http.MethodGet, tc.target, "")
			assert.Equal(t, tc.status, w.Code, w.Body.String())
			if tc.status == http.StatusBadRequest {
				assert.Contains(t, w.Body.String(), `"code":"`+problem.CodeValidation+`"`)
			}
		})
	}
}

// TestSecurityAlwaysPasses pins when openapi3filter's security check,
// with the handler's accept-all AuthenticationFunc, cannot fail: a
// requirement naming an undeclared scheme fails it.
func TestSecurityAlwaysPasses(t *testing.T) {
	t.Parallel()
	declared := openapi3.SecuritySchemes{"key": &openapi3.SecuritySchemeRef{Value: &openapi3.SecurityScheme{Type: "apiKey", In: "header", Name: "X-Key"}}}
	req := func(names ...string) openapi3.SecurityRequirement {
		sr := openapi3.SecurityRequirement{}
		for _, n := range names {
			sr[n] = []string{}
		}
		return sr
	}
	for _, tc := range []struct {
		name   string
		global openapi3.SecurityRequirements
		op     *openapi3.SecurityRequirements
		want   bool
	}{
		{"none", nil, nil, true},
		{"declared", openapi3.SecurityRequirements{req("key")}, nil, true},
		{"undeclared", openapi3.SecurityRequirements{req("nokey")}, nil, false},
		{"undeclared or declared", openapi3.SecurityRequirements{req("nokey"), req("key")}, nil, true},
		{"undeclared with declared", openapi3.SecurityRequirements{req("key", "nokey")}, nil, false},
		{"the operation's override", openapi3.SecurityRequirements{req("nokey")}, &openapi3.SecurityRequirements{}, true},
		{"the operation's undeclared", nil, &openapi3.SecurityRequirements{req("nokey")}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := &openapi3.T{Security: tc.global, Components: &openapi3.Components{SecuritySchemes: declared}}
			assert.Equal(t, tc.want, securityAlwaysPasses(spec, &openapi3.Operation{Security: tc.op}))
		})
	}
}

func replaceV(path, v string) string {
	out := ""
	for i := 0; i < len(path); i++ {
		if i+3 <= len(path) && path[i:i+3] == "{v}" {
			out += v
			i += 2
			continue
		}
		out += string(path[i])
	}
	return out
}
