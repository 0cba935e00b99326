package mock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/mockapi-go/mockapi/internal/oas"
	"github.com/mockapi-go/mockapi/internal/problem"
	"github.com/mockapi-go/mockapi/openapi"
)

// maxProblemItems bounds the errors listed in one problem document.
const maxProblemItems = 50

// validateRequest checks parameters, content type and body against the
// operation. It returns nil or a problem with status 400, 415 or 422.
func (h *Handler) validateRequest(ctx context.Context, p *opPlan, r *http.Request, m openapi.Match) *problem.Problem {
	if p.plain.accepts(m) {
		return nil
	}
	var err error
	if p.fastReq {
		var ok bool
		if ok, err = h.acceptsFast(ctx, p, r, m); ok {
			return nil
		}
	}
	if err == nil {
		input := &openapi3filter.RequestValidationInput{
			Request:    r,
			PathParams: m.Params(),
			Route:      p.route,
			Options:    h.filterOpts,
		}
		if err = safeValidateRequest(ctx, input); err == nil {
			return nil
		}
	}
	status := http.StatusBadRequest
	var items []problem.Item
	judged := false
	for _, e := range flattenErrors(err, nil) {
		if undecodable(e) || phantomPathParam(e, p.op.Path) || composedParamAccepts(e, r, m) || openMapParam(e) || objectParamAccepts(e, r) ||
			explodedObjectParamAccepts(e, r, m) {
			continue
		}
		judged = true
		for _, item := range describe(e) {
			if len(items) == maxProblemItems {
				break
			}
			items = append(items, item.Item)
			// The most specific failure decides: 415 over 422 over 400.
			if rank(item.status) > rank(status) {
				status = item.status
			}
		}
	}
	if len(items) == 0 && !judged {
		return nil // nothing the validator could judge, or the spec's mistake
	}
	if len(items) == 0 {
		items = append(items, problem.Item{Message: err.Error()})
	}
	pr := problem.New(status, problem.CodeValidation, "the request does not match the API description")
	if status == http.StatusUnsupportedMediaType {
		pr.Code = problem.CodeUnsupportedMedia
		pr.Detail = "the request's content type is not one the operation accepts"
	}
	pr.Errors = items
	return &pr
}

// acceptsFast reports that openapi3filter would accept a request to an
// OpenAPI 3.1 operation, without the JSON Schema compilation it makes for
// every parameter and body it checks (issue #22).
//
// The request goes through openapi3filter on route30, the operation under
// the document labelled 3.0, so that it runs kin's own validator; the
// decoded body is then checked by reqChecks, which gives the 3.1 verdict
// with a validator compiled once. This is done only for operations whose
// parameter schemas get the same verdicts from both validators
// (sameVerdictParam). When kin's own validator rejects the body (a schema
// with component $refs), its error is returned as openapi3filter would
// return it on the real route. When either check rejects, validateRequest asks
// openapi3filter on the real route, whose verdict and errors stand.
func (h *Handler) acceptsFast(ctx context.Context, p *opPlan, r *http.Request, m openapi.Match) (bool, error) {
	input := &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: m.Params(),
		Route:      p.route30,
		Options:    h.fastOpts,
	}
	if safeValidateRequest(ctx, input) != nil {
		return false, nil
	}
	vb, ok := r.Body.(interface{ ValidatedValue() any })
	if !ok {
		return true, nil // no body, or no schema to check it against
	}
	rb := p.route.Operation.RequestBody
	if rb == nil || rb.Value == nil {
		return false, nil
	}
	mt := rb.Value.Content.Get(r.Header.Get("Content-Type"))
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return false, nil
	}
	s, v := mt.Schema.Value, vb.ValidatedValue()
	if sc := h.reqChecks.check(s); sc.mode != checkVisit || sc.primitive {
		return h.reqChecks.validate(s, v) == nil, nil
	}
	// kin's own validator judges this body on the real route too, after
	// compiling a validator it does not use: its error, without that.
	serr := s.VisitJSON(v, h.reqChecks.plain...)
	if serr == nil {
		return true, nil
	}
	id := strings.TrimSpace(mt.Schema.Ref)
	if id == "" {
		id = strings.TrimSpace(s.Title)
	}
	if id != "" {
		id = " " + id
	}
	input.Route = p.route
	input.Options = h.filterOpts
	return false, openapi3.MultiError{&openapi3filter.RequestError{
		Input: input, RequestBody: rb.Value, Reason: "doesn't match schema" + id, Err: serr}}
}

// sameVerdictParam reports a parameter schema that kin-openapi's own
// validator and the JSON Schema 2020-12 one judge alike: one primitive
// type (or an array of them) with bounds, lengths, a pattern, a format
// or, for strings, an enum.
func sameVerdictParam(s *openapi3.Schema) bool {
	if s == nil || s.Nullable || s.Type == nil || len(s.Type.Slice()) != 1 ||
		s.ExclusiveMin.IsSet() || s.ExclusiveMax.IsSet() || s.MultipleOf != nil || s.UniqueItems ||
		s.Const != nil || len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) != 0 || s.Not != nil ||
		s.If != nil || s.Then != nil || s.Else != nil || len(s.Properties) != 0 ||
		s.AdditionalProperties.Has != nil || s.AdditionalProperties.Schema != nil ||
		len(s.PrefixItems) != 0 || s.Contains != nil || len(s.PatternProperties) != 0 ||
		s.PropertyNames != nil || len(s.Defs) != 0 || s.ContentSchema != nil ||
		len(s.DependentRequired) != 0 || len(s.DependentSchemas) != 0 ||
		s.UnevaluatedItems.Has != nil || s.UnevaluatedItems.Schema != nil ||
		s.UnevaluatedProperties.Has != nil || s.UnevaluatedProperties.Schema != nil {
		return false
	}
	if s.Pattern != "" {
		if _, err := regexp.Compile(s.Pattern); err != nil {
			return false
		}
	}
	switch t := s.Type.Slice()[0]; t {
	case openapi3.TypeString:
		return s.Format != "regex"
	case openapi3.TypeBoolean, openapi3.TypeInteger, openapi3.TypeNumber:
		return len(s.Enum) == 0 && (t != openapi3.TypeNumber || s.Format == "" || s.Format == "float" || s.Format == "double")
	case openapi3.TypeArray:
		return len(s.Enum) == 0 && s.Items != nil && s.Items.Value != nil &&
			s.Items.Value.Type != nil && !s.Items.Value.Type.Is(openapi3.TypeArray) && sameVerdictParam(s.Items.Value)
	}
	return false
}

// undecodable reports a failure of the validator rather than of the
// request: a body in a media type kin-openapi has no decoder for (XML, for
// one), a parameter serialisation it cannot read, or one the spec pairs
// with a type it does not apply to (style: deepObject on an array, as in
// Stripe's expand). The mock does not reject what it cannot judge.
func undecodable(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "failed to decode request body: unsupported content type") ||
		strings.Contains(msg, "schema has non primitive type") ||
		strings.Contains(msg, "unsupported parameter") ||
		strings.Contains(msg, "invalid serialization method") ||
		strings.Contains(msg, "not implemented")
}

// phantomPathParam reports a path parameter the spec declares but its
// path template does not hold (weatherbit's /alerts with "in: path" lat
// and lon): no request can send it, so its absence is the spec's mistake,
// not the client's (#15).
func phantomPathParam(err error, template string) bool {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) || re.Parameter == nil || re.Parameter.In != openapi3.ParameterInPath {
		return false
	}
	name := re.Parameter.Name
	for _, form := range []string{"{" + name + "}", "{" + name + "*}", "{+" + name + "}", "{." + name + "}", "{;" + name + "}", "{/" + name + "}", "{#" + name + "}"} {
		if strings.Contains(template, form) {
			return false
		}
	}
	return true
}

// openMapParam reports a required query object parameter, exploded in form
// style (the default), that declares no property of its own, only
// additionalProperties (microcks' queryMap): its members are sent as query
// parameters of their own names, so it is never "missing" (an empty map
// sends nothing) and kin-openapi cannot tell which parameters are its
// members. Whatever was sent is taken (#15).
func openMapParam(err error) bool {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) || re.Parameter == nil || re.Parameter.In != openapi3.ParameterInQuery ||
		re.Parameter.Schema == nil || re.Parameter.Schema.Value == nil {
		return false
	}
	s := re.Parameter.Schema.Value
	if !s.Type.Is(openapi3.TypeObject) || len(s.Properties) > 0 || re.Parameter.Explode != nil && !*re.Parameter.Explode ||
		re.Parameter.Style != "" && re.Parameter.Style != openapi3.SerializationForm {
		return false
	}
	return errors.Is(err, openapi3filter.ErrInvalidRequired) || strings.Contains(err.Error(), "required but missing")
}

// composedParamAccepts reports a refused parameter that kin-openapi cannot
// read because its schema, or its array's items, is composed: a oneOf or
// anyOf of primitives ("an id or a slug": integer or string), which kin
// decodes as the last branch's type, so that "3" matches no branch; or an
// allOf (AWS's items: allOf [String, xml]), which kin decodes as nothing,
// "empty value is not allowed". The mock judges such a value itself: read
// as the type its schema names, a oneOf or anyOf accepting it when one of
// its branches does, also when several do. It is liberal in what it
// accepts (#15).
func composedParamAccepts(err error, r *http.Request, m openapi.Match) bool {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) || re.Parameter == nil || re.Parameter.Schema == nil || re.Parameter.Schema.Value == nil {
		return false
	}
	s := re.Parameter.Schema.Value
	var raw []string
	switch re.Parameter.In {
	case openapi3.ParameterInPath:
		if v, ok := m.Param(re.Parameter.Name); ok {
			raw = []string{v}
		}
	case openapi3.ParameterInQuery:
		raw = r.URL.Query()[re.Parameter.Name]
	case openapi3.ParameterInHeader:
		raw = r.Header.Values(re.Parameter.Name)
	}
	if len(raw) == 0 {
		return false
	}
	if !s.Type.Is(openapi3.TypeArray) {
		return (composed(s) || untyped(s)) && len(raw) == 1 && rawAccepts(s, raw[0], 0)
	}
	if s.Items == nil || s.Items.Value == nil || !composed(s.Items.Value) && !untyped(s.Items.Value) {
		return false
	}
	if len(raw) == 1 && (re.Parameter.In != openapi3.ParameterInQuery || re.Parameter.Explode != nil && !*re.Parameter.Explode) {
		raw = strings.Split(raw[0], ",") // simple style, or form without explode
	}
	if uint64(len(raw)) < s.MinItems || s.MaxItems != nil && uint64(len(raw)) > *s.MaxItems {
		return false
	}
	for _, v := range raw {
		if !rawAccepts(s.Items.Value, v, 0) {
			return false
		}
	}
	return true
}

// objectParamAccepts reports a refused query object parameter, exploded in
// form style, that the mock reads itself: each declared property from the
// query parameter of its name, an object or array member (or a composed
// one: AWS's AccessLog is allOf [AccessLog, xml]) as the JSON text clients
// send for it, a primitive as its schema's type. kin-openapi reads such a
// member as text and refuses it. The object read is then validated against
// the parameter's schema, formats included (#15).
func objectParamAccepts(err error, r *http.Request) bool {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) || re.Parameter == nil || re.Parameter.In != openapi3.ParameterInQuery ||
		re.Parameter.Schema == nil || re.Parameter.Schema.Value == nil {
		return false
	}
	s := re.Parameter.Schema.Value
	if !s.Type.Is(openapi3.TypeObject) || len(s.Properties) == 0 || re.Parameter.Explode != nil && !*re.Parameter.Explode ||
		re.Parameter.Style != "" && re.Parameter.Style != openapi3.SerializationForm {
		return false
	}
	q := r.URL.Query()
	obj := map[string]any{}
	for name, p := range s.Properties {
		vs, ok := q[name]
		if !ok || len(vs) == 0 || p == nil || p.Value == nil {
			continue
		}
		ps := p.Value
		switch t := namedType(ps, 0); {
		case t == openapi3.TypeObject || t == openapi3.TypeArray || t == "" && composed(ps):
			var v any
			if json.Unmarshal([]byte(vs[0]), &v) != nil {
				if t != "" {
					return false
				}
				v = vs[0]
			}
			obj[name] = v
		default:
			if !rawAccepts(ps, vs[0], 0) {
				return false
			}
			obj[name] = typedRaw(ps, vs[0])
		}
	}
	if len(obj) == 0 && !re.Parameter.Required {
		// None of its members was sent: an optional object that is
		// absent, which kin-openapi reads as {} missing its required
		// members (CloudFormation's LoggingConfig).
		return true
	}
	return s.VisitJSON(obj, openapi3.EnableFormatValidation(), openapi3.SetSchemaRegexCompiler(oas.RegexCompiler)) == nil
}

// explodedObjectParamAccepts reports a refused path or header object
// parameter, exploded (name=value members), one of whose values holds the
// delimiter between members: label style's "." ending a sentence, say
// (readme's parameters-style: .description=Onto city..name=Vernie). RFC
// 6570 sends unreserved characters unescaped, so a value built validly
// from the spec arrives so, and kin-openapi, splitting at every delimiter,
// refuses the piece without "=". The mock reads it liberally: a piece
// without "=" continues the value before it; the object read is then
// checked against the schema (#15).
func explodedObjectParamAccepts(err error, r *http.Request, m openapi.Match) bool {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) || re.Parameter == nil || re.Parameter.Schema == nil || re.Parameter.Schema.Value == nil ||
		re.Parameter.Explode == nil || !*re.Parameter.Explode {
		return false
	}
	p, s := re.Parameter, re.Parameter.Schema.Value
	if !s.Type.Is(openapi3.TypeObject) {
		return false
	}
	var raw, prefix, delim string
	switch p.In {
	case openapi3.ParameterInPath:
		v, ok := m.Param(p.Name)
		if !ok {
			return false
		}
		raw = v
		switch p.Style {
		case "", openapi3.SerializationSimple:
			delim = ","
		case openapi3.SerializationLabel:
			prefix, delim = ".", "."
		case openapi3.SerializationMatrix:
			prefix, delim = ";", ";"
		default:
			return false
		}
	case openapi3.ParameterInHeader:
		if p.Style != "" && p.Style != openapi3.SerializationSimple {
			return false
		}
		raw, delim = r.Header.Get(p.Name), ","
	default:
		return false
	}
	rest, ok := strings.CutPrefix(raw, prefix)
	if !ok || rest == "" {
		return false
	}
	var names, values []string
	for _, piece := range strings.Split(rest, delim) {
		name, value, isMember := strings.Cut(piece, "=")
		switch {
		case isMember:
			names, values = append(names, name), append(values, value)
		case len(values) == 0:
			return false
		default:
			values[len(values)-1] += delim + piece
		}
	}
	obj := make(map[string]any, len(names))
	for i, name := range names {
		ps := s.AdditionalProperties.Schema
		if ref := s.Properties[name]; ref != nil {
			ps = ref
		}
		if ps == nil || ps.Value == nil {
			obj[name] = values[i]
			continue
		}
		if !rawAccepts(ps.Value, values[i], 0) {
			return false
		}
		obj[name] = typedRaw(ps.Value, values[i])
	}
	return s.VisitJSON(obj, openapi3.EnableFormatValidation(), openapi3.SetSchemaRegexCompiler(oas.RegexCompiler)) == nil
}

// typedRaw reads a raw parameter value as the type its schema names.
func typedRaw(s *openapi3.Schema, raw string) any {
	switch namedType(s, 0) {
	case openapi3.TypeInteger, openapi3.TypeNumber:
		if f, err := strconv.ParseFloat(raw, 64); err == nil {
			return f
		}
	case openapi3.TypeBoolean:
		if b, err := strconv.ParseBool(raw); err == nil {
			return b
		}
	}
	return raw
}

// untyped reports a schema that names no type and composes none: an enum
// of mixed values (Nexmo's delivered: true, false, 0 or 1) or an array's
// empty items (WikiPathways' graphId: items {}). kin-openapi decodes such a
// parameter as nothing and refuses it as empty.
func untyped(s *openapi3.Schema) bool {
	return (s.Type == nil || len(*s.Type) == 0) && !composed(s)
}

// composed reports a schema built with allOf, oneOf or anyOf.
func composed(s *openapi3.Schema) bool {
	return len(s.AllOf)+len(s.OneOf)+len(s.AnyOf) > 0
}

// maxComposedDepth bounds how deeply rawAccepts follows composed schemas.
const maxComposedDepth = 8

// rawAccepts checks a raw parameter value against s, read as the type s
// (or its allOf members) names; a oneOf or anyOf accepts it when one of its
// branches does. Objects and arrays are not read.
func rawAccepts(s *openapi3.Schema, raw string, depth int) bool {
	if s == nil {
		return true
	}
	if depth > maxComposedDepth {
		return false
	}
	if len(s.OneOf)+len(s.AnyOf) > 0 {
		for _, b := range append(append(openapi3.SchemaRefs(nil), s.OneOf...), s.AnyOf...) {
			if b != nil && rawAccepts(b.Value, raw, depth+1) {
				return true
			}
		}
		return false
	}
	var v any = raw
	switch namedType(s, depth) {
	case "":
		// No type: the value sent is text, or the number or boolean it
		// spells, whichever the schema takes.
		if check(s, raw) {
			return true
		}
		if f, err := strconv.ParseFloat(raw, 64); err == nil && check(s, f) {
			return true
		}
		b, err := strconv.ParseBool(raw)
		return err == nil && check(s, b)
	case openapi3.TypeString:
	case openapi3.TypeInteger:
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return false
		}
		v = float64(n)
	case openapi3.TypeNumber:
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return false
		}
		v = f
	case openapi3.TypeBoolean:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return false
		}
		v = b
	default:
		return false
	}
	return check(s, v)
}

// check validates a value read from a parameter against s, formats
// included.
func check(s *openapi3.Schema, v any) bool {
	return s.VisitJSON(v, openapi3.EnableFormatValidation(), openapi3.SetSchemaRegexCompiler(oas.RegexCompiler)) == nil
}

// namedType is the first type s names, itself or through its allOf
// members; "" for none.
func namedType(s *openapi3.Schema, depth int) string {
	if s == nil || depth > maxComposedDepth {
		return ""
	}
	if s.Type != nil && len(*s.Type) > 0 {
		return (*s.Type)[0]
	}
	for _, m := range s.AllOf {
		if m != nil {
			if t := namedType(m.Value, depth+1); t != "" {
				return t
			}
		}
	}
	return ""
}

func rank(status int) int {
	switch status {
	case http.StatusUnsupportedMediaType:
		return 3
	case http.StatusUnprocessableEntity:
		return 2
	}
	return 1
}

func safeValidateRequest(ctx context.Context, input *openapi3filter.RequestValidationInput) (err error) {
	defer func() {
		if rec := recover(); rec != nil {
			err = fmt.Errorf("request could not be validated: %v", rec)
		}
	}()
	return openapi3filter.ValidateRequest(ctx, input)
}

// flattenErrors expands the top-level multi-error. Errors nested inside a
// RequestError stay there: describe needs the request error's location.
func flattenErrors(err error, out []error) []error {
	if me, ok := err.(openapi3.MultiError); ok {
		for _, e := range me {
			out = flattenErrors(e, out)
		}
		return out
	}
	return append(out, err)
}

type located struct {
	problem.Item
	status int
}

// describe turns one kin-openapi validation error into located items and
// the status they call for.
func describe(err error) []located {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		var se *openapi3filter.SecurityRequirementsError
		if errors.As(err, &se) {
			return []located{{problem.Item{In: "header", Name: "Authorization", Message: "security requirements not satisfied"}, http.StatusUnauthorized}}
		}
		return []located{{problem.Item{Message: firstLine(err.Error())}, http.StatusBadRequest}}
	}
	causes := []error{re.Err}
	if me, ok := re.Err.(openapi3.MultiError); ok {
		causes = me
	}
	var out []located
	for _, cause := range causes {
		out = append(out, describeCause(re, cause))
	}
	return out
}

func describeCause(re *openapi3filter.RequestError, cause error) located {
	var se *openapi3.SchemaError
	isSchema := cause != nil && errors.As(cause, &se)
	if re.Parameter != nil {
		msg := reasonOf(re, cause)
		if isSchema {
			msg = schemaMessage(se)
			if p := se.JSONPointer(); len(p) > 0 {
				msg = "/" + strings.Join(p, "/") + ": " + msg
			}
		}
		return located{problem.Item{In: problem.Location(re.Parameter.In), Name: re.Parameter.Name, Message: msg}, http.StatusBadRequest}
	}
	if re.RequestBody != nil {
		if strings.HasPrefix(re.Reason, "header Content-Type has unexpected value") || strings.Contains(re.Reason, "unsupported content type") {
			return located{problem.Item{In: "header", Name: "Content-Type", Message: re.Reason}, http.StatusUnsupportedMediaType}
		}
		if isSchema {
			ptr := ""
			if p := se.JSONPointer(); len(p) > 0 {
				ptr = "/" + strings.Join(p, "/")
			}
			return located{problem.Item{In: "body", Pointer: ptr, Message: schemaMessage(se)}, http.StatusUnprocessableEntity}
		}
		if errors.Is(cause, openapi3filter.ErrInvalidRequired) {
			return located{problem.Item{In: "body", Message: "a request body is required"}, http.StatusUnprocessableEntity}
		}
		return located{problem.Item{In: "body", Message: reasonOf(re, cause)}, http.StatusUnprocessableEntity}
	}
	return located{problem.Item{Message: reasonOf(re, cause)}, http.StatusBadRequest}
}

func reasonOf(re *openapi3filter.RequestError, cause error) string {
	msg := re.Reason
	if cause != nil {
		if msg != "" {
			msg += ": "
		}
		msg += firstLine(cause.Error())
	}
	if msg == "" {
		msg = "invalid"
	}
	return msg
}

func schemaMessage(se *openapi3.SchemaError) string {
	if se.Reason != "" {
		return se.Reason
	}
	return firstLine(se.Error())
}
