package mock

import (
	"io"
	"net/http"

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
}

// urlencodedBodyDecoder is kin-openapi's decoder, given the flattened
// schema of multipartBodyDecoder only where kin-openapi cannot read the
// body's own (a schema without "type: object").
func urlencodedBodyDecoder(body io.Reader, h http.Header, schema *openapi3.SchemaRef, encFn openapi3filter.EncodingFn) (any, error) {
	if schema != nil && schema.Value != nil && !schema.Value.Type.Is(openapi3.TypeObject) {
		schema = formSchema(schema)
	}
	return openapi3filter.UrlencodedBodyDecoder(body, h, schema, encFn)
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
