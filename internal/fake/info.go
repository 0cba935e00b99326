package fake

import (
	"encoding/json"
	"github.com/mockapi-go/mockapi/internal/oas"
	"github.com/mockapi-go/mockapi/internal/pattern"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// info is the cached analysis of one schema.
type info struct {
	flat      *openapi3.Schema   // allOf-free equivalent (for generation only)
	checks    []*openapi3.Schema // schemas the value must also validate against
	nots      []*openapi3.Schema // schemas the value must not validate against
	needCheck bool
	err       error

	types  []string // candidate non-null types
	nullOK bool

	enum     []any // enum members that validate against the original schema
	hasConst bool
	constOK  bool
	examples []any // examples/default that validate

	props        []string // sorted declared property names
	required     map[string]bool
	reqExtra     []string // sorted required names that are not declared
	apSchema     *openapi3.Schema
	extraAllowed bool // undeclared keys are allowed
	noExtra      bool // unevaluatedProperties: false
	patProps     []patProp
	// dropped are properties an allOf member declares but another member's
	// additionalProperties: false forbids (the classic allOf mistake); they
	// are only used for best-effort values.
	dropped     openapi3.Schemas
	droppedKeys []string // sorted

	re           *pattern.Regexp // compiled pattern
	containsItem *openapi3.Schema
}

type patProp struct {
	pattern string
	re      *pattern.Regexp
	schema  *openapi3.Schema
}

type branchKey struct {
	s   *openapi3.Schema
	idx int
	one bool
}

type branch struct {
	schema *openapi3.Schema
	err    error
}

func (g *Generator) store(m interface {
	LoadOrStore(k, v any) (any, bool)
}, k, v any) any {
	if g.cached.Load() >= maxCached {
		return v
	}
	actual, loaded := m.LoadOrStore(k, v)
	if !loaded {
		g.cached.Add(1)
	}
	return actual
}

func (g *Generator) info(s *openapi3.Schema) *info {
	if v, ok := g.infos.Load(s); ok {
		return v.(*info)
	}
	in := g.analyze(s)
	return g.store(&g.infos, s, in).(*info)
}

// regexp compiles an ECMAScript pattern with the same translation the
// validators use (internal/pattern), so generation and validation agree on
// what matches. It returns nil for a pattern that is not a regular
// expression at all.
func (g *Generator) regexp(p string) *pattern.Regexp {
	if v, ok := g.regexps.Load(p); ok {
		re, _ := v.(*pattern.Regexp)
		return re
	}
	re, err := pattern.Compile(p)
	if err != nil {
		re = nil
	}
	g.store(&g.regexps, p, re)
	return re
}

func (g *Generator) analyze(s *openapi3.Schema) *info {
	in := &info{}
	flat, err := flatten(s, nil, in)
	if err != nil {
		in.err = err
		in.flat = &openapi3.Schema{}
		return in
	}
	in.flat = flat
	for k := range in.dropped {
		if _, ok := flat.Properties[k]; ok {
			delete(in.dropped, k)
			continue
		}
		in.droppedKeys = append(in.droppedKeys, k)
	}
	sort.Strings(in.droppedKeys)
	if flat.Not != nil && flat.Not.Value != nil {
		in.nots = append(in.nots, flat.Not.Value)
	}
	for _, n := range in.nots {
		if n.IsEmpty() || (n.Always != nil && *n.Always) {
			in.err = unsat("not: {} admits nothing")
			return in
		}
	}
	in.needCheck = len(in.checks) > 0 || len(in.nots) > 0 || (flat.If != nil && flat.If.Value != nil)

	// types
	markedNull := (nullMarked(s) || nullMarked(flat)) && g.opts.Mode != Request
	if !flat.Type.IsEmpty() {
		for _, t := range flat.Type.Slice() {
			if t == openapi3.TypeNull {
				// A null the loader added for a 3.1 "nullable" is for
				// requests: an answer never holds it.
				in.nullOK = !markedNull
				continue
			}
			in.types = append(in.types, t)
		}
		// "number" and "integer" both: "number" covers it.
	} else {
		in.types = inferTypes(flat)
	}

	if flat.Const != nil {
		in.hasConst = true
		in.constOK = s.VisitJSON(flat.Const, g.vopts...) == nil
	}
	for _, e := range flat.Enum {
		if e == nil && markedNull {
			continue
		}
		if s.VisitJSON(deepCopy(e), g.vopts...) == nil && g.validNormalized(s, e) {
			in.enum = append(in.enum, e)
		}
	}
	var cands []any
	if s.Example != nil {
		cands = append(cands, s.Example)
	}
	cands = append(cands, s.Examples...)
	if s.Default != nil {
		cands = append(cands, s.Default)
	}
	for _, e := range cands {
		if e != nil && s.VisitJSON(deepCopy(e), g.vopts...) == nil && g.validNormalized(s, e) {
			in.examples = append(in.examples, e)
		}
	}

	// objects
	in.props = make([]string, 0, len(flat.Properties))
	for k := range flat.Properties {
		in.props = append(in.props, k)
	}
	sort.Strings(in.props)
	in.required = make(map[string]bool, len(flat.Required))
	for _, k := range flat.Required {
		in.required[k] = true
		if _, ok := flat.Properties[k]; !ok {
			in.reqExtra = append(in.reqExtra, k)
		}
	}
	sort.Strings(in.reqExtra)
	in.reqExtra = dedupe(in.reqExtra)
	in.extraAllowed = flat.AdditionalProperties.Has == nil || *flat.AdditionalProperties.Has
	if r := flat.AdditionalProperties.Schema; r != nil && r.Value != nil {
		in.apSchema = r.Value
		if a := r.Value.Always; a != nil && !*a {
			in.extraAllowed = false
			in.apSchema = nil
		}
	}
	if h := flat.UnevaluatedProperties.Has; h != nil && !*h {
		in.noExtra = true
		if flat.AdditionalProperties.Schema == nil && flat.AdditionalProperties.Has == nil {
			in.extraAllowed = false
		}
	}
	if len(flat.PatternProperties) > 0 {
		keys := slices.Sorted(maps.Keys(flat.PatternProperties))
		for _, k := range keys {
			r := flat.PatternProperties[k]
			if r == nil || r.Value == nil {
				continue
			}
			in.patProps = append(in.patProps, patProp{pattern: k, re: g.regexp(k), schema: r.Value})
		}
	}
	if flat.Pattern != "" {
		in.re = g.regexp(flat.Pattern)
	}
	if flat.Contains != nil && flat.Contains.Value != nil {
		refs := openapi3.SchemaRefs{flat.Contains}
		if flat.Items != nil && flat.Items.Value != nil {
			refs = append(refs, flat.Items)
		}
		in.containsItem = &openapi3.Schema{AllOf: refs}
	}
	return in
}

// validNormalized checks v after a JSON round trip (what clients see).
func (g *Generator) validNormalized(s *openapi3.Schema, v any) bool {
	b, err := json.Marshal(v)
	if err != nil {
		return false
	}
	var n any
	if json.Unmarshal(b, &n) != nil {
		return false
	}
	return s.VisitJSON(n, g.vopts...) == nil
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func inferTypes(s *openapi3.Schema) []string {
	switch {
	case len(s.Properties) > 0 || len(s.Required) > 0 || s.AdditionalProperties.Has != nil ||
		s.AdditionalProperties.Schema != nil || s.MinProps > 0 || s.MaxProps != nil ||
		len(s.PatternProperties) > 0 || s.Discriminator != nil || len(s.DependentRequired) > 0:
		return []string{"object"}
	case s.Items != nil || len(s.PrefixItems) > 0 || s.MinItems > 0 || s.MaxItems != nil ||
		s.UniqueItems || s.Contains != nil:
		return []string{"array"}
	case s.Format == "int32" || s.Format == "int64":
		return []string{"integer"}
	case s.Min != nil || s.Max != nil || s.MultipleOf != nil || s.ExclusiveMin.Value != nil ||
		s.ExclusiveMax.Value != nil || s.Format == "float" || s.Format == "double":
		return []string{"number"}
	}
	return []string{"string"}
}

// flatten returns a schema equivalent to s without allOf (merged in),
// collecting extra constraints into in.
func flatten(s *openapi3.Schema, visiting []*openapi3.Schema, in *info) (*openapi3.Schema, error) {
	if s.Always != nil {
		if !*s.Always {
			return nil, unsat("false schema")
		}
		return &openapi3.Schema{}, nil
	}
	if len(s.AllOf) == 0 {
		return s, nil
	}
	for _, v := range visiting {
		if v == s {
			return &openapi3.Schema{}, nil // allOf cycle: constraints already applied
		}
	}
	visiting = append(visiting, s)
	out := shallow(s)
	out.AllOf = nil
	for _, m := range s.AllOf {
		if m == nil || m.Value == nil {
			continue
		}
		mf, err := flatten(m.Value, visiting, in)
		if err != nil {
			return nil, err
		}
		if mf.Not != nil && mf.Not.Value != nil && mf != out {
			in.nots = append(in.nots, mf.Not.Value)
		}
		if err := mergeInto(out, mf, in); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// shallow copies s, with fresh maps/slices for the parts merges mutate.
func shallow(s *openapi3.Schema) *openapi3.Schema {
	cp := *s
	cp.Properties = make(openapi3.Schemas, len(s.Properties))
	for k, v := range s.Properties {
		cp.Properties[k] = v
	}
	cp.Required = append([]string(nil), s.Required...)
	cp.Enum = append([]any(nil), s.Enum...)
	cp.PrefixItems = append(openapi3.SchemaRefs(nil), s.PrefixItems...)
	if s.PatternProperties != nil {
		cp.PatternProperties = make(openapi3.Schemas, len(s.PatternProperties))
		for k, v := range s.PatternProperties {
			cp.PatternProperties[k] = v
		}
	}
	if s.DependentRequired != nil {
		cp.DependentRequired = make(map[string][]string, len(s.DependentRequired))
		for k, v := range s.DependentRequired {
			cp.DependentRequired[k] = v
		}
	}
	if s.Type != nil {
		t := s.Type.Clone()
		cp.Type = &t
	}
	return &cp
}

func allOfRef(a, b *openapi3.SchemaRef) *openapi3.SchemaRef {
	if a == nil || a.Value == nil {
		return b
	}
	if b == nil || b.Value == nil || a.Value == b.Value {
		return a
	}
	return &openapi3.SchemaRef{Value: &openapi3.Schema{AllOf: openapi3.SchemaRefs{a, b}}}
}

func lowerBound(s *openapi3.Schema) (v float64, excl, ok bool) {
	if s.Min != nil {
		v, ok = *s.Min, true
		excl = s.ExclusiveMin.IsTrue()
	}
	if e := s.ExclusiveMin.Value; e != nil && (!ok || *e >= v) {
		v, excl, ok = *e, true, true
	}
	return
}

func upperBound(s *openapi3.Schema) (v float64, excl, ok bool) {
	if s.Max != nil {
		v, ok = *s.Max, true
		excl = s.ExclusiveMax.IsTrue()
	}
	if e := s.ExclusiveMax.Value; e != nil && (!ok || *e <= v) {
		v, excl, ok = *e, true, true
	}
	return
}

func setLower(s *openapi3.Schema, v float64, excl bool) {
	if excl {
		s.Min, s.ExclusiveMin = nil, openapi3.ExclusiveBound{Value: &v}
	} else {
		s.Min, s.ExclusiveMin = &v, openapi3.ExclusiveBound{}
	}
}

func setUpper(s *openapi3.Schema, v float64, excl bool) {
	if excl {
		s.Max, s.ExclusiveMax = nil, openapi3.ExclusiveBound{Value: &v}
	} else {
		s.Max, s.ExclusiveMax = &v, openapi3.ExclusiveBound{}
	}
}

func intersectTypes(a, b *openapi3.Types) (*openapi3.Types, bool) {
	if a.IsEmpty() {
		if b.IsEmpty() {
			return nil, true
		}
		t := b.Clone()
		return &t, true
	}
	if b.IsEmpty() {
		return a, true
	}
	var out openapi3.Types
	for _, t := range *a {
		switch {
		case b.Includes(t):
			out = append(out, t)
		case t == "number" && b.Includes("integer"):
			out = append(out, "integer")
		case t == "integer" && b.Includes("number"):
			out = append(out, "integer")
		}
	}
	out = openapi3.Types(dedupeUnsorted(out))
	return &out, len(out) > 0
}

func dedupeUnsorted(s []string) []string {
	var out []string
	for _, v := range s {
		dup := false
		for _, o := range out {
			if o == v {
				dup = true
			}
		}
		if !dup {
			out = append(out, v)
		}
	}
	return out
}

// mergeInto intersects src into dst (a private copy).
func mergeInto(dst, src *openapi3.Schema, in *info) error {
	if src == dst {
		return nil
	}
	t, ok := intersectTypes(dst.Type, src.Type)
	if !ok {
		return unsat("allOf types do not intersect")
	}
	dst.Type = t
	dst.Nullable = dst.Nullable && src.Nullable
	if src.Format != "" {
		if dst.Format == "" {
			dst.Format = src.Format
		} else if dst.Format != src.Format {
			in.checks = append(in.checks, &openapi3.Schema{Format: src.Format})
		}
	}
	if len(src.Enum) > 0 {
		if len(dst.Enum) == 0 {
			dst.Enum = append([]any(nil), src.Enum...)
		} else {
			var keep []any
			for _, a := range dst.Enum {
				for _, b := range src.Enum {
					if jsonKey(a) == jsonKey(b) {
						keep = append(keep, a)
						break
					}
				}
			}
			if len(keep) == 0 {
				return unsat("allOf enums do not intersect")
			}
			dst.Enum = keep
		}
	}
	if src.Const != nil {
		if dst.Const == nil {
			dst.Const = src.Const
		} else if jsonKey(dst.Const) != jsonKey(src.Const) {
			return unsat("allOf consts differ")
		}
	}
	// numbers
	if v, e, ok := lowerBound(src); ok {
		if dv, de, dok := lowerBound(dst); !dok || v > dv || (v == dv && e && !de) {
			setLower(dst, v, e)
		} else {
			setLower(dst, dv, de)
		}
	}
	if v, e, ok := upperBound(src); ok {
		if dv, de, dok := upperBound(dst); !dok || v < dv || (v == dv && e && !de) {
			setUpper(dst, v, e)
		} else {
			setUpper(dst, dv, de)
		}
	}
	if src.MultipleOf != nil {
		if dst.MultipleOf == nil {
			dst.MultipleOf = src.MultipleOf
		} else {
			a, b := *dst.MultipleOf, *src.MultipleOf
			switch {
			case a > 0 && b > 0 && isIntegral(b/a):
				dst.MultipleOf = src.MultipleOf
			case a > 0 && b > 0 && isIntegral(a/b):
			case isIntegral(a) && isIntegral(b) && a > 0 && b > 0 && a*b < 1e15:
				l := lcm(int64(a), int64(b))
				f := float64(l)
				dst.MultipleOf = &f
			default:
				in.checks = append(in.checks, &openapi3.Schema{MultipleOf: src.MultipleOf})
			}
		}
	}
	// strings
	dst.MinLength = max(dst.MinLength, src.MinLength)
	dst.MaxLength = minPtr(dst.MaxLength, src.MaxLength)
	if src.Pattern != "" {
		if dst.Pattern == "" {
			dst.Pattern = src.Pattern
		} else if dst.Pattern != src.Pattern {
			in.checks = append(in.checks, &openapi3.Schema{Pattern: src.Pattern})
		}
	}
	// arrays
	dst.MinItems = max(dst.MinItems, src.MinItems)
	dst.MaxItems = minPtr(dst.MaxItems, src.MaxItems)
	dst.UniqueItems = dst.UniqueItems || src.UniqueItems
	if src.Items != nil {
		dst.Items = allOfRef(dst.Items, src.Items)
	}
	for i, p := range src.PrefixItems {
		if i < len(dst.PrefixItems) {
			dst.PrefixItems[i] = allOfRef(dst.PrefixItems[i], p)
		} else {
			dst.PrefixItems = append(dst.PrefixItems, p)
		}
	}
	if src.Contains != nil {
		if dst.Contains == nil {
			dst.Contains, dst.MinContains, dst.MaxContains = src.Contains, src.MinContains, src.MaxContains
		} else {
			in.checks = append(in.checks, &openapi3.Schema{Contains: src.Contains, MinContains: src.MinContains, MaxContains: src.MaxContains})
		}
	}
	// objects
	mergeProps(dst, src, in)
	for _, r := range src.Required {
		if !contains(dst.Required, r) {
			dst.Required = append(dst.Required, r)
		}
	}
	dst.MinProps = max(dst.MinProps, src.MinProps)
	dst.MaxProps = minPtr(dst.MaxProps, src.MaxProps)
	dst.AdditionalProperties = mergeAP(dst.AdditionalProperties, src.AdditionalProperties)
	for k, p := range src.PatternProperties {
		if dst.PatternProperties == nil {
			dst.PatternProperties = openapi3.Schemas{}
		}
		dst.PatternProperties[k] = allOfRef(dst.PatternProperties[k], p)
	}
	for k, v := range src.DependentRequired {
		if dst.DependentRequired == nil {
			dst.DependentRequired = map[string][]string{}
		}
		dst.DependentRequired[k] = append(append([]string(nil), dst.DependentRequired[k]...), v...)
	}
	if src.PropertyNames != nil {
		dst.PropertyNames = allOfRef(dst.PropertyNames, src.PropertyNames)
	}
	if h := src.UnevaluatedProperties.Has; h != nil && !*h {
		dst.UnevaluatedProperties = src.UnevaluatedProperties
	}
	dst.ReadOnly = dst.ReadOnly || src.ReadOnly
	dst.WriteOnly = dst.WriteOnly || src.WriteOnly
	if dst.Discriminator == nil {
		dst.Discriminator = src.Discriminator
	}
	// combinators
	if len(src.OneOf) > 0 {
		if len(dst.OneOf) == 0 {
			dst.OneOf = src.OneOf
			if src.Discriminator != nil {
				dst.Discriminator = src.Discriminator
			}
		} else {
			in.checks = append(in.checks, &openapi3.Schema{OneOf: src.OneOf, Discriminator: src.Discriminator})
		}
	}
	if len(src.AnyOf) > 0 {
		if len(dst.AnyOf) == 0 {
			dst.AnyOf = src.AnyOf
		} else {
			in.checks = append(in.checks, &openapi3.Schema{AnyOf: src.AnyOf, Discriminator: src.Discriminator})
		}
	}
	if src.If != nil {
		if dst.If == nil {
			dst.If, dst.Then, dst.Else = src.If, src.Then, src.Else
		} else {
			in.checks = append(in.checks, &openapi3.Schema{If: src.If, Then: src.Then, Else: src.Else})
		}
	}
	// Examples of a member are not examples of the whole.
	if src.Example != nil || len(src.Examples) > 0 || src.Default != nil {
		dst.Example, dst.Examples, dst.Default = nil, nil, nil
	}
	return nil
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func minPtr(a, b *uint64) *uint64 {
	if a == nil {
		return b
	}
	if b == nil || *a <= *b {
		return a
	}
	return b
}

func mergeAP(a, b openapi3.AdditionalProperties) openapi3.AdditionalProperties {
	if apFalse(a) || apFalse(b) {
		f := false
		return openapi3.AdditionalProperties{Has: &f}
	}
	if a.Schema != nil && b.Schema != nil {
		return openapi3.AdditionalProperties{Schema: allOfRef(a.Schema, b.Schema)}
	}
	if a.Schema != nil {
		return a
	}
	if b.Schema != nil {
		return b
	}
	if a.Has != nil {
		return a
	}
	return b
}

func apFalse(a openapi3.AdditionalProperties) bool {
	if a.Has != nil && !*a.Has {
		return true
	}
	return a.Schema != nil && a.Schema.Value != nil && a.Schema.Value.Always != nil && !*a.Schema.Value.Always
}

func matchesPattern(s *openapi3.Schema, k string) bool {
	for p := range s.PatternProperties {
		if re, err := pattern.Compile(p); err == nil && re.MatchString(k) {
			return true
		}
	}
	return false
}

// mergeProps merges the properties of src into dst, honouring each side's
// additionalProperties for the keys only the other side declares. The
// properties it drops are recorded in in.dropped.
func mergeProps(dst, src *openapi3.Schema, in *info) {
	props := make(openapi3.Schemas, len(dst.Properties)+len(src.Properties))
	for k, p := range dst.Properties {
		if q, ok := src.Properties[k]; ok {
			props[k] = allOfRef(p, q)
			continue
		}
		if matchesPattern(src, k) {
			props[k] = p
			continue
		}
		if apFalse(src.AdditionalProperties) {
			in.drop(k, p) // the other side forbids it
			continue
		}
		if ap := src.AdditionalProperties.Schema; ap != nil {
			p = allOfRef(p, ap)
		}
		props[k] = p
	}
	for k, q := range src.Properties {
		if _, ok := dst.Properties[k]; ok {
			continue
		}
		if matchesPattern(dst, k) {
			props[k] = q
			continue
		}
		if apFalse(dst.AdditionalProperties) {
			in.drop(k, q)
			continue
		}
		if ap := dst.AdditionalProperties.Schema; ap != nil {
			q = allOfRef(q, ap)
		}
		props[k] = q
	}
	dst.Properties = props
}

func (in *info) drop(k string, p *openapi3.SchemaRef) {
	if in.dropped == nil {
		in.dropped = openapi3.Schemas{}
	}
	in.dropped[k] = allOfRef(in.dropped[k], p)
}

// branch returns parent (minus the combinator) merged with branch idx of its
// oneOf (one) or anyOf, with the discriminator property pinned.
func (g *Generator) branch(s, flat *openapi3.Schema, idx int, one bool) *branch {
	key := branchKey{s: s, idx: idx, one: one}
	if v, ok := g.branches.Load(key); ok {
		return v.(*branch)
	}
	b := &branch{}
	b.schema, b.err = makeBranch(g, flat, idx, one)
	return g.store(&g.branches, key, b).(*branch)
}

func makeBranch(g *Generator, flat *openapi3.Schema, idx int, one bool) (*openapi3.Schema, error) {
	refs := flat.AnyOf
	if one {
		refs = flat.OneOf
	}
	br := refs[idx]
	if br == nil || br.Value == nil {
		return nil, unsat("unresolved branch")
	}
	parent := shallow(flat)
	parent.Example, parent.Examples, parent.Default = nil, nil, nil
	parent.Enum, parent.Const = nil, nil // handled before branches
	parent.Not, parent.If, parent.Then, parent.Else = nil, nil, nil, nil
	if one {
		parent.OneOf = nil
	} else {
		parent.AnyOf = nil
	}
	d := flat.Discriminator
	parent.Discriminator = nil
	refsAll := openapi3.SchemaRefs{{Value: parent}, br}
	if d != nil && d.PropertyName != "" {
		keys := discriminatorKeys(d, br.Ref, componentName(br.Ref))
		if len(d.Mapping) > 0 && len(keys) == 0 {
			return nil, unsat("branch %d is not reachable through the discriminator mapping", idx)
		}
		if br.Ref == "" && len(d.Mapping) == 0 {
			keys = nil
		}
		if len(keys) > 0 {
			// Keep only the keys the property accepts.
			probe := &openapi3.Schema{AllOf: refsAll}
			var ok []any
			for _, k := range keys {
				if propAccepts(g, probe, d.PropertyName, k) {
					ok = append(ok, k)
				}
			}
			if len(ok) == 0 {
				return nil, unsat("discriminator value for branch %d is rejected by its schema", idx)
			}
			pin := &openapi3.Schema{
				Properties: openapi3.Schemas{d.PropertyName: {Value: &openapi3.Schema{Enum: ok[:1]}}},
				Required:   []string{d.PropertyName},
			}
			refsAll = append(refsAll, &openapi3.SchemaRef{Value: pin})
		}
	}
	return &openapi3.Schema{AllOf: refsAll}, nil
}

// propAccepts reports whether the merged object schema s accepts v for prop.
func propAccepts(g *Generator, s *openapi3.Schema, prop string, v string) bool {
	tmp := &info{}
	flat, err := flatten(s, nil, tmp)
	if err != nil {
		return false
	}
	p := flat.Properties[prop]
	if p == nil || p.Value == nil {
		return true
	}
	return p.Value.VisitJSON(v, g.vopts...) == nil
}

// discriminatorKeys are the discriminator values naming the schema at ref.
func discriminatorKeys(d *openapi3.Discriminator, ref, name string) []string {
	var keys []string
	if len(d.Mapping) > 0 {
		for k, m := range d.Mapping {
			r := m.Ref
			if !strings.Contains(r, "/") {
				r = "#/components/schemas/" + r
			}
			if ref != "" && r == ref {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		return keys
	}
	if name != "" {
		keys = append(keys, name)
	}
	return keys
}

func isIntegral(f float64) bool {
	return !math.IsInf(f, 0) && !math.IsNaN(f) && math.Abs(f-math.Round(f)) < 1e-9
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func lcm(a, b int64) int64 { return a / gcd(a, b) * b }

func jsonKey(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		cp := make(map[string]any, len(v))
		for k, x := range v {
			cp[k] = deepCopy(x)
		}
		return cp
	case []any:
		cp := make([]any, len(v))
		for i, x := range v {
			cp[i] = deepCopy(x)
		}
		return cp
	}
	return v
}

// nullMarked reports whether the loader added the schema's null type for a
// 3.1 "nullable" (oas.NullableMark).
func nullMarked(s *openapi3.Schema) bool {
	if s == nil {
		return false
	}
	v, ok := s.Extensions[oas.NullableMark]
	return ok && v == true
}
