package fake

import (
	"errors"
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
	fbRank := 0
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
						fb, fbErr, fbRank = v, lastErr, rank
					}
					continue
				}
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
