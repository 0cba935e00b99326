package fake

import (
	"errors"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"
)

// randSchema builds a random, satisfiable schema (the generator avoids
// contradictory combinations by construction).
func randSchema(r *rand.Rand, depth int) *openapi3.Schema {
	u64 := func(v uint64) *uint64 { return &v }
	f64 := func(v float64) *float64 { return &v }
	typ := func(t string) *openapi3.Types { return &openapi3.Types{t} }
	k := r.Intn(10)
	if depth > 3 {
		k = r.Intn(5)
	}
	switch k {
	case 0:
		s := &openapi3.Schema{Type: typ("string")}
		if r.Intn(2) == 0 {
			s.MinLength = uint64(r.Intn(10))
			s.MaxLength = u64(s.MinLength + uint64(r.Intn(30)))
		}
		formats := []string{"", "", "date-time", "date", "email", "uuid", "uri", "byte", "ipv4", "ipv6", "hostname"}
		if s.MaxLength == nil {
			s.Format = formats[r.Intn(len(formats))]
		}
		if s.Format == "" && r.Intn(4) == 0 {
			s.Pattern = []string{`^[a-z]{2,5}$`, `^[0-9]+$`, `^[A-Z][a-z]*-\d{2}$`}[r.Intn(3)]
			s.MinLength, s.MaxLength = 0, nil
		}
		return s
	case 1:
		s := &openapi3.Schema{Type: typ("integer")}
		if r.Intn(2) == 0 {
			lo := float64(r.Intn(200) - 100)
			s.Min = &lo
			s.Max = f64(lo + float64(r.Intn(300)+20))
		}
		if r.Intn(3) == 0 {
			s.MultipleOf = f64(float64(r.Intn(9) + 1))
		}
		if r.Intn(3) == 0 {
			s.Format = "int32"
		}
		if r.Intn(4) == 0 {
			b := true
			s.ExclusiveMin.Bool = &b
		}
		return s
	case 2:
		s := &openapi3.Schema{Type: typ("number")}
		if r.Intn(2) == 0 {
			lo := r.Float64()*200 - 100
			s.Min = &lo
			s.Max = f64(lo + r.Float64()*100 + 1)
		}
		if r.Intn(3) == 0 {
			s.MultipleOf = f64([]float64{0.01, 0.1, 0.25, 0.5, 2.5, 0.05}[r.Intn(6)])
		}
		if r.Intn(4) == 0 {
			s.ExclusiveMax.Value = f64(1e6)
		}
		return s
	case 3:
		return &openapi3.Schema{Type: typ("boolean")}
	case 4:
		return &openapi3.Schema{Type: typ("string"), Enum: []any{"a", "b", "c"}[:1+r.Intn(3)]}
	case 5, 6:
		s := &openapi3.Schema{Type: typ("object"), Properties: openapi3.Schemas{}}
		n := 1 + r.Intn(5)
		names := []string{"id", "name", "email", "createdAt", "price", "tags", "status", "count", "url", "x", "description", "avatarUrl"}
		for i := 0; i < n; i++ {
			nm := names[r.Intn(len(names))]
			s.Properties[nm] = &openapi3.SchemaRef{Value: randSchema(r, depth+1)}
			if r.Intn(2) == 0 {
				s.Required = append(s.Required, nm)
			}
		}
		s.Required = dedupeUnsorted(s.Required)
		switch r.Intn(4) {
		case 0:
			no := false
			s.AdditionalProperties.Has = &no
		case 1:
			s.AdditionalProperties.Schema = &openapi3.SchemaRef{Value: randSchema(r, depth+2)}
		}
		if r.Intn(5) == 0 {
			s.MaxProps = u64(uint64(len(s.Required) + r.Intn(2)))
		}
		return s
	case 7:
		s := &openapi3.Schema{Type: typ("array"), Items: &openapi3.SchemaRef{Value: randSchema(r, depth+1)}}
		if r.Intn(2) == 0 {
			s.MinItems = uint64(r.Intn(3))
			s.MaxItems = u64(s.MinItems + uint64(r.Intn(4)))
		}
		if r.Intn(4) == 0 {
			s.UniqueItems = true
		}
		return s
	case 8:
		// allOf of two compatible schemas
		a := randSchema(r, depth+1)
		b := &openapi3.Schema{}
		if a.Type != nil && (*a.Type)[0] == "object" {
			b.Properties = openapi3.Schemas{"extra": {Value: &openapi3.Schema{Type: typ("string")}}}
			b.Required = []string{}
		} else if a.Type != nil && (*a.Type)[0] == "integer" {
			b.Min = f64(-1000)
		}
		return &openapi3.Schema{AllOf: openapi3.SchemaRefs{{Value: a}, {Value: b}}}
	default:
		// oneOf of distinct types / anyOf
		a := &openapi3.Schema{Type: typ("string"), MaxLength: u64(8)}
		b := &openapi3.Schema{Type: typ("integer")}
		c := randSchema(r, depth+1)
		if r.Intn(2) == 0 {
			return &openapi3.Schema{OneOf: openapi3.SchemaRefs{{Value: a}, {Value: b}}}
		}
		return &openapi3.Schema{AnyOf: openapi3.SchemaRefs{{Value: a}, {Value: c}}}
	}
}

func TestPropertyRandomSchemas(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	g := New(Options{})
	start := time.Now()
	failures := 0
	for i := 0; i < 1500; i++ {
		s := randSchema(r, 0)
		for seed := int64(1); seed <= 5; seed++ {
			v, err := g.Value(gofakeit.New(seed), s, "")
			if err != nil {
				// Only acceptable for genuinely unsatisfiable schemas; the
				// random schemas are built satisfiable except for unique
				// arrays of tiny domains and exhausted oneOf attempts.
				require.True(t, errors.Is(err, ErrUnsatisfiable), "%v", err)
				failures++
				continue
			}
			rv := roundTrip(t, v)
			require.NoError(t, validate(s, rv, Response, false), "schema %d seed %d: %s\nschema: %s", i, seed, jsonKey(v), jsonKey(s))
		}
	}
	require.Less(t, failures, 20, "too many ErrUnsatisfiable")
	require.Less(t, time.Since(start), 10*time.Second)
	t.Logf("unsatisfiable: %d", failures)
}

func TestHostileSchemasNeverPanic(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	g := New(Options{})
	weird := func() *openapi3.Schema {
		u := func(v uint64) *uint64 { return &v }
		f := func(v float64) *float64 { return &v }
		s := &openapi3.Schema{}
		types := []string{"string", "integer", "number", "array", "object", "boolean", "null", "bogus"}
		if r.Intn(4) > 0 {
			s.Type = &openapi3.Types{types[r.Intn(len(types))]}
		}
		if r.Intn(2) == 0 {
			s.MinLength = []uint64{0, 5, 1e9, 1 << 62}[r.Intn(4)]
			s.MaxLength = u([]uint64{0, 3, 1e12}[r.Intn(3)])
		}
		if r.Intn(2) == 0 {
			s.Min = f([]float64{-1e308, 0, 5, 1e308}[r.Intn(4)])
			s.Max = f([]float64{-1e308, 0, 3, 1e308}[r.Intn(4)])
		}
		if r.Intn(3) == 0 {
			s.MultipleOf = f([]float64{0, -1, 1e-300, 1e300, 0.3}[r.Intn(5)])
		}
		if r.Intn(3) == 0 {
			s.MinItems = []uint64{5, 1e9}[r.Intn(2)]
			s.MaxItems = u(0)
			s.Items = &openapi3.SchemaRef{Value: &openapi3.Schema{Enum: []any{1}}}
			s.UniqueItems = r.Intn(2) == 0
		}
		if r.Intn(3) == 0 {
			s.Enum = []any{map[string]any{"a": 1}, 3.5, "x", nil}[:r.Intn(4)]
		}
		if r.Intn(4) == 0 {
			s.MinProps = []uint64{3, 1e9}[r.Intn(2)]
			s.MaxProps = u(1)
		}
		if r.Intn(5) == 0 {
			s.Pattern = []string{`(`, `^a{5}$`, `[[:alpha:]]+`}[r.Intn(3)]
		}
		if r.Intn(5) == 0 {
			s.Format = []string{"date", "date-time", "uuid", "weird"}[r.Intn(4)]
		}
		if r.Intn(6) == 0 {
			s.AllOf = openapi3.SchemaRefs{{Value: s}} // self cycle
		}
		if r.Intn(6) == 0 {
			s.Not = &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}}}
		}
		return s
	}
	start := time.Now()
	for i := 0; i < 2000; i++ {
		s := weird()
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("panic on case %d: %v", i, p)
				}
			}()
			v, err := g.Value(gofakeit.New(int64(i)), s, "")
			if err != nil {
				require.True(t, errors.Is(err, ErrUnsatisfiable), "%v", err)
				return
			}
			b := jsonKey(v)
			require.Less(t, len(b), 1<<20, fmt.Sprintf("output too big for case %d", i))
		}()
	}
	require.Less(t, time.Since(start), 10*time.Second)
}
