package mock

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/openapi"
)

// answersValidate asks every operation of spec at the given target paths,
// for several seeds, static and dynamic, and checks each answer against the
// spec with the strict format checks of this package's tests (#15).
func answersValidate(t *testing.T, spec string, targets map[string]string) {
	t.Helper()
	doc, err := openapi.Parse(context.Background(), []byte(spec))
	require.NoError(t, err)
	for seed := int64(1); seed <= 40; seed++ {
		for _, dynamic := range []bool{false, true} {
			opts := []Option{WithSeed(seed), WithoutState()}
			if dynamic {
				opts = append(opts, WithDynamic())
			}
			h, err := New(doc, opts...)
			require.NoError(t, err)
			for _, op := range doc.Operations() {
				target, ok := targets[op.Method+" "+op.Path]
				require.True(t, ok, "no target for %s %s", op.Method, op.Path)
				req := httptest.NewRequest(op.Method, target, nil)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				require.Less(t, rec.Code, 300, "seed %d %s: %s", seed, target, rec.Body)
				assert.True(t, validateResponse(t, doc, op, httptest.NewRequest(op.Method, target, nil), rec), "checked")
			}
		}
	}
}

// Branches of a oneOf that differ only by the optional property each
// declares accept each other's objects, so a value of one matches several
// and a strict validator refuses it. The answer excludes the other
// branches with a property they refuse (#15).
func TestOverlappingOneOfAnswersMatchOneBranch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, schemas string
	}{
		{"properties only (docker)", `
    Answer: {oneOf: [{$ref: '#/components/schemas/MonthData'}, {$ref: '#/components/schemas/WeekData'}]}
    MonthData: {properties: {months: {type: array, items: {type: object, properties: {month: {type: integer}}}}}}
    WeekData: {properties: {weeks: {type: array, items: {type: object, properties: {week: {type: integer}}}}}}`},
		{"oneOf in allOf (intellifi)", `
    Answer:
      allOf:
        - {type: object, properties: {id: {type: string, format: uuid}, url: {type: string, format: uri}}}
        - oneOf:
            - {type: object, properties: {location: {type: object, properties: {name: {type: string}}}}}
            - {type: object, properties: {location_id: {type: string}}}
            - {type: object, properties: {location_url: {type: string, format: uri}}}`},
		{"branches built with allOf", `
    Answer: {oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]}
    Base: {type: object, required: [kind], properties: {kind: {type: string}}}
    A: {allOf: [{$ref: '#/components/schemas/Base'}, {properties: {a: {type: integer}}}]}
    B: {allOf: [{$ref: '#/components/schemas/Base'}, {properties: {b: {type: boolean}}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			answersValidate(t, `
openapi: 3.0.3
info: {title: o, version: "1"}
paths:
  /answer:
    get:
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Answer'}}}
components:
  schemas:`+tt.schemas+"\n", map[string]string{"GET /answer": "/answer"})
		})
	}
}
