package fake

import (
	"testing"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bestEffortDoc holds minimal versions of unsatisfiable schemas found in
// real API descriptions (see testdata/).
const bestEffortDoc = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    # testdata/oas-examples/3.0/yaml/circular-request-bodies.yaml
    TreeNode:
      type: object
      required: [id, name, parent]
      properties:
        id: {type: string}
        name: {type: string}
        parent: {$ref: '#/components/schemas/TreeNode'}
        children:
          type: array
          items: {$ref: '#/components/schemas/TreeNode'}
    # testdata/specs/request-validation.yaml
    NewOrder:
      type: object
      required: [items, shipping]
      additionalProperties: false
      properties:
        items:
          type: array
          minItems: 1
          items:
            type: object
            required: [sku, quantity]
            properties:
              sku: {type: string, pattern: '^[A-Z0-9-]+$'}
              quantity: {type: integer, minimum: 1, maximum: 99}
        shipping: {type: string, enum: [standard, express]}
        note: {type: string, maxLength: 200}
    Order:
      allOf:
        - $ref: '#/components/schemas/NewOrder'
        - type: object
          required: [id, status, total]
          properties:
            id: {type: string, format: uuid}
            status: {type: string, enum: [open, shipped, cancelled]}
            total: {type: number, minimum: 0, multipleOf: 0.01}
            createdAt: {type: string, format: date-time}
    # testdata/oas-examples/3.0/yaml/readme-legacy.yaml (GET /api/v1/, 401)
    baseError:
      type: object
      properties:
        error: {type: string}
        message: {type: string}
        suggestion: {type: string}
        docs: {type: string, format: url, example: 'https://docs.readme.com/logs/6883d0ee'}
        poem:
          type: array
          items: {type: string}
    error_APIKEY_EMPTY:
      allOf:
        - $ref: '#/components/schemas/baseError'
        - type: object
          properties:
            error: {type: string, default: APIKEY_EMPTY}
    error_APIKEY_NOTFOUND:
      allOf:
        - $ref: '#/components/schemas/baseError'
        - type: object
          properties:
            error: {type: string, default: APIKEY_NOTFOUND}
    authUnauthorized:
      oneOf:
        - $ref: '#/components/schemas/error_APIKEY_EMPTY'
        - $ref: '#/components/schemas/error_APIKEY_NOTFOUND'
    # The recursive schema nested under a required property.
    TreeHolder:
      type: object
      required: [tree]
      properties:
        label: {type: string}
        tree: {$ref: '#/components/schemas/TreeNode'}
`

// TestBestEffort checks that the unsatisfiable schemas of real API
// descriptions yield a plausible value together with an error wrapping
// ErrUnsatisfiable.
func TestBestEffort(t *testing.T) {
	doc := loadDoc(t, bestEffortDoc)
	sch := func(n string) *openapi3.Schema { return doc.Components.Schemas[n].Value }

	// checkTree checks a TreeNode: id and name at every level of the
	// parent chain, which ends (omitted) within the depth limit.
	checkTree := func(t *testing.T, v any, maxChain int) {
		chain := 0
		for node := v; node != nil; chain++ {
			m, ok := node.(map[string]any)
			require.True(t, ok, "tree node %d is %T", chain, node)
			assert.IsType(t, "", m["id"])
			assert.IsType(t, "", m["name"])
			if kids, ok := m["children"]; ok {
				for _, k := range kids.([]any) {
					assert.Contains(t, k, "id")
					assert.Contains(t, k, "name")
				}
			}
			node = m["parent"]
		}
		assert.GreaterOrEqual(t, chain, 1)
		assert.LessOrEqual(t, chain, maxChain, "recursion cut near the depth limit")
	}

	cases := []struct {
		name    string
		schema  string
		errText string // in the error message
		check   func(t *testing.T, v any)
	}{
		{
			name:    "infinitely recursive required property",
			schema:  "TreeNode",
			errText: "/parent",
			check:   func(t *testing.T, v any) { checkTree(t, v, defaultMaxDepth+2) },
		},
		{
			name:    "recursive schema under a required property",
			schema:  "TreeHolder",
			errText: "/tree/parent",
			check: func(t *testing.T, v any) {
				require.IsType(t, map[string]any{}, v)
				checkTree(t, v.(map[string]any)["tree"], defaultMaxDepth+2)
			},
		},
		{
			name:    "allOf with additionalProperties: false in a member",
			schema:  "Order",
			errText: "additionalProperties: false",
			check: func(t *testing.T, v any) {
				require.IsType(t, map[string]any{}, v)
				m := v.(map[string]any)
				for _, k := range []string{"id", "status", "total", "items", "shipping"} {
					assert.Contains(t, m, k)
				}
				// It is the merged object the author meant: valid for the
				// second member, and for NewOrder but for its
				// additionalProperties: false.
				rv := roundTrip(t, v)
				assert.NoError(t, validate(sch("Order").AllOf[1].Value, rv, Response, false))
				open := *sch("NewOrder")
				open.AdditionalProperties = openapi3.AdditionalProperties{}
				assert.NoError(t, validate(&open, rv, Response, false))
			},
		},
		{
			name:    "oneOf branches that overlap",
			schema:  "authUnauthorized",
			errText: "several oneOf branches",
			check: func(t *testing.T, v any) {
				require.IsType(t, map[string]any{}, v)
				assert.NotEmpty(t, v, "the first, fullest value of the chosen branch")
				matched := 0
				for _, br := range sch("authUnauthorized").OneOf {
					if validate(br.Value, roundTrip(t, v), Response, false) == nil {
						matched++
					}
				}
				assert.GreaterOrEqual(t, matched, 1, "validates against the chosen branch")
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := sch(c.schema)
			for _, mode := range []Mode{Response, Request} {
				g := New(Options{Mode: mode})
				for seed := int64(1); seed <= 30; seed++ {
					v, err := g.Value(gofakeit.New(seed), s, c.schema)
					require.Error(t, err, "seed %d", seed)
					require.ErrorIs(t, err, ErrUnsatisfiable)
					assert.Contains(t, err.Error(), c.errText)
					require.NotNil(t, v, "seed %d: %v", seed, err)
					require.Error(t, validate(s, roundTrip(t, v), mode, false), "a best-effort value does not validate")
					c.check(t, v)

					// Deterministic, with a fresh or a warm Generator.
					v2, err2 := New(Options{Mode: mode}).Value(gofakeit.New(seed), s, c.schema)
					assert.Equal(t, jsonKey(v), jsonKey(v2))
					assert.Equal(t, err.Error(), err2.Error())
				}
			}
		})
	}
}

// TestBestEffortStaysValid checks that unsatisfiable parts that can be left
// out (or nulled) still give a valid value, without an error.
func TestBestEffortStaysValid(t *testing.T) {
	doc := loadDoc(t, bestEffortDoc+`
    OptionalTree:
      type: object
      required: [label]
      properties:
        label: {type: string}
        tree: {$ref: '#/components/schemas/TreeNode'}
        order: {$ref: '#/components/schemas/Order'}
    NullableImpossible:
      type: object
      required: [x, y]
      properties:
        x: {type: string, nullable: true, minLength: 5, maxLength: 2}
        y: {type: integer}
    AnyOfEscape:
      anyOf:
        - $ref: '#/components/schemas/Order'
        - {type: object, required: [ok], properties: {ok: {type: boolean}}}
`)
	for _, name := range []string{"OptionalTree", "NullableImpossible", "AnyOfEscape"} {
		s := doc.Components.Schemas[name].Value
		g := New(Options{})
		for seed := int64(1); seed <= 50; seed++ {
			v, err := g.Value(gofakeit.New(seed), s, "")
			require.NoError(t, err, "%s seed %d", name, seed)
			require.NoError(t, validate(s, roundTrip(t, v), Response, false), "%s seed %d value %s", name, seed, jsonKey(v))
		}
	}
}

// A pattern no string matches (a regex literal such as /^[0-9]{5}$/i:
// the / comes before ^) or one RE2 can only approximate is never sent in
// an optional property: the property is left out, a nullable one is null,
// and a required one is a best-effort value that says so (#15).
func TestUnmatchablePatternLeftOut(t *testing.T) {
	doc := loadDoc(t, `
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Establishment:
      type: object
      required: [id]
      properties:
        id: {type: integer}
        nic: {type: string, pattern: '/^[0-9]{5}$/i'}
        host: {type: string, pattern: '^([a-z]|(\d(?!\d{0,2}\.\d{1,3})))([a-z\d]|(\.(?!(\.|-)))){1,20}[a-z\d]$'}
        arn: {type: string, pattern: '.*(^arn:aws:s3:::)([a-z0-9-]+$).*'}
    NullableRequired:
      type: object
      required: [nic]
      properties:
        nic: {type: string, nullable: true, pattern: '/^[0-9]{5}$/i'}
    Required:
      type: object
      required: [nic]
      properties:
        nic: {type: string, pattern: '/^[0-9]{5}$/i'}
`)
	sch := func(n string) *openapi3.Schema { return doc.Components.Schemas[n].Value }
	g := New(Options{})
	for seed := int64(0); seed < 20; seed++ {
		v, err := g.Value(gofakeit.New(seed), sch("Establishment"), "")
		require.NoError(t, err)
		m := v.(map[string]any)
		assert.NotContains(t, m, "nic")
		assert.NotContains(t, m, "host")
		assert.Regexp(t, `^arn:aws:s3:::[a-z0-9-]+$`, m["arn"])

		v, err = g.Value(gofakeit.New(seed), sch("NullableRequired"), "")
		require.NoError(t, err)
		assert.Equal(t, map[string]any{"nic": nil}, v)

		v, err = g.Value(gofakeit.New(seed), sch("Required"), "")
		require.ErrorIs(t, err, ErrUnsatisfiable)
		assert.Contains(t, v, "nic", "a required property still gets a best-effort value")
	}
}

// oneOf branches that declare the same properties and differ only below
// them (Nexmo's SMS and Error: {message-count, messages}, the messages
// Message or ErrorMessage, each accepting the other's) get a value that
// only the chosen branch accepts: the exclusion is made inside the shared
// property's object, or its array's first object (#15).
func TestOneOfBranchesDifferingBelowASharedProperty(t *testing.T) {
	t.Parallel()
	doc := loadDoc(t, `
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Answer: {oneOf: [{$ref: '#/components/schemas/SMS'}, {$ref: '#/components/schemas/Error'}]}
    SMS:
      type: object
      properties:
        message-count: {type: string, example: "1"}
        messages: {type: array, items: {$ref: '#/components/schemas/Message'}}
    Error:
      type: object
      properties:
        message-count: {type: string, example: "1"}
        messages: {type: array, items: {$ref: '#/components/schemas/ErrorMessage'}}
    Message:
      type: object
      properties:
        message-id: {type: string, example: 0A0000000123ABCD1}
        status: {type: string, example: "0"}
    ErrorMessage:
      type: object
      properties:
        error-text: {type: string, example: Missing to param}
        status: {type: string, example: "2"}
    Nested:
      oneOf:
        - {type: object, properties: {meta: {type: object, properties: {page: {type: integer}}}}}
        - {type: object, properties: {meta: {type: object, properties: {cursor: {type: string}}}}}
`)
	for _, name := range []string{"Answer", "Nested"} {
		s := doc.Components.Schemas[name].Value
		for _, mode := range []Mode{Response, Request} {
			g := New(Options{Mode: mode})
			for seed := int64(1); seed <= 30; seed++ {
				v, err := g.Value(gofakeit.New(seed), s, name)
				require.NoError(t, err, "%s seed %d", name, seed)
				rv := roundTrip(t, v)
				matched := 0
				for _, br := range s.OneOf {
					if validate(br.Value, rv, mode, false) == nil {
						matched++
					}
				}
				assert.Equal(t, 1, matched, "%s seed %d: %v", name, seed, v)
				assert.NoError(t, validate(s, rv, mode, false), "%s seed %d", name, seed)
			}
		}
	}
}
