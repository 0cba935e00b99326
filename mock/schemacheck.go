package mock

// Schema checks compiled once: the verdicts of kin-openapi's
// Schema.VisitJSON, without its cost on OpenAPI 3.1 documents.

import (
	"encoding/json"
	"errors"
	"math"
	"regexp"
	"sync"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mockapi-go/mockapi/internal/oas"
)

// schemaChecker validates values against schemas with a fixed set of
// kin-openapi options and gives VisitJSON's verdicts.
//
// On an OpenAPI 3.1 document VisitJSON (EnableJSONSchema2020) compiles a
// JSON Schema validator on every call, then either uses it or, when the
// schema holds component $refs and no 2020-12 keyword or does not compile,
// falls back to kin's own validator. A schemaChecker makes that decision
// once per schema, and compiles the validator once: at most one compilation
// per schema and document version, since a Handler serves one version.
// Rejections are handed to VisitJSON itself, so errors read as before.
type schemaChecker struct {
	opts  []openapi3.SchemaValidationOption // as VisitJSON is given them
	plain []openapi3.SchemaValidationOption // opts without EnableJSONSchema2020
	v31   bool
	cache sync.Map // *openapi3.Schema -> *schemaCheck

	compiles atomic.Int64 // decisions made (compileCheck calls), for tests
}

// checkMode is the validator VisitJSON settles on for one schema.
type checkMode uint8

const (
	checkKin      checkMode = iota // VisitJSON itself, every time
	checkVisit                     // kin's own validator: VisitJSON with plain options
	checkCompiled                  // the compiled JSON Schema 2020-12 validator
)

type schemaCheck struct {
	once     sync.Once // compileCheck runs once per schema, even when first uses race
	mode     checkMode
	compiled *jsonschema.Schema
	// primitive: checkVisit chosen for speed (sameVerdictParam), where
	// kin would use its compiled validator: same verdicts, other errors.
	primitive bool
}

func newSchemaChecker(v31 bool, opts ...openapi3.SchemaValidationOption) *schemaChecker {
	c := &schemaChecker{opts: opts, v31: v31}
	if v31 {
		c.plain = opts[:len(opts):len(opts)]
		c.opts = append(c.plain, openapi3.EnableJSONSchema2020())
	}
	return c
}

// validate returns what s.VisitJSON(v, opts...) returns, or nil for a nil
// schema.
func (c *schemaChecker) validate(s *openapi3.Schema, v any) (err error) {
	if s == nil {
		return nil
	}
	if !c.v31 {
		return s.VisitJSON(v, c.opts...)
	}
	sc := c.check(s)
	switch sc.mode {
	case checkVisit:
		return s.VisitJSON(v, c.plain...)
	case checkCompiled:
		if sc.compiled.Validate(v) == nil {
			return nil
		}
	}
	return s.VisitJSON(v, c.opts...)
}

// valid reports whether validate would return nil, without asking
// VisitJSON for the error of a rejected value (which on 3.1 compiles).
func (c *schemaChecker) valid(s *openapi3.Schema, v any) bool {
	if s != nil && c.v31 {
		if sc := c.check(s); sc.mode == checkCompiled {
			return sc.compiled.Validate(v) == nil
		}
	}
	return c.validate(s, v) == nil
}

// check returns the decision for s, made on first use. The cache only ever
// holds the handler's document's schemas: it checks against no others.
func (c *schemaChecker) check(s *openapi3.Schema) *schemaCheck {
	v, ok := c.cache.Load(s)
	if !ok {
		v, _ = c.cache.LoadOrStore(s, &schemaCheck{})
	}
	sc := v.(*schemaCheck)
	sc.once.Do(func() {
		c.compiles.Add(1)
		sc.mode, sc.compiled = compileCheck(s)
		sc.primitive = sameVerdictParam(s)
	})
	return sc
}

// compileCheck makes the decision kin-openapi's useJSONSchema2020 makes on
// every call (openapi3/schema_jsonschema_validator.go, v0.152).
func compileCheck(s *openapi3.Schema) (checkMode, *jsonschema.Schema) {
	if sameVerdictParam(s) {
		// A primitive both validators judge alike: kin's own is the
		// quicker (no big.Rat per number).
		return checkVisit, nil
	}
	features := walkSchemas(s, has2020Keyword)
	// kin's own validator with 2020-12 settings differs from it without
	// them in one way: "nullable" is ignored. Such a schema stays with kin.
	visit := checkVisit
	if walkSchemas(s, func(s *openapi3.Schema) bool { return s.Nullable }) {
		visit = checkKin
	}
	b, err := json.Marshal(s)
	if err != nil {
		return checkKin, nil
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		return checkKin, nil
	}
	refs := hasComponentRef(doc)
	if refs {
		if features {
			// kin copies the targets into $defs first: left to kin.
			return checkKin, nil
		}
		return visit, nil // kin compiles, then uses its own validator
	}
	compiled, err := compileSchema(doc)
	switch {
	case errors.Is(err, errNeedsKin):
		return checkKin, nil
	case err != nil && features:
		return checkKin, nil
	case err != nil:
		return visit, nil
	}
	return checkCompiled, compiled
}

var errNeedsKin = errors.New("left to kin-openapi")

// compileSchema compiles a schema document as kin-openapi does: draft
// 2020-12, kin's format validators asserted. Patterns are matched by
// the compiler the loader gives kin-openapi; a pattern Go's regexp cannot compile fails the
// compilation, as it does in kin.
func compileSchema(doc any) (*jsonschema.Schema, error) {
	formats := map[string]struct{}{}
	var patterns []string
	collectKeywords(doc, formats, &patterns)
	if _, ok := formats["regex"]; ok {
		return nil, errNeedsKin // asserted with Go's regexp by kin
	}
	for _, p := range patterns {
		if _, err := regexp.Compile(p); err != nil {
			return nil, err
		}
	}
	compiler := jsonschema.NewCompiler()
	compiler.DefaultDraft(jsonschema.Draft2020)
	compiler.UseRegexpEngine(func(expr string) (jsonschema.Regexp, error) {
		m, err := oas.RegexCompiler(expr)
		if err != nil {
			return nil, err
		}
		if re, ok := m.(jsonschema.Regexp); ok {
			return re, nil
		}
		return nil, errNeedsKin
	})
	if len(formats) > 0 {
		for name := range formats {
			compiler.RegisterFormat(&jsonschema.Format{Name: name, Validate: formatValidator(name)})
		}
		compiler.AssertFormat()
	}
	const url = "https://example.com/schema.json"
	if err := compiler.AddResource(url, doc); err != nil {
		return nil, err
	}
	return compiler.Compile(url)
}

// collectKeywords gathers the formats and patterns named in a schema
// document (patternProperties keys included).
func collectKeywords(node any, formats map[string]struct{}, patterns *[]string) {
	switch node := node.(type) {
	case map[string]any:
		if f, ok := node["format"].(string); ok && f != "" {
			formats[f] = struct{}{}
		}
		if p, ok := node["pattern"].(string); ok {
			*patterns = append(*patterns, p)
		}
		if pp, ok := node["patternProperties"].(map[string]any); ok {
			for p := range pp {
				*patterns = append(*patterns, p)
			}
		}
		for _, v := range node {
			collectKeywords(v, formats, patterns)
		}
	case []any:
		for _, v := range node {
			collectKeywords(v, formats, patterns)
		}
	}
}

// formatValidator checks a format with kin-openapi's registered validators,
// as kin's 2020-12 path does.
func formatValidator(name string) func(any) error {
	return func(v any) error {
		switch v := v.(type) {
		case string:
			if f, ok := openapi3.SchemaStringFormats[name]; ok {
				return f.Validate(v)
			}
		case json.Number:
			if n, err := v.Float64(); err == nil {
				return numberFormat(name, n)
			}
		case float64:
			return numberFormat(name, v)
		case float32:
			return numberFormat(name, float64(v))
		case int:
			return numberFormat(name, float64(v))
		case int32:
			return numberFormat(name, float64(v))
		case int64:
			return numberFormat(name, float64(v))
		}
		return nil
	}
}

func numberFormat(name string, v float64) error {
	if v == math.Trunc(v) && !math.IsInf(v, 0) {
		if f, ok := openapi3.SchemaIntegerFormats[name]; ok {
			return f.Validate(int64(v))
		}
	}
	if f, ok := openapi3.SchemaNumberFormats[name]; ok {
		return f.Validate(v)
	}
	return nil
}

// hasComponentRef reports a "#/components/schemas/..." $ref in a schema
// document.
func hasComponentRef(node any) bool {
	switch node := node.(type) {
	case map[string]any:
		if ref, ok := node["$ref"].(string); ok && len(ref) > len("#/components/schemas/") && ref[:len("#/components/schemas/")] == "#/components/schemas/" {
			return true
		}
		for _, v := range node {
			if hasComponentRef(v) {
				return true
			}
		}
	case []any:
		for _, v := range node {
			if hasComponentRef(v) {
				return true
			}
		}
	}
	return false
}

var errFound = errors.New("found")

// walkSchemas reports whether pred holds for s or a schema inside it,
// following resolved $refs.
func walkSchemas(s *openapi3.Schema, pred func(*openapi3.Schema) bool) bool {
	err := openapi3.NewSchemaRef("", s).WalkSubtree(func(_ string, ref *openapi3.SchemaRef) error {
		if ref.Value != nil && pred(ref.Value) {
			return errFound
		}
		return nil
	})
	return errors.Is(err, errFound)
}

// has2020Keyword is kin's list of the keywords that keep a schema on the
// 2020-12 validator even when it holds component $refs.
func has2020Keyword(s *openapi3.Schema) bool {
	return s.Const != nil ||
		len(s.PrefixItems) != 0 || s.Contains != nil ||
		len(s.PatternProperties) != 0 ||
		len(s.DependentSchemas) != 0 || s.PropertyNames != nil ||
		s.UnevaluatedItems.Has != nil || s.UnevaluatedItems.Schema != nil ||
		s.UnevaluatedProperties.Has != nil || s.UnevaluatedProperties.Schema != nil ||
		s.If != nil || s.Then != nil || s.Else != nil ||
		len(s.DependentRequired) != 0 || len(s.Defs) != 0 ||
		s.ContentSchema != nil
}
