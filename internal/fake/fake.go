package fake

import (
	"errors"
	"fmt"
	"maps"
	"slices"
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

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
