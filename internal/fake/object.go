package fake

import (
	"errors"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// includeOptional decides whether an optional property is generated.
func (c *ctx) includeOptional(parent *openapi3.Schema, prop string, depth int) bool {
	if c.g.opts.Optional != nil {
		return c.g.opts.Optional(c.f, parent, prop, depth)
	}
	if depth == 0 {
		return true
	}
	return c.chance(0.7)
}

func (g *Generator) omitted(ps *openapi3.Schema) bool {
	pin := g.info(ps)
	fs := pin.flat
	if fs == nil {
		return false
	}
	if g.opts.Mode == Request {
		return fs.ReadOnly
	}
	return fs.WriteOnly
}

func (c *ctx) genObject(in *info, fs *openapi3.Schema, refName string, depth int) (any, error) {
	c.nodes++
	minimal := c.minimalAt == depth
	c.minimalAt = -1
	deep := c.deep(depth) || minimal
	out := make(map[string]any, len(in.props)+1)
	maxP := -1
	if fs.MaxProps != nil {
		if *fs.MaxProps < uint64(maxLen) {
			maxP = int(*fs.MaxProps)
		}
	}
	if fs.MinProps > maxLen {
		return nil, unsat("minProperties too large")
	}
	minP := int(fs.MinProps)
	if maxP >= 0 && minP > maxP {
		return nil, unsat("minProperties > maxProperties")
	}
	var optional []string
	for _, k := range in.props {
		pr := fs.Properties[k]
		if pr == nil || pr.Value == nil {
			continue
		}
		if c.g.omitted(pr.Value) {
			continue
		}
		req := in.required[k]
		if !req {
			if deep || !c.includeOptional(fs, k, depth) {
				optional = append(optional, k)
				continue
			}
		}
		if err := c.genProp(out, k, pr, req, depth); err != nil {
			return nil, err
		}
	}
	// Required properties that are not declared.
	usedDropped := false
	for _, k := range in.reqExtra {
		if _, ok := out[k]; ok {
			continue
		}
		if pr := in.dropped[k]; pr != nil && pr.Value != nil {
			// allOf with additionalProperties: false in a member: what the
			// author meant is the merged object.
			if c.g.omitted(pr.Value) {
				continue
			}
			usedDropped = true
			c.degrade(unsat("property %q is declared by an allOf member but forbidden by another one's additionalProperties: false", k))
			if err := c.genProp(out, k, pr, true, depth); err != nil {
				return nil, err
			}
			continue
		}
		v, soft, err := c.subExtra(in, fs, k, depth)
		if err != nil {
			if c.fatal(err) {
				return nil, at(k, err)
			}
			c.degrade(at(k, err))
			continue
		}
		if soft != nil {
			c.degrade(at(k, soft))
		}
		out[k] = v
	}
	if usedDropped && !deep {
		// The other forbidden properties the author meant, as optional ones.
		for _, k := range in.droppedKeys {
			if _, ok := out[k]; ok || in.required[k] {
				continue
			}
			pr := in.dropped[k]
			if pr == nil || pr.Value == nil || c.g.omitted(pr.Value) || !c.includeOptional(fs, k, depth) {
				continue
			}
			if err := c.genProp(out, k, pr, false, depth); err != nil {
				return nil, err
			}
		}
	}
	// dependentRequired
	if len(fs.DependentRequired) > 0 {
		if err := c.dependentRequired(in, fs, out, depth); err != nil {
			return nil, err
		}
	}
	// Extra properties through additionalProperties.
	if !deep && in.apSchema != nil && (maxP < 0 || len(out) < maxP) && !in.noExtra {
		extra := c.intn(3)
		for i := 0; i < extra; i++ {
			k := c.extraKey(in, out)
			if k == "" {
				break
			}
			v, soft, err := c.subExtra(in, fs, k, depth)
			if err != nil || soft != nil {
				break
			}
			out[k] = v
		}
	}
	// patternProperties, sometimes.
	if !deep && in.extraAllowed && len(in.patProps) > 0 && c.chance(0.3) && (maxP < 0 || len(out) < maxP) {
		c.addPatternProp(in, out, depth)
	}
	// minProperties
	if len(out) < minP {
		for _, k := range optional {
			if len(out) >= minP {
				break
			}
			v, soft, err := c.sub(fs.Properties[k].Value, k, refName1(fs.Properties[k]), depth+1)
			if err == nil && soft == nil {
				out[k] = v
			}
		}
		for tries := 0; len(out) < minP && tries < 2*minP+10; tries++ {
			if !c.addPatternProp(in, out, depth) {
				if !in.extraAllowed {
					break
				}
				k := c.extraKey(in, out)
				if k == "" {
					continue
				}
				v, soft, err := c.subExtra(in, fs, k, depth)
				if err != nil || soft != nil {
					break
				}
				out[k] = v
			}
		}
		if len(out) < minP {
			c.degrade(unsat("cannot reach minProperties %d", minP))
		}
	}
	// maxProperties: drop optional ones (sorted for determinism).
	if maxP >= 0 && len(out) > maxP {
		keys := sortedKeys(out)
		for _, k := range keys {
			if len(out) <= maxP {
				break
			}
			if !in.required[k] && !in.depTarget(k, out) {
				delete(out, k)
			}
		}
		if len(out) > maxP {
			c.degrade(unsat("required properties exceed maxProperties"))
		}
	}
	// Discriminator (allOf inheritance without oneOf).
	if d := fs.Discriminator; d != nil && refName != "" && len(fs.OneOf) == 0 && len(fs.AnyOf) == 0 {
		if _, present := out[d.PropertyName]; present {
			if pr := fs.Properties[d.PropertyName]; pr != nil && pr.Value != nil {
				for _, key := range discriminatorKeys(d, "#/components/schemas/"+refName, refName) {
					if pr.Value.VisitJSON(key, c.g.vopts...) == nil {
						out[d.PropertyName] = key
						break
					}
				}
			}
		}
	}
	return out, nil
}

func refName1(r *openapi3.SchemaRef) string { return refName(r) }

// genProp generates property k of schema pr into out. An optional property
// that has no valid value is left out; a required one is null when its
// schema admits null (that validates), else gets a best-effort value or,
// lacking one, is left out. Only fatal errors are returned.
func (c *ctx) genProp(out map[string]any, k string, pr *openapi3.SchemaRef, req bool, depth int) error {
	v, soft, err := c.sub(pr.Value, k, refName1(pr), depth+1)
	if err == nil && soft == nil {
		out[k] = v
		return nil
	}
	if err != nil && (errors.Is(err, errBudget) || req && c.fatal(err)) {
		return at(k, err)
	}
	if !req {
		return nil
	}
	if pr.Value.VisitJSON(nil, c.g.vopts...) == nil {
		out[k] = nil
		return nil
	}
	if err != nil {
		c.degrade(at(k, err))
		return nil
	}
	c.degrade(at(k, soft))
	out[k] = v
	return nil
}

func (in *info) depTarget(k string, out map[string]any) bool {
	for src, deps := range in.flat.DependentRequired {
		if _, ok := out[src]; !ok {
			continue
		}
		for _, d := range deps {
			if d == k {
				return true
			}
		}
	}
	return false
}

func (c *ctx) dependentRequired(in *info, fs *openapi3.Schema, out map[string]any, depth int) error {
	srcs := make([]string, 0, len(fs.DependentRequired))
	for k := range fs.DependentRequired {
		srcs = append(srcs, k)
	}
	sort.Strings(srcs)
	for _, src := range srcs {
		if _, ok := out[src]; !ok {
			continue
		}
		for _, d := range fs.DependentRequired[src] {
			if _, ok := out[d]; ok {
				continue
			}
			var v any
			var err error
			var soft error
			if pr := fs.Properties[d]; pr != nil && pr.Value != nil {
				if c.g.omitted(pr.Value) {
					// Cannot add d, so drop its trigger if allowed.
					if in.required[src] {
						c.degrade(unsat("dependentRequired %q needs omitted %q", src, d))
					} else {
						delete(out, src)
					}
					break
				}
				v, soft, err = c.sub(pr.Value, d, refName1(pr), depth+1)
			} else {
				v, soft, err = c.subExtra(in, fs, d, depth)
			}
			if err != nil && (errors.Is(err, errBudget) || in.required[src] && c.fatal(err)) {
				return err
			}
			if err != nil || soft != nil {
				if !in.required[src] {
					delete(out, src)
					break
				}
				if err != nil {
					c.degrade(at(d, err))
					continue
				}
				c.degrade(at(d, soft))
			}
			out[d] = v
		}
	}
	return nil
}

// genExtra generates the value of an undeclared property k.
func (c *ctx) genExtra(in *info, fs *openapi3.Schema, k string, depth int) (any, error) {
	// patternProperties that match k
	var matched []*openapi3.Schema
	for _, pp := range in.patProps {
		if pp.re != nil && pp.re.MatchString(k) {
			matched = append(matched, pp.schema)
		}
	}
	if !in.extraAllowed && len(matched) == 0 {
		return nil, unsat("undeclared property %q not allowed", k)
	}
	if len(matched) == 0 && in.apSchema != nil {
		matched = append(matched, in.apSchema)
	}
	switch len(matched) {
	case 0:
		return c.word(), nil
	case 1:
		return c.gen(matched[0], k, "", depth+1)
	}
	refs := make(openapi3.SchemaRefs, len(matched))
	for i, m := range matched {
		refs[i] = &openapi3.SchemaRef{Value: m}
	}
	return c.gen(&openapi3.Schema{AllOf: refs}, k, "", depth+1)
}

var extraKeyWords = []string{"note", "label", "source", "region", "channel", "category", "priority", "owner", "team", "segment", "tier", "origin"}

// extraKey returns an undeclared key usable for additionalProperties, or "".
func (c *ctx) extraKey(in *info, out map[string]any) string {
	for i := 0; i < 6; i++ {
		var k string
		if i < 3 {
			k = extraKeyWords[c.intn(len(extraKeyWords))]
		} else {
			k = strings.ToLower(c.f.Noun())
		}
		if k == "" {
			continue
		}
		if _, ok := out[k]; ok {
			continue
		}
		if _, ok := in.flat.Properties[k]; ok {
			continue
		}
		bad := false
		for _, pp := range in.patProps {
			if pp.re == nil || pp.re.MatchString(k) {
				bad = true
				break
			}
		}
		if bad {
			continue
		}
		if pn := in.flat.PropertyNames; pn != nil && pn.Value != nil && pn.Value.VisitJSON(k, c.g.vopts...) != nil {
			continue
		}
		return k
	}
	return ""
}

// addPatternProp adds one property matching a patternProperties key.
func (c *ctx) addPatternProp(in *info, out map[string]any, depth int) bool {
	if len(in.patProps) == 0 {
		return false
	}
	start := c.intn(len(in.patProps))
	for i := range in.patProps {
		pp := in.patProps[(start+i)%len(in.patProps)]
		if pp.re == nil {
			continue
		}
		for t := 0; t < 3; t++ {
			k, ok := generatePattern(c.f.Rand, pp.pattern, 1, 24)
			if !ok || !pp.re.MatchString(k) {
				break
			}
			if _, dup := out[k]; dup {
				continue
			}
			if _, decl := in.flat.Properties[k]; decl {
				continue
			}
			if pn := in.flat.PropertyNames; pn != nil && pn.Value != nil && pn.Value.VisitJSON(k, c.g.vopts...) != nil {
				continue
			}
			v, soft, err := c.subExtra(in, in.flat, k, depth)
			if err != nil || soft != nil {
				break
			}
			out[k] = v
			return true
		}
	}
	return false
}
