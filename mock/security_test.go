package mock

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/openapi"
)

const credentialSpec = `
openapi: 3.0.3
info: {title: creds, version: "1"}
components:
  securitySchemes:
    hkey: {type: apiKey, in: header, name: X-API-Key}
    qkey: {type: apiKey, in: query, name: api_key}
    ckey: {type: apiKey, in: cookie, name: session}
    basic: {type: http, scheme: basic}
    bearer: {type: http, scheme: bearer}
    oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: "https://a.example/token", scopes: {}}}}
    oidc: {type: openIdConnect, openIdConnectUrl: "https://a.example/.well-known/openid-configuration"}
paths:
  /header: {get: {security: [{hkey: []}], responses: {"204": {description: ok}}}}
  /query: {get: {security: [{qkey: []}], responses: {"204": {description: ok}}}}
  /cookie: {get: {security: [{ckey: []}], responses: {"204": {description: ok}}}}
  /basic: {get: {security: [{basic: []}], responses: {"204": {description: ok}}}}
  /bearer: {get: {security: [{bearer: []}], responses: {"204": {description: ok}}}}
  /oauth: {get: {security: [{oauth: []}], responses: {"204": {description: ok}}}}
  /oidc: {get: {security: [{oidc: []}], responses: {"204": {description: ok}}}}
  /either: {get: {security: [{hkey: []}, {qkey: []}, {bearer: []}], responses: {"204": {description: ok}}}}
  /both: {get: {security: [{hkey: [], ckey: []}], responses: {"204": {description: ok}}}}
`

// A missing credential is named where the spec declares it, in the 401
// problem and in Check's rejection alike.
func TestMissingCredentialIsNamed(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(credentialSpec))
	require.NoError(t, err)
	h, err := New(doc, WithoutState())
	require.NoError(t, err)

	type loc struct {
		In   problem.Location
		Name string
	}
	tests := []struct {
		path    string
		headers []string
		want    []loc
	}{
		{"/header", nil, []loc{{"header", "X-API-Key"}}},
		{"/query", nil, []loc{{"query", "api_key"}}},
		{"/cookie", nil, []loc{{"cookie", "session"}}},
		{"/basic", nil, []loc{{"header", "Authorization"}}},
		{"/bearer", []string{"Authorization", "Basic dTpw"}, []loc{{"header", "Authorization"}}},
		{"/oauth", nil, []loc{{"header", "Authorization"}}},
		{"/oidc", nil, []loc{{"header", "Authorization"}}},
		{"/either", nil, []loc{{"header", "X-API-Key"}, {"query", "api_key"}, {"header", "Authorization"}}},
		{"/both", []string{"X-API-Key", "k"}, []loc{{"cookie", "session"}}},
		{"/both", nil, []loc{{"cookie", "session"}, {"header", "X-API-Key"}}}, // in scheme-name order
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			rec := do(h, "GET", tt.path, "", tt.headers...)
			require.Equal(t, 401, rec.Code, rec.Body.String())
			var p problem.Problem
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p))
			assert.Equal(t, problem.CodeAuthRequired, p.Code)
			var got []loc
			for _, it := range p.Errors {
				got = append(got, loc{it.In, it.Name})
				assert.NotEmpty(t, it.Message)
			}
			assert.Equal(t, tt.want, got, "the problem's errors")

			r := httptest.NewRequest("GET", tt.path, nil)
			for i := 0; i+1 < len(tt.headers); i += 2 {
				r.Header.Set(tt.headers[i], tt.headers[i+1])
			}
			rej := h.Check(r)
			require.NotNil(t, rej)
			got = nil
			for _, v := range rej.Violations {
				got = append(got, loc{v.In, v.Name})
			}
			assert.Equal(t, tt.want, got, "Check's violations: %s", rej)
		})
	}
}

// A requirement naming a scheme the spec never declares is the spec's
// mistake: it is reported as a warning and not checked, so requests are
// answered instead of refused (#15); declared schemes beside it still are.
func TestUndeclaredSecuritySchemeIsNotTheClientsFault(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: s, version: "1"}
security: [{nope: []}]
components:
  securitySchemes:
    hkey: {type: apiKey, in: header, name: X-Key}
paths:
  /open: {get: {responses: {"204": {description: ok}}}}
  /mixed: {get: {security: [{nope: [], hkey: []}], responses: {"204": {description: ok}}}}
`))
	require.NoError(t, err)
	var warned int
	for _, w := range doc.Warnings() {
		if w.Pointer == "/security/0/nope" || w.Pointer == "/paths/~1mixed/get/security/0/nope" {
			warned++
		}
	}
	assert.Equal(t, 2, warned, "%v", doc.Warnings())
	h, err := New(doc)
	require.NoError(t, err)
	for _, tc := range []struct {
		path   string
		header []string
		want   int
	}{
		{"/open", nil, 204},
		{"/mixed", nil, 401},
		{"/mixed", []string{"X-Key", "k"}, 204},
	} {
		r := httptest.NewRequest("GET", tc.path, nil)
		if tc.header != nil {
			r.Header.Set(tc.header[0], tc.header[1])
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		assert.Equal(t, tc.want, w.Code, "%s %v: %s", tc.path, tc.header, w.Body)
	}
}

// A requirement that puts two schemes in the one Authorization header (Azure
// Container Registry: http basic and an apiKey named Authorization, both
// required) cannot be met by any request: the header carrying either is
// enough. Schemes elsewhere are still all required.
func TestSchemesSharingAuthorizationNeedOne(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: s, version: "1"}
components:
  securitySchemes:
    basic: {type: http, scheme: basic}
    akey: {type: apiKey, in: header, name: Authorization}
    hkey: {type: apiKey, in: header, name: X-Key}
paths:
  /shared: {get: {security: [{basic: [], akey: []}], responses: {"204": {description: ok}}}}
  /plus: {get: {security: [{basic: [], akey: [], hkey: []}], responses: {"204": {description: ok}}}}
  /basic: {get: {security: [{basic: []}], responses: {"204": {description: ok}}}}
`))
	require.NoError(t, err)
	h, err := New(doc, WithoutState())
	require.NoError(t, err)
	tests := []struct {
		path    string
		headers []string
		want    int
	}{
		{"/shared", nil, 401},
		{"/shared", []string{"Authorization", "Basic dTpw"}, 204},
		{"/shared", []string{"Authorization", "key-1"}, 204},
		{"/plus", []string{"Authorization", "Basic dTpw"}, 401},
		{"/plus", []string{"Authorization", "key-1", "X-Key", "k"}, 204},
		{"/basic", []string{"Authorization", "key-1"}, 401},
		{"/basic", []string{"Authorization", "Basic dTpw"}, 204},
	}
	for _, tt := range tests {
		rec := do(h, "GET", tt.path, "", tt.headers...)
		assert.Equal(t, tt.want, rec.Code, "%s %v: %s", tt.path, tt.headers, rec.Body)
	}
}
