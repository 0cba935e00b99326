package fake

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/getkin/kin-openapi/openapi3"
)

// Mode says which side of the exchange the value is for.
type Mode uint8

const (
	// Response is for values sent by the server: writeOnly properties are
	// omitted (even when required, which kin-openapi's response validation
	// tolerates).
	Response Mode = iota
	// Request is for values sent by the client: readOnly properties are
	// omitted (even when required).
	Request
)

// ErrUnsatisfiable is wrapped by the errors of [Generator.Value] when the
// schema admits no value the generator can construct. Such an error may come
// with a best-effort value: v is non-nil when a best-effort value could be
// built; it does not validate.
var ErrUnsatisfiable = errors.New("fake: schema admits no value")

// Options configure a Generator. The zero value is usable.
type Options struct {
	// Mode selects whether readOnly (Request) or writeOnly (Response)
	// properties are omitted.
	Mode Mode
	// MaxDepth is how deep (in nested objects and arrays) the generator goes
	// before it stops adding optional parts: beyond it objects only get their
	// required properties and arrays only their minItems. 0 means 5.
	MaxDepth int
	// Optional reports whether to include the optional (non-required)
	// property prop of the object schema parent at nesting depth depth
	// (0 for the top-level value). It is only consulted above MaxDepth and
	// while the output is small. It must draw any randomness from f.
	//
	// nil means: at depth 0 every optional property is included (a full
	// top-level object looks most realistic); deeper, each one is included
	// with probability 0.7.
	Optional func(f *gofakeit.Faker, parent *openapi3.Schema, prop string, depth int) bool
	// Examples makes a schema that gives an example (example, examples or
	// default) answer its first one every time: a static mock shows the
	// author's values, never "ok" once and a random word the next time.
	// False: an example is one candidate among generated values, for
	// variety.
	Examples bool
}

// Generator generates fake values for schemas. It is safe for concurrent use;
// it caches a bounded amount of per-schema analysis, so schemas must not be
// mutated once they have been passed to it.
type Generator struct {
	opts     Options
	maxDepth int
	vopts    []openapi3.SchemaValidationOption

	infos    sync.Map // *openapi3.Schema -> *info
	branches sync.Map // branchKey -> *branch
	hints    sync.Map // string -> hint
	regexps  sync.Map // string -> *pattern.Regexp (nil when invalid)
	cached   atomic.Int64
}

const (
	defaultMaxDepth = 5
	maxCached       = 50000 // entries per Generator cache before it stops caching
	maxNodes        = 2000  // objects/arrays per value before only required parts are added
	maxWork         = 40000 // generation steps per value (including retries)
	hardDepth       = 48    // nesting at which a (required) chain is deemed infinite
	maxLen          = 10000 // largest minLength/minItems/minProperties honoured
)

// New returns a Generator configured by opts.
func New(opts Options) *Generator {
	g := &Generator{opts: opts, maxDepth: opts.MaxDepth}
	if g.maxDepth <= 0 {
		g.maxDepth = defaultMaxDepth
	}
	g.vopts = []openapi3.SchemaValidationOption{openapi3.EnableFormatValidation()}
	if opts.Mode == Request {
		g.vopts = append(g.vopts, openapi3.VisitAsRequest())
	} else {
		g.vopts = append(g.vopts, openapi3.VisitAsResponse())
	}
	return g
}

// Value returns a JSON-compatible Go value (nil, bool, int64, float64,
// string, []any or map[string]any) valid for schema s. name is the
// property or parameter name the value is for ("" if none) and is used to
// pick realistic data. All randomness is drawn from f, so the same faker
// state yields the same value.
//
// When the schema admits no value (real API descriptions often contain
// such schemas: a required self-reference, allOf with additionalProperties:
// false in a member, overlapping oneOf branches, ...), Value returns an
// error wrapping [ErrUnsatisfiable], and v is non-nil when a best-effort
// value could be built; it does not validate. A best-effort value is the
// most plausible one: the recursion of a required property is cut at the
// depth limit (null when the property admits it, else the property is
// omitted), the object merged from allOf members includes the properties
// another member forbids, an overlapping oneOf yields a value of one
// branch, and so on. v is nil when nothing sensible can be built (a false
// schema, "not: {}", contradictory bounds). A value returned without an
// error is meant to validate.
func (g *Generator) Value(f *gofakeit.Faker, s *openapi3.Schema, name string) (v any, err error) {
	if f == nil {
		return nil, errors.New("fake: nil faker")
	}
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, unsat("internal error: %v", r)
		}
	}()
	c := &ctx{g: g, f: f, minimalAt: -1}
	v, err = c.run(s, name)
	if err != nil && v == nil && c.tooDeep {
		// A required chain recursed without end: do it again, cutting
		// recursion at the depth limit.
		c2 := &ctx{g: g, f: f, minimalAt: -1, cut: true}
		if v2, err2 := c2.run(s, name); v2 != nil || err2 == nil {
			return v2, err2
		}
	}
	return v, err
}

// run generates the top-level value: (v, nil) for a value meant to be valid,
// (v, err) for a best-effort one, (nil, err) when there is none.
func (c *ctx) run(s *openapi3.Schema, name string) (any, error) {
	v, soft, err := c.sub(s, name, "", 0)
	if err != nil {
		return nil, err
	}
	if soft != nil {
		if !errors.Is(soft, ErrUnsatisfiable) {
			soft = fmt.Errorf("%w: %v", ErrUnsatisfiable, soft)
		}
		return v, soft
	}
	return v, nil
}

func unsat(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsatisfiable, fmt.Sprintf(format, args...))
}

var (
	errBudget   = fmt.Errorf("%w: generation budget exhausted", ErrUnsatisfiable)
	errTooDeep  = fmt.Errorf("%w: schema nesting too deep (infinitely recursive required properties?)", ErrUnsatisfiable)
	errRecursed = fmt.Errorf("%w: infinitely recursive schema, cut at the depth limit", ErrUnsatisfiable)
)

// ctx is the state of one Value call.
//
// Errors returned by the generation functions are hard: there is no value.
// A value built as a best effort (it does not validate) is returned without
// an error, the reason being recorded in soft; whoever discards a value must
// discard its soft error with it (see sub).
type ctx struct {
	g         *Generator
	f         *gofakeit.Faker
	nodes     int
	work      int
	minimalAt int   // depth at which the next object only gets required properties
	soft      error // why the value being built is only a best effort
	tooDeep   bool  // hardDepth was reached
	cut       bool  // second pass: cut recursion at the depth limit
	stack     []*openapi3.Schema
}

// sub generates a value for s, reporting separately (in soft) whether it
// is a best-effort one; c.soft is left as it was.
func (c *ctx) sub(s *openapi3.Schema, name, refName string, depth int) (v any, soft, err error) {
	saved := c.soft
	c.soft = nil
	v, err = c.gen(s, name, refName, depth)
	soft, c.soft = c.soft, saved
	if err != nil {
		soft = nil
	}
	return v, soft, err
}

// subExtra is sub for genExtra.
func (c *ctx) subExtra(in *info, fs *openapi3.Schema, k string, depth int) (v any, soft, err error) {
	saved := c.soft
	c.soft = nil
	v, err = c.genExtra(in, fs, k, depth)
	soft, c.soft = c.soft, saved
	if err != nil {
		soft = nil
	}
	return v, soft, err
}

// pathError locates an error in the value, as a JSON pointer.
type pathError struct {
	path []string // outermost first
	err  error
}

func (e *pathError) Error() string {
	var b strings.Builder
	b.WriteString(e.err.Error())
	b.WriteString(" (at ")
	for _, p := range e.path {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(p))
	}
	b.WriteByte(')')
	return b.String()
}

func (e *pathError) Unwrap() error { return e.err }

// at locates err under the property or array index seg.
func at(seg string, err error) error {
	if pe, ok := err.(*pathError); ok {
		return &pathError{path: append([]string{seg}, pe.path...), err: pe.err}
	}
	return &pathError{path: []string{seg}, err: err}
}

// degrade records that the value being built is a best-effort one.
func (c *ctx) degrade(err error) {
	if c.soft == nil {
		c.soft = err
	}
}

// fatal reports whether err, met generating a required part, must abort
// the enclosing value instead of being made up for: the budget is spent,
// or (first pass) a required chain recursed without end, which the second
// pass cuts at a sensible depth.
func (c *ctx) fatal(err error) bool {
	return errors.Is(err, errBudget) || !c.cut && errors.Is(err, errTooDeep)
}

func (c *ctx) intn(n int) int {
	if n <= 1 {
		return 0
	}
	return c.f.Rand.Intn(n)
}

func (c *ctx) chance(p float64) bool { return c.f.Rand.Float64() < p }

// deep reports whether optional parts should be skipped at depth.
func (c *ctx) deep(depth int) bool {
	return depth >= c.g.maxDepth || c.nodes > maxNodes || c.work > maxWork/2
}

// gen generates a value for s. refName is the component name s was reached
// through ("" if unknown).
func (c *ctx) gen(s *openapi3.Schema, name, refName string, depth int) (any, error) {
	c.work++
	if c.work > maxWork {
		return nil, errBudget
	}
	if depth > hardDepth {
		c.tooDeep = true
		return nil, errTooDeep
	}
	if s == nil {
		return c.word(), nil
	}
	in := c.g.info(s)
	if in.err != nil {
		return nil, in.err
	}
	if c.cut {
		return c.genCut(in, s, name, refName, depth)
	}
	return c.genChecked(in, s, name, refName, depth)
}

// genCut is gen in the second pass: a schema met again within itself beyond
// the depth limit is not generated again, unless it offers a way out.
func (c *ctx) genCut(in *info, s *openapi3.Schema, name, refName string, depth int) (any, error) {
	if c.deep(depth) && c.recursing(in, s) {
		if in.nullOK {
			return nil, nil
		}
		if len(in.examples) > 0 {
			return deepCopy(in.examples[c.intn(len(in.examples))]), nil
		}
		return nil, errRecursed
	}
	c.stack = append(c.stack, s)
	v, err := c.genChecked(in, s, name, refName, depth)
	c.stack = c.stack[:len(c.stack)-1]
	return v, err
}

// recursing reports whether s is being generated already and can only
// recurse again: no branch, enum, const or scalar type to choose instead.
func (c *ctx) recursing(in *info, s *openapi3.Schema) bool {
	fs := in.flat
	if len(fs.OneOf) > 0 || len(fs.AnyOf) > 0 || len(fs.Enum) > 0 || in.hasConst {
		return false
	}
	for _, t := range in.types {
		if t != "object" && t != "array" {
			return false
		}
	}
	for _, a := range c.stack {
		if a == s {
			return true
		}
	}
	return false
}

// genChecked generates a value for s, retrying until the constraints that
// generation does not guarantee (not, allOf leftovers, if) hold.
func (c *ctx) genChecked(in *info, s *openapi3.Schema, name, refName string, depth int) (any, error) {
	if !in.needCheck {
		return c.genFlat(in, s, name, refName, depth)
	}
	var (
		lastErr  error
		fb       any // best effort: a value failing the checks, or a degraded one
		fbSoft   error
		fbPass   bool
		haveFB   bool
		degraded int
	)
	for attempt := 0; attempt < 40; attempt++ {
		saved := c.soft
		c.soft = nil
		v, err := c.genFlat(in, s, name, refName, depth)
		soft := c.soft
		c.soft = saved
		if err != nil {
			if errors.Is(err, errBudget) {
				return nil, err
			}
			lastErr = err
			continue
		}
		pass := c.g.passes(in, v)
		if pass && soft == nil {
			return v, nil
		}
		if !haveFB || pass && !fbPass {
			fb, fbSoft, fbPass, haveFB = v, soft, pass, true
		}
		if soft != nil {
			// The parts are unsatisfiable themselves: retrying rarely helps.
			if degraded++; degraded >= 3 {
				break
			}
		}
		if c.work > maxWork {
			return nil, errBudget
		}
	}
	if haveFB {
		if !fbPass {
			c.degrade(unsat("could not find a value satisfying not/allOf/if constraints"))
		}
		if fbSoft != nil {
			c.degrade(fbSoft)
		}
		return fb, nil
	}
	return nil, lastErr
}

// passes checks the constraints of in that generation does not guarantee.
func (g *Generator) passes(in *info, v any) bool {
	for _, s := range in.checks {
		if s.VisitJSON(v, g.vopts...) != nil {
			return false
		}
	}
	for _, s := range in.nots {
		if s.VisitJSON(v, g.vopts...) == nil {
			return false
		}
	}
	if in.flat.If != nil && in.flat.If.Value != nil {
		var next *openapi3.SchemaRef
		if in.flat.If.Value.VisitJSON(v, g.vopts...) == nil {
			next = in.flat.Then
		} else {
			next = in.flat.Else
		}
		if next != nil && next.Value != nil && next.Value.VisitJSON(v, g.vopts...) != nil {
			return false
		}
	}
	return true
}

func (c *ctx) genFlat(in *info, s *openapi3.Schema, name, refName string, depth int) (any, error) {
	fs := in.flat
	if len(in.examples) > 0 {
		if c.g.opts.Examples {
			return deepCopy(in.examples[0]), nil
		}
		if c.chance(0.3) {
			return deepCopy(in.examples[c.intn(len(in.examples))]), nil
		}
	}
	if in.hasConst {
		if !in.constOK {
			c.degrade(unsat("const value does not validate"))
		}
		return deepCopy(fs.Const), nil
	}
	if len(fs.Enum) > 0 {
		if len(in.enum) == 0 {
			c.degrade(unsat("no enum member validates against the schema"))
			return deepCopy(fs.Enum[c.intn(len(fs.Enum))]), nil
		}
		return deepCopy(in.enum[c.intn(len(in.enum))]), nil
	}
	if len(fs.OneOf) > 0 {
		return c.genBranches(in, s, fs.OneOf, true, name, refName, depth)
	}
	if len(fs.AnyOf) > 0 {
		return c.genBranches(in, s, fs.AnyOf, false, name, refName, depth)
	}
	if len(in.types) == 0 {
		if in.nullOK {
			return nil, nil
		}
		return nil, unsat("no type admitted")
	}
	if in.nullOK && (c.deep(depth) && (in.types[0] == "object" || in.types[0] == "array") || c.chance(0.1)) {
		return nil, nil
	}
	t := in.types[0]
	if len(in.types) > 1 {
		t = in.types[c.intn(len(in.types))]
	}
	switch t {
	case "boolean":
		return c.f.Bool(), nil
	case "integer":
		return c.genNumber(fs, name, true)
	case "number":
		return c.genNumber(fs, name, false)
	case "string":
		return c.genString(in, fs, name)
	case "array":
		return c.genArray(in, fs, name, depth)
	case "object":
		return c.genObject(in, fs, refName, depth)
	case "null":
		return nil, nil
	}
	return nil, unsat("unknown type %q", t)
}

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

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
