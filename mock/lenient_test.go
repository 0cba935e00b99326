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

// A path parameter the template does not hold cannot be sent: its absence
// is the spec's mistake and the request is answered (#15).
func TestPathParameterMissingFromTemplate(t *testing.T) {
	const spec = `
openapi: 3.0.3
info: {title: weather, version: "1"}
paths:
  /alerts:
    get:
      parameters:
        - {name: lat, in: path, required: true, schema: {type: number}}
        - {name: units, in: query, schema: {type: string, enum: [M, I]}}
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
	assert.Equal(t, 200, do(h, "GET", "/alerts", "").Code)
	assert.Equal(t, 200, do(h, "GET", "/alerts?units=M", "").Code)
	assert.Equal(t, 400, do(h, "GET", "/alerts?units=X", "").Code, "what the client got wrong is still refused")
}

// A list operation's own query parameter named like a paging control
// (page, limit, offset) but not an integer is the API's, not the mock's:
// a value validation accepted is not refused (#15).
func TestDeclaredPagingParameterIsTheAPIs(t *testing.T) {
	const spec = `
openapi: 3.0.3
info: {title: orders, version: "1"}
paths:
  /orders:
    get:
      parameters:
        - {name: page, in: query, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Order'}}
  /orders/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Order'}
components:
  schemas:
    Order:
      type: object
      properties: {id: {type: string}, total: {type: number}}
`
	doc, err := openapi.Parse(context.Background(), []byte(spec))
	require.NoError(t, err)
	h, err := New(doc, WithSelfCheck())
	require.NoError(t, err)
	assert.Equal(t, 200, do(h, "GET", "/orders?page=content", "").Code)
	assert.Equal(t, 200, do(h, "GET", "/orders?page=2", "").Code)
	assert.Equal(t, 400, do(h, "GET", "/orders?_limit=many", "").Code, "an undeclared control is still the mock's to refuse")
}

// A response declared under a name that is not a media type ("PDF",
// "Promotion") is answered with that name as Content-Type, the only one a
// validator finds it by, whatever the client accepts; a wildcard such as
// audio/* is answered with a concrete type it covers (#15).
func TestDeclaredMediaNamesThatAreNotMediaTypes(t *testing.T) {
	const spec = `
openapi: 3.0.3
info: {title: media, version: "1"}
paths:
  /report:
    get:
      responses:
        "200":
          description: ok
          content:
            PDF: {schema: {type: string, format: binary}}
  /promotion:
    get:
      responses:
        "200":
          description: ok
          content:
            Promotion: {example: {id: 1}}
  /stream:
    get:
      responses:
        "200":
          description: ok
          content:
            audio/*: {schema: {type: string, format: binary}}
`
	doc, err := openapi.Parse(context.Background(), []byte(spec))
	require.NoError(t, err)
	h, err := New(doc, WithoutState())
	require.NoError(t, err)
	tests := []struct {
		path, accept, want string
	}{
		{"/report", "", "PDF"},
		{"/report", "application/pdf", "PDF"},
		{"/promotion", "application/json", "Promotion"},
		{"/stream", "", "audio/mpeg"},
		{"/stream", "audio/*", "audio/mpeg"},
	}
	for _, tt := range tests {
		rec := do(h, "GET", tt.path, "", "Accept", tt.accept)
		assert.Equal(t, 200, rec.Code, "%s %s: %s", tt.path, tt.accept, rec.Body.String())
		assert.Equal(t, tt.want, rec.Header().Get("Content-Type"), "%s %s", tt.path, tt.accept)
	}
}
