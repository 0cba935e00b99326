package mock

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/openapi"
)

// In the default, static mode an answer built from the schema shows each
// property's example on every call, seeded or not; dynamic mode varies
// (#15: "ok" once and a random word the next time).
func TestStaticAnswersUseExamplesEveryTime(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: ex, version: "1"}
paths:
  /status:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [state, code, free]
                properties:
                  state: {type: string, example: ok}
                  code: {type: integer, examples: [7, 8]}
                  level: {type: string, default: info}
                  free: {type: string}
`))
	require.NoError(t, err)
	get := func(h *Handler, dynamic bool) map[string]any {
		r := httptest.NewRequest("GET", "/status", nil)
		if dynamic {
			r.Header.Set("Prefer", "dynamic=true")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		require.Equal(t, 200, w.Code)
		var m map[string]any
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &m))
		return m
	}
	unseeded, err := New(doc, WithoutState())
	require.NoError(t, err)
	states := map[any]bool{}
	for seed := range int64(30) {
		seeded, err := New(doc, WithoutState(), WithSeed(seed))
		require.NoError(t, err)
		for _, h := range []*Handler{unseeded, seeded} {
			m := get(h, false)
			assert.Equal(t, "ok", m["state"])
			assert.EqualValues(t, 7, m["code"], "the first of a property's examples")
			if v, ok := m["level"]; ok {
				assert.Equal(t, "info", v)
			}
		}
		states[get(seeded, true)["state"]] = true
	}
	assert.Greater(t, len(states), 1, "dynamic answers vary")
}
