package openapi

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// errNotSplit: the document's top level is not shaped so that splitDocument
// can take apart (paths or components that are not mappings, say); the
// loader then gives the whole document to kin-openapi, whose error, if any,
// is the one the user sees.
var errNotSplit = errors.New("document not split")

// splitDocument and splitDoc.decode build kin-openapi's document from the
// generic tree as openapi3.Loader.LoadFromData does before it resolves
// references, with the same result, in a fraction of the time on large
// documents.
//
// kin-openapi decodes every object twice, once into its struct and once
// into a map that collects its extensions, and each nested object is
// decoded again by its own UnmarshalJSON: a document is decoded generically
// once per level of nesting. Decoding each component and each path item on
// its own skips the outer levels (the document, components and each
// component map, paths), where most of the bytes are, and spreads the rest
// over the machine's cores.
func splitDocument(root map[string]any) (*splitDoc, error) {
	paths, hasPaths := root["paths"]
	if paths != nil && !isMap(paths) {
		return nil, errNotSplit
	}
	components, _ := root["components"].(map[string]any)
	if c, has := root["components"]; has && c != nil && components == nil {
		return nil, errNotSplit
	}
	for section := range sections {
		if v, has := components[section]; has && v != nil && !isMap(v) {
			return nil, errNotSplit
		}
	}

	// The top level without its two large members, decoded as kin's
	// T.UnmarshalJSON does, minus its generic pass over the whole document.
	top := make(map[string]any, len(root))
	for k, v := range root {
		if k != "paths" && k != "components" {
			top[k] = v
		}
	}
	type plainT openapi3.T // no UnmarshalJSON method
	t := &openapi3.T{}
	if err := remarshal(top, (*plainT)(t)); err != nil {
		return nil, errNotSplit
	}
	ext, err := extensions(top, func(k string) bool { return docKeys[k] })
	if err != nil {
		return nil, err
	}
	t.Extensions = ext

	var jobs []decodeJob
	add := func(section, name string, v any) {
		jobs = append(jobs, decodeJob{section: section, name: name, value: v})
	}
	if components != nil {
		t.Components = &openapi3.Components{}
		if t.Components.Extensions, err = extensions(components, isSection); err != nil {
			return nil, err
		}
		for section := range sections {
			entries, _ := components[section].(map[string]any)
			for name, v := range entries {
				add(section, name, v)
			}
		}
	}
	if hasPaths && paths != nil {
		pathMap := paths.(map[string]any)
		t.Paths = openapi3.NewPathsWithCapacity(len(pathMap))
		t.Paths.Extensions = map[string]any{}
		for name, v := range pathMap {
			if strings.HasPrefix(name, "x-") {
				var e any
				if err := remarshal(v, &e); err != nil {
					return nil, err
				}
				t.Paths.Extensions[name] = e
				continue
			}
			add("paths", name, v)
		}
	}
	return &splitDoc{t: t, jobs: jobs}, nil
}

// splitDoc is a document taken apart by splitDocument: its top level
// decoded, each component and path item a generic tree, which runJobs
// decodes: through fromTree's decoders where one takes the section, as
// JSON text for kin-openapi otherwise.
type splitDoc struct {
	t    *openapi3.T
	jobs []decodeJob
}

// decode decodes the pieces on every core and puts them together. An
// error names the piece at fault.
func (d *splitDoc) decode() (*openapi3.T, error) {
	if i, err := runJobs(d.jobs); err != nil {
		j := d.jobs[i]
		p := "/paths/" + escapeToken(j.name)
		if j.section != "paths" {
			p = "/components/" + j.section + "/" + escapeToken(j.name)
		}
		return nil, &pieceError{pointer: p, err: err}
	}
	for i := range d.jobs {
		d.jobs[i].store(d.t)
	}
	resolveLoneRefs(d.t, d.jobs)
	return d.t, nil
}

// resolveLoneRefs points each lone $ref to a component (a schema,
// parameter, request body or response) that the jobs found at the
// component's value, as kin-openapi's ResolveRefsIn would: the same
// *Schema, *Parameter, ... every reference to it shares. kin's resolver
// leaves a reference whose value is set alone, where it would otherwise
// walk the value behind it again for every reference, sorting each
// object's members on the way: on Microsoft Graph's description, well
// over a second on one core. References it cannot settle here (an escaped
// or missing name, a component that is itself a $ref) are left to kin.
func resolveLoneRefs(t *openapi3.T, jobs []decodeJob) {
	if t.Components == nil {
		return
	}
	for i := range jobs {
		for _, r := range jobs[i].lone {
			r.resolve(t.Components, r.name)
		}
		jobs[i].lone = nil
	}
}

// loneRef is a reference found by a pieceDecoder: the component's name
// and how to point the reference at its value.
type loneRef struct {
	name    string
	resolve func(c *openapi3.Components, name string)
}

// noteLone records m, when it is a lone reference ({"$ref":
// "#/components/SECTION/NAME"} and nothing else, the name needing no
// unescaping), for resolveLoneRefs to point at the component with point.
func (d *pieceDecoder) noteLone(m map[string]any, section string, point func(c *openapi3.Components, name string)) {
	target, ok := m["$ref"].(string)
	if !ok || len(m) != 1 {
		return
	}
	if name, ok := strings.CutPrefix(target, "#/components/"+section+"/"); ok && !strings.ContainsAny(name, "/~%") {
		d.lone = append(d.lone, loneRef{name, point})
	}
}

// pieceError is a component or path item kin-openapi could not decode.
type pieceError struct {
	pointer string
	err     error
}

func (e *pieceError) Error() string { return e.err.Error() }
func (e *pieceError) Unwrap() error { return e.err }

// docKeys are the members kin-openapi's T reads; every other member is an
// extension (kin keeps unknown members that do not start with "x-" there
// too). The same goes for Components and its sections.
var docKeys = map[string]bool{"openapi": true, "components": true, "info": true, "paths": true,
	"security": true, "servers": true, "tags": true, "externalDocs": true, "webhooks": true,
	"jsonSchemaDialect": true}

// extensions decodes the members of obj that are not known, as
// kin-openapi's generic pass does; nil when there are none.
func extensions(obj map[string]any, known func(string) bool) (map[string]any, error) {
	var rest map[string]any
	for k, v := range obj {
		if known(k) {
			continue
		}
		if rest == nil {
			rest = map[string]any{}
		}
		rest[k] = v
	}
	if rest == nil {
		return nil, nil
	}
	var out map[string]any
	err := remarshal(rest, &out)
	return out, err
}

// decodeJob is one component or path item to decode.
type decodeJob struct {
	section, name string
	value         any    // its generic tree; nil once encoded or decoded
	data          []byte // its JSON text (encode); nil once decoded
	null          bool   // the value is null
	out           any    // the decoded value: *openapi3.SchemaRef, *openapi3.PathItem, ...
	pieceDecoder         // what decoded it from the tree, and the refs it found
}

// encode writes the job's value as JSON text for kin-openapi to decode,
// but the values fromTree decodes.
func (j *decodeJob) encode() error {
	if fromTree[j.section] != nil && (isMap(j.value) || j.section == "paths") {
		return nil
	}
	data, err := json.Marshal(j.value)
	if err != nil {
		return err
	}
	j.data, j.null, j.value = data, j.value == nil, nil
	return nil
}

func (j *decodeJob) decode() error {
	if dec := fromTree[j.section]; dec != nil && j.data == nil {
		v := j.value
		j.value = nil
		out, err := dec(&j.pieceDecoder, v)
		if err != nil {
			return err
		}
		j.out = out
		return nil
	}
	data := j.data
	j.data = nil
	if j.null {
		// encoding/json stores a nil pointer for null in a map of
		// pointers, without calling UnmarshalJSON.
		return nil
	}
	out, err := sections[j.section].decode(data)
	if err != nil {
		return err
	}
	j.out = out
	return nil
}

// store puts the decoded value where kin's own decoding puts it.
func (j *decodeJob) store(t *openapi3.T) {
	if j.section == "paths" {
		t.Paths.Set(j.name, j.out.(*openapi3.PathItem))
		return
	}
	sections[j.section].store(t.Components, j.name, j.out)
}

// section decodes the entries of one map of Components and puts them in
// it.
type section struct {
	decode func(data []byte) (any, error)
	store  func(c *openapi3.Components, name string, v any)
}

// sectionOf is the section held in the map field returns, of *V values
// (SchemaRef, ParameterRef, ...) decoded by their UnmarshalJSON.
func sectionOf[M ~map[string]*V, V any](field func(*openapi3.Components) *M) section {
	return section{
		decode: func(data []byte) (any, error) {
			v := new(V)
			return v, json.Unmarshal(data, v)
		},
		store: func(c *openapi3.Components, name string, v any) {
			m := field(c)
			if *m == nil {
				*m = M{}
			}
			(*m)[name], _ = v.(*V) // nil for null
		},
	}
}

// isSection reports whether k names one of Components' maps.
func isSection(k string) bool {
	_, ok := sections[k]
	return ok
}

// sections are the maps of Components, by their names in a document.
var sections = map[string]section{
	"schemas":         sectionOf(func(c *openapi3.Components) *openapi3.Schemas { return &c.Schemas }),
	"parameters":      sectionOf(func(c *openapi3.Components) *openapi3.ParametersMap { return &c.Parameters }),
	"headers":         sectionOf(func(c *openapi3.Components) *openapi3.Headers { return &c.Headers }),
	"requestBodies":   sectionOf(func(c *openapi3.Components) *openapi3.RequestBodies { return &c.RequestBodies }),
	"responses":       sectionOf(func(c *openapi3.Components) *openapi3.ResponseBodies { return &c.Responses }),
	"securitySchemes": sectionOf(func(c *openapi3.Components) *openapi3.SecuritySchemes { return &c.SecuritySchemes }),
	"examples":        sectionOf(func(c *openapi3.Components) *openapi3.Examples { return &c.Examples }),
	"links":           sectionOf(func(c *openapi3.Components) *openapi3.Links { return &c.Links }),
	"callbacks":       sectionOf(func(c *openapi3.Components) *openapi3.Callbacks { return &c.Callbacks }),
}

// fromTree are the decoders, by section, that read their piece from the
// generic tree, taking it apart where kin-openapi would decode it once per
// level of nesting (pieceDecoder.schema, decodeop.go). They take path items
// whatever their value, and the others' objects.
var fromTree = map[string]func(d *pieceDecoder, v any) (any, error){
	"schemas":       func(d *pieceDecoder, v any) (any, error) { return d.schema(v) },
	"paths":         func(d *pieceDecoder, v any) (any, error) { return d.pathItem(v) },
	"responses":     func(d *pieceDecoder, v any) (any, error) { return d.responseRef(v) },
	"parameters":    func(d *pieceDecoder, v any) (any, error) { return d.parameterRef(v.(map[string]any)) },
	"requestBodies": func(d *pieceDecoder, v any) (any, error) { return d.requestBodyRef(v.(map[string]any)) },
	"examples":      func(d *pieceDecoder, v any) (any, error) { return d.exampleRef(v.(map[string]any)) },
}

// pieceDecoder decodes one piece from the tree: a job's, on one worker.
type pieceDecoder struct {
	// lone are the references to components it decoded, which
	// resolveLoneRefs resolves before kin-openapi does.
	lone []loneRef
}

// runJobs encodes the jobs, then decodes them, on every core. All are
// encoded first, so that most of the generic tree can go before
// kin-openapi builds its own: interleaved, the two fragment the heap more
// (RSS on GitHub's description rose by about 15 MB).
func runJobs(jobs []decodeJob) (failed int, err error) {
	if i, err := inParallel(len(jobs), func(i int) error { return jobs[i].encode() }); err != nil {
		return i, err
	}
	return inParallel(len(jobs), func(i int) error { return jobs[i].decode() })
}

func remarshal(v, out any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, out)
}

func isMap(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}

// splitKeywords are the keywords of a schema whose subschemas pieceDecoder.schema
// decodes on their own: where documents nest.
var splitKeywords = []string{"properties", "items", "allOf", "anyOf", "oneOf"}

// schema decodes a schema as kin-openapi's SchemaRef.UnmarshalJSON
// does, with the same result, but without decoding its subschemas once per
// level of nesting: kin decodes the schema's own keywords (its
// UnmarshalJSON on the object without its properties, items and
// compositions), and each subschema is decoded the same way and put in
// place. What is not a plain schema object ($ref, booleans, keywords
// spelt in another case, which encoding/json would also match) goes to
// kin whole.
func (d *pieceDecoder) schema(v any) (*openapi3.SchemaRef, error) {
	m, ok := v.(map[string]any)
	if !ok || m["$ref"] != nil || folded(m, splitKeywords...) {
		ref, err := kinSchema(v)
		if err != nil {
			return nil, err
		}
		d.noteLone(m, "schemas", func(c *openapi3.Components, name string) {
			if target := c.Schemas[name]; target != nil && target.Ref == "" {
				ref.Value = target.Value
			}
		})
		return ref, nil
	}
	own := make(map[string]any, len(m))
	split := map[string]any{}
	for k, x := range m {
		if splittable(k, x) {
			split[k] = x
		} else {
			own[k] = x
		}
	}
	if len(split) == 0 {
		return leafSchema(v)
	}
	ref, err := kinSchema(own)
	if err != nil {
		return nil, err
	}
	s := ref.Value
	if s == nil {
		return kinSchema(v)
	}
	for k, x := range split {
		switch k {
		case "properties":
			props := x.(map[string]any)
			s.Properties = make(openapi3.Schemas, len(props))
			for name, p := range props {
				if s.Properties[name], err = d.schema(p); err != nil {
					return nil, err
				}
			}
		case "items":
			if s.Items, err = d.schema(x); err != nil {
				return nil, err
			}
		default:
			list := x.([]any)
			refs := make(openapi3.SchemaRefs, len(list))
			for i, e := range list {
				if refs[i], err = d.schema(e); err != nil {
					return nil, err
				}
			}
			switch k {
			case "allOf":
				s.AllOf = refs
			case "anyOf":
				s.AnyOf = refs
			case "oneOf":
				s.OneOf = refs
			}
		}
	}
	return ref, nil
}

// splittable reports whether pieceDecoder.schema decodes the value of keyword k
// itself: a mapping of schema objects for properties, a schema object for
// items, a list of schema objects for a composition.
func splittable(k string, x any) bool {
	switch k {
	case "properties":
		return isMapOfMaps(x)
	case "items":
		return isMap(x)
	case "allOf", "anyOf", "oneOf":
		return isListOfMaps(x)
	}
	return false
}

// kinSchema decodes v with kin-openapi's SchemaRef.UnmarshalJSON.
// An object without "$ref" (in any case) goes straight to
// Schema.UnmarshalJSON, which SchemaRef's calls after reading the whole
// object once more to look for a "$ref".
func kinSchema(v any) (*openapi3.SchemaRef, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	ref := &openapi3.SchemaRef{}
	if m, ok := v.(map[string]any); ok && !isRef(m) {
		ref.Value = &openapi3.Schema{}
		return ref, ref.Value.UnmarshalJSON(data)
	}
	if err := ref.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	return ref, nil
}
