package openapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"testing/fstest"

	"github.com/mockapi-go/mockapi/openapi"
)

const petstore = `
openapi: 3.1.0
info: {title: Pets, version: "1"}
servers: [{url: "https://api.example.com/{version}", variables: {version: {default: v2}}}]
paths:
  /pets/{petId}:
    get:
      operationId: getPet
      summary: Get a pet
      responses: {"200": {description: ok}}
  /pets/mine:
    get:
      responses: {"200": {description: ok}}
`

func ExampleParse() {
	doc, err := openapi.Parse(context.Background(), []byte(petstore))
	if err != nil {
		panic(err)
	}
	for _, op := range doc.Operations() {
		fmt.Println(op.Method, op.BasePaths[0]+op.Path, op.ID)
	}
	// Output:
	// GET /v2/pets/mine getPetsMine
	// GET /v2/pets/{petId} getPet
}

func ExampleRouter_Find() {
	doc, err := openapi.Parse(context.Background(), []byte(petstore))
	if err != nil {
		panic(err)
	}
	m, err := doc.Router().Find(httptest.NewRequest("GET", "/v2/pets/rex%20jr", nil))
	if err != nil {
		panic(err)
	}
	id, _ := m.Param("petId")
	fmt.Println(m.Operation.ID, id)

	_, err = doc.Router().Find(httptest.NewRequest("DELETE", "/v2/pets/rex", nil))
	var mna *openapi.MethodNotAllowedError
	fmt.Println(errors.As(err, &mna), mna.Allowed)
	// Output:
	// getPet rex jr
	// true [GET HEAD]
}

func ExampleLoadFS() {
	fsys := fstest.MapFS{
		"api/openapi.yaml": {Data: []byte(`
openapi: 3.0.3
info: {title: Split, version: "1"}
paths:
  /things:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "schemas.yaml#/Thing"}
`)},
		"api/schemas.yaml": {Data: []byte("Thing: {type: object, properties: {name: {type: string}}}\n")},
	}
	doc, err := openapi.LoadFS(context.Background(), fsys, "api/openapi.yaml")
	if err != nil {
		panic(err)
	}
	op := doc.Operation("getThings")
	// Schemas are reached through the kin-openapi escape hatch (read-only).
	schema := op.Kin().Responses.Status(200).Value.Content.Get("application/json").Schema.Value
	fmt.Println(op.ID, schema.Properties["name"].Value.Type.Slice())
	// Output:
	// getThings [string]
}

func ExampleLoadError() {
	_, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: Broken, version: "1"}
paths:
  /pets:
    get:
      responses:
        "200": {$ref: "#/components/responses/Nope"}
`), openapi.WithName("broken.yaml"))
	var le *openapi.LoadError
	fmt.Println(errors.As(err, &le), le.Line)
	fmt.Println(err)
	// Output:
	// true 8
	// openapi: broken.yaml:8: paths./pets.get.responses.200.$ref: $ref "#/components/responses/Nope" not found
}

func ExampleDocument_Match() {
	doc, err := openapi.Parse(context.Background(), []byte(petstore))
	if err != nil {
		panic(err)
	}
	// Middleware routes once and stores the match; later stages reuse it.
	req := httptest.NewRequest("GET", "/v2/pets/7", nil)
	m, err := doc.Match(req)
	if err != nil {
		panic(err)
	}
	req = req.WithContext(openapi.ContextWithMatch(req.Context(), m))
	again, _ := doc.Match(req)
	fmt.Println(again.Operation.ID)

	// A match another document made is not reused: the request is routed
	// again against this one.
	other, err := openapi.Parse(context.Background(), []byte(petstore))
	if err != nil {
		panic(err)
	}
	mine, _ := other.Match(req)
	fmt.Println(mine.Document() == other, mine.Document() == doc)
	// Output:
	// getPet
	// true false
}

func ExampleOperation() {
	doc, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: Pets, version: "2.1"}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-API-Key}
security: [{key: []}]
paths:
  /pets/{petId}:
    parameters: [{name: petId, in: path, required: true, schema: {type: string}}]
    put:
      operationId: putPet
      summary: Replace a pet
      tags: [pets]
      deprecated: true
      x-mock-visibility: public
      parameters: [{name: dryRun, in: query, schema: {type: boolean}}]
      requestBody:
        required: true
        content: {application/json: {schema: {type: object}}}
      responses:
        "200": {description: replaced, content: {application/json: {schema: {type: object}}}}
        4XX: {description: refused}
        default: {description: failed}
`))
	if err != nil {
		panic(err)
	}
	fmt.Println(doc.Info().Title, doc.Info().Version)
	op := doc.Operation("putPet")
	fmt.Println(op, op.Summary(), op.Tags(), op.Deprecated())
	for _, p := range op.Parameters() {
		fmt.Println(p.In, p.Name, p.Required)
	}
	fmt.Println(op.Security())
	fmt.Println(op.RequestBody().Required, op.RequestBody().ContentTypes)
	for _, r := range op.Responses() {
		fmt.Println(r.Status, r.Description, r.ContentTypes)
	}
	v, _ := op.Extension("x-mock-visibility")
	fmt.Println(v)
	// Output:
	// Pets 2.1
	// PUT /pets/{petId} Replace a pet [pets] true
	// query dryRun false
	// path petId true
	// [map[key:[]]]
	// true [application/json]
	// 200 replaced [application/json]
	// 4XX refused []
	// default failed []
	// public
}

func ExampleDocument_Kin() {
	doc, err := openapi.Parse(context.Background(), []byte(petstore))
	if err != nil {
		panic(err)
	}
	// The kin-openapi document, for what Document does not offer. It is
	// outside the v1 compatibility promise and must not be modified.
	t := doc.Kin()
	fmt.Println(t.OpenAPI, t.Servers[0].URL)
	// Output:
	// 3.1.0 https://api.example.com/{version}
}
