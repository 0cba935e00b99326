package fake

import (
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// genBranches handles oneOf (exclusive) and anyOf.
func (c *ctx) genBranches(in *info, s *openapi3.Schema, refs openapi3.SchemaRefs, one bool, name, refName string, depth int) (any, error) {
	n := len(refs)
	order := c.f.Rand.Perm(n)
	lastErr := unsat("no usable branch")
	// Best effort, ranked: 1 a degraded value, 2 a value matching several
	// oneOf branches, 3 one that also validates against its own branch.
	// Within a rank the first value is kept: it comes from the branch chosen
	// first and is the fullest (retries build smaller values).
	var fb any
	var fbErr error
	fbRank, fbIdx := 0, 0
	var fbSchema *openapi3.Schema
	// Every value of rank 3, one per branch, for exclusive to try in
	// turn: a branch whose properties the others all declare too cannot
	// be made exclusive, another may (Vonage's success and error bodies).
	type overlap struct {
		idx    int
		schema *openapi3.Schema
		v      any
	}
	var overlaps []overlap
	tries := 0
loop:
	for round := 0; round < 2; round++ {
		for _, idx := range order {
			b := c.g.branch(s, in.flat, idx, one)
			if b.err != nil {
				lastErr = b.err
				continue
			}
			bname := refName
			if r := refs[idx].Ref; r != "" {
				bname = componentName(r)
			}
			for a := 0; a < 2; a++ {
				tries++
				if tries > 12 {
					break loop
				}
				if round == 1 || a == 1 {
					c.minimalAt = depth
				}
				v, soft, err := c.sub(b.schema, name, bname, depth)
				c.minimalAt = -1
				if err != nil {
					if errors.Is(err, errBudget) {
						return nil, err
					}
					lastErr = err
					continue
				}
				if soft != nil {
					lastErr = soft
					if fbRank < 1 {
						fb, fbErr, fbRank = v, soft, 1
					}
					continue
				}
				if one && c.g.matchesOther(refs, idx, v) {
					lastErr = unsat("value matched several oneOf branches")
					rank := 2
					if r := refs[idx]; r != nil && r.Value != nil && r.Value.VisitJSON(v, c.g.vopts...) == nil {
						rank = 3
					}
					if rank > fbRank { // the first, fullest, value of the rank
						fb, fbErr, fbRank, fbIdx, fbSchema = v, lastErr, rank, idx, b.schema
					}
					if rank == 3 && !slices.ContainsFunc(overlaps, func(o overlap) bool { return o.idx == idx }) {
						overlaps = append(overlaps, overlap{idx, b.schema, v})
					}
					continue
				}
				return v, nil
			}
		}
	}
	if fbRank == 3 {
		if v, ok := c.g.exclusive(refs, fbIdx, fbSchema, fb); ok {
			return v, nil
		}
		for _, o := range overlaps {
			if o.idx == fbIdx {
				continue
			}
			if v, ok := c.g.exclusive(refs, o.idx, o.schema, o.v); ok {
				return v, nil
			}
		}
	}
	if fbRank > 0 {
		c.degrade(fbErr)
		return fb, nil
	}
	return nil, lastErr
}

func (g *Generator) matchesOther(refs openapi3.SchemaRefs, idx int, v any) bool {
	for j, r := range refs {
		if j == idx || r == nil || r.Value == nil {
			continue
		}
		if r.Value.VisitJSON(v, g.vopts...) == nil {
			return true
		}
	}
	return false
}

// exclusive turns v, an object valid for oneOf branch idx (whose merged
// schema is own) that other branches accept too, into one that only branch
// idx accepts, when the spec's branches overlap (#15). Branches that differ
// only by which optional property they declare ({location} or
// {location_id}) accept each other's objects; a strict validator refuses
// such a value. Each other branch that still accepts v is excluded by a
// property it declares and v lacks, set to a value it refuses and own
// accepts (null first, then values of other types). It returns false when
// some branch cannot be excluded this way; the work is bounded by the
// branches' declared properties.
func (g *Generator) exclusive(refs openapi3.SchemaRefs, idx int, own *openapi3.Schema, v any) (any, bool) {
	m, ok := v.(map[string]any)
	if !ok || own == nil {
		return nil, false
	}
	out := maps.Clone(m)
	for j, r := range refs {
		if j == idx || r == nil || r.Value == nil || r.Value.VisitJSON(out, g.vopts...) != nil {
			continue
		}
		if !g.exclude(out, r.Value, own, 0) {
			return nil, false
		}
	}
	if g.matchesOther(refs, idx, out) || own.VisitJSON(out, g.vopts...) != nil {
		return nil, false
	}
	return out, true
}

// maxExcludeDepth bounds how deeply exclude looks below shared properties.
const maxExcludeDepth = 3

// exclude adds to obj a property other declares, with a value other refuses
// and own accepts; it reports whether it found one. Branches that declare
// the same properties may differ below them (Nexmo's SMS and Error: both
// {message-count, messages}, the messages Message or ErrorMessage): then
// the exclusion is made inside the value of a shared property, an object
// or an array's first object.
func (g *Generator) exclude(obj map[string]any, other, own *openapi3.Schema, depth int) bool {
	mine := map[string]bool{}
	declared(own, mine, 0)
	theirs := map[string]bool{}
	declared(other, theirs, 0)
	names := slices.Sorted(maps.Keys(theirs))
	for _, name := range names {
		if _, has := obj[name]; has || mine[name] {
			continue
		}
		for _, cand := range []any{nil, false, "", int64(0), map[string]any{}, []any{}} {
			obj[name] = cand
			if other.VisitJSON(obj, g.vopts...) != nil && own.VisitJSON(obj, g.vopts...) == nil {
				return true
			}
		}
		delete(obj, name)
	}
	if depth >= maxExcludeDepth {
		return false
	}
	for _, name := range names {
		theirsP, mineP := declaredSchema(other, name, 0), declaredSchema(own, name, 0)
		if !mine[name] || theirsP == nil || mineP == nil {
			continue
		}
		was := obj[name]
		var changed any
		switch t := was.(type) {
		case map[string]any:
			inner := maps.Clone(t)
			if g.exclude(inner, theirsP, mineP, depth+1) {
				changed = inner
			}
		case []any:
			var first map[string]any
			if len(t) > 0 {
				first, _ = t[0].(map[string]any)
			}
			if first == nil || theirsP.Items == nil || theirsP.Items.Value == nil || mineP.Items == nil || mineP.Items.Value == nil {
				continue
			}
			inner := maps.Clone(first)
			if g.exclude(inner, theirsP.Items.Value, mineP.Items.Value, depth+1) {
				arr := slices.Clone(t)
				arr[0] = inner
				changed = arr
			}
		}
		if changed == nil {
			continue
		}
		obj[name] = changed
		if other.VisitJSON(obj, g.vopts...) != nil && own.VisitJSON(obj, g.vopts...) == nil {
			return true
		}
		obj[name] = was
	}
	return false
}

// declaredSchema is the schema s, or one of its allOf members (a few
// levels deep), declares for the property name; nil for none.
func declaredSchema(s *openapi3.Schema, name string, depth int) *openapi3.Schema {
	if s == nil || depth > 4 {
		return nil
	}
	if p := s.Properties[name]; p != nil && p.Value != nil {
		return p.Value
	}
	for _, m := range s.AllOf {
		if m != nil {
			if p := declaredSchema(m.Value, name, depth+1); p != nil {
				return p
			}
		}
	}
	return nil
}

// declared adds to names the properties s declares, itself or through its
// allOf members (a few levels deep).
func declared(s *openapi3.Schema, names map[string]bool, depth int) {
	if s == nil || depth > 4 {
		return
	}
	for name := range s.Properties {
		names[name] = true
	}
	for _, m := range s.AllOf {
		if m != nil {
			declared(m.Value, names, depth+1)
		}
	}
}

func componentName(ref string) string {
	if i := strings.LastIndexByte(ref, '/'); i >= 0 {
		return ref[i+1:]
	}
	return ref
}

func refName(r *openapi3.SchemaRef) string {
	if r == nil || r.Ref == "" {
		return ""
	}
	return componentName(r.Ref)
}
