package openapi

import (
	"maps"
	"slices"
	"sort"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// Info is the document's info object: what the API calls itself.
type Info struct {
	Title       string
	Description string
	// Version is the API's own version (info.version), not the OpenAPI
	// version (Document.Version).
	Version string
}

// Info returns the document's title, description and API version.
func (d *Document) Info() Info {
	if d.t == nil || d.t.Info == nil {
		return Info{}
	}
	i := d.t.Info
	return Info{Title: i.Title, Description: i.Description, Version: i.Version}
}

// Parameter is one of an operation's effective parameters.
type Parameter struct {
	Name string
	// In is where the parameter travels: "path", "query", "header" or
	// "cookie".
	In          string
	Description string
	Required    bool
	Deprecated  bool
}

// SecurityRequirement is one alternative of an operation's security
// requirement: the security schemes (by their name in
// components.securitySchemes) that must all be satisfied, each with the
// scopes it needs. An empty SecurityRequirement admits anyone.
type SecurityRequirement map[string][]string

// RequestBody describes an operation's request body.
type RequestBody struct {
	Description string
	Required    bool
	// ContentTypes are the media types the body may have, sorted
	// ("application/json", "multipart/form-data", ...).
	ContentTypes []string
}

// Response is one response an operation declares.
type Response struct {
	// Status is the key as written: "200", "4XX" or "default".
	Status      string
	Description string
	// ContentTypes are the media types of its body, sorted; empty for a
	// response without a body.
	ContentTypes []string
}

// Summary returns the operation's summary.
func (o *Operation) Summary() string { return o.kin().Summary }

// Description returns the operation's description.
func (o *Operation) Description() string { return o.kin().Description }

// Deprecated reports whether the operation is marked deprecated.
func (o *Operation) Deprecated() bool { return o.kin().Deprecated }

// Tags returns the operation's tags.
func (o *Operation) Tags() []string { return slices.Clone(o.kin().Tags) }

// Extension returns the value of the operation's x- extension name
// ("x-mock-visibility"), as decoded from JSON or YAML. The value is shared
// with the document and must not be modified.
func (o *Operation) Extension(name string) (any, bool) {
	v, ok := o.kin().Extensions[name]
	return v, ok
}

// Extensions returns the operation's x- extensions, by name, never nil.
// The map is a copy; the values are shared with the document and must not
// be modified.
func (o *Operation) Extensions() map[string]any {
	out := make(map[string]any, len(o.kin().Extensions))
	maps.Copy(out, o.kin().Extensions)
	return out
}

// Parameters returns the operation's effective parameters: the path
// item's merged with the operation's own (the operation's win on the same
// name and location).
func (o *Operation) Parameters() []Parameter {
	out := make([]Parameter, 0, len(o.params))
	for _, ref := range o.params {
		if ref == nil || ref.Value == nil {
			continue
		}
		p := ref.Value
		out = append(out, Parameter{Name: p.Name, In: p.In, Description: p.Description,
			Required: p.Required, Deprecated: p.Deprecated})
	}
	return out
}

// Security returns the security requirement in force, the operation's own
// or else the document's: a request must satisfy one of the alternatives.
// It returns nil when none is declared, and an empty, non-nil slice when
// the operation explicitly needs none ("security: []").
func (o *Operation) Security() []SecurityRequirement {
	if o.security == nil {
		return nil
	}
	out := make([]SecurityRequirement, 0, len(o.security))
	for _, req := range o.security {
		r := make(SecurityRequirement, len(req))
		for name, scopes := range req {
			r[name] = slices.Clone(scopes)
			if r[name] == nil {
				r[name] = []string{}
			}
		}
		out = append(out, r)
	}
	return out
}

// RequestBody returns the operation's request body, or nil when it
// declares none.
func (o *Operation) RequestBody() *RequestBody {
	op := o.kin()
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	rb := op.RequestBody.Value
	return &RequestBody{Description: rb.Description, Required: rb.Required, ContentTypes: contentTypes(rb.Content)}
}

// Responses returns the responses the operation declares: explicit status
// codes in ascending order, then ranges ("4XX"), then "default".
func (o *Operation) Responses() []Response {
	op := o.kin()
	if op.Responses == nil {
		return nil
	}
	m := op.Responses.Map()
	out := make([]Response, 0, len(m))
	for status, ref := range m {
		r := Response{Status: status}
		if ref != nil && ref.Value != nil {
			if ref.Value.Description != nil {
				r.Description = *ref.Value.Description
			}
			r.ContentTypes = contentTypes(ref.Value.Content)
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		ri, rj := statusRank(out[i].Status), statusRank(out[j].Status)
		if ri != rj {
			return ri < rj
		}
		return out[i].Status < out[j].Status
	})
	return out
}

// statusRank orders response keys: codes, then ranges, then default, then
// whatever else a document holds.
func statusRank(key string) int {
	if code, err := strconv.Atoi(key); err == nil {
		return code
	}
	if len(key) == 3 && key[0] >= '1' && key[0] <= '5' && (key[1] == 'X' || key[1] == 'x') {
		return 1000 + int(key[0]-'0')
	}
	if key == "default" {
		return 2000
	}
	return 3000
}

func contentTypes(c openapi3.Content) []string {
	if len(c) == 0 {
		return nil
	}
	return slices.Sorted(maps.Keys(c))
}

// noOperation stands in for the kin-openapi operation of an Operation not
// made by a loader, so that its accessors return zero values.
var noOperation openapi3.Operation

func (o *Operation) kin() *openapi3.Operation {
	if o.op == nil {
		return &noOperation
	}
	return o.op
}

// Kin returns the kin-openapi operation the Operation was built from, for
// what the Operation's own accessors do not offer.
//
// Kin is outside the v1 compatibility promise: its type follows
// kin-openapi, which is not at v1 and changes between minor versions. The
// operation is shared by everything built from its Document and must be
// treated as read-only: the mock's generator and validators rely on its
// schemas never changing. Kin returns nil for an Operation not made by this
// package's loaders.
func (o *Operation) Kin() *openapi3.Operation { return o.op }
