package mocktest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock/mocktest"
	"github.com/mockapi-go/mockapi/mock/rules"
)

const dynSpec = `
openapi: 3.0.3
info: {title: Dyn, version: "1"}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        "200":
          description: A pet.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
              examples:
                rex: {value: {id: 1, name: Rex}}
        "404":
          description: No such pet.
  /pets:
    post:
      operationId: createPet
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [name], properties: {name: {type: string}}}
      responses:
        "201":
          description: Created.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
  /events:
    get:
      operationId: events
      responses:
        "200":
          description: events
          content:
            application/x-ndjson:
              schema: {type: object, required: [n], properties: {n: {type: integer, minimum: 1}}}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string, minLength: 1}
`

func TestRuleStubs(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	var srv *mocktest.Server
	require.True(t, f.run(func() {
		srv = mocktest.New(f, mocktest.Bytes([]byte(dynSpec)))
		srv.On("getPet", mocktest.Rule(rules.Rule{When: []rules.Condition{{In: "path", Name: "id", Equals: 0}}, Status: 404}))
		srv.On("getPet", mocktest.Rule(rules.Rule{When: []rules.Condition{{In: "path", Name: "id", Equals: 7}},
			Body: map[string]any{"id": "{{request.path.id}}", "name": "Seven"}}))
		srv.On("createPet", mocktest.ReplyTemplate(201, map[string]any{"id": 9, "name": "{{request.body.name}}"}))
	}))
	for _, tc := range []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"GET", "/pets/0", "", 404, ""},
		{"GET", "/pets/7", "", 200, `{"id":7,"name":"Seven"}`},
		{"GET", "/pets/1", "", 200, `{"id":1,"name":"Rex"}`}, // no rule holds: the spec's example
		{"POST", "/pets", `{"name":"Bella"}`, 201, `{"id":9,"name":"Bella"}`},
	} {
		status, body := do(t, srv, tc.method, tc.path, tc.body)
		assert.Equal(t, tc.status, status, tc.path)
		if tc.want != "" {
			assert.JSONEq(t, tc.want, body, tc.path)
		}
	}
	f.end()
	assert.False(t, f.failed(), f.report())
}

// A rule or template the spec refuses fails the test: at On when it can be
// told then, else when the rendered answer breaks the spec.
func TestRuleStubsAreHeldToTheSpec(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		stub func(srv *mocktest.Server)
		call func(t *testing.T, srv *mocktest.Server)
		want string
	}{
		{name: "undeclared status",
			stub: func(srv *mocktest.Server) { srv.On("getPet", mocktest.Rule(rules.Rule{Status: 418})) },
			want: "status 418 is not declared"},
		{name: "body the schema refuses",
			stub: func(srv *mocktest.Server) {
				srv.On("getPet", mocktest.Rule(rules.Rule{Body: map[string]any{"id": "seven", "name": "x"}}))
			},
			want: "breaks the spec"},
		{name: "rendered body the schema refuses",
			stub: func(srv *mocktest.Server) {
				srv.On("createPet", mocktest.ReplyTemplate(201, map[string]any{"id": 1, "name": "{{request.body.name}}"}))
			},
			call: func(t *testing.T, srv *mocktest.Server) {
				status, _ := do(t, srv, "POST", "/pets", `{"name":""}`) // minLength 1 in the answer
				assert.Equal(t, http.StatusInternalServerError, status)
			},
			want: "rendered body breaks the spec"},
		{name: "stream item the schema refuses",
			stub: func(srv *mocktest.Server) {
				srv.On("events", mocktest.ReplyStream(200, 0, map[string]any{"n": 1}, map[string]any{"n": 0}))
			},
			want: "item 1 breaks the item schema"},
		{name: "stream where none is declared",
			stub: func(srv *mocktest.Server) { srv.On("getPet", mocktest.ReplyStream(200, 0, 1)) },
			want: "declares no streaming media type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			var srv *mocktest.Server
			f.run(func() {
				srv = mocktest.New(f, mocktest.Bytes([]byte(dynSpec)))
				tc.stub(srv)
			})
			if tc.call != nil {
				tc.call(t, srv)
			}
			f.end()
			require.True(t, f.failed())
			assert.Contains(t, f.report(), tc.want)
		})
	}
}

func TestReplyStream(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	var srv *mocktest.Server
	require.True(t, f.run(func() {
		srv = mocktest.New(f, mocktest.Bytes([]byte(dynSpec)))
		srv.On("events", mocktest.ReplyStream(200, time.Millisecond, map[string]any{"n": 1}, map[string]any{"n": 2}, map[string]any{"n": 3}))
	}))
	status, body := do(t, srv, "GET", "/events", "")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, []string{`{"n":1}`, `{"n":2}`, `{"n":3}`}, strings.Split(strings.TrimSuffix(body, "\n"), "\n"))
	f.end()
	assert.False(t, f.failed(), f.report())
}
