package fake

import (
	"errors"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// genArray generates an array for fs: its length, items, prefixItems,
// contains and uniqueness.
func (c *ctx) genArray(in *info, fs *openapi3.Schema, name string, depth int) (any, error) {
	c.nodes++
	if fs.MinItems > maxLen {
		return nil, unsat("minItems %d too large", fs.MinItems)
	}
	minI := int(fs.MinItems)
	maxI := -1
	if fs.MaxItems != nil {
		if *fs.MaxItems < uint64(minI) {
			return nil, unsat("minItems > maxItems")
		}
		if *fs.MaxItems < maxLen {
			maxI = int(*fs.MaxItems)
		}
	}
	nPrefix := len(fs.PrefixItems)
	var itemSchema *openapi3.Schema
	itemRef := ""
	if fs.Items != nil && fs.Items.Value != nil {
		itemSchema = fs.Items.Value
		itemRef = refName(fs.Items)
		if a := itemSchema.Always; a != nil && !*a {
			if maxI < 0 || maxI > nPrefix {
				maxI = nPrefix
			}
			if minI > maxI {
				return nil, unsat("minItems exceeds prefixItems with items: false")
			}
		}
	}
	n := minI
	if !c.deep(depth) && c.minimalAt != depth {
		lo := max(minI, 1)
		hi := max(lo, min(max(minI, 1)+2, max(lo, 3)))
		if nPrefix > hi {
			hi = nPrefix
		}
		if maxI >= 0 {
			hi = min(hi, maxI)
			lo = min(lo, maxI)
		}
		n = lo + c.intn(hi-lo+1)
	}
	c.minimalAt = -1
	minContains := 0
	if fs.Contains != nil && fs.Contains.Value != nil {
		minContains = 1
		if fs.MinContains != nil {
			minContains = int(min(*fs.MinContains, uint64(maxLen)))
		}
		if n < nPrefix+minContains {
			n = nPrefix + minContains
			if maxI >= 0 && n > maxI {
				return nil, unsat("contains does not fit maxItems")
			}
		}
	}
	itemName := singular(name)
	out := make([]any, 0, n)
	var seen map[string]struct{}
	if fs.UniqueItems {
		seen = make(map[string]struct{}, n)
	}
	contained := 0
	failures := 0
	settle := false // best effort: accept degraded items
	for tries := 0; len(out) < n && tries < 10*n+30; tries++ {
		pos := len(out)
		var sch *openapi3.Schema
		rn := ""
		if pos < nPrefix {
			if r := fs.PrefixItems[pos]; r != nil {
				sch, rn = r.Value, refName(r)
			}
		} else {
			sch, rn = itemSchema, itemRef
			if contained < minContains {
				sch = in.containsItem
				rn = ""
			}
		}
		v, soft, err := c.sub(sch, itemName, rn, depth+1)
		if err != nil {
			if errors.Is(err, errBudget) {
				return nil, err
			}
			failures++
			if pos >= minI && pos >= nPrefix+minContains {
				break
			}
			if failures > 3 {
				if c.fatal(err) {
					return nil, at(strconv.Itoa(pos), err)
				}
				// Best effort: fewer items.
				c.degrade(at(strconv.Itoa(pos), err))
				return out, nil
			}
			continue
		}
		if soft != nil {
			if pos >= minI && pos >= nPrefix+minContains {
				break // an optional item: leave it out
			}
			if failures++; failures <= 3 && !settle {
				continue
			}
			settle = true
			c.degrade(at(strconv.Itoa(pos), soft))
		}
		if seen != nil {
			key := jsonKey(v)
			if _, dup := seen[key]; dup {
				continue
			}
			seen[key] = struct{}{}
		}
		if pos >= nPrefix && contained < minContains {
			contained++
		}
		out = append(out, v)
	}
	if len(out) < minI || contained < minContains {
		c.degrade(unsat("cannot generate %d (unique) array items", max(minI, nPrefix+minContains)))
	}
	return out, nil
}
