package mock_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/mock/rules"
	"github.com/mockapi-go/mockapi/openapi"
)

const rulesSpec = `openapi: 3.0.3
info: {title: Rules, version: "1"}
paths:
  /pets:
    post:
      operationId: createPet
      x-mock-rules:
        - name: taken
          when: [{in: body, pointer: /name, equals: Taken}]
          status: 409
        - name: echo
          when: [{in: body, pointer: /name, exists: true}]
          status: 201
          headers: {X-Echo: "{{request.body.name}}"}
          body: {id: 99, name: "{{request.body.name}}"}
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [name], properties: {name: {type: string}}}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
        "409":
          description: taken
          content:
            application/json:
              schema: {type: object, properties: {message: {type: string}}}
              example: {message: that name is taken}
  /pets/{petId}:
    get:
      operationId: getPet
      x-mock-rules:
        - name: no pet zero
          when: [{in: path, name: petId, equals: 0}]
          status: 404
          example: gone
        - name: pro
          when: [{in: header, name: X-Plan, regex: "^pro"}]
          body: {id: "{{request.path.petId}}", name: "Pro pet"}
        - name: contradicts the spec
          when: [{in: query, name: bad, exists: true}]
          status: 418
      parameters:
        - {name: petId, in: path, required: true, schema: {type: integer, minimum: 0}}
        - {name: bad, in: query, schema: {type: string}}
      responses:
        "200":
          description: a pet
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
              example: {id: 1, name: Spec}
        "404":
          description: no such pet
          content:
            application/json:
              schema: {type: object, properties: {message: {type: string}}}
              examples:
                gone: {value: {message: gone}}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      additionalProperties: false
      properties:
        id: {type: integer}
        name: {type: string}
`

func rulesHandler(t *testing.T, opts ...mock.Option) *mock.Handler {
	t.Helper()
	doc, err := openapi.Parse(context.Background(), []byte(rulesSpec))
	require.NoError(t, err)
	// Stateless: the spec's example is the answer when no rule holds.
	h, err := mock.New(doc, append([]mock.Option{mock.WithSeed(1), mock.WithoutState()}, opts...)...)
	require.NoError(t, err)
	return h
}

func TestSpecRules(t *testing.T) {
	t.Parallel()
	h := rulesHandler(t)
	tests := []struct {
		name, method, target, body string
		headers                    []string
		status                     int
		want                       string // JSON the body equals
		header                     [2]string
	}{
		{name: "example by rule", method: "GET", target: "/pets/0", status: 404, want: `{"message":"gone"}`},
		{name: "templated body typed by the parameter", method: "GET", target: "/pets/42", headers: []string{"X-Plan", "pro-annual"}, status: 200, want: `{"id":42,"name":"Pro pet"}`},
		{name: "no rule holds: the spec answers", method: "GET", target: "/pets/5", status: 200, want: `{"id":1,"name":"Spec"}`},
		{name: "a rule that contradicts the spec is not used", method: "GET", target: "/pets/5?bad=1", status: 200, want: `{"id":1,"name":"Spec"}`},
		{name: "Prefer skips the rules", method: "GET", target: "/pets/0", headers: []string{"Prefer", "code=200"}, status: 200, want: `{"id":1,"name":"Spec"}`},
		{name: "body condition, the status's own answer", method: "POST", target: "/pets", body: `{"name":"Taken"}`, status: 409, want: `{"message":"that name is taken"}`},
		{name: "echo with a header", method: "POST", target: "/pets", body: `{"name":"Rex"}`, status: 201, want: `{"id":99,"name":"Rex"}`, header: [2]string{"X-Echo", "Rex"}},
		{name: "invalid requests never reach the rules", method: "GET", target: "/pets/-1", status: 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			for i := 0; i+1 < len(tc.headers); i += 2 {
				req.Header.Set(tc.headers[i], tc.headers[i+1])
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			if tc.want != "" {
				assert.JSONEq(t, tc.want, rec.Body.String())
			}
			if tc.header[0] != "" {
				assert.Equal(t, tc.header[1], rec.Header().Get(tc.header[0]))
			}
		})
	}
	var found bool
	for _, w := range h.Warnings() {
		if strings.Contains(w.Pointer, "x-mock-rules/2") {
			found = true
			assert.Contains(t, w.Message, "status 418 is not declared")
		}
	}
	assert.True(t, found, "the contradicting rule is reported with its location: %v", h.Warnings())
}

func TestWithRules(t *testing.T) {
	t.Parallel()
	t.Run("after the spec's rules", func(t *testing.T) {
		h := rulesHandler(t, mock.WithRules("getPet", rules.Rule{
			Name: "seven", When: []rules.Condition{{In: "path", Name: "petId", Equals: 7}},
			Body: map[string]any{"id": 7, "name": "{{faker.firstname}}"},
		}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/pets/7", nil))
		require.Equal(t, 200, rec.Code, rec.Body.String())
		var pet struct {
			ID   int
			Name string
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &pet))
		assert.Equal(t, 7, pet.ID)
		assert.NotEmpty(t, pet.Name)
		again := httptest.NewRecorder()
		h.ServeHTTP(again, httptest.NewRequest("GET", "/pets/7", nil))
		assert.Equal(t, rec.Body.String(), again.Body.String(), "deterministic under the seed")
	})
	t.Run("a rendered body the spec refuses is a located 500", func(t *testing.T) {
		h := rulesHandler(t, mock.WithRules("getPet", rules.Rule{
			Name: "bad echo", Body: map[string]any{"id": "{{request.query.bad}}", "name": "x"},
		}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/pets/3?bad=notanumber", nil))
		assert.Equal(t, 500, rec.Code)
		assert.Contains(t, rec.Body.String(), `bad echo`)
		assert.Contains(t, rec.Body.String(), `/id`)
	})
	for _, tc := range []struct {
		name string
		op   string
		r    rules.Rule
		want string
	}{
		{"unknown operation", "deletePet", rules.Rule{}, "no such operation"},
		{"undeclared status", "getPet", rules.Rule{Status: 500}, "status 500 is not declared"},
		{"unknown example", "getPet", rules.Rule{Status: 404, Example: "nope"}, "no example"},
		{"body the schema refuses", "getPet", rules.Rule{Body: map[string]any{"id": "x"}}, "breaks the spec"},
		{"bad condition", "getPet", rules.Rule{When: []rules.Condition{{In: "path"}}}, "needs a name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := openapi.Parse(context.Background(), []byte(rulesSpec))
			require.NoError(t, err)
			_, err = mock.New(doc, mock.WithRules(tc.op, tc.r))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// Rules come before the stateful answer too.
func TestRulesBeforeState(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(rulesSpec))
	require.NoError(t, err)
	h, err := mock.New(doc, mock.WithSeed(1))
	require.NoError(t, err)
	require.Equal(t, mock.ActionGet, h.Action("getPet"), "getPet is stateful")
	req := httptest.NewRequest("GET", "/pets/1", nil)
	req.Header.Set("X-Plan", "pro")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, 200, rec.Code)
	assert.JSONEq(t, `{"id":1,"name":"Pro pet"}`, rec.Body.String(), "the rule, not the stored record")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/pets/1", nil))
	assert.NotContains(t, rec.Body.String(), "Pro pet")
	assert.Equal(t, 200, rec.Code, "no rule holds: the seeded record")
}

// The exported rule entry points: an uncompiled rule matches nothing and
// is not served; a compiled one is checked, matched and served as a spec
// rule would be.
func TestServeRuleFromOutside(t *testing.T) {
	t.Parallel()
	h := rulesHandler(t)
	op := h.Document().Lookup("getPet")
	require.NotNil(t, op)
	rule := &rules.Rule{When: []rules.Condition{{In: "path", Name: "petId", Equals: 5}},
		Body: map[string]any{"id": "{{request.path.petId}}", "name": "Five"}}
	req := func(path string) *http.Request { return httptest.NewRequest("GET", path, nil) }

	assert.False(t, h.RuleMatches(req("/pets/5"), rule), "not compiled: matches nothing")
	assert.Error(t, h.ServeRule(httptest.NewRecorder(), req("/pets/5"), rule))

	require.NoError(t, h.CheckRule(op, rule))
	assert.True(t, h.RuleMatches(req("/pets/5"), rule))
	assert.False(t, h.RuleMatches(req("/pets/6"), rule))
	assert.False(t, h.RuleMatches(req("/nowhere"), rule), "no operation: no match")
	rec := httptest.NewRecorder()
	require.NoError(t, h.ServeRule(rec, req("/pets/5"), rule))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.JSONEq(t, `{"id":5,"name":"Five"}`, rec.Body.String())

	assert.Error(t, h.CheckRule(op, &rules.Rule{Status: 418}), "an undeclared status")
	assert.Error(t, h.CheckRule(nil, rule))
	bad := &rules.Rule{Body: map[string]any{"id": "{{request.query.x}}", "name": "x"}}
	require.NoError(t, h.CheckRule(op, bad))
	rec = httptest.NewRecorder()
	assert.Error(t, h.ServeRule(rec, req("/pets/5"), bad), "the template has no value")
	assert.Zero(t, rec.Body.Len(), "nothing written")
}
