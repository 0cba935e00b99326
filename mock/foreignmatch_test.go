package mock

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/openapi"
)

// Two APIs that share a path but not its answer: a match one makes must not
// steer the other's handler.
const (
	foreignSpecA = `
openapi: 3.0.3
info: {title: a, version: "1"}
paths:
  /things/{id}:
    get:
      operationId: getThingA
      responses:
        "200": {description: ok, content: {application/json: {example: {from: a}}}}
`
	foreignSpecB = `
openapi: 3.0.3
info: {title: b, version: "2"}
paths:
  /things/{id}:
    get:
      operationId: getThingB
      responses:
        "200": {description: ok, content: {application/json: {example: {from: b}}}}
  /other:
    get:
      operationId: other
      responses:
        "200": {description: ok, content: {application/json: {example: {from: other}}}}
`
)

// A Match made by another document (another API, or another load of the
// same one) in the request's context is routed again against the handler's
// own document: never a 500 for a plan the handler does not have.
func TestForeignMatchIsRoutedAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	docA, err := openapi.Parse(ctx, []byte(foreignSpecA))
	require.NoError(t, err)
	docB, err := openapi.Parse(ctx, []byte(foreignSpecB))
	require.NoError(t, err)
	reloadB, err := openapi.Parse(ctx, []byte(foreignSpecB))
	require.NoError(t, err)
	h, err := New(docB, WithoutCORS())
	require.NoError(t, err)

	matchOf := func(doc *openapi.Document, target string) openapi.Match {
		m, err := doc.Match(httptest.NewRequest(http.MethodGet, target, nil))
		require.NoError(t, err)
		return m
	}
	tests := []struct {
		name   string
		target string
		stored openapi.Match
		status int
		body   string
	}{
		{"another API's match, same path", "/things/1", matchOf(docA, "/things/1"), http.StatusOK, `{"from":"b"}`},
		{"another load of the same API", "/things/1", matchOf(reloadB, "/things/1"), http.StatusOK, `{"from":"b"}`},
		{"another API's match, a path only this API has", "/other", matchOf(docA, "/things/1"), http.StatusOK, `{"from":"other"}`},
		{"another API's match, a path this API lacks", "/nowhere", matchOf(docA, "/things/1"), http.StatusNotFound, ""},
		{"a match built by hand", "/things/1", openapi.Match{Operation: docB.Operation("other")}, http.StatusOK, `{"from":"b"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tt.target, nil)
			req = req.WithContext(openapi.ContextWithMatch(req.Context(), tt.stored))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			require.Equal(t, tt.status, rec.Code, rec.Body.String())
			if tt.body != "" {
				assert.JSONEq(t, tt.body, rec.Body.String())
			}

			check := httptest.NewRequest(http.MethodGet, tt.target, nil)
			check = check.WithContext(openapi.ContextWithMatch(check.Context(), tt.stored))
			rej := h.Check(check)
			if tt.status == http.StatusOK {
				assert.Nil(t, rej)
			} else {
				require.NotNil(t, rej)
				assert.Equal(t, tt.status, rej.Status)
			}
		})
	}
}
