package openapi

import (
	"encoding/json"
	"runtime"
	"strings"
	"sync"
	"weak"

	"github.com/getkin/kin-openapi/openapi3"
)

// Leaf schemas are the bulk of a large description: GitHub's holds about
// 35,000 schema objects without subschemas ({"type": "string", "format":
// "uri"}, say) of which about 3,400 differ, each a 752-byte
// openapi3.Schema once decoded. Decoded once and shared, equal leaves take
// one Schema: about 24 MB less on GitHub's, and that much less garbage to
// decode them.
//
// Sharing is safe because a loaded document is never changed (Document.Kin
// says so), a leaf holds no SchemaRef that resolving $refs would fill in,
// and what is kept per *openapi3.Schema elsewhere (the mock's checkers and
// generators) depends on the schema's content alone. Each occurrence keeps
// its own SchemaRef.
//
// The table is process-wide and holds the schemas weakly: a leaf lives as
// long as a document uses it, and documents loaded at the same time or one
// after the other (a reload) share theirs.
var leaves = struct {
	sync.Mutex
	m map[string]weak.Pointer[openapi3.Schema] // by the leaf's JSON text
}{m: map[string]weak.Pointer[openapi3.Schema]{}}

// maxLeafText bounds the JSON text of a leaf kept as a key: a larger schema
// object (a long description, a big example) is rarely repeated.
const maxLeafText = 1024

// leafSchema decodes the schema object v, which has no properties, items
// or compositions for pieceDecoder.schema to take apart, as kinSchema does, sharing
// the decoded Schema with every equal leaf decoded before.
func leafSchema(v any) (*openapi3.SchemaRef, error) {
	m, ok := v.(map[string]any)
	if !ok || !plainLeaf(m) {
		return kinSchema(v)
	}
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if len(data) > maxLeafText {
		return decodeSchemaText(data)
	}
	leaves.Lock()
	wp, found := leaves.m[string(data)]
	leaves.Unlock()
	if found {
		if s := wp.Value(); s != nil {
			return &openapi3.SchemaRef{Value: s}, nil
		}
	}
	ref, err := decodeSchemaText(data)
	if err != nil || !sharable(ref) {
		return ref, err
	}
	key := string(data)
	leaves.Lock()
	defer leaves.Unlock()
	if s := leaves.m[key].Value(); s != nil {
		ref.Value = s // another worker decoded it first
		return ref, nil
	}
	wp = weak.Make(ref.Value)
	leaves.m[key] = wp
	runtime.AddCleanup(ref.Value, forgetLeaf, leafKey{key, wp})
	return ref, nil
}

// leafKey is an entry of the table, for forgetLeaf.
type leafKey struct {
	text string
	wp   weak.Pointer[openapi3.Schema]
}

// forgetLeaf removes a collected leaf from the table, unless the key has
// been given to another one since.
func forgetLeaf(k leafKey) {
	leaves.Lock()
	defer leaves.Unlock()
	if leaves.m[k.text] == k.wp {
		delete(leaves.m, k.text)
	}
}

// decodeSchemaText decodes a leaf's JSON text as SchemaRef.UnmarshalJSON
// does: a leaf has no "$ref" (plainLeaf), so straight to
// Schema.UnmarshalJSON.
func decodeSchemaText(data []byte) (*openapi3.SchemaRef, error) {
	ref := &openapi3.SchemaRef{Value: &openapi3.Schema{}}
	if err := ref.Value.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	return ref, nil
}

// subschemaKeywords are the keywords whose values are, or hold, schema
// objects or references to them (a discriminator's mapping); "$" keywords ($ref, $id, $anchor, ...) give a schema an
// identity of its own.
var subschemaKeywords = []string{"properties", "items", "allOf", "anyOf", "oneOf", "not",
	"additionalProperties", "prefixItems", "contains", "patternProperties", "dependentSchemas",
	"propertyNames", "unevaluatedItems", "unevaluatedProperties", "if", "then", "else",
	"contentSchema", "definitions", "discriminator"}

// plainLeaf reports whether the schema object m has no keyword that holds
// a schema (in any spelling encoding/json would match) and no "$" keyword.
func plainLeaf(m map[string]any) bool {
	for k := range m {
		if strings.HasPrefix(k, "$") {
			return false
		}
		for _, kw := range subschemaKeywords {
			if strings.EqualFold(k, kw) {
				return false
			}
		}
	}
	return true
}

// sharable reports whether a decoded leaf is a plain schema that holds no
// SchemaRef, whatever its text held.
func sharable(ref *openapi3.SchemaRef) bool {
	s := ref.Value
	if ref.Ref != "" || len(ref.Extensions) > 0 || s == nil {
		return false
	}
	return s.Items == nil && s.Not == nil && s.Contains == nil && s.PropertyNames == nil &&
		s.If == nil && s.Then == nil && s.Else == nil && s.ContentSchema == nil &&
		s.AdditionalProperties.Schema == nil && s.UnevaluatedItems.Schema == nil &&
		s.UnevaluatedProperties.Schema == nil && s.Discriminator == nil &&
		len(s.Properties)+len(s.PatternProperties)+len(s.DependentSchemas)+len(s.Defs) == 0 &&
		len(s.AllOf)+len(s.AnyOf)+len(s.OneOf)+len(s.PrefixItems) == 0
}
