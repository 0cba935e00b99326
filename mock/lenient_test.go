package mock

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/openapi"
)

// A parameter whose style the spec pairs with a type it does not apply to
// (deepObject on an array, as in Stripe's expand) is the spec's mistake:
// the request is answered, not refused with 400 (#15). What the validator
// can judge is still judged.
func TestMismatchedParameterStyleIsNotTheClientsFault(t *testing.T) {
	const spec = `
openapi: 3.0.3
info: {title: styles, version: "1"}
paths:
  /secrets:
    get:
      parameters:
        - {name: expand, in: query, style: deepObject, explode: true, schema: {type: array, items: {type: string}}}
        - {name: limit, in: query, schema: {type: integer, maximum: 10}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {ok: {type: boolean}}}
`
	doc, err := openapi.Parse(context.Background(), []byte(spec))
	require.NoError(t, err)
	h, err := New(doc, WithoutState(), WithSelfCheck())
	require.NoError(t, err)
	tests := []struct {
		target string
		want   int
	}{
		{"/secrets?expand[]=data", 200},
		{"/secrets?expand=data&expand=more", 200},
		{"/secrets?expand[0]=data&limit=5", 200},
		{"/secrets?limit=50", 400},
	}
	for _, tt := range tests {
		rec := do(h, "GET", tt.target, "")
		assert.Equal(t, tt.want, rec.Code, "%s: %s", tt.target, rec.Body.String())
	}
}
