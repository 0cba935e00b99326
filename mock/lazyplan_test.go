package mock

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/openapi"
)

// lazySpec has an operation whose only example contradicts its schema, and
// a collection whose list example seeds its records.
const lazySpec = `
openapi: 3.0.3
info: {title: lazy, version: "1"}
paths:
  /bad:
    get:
      operationId: getBad
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, required: [n], properties: {n: {type: integer}}}
              example: {n: "not a number"}
  /good:
    get:
      operationId: getGood
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {n: {type: integer}}}
              example: {n: 7}
  /pets:
    get:
      operationId: listPets
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
              example: [{id: 41, name: Rex}]
  /pets/{id}:
    get:
      operationId: getPet
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties: {id: {type: integer}, name: {type: string}}
`

func compiledOps(h *Handler) []string {
	var out []string
	for _, op := range h.doc.Operations() {
		s := h.plans[op]
		done := false
		s.once.Do(func() { done = true }) // a slot not compiled yet is spent here: tests only look once
		if !done {
			out = append(out, op.ID)
		}
	}
	return out
}

// TestPlansCompileOnFirstUse: New compiles no operation; a request compiles
// only its own, and the example that contradicts its schema is never
// served, whichever comes first: the request or Warnings.
func TestPlansCompileOnFirstUse(t *testing.T) {
	for _, warnFirst := range []bool{false, true} {
		t.Run(map[bool]string{false: "request first", true: "warnings first"}[warnFirst], func(t *testing.T) {
			doc, err := openapi.Parse(context.Background(), []byte(lazySpec))
			require.NoError(t, err)
			h, err := New(doc, WithSeed(1))
			require.NoError(t, err)
			if warnFirst {
				ws := h.Warnings()
				require.Len(t, ws, 1)
				assert.Equal(t, "/paths/~1bad/get/responses/200/content/application~1json/example", ws[0].Pointer)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/bad", nil))
			require.Equal(t, http.StatusOK, rec.Code)
			assert.NotContains(t, rec.Body.String(), "not a number", "the invalid example is never served")
			if !warnFirst {
				assert.Equal(t, []string{"getBad"}, compiledOps(h), "only the operation called is compiled")
				assert.Len(t, h.Warnings(), 1, "Warnings compiles the rest and lists the invalid example once")
			}
		})
	}
}

// TestResourceExamplesFoundOnFirstSeed: a collection inferred at New takes
// its seed records from the list's example, which is compiled only when the
// collection is first read.
func TestResourceExamplesFoundOnFirstSeed(t *testing.T) {
	doc, err := openapi.Parse(context.Background(), []byte(lazySpec))
	require.NoError(t, err)
	h, err := New(doc, WithSeed(1))
	require.NoError(t, err)
	assert.Equal(t, ActionList, h.Action("listPets"))
	assert.Empty(t, compiledOps(h), "New infers collections without compiling operations")

	doc, err = openapi.Parse(context.Background(), []byte(lazySpec))
	require.NoError(t, err)
	h, err = New(doc, WithSeed(1))
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/pets/41", nil))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.JSONEq(t, `{"id": 41, "name": "Rex"}`, rec.Body.String())
}

// TestPlanCompiledOnceUnderRace: requests racing for an operation not yet
// compiled share one plan.
func TestPlanCompiledOnceUnderRace(t *testing.T) {
	doc, err := openapi.Parse(context.Background(), []byte(lazySpec))
	require.NoError(t, err)
	h, err := New(doc, WithSeed(1))
	require.NoError(t, err)
	op := doc.Operation("getGood")
	plans := make([]*opPlan, 8)
	var wg sync.WaitGroup
	for i := range plans {
		wg.Go(func() { plans[i] = h.plan(op) })
	}
	wg.Go(func() { _ = h.Warnings() })
	wg.Wait()
	for _, p := range plans {
		assert.Same(t, plans[0], p)
	}
	assert.Len(t, h.Warnings(), 1)
}
