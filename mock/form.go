package mock

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// kin-openapi's multipart/form-data decoder rejects every part its schema
// does not declare ("part apidogToken: undefined"), even where the schema
// allows more properties, while its urlencoded decoder drops such fields;
// and neither reads a form whose schema is an allOf without "type:
// object". The mock reads both alike. kin-openapi keeps one decoder per
// media type for the whole process, so these are registered for every
// user of openapi3filter in it.
func init() {
	openapi3filter.RegisterBodyDecoder("multipart/form-data", multipartBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/x-www-form-urlencoded", urlencodedBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/plain", plainBodyDecoder)
}

// plainBodyDecoder is kin-openapi's text/plain decoder, except where the
// body's schema names types and string is none of them (App Center's
// release update: text/plain with an object schema): there a body that
// parses as JSON is read as that JSON, the only text such a schema can
// describe, instead of a string every request was refused for (#15).
// kin-openapi also decodes a multipart part with this decoder and needs a
// string from it: a part, which carries a Content-Disposition, is left to
// kin-openapi's decoder.
func plainBodyDecoder(body io.Reader, h http.Header, schema *openapi3.SchemaRef, encFn openapi3filter.EncodingFn) (any, error) {
	raw, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	if h.Get("Content-Disposition") == "" && schema != nil && schema.Value != nil && schema.Value.Type != nil &&
		len(*schema.Value.Type) > 0 && !schema.Value.Type.Includes(openapi3.TypeString) {
		var v any
		if json.Unmarshal(raw, &v) == nil {
			return v, nil
		}
	}
	return openapi3filter.PlainBodyDecoder(bytes.NewReader(raw), h, schema, encFn)
}

// urlencodedBodyDecoder is kin-openapi's decoder, given the flattened
// schema of multipartBodyDecoder only where kin-openapi cannot read the
// body's own (a schema without "type: object"). Fields kin-openapi cannot
// decode are read liberally instead of refusing the request (#15): a
// field whose schema has no type (kin-openapi makes it null), an object
// not encoded as deepObject, an array of objects or of untyped items. Such
// a value is taken as JSON when it parses as JSON, else as the string
// sent, and then validated against the body's schema like any other.
func urlencodedBodyDecoder(body io.Reader, h http.Header, schema *openapi3.SchemaRef, encFn openapi3filter.EncodingFn) (any, error) {
	if schema != nil && schema.Value != nil && !schema.Value.Type.Is(openapi3.TypeObject) {
		schema = formSchema(schema)
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	if schema == nil || schema.Value == nil {
		return openapi3filter.UrlencodedBodyDecoder(bytes.NewReader(raw), h, schema, encFn)
	}
	var lenient []string
	decodable := schema
	for name, p := range schema.Value.Properties {
		if p == nil || p.Value == nil || !kinDecodes(p.Value) || p.Value.Type.Is(openapi3.TypeObject) && (!deepObject(encFn, name) || holdsComposed(p.Value, 0)) ||
			p.Value.Type.Is(openapi3.TypeArray) && deepObjectStyle(encFn, name) {
			lenient = append(lenient, name)
		}
	}
	if len(lenient) > 0 {
		cp := *schema.Value
		cp.Properties = maps.Clone(cp.Properties)
		for _, name := range lenient {
			delete(cp.Properties, name)
		}
		decodable = &openapi3.SchemaRef{Value: &cp}
	}
	v, err := openapi3filter.UrlencodedBodyDecoder(bytes.NewReader(raw), h, decodable, encFn)
	obj, isObj := v.(map[string]any)
	if err != nil || !isObj {
		return v, err
	}
	emptyRequiredArrays(schema.Value, obj)
	values, err := url.ParseQuery(string(raw))
	if err != nil {
		return nil, err
	}
	undeclaredFields(schema.Value, values, obj)
	for _, name := range lenient {
		if vs, ok := values[name]; ok {
			obj[name] = lenientField(schema.Value.Properties[name], vs)
		} else if tree, ok := bracketed(values, name); ok {
			obj[name] = shapeBracketed(schema.Value.Properties[name], tree, 0)
		}
	}
	return obj, nil
}

// deepObjectStyle reports whether the form field name is declared
// deepObject (Stripe declares it for arrays too: expand[0]=data).
func deepObjectStyle(encFn openapi3filter.EncodingFn, name string) bool {
	return encFn != nil && encFn(name).SerializationMethod().Style == openapi3.SerializationDeepObject
}

// maxBracketDepth bounds the nesting read from bracketed field names.
const maxBracketDepth = 8

// bracketed gathers the fields written name[a][b]=v or name[]=v, as
// clients send deepObject values and arrays (Stripe's libraries send
// line_items[0][price]=p and expand[]=x), into a tree of maps whose leaves
// are the values sent; "[]" collects its values under the key "".
func bracketed(values url.Values, name string) (map[string]any, bool) {
	root := map[string]any{}
	found := false
	for key, vs := range values {
		if !strings.HasPrefix(key, name+"[") || !strings.HasSuffix(key, "]") {
			continue
		}
		path := strings.Split(key[len(name)+1:len(key)-1], "][")
		if len(path) > maxBracketDepth {
			continue
		}
		node := root
		for _, seg := range path[:len(path)-1] {
			child, ok := node[seg].(map[string]any)
			if !ok {
				child = map[string]any{}
				node[seg] = child
			}
			node = child
		}
		node[path[len(path)-1]] = vs
		found = true
	}
	return root, found
}

// shapeBracketed turns a tree from bracketed into the value its schema p
// describes: a map with index keys (or "[]" values) into an array, the
// values sent read as lenientValue reads them.
func shapeBracketed(p *openapi3.SchemaRef, v any, depth int) any {
	var s *openapi3.Schema
	if p != nil {
		s = p.Value
	}
	if t, ok := v.(map[string]any); ok && s != nil && (s.Type == nil || len(*s.Type) == 0) {
		// A oneOf or anyOf (an array or "", an object or ""): the
		// branch of the shape sent, indexes for an array, names for an
		// object.
		if b := branchFor(s, t); b != nil {
			return shapeBracketed(b, v, depth+1)
		}
	}
	switch t := v.(type) {
	case []string:
		if s != nil && s.Type.Is(openapi3.TypeArray) {
			return lenientField(p, t)
		}
		if len(t) == 0 {
			return nil
		}
		return lenientValue(p, t[0])
	case map[string]any:
		if s != nil && s.Type.Is(openapi3.TypeArray) && depth < maxBracketDepth {
			var items *openapi3.SchemaRef
			if s.Items != nil {
				items = s.Items
			}
			idx := make([]int, 0, len(t))
			var out []any
			for k, e := range t {
				if k == "" {
					if vs, ok := e.([]string); ok {
						for _, one := range vs {
							out = append(out, lenientValue(items, one))
						}
					}
					continue
				}
				if n, err := strconv.Atoi(k); err == nil && n >= 0 {
					idx = append(idx, n)
				}
			}
			sort.Ints(idx)
			for _, n := range idx {
				out = append(out, shapeBracketed(items, t[strconv.Itoa(n)], depth+1))
			}
			return out
		}
		out := make(map[string]any, len(t))
		for k, e := range t {
			var prop *openapi3.SchemaRef
			if s != nil {
				prop = s.Properties[k]
				if prop == nil && s.AdditionalProperties.Schema != nil {
					prop = s.AdditionalProperties.Schema
				}
			}
			out[k] = shapeBracketed(prop, e, depth+1)
		}
		if s != nil {
			emptyRequiredArrays(s, out)
		}
		return out
	}
	return v
}

// undeclaredFields adds to obj the plain fields of the form that s does not
// declare, where s allows any more properties: kin-openapi's decoder drops
// them, so that a property required but not declared (Box's grant_type,
// Eqivo's ConferenceName: in "required", missing from "properties") was
// found missing however it was sent (#15). Bracketed fields belong to
// their declared names; where s types or forbids more properties, they
// are dropped as before.
func undeclaredFields(s *openapi3.Schema, values url.Values, obj map[string]any) {
	if s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has || s.AdditionalProperties.Schema != nil {
		return
	}
	for name, vs := range values {
		if _, declared := s.Properties[name]; declared || len(vs) == 0 || strings.ContainsAny(name, "[]") {
			continue
		}
		if _, has := obj[name]; !has {
			obj[name] = vs[0]
		}
	}
}

// emptyRequiredArrays gives each required array property of s that obj
// lacks an empty array. A form has no way to write an empty array (name[]=
// is one empty string), so a client whose array is empty sends nothing
// for it, as Stripe's clients do for phases[0][items]; the mock reads that
// as the empty array it stands for, not as a missing property (#15). The
// schema's minItems still applies.
func emptyRequiredArrays(s *openapi3.Schema, obj map[string]any) {
	for _, name := range s.Required {
		if _, has := obj[name]; has {
			continue
		}
		if p := s.Properties[name]; p != nil && p.Value != nil && p.Value.Type.Is(openapi3.TypeArray) {
			obj[name] = []any{}
		}
	}
}

// branchFor picks the oneOf or anyOf branch of s that a bracketed tree
// fits: an array for index keys ("0", "1", or "" for name[]), else an
// object; nil when s has no such branch.
func branchFor(s *openapi3.Schema, t map[string]any) *openapi3.SchemaRef {
	indexes := len(t) > 0
	for k := range t {
		if _, err := strconv.Atoi(k); err != nil && k != "" {
			indexes = false
			break
		}
	}
	want := openapi3.TypeObject
	if indexes {
		want = openapi3.TypeArray
	}
	for _, b := range append(append(openapi3.SchemaRefs(nil), s.OneOf...), s.AnyOf...) {
		if b != nil && b.Value != nil && b.Value.Type.Is(want) {
			return b
		}
	}
	return nil
}

// holdsComposed reports an object schema with a property, at any depth of
// nested objects, that is a oneOf or anyOf without a type of its own
// (Stripe's effective_date: a timestamp or "now"): kin-openapi's deepObject
// decoder reads such a value as text, and "123" then matches no branch.
// The mock reads those objects itself (shapeBracketed).
func holdsComposed(s *openapi3.Schema, depth int) bool {
	if s == nil || depth > maxBracketDepth {
		return false
	}
	for _, p := range s.Properties {
		if p == nil || p.Value == nil {
			continue
		}
		v := p.Value
		if (v.Type == nil || len(*v.Type) == 0) && len(v.OneOf)+len(v.AnyOf) > 0 {
			return true
		}
		if v.Type.Is(openapi3.TypeObject) && holdsComposed(v, depth+1) {
			return true
		}
	}
	return false
}

// kinDecodes reports whether kin-openapi's urlencoded decoder reads a
// field of schema s: a primitive type, or an array of them (objects only
// when deepObject-encoded, which is left to kin-openapi to judge).
func kinDecodes(s *openapi3.Schema) bool {
	switch {
	case s.Type == nil || len(*s.Type) == 0:
		return len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) > 0
	case s.Type.Is(openapi3.TypeArray):
		if s.Items == nil || s.Items.Value == nil {
			return false
		}
		it := s.Items.Value.Type
		return it.Is(openapi3.TypeString) || it.Is(openapi3.TypeInteger) || it.Is(openapi3.TypeNumber) || it.Is(openapi3.TypeBoolean)
	}
	return true
}

// deepObject reports whether the form field name is encoded in a way
// kin-openapi decodes as an object: deepObject, or form without explode.
func deepObject(encFn openapi3filter.EncodingFn, name string) bool {
	if encFn == nil {
		return false
	}
	sm := encFn(name).SerializationMethod()
	return sm.Style == openapi3.SerializationDeepObject || sm.Style == openapi3.SerializationForm && !sm.Explode
}

// lenientField reads the values of one form field kin-openapi cannot
// decode (see urlencodedBodyDecoder).
func lenientField(p *openapi3.SchemaRef, vs []string) any {
	if p != nil && p.Value != nil && p.Value.Type.Is(openapi3.TypeArray) {
		var items *openapi3.SchemaRef
		if p.Value.Items != nil {
			items = p.Value.Items
		}
		if len(vs) == 1 {
			// The whole array as one JSON value: [{"id":1},{"id":2}].
			var whole []any
			if err := json.Unmarshal([]byte(vs[0]), &whole); err == nil {
				return whole
			}
		}
		out := make([]any, 0, len(vs))
		for _, v := range vs {
			out = append(out, lenientValue(items, v))
		}
		return out
	}
	if len(vs) == 0 {
		return nil
	}
	return lenientValue(p, vs[0])
}

func lenientValue(p *openapi3.SchemaRef, v string) any {
	if p != nil && p.Value != nil && p.Value.Type.Is(openapi3.TypeString) {
		return v
	}
	var decoded any
	if err := json.Unmarshal([]byte(v), &decoded); err == nil {
		return decoded
	}
	return v
}

// multipartBodyDecoder decodes a multipart/form-data body as kin-openapi
// does, against a schema that declares the properties of the body's schema
// and of its allOf, anyOf and oneOf members in one place: parts no schema
// declares are dropped unless the schema or one of its allOf members forbids
// more properties (additionalProperties or unevaluatedProperties false),
// in which case they stay an error. The value decoded is then validated
// against the body's own schema, as before.
func multipartBodyDecoder(body io.Reader, h http.Header, schema *openapi3.SchemaRef, encFn openapi3filter.EncodingFn) (any, error) {
	return openapi3filter.MultipartBodyDecoder(body, h, formSchema(schema), encFn)
}

// maxFormSchemaDepth bounds how deeply nested allOf, anyOf and oneOf are
// followed to find declared properties.
const maxFormSchemaDepth = 8

// formSchema flattens schema for decoding a form (see multipartBodyDecoder).
func formSchema(ref *openapi3.SchemaRef) *openapi3.SchemaRef {
	if ref == nil || ref.Value == nil {
		return ref
	}
	s := ref.Value
	props := openapi3.Schemas{}
	closed := collectForm(s, props, true, 0)
	flat := &openapi3.Schema{
		Type:       s.Type,
		Properties: props,
	}
	if flat.Type == nil || len(*flat.Type) == 0 {
		flat.Type = &openapi3.Types{openapi3.TypeObject}
	}
	open := !closed
	flat.AdditionalProperties = openapi3.AdditionalProperties{Has: &open}
	return &openapi3.SchemaRef{Value: flat}
}

// collectForm adds the properties s declares to props (the first
// declaration of a name wins) and reports whether s forbids others; only
// s itself and its allOf members can, an anyOf or oneOf member is one
// choice among several.
func collectForm(s *openapi3.Schema, props openapi3.Schemas, counts bool, depth int) (closed bool) {
	if s == nil || depth > maxFormSchemaDepth {
		return false
	}
	for name, p := range s.Properties {
		if _, ok := props[name]; !ok && p != nil && p.Value != nil {
			props[name] = p
		}
	}
	if counts {
		if has := s.AdditionalProperties.Has; has != nil && !*has {
			closed = true
		}
		if has := s.UnevaluatedProperties.Has; has != nil && !*has {
			closed = true
		}
	}
	for _, m := range s.AllOf {
		if m != nil && collectForm(m.Value, props, counts, depth+1) {
			closed = true
		}
	}
	for _, list := range []openapi3.SchemaRefs{s.AnyOf, s.OneOf} {
		for _, m := range list {
			if m != nil {
				collectForm(m.Value, props, false, depth+1)
			}
		}
	}
	return closed
}
