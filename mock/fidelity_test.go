package mock

import (
	"context"
	"net/http/httptest"
	"strings"
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
		{"one branch's properties all in the other (vonage)", `
    Answer: {oneOf: [{$ref: '#/components/schemas/Ok'}, {$ref: '#/components/schemas/Failed'}]}
    Ok: {type: object, properties: {request_id: {type: string, maxLength: 32, example: abc}, status: {type: string, example: "0"}}}
    Failed:
      type: object
      properties:
        request_id: {type: string, maxLength: 32, example: ""}
        status: {type: string, example: "3"}
        error_text: {type: string, example: "missing number"}
        network: {type: string, example: "244523"}`},
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

// Requests a client builds from the description are answered, and the
// answers validate: parameters that share a segment are split by what
// their schemas accept, a parameter that is "an id or a slug" (a oneOf of
// integer and string) is read as the branch that takes it, not refused
// because kin-openapi decodes it as the last branch's type, and array items
// declared with allOf are read, not found empty (#15).
func TestParametersAreReadAsTheirSchemasSay(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: p, version: "1"}
paths:
  /videogames/{game}:
    get:
      parameters: [{name: game, in: path, required: true, schema: {$ref: '#/components/schemas/IDOrSlug'}}]
      responses: {"200": {$ref: '#/components/responses/Thing'}}
  /search:
    get:
      parameters: [{name: game, in: query, required: true, schema: {anyOf: [{type: integer, minimum: 1}, {type: string, format: uuid}]}}]
      responses: {"200": {$ref: '#/components/responses/Thing'}}
  /groups:
    get:
      parameters:
        - {name: SubnetIds, in: query, required: true, schema: {type: array, maxItems: 3, items: {allOf: [{$ref: '#/components/schemas/String'}, {xml: {name: SubnetIdentifier}}]}}}
      responses: {"200": {$ref: '#/components/responses/Thing'}}
  /files/{name}.{ext}:
    get:
      parameters:
        - {name: name, in: path, required: true, schema: {type: string}}
        - {name: ext, in: path, required: true, schema: {type: string, enum: [json, csv]}}
      responses: {"200": {$ref: '#/components/responses/Thing'}}
  /days/{start}-{end}:
    get:
      parameters:
        - {name: start, in: path, required: true, schema: {type: string, format: date}}
        - {name: end, in: path, required: true, schema: {type: string, format: date}}
      responses: {"200": {$ref: '#/components/responses/Thing'}}
  /current-Movie-Data.csv&imdb_id={id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string, pattern: "^tt[0-9]+$"}}]
      responses: {"200": {$ref: '#/components/responses/Thing'}}
components:
  responses:
    Thing:
      description: ok
      content: {application/json: {schema: {type: object, required: [id], properties: {id: {type: string, format: uuid}, url: {type: string, format: uri}}}}}
  schemas:
    IDOrSlug: {oneOf: [{type: integer, enum: [1, 3, 4]}, {type: string, enum: [cs-go, dota-2]}]}
    String: {type: string, minLength: 2}
`))
	require.NoError(t, err)
	h, err := New(doc, WithSeed(7))
	require.NoError(t, err)
	tests := []struct {
		target string
		want   int
	}{
		{"/videogames/3", 200},
		{"/videogames/cs-go", 200},
		{"/videogames/99", 400},
		{"/videogames/fifa", 400},
		{"/search?game=12", 200},
		{"/search?game=3f2504e0-4f89-41d3-9a0c-0305e82c3301", 200},
		{"/search?game=0", 400},
		{"/groups?SubnetIds=sn-1&SubnetIds=sn-2", 200},
		{"/groups?SubnetIds=sn-1", 200},
		{"/groups?SubnetIds=sn-1&SubnetIds=s", 400},
		{"/groups?SubnetIds=a1&SubnetIds=a2&SubnetIds=a3&SubnetIds=a4", 400},
		{"/groups", 400},
		{"/files/a.b.json", 200},
		{"/files/report.csv", 200},
		{"/files/report.txt", 400},
		{"/days/2024-01-31-2024-02-29", 200},
		{"/days/2024-01-31", 400},
		{"/current-Movie-Data.csv&imdb_id=tt0111161", 200},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			req := httptest.NewRequest("GET", tt.target, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			require.Equal(t, tt.want, rec.Code, rec.Body.String())
			if rec.Code != 200 {
				return
			}
			m, err := doc.Match(req)
			require.NoError(t, err)
			assert.True(t, validateResponse(t, doc, m.Operation, httptest.NewRequest("GET", tt.target, nil), rec))
		})
	}
}

// A required query map (an exploded form object with only
// additionalProperties, microcks' queryMap) is sent as parameters of their
// own names, or as nothing for an empty map: it is never missing (#15).
func TestRequiredQueryMapIsNeverMissing(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: q, version: "1"}
paths:
  /search:
    get:
      parameters:
        - {name: queryMap, in: query, required: true, schema: {type: object, additionalProperties: {type: string}}}
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: array, items: {type: string}}}}}
  /strict:
    get:
      parameters:
        - {name: filter, in: query, required: true, schema: {type: object, properties: {name: {type: string}}, required: [name]}}
      responses:
        "200": {description: ok}
`))
	require.NoError(t, err)
	h, err := New(doc, WithSeed(1))
	require.NoError(t, err)
	for _, tc := range []struct {
		target string
		want   int
	}{
		{"/search?name=rex", 200},
		{"/search?labels.team=a&name=rex", 200},
		{"/search", 200},
		{"/search?limit=two", 400}, // other parameters are still checked
		{"/strict?name=rex", 200},
		{"/strict", 400}, // an object with declared properties can be missing
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", tc.target, nil))
		assert.Equal(t, tc.want, rec.Code, "%s: %s", tc.target, rec.Body.String())
	}
}

// A query object exploded in form style whose members are objects, or
// composed (AWS: AccessLog is allOf [AccessLog, xml]), arrives with each
// member as a parameter of its name, objects as JSON text: the mock reads
// it and checks the object against the schema (#15).
func TestQueryObjectWithObjectMembers(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: q, version: "1"}
paths:
  /:
    get:
      parameters:
        - name: LoggingConfig
          in: query
          schema: {type: object, required: [LogRoleArn], properties: {LogRoleArn: {allOf: [{type: string, minLength: 3}]}}}
        - name: LoadBalancerAttributes
          in: query
          required: true
          schema:
            type: object
            properties:
              AccessLog: {allOf: [{$ref: '#/components/schemas/AccessLog'}, {xml: {name: AccessLog}}]}
              IdleTimeout: {type: integer, minimum: 1}
      responses:
        "200": {description: ok}
components:
  schemas:
    AccessLog:
      type: object
      required: [Enabled]
      properties:
        Enabled: {type: boolean}
        EmitInterval: {type: integer}
`))
	require.NoError(t, err)
	h, err := New(doc, WithSeed(1))
	require.NoError(t, err)
	for _, tc := range []struct {
		query string
		want  int
	}{
		{`AccessLog=%7B%22Enabled%22%3Atrue%2C%22EmitInterval%22%3A5%7D`, 200},
		{`AccessLog=%7B%22Enabled%22%3Atrue%7D&IdleTimeout=30`, 200},
		{`AccessLog=%7B%22EmitInterval%22%3A5%7D`, 400},             // Enabled is required
		{`AccessLog=%7B%22Enabled%22%3A%22yes%22%7D`, 400},          // not a boolean
		{`AccessLog=%7B%22Enabled%22%3Atrue%7D&IdleTimeout=0`, 400}, // below the minimum
		{`AccessLog=not-json`, 400},
		{`AccessLog=%7B%22Enabled%22%3Atrue%7D&LogRoleArn=arn:x`, 200}, // an optional object sent
		{`AccessLog=%7B%22Enabled%22%3Atrue%7D&LogRoleArn=ab`, 400},    // too short
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/?"+tc.query, nil))
		assert.Equal(t, tc.want, rec.Code, "%s: %s", tc.query, rec.Body.String())
	}
}

// An exploded object in a path or header parameter whose string value
// holds the delimiter between members (label style's "." ending a
// sentence) is sent unescaped, as RFC 6570 expands it: the mock reads the
// piece without "=" as the end of the value before it, and checks the
// object against the schema (#15, readme's parameters-style).
func TestExplodedObjectParamWithDelimiterInValue(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: q, version: "1"}
paths:
  /label/{obj}:
    get:
      parameters:
        - {name: obj, in: path, required: true, style: label, explode: true, schema: {$ref: '#/components/schemas/Obj'}}
      responses:
        "200": {description: ok}
  /matrix/{obj}:
    get:
      parameters:
        - {name: obj, in: path, required: true, style: matrix, explode: true, schema: {$ref: '#/components/schemas/Obj'}}
      responses:
        "200": {description: ok}
  /simple/{obj}:
    get:
      parameters:
        - {name: obj, in: path, required: true, explode: true, schema: {$ref: '#/components/schemas/Obj'}}
      responses:
        "200": {description: ok}
  /header:
    get:
      parameters:
        - {name: X-Obj, in: header, required: true, explode: true, schema: {$ref: '#/components/schemas/Obj'}}
      responses:
        "200": {description: ok}
components:
  schemas:
    Obj:
      type: object
      required: [name]
      properties:
        name: {type: string}
        n: {type: integer, minimum: 1}
`))
	require.NoError(t, err)
	h, err := New(doc, WithSeed(1))
	require.NoError(t, err)
	for _, tc := range []struct {
		target, header string
		want           int
	}{
		{"/label/.name=A%20city..n=3", "", 200},
		{"/label/.n=3.name=v1.2.3", "", 200},
		{"/label/.name=plain", "", 200},
		{"/label/.name=a.n=0", "", 400},     // below the minimum
		{"/label/.name=a.n=three", "", 400}, // not an integer
		{"/label/.n=3", "", 400},            // name is required
		{"/label/.city.name=a", "", 400},    // a first piece without "="
		{"/matrix/;name=a;b;n=2", "", 200},
		{"/matrix/;name=a;n=x", "", 400},
		{"/simple/name=Smith,%20John,n=2", "", 200},
		{"/simple/n=2,Smith", "", 400},
		{"/header", "name=Smith, John,n=2", 200},
		{"/header", "n=2", 400},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", tc.target, nil)
		if tc.header != "" {
			req.Header.Set("X-Obj", tc.header)
		}
		h.ServeHTTP(rec, req)
		assert.Equal(t, tc.want, rec.Code, "%s %s: %s", tc.target, tc.header, rec.Body.String())
	}
}

// Two operations on templates that differ only in their parameters' names
// (reverb's POST /conversations/{id}/offer, price a string, and
// /conversations/{conversation_id}/offer, price an object) share a route:
// a request valid for either is answered by the one it fits, not refused
// by the first (#15).
func TestSameRouteAnswersTheOperationTheRequestFits(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: q, version: "1"}
paths:
  /conversations/{conversation_id}/offer:
    post:
      parameters: [{name: conversation_id, in: path, required: true, schema: {type: string}}]
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [price], properties: {price: {type: object, required: [amount], properties: {amount: {type: string}}}}}
      responses:
        "201": {description: ok, content: {application/json: {example: {answered: money}}}}
  /conversations/{id}/offer:
    post:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      security: [{key: []}]
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [price], properties: {price: {type: string}}}
      responses:
        "201": {description: ok, content: {application/json: {example: {answered: text}}}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
`))
	require.NoError(t, err)
	h, err := New(doc, WithSeed(1))
	require.NoError(t, err)
	for _, tc := range []struct {
		body, key string
		want      int
		answered  string
	}{
		{`{"price":{"amount":"3.50"}}`, "", 201, "money"},
		{`{"price":"3.50"}`, "k", 201, "text"},
		{`{"price":"3.50"}`, "", 422, ""}, // the operation it fits wants a key
		{`{"price":7}`, "k", 422, ""},     // fits neither
	} {
		req := httptest.NewRequest("POST", "/conversations/c1/offer", strings.NewReader(tc.body))
		req.Header.Set("Content-Type", "application/json")
		if tc.key != "" {
			req.Header.Set("X-Key", tc.key)
		}
		rej := h.Check(req)
		assert.Equal(t, tc.want == 201, rej == nil, "Check agrees with ServeHTTP: %s %+v", tc.body, rej)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		require.Equal(t, tc.want, rec.Code, "%s: %s", tc.body, rec.Body.String())
		if tc.answered != "" {
			assert.JSONEq(t, `{"answered":"`+tc.answered+`"}`, rec.Body.String(), tc.body)
		}
	}
}

// A parameter whose schema names no type (Nexmo's delivered: enum [true,
// false, 0, 1]), or an array whose items name none (WikiPathways' graphId:
// items {}), is read as text or as the number or boolean it spells,
// whichever the schema takes; kin-openapi read it as nothing and refused
// it as empty (#15).
func TestUntypedParameters(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Parse(context.Background(), []byte(`
openapi: 3.0.3
info: {title: q, version: "1"}
paths:
  /conversions:
    post:
      parameters:
        - {name: delivered, in: query, required: true, schema: {enum: [true, false, 0, 1]}}
        - {name: ids, in: query, required: false, style: form, explode: false, schema: {type: array, maxItems: 2, items: {}}}
        - {name: X-Level, in: header, required: false, schema: {enum: [1, 2.5]}}
      responses:
        "200": {description: ok}
`))
	require.NoError(t, err)
	h, err := New(doc, WithSeed(1))
	require.NoError(t, err)
	for _, tc := range []struct {
		query, level string
		want         int
	}{
		{"delivered=true", "", 200},
		{"delivered=false", "", 200},
		{"delivered=1", "", 200},
		{"delivered=0", "", 200},
		{"delivered=yes", "", 400},
		{"delivered=2", "", 400},
		{"delivered=true&ids=a,7", "", 200},
		{"delivered=true&ids=a,b,c", "", 400}, // more than maxItems
		{"delivered=true", "2.5", 200},
		{"delivered=true", "3", 400}, // not in the enum
	} {
		req := httptest.NewRequest("POST", "/conversions?"+tc.query, nil)
		if tc.level != "" {
			req.Header.Set("X-Level", tc.level)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		assert.Equal(t, tc.want, rec.Code, "%s %s: %s", tc.query, tc.level, rec.Body.String())
	}
}
