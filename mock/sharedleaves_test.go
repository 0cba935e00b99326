package mock

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/openapi"
)

// sharedLeavesSpec has two schemas whose properties are equal leaf schemas,
// which the loader decodes to one Schema: one with an example that
// contradicts it, one with a valid example.
const sharedLeavesSpec = `
openapi: 3.0.3
info: {title: shared, version: "1"}
paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/A"}
  /b:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/B"}
components:
  schemas:
    A:
      type: object
      required: [bad, good]
      properties: {bad: {type: integer, example: "not a number"}, good: {type: integer, example: 7}}
    B:
      type: object
      required: [bad, good]
      properties: {bad: {type: integer, example: "not a number"}, good: {type: integer, example: 7}}
`

// TestSharedLeavesServedAlike: every occurrence of a leaf schema shared by
// the loader is served as if it were its own: the contradicting example
// nowhere, the valid one everywhere.
func TestSharedLeavesServedAlike(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(sharedLeavesSpec))
	require.NoError(t, err)
	schemas := doc.Kin().Components.Schemas
	require.Same(t, schemas["A"].Value.Properties["bad"].Value, schemas["B"].Value.Properties["bad"].Value, "the loader shares equal leaves")
	h, err := New(doc, WithoutState(), WithSeed(1))
	require.NoError(t, err)
	for _, path := range []string{"/a", "/b"} {
		t.Run(path, func(t *testing.T) {
			rec := do(h, http.MethodGet, path, "")
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			var body map[string]any
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
			assert.IsType(t, float64(0), body["bad"], "the contradicting example is never served")
			assert.Equal(t, float64(7), body["good"])
		})
	}
}
