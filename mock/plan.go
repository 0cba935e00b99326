package mock

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"mime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/mockapi-go/mockapi/internal/oas"
	"github.com/mockapi-go/mockapi/openapi"
)

// opPlan is everything decided about an operation once, when the handler
// is built, so that a request only looks things up.
type opPlan struct {
	op       *openapi.Operation
	route    *routers.Route
	route30  *routers.Route // 3.1 only: route under the document labelled 3.0 (acceptsFast)
	fastReq  bool           // route30 judges this operation's parameters as route does
	plain    plainInput     // requests that need no openapi3filter (validateplain.go)
	statuses []*statusPlan  // in declared order: explicit codes ascending, ranges, default
	byCode   map[int]*statusPlan
	byRange  [6]*statusPlan // "1XX" .. "5XX"
	def      *statusPlan
	primary  *statusPlan // the status answered when the client asks for none
	security []securityAlt
	declared string // "200, 404, default", for error messages
}

type statusPlan struct {
	key     string // "200", "2XX", "default"
	code    int    // the status sent when this response is chosen without an explicit code
	resp    *openapi3.Response
	media   []*mediaPlan
	headers []headerPlan
}

type headerPlan struct {
	name   string
	schema *openapi3.Schema
	value  any // example, when valid
	has    bool
	// count marks a header that states how many items a list holds
	// (X-Total-Count, X-Result-Count...): a stateless answer sets it to the
	// length of the array it sends, not to a made-up number.
	count bool
}

// countHeaders are the names, lowercased without "x-" and punctuation, of
// headers that count a list's items.
var countHeaders = map[string]bool{
	"totalcount": true, "total": true, "count": true, "resultcount": true,
	"totalitems": true, "totalresults": true, "itemcount": true, "totalrecords": true,
}

// isCountHeader reports whether a header named name with schema s counts
// a list's items.
func isCountHeader(name string, s *openapi3.Schema) bool {
	if s == nil || !(s.Type.Is(openapi3.TypeInteger) || s.Type.Is(openapi3.TypeNumber)) {
		return false
	}
	n := strings.ToLower(name)
	n = strings.TrimPrefix(n, "x-")
	n = strings.NewReplacer("-", "", "_", "").Replace(n)
	return countHeaders[n]
}

type renderKind uint8

const (
	renderJSON renderKind = iota
	renderText
	renderXML
	renderBinary
	renderForm
)

type mediaPlan struct {
	declared    string   // as written in the spec
	contentType string   // what the response says
	ctHeader    []string // contentType as a header value, shared read-only
	typ, sub    string   // lower-case, for negotiation; "*" wildcards possible
	kind        renderKind
	schema      *openapi3.Schema
	examples    []*examplePlan // named examples, sorted by name
	byName      map[string]*examplePlan
	fallback    *examplePlan // first valid of: media example, first named, schema example
}

type examplePlan struct {
	name    string
	value   any
	valid   bool
	encoded []byte   // rendered for the media type
	length  []string // len(encoded) as a header value, shared read-only
}

// planSlot holds an operation's plan, compiled when the operation is first
// needed: a description of a thousand operations costs at start only the
// slots, and an example is checked against its schema when its operation
// is compiled, before it can be served.
type planSlot struct {
	once     sync.Once
	plan     *opPlan
	warnings []openapi.Warning // what compiling the operation found
}

// planBuild compiles one operation; it collects the warnings compiling it
// finds, so that Warnings lists them in the document's order whichever
// operation was compiled first.
type planBuild struct {
	*Handler
	warnings []openapi.Warning
}

func (h *planBuild) warn(ptr, msg string) {
	h.warnings = append(h.warnings, openapi.Warning{Pointer: ptr, Message: msg})
}

// preparePlans makes an empty slot for every operation; nothing is
// compiled yet.
func (h *Handler) preparePlans() {
	h.plans = make(map[*openapi.Operation]*planSlot, len(h.doc.Operations()))
	for _, op := range h.doc.Operations() {
		h.plans[op] = &planSlot{}
	}
}

// plan returns op's plan, compiling it on first use (once, however many
// requests race for it); nil for an operation of another document.
func (h *Handler) plan(op *openapi.Operation) *opPlan {
	s := h.plans[op]
	if s == nil {
		return nil
	}
	s.once.Do(func() {
		b := &planBuild{Handler: h}
		s.plan = b.buildPlan(op)
		s.warnings = b.warnings
	})
	return s.plan
}

// compileAll compiles every operation not compiled yet.
func (h *Handler) compileAll() {
	for _, op := range h.doc.Operations() {
		h.plan(op)
	}
}

// anyJSONBody returns op, or a copy of it whose JSON request bodies accept
// any value: on route30, openapi3filter checks a request's parameters,
// content type and presence of a body and decodes it, and acceptsFast
// checks the body against its real schema (reqChecks). JSON decoding does
// not depend on the schema; other media types keep theirs.
func anyJSONBody(op *openapi3.Operation) *openapi3.Operation {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return op
	}
	rb := *op.RequestBody.Value
	rb.Content = make(openapi3.Content, len(op.RequestBody.Value.Content))
	changed := false
	for name, mt := range op.RequestBody.Value.Content {
		media := strings.ToLower(strings.TrimSpace(strings.Split(name, ";")[0]))
		if mt != nil && mt.Schema != nil && mt.Schema.Value != nil && (media == "application/json" || strings.HasSuffix(media, "+json")) &&
			(mt.Schema.Value.Type == nil || !mt.Schema.Value.Type.Includes(openapi3.TypeString)) {
			// (a string schema may be binary, which kin reads as bytes)
			c := *mt
			c.Schema = &openapi3.SchemaRef{Value: &openapi3.Schema{}}
			mt, changed = &c, true
		}
		rb.Content[name] = mt
	}
	if !changed {
		return op
	}
	out := *op
	out.RequestBody = &openapi3.RequestBodyRef{Value: &rb}
	return &out
}

// sameVerdictParams reports an operation whose parameters all have schemas
// that sameVerdictParam accepts.
func sameVerdictParams(item *openapi3.PathItem, op *openapi3.Operation) bool {
	var params openapi3.Parameters
	if item != nil {
		params = append(params, item.Parameters...)
	}
	params = append(params, op.Parameters...)
	for _, ref := range params {
		if ref == nil || ref.Value == nil || ref.Value.Schema == nil || len(ref.Value.Content) != 0 ||
			!sameVerdictParam(ref.Value.Schema.Value) {
			return false
		}
	}
	return true
}

func (h *planBuild) buildPlan(op *openapi.Operation) *opPlan {
	spec, kop := h.doc.Kin(), op.Kin()
	item := spec.Paths.Value(op.Key)
	p := &opPlan{
		op:       op,
		byCode:   map[int]*statusPlan{},
		route:    &routers.Route{Spec: spec, Path: op.Key, PathItem: item, Method: op.Method, Operation: kop},
		declared: "",
		plain:    plainInputOf(spec, item, kop),
	}
	if h.spec30 != nil {
		r30 := *p.route
		r30.Spec = h.spec30
		r30.Operation = anyJSONBody(kop)
		p.route30 = &r30
		p.fastReq = sameVerdictParams(item, kop)
	}
	responses := oas.Responses(kop)
	keys := make([]string, 0, responses.Len())
	for k := range responses.Map() {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return statusOrder(keys[i]) < statusOrder(keys[j]) })
	base := "/paths/" + escapeToken(op.Key) + "/" + strings.ToLower(op.Method) + "/responses/"
	for _, key := range keys {
		ref := responses.Value(key)
		if ref == nil || ref.Value == nil {
			continue
		}
		sp := &statusPlan{key: key, resp: ref.Value}
		switch {
		case key == "default":
			sp.code = 0 // decided per request
			p.def = sp
		case len(key) == 3 && (key[1] == 'X' || key[1] == 'x') && key[0] >= '1' && key[0] <= '5':
			sp.code = int(key[0]-'0') * 100
			if p.byRange[key[0]-'0'] == nil {
				p.byRange[key[0]-'0'] = sp
			}
		default:
			code, err := strconv.Atoi(key)
			if err != nil || code < 100 || code > 599 {
				h.warn(base+escapeToken(key), fmt.Sprintf("response key %q is not a status code; ignored", key))
				continue
			}
			sp.code = code
			p.byCode[code] = sp
		}
		sp.media = h.buildMedia(ref.Value.Content, base+escapeToken(key)+"/content/")
		sp.headers = h.buildHeaders(ref.Value.Headers)
		p.statuses = append(p.statuses, sp)
	}
	names := make([]string, 0, len(p.statuses))
	for _, sp := range p.statuses {
		names = append(names, sp.key)
	}
	p.declared = strings.Join(names, ", ")
	// The lowest declared 2xx, else default, else the first declared.
	for _, sp := range p.statuses {
		if sp.code >= 200 && sp.code < 300 {
			if p.primary == nil || sp.code < p.primary.code {
				p.primary = sp
			}
		}
	}
	if p.primary == nil {
		p.primary = p.def
	}
	if p.primary == nil && len(p.statuses) > 0 {
		p.primary = p.statuses[0]
	}
	p.security = h.buildSecurity(oas.Security(spec, kop))
	return p
}

// statusOrder sorts explicit codes first, then ranges, then default.
func statusOrder(key string) int {
	if code, err := strconv.Atoi(key); err == nil {
		return code
	}
	if key == "default" {
		return 10000
	}
	if len(key) == 3 {
		return 1000 + int(key[0])*10
	}
	return 9000
}

func (h *planBuild) buildHeaders(headers openapi3.Headers) []headerPlan {
	names := slices.Sorted(maps.Keys(headers))
	var out []headerPlan
	for _, n := range names {
		ref := headers[n]
		if ref == nil || ref.Value == nil || strings.EqualFold(n, "Content-Type") || strings.EqualFold(n, "Content-Length") {
			continue
		}
		hp := headerPlan{name: n}
		if ref.Value.Schema != nil {
			hp.schema = ref.Value.Schema.Value
		}
		if ex := ref.Value.Example; ex != nil && h.validFor(hp.schema, ex) {
			hp.value, hp.has = ex, true
		}
		hp.count = isCountHeader(n, hp.schema)
		out = append(out, hp)
	}
	return out
}

func (h *planBuild) buildMedia(content openapi3.Content, base string) []*mediaPlan {
	types := make([]string, 0, len(content))
	for t := range content {
		types = append(types, t)
	}
	// JSON first: it is what most clients want when they say nothing.
	sort.SliceStable(types, func(i, j int) bool {
		ji, jj := isJSON(types[i]), isJSON(types[j])
		if ji != jj {
			return ji
		}
		return types[i] < types[j]
	})
	var out []*mediaPlan
	for _, key := range types {
		mt := content[key]
		if mt == nil {
			continue
		}
		// "text/csv, text/comma-separated-values": one key, several types.
		for _, t := range strings.Split(key, ",") {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, h.buildMediaType(key, t, mt, base))
			}
		}
	}
	return out
}

func (h *planBuild) buildMediaType(key, t string, mt *openapi3.MediaType, base string) *mediaPlan {
	{
		mp := &mediaPlan{declared: key, byName: map[string]*examplePlan{}}
		parsed, _, err := mime.ParseMediaType(t)
		if err != nil {
			parsed = strings.ToLower(strings.TrimSpace(strings.SplitN(t, ";", 2)[0]))
		}
		mp.typ, mp.sub, _ = strings.Cut(parsed, "/")
		if mp.sub == "" {
			mp.sub = "*"
		}
		mp.contentType = t
		if mp.typ == "*" || mp.sub == "*" {
			// A wildcard cannot be sent: answer with a concrete type.
			mp.contentType = concreteType(mp.typ, mp.sub)
		}
		if !strings.Contains(t, "/") && mp.typ != "*" {
			// Not a media type ("PDF", "xml"): the declared name, which is
			// the only Content-Type a validator finds it by (#15).
			mp.contentType = strings.TrimSpace(t)
		}
		// Otherwise the declared spelling ("application/json;charset=UTF-8")
		// is sent as is: validators look the header up verbatim.
		mp.kind = kindOf(mp.contentType)
		mp.ctHeader = []string{mp.contentType}
		if mt.Schema != nil {
			mp.schema = mt.Schema.Value
		}
		ptr := base + escapeToken(key)
		// Named examples, then the media type's example, then the schema's.
		names := slices.Sorted(maps.Keys(mt.Examples))
		for _, n := range names {
			ref := mt.Examples[n]
			if ref == nil || ref.Value == nil {
				continue
			}
			val, ok := h.exampleValue(ref.Value, ptr+"/examples/"+escapeToken(n))
			if !ok {
				continue
			}
			ep := h.buildExample(mp, n, val, ptr+"/examples/"+escapeToken(n))
			mp.examples = append(mp.examples, ep)
			mp.byName[n] = ep
		}
		var candidates []*examplePlan
		// Examples recorded from the real API (mock/proxy) come first: a
		// recording is applied so that the mock replays real data.
		for _, ep := range mp.examples {
			if recorded(mt.Examples[ep.name].Value) {
				candidates = append(candidates, ep)
			}
		}
		if mt.Example != nil {
			candidates = append(candidates, h.buildExample(mp, "", mt.Example, ptr+"/example"))
		}
		for _, ep := range mp.examples {
			if !recorded(mt.Examples[ep.name].Value) {
				candidates = append(candidates, ep)
			}
		}
		if mp.schema != nil {
			if mp.schema.Example != nil {
				candidates = append(candidates, h.buildExample(mp, "", mp.schema.Example, ptr+"/schema/example"))
			}
			for i, ex := range mp.schema.Examples {
				candidates = append(candidates, h.buildExample(mp, "", ex, fmt.Sprintf("%s/schema/examples/%d", ptr, i)))
				break
			}
		}
		// kin-openapi keeps named examples in a map, so the author's order is
		// lost; an empty list or object is the least telling choice.
		for _, pass := range []bool{true, false} {
			for _, c := range candidates {
				if mp.fallback == nil && (c.valid || h.cfg.verbatim) && (!pass || !isEmptyValue(c.value)) {
					mp.fallback = c
				}
			}
		}
		return mp
	}
}

// RecordedExtension marks an Example recorded from the real API (package
// mock/proxy writes it): such examples are served before the others.
const RecordedExtension = "x-mockapi-recorded"

func recorded(e *openapi3.Example) bool {
	if e == nil {
		return false
	}
	v, ok := e.Extensions[RecordedExtension]
	return ok && v == true
}

// exampleValue resolves an Example's value. An externalValue is read with
// Document.ReadFile: from the spec's own directory only, a regular file of
// at most openapi.MaxReferencedFileSize bytes, and never for a document
// given as bytes. One that cannot be read is reported and not served.
func (h *planBuild) exampleValue(ex *openapi3.Example, ptr string) (any, bool) {
	if ex.Value != nil {
		return ex.Value, true
	}
	if ex.ExternalValue == "" || !h.cfg.externalValues {
		return nil, false
	}
	data, err := h.doc.ReadFile(ex.ExternalValue)
	if err != nil {
		h.warn(ptr+"/externalValue", "externalValue is not read and the example is not served: "+firstLine(err.Error()))
		return nil, false
	}
	var v any
	if json.Unmarshal(data, &v) == nil {
		return v, true
	}
	return string(data), true
}

func (h *planBuild) buildExample(mp *mediaPlan, name string, value any, ptr string) *examplePlan {
	ep := &examplePlan{name: name, value: value, valid: true}
	if mp.schema != nil {
		if err := h.checkValue(mp.schema, value); err != nil {
			ep.valid = false
			h.warn(ptr, "example does not match its schema and is not served: "+firstLine(err.Error()))
		}
	}
	if body, err := render(mp, value, nil); err == nil {
		ep.encoded = body
		ep.length = []string{strconv.Itoa(len(body))}
	} else {
		ep.valid = false
	}
	return ep
}

func (h *Handler) validFor(s *openapi3.Schema, v any) (ok bool) {
	if s == nil {
		return true
	}
	defer func() {
		if r := recover(); r != nil {
			ok = false
		}
	}()
	w, isWire := wireValue(v)
	if !isWire {
		return h.checkValue(s, v) == nil
	}
	return h.checks.valid(s, w)
}

// checkValue validates v as a response value of schema s, the way a client
// of the mock would.
func (h *Handler) checkValue(s *openapi3.Schema, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("validator failed: %v", r)
		}
	}()
	// Numbers and maps must look as they do on the wire: a value made of
	// JSON's own types only needs its integers made float64, anything else
	// goes through JSON and back.
	if w, ok := wireValue(v); ok {
		return h.checks.validate(s, w)
	}
	if b, jerr := json.Marshal(v); jerr == nil {
		var rt any
		if json.Unmarshal(b, &rt) == nil {
			v = rt
		}
	}
	return h.checks.validate(s, v)
}

// wireValue returns v as decoding its JSON would give it, when v holds
// nothing but nil, bool, float64, valid UTF-8 strings, int, int64, []any
// and map[string]any: the integers become float64, in copies of the
// slices and maps that hold them. It reports false for anything else.
func wireValue(v any) (any, bool) {
	w, _, ok := wire(v)
	return w, ok
}

func wire(v any) (out any, changed, ok bool) {
	switch t := v.(type) {
	case nil, bool:
		return v, false, true
	case float64:
		return v, false, !math.IsInf(t, 0) && !math.IsNaN(t)
	case string:
		return v, false, utf8.ValidString(t)
	case int:
		return float64(t), true, true
	case int64:
		return float64(t), true, true
	case []any:
		var cp []any
		for i, e := range t {
			w, ch, ok := wire(e)
			if !ok {
				return nil, false, false
			}
			if ch && cp == nil {
				cp = slices.Clone(t)
			}
			if cp != nil {
				cp[i] = w
			}
		}
		if cp != nil {
			return cp, true, true
		}
		return v, false, true
	case map[string]any:
		if t == nil {
			return v, false, true
		}
		var cp map[string]any
		for k, e := range t {
			w, ch, ok := wire(e)
			if !ok || !utf8.ValidString(k) {
				return nil, false, false
			}
			if ch {
				if cp == nil {
					cp = maps.Clone(t)
				}
				cp[k] = w
			}
		}
		if cp != nil {
			return cp, true, true
		}
		return v, false, true
	}
	return nil, false, false
}

func isEmptyValue(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case []any:
		return len(t) == 0
	case map[string]any:
		return len(t) == 0
	case string:
		return t == ""
	}
	return false
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func escapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func isJSON(t string) bool {
	t = strings.ToLower(t)
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = t[:i]
	}
	t = strings.TrimSpace(t)
	return t == "application/json" || strings.HasSuffix(t, "+json") || t == "text/json" || t == "application/x-json"
}

func concreteType(typ, sub string) string {
	switch {
	case typ == "*":
		return "application/json"
	case typ == "application":
		return "application/json"
	case typ == "text":
		return "text/plain"
	case typ == "image":
		return "image/png"
	case typ == "audio":
		return "audio/mpeg"
	case typ == "video":
		return "video/mp4"
	case typ == "font":
		return "font/woff2"
	case typ == "model":
		return "model/gltf-binary"
	default:
		return "application/octet-stream"
	}
}

func kindOf(contentType string) renderKind {
	t := strings.ToLower(contentType)
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	switch {
	case isJSON(t):
		return renderJSON
	case t == "application/xml" || t == "text/xml" || strings.HasSuffix(t, "+xml"):
		return renderXML
	case t == "application/x-www-form-urlencoded":
		return renderForm
	case strings.HasPrefix(t, "text/"):
		return renderText
	case t == "application/octet-stream" || strings.HasPrefix(t, "image/") || strings.HasPrefix(t, "audio/") ||
		strings.HasPrefix(t, "video/") || t == "application/pdf" || t == "application/zip" || strings.HasPrefix(t, "font/"):
		return renderBinary
	}
	return renderJSON
}
