package mock

// Shaping: stored resources made to fit the description's schemas.

import (
	"maps"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"
)

// generateObject generates a value of an object schema, with the schema's
// examples where it gives them.
func (h *Handler) generateObject(f *gofakeit.Faker, s *openapi3.Schema) map[string]any {
	return objectOf(h.gen.Value(f, s, ""))
}

// generateVaried generates a value of an object schema with variety: the
// records a collection is seeded with differ from one another.
func (h *Handler) generateVaried(f *gofakeit.Faker, s *openapi3.Schema) map[string]any {
	return objectOf(h.genDynamic.Value(f, s, ""))
}

func objectOf(v any, _ error) map[string]any {
	if m, ok := v.(map[string]any); ok {
		return m
	}
	return map[string]any{}
}

// applyParents copies the parent ids of a nested collection into the
// resource's properties of the same name ("userId" in /users/{userId}/posts).
func (h *Handler) applyParents(res *resource, coll string, obj map[string]any) {
	if !res.nested {
		return
	}
	props := res.props
	keySegs := strings.Split(strings.TrimPrefix(res.key, "/"), "/")
	collSegs := strings.Split(strings.TrimPrefix(coll, "/"), "/")
	tmplSegs := strings.Split(strings.TrimPrefix(res.Collection, "/"), "/")
	if len(keySegs) != len(collSegs) || len(keySegs) != len(tmplSegs) {
		return
	}
	for i, seg := range keySegs {
		if seg != "{}" {
			continue
		}
		name, _ := pureParam(tmplSegs[i])
		ps, ok := props[name]
		if !ok {
			continue
		}
		raw, err := url.PathUnescape(collSegs[i])
		if err != nil {
			continue
		}
		if v, ok := convertParam(ps, raw); ok && h.validFor(ps, v) {
			obj[name] = v
		}
	}
}

// convertParam turns a query or path value into the JSON type of a
// property.
func convertParam(s *openapi3.Schema, raw string) (any, bool) {
	switch {
	case s == nil || s.Type == nil:
		return raw, true
	case s.Type.Is(openapi3.TypeInteger) || s.Type.Is(openapi3.TypeNumber):
		f, err := strconv.ParseFloat(raw, 64)
		return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	case s.Type.Is(openapi3.TypeBoolean):
		b, err := strconv.ParseBool(raw)
		return b, err == nil
	case s.Type.Is(openapi3.TypeString):
		return raw, true
	}
	return nil, false
}

// shape returns a value of schema s made from a stored resource: rec itself
// when it validates, else rec's valid properties laid over a generated value.
func (h *Handler) shape(s *openapi3.Schema, rec map[string]any, f func() *gofakeit.Faker, trusted bool, idField string) any {
	if s == nil || trusted || h.validFor(s, rec) {
		return rec
	}
	g, _ := h.gen.Value(f(), s, "")
	gen, ok := g.(map[string]any)
	if !ok {
		return g // not an object schema: nothing of rec fits
	}
	props := properties(s)
	closed := s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has
	out := maps.Clone(gen)
	for k, v := range rec {
		ps, known := props[k]
		switch {
		case !known && closed:
		case known && ps.WriteOnly:
		case known && !h.validFor(ps, v):
		default:
			out[k] = v
		}
	}
	if h.validFor(s, out) {
		return out
	}
	if v, ok := rec[idField]; ok && idField != "" {
		gen[idField] = v
		if h.validFor(s, gen) {
			return gen
		}
		delete(gen, idField)
	}
	return gen
}

// stampTimes sets creation and update timestamps a resource declares as
// date-time strings to the handler's clock's now.
func (h *Handler) stampTimes(props map[string]*openapi3.Schema, obj map[string]any, create bool) {
	now := h.cfg.clock().UTC().Format(time.RFC3339)
	for name, ps := range props {
		if ps.Type == nil || !ps.Type.Is(openapi3.TypeString) || ps.Format != "date-time" {
			continue
		}
		switch strings.ToLower(strings.ReplaceAll(name, "_", "")) {
		case "createdat", "created", "creationdate", "createdate", "datecreated":
			if create {
				obj[name] = now
			}
		case "updatedat", "updated", "modifiedat", "lastmodified", "modified", "dateupdated", "lastupdated":
			obj[name] = now
		}
	}
}

// fit makes a single resource fit a response schema: the schema itself, or
// an envelope with the resource in an object property ({"data": {...}}).
func (h *Handler) fit(s *openapi3.Schema, res *resource, rec map[string]any, trusted bool, faker func() *gofakeit.Faker) (any, bool) {
	if s == nil {
		return rec, true
	}
	if s == res.item {
		return h.shape(s, rec, faker, trusted, res.IDField), true
	}
	if !isObjectSchema(s) {
		return nil, false
	}
	props := properties(s)
	overlap := 0
	for k := range rec {
		if _, ok := props[k]; ok {
			overlap++
		}
	}
	if overlap == 0 {
		names := slices.Sorted(maps.Keys(props))
		for _, pref := range []string{"data", "item", "result", "resource", "object"} {
			if i := slices.IndexFunc(names, func(n string) bool { return strings.EqualFold(n, pref) }); i > 0 {
				names[0], names[i] = names[i], names[0]
			}
		}
		for _, name := range names {
			if isObjectSchema(props[name]) {
				env := h.generateObject(faker(), s)
				env[name] = h.shape(props[name], rec, faker, false, res.IDField)
				if h.validFor(s, env) {
					return env, true
				}
			}
		}
	}
	return h.shape(s, rec, faker, false, res.IDField), true
}

// newResource builds the stored form of a resource from a client's body:
// generated values for what the client did not send, the client's values
// (except read-only ones), the id, the parents' ids and timestamps.
func (h *Handler) newResource(res *resource, coll string, obj, old map[string]any, idv any, faker func() *gofakeit.Faker) map[string]any {
	props := res.props
	// Only what the server assigns is made up: required fields the client
	// may not send (readOnly ones), other readOnly fields, and declared
	// defaults. An optional field the client left out stays out, so a
	// create-then-read shows what was sent.
	gen := h.generateObject(faker(), res.item)
	required := requiredOf(res.item)
	out := make(map[string]any, len(gen))
	for k, v := range gen {
		if ps := props[k]; required[k] || ps != nil && ps.ReadOnly {
			out[k] = v
		}
	}
	for k, ps := range props {
		if _, ok := out[k]; !ok && ps.Default != nil {
			out[k] = deepCopy(ps.Default) // never shared with the description
		}
	}
	for k, v := range old {
		out[k] = v
	}
	for k, v := range obj {
		if ps, ok := props[k]; ok && ps.ReadOnly && k != res.IDField {
			continue
		}
		out[k] = v
	}
	if res.IDField != "" {
		out[res.IDField] = idv
	}
	h.applyParents(res, coll, out)
	h.stampTimes(res.props, out, old == nil)
	shaped := h.shape(res.item, out, faker, false, res.IDField)
	if m, ok := shaped.(map[string]any); ok {
		return m
	}
	return out
}

// requiredOf is the set of properties an object schema requires, allOf
// parts included.
func requiredOf(s *openapi3.Schema) map[string]bool {
	out := map[string]bool{}
	var walk func(s *openapi3.Schema, depth int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 8 {
			return
		}
		for _, name := range s.Required {
			out[name] = true
		}
		for _, sub := range s.AllOf {
			if sub != nil {
				walk(sub.Value, depth+1)
			}
		}
	}
	walk(s, 0)
	return out
}
