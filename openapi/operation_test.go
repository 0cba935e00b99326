package openapi

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const accessorSpec = `
openapi: 3.0.3
info: {title: Accessors, version: "1"}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-API-Key}
    oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: "https://a.example/token", scopes: {read: r}}}}
security: [{key: []}]
paths:
  /things/{id}:
    parameters:
      - {name: id, in: path, required: true, description: path level, schema: {type: string}}
      - {name: trace, in: header, schema: {type: string}}
    get:
      operationId: getThing
      tags: [things]
      parameters:
        - {name: trace, in: header, description: operation level, deprecated: true, schema: {type: string}}
      responses:
        default: {description: failed}
        "404": {description: missing}
        5XX: {description: broken}
        "200": {description: found, content: {application/xml: {}, application/json: {}}}
    put:
      operationId: putThing
      security: []
      requestBody: {content: {text/plain: {}}}
      responses: {"204": {description: stored}}
    delete:
      operationId: deleteThing
      security: [{oauth: [read]}, {}]
      responses: {"204": {description: gone}}
`

func TestOperationAccessors(t *testing.T) {
	t.Parallel()
	doc := loadString(t, accessorSpec)
	get, put, del := doc.Operation("getThing"), doc.Operation("putThing"), doc.Operation("deleteThing")
	require.NotNil(t, get)
	require.NotNil(t, put)
	require.NotNil(t, del)

	assert.Equal(t, []Parameter{
		{Name: "trace", In: "header", Description: "operation level", Deprecated: true},
		{Name: "id", In: "path", Description: "path level", Required: true},
	}, get.Parameters(), "the operation's own win over the path item's")

	assert.Equal(t, []Response{
		{Status: "200", Description: "found", ContentTypes: []string{"application/json", "application/xml"}},
		{Status: "404", Description: "missing"},
		{Status: "5XX", Description: "broken"},
		{Status: "default", Description: "failed"},
	}, get.Responses())
	assert.Nil(t, get.RequestBody())
	assert.Equal(t, &RequestBody{ContentTypes: []string{"text/plain"}}, put.RequestBody())

	tests := []struct {
		name string
		op   *Operation
		want []SecurityRequirement
	}{
		{"inherited from the document", get, []SecurityRequirement{{"key": {}}}},
		{"explicitly none", put, []SecurityRequirement{}},
		{"its own, with an anonymous alternative", del, []SecurityRequirement{{"oauth": {"read"}}, {}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.op.Security()
			assert.Equal(t, tt.want, got)
			assert.NotNil(t, got)
		})
	}
}

// What the accessors return is a copy: changing it changes nothing in the
// document the mock serves.
func TestOperationAccessorsReturnCopies(t *testing.T) {
	t.Parallel()
	doc := loadString(t, accessorSpec)
	op := doc.Operation("getThing")
	op.Tags()[0] = "changed"
	op.Security()[0]["key"] = []string{"admin"}
	op.Extensions()["x-added"] = true
	op.Parameters()[0].Name = "changed"
	op.Responses()[0].ContentTypes[0] = "changed"

	assert.Equal(t, []string{"things"}, op.Tags())
	assert.Equal(t, []SecurityRequirement{{"key": {}}}, op.Security())
	_, added := op.Extension("x-added")
	assert.False(t, added)
	assert.Equal(t, "trace", op.Parameters()[0].Name)
	assert.Equal(t, "application/json", op.Responses()[0].ContentTypes[0])
	assert.Empty(t, doc.Kin().Security[0]["key"])
}

// An Operation or Document not made by a loader answers with zero values
// instead of panicking.
func TestZeroValuesAnswer(t *testing.T) {
	t.Parallel()
	var op Operation
	assert.Empty(t, op.Summary())
	assert.Empty(t, op.Tags())
	assert.Empty(t, op.Parameters())
	assert.NotNil(t, op.Extensions())
	assert.Nil(t, op.Security())
	assert.Nil(t, op.RequestBody())
	assert.Nil(t, op.Responses())
	_, ok := op.Extension("x-a")
	assert.False(t, ok)
	assert.Nil(t, op.Kin())
	var doc Document
	assert.Equal(t, Info{}, doc.Info())
	assert.Nil(t, doc.Kin())
}
