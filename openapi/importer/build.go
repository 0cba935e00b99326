package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// pathItem gathers the operations of one templated path.
type pathItem struct {
	key   string   // "/users/{userId}"
	names []string // its parameters, in order
	ops   map[string]*operation
}

type operation struct {
	method    string
	exchanges []*exchange
	values    [][]string // path parameter values, per exchange
}

// build derives the description of c; it returns it and its number of
// operations.
func build(c capture, title string, format Format) (*omap, int) {
	paths := map[string]*pathItem{} // by shape: "/users/{}"
	var origins []string
	for _, x := range c.exchanges {
		segs, names, values := template(x)
		shape := "/" + strings.Join(segs, "/")
		pi := paths[shape]
		if pi == nil {
			pi = &pathItem{names: uniqueNames(names), ops: map[string]*operation{}}
			parts := slices.Clone(segs)
			n := 0
			for i, s := range parts {
				if s == "{}" {
					parts[i] = "{" + pi.names[n] + "}"
					n++
				}
			}
			pi.key = "/" + strings.Join(parts, "/")
			paths[shape] = pi
		}
		op := pi.ops[x.method]
		if op == nil {
			op = &operation{method: x.method}
			pi.ops[x.method] = op
		}
		op.exchanges = append(op.exchanges, x)
		op.values = append(op.values, values)
		if x.url.Scheme != "" && x.url.Host != "" && !strings.Contains(x.url.Host, "%7B") && len(origins) < 10 {
			o := x.url.Scheme + "://" + x.url.Host + x.base
			if !slices.Contains(origins, o) {
				origins = append(origins, o)
			}
		}
	}

	doc := newMap()
	doc.set("openapi", "3.1.0")
	info := newMap().set("title", title).set("version", "1.0.0")
	info.set("description", fmt.Sprintf("Derived by mockapi from %s: %d requests described, %d skipped.", formatName(format), len(c.exchanges), c.skipped))
	doc.set("info", info)
	if len(origins) > 0 {
		var servers []any
		for _, o := range origins {
			servers = append(servers, newMap().set("url", o))
		}
		doc.set("servers", servers)
	}
	b := &builder{schemes: newMap(), ids: map[string]bool{}, budget: MaxExamplesSize}
	pathsOut := newMap()
	count := 0
	for _, shape := range sortedKeys(paths) {
		pi := paths[shape]
		item := newMap()
		for _, m := range methodOrder(pi.ops) {
			item.set(strings.ToLower(m), b.operation(pi, pi.ops[m]))
			count++
		}
		pathsOut.set(pi.key, item)
	}
	doc.set("paths", pathsOut)
	if b.schemes.len() > 0 {
		doc.set("components", newMap().set("securitySchemes", b.schemes))
	}
	return doc, count
}

func formatName(f Format) string {
	switch f {
	case HAR:
		return "a HAR capture"
	case Postman:
		return "a Postman collection"
	}
	return "curl commands"
}

func methodOrder(ops map[string]*operation) []string {
	std := []string{"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"}
	var out []string
	for _, m := range std {
		if ops[m] != nil {
			out = append(out, m)
		}
	}
	return out
}

// methodAllowed reports whether OpenAPI has a place for method.
func methodAllowed(m string) bool {
	switch m {
	case "GET", "PUT", "POST", "DELETE", "HEAD", "PATCH":
		return true
	}
	return false
}

// template splits x's path into segments, "{}" where a segment is a
// parameter, with the parameters' names and recorded values.
func template(x *exchange) (segs, names, values []string) {
	var prev string
	for raw := range strings.SplitSeq(strings.TrimPrefix(x.url.EscapedPath(), x.base), "/") {
		if raw == "" {
			continue
		}
		s, err := url.PathUnescape(raw)
		if err != nil {
			s = raw
		}
		if name, ok := paramSegment(s); ok {
			value := s
			if name == "" {
				name = idName(prev)
			} else {
				value = x.pathVars[name] // a placeholder: its value, when the source gives one
			}
			segs = append(segs, "{}")
			names = append(names, name)
			values = append(values, value)
			continue
		}
		// A literal: as sent, with the characters a template reserves
		// escaped.
		lit := strings.NewReplacer("{", "%7B", "}", "%7D").Replace(raw)
		segs = append(segs, lit)
		prev = s
	}
	return segs, names, values
}

var (
	identRE  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]{0,63}$`)
	hexRE    = regexp.MustCompile(`^[0-9a-fA-F]{16,}$`)
	prefixRE = regexp.MustCompile(`^[a-z]{2,8}_[A-Za-z0-9]{8,}$`) // Stripe-style ids: cus_9s6XKzkNRiz8i3
	digitsRE = regexp.MustCompile(`^[0-9]{1,20}$`)
	jwtRE    = regexp.MustCompile(`^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,}$`)
	opaqueRE = regexp.MustCompile(`^[A-Za-z0-9_-]{24,}$`)
)

// opaque reports whether a segment looks like a token or a random id: a
// JWT, or 24 or more letters, digits, '-' and '_' with digits and both
// cases among them (never a word such as getNotificationSettings).
func opaque(s string) bool {
	if jwtRE.MatchString(s) {
		return true
	}
	if !opaqueRE.MatchString(s) {
		return false
	}
	digits := 0
	upper, lower := false, false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		}
	}
	return digits >= 3 && upper && lower
}

// paramSegment reports whether a path segment is a parameter: named by
// the source (":id", "{{id}}", "{id}"), or an id by its look (a number, a
// UUID, long hex, a prefixed id, a token), then with an empty name.
func paramSegment(s string) (name string, ok bool) {
	switch {
	case strings.HasPrefix(s, ":") && identRE.MatchString(s[1:]):
		return s[1:], true
	case strings.HasPrefix(s, "{{") && strings.HasSuffix(s, "}}") && identRE.MatchString(strings.TrimSpace(s[2:len(s)-2])):
		return strings.TrimSpace(s[2 : len(s)-2]), true
	case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") && identRE.MatchString(s[1:len(s)-1]):
		return s[1 : len(s)-1], true
	case digitsRE.MatchString(s), uuidRE.MatchString(s), prefixRE.MatchString(s):
		return "", true
	case hexRE.MatchString(s) && strings.ContainsAny(s, "0123456789"), opaque(s):
		return "", true
	}
	return "", false
}

// idName names the id that follows a literal segment: "users" gives
// "userId", "order-items" "orderItemId", nothing "id".
func idName(prev string) string {
	words := splitWords(prev)
	if len(words) == 0 {
		return "id"
	}
	last := words[len(words)-1]
	switch {
	case strings.HasSuffix(last, "ies") && len(last) > 3:
		last = last[:len(last)-3] + "y"
	case strings.HasSuffix(last, "sses"), strings.HasSuffix(last, "xes"):
		last = last[:len(last)-2]
	case strings.HasSuffix(last, "s") && !strings.HasSuffix(last, "ss") && len(last) > 1:
		last = last[:len(last)-1]
	}
	words[len(words)-1] = last
	return camel(words) + "Id"
}

func splitWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// camel joins words as lowerCamelCase.
func camel(words []string) string {
	var b strings.Builder
	for i, w := range words {
		if w == "" {
			continue
		}
		if i == 0 {
			b.WriteString(strings.ToLower(w[:1]) + w[1:])
			continue
		}
		r, n := utf8.DecodeRuneInString(w)
		b.WriteString(string(unicode.ToUpper(r)) + w[n:])
	}
	return b.String()
}

// uniqueNames makes the parameter names of one path distinct and valid.
func uniqueNames(names []string) []string {
	out := make([]string, len(names))
	seen := map[string]bool{}
	for i, n := range names {
		n = strings.Map(func(r rune) rune {
			if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-' || r == '.') {
				return r
			}
			return '_'
		}, n)
		if n == "" {
			n = "id"
		}
		base := n
		for k := 2; seen[n]; k++ {
			n = base + strconv.Itoa(k)
		}
		seen[n] = true
		out[i] = n
	}
	return out
}

// builder assembles operations, collecting security schemes and keeping
// operation ids unique.
type builder struct {
	schemes *omap
	ids     map[string]bool
	budget  int // bytes of examples the description may still take
}

// MaxExamplesSize bounds the recorded bodies kept as examples in one
// description; past it, bodies are described by their schemas only.
const MaxExamplesSize = 8 << 20

func (b *builder) operation(pi *pathItem, op *operation) *omap {
	out := newMap()
	for _, x := range op.exchanges {
		if x.summary != "" {
			out.set("summary", x.summary)
			break
		}
	}
	out.set("operationId", b.operationID(op.method, pi.key))
	var params []any
	for i, name := range pi.names {
		var vals []string
		secret := secretName(name)
		for _, v := range op.values {
			if v[i] != "" {
				vals = append(vals, v[i])
				secret = secret || jwtRE.MatchString(v[i])
			}
		}
		// A token in a path (/invitations/eyJhbGciOi...) is a credential:
		// its values are no example.
		params = append(params, parameter(name, "path", true, vals, secret))
	}
	params = append(params, queryParams(op.exchanges)...)
	params = append(params, headerParams(op.exchanges)...)
	if len(params) > 0 {
		out.set("parameters", params)
	}
	if sec := b.security(op.exchanges); sec != nil {
		out.set("security", []any{sec})
	}
	if op.method != "GET" && op.method != "HEAD" {
		if rb := requestBody(op.exchanges, &b.budget); rb != nil {
			out.set("requestBody", rb)
		}
	}
	out.set("responses", responses(op, &b.budget))
	return out
}

// operationID derives an id from the method and path: GET /users/{userId}
// is getUsersByUserId.
func (b *builder) operationID(method, key string) string {
	words := []string{strings.ToLower(method)}
	var by []string
	for _, seg := range strings.Split(key, "/") {
		if strings.HasPrefix(seg, "{") {
			by = append(by, splitWords(seg)...)
			continue
		}
		s, _ := url.PathUnescape(seg)
		words = append(words, splitWords(s)...)
	}
	if len(by) > 0 {
		words = append(words, "by")
		words = append(words, by...)
	}
	id := camel(words)
	if len(id) > 120 {
		id = id[:120]
	}
	base := id
	for k := 2; b.ids[id]; k++ {
		id = base + strconv.Itoa(k)
	}
	b.ids[id] = true
	return id
}

// maxParamExample bounds a parameter's value kept as its example.
const maxParamExample = 1 << 10

// parameter declares a parameter from its recorded values.
func parameter(name, in string, required bool, values []string, secret bool) *omap {
	p := newMap().set("name", name).set("in", in)
	if required {
		p.set("required", true)
	}
	schema := scalarSchema(values)
	if secret {
		schema = newMap().set("type", "string")
	}
	p.set("schema", schema)
	if len(values) > 0 && !secret && len(values[0]) <= maxParamExample {
		p.set("example", typed(schema, values[0]))
	}
	return p
}

// typed turns a recorded text value into the JSON value its schema reads.
func typed(schema *omap, v string) any {
	t, _ := schema.get("type")
	switch t {
	case "integer", "number":
		return json.Number(v)
	case "boolean":
		return v == "true"
	}
	return v
}

func queryParams(xs []*exchange) []any {
	type q struct {
		values  []string
		present int
		multi   bool
	}
	seen := map[string]*q{}
	var order []string
	for _, x := range xs {
		vals, err := url.ParseQuery(x.url.RawQuery)
		if err != nil {
			continue
		}
		for _, name := range sortedKeys(vals) {
			if name == "" || strings.HasPrefix(name, "__") {
				continue // the mock's own controls
			}
			e := seen[name]
			if e == nil {
				if len(seen) >= maxProperties {
					continue
				}
				e = &q{}
				seen[name] = e
				order = append(order, name)
			}
			e.present++
			e.multi = e.multi || len(vals[name]) > 1
			e.values = append(e.values, vals[name]...)
		}
	}
	var out []any
	for _, name := range order {
		e := seen[name]
		p := parameter(name, "query", e.present == len(xs), e.values, secretName(name))
		if e.multi {
			s, _ := p.get("schema")
			p.set("schema", newMap().set("type", "array").set("items", s))
			if ex, ok := p.get("example"); ok {
				p.set("example", []any{ex})
			}
		}
		out = append(out, p)
	}
	return out
}

// skipHeaders are request headers that are not the API's parameters:
// transport, negotiation and browser headers, and credentials (described
// as security schemes instead).
var skipHeaders = map[string]bool{
	"host": true, "user-agent": true, "accept": true, "accept-encoding": true, "accept-language": true,
	"content-type": true, "content-length": true, "connection": true, "origin": true, "referer": true,
	"cache-control": true, "pragma": true, "te": true, "upgrade-insecure-requests": true, "dnt": true,
	"priority": true, "keep-alive": true, "if-none-match": true, "if-modified-since": true, "expect": true,
	"transfer-encoding": true, "postman-token": true, "via": true, "cookie": true, "authorization": true,
	"proxy-authorization": true, "x-forwarded-for": true, "x-forwarded-proto": true, "x-forwarded-host": true,
	"upgrade": true, "x-requested-with": true, "range": true, "if-match": true, "if-range": true, "if-unmodified-since": true,
	"accept-charset": true, "purpose": true, "x-client-data": true, "access-control-request-method": true,
	"access-control-request-headers": true,
	// Tracing and telemetry: added by agents, not part of the API.
	"traceparent": true, "tracestate": true, "baggage": true, "sentry-trace": true, "x-amzn-trace-id": true,
	"x-cloud-trace-context": true, "newrelic": true, "x-b3-traceid": true, "x-b3-spanid": true,
	"x-b3-parentspanid": true, "x-b3-sampled": true, "b3": true, "x-datadog-trace-id": true,
	"x-datadog-parent-id": true, "x-datadog-sampling-priority": true, "x-datadog-origin": true,
}

func headerParams(xs []*exchange) []any {
	type h struct {
		name    string
		values  []string
		present int
	}
	seen := map[string]*h{}
	var order []string
	for _, x := range xs {
		counted := map[string]bool{}
		for _, kv := range x.header {
			lower := strings.ToLower(kv[0])
			if skipHeaders[lower] || strings.HasPrefix(lower, "sec-") || x.credential(kv[0]) || !httpToken(kv[0]) {
				continue
			}
			e := seen[lower]
			if e == nil {
				if len(seen) >= 100 {
					continue
				}
				e = &h{name: kv[0]}
				seen[lower] = e
				order = append(order, lower)
			}
			if !counted[lower] {
				counted[lower] = true
				e.present++
			}
			e.values = append(e.values, kv[1])
		}
	}
	var out []any
	for _, lower := range order {
		e := seen[lower]
		p := parameter(e.name, "header", e.present == len(xs), e.values, false)
		p.set("schema", newMap().set("type", "string")) // header values are text
		if len(e.values) > 0 && len(e.values[0]) <= maxParamExample {
			p.set("example", e.values[0])
		}
		out = append(out, p)
	}
	return out
}

func httpToken(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for _, r := range s {
		if r > 126 || r <= 32 || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

// security declares the credentials every exchange of an operation
// carried: Authorization Bearer or Basic, or a header named like a key.
// Their values are never kept.
func (b *builder) security(xs []*exchange) *omap {
	var common []string
	for i, x := range xs {
		var these []string
		for _, kv := range x.header {
			lower := strings.ToLower(kv[0])
			var name string
			var scheme *omap
			switch {
			case lower == "authorization":
				kind, _, _ := strings.Cut(strings.TrimSpace(kv[1]), " ")
				switch strings.ToLower(kind) {
				case "bearer":
					name, scheme = "bearerAuth", newMap().set("type", "http").set("scheme", "bearer")
				case "basic":
					name, scheme = "basicAuth", newMap().set("type", "http").set("scheme", "basic")
				default:
					name, scheme = "authorizationHeader", newMap().set("type", "apiKey").set("in", "header").set("name", "Authorization")
				}
			case lower == "cookie" || lower == "proxy-authorization" || skipHeaders[lower] || !httpToken(kv[0]):
				continue
			case x.credential(kv[0]):
				name = schemeName(kv[0])
				scheme = newMap().set("type", "apiKey").set("in", "header").set("name", kv[0])
			default:
				continue
			}
			if _, ok := b.schemes.get(name); !ok && b.schemes.len() < 50 {
				b.schemes.set(name, scheme)
			}
			if _, ok := b.schemes.get(name); ok && !slices.Contains(these, name) {
				these = append(these, name)
			}
		}
		if i == 0 {
			common = these
		} else {
			common = slices.DeleteFunc(common, func(s string) bool { return !slices.Contains(these, s) })
		}
		if len(common) == 0 {
			return nil
		}
	}
	req := newMap()
	for _, s := range common {
		req.set(s, []string{})
	}
	return req
}

var schemeRE = regexp.MustCompile(`[^A-Za-z0-9._-]`)

func schemeName(header string) string {
	return schemeRE.ReplaceAllString(header, "_")
}

// mediaType returns the media type of a Content-Type value, lower case,
// without parameters.
func mediaType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt, _, _ = strings.Cut(ct, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	return mt
}

func isJSON(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// decodeJSON decodes a body within MaxBodySize, numbers as json.Number.
// A body with a number no float64 holds (1e999) is not described: no
// loader would read it back.
func decodeJSON(body []byte) (any, bool) {
	if len(body) == 0 || len(body) > MaxBodySize {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil || dec.More() || !finite(v, 0) {
		return nil, false
	}
	return v, true
}

func finite(v any, depth int) bool {
	if depth > 10000 {
		return false
	}
	switch v := v.(type) {
	case json.Number:
		f, err := v.Float64()
		return err == nil && !math.IsInf(f, 0)
	case []any:
		for _, x := range v {
			if !finite(x, depth+1) {
				return false
			}
		}
	case map[string]any:
		for _, x := range v {
			if !finite(x, depth+1) {
				return false
			}
		}
	}
	return true
}

// example returns v, redacted, and its JSON, when it is small enough to
// keep.
func example(v any) (any, []byte, bool) {
	r := redact(v, 0)
	b, err := json.Marshal(r)
	if err != nil || len(b) > MaxExampleSize {
		return nil, nil, false
	}
	return r, b, true
}

// maxExamples bounds the distinct recorded bodies kept per status and
// media type.
const maxExamples = 5

// named is a recorded body kept as a named example.
type named struct {
	name  string
	value any
	json  string
}

// exampleName names the n-th distinct body: the name Postman saved the
// response under, in lower case with '-' between words, else
// "recorded-n".
func exampleName(x *exchange, n int) string {
	if words := splitWords(x.example); len(words) > 0 {
		name := strings.ToLower(strings.Join(words, "-"))
		if len(name) > 64 {
			name = name[:64]
		}
		return name
	}
	return "recorded-" + strconv.Itoa(n)
}

// media describes the bodies of one media type.
type media struct {
	mt       string
	shape    *shape
	example  any  // the first body, for a request
	has      bool // example is set
	examples []named
	budget   *int // bytes of examples the description may still take
	form     map[string]*formField
	order    []string
	forms    int
	text     bool
}

type formField struct {
	present int
	file    bool
	first   string
}

func (m *media) add(x *exchange, body []byte, isReq bool) {
	switch {
	case isJSON(m.mt):
		v, ok := decodeJSON(body)
		if !ok {
			return
		}
		if m.shape == nil {
			m.shape = newShape()
		}
		m.shape.add(v, 0)
		if isReq {
			if !m.has && *m.budget > 0 {
				var b []byte
				if m.example, b, m.has = example(v); m.has {
					*m.budget -= len(b)
				}
			}
			return
		}
		// Answers: each distinct body, named, within the bounds.
		if len(m.examples) >= maxExamples || *m.budget <= 0 {
			return
		}
		ex, b, ok := example(v)
		if !ok || slices.ContainsFunc(m.examples, func(e named) bool { return e.json == string(b) }) {
			return
		}
		name := exampleName(x, len(m.examples)+1)
		for k := 2; slices.ContainsFunc(m.examples, func(e named) bool { return e.name == name }); k++ {
			name = exampleName(x, len(m.examples)+1) + "-" + strconv.Itoa(k)
		}
		*m.budget -= len(b)
		m.examples = append(m.examples, named{name: name, value: ex, json: string(b)})
	case isReq && (m.mt == "application/x-www-form-urlencoded" || m.mt == "multipart/form-data"):
		fields := x.form
		if len(fields) == 0 && m.mt == "application/x-www-form-urlencoded" && len(body) <= MaxBodySize {
			vals, err := url.ParseQuery(string(body))
			if err != nil {
				return
			}
			for _, k := range sortedKeys(vals) {
				for _, v := range vals[k] {
					fields = append(fields, [2]string{k, v})
				}
			}
		}
		if len(fields) == 0 && m.mt == "multipart/form-data" && len(body) <= MaxBodySize {
			fields = multipartFields(x.reqType, body) // a HAR's raw multipart text
		}
		if len(fields) == 0 {
			return
		}
		if m.form == nil {
			m.form = map[string]*formField{}
		}
		m.forms++
		counted := map[string]bool{}
		for _, kv := range fields {
			f := m.form[kv[0]]
			if f == nil {
				if len(m.form) >= maxProperties {
					continue
				}
				f = &formField{first: kv[1]}
				m.form[kv[0]] = f
				m.order = append(m.order, kv[0])
			}
			f.file = f.file || kv[1] == fileField
			if !counted[kv[0]] {
				counted[kv[0]] = true
				f.present++
			}
		}
	case strings.HasPrefix(m.mt, "text/") || m.mt == "application/xml" || strings.HasSuffix(m.mt, "+xml"):
		m.text = true
	}
}

// object returns the media type object.
func (m *media) object() *omap {
	out := newMap()
	switch {
	case m.shape != nil:
		out.set("schema", m.shape.schema())
		switch {
		case m.has:
			out.set("example", m.example)
		case len(m.examples) == 1:
			out.set("example", m.examples[0].value)
		case len(m.examples) > 1:
			exs := newMap()
			for _, e := range m.examples {
				exs.set(e.name, newMap().set("value", e.value))
			}
			out.set("examples", exs)
		}
	case m.isJSONMedia():
		out.set("schema", newMap())
	case m.form != nil:
		props := newMap()
		var required []string
		ex := map[string]any{}
		for _, k := range m.order {
			f := m.form[k]
			s := newMap().set("type", "string")
			if f.file {
				s.set("format", "binary")
			} else if secretName(k) {
				ex[k] = Redacted
			} else {
				ex[k] = f.first
			}
			props.set(k, s)
			if f.present == m.forms {
				required = append(required, k)
			}
		}
		schema := newMap().set("type", "object").set("properties", props)
		if len(required) > 0 {
			schema.set("required", required)
		}
		out.set("schema", schema)
		if len(ex) > 0 && m.mt == "application/x-www-form-urlencoded" {
			out.set("example", ex)
		}
	case m.text:
		out.set("schema", newMap().set("type", "string"))
	}
	return out
}

func (m *media) isJSONMedia() bool { return isJSON(m.mt) }

// contentOf groups bodies by media type.
type contentOf struct {
	byType map[string]*media
	order  []string
	budget *int
}

func (c *contentOf) add(x *exchange, ct string, body []byte, isReq bool) {
	mt := mediaType(ct)
	if mt == "" || !strings.Contains(mt, "/") || strings.ContainsAny(mt, " {}") {
		if json.Valid(body) {
			mt = "application/json"
		} else {
			mt = "application/octet-stream"
		}
	}
	if c.byType == nil {
		c.byType = map[string]*media{}
	}
	m := c.byType[mt]
	if m == nil {
		if len(c.byType) >= 20 {
			return
		}
		m = &media{mt: mt, budget: c.budget}
		c.byType[mt] = m
		c.order = append(c.order, mt)
	}
	m.add(x, body, isReq)
}

func (c *contentOf) object() *omap {
	out := newMap()
	for _, mt := range c.order {
		out.set(mt, c.byType[mt].object())
	}
	return out
}

func requestBody(xs []*exchange, budget *int) *omap {
	c := contentOf{budget: budget}
	with := 0
	for _, x := range xs {
		if len(x.reqBody) == 0 && len(x.form) == 0 {
			continue
		}
		with++
		c.add(x, x.reqType, x.reqBody, true)
	}
	if with == 0 {
		return nil
	}
	out := newMap()
	if with == len(xs) {
		out.set("required", true)
	}
	return out.set("content", c.object())
}

func responses(op *operation, budget *int) *omap {
	byStatus := map[int]*contentOf{}
	for _, x := range op.exchanges {
		if x.status < 200 || x.status > 599 {
			continue
		}
		c := byStatus[x.status]
		if c == nil {
			c = &contentOf{budget: budget}
			byStatus[x.status] = c
		}
		if len(x.respBody) == 0 || op.method == "HEAD" || x.status == http.StatusNoContent || x.status == http.StatusNotModified {
			continue
		}
		c.add(x, x.respType, x.respBody, false)
	}
	out := newMap()
	if len(byStatus) == 0 {
		return out.set("200", newMap().set("description", "No response was recorded"))
	}
	codes := make([]int, 0, len(byStatus))
	for code := range byStatus {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		r := newMap()
		text := http.StatusText(code)
		if text == "" {
			text = "Recorded answer"
		}
		r.set("description", text)
		if c := byStatus[code]; len(c.order) > 0 {
			r.set("content", c.object())
		}
		out.set(strconv.Itoa(code), r)
	}
	return out
}

// multipartFields reads the fields of a multipart/form-data body, a file
// part as fileField; nil when the body does not read.
func multipartFields(contentType string, body []byte) [][2]string {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil || params["boundary"] == "" {
		return nil
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var out [][2]string
	for len(out) < maxProperties {
		part, err := mr.NextPart()
		if err != nil {
			break
		}
		name := part.FormName()
		if name == "" {
			continue
		}
		if part.FileName() != "" {
			out = append(out, [2]string{name, fileField})
			continue
		}
		v, _ := io.ReadAll(io.LimitReader(part, MaxExampleSize))
		out = append(out, [2]string{name, string(v)})
	}
	return out
}
