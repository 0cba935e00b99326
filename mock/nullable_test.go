package mock

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/openapi"
)

// In a 3.1 document "nullable: true" means nothing to a 3.1 validator, so
// an answer that holds null for it is refused by strict clients. The mock
// is conservative in what it sends (never null for it) and liberal in what
// it accepts (a request may send null) (#15).
func TestNullableIn31(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.1.0
info: {title: n, version: "1"}
paths:
  /things:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [name, kind, tags]
                properties:
                  name: {type: string, nullable: true}
                  kind: {type: string, enum: [a, b], nullable: true}
                  tags: {type: array, nullable: true, items: {type: string}}
                  real: {type: [string, "null"]}
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                name: {type: string, nullable: true}
      responses:
        "204": {description: ok}
`))
	require.NoError(t, err)
	h, err := New(doc, WithoutState(), WithDynamic())
	require.NoError(t, err)
	realNull := false
	for seed := range 200 {
		h2, err := New(doc, WithoutState(), WithSeed(int64(seed)), WithDynamic())
		require.NoError(t, err)
		w := httptest.NewRecorder()
		h2.ServeHTTP(w, httptest.NewRequest("GET", "/things", nil))
		require.Equal(t, 200, w.Code)
		var got map[string]any
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got))
		for _, k := range []string{"name", "kind", "tags"} {
			require.NotNil(t, got[k], "seed %d: %s is null: %s", seed, k, w.Body)
		}
		if v, ok := got["real"]; ok && v == nil {
			realNull = true
		}
	}
	assert.True(t, realNull, "a null the author wrote as a type is still served sometimes")

	w := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/things", strings.NewReader(`{"name": null}`))
	r.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(w, r)
	assert.Equal(t, 204, w.Code, "a request may send null: %s", w.Body)
}
