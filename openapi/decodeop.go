package openapi

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The decoders below do for path items what pieceDecoder.schema does for
// schemas: kin-openapi decodes each object's own members (its
// UnmarshalJSON on the object without the members that nest), and the
// nested members (operations, parameters, request bodies, responses, media
// types, their schemas) are decoded the same way and put in place. Without
// this, kin decodes a schema inside a response of an operation of a path
// item once per level above it: on Microsoft Graph's description path
// items were a third of the start-up's CPU.
//
// Whatever is not a plain object of the expected shape (a $ref, null, a
// list where an object belongs, a member spelt in another case, which
// encoding/json would also match) goes to kin whole, so the result is
// kin's own; TestDecodeSplitIsKinsDecoding holds them to it.

// methodFields are the operations of a path item, by their member names.
var methodFields = map[string]func(*openapi3.PathItem) **openapi3.Operation{
	"connect": func(p *openapi3.PathItem) **openapi3.Operation { return &p.Connect },
	"delete":  func(p *openapi3.PathItem) **openapi3.Operation { return &p.Delete },
	"get":     func(p *openapi3.PathItem) **openapi3.Operation { return &p.Get },
	"head":    func(p *openapi3.PathItem) **openapi3.Operation { return &p.Head },
	"options": func(p *openapi3.PathItem) **openapi3.Operation { return &p.Options },
	"patch":   func(p *openapi3.PathItem) **openapi3.Operation { return &p.Patch },
	"post":    func(p *openapi3.PathItem) **openapi3.Operation { return &p.Post },
	"put":     func(p *openapi3.PathItem) **openapi3.Operation { return &p.Put },
	"trace":   func(p *openapi3.PathItem) **openapi3.Operation { return &p.Trace },
}

// pathItemSplit are the members of a path item pieceDecoder.pathItem decodes.
var pathItemSplit = []string{"connect", "delete", "get", "head", "options", "patch", "post", "put", "trace", "parameters"}

// pathItem decodes a path item as PathItem.UnmarshalJSON does.
func (d *pieceDecoder) pathItem(v any) (*openapi3.PathItem, error) {
	item := &openapi3.PathItem{}
	m, ok := v.(map[string]any)
	if !ok || folded(m, pathItemSplit...) {
		return item, kinDecode(v, item)
	}
	own, split := partition(m, func(k string, x any) bool {
		if k == "parameters" {
			return isListOfMaps(x)
		}
		return methodFields[k] != nil && isMap(x)
	})
	if err := kinDecode(own, item); err != nil {
		return nil, err
	}
	var err error
	for k, x := range split {
		if k == "parameters" {
			if item.Parameters, err = d.parameters(x.([]any)); err != nil {
				return nil, err
			}
			continue
		}
		if *methodFields[k](item), err = d.operation(x.(map[string]any)); err != nil {
			return nil, err
		}
	}
	return item, nil
}

// operation decodes an operation as Operation.UnmarshalJSON does.
func (d *pieceDecoder) operation(m map[string]any) (*openapi3.Operation, error) {
	op := &openapi3.Operation{}
	if folded(m, "parameters", "requestBody", "responses") {
		return op, kinDecode(m, op)
	}
	own, split := partition(m, func(k string, x any) bool {
		switch k {
		case "parameters":
			return isListOfMaps(x)
		case "requestBody", "responses":
			return isMap(x) // a null "responses" is kin's to mark
		}
		return false
	})
	if err := kinDecode(own, op); err != nil {
		return nil, err
	}
	var err error
	for k, x := range split {
		switch k {
		case "parameters":
			op.Parameters, err = d.parameters(x.([]any))
		case "requestBody":
			op.RequestBody, err = d.requestBodyRef(x.(map[string]any))
		case "responses":
			op.Responses, err = d.responses(x.(map[string]any))
		}
		if err != nil {
			return nil, err
		}
	}
	return op, nil
}

// parameters decodes a list of parameter objects.
func (d *pieceDecoder) parameters(list []any) (openapi3.Parameters, error) {
	out := make(openapi3.Parameters, len(list))
	for i, x := range list {
		var err error
		if out[i], err = d.parameterRef(x.(map[string]any)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// parameterRef decodes a parameter as ParameterRef's UnmarshalJSON
// does.
func (d *pieceDecoder) parameterRef(m map[string]any) (*openapi3.ParameterRef, error) {
	ref := &openapi3.ParameterRef{}
	if isRef(m) || folded(m, "schema", "content") {
		d.noteLone(m, "parameters", func(c *openapi3.Components, name string) {
			if target := c.Parameters[name]; target != nil && target.Ref == "" {
				ref.Value = target.Value
			}
		})
		return ref, kinDecode(m, ref)
	}
	ref.Value = &openapi3.Parameter{}
	own, split := partition(m, schemaOrContent)
	if err := kinDecode(own, ref.Value); err != nil {
		return nil, err
	}
	return ref, d.putSchemaAndContent(split, &ref.Value.Schema, &ref.Value.Content)
}

// requestBodyRef decodes a request body as RequestBodyRef's
// UnmarshalJSON does.
func (d *pieceDecoder) requestBodyRef(m map[string]any) (*openapi3.RequestBodyRef, error) {
	ref := &openapi3.RequestBodyRef{}
	if isRef(m) || folded(m, "content") {
		d.noteLone(m, "requestBodies", func(c *openapi3.Components, name string) {
			if target := c.RequestBodies[name]; target != nil && target.Ref == "" {
				ref.Value = target.Value
			}
		})
		return ref, kinDecode(m, ref)
	}
	ref.Value = &openapi3.RequestBody{}
	own, split := partition(m, isContent)
	if err := kinDecode(own, ref.Value); err != nil {
		return nil, err
	}
	return ref, d.putSchemaAndContent(split, nil, &ref.Value.Content)
}

// responses decodes an operation's responses as Responses'
// UnmarshalJSON does.
func (d *pieceDecoder) responses(m map[string]any) (*openapi3.Responses, error) {
	out := openapi3.NewResponsesWithCapacity(len(m))
	out.Extensions = map[string]any{}
	for k, x := range m {
		if strings.HasPrefix(k, "x-") {
			var e any
			if err := remarshal(x, &e); err != nil {
				return nil, err
			}
			out.Extensions[k] = e
			continue
		}
		ref, err := d.responseRef(x)
		if err != nil {
			return nil, err
		}
		out.Set(k, ref)
	}
	return out, nil
}

// responseRef decodes a response as ResponseRef's UnmarshalJSON
// does.
func (d *pieceDecoder) responseRef(x any) (*openapi3.ResponseRef, error) {
	ref := &openapi3.ResponseRef{}
	m, ok := x.(map[string]any)
	if !ok || isRef(m) || folded(m, "content") {
		d.noteLone(m, "responses", func(c *openapi3.Components, name string) {
			if target := c.Responses[name]; target != nil && target.Ref == "" {
				ref.Value = target.Value
			}
		})
		return ref, kinDecode(x, ref)
	}
	ref.Value = &openapi3.Response{}
	own, split := partition(m, isContent)
	if err := kinDecode(own, ref.Value); err != nil {
		return nil, err
	}
	return ref, d.putSchemaAndContent(split, nil, &ref.Value.Content)
}

// exampleRef decodes an example as ExampleRef's UnmarshalJSON does, its
// value taken from the tree as it is (numbers as float64, as
// encoding/json decodes them into an interface) rather than decoded by kin
// four times over: GitHub's description holds 1.4 MB of examples.
func (d *pieceDecoder) exampleRef(m map[string]any) (*openapi3.ExampleRef, error) {
	ref := &openapi3.ExampleRef{}
	value, has := m["value"]
	if !has || isRef(m) || folded(m, "value") {
		return ref, kinDecode(m, ref)
	}
	plain, ok := plainValue(value)
	if !ok {
		return ref, kinDecode(m, ref) // kin's error for a number out of range
	}
	own, _ := partition(m, func(k string, _ any) bool { return k == "value" })
	ref.Value = &openapi3.Example{}
	if err := kinDecode(own, ref.Value); err != nil {
		return nil, err
	}
	ref.Value.Value = plain
	return ref, nil
}

// plainValue turns a value of the tree into what encoding/json decodes
// into an interface: its json.Numbers into float64, in place. ok is false
// for a number a float64 cannot hold, which encoding/json refuses.
func plainValue(v any) (any, bool) {
	switch t := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(t), 64)
		return f, err == nil
	case map[string]any:
		for k, e := range t {
			p, ok := plainValue(e)
			if !ok {
				return nil, false
			}
			t[k] = p
		}
	case []any:
		for i, e := range t {
			p, ok := plainValue(e)
			if !ok {
				return nil, false
			}
			t[i] = p
		}
	}
	return v, true
}

// schemaOrContent tells the members pieceDecoder.schema and pieceDecoder.content
// decode: a schema object, a content map of media type objects.
func schemaOrContent(k string, x any) bool {
	return k == "schema" && isMap(x) || isContent(k, x)
}

func isContent(k string, x any) bool { return k == "content" && isMapOfMaps(x) }

// isRef reports whether m has a "$ref" member, in any case: the Ref types'
// UnmarshalJSON then decide, and their decoding goes to kin whole.
func isRef(m map[string]any) bool {
	for k := range m {
		if strings.EqualFold(k, "$ref") {
			return true
		}
	}
	return false
}

// putSchemaAndContent decodes the "schema" and "content" members split off
// an object into the fields given.
func (d *pieceDecoder) putSchemaAndContent(split map[string]any, schema **openapi3.SchemaRef, content *openapi3.Content) error {
	var err error
	if s, has := split["schema"]; has {
		if *schema, err = d.schema(s); err != nil {
			return err
		}
	}
	if c, has := split["content"]; has {
		if *content, err = d.content(c.(map[string]any)); err != nil {
			return err
		}
	}
	return nil
}

// content decodes a content map of media type objects, each as
// MediaType.UnmarshalJSON does.
func (d *pieceDecoder) content(m map[string]any) (openapi3.Content, error) {
	out := make(openapi3.Content, len(m))
	for k, x := range m {
		mt := &openapi3.MediaType{}
		media := x.(map[string]any)
		own, split := partition(media, func(k string, x any) bool { return k == "schema" && isMap(x) })
		if folded(media, "schema") {
			own, split = media, nil
		}
		if err := kinDecode(own, mt); err != nil {
			return nil, err
		}
		if s, has := split["schema"]; has {
			var err error
			if mt.Schema, err = d.schema(s); err != nil {
				return nil, err
			}
		}
		out[k] = mt
	}
	return out, nil
}

// partition parts m into the members split tells to decode apart and the
// others.
func partition(m map[string]any, split func(k string, x any) bool) (own, parts map[string]any) {
	own = make(map[string]any, len(m))
	for k, x := range m {
		if split(k, x) {
			if parts == nil {
				parts = map[string]any{}
			}
			parts[k] = x
		} else {
			own[k] = x
		}
	}
	return own, parts
}

// folded reports whether m has a member that differs from one of keys only
// in case ("Properties"): encoding/json would read it as that member, so
// the object goes to kin whole.
func folded(m map[string]any, keys ...string) bool {
	for k := range m {
		for _, key := range keys {
			if k != key && strings.EqualFold(k, key) {
				return true
			}
		}
	}
	return false
}

// isMapOfMaps reports whether x is an object whose members are all
// objects.
func isMapOfMaps(x any) bool {
	m, ok := x.(map[string]any)
	if !ok {
		return false
	}
	for _, e := range m {
		if !isMap(e) {
			return false
		}
	}
	return true
}

// isListOfMaps reports whether x is a list of objects.
func isListOfMaps(x any) bool {
	list, ok := x.([]any)
	if !ok {
		return false
	}
	for _, e := range list {
		if !isMap(e) {
			return false
		}
	}
	return true
}

// kinDecode decodes v with out's own UnmarshalJSON (kin-openapi's).
func kinDecode(v any, out json.Unmarshaler) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return out.UnmarshalJSON(data)
}
