package fake

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const doc30 = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Str: {type: string}
    StrLen: {type: string, minLength: 5, maxLength: 8}
    StrLen0: {type: string, maxLength: 0}
    StrLong: {type: string, minLength: 300}
    Pattern: {type: string, pattern: '^[A-Z]{3}-[0-9]{4}$'}
    PatternLen: {type: string, pattern: '^[a-z]+$', minLength: 3, maxLength: 6}
    Formats:
      type: object
      required: [dt, d, t, u, e, uri, uriref, url, host, v4, v6, b, bin, pw, dur]
      properties:
        dt: {type: string, format: date-time}
        d: {type: string, format: date}
        t: {type: string, format: time}
        u: {type: string, format: uuid}
        e: {type: string, format: email}
        uri: {type: string, format: uri}
        uriref: {type: string, format: uri-reference}
        url: {type: string, format: url}
        host: {type: string, format: hostname}
        v4: {type: string, format: ipv4}
        v6: {type: string, format: ipv6}
        b: {type: string, format: byte}
        bin: {type: string, format: binary}
        pw: {type: string, format: password}
        dur: {type: string, format: duration}
    FormatLen:
      type: object
      required: [dt, e, b]
      properties:
        dt: {type: string, format: date-time, minLength: 30}
        e: {type: string, format: email, maxLength: 6}
        b: {type: string, format: byte, minLength: 10, maxLength: 11}
    Int: {type: integer}
    Int32: {type: integer, format: int32, minimum: 2147483000}
    Int64: {type: integer, format: int64}
    IntRange: {type: integer, minimum: -5, maximum: 5}
    IntExcl: {type: integer, minimum: 1, maximum: 3, exclusiveMinimum: true, exclusiveMaximum: true}
    IntMult: {type: integer, multipleOf: 7, minimum: 100, maximum: 130}
    IntFracMult: {type: integer, multipleOf: 0.5}
    Num: {type: number}
    NumMult: {type: number, multipleOf: 0.01, minimum: 0.5, maximum: 2}
    NumMult3: {type: number, multipleOf: 0.3}
    NumExcl: {type: number, minimum: 0, maximum: 0.001, exclusiveMinimum: true, exclusiveMaximum: true}
    NumHuge: {type: number, minimum: 1e300}
    NumNeg: {type: number, maximum: -1e6}
    Float: {type: number, format: float}
    Bool: {type: boolean}
    Nullable: {type: string, nullable: true}
    Enum: {type: string, enum: [red, green, blue]}
    EnumMixed: {type: string, enum: [1, two, 3]}
    EnumInt: {type: integer, enum: [1, 2, 3]}
    Default: {type: integer, minimum: 1, maximum: 9, default: 4}
    Example: {type: string, example: hello-world, maxLength: 20}
    Arr: {type: array, items: {type: string}}
    ArrBounds: {type: array, items: {type: integer}, minItems: 4, maxItems: 6}
    ArrZero: {type: array, items: {type: integer}, maxItems: 0}
    ArrUnique: {type: array, items: {type: integer, minimum: 1, maximum: 5}, minItems: 5, uniqueItems: true}
    ArrUniqueEnum: {type: array, items: {type: string, enum: [a, b, c]}, minItems: 3, maxItems: 3, uniqueItems: true}
    Obj:
      type: object
      required: [id, name]
      properties:
        id: {type: integer, format: int64}
        name: {type: string}
        tag: {type: string}
    ObjClosed:
      type: object
      additionalProperties: false
      properties:
        a: {type: string}
        b: {type: integer}
    ObjAP:
      type: object
      additionalProperties: {type: integer, minimum: 0}
      properties:
        a: {type: string}
    ObjMinProps:
      type: object
      minProperties: 4
      additionalProperties: {type: string}
      properties:
        a: {type: string}
    ObjMaxProps:
      type: object
      maxProperties: 2
      required: [a]
      properties:
        a: {type: string}
        b: {type: string}
        c: {type: string}
        d: {type: string}
    ObjReqUndeclared:
      type: object
      required: [extra]
      properties:
        a: {type: string}
    ObjRW:
      type: object
      required: [id, password, name]
      properties:
        id: {type: string, readOnly: true}
        password: {type: string, writeOnly: true}
        name: {type: string}
    Node:
      type: object
      required: [value]
      properties:
        value: {type: integer}
        children:
          type: array
          items: {$ref: '#/components/schemas/Node'}
        parent: {$ref: '#/components/schemas/Node'}
    Base:
      type: object
      required: [id]
      properties:
        id: {type: string, format: uuid}
        createdAt: {type: string, format: date-time}
    AllOf:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          required: [title]
          properties:
            title: {type: string, maxLength: 10}
            id: {type: string, minLength: 36}
    AllOfNums:
      allOf:
        - {type: integer, minimum: 10, maximum: 100}
        - {type: number, minimum: 50, multipleOf: 5}
        - {maximum: 60}
    AllOfClosed:
      allOf:
        - type: object
          additionalProperties: false
          properties:
            a: {type: string}
            b: {type: string}
        - type: object
          required: [a]
          properties:
            a: {type: string, maxLength: 3}
            c: {type: string}
    Pet:
      type: object
      required: [petType]
      properties:
        petType: {type: string}
      discriminator:
        propertyName: petType
        mapping:
          dog: '#/components/schemas/Dog'
          cat: '#/components/schemas/Cat'
    Dog:
      allOf:
        - $ref: '#/components/schemas/Pet'
        - type: object
          required: [bark]
          properties:
            bark: {type: boolean}
    Cat:
      allOf:
        - $ref: '#/components/schemas/Pet'
        - type: object
          required: [lives]
          properties:
            lives: {type: integer, minimum: 1, maximum: 9}
    PetOneOf:
      oneOf:
        - $ref: '#/components/schemas/Dog'
        - $ref: '#/components/schemas/Cat'
      discriminator:
        propertyName: petType
        mapping:
          dog: '#/components/schemas/Dog'
          cat: '#/components/schemas/Cat'
    OneOfOpen:
      oneOf:
        - type: object
          required: [a]
          properties:
            a: {type: string}
            b: {type: integer}
        - type: object
          required: [b]
          properties:
            b: {type: integer}
            c: {type: string}
    OneOfScalars:
      oneOf:
        - {type: integer}
        - {type: number}
        - {type: string, maxLength: 3}
    OneOfParent:
      type: object
      required: [kind]
      properties:
        kind: {type: string, enum: [x, y]}
      oneOf:
        - {required: [x], properties: {x: {type: string}}}
        - {required: [y], properties: {y: {type: integer}}}
    AnyOf:
      anyOf:
        - {type: string, format: email}
        - {type: integer, minimum: 0}
    Not:
      type: integer
      minimum: 1
      maximum: 4
      not: {enum: [1, 2, 3]}
    NotStr:
      type: string
      not: {type: string, maxLength: 3}
    Untyped: {}
    UntypedProps: {properties: {a: {type: string}}, required: [a]}
    UntypedNum: {minimum: 3, maximum: 4}
    Hints:
      type: object
      properties:
        email: {type: string}
        firstName: {type: string}
        last_name: {type: string}
        createdAt: {type: string}
        updated_at: {type: string, format: date}
        avatarUrl: {type: string}
        price: {type: number}
        age: {type: integer}
        latitude: {type: number}
        longitude: {type: number}
        countryCode: {type: string, maxLength: 2}
        id: {type: string}
        userId: {type: integer}
        tags: {type: array, items: {type: string}}
        isActive: {type: boolean}
        version: {type: string}
        emailShort: {type: string, format: email, maxLength: 5}
        email2: {type: string, maxLength: 5}
`

const doc31 = `
openapi: 3.1.0
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    NullStr: {type: [string, 'null'], maxLength: 4}
    Multi: {type: [integer, string, boolean]}
    Const: {const: fixed}
    ExclNum: {type: number, exclusiveMinimum: 0, exclusiveMaximum: 1}
    ExclInt: {type: integer, exclusiveMinimum: 10, exclusiveMaximum: 13}
    Prefix:
      type: array
      prefixItems:
        - {type: string, format: date}
        - {type: integer, minimum: 0, maximum: 3}
      items: false
    PrefixMore:
      type: array
      prefixItems: [{type: boolean}]
      items: {type: string, maxLength: 2}
      minItems: 3
    Contains:
      type: array
      items: {type: integer, minimum: 0, maximum: 100}
      contains: {type: integer, minimum: 90}
      minContains: 2
    PatternProps:
      type: object
      patternProperties:
        '^x-[a-z]+$': {type: integer}
      minProperties: 1
    Examples:
      type: string
      examples: [alpha, beta]
      maxLength: 5
    BoolTrue: true
    Tree:
      type: object
      required: [name]
      properties:
        name: {type: string}
        kids:
          type: array
          items: {$ref: '#/components/schemas/Tree'}
        next:
          anyOf:
            - {$ref: '#/components/schemas/Tree'}
            - {type: 'null'}
    DepReq:
      type: object
      properties:
        card: {type: string}
        billing: {type: string}
      dependentRequired:
        card: [billing]
    IfThen:
      type: object
      required: [kind]
      properties:
        kind: {enum: [a, b]}
        v: {type: integer}
      if: {properties: {kind: {const: a}}}
      then: {required: [v]}
    OneOfTypes:
      oneOf:
        - {type: object, required: [a], properties: {a: {type: string}}, additionalProperties: false}
        - {type: object, required: [b], properties: {b: {type: number}}, additionalProperties: false}
        - {type: 'null'}
    Unevaluated:
      type: object
      properties: {a: {type: string}}
      unevaluatedProperties: false
`

func loadDoc(t testing.TB, src string) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData([]byte(src))
	require.NoError(t, err)
	return doc
}

func roundTrip(t testing.TB, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

func validate(s *openapi3.Schema, v any, mode Mode, js2020 bool) error {
	opts := []openapi3.SchemaValidationOption{openapi3.EnableFormatValidation(), openapi3.MultiErrors()}
	if mode == Request {
		opts = append(opts, openapi3.VisitAsRequest())
	} else {
		opts = append(opts, openapi3.VisitAsResponse())
	}
	if js2020 {
		opts = append(opts, openapi3.EnableJSONSchema2020())
	}
	return s.VisitJSON(v, opts...)
}

func init() {
	// The judge checks formats; make kin check ipv4/ipv6 too.
	openapi3.DefineIPv4Format()
	openapi3.DefineIPv6Format()
	openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC4122))
	openapi3.DefineStringFormatValidator("email", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail))
}

// unsatisfiable lists schemas that are expected to be unsatisfiable.
var unsatisfiable = map[string]bool{}

func TestTableValid(t *testing.T) {
	for _, d := range []struct {
		name   string
		src    string
		js2020 bool
	}{{"3.0", doc30, false}, {"3.1", doc31, true}} {
		doc := loadDoc(t, d.src)
		names := make([]string, 0, len(doc.Components.Schemas))
		for n := range doc.Components.Schemas {
			names = append(names, n)
		}
		for _, n := range names {
			ref := doc.Components.Schemas[n]
			for _, mode := range []Mode{Response, Request} {
				g := New(Options{Mode: mode})
				t.Run(d.name+"/"+n, func(t *testing.T) {
					for seed := int64(1); seed <= 200; seed++ {
						v, err := g.Value(gofakeit.New(seed), ref.Value, n)
						require.NoError(t, err, "seed %d", seed)
						rv := roundTrip(t, v)
						require.NoError(t, validate(ref.Value, rv, mode, false), "seed %d value %s", seed, jsonKey(v))
						if d.js2020 {
							require.NoError(t, validate(ref.Value, rv, mode, true), "2020 seed %d value %s", seed, jsonKey(v))
						}
						if len(ref.Value.OneOf) > 0 {
							matched := 0
							for _, br := range ref.Value.OneOf {
								if validate(br.Value, roundTrip(t, v), mode, false) == nil {
									matched++
								}
							}
							require.Equal(t, 1, matched, "seed %d value %s", seed, jsonKey(v))
						}
					}
				})
			}
		}
	}
}

func TestSpecificShapes(t *testing.T) {
	doc := loadDoc(t, doc30)
	sch := func(n string) *openapi3.Schema { return doc.Components.Schemas[n].Value }
	g := New(Options{})
	seenKinds := map[string]bool{}
	seenDepth := 0
	for seed := int64(1); seed <= 200; seed++ {
		f := gofakeit.New(seed)
		v, err := g.Value(f, sch("PetOneOf"), "")
		require.NoError(t, err)
		m := v.(map[string]any)
		seenKinds[m["petType"].(string)] = true
		if m["petType"] == "dog" {
			assert.Contains(t, m, "bark")
		} else {
			assert.Contains(t, m, "lives")
		}
		v, err = g.Value(f, sch("Node"), "")
		require.NoError(t, err)
		seenDepth = max(seenDepth, depthOf(v))

		v, err = g.Value(f, sch("Pattern"), "")
		require.NoError(t, err)
		assert.Regexp(t, `^[A-Z]{3}-[0-9]{4}$`, v)

		v, err = g.Value(f, sch("NumMult"), "")
		require.NoError(t, err)
		b, _ := json.Marshal(v)
		assert.Regexp(t, `^\d+(\.\d{1,2})?$`, string(b))

		v, err = g.Value(f, sch("Dog"), "")
		require.NoError(t, err)
		assert.Contains(t, v, "bark")
	}
	assert.True(t, seenKinds["dog"] && seenKinds["cat"], "both oneOf branches used: %v", seenKinds)
	assert.Greater(t, seenDepth, 2, "recursion produced some nesting")
	assert.LessOrEqual(t, seenDepth, 2*(defaultMaxDepth+2), "recursion bounded")
}

func depthOf(v any) int {
	switch v := v.(type) {
	case map[string]any:
		d := 0
		for _, x := range v {
			d = max(d, depthOf(x))
		}
		return d + 1
	case []any:
		d := 0
		for _, x := range v {
			d = max(d, depthOf(x))
		}
		return d + 1
	}
	return 0
}

func TestDiscriminatorInheritance(t *testing.T) {
	doc := loadDoc(t, `
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Holder:
      type: object
      required: [pet]
      properties:
        pet: {$ref: '#/components/schemas/Dog'}
    Pet:
      type: object
      required: [petType]
      properties: {petType: {type: string}}
      discriminator: {propertyName: petType}
    Dog:
      allOf:
        - $ref: '#/components/schemas/Pet'
        - {type: object, properties: {bark: {type: boolean}}}
`)
	g := New(Options{})
	v, err := g.Value(gofakeit.New(3), doc.Components.Schemas["Holder"].Value, "")
	require.NoError(t, err)
	assert.Equal(t, "Dog", v.(map[string]any)["pet"].(map[string]any)["petType"])
}

// TestUnsatisfiable checks the contract for schemas that admit no value:
// always an error wrapping ErrUnsatisfiable; a best-effort value (which does
// not validate) when a plausible one exists, nil when none does.
func TestUnsatisfiable(t *testing.T) {
	u64 := func(v uint64) *uint64 { return &v }
	f64 := func(v float64) *float64 { return &v }
	typ := func(t string) *openapi3.Types { return &openapi3.Types{t} }
	ref := func(s *openapi3.Schema) *openapi3.SchemaRef { return &openapi3.SchemaRef{Value: s} }
	no := false
	type tc struct {
		s      *openapi3.Schema
		value  bool // a best-effort value is expected
		js2020 bool // judge it with the JSON Schema 2020-12 validator (if/then)
	}
	cases := map[string]tc{
		// Nothing sensible can be built.
		"false":          {s: &openapi3.Schema{Always: &no}},
		"not-empty":      {s: &openapi3.Schema{Not: ref(&openapi3.Schema{})}},
		"minLen>maxLen":  {s: &openapi3.Schema{Type: typ("string"), MinLength: 5, MaxLength: u64(2)}},
		"min>max":        {s: &openapi3.Schema{Type: typ("integer"), Min: f64(5), Max: f64(2)}},
		"minItems>max":   {s: &openapi3.Schema{Type: typ("array"), MinItems: 5, MaxItems: u64(0)}},
		"multipleOf0":    {s: &openapi3.Schema{Type: typ("number"), MultipleOf: f64(0)}},
		"multipleOfNeg":  {s: &openapi3.Schema{Type: typ("integer"), MultipleOf: f64(-2)}},
		"hugeMinLength":  {s: &openapi3.Schema{Type: typ("string"), MinLength: 1e9}},
		"hugeMinItems":   {s: &openapi3.Schema{Type: typ("array"), MinItems: 1e9}},
		"hugeMinProps":   {s: &openapi3.Schema{Type: typ("object"), MinProps: 1e9}},
		"typesDisjoint":  {s: &openapi3.Schema{AllOf: openapi3.SchemaRefs{ref(&openapi3.Schema{Type: typ("string")}), ref(&openapi3.Schema{Type: typ("integer")})}}},
		"intNoRoom":      {s: &openapi3.Schema{Type: typ("integer"), Min: f64(1.1), Max: f64(1.9)}},
		"exclusiveEqual": {s: &openapi3.Schema{Type: typ("number"), ExclusiveMin: openapi3.ExclusiveBound{Value: f64(1)}, Max: f64(1)}},
		// A plausible value exists.
		"enumWrongType":  {s: &openapi3.Schema{Type: typ("integer"), Enum: []any{"a", "b"}}, value: true},
		"uniqueTooFew":   {s: &openapi3.Schema{Type: typ("array"), UniqueItems: true, MinItems: 3, Items: ref(&openapi3.Schema{Type: typ("boolean")})}, value: true},
		"closedRequired": {s: &openapi3.Schema{Type: typ("object"), Required: []string{"x"}, AdditionalProperties: openapi3.AdditionalProperties{Has: &no}}, value: true},
		"notSelf":        {s: &openapi3.Schema{Type: typ("integer"), Not: ref(&openapi3.Schema{Type: typ("integer")})}, value: true},
		"patternsClash":  {s: &openapi3.Schema{AllOf: openapi3.SchemaRefs{ref(&openapi3.Schema{Type: typ("string"), Pattern: "^a+$"}), ref(&openapi3.Schema{Pattern: "^b+$"})}}, value: true},
		"ifThenFalse":    {s: &openapi3.Schema{Type: typ("object"), If: ref(&openapi3.Schema{}), Then: ref(&openapi3.Schema{Always: &no})}, value: true, js2020: true},
		"requiredFalse":  {s: &openapi3.Schema{Type: typ("object"), Required: []string{"a", "b"}, Properties: openapi3.Schemas{"a": ref(&openapi3.Schema{Type: typ("string")}), "b": ref(&openapi3.Schema{Always: &no})}}, value: true},
		"itemsFalse":     {s: &openapi3.Schema{Type: typ("array"), MinItems: 2, Items: ref(&openapi3.Schema{Always: &no})}},
		"itemsNoValue":   {s: &openapi3.Schema{Type: typ("array"), MinItems: 2, Items: ref(&openapi3.Schema{Type: typ("integer"), Min: f64(5), Max: f64(2)})}, value: true},
	}
	// Infinite required recursion, directly and through an array.
	rec := &openapi3.Schema{Type: typ("object"), Required: []string{"self"}}
	rec.Properties = openapi3.Schemas{"self": ref(rec)}
	cases["infiniteRequired"] = tc{s: rec, value: true}
	recArr := &openapi3.Schema{Type: typ("object"), Required: []string{"kids"}}
	recArr.Properties = openapi3.Schemas{"kids": ref(&openapi3.Schema{Type: typ("array"), MinItems: 1, Items: ref(recArr)})}
	cases["infiniteRequiredArray"] = tc{s: recArr, value: true}

	for _, mode := range []Mode{Response, Request} {
		g := New(Options{Mode: mode})
		for name, c := range cases {
			// It must end: the generator's depth and work bounds stop it
			// (speed lives in benchmarks, not in a wall-clock assertion).
			t.Run(name, func(t *testing.T) {
				for seed := int64(1); seed <= 20; seed++ {
					v, err := g.Value(gofakeit.New(seed), c.s, "")
					require.Error(t, err)
					require.ErrorIs(t, err, ErrUnsatisfiable)
					if !c.value {
						require.Nil(t, v, "seed %d", seed)
						continue
					}
					require.NotNil(t, v, "seed %d: %v", seed, err)
					// A best-effort value does not validate (else there
					// would be no error).
					require.Error(t, validate(c.s, roundTrip(t, v), mode, c.js2020), "seed %d value %s", seed, jsonKey(v))
				}
			})
		}
	}
}

func TestFormatDoesNotFit(t *testing.T) {
	ml := uint64(10)
	s := &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "uuid", MaxLength: &ml, MinLength: 4}
	for seed := int64(1); seed <= 50; seed++ {
		v, err := New(Options{}).Value(gofakeit.New(seed), s, "id")
		require.NoError(t, err)
		n := len([]rune(v.(string)))
		assert.True(t, n >= 4 && n <= 10, "%q", v)
	}
}

func TestDeterminism(t *testing.T) {
	doc := loadDoc(t, doc30)
	s := doc.Components.Schemas["Hints"].Value
	a, err := New(Options{}).Value(gofakeit.New(42), s, "")
	require.NoError(t, err)
	b, err := New(Options{}).Value(gofakeit.New(42), s, "")
	require.NoError(t, err)
	assert.Equal(t, jsonKey(a), jsonKey(b))
	c, err := New(Options{}).Value(gofakeit.New(43), s, "")
	require.NoError(t, err)
	assert.NotEqual(t, jsonKey(a), jsonKey(c))
	// Same Generator, reused caches: still identical.
	g := New(Options{})
	for i := 0; i < 3; i++ {
		x, err := g.Value(gofakeit.New(42), doc.Components.Schemas["PetOneOf"].Value, "")
		require.NoError(t, err)
		y, err := New(Options{}).Value(gofakeit.New(42), doc.Components.Schemas["PetOneOf"].Value, "")
		require.NoError(t, err)
		assert.Equal(t, jsonKey(x), jsonKey(y))
	}
}

var dateTimeRE = regexp.MustCompile(openapi3.FormatOfStringDateTime)

func TestHints(t *testing.T) {
	doc := loadDoc(t, doc30)
	s := doc.Components.Schemas["Hints"].Value
	g := New(Options{})
	for seed := int64(1); seed <= 50; seed++ {
		v, err := g.Value(gofakeit.New(seed), s, "")
		require.NoError(t, err)
		m := v.(map[string]any)
		assert.Contains(t, m["email"], "@")
		assert.Regexp(t, dateTimeRE, m["createdAt"])
		assert.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, m["updated_at"])
		assert.True(t, strings.HasPrefix(m["avatarUrl"].(string), "https://"), m["avatarUrl"])
		assert.Regexp(t, `^[0-9a-f-]{36}$`, m["id"])
		age := m["age"].(int64)
		assert.True(t, age >= 18 && age <= 90)
		p := m["price"].(float64)
		assert.True(t, p >= 1 && p <= 1000)
		assert.LessOrEqual(t, len(m["emailShort"].(string)), 5)
		assert.Len(t, m["countryCode"], 2)
		assert.Regexp(t, `^\d+\.\d+\.\d+$`, m["version"])
		lat := m["latitude"].(float64)
		assert.True(t, lat >= -90 && lat <= 90)
		assert.NoError(t, validate(s, roundTrip(t, v), Response, false))
	}
}

func TestModes(t *testing.T) {
	doc := loadDoc(t, doc30)
	s := doc.Components.Schemas["ObjRW"].Value
	for seed := int64(1); seed <= 30; seed++ {
		v, err := New(Options{Mode: Response}).Value(gofakeit.New(seed), s, "")
		require.NoError(t, err)
		assert.NotContains(t, v, "password")
		assert.Contains(t, v, "id")
		v, err = New(Options{Mode: Request}).Value(gofakeit.New(seed), s, "")
		require.NoError(t, err)
		assert.NotContains(t, v, "id")
		assert.Contains(t, v, "password")
	}
}

func TestOptionalOption(t *testing.T) {
	doc := loadDoc(t, doc30)
	g := New(Options{Optional: func(*gofakeit.Faker, *openapi3.Schema, string, int) bool { return false }})
	v, err := g.Value(gofakeit.New(1), doc.Components.Schemas["Obj"].Value, "")
	require.NoError(t, err)
	assert.Len(t, v, 2)
}

func TestConcurrent(t *testing.T) {
	doc := loadDoc(t, doc30)
	g := New(Options{})
	done := make(chan string, 8)
	for i := 0; i < 8; i++ {
		go func() {
			v, _ := g.Value(gofakeit.New(7), doc.Components.Schemas["AllOf"].Value, "")
			done <- jsonKey(v)
		}()
	}
	first := <-done
	for i := 1; i < 8; i++ {
		assert.Equal(t, first, <-done)
	}
}
