// Package rules chooses a mock's answer from the request, without code:
// "404 when petId is 0", "409 when the posted name is taken", "echo the
// name I posted". A Rule holds conditions on the request's parameters and
// body, and the answer to give when they all hold: a status, a named
// example or an inline body, headers, and a delay. Bodies and headers may
// be templates that read the request ({{request.path.petId}},
// {{request.body.name}}) or call a helper ({{now}}, {{uuid}},
// {{faker.email}}).
//
// The mock handler (package mock) reads rules from an operation's
// x-mock-rules extension and from mock.WithRules, checks each against the
// spec when it is built, and tries them, in order, before examples and
// generated data:
//
//	paths:
//	  /pets/{petId}:
//	    get:
//	      x-mock-rules:
//	        - name: no pet zero
//	          when: [{in: path, name: petId, equals: 0}]
//	          status: 404
//	        - when: [{in: header, name: X-Plan, regex: "^pro"}]
//	          status: 200
//	          body: {id: "{{request.path.petId}}", name: "Pro pet", tag: "{{request.header.X-Plan}}"}
//
// This package holds the rules' shape, matching and templates; it knows
// nothing of OpenAPI and is safe for concurrent use once compiled.
package rules

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Rule is one expectation: when every condition in When holds (an empty
// When always holds), the mock answers with Status and, in this order of
// preference, the named Example of that status, the inline Body, or the
// answer the spec gives for that status.
type Rule struct {
	Name string      `json:"name,omitempty"`
	When []Condition `json:"when,omitempty"`
	// Status is the answer's status; the operation must declare it.
	// Zero: the operation's usual success status.
	Status int `json:"status,omitempty"`
	// Example names an example of the status's response.
	Example string `json:"example,omitempty"`
	// Body is sent as JSON; any string in it may hold templates.
	Body any `json:"body,omitempty"`
	// Headers are set on the answer; values may hold templates.
	Headers map[string]string `json:"headers,omitempty"`
	// Delay holds the answer, as a Go duration ("150ms").
	Delay string `json:"delay,omitempty"`

	conds []*compiledCond
	body  any // Body with its templates parsed
	hdrs  map[string]*template
	delay time.Duration
	// compiled is set by a successful Compile.
	compiled bool
}

// Condition tests one value of the request: a parameter (In is path,
// query, header or cookie, Name its name) or a body field (In is body,
// Pointer a JSON pointer, "" for the whole body). Exactly one test is set:
//   - Equals: the value equals it (numbers compare as numbers, so 0
//     equals "0" in a path).
//   - Regex: the value, as text, matches it.
//   - Exists: the value is present (true) or absent (false).
//   - Op with Value: lt, le, gt, ge or ne; numbers compare as numbers,
//     anything else as text.
type Condition struct {
	In      string `json:"in"`
	Name    string `json:"name,omitempty"`
	Pointer string `json:"pointer,omitempty"`
	Equals  any    `json:"equals,omitempty"`
	Regex   string `json:"regex,omitempty"`
	Exists  *bool  `json:"exists,omitempty"`
	Op      string `json:"op,omitempty"`
	Value   any    `json:"value,omitempty"`
}

type compiledCond struct {
	Condition
	re *regexp.Regexp
}

// Request is what rules read of a request. Parameter values are typed by
// the caller where the spec types them (an integer path parameter is an
// int64); Body is the decoded JSON body, or nil.
type Request struct {
	Path    map[string]any
	Query   map[string]any
	Header  http.Header
	Cookies map[string]string
	Body    any
	HasBody bool
}

// Parse reads rules from an x-mock-rules value (decoded JSON or YAML: a
// list of rule objects) and compiles them. Errors name the rule by its
// index and the field at fault.
func Parse(v any) ([]*Rule, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("x-mock-rules: %w", err)
	}
	var rs []*Rule
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&rs); err != nil {
		return nil, fmt.Errorf("x-mock-rules: not a list of rules: %w", err)
	}
	for i, r := range rs {
		if r == nil {
			return nil, fmt.Errorf("x-mock-rules/%d: a rule is an object", i)
		}
		if err := r.Compile(); err != nil {
			return nil, fmt.Errorf("x-mock-rules/%d: %w", i, err)
		}
	}
	return rs, nil
}

// Compile checks r and prepares it; rules built in Go are compiled by the
// mock handler. It is idempotent.
func (r *Rule) Compile() error {
	r.compiled = false
	if r.Status != 0 && (r.Status < 100 || r.Status > 599) {
		return fmt.Errorf("status: %d is not an HTTP status", r.Status)
	}
	if r.Example != "" && r.Body != nil {
		return fmt.Errorf("example and body: give one")
	}
	r.conds = r.conds[:0]
	for i, c := range r.When {
		cc, err := compileCond(c)
		if err != nil {
			return fmt.Errorf("when/%d: %w", i, err)
		}
		r.conds = append(r.conds, cc)
	}
	body, err := parseTemplates(normalize(r.Body), "/body")
	if err != nil {
		return err
	}
	r.body = body
	r.hdrs = map[string]*template{}
	for k, v := range r.Headers {
		t, err := parseTemplate(v)
		if err != nil {
			return fmt.Errorf("headers/%s: %w", k, err)
		}
		r.hdrs[k] = t
	}
	r.delay = 0
	if r.Delay != "" {
		d, err := time.ParseDuration(r.Delay)
		if err != nil || d < 0 {
			return fmt.Errorf("delay: %q is not a duration such as \"150ms\"", r.Delay)
		}
		r.delay = d
	}
	r.compiled = true
	return nil
}

// Compiled reports whether Compile succeeded on r: an uncompiled rule
// matches nothing and renders no body.
func (r *Rule) Compiled() bool { return r.compiled }

func compileCond(c Condition) (*compiledCond, error) {
	switch c.In {
	case "path", "query", "header", "cookie":
		if c.Name == "" {
			return nil, fmt.Errorf("a %s condition needs a name", c.In)
		}
	case "body":
		if c.Pointer != "" && !strings.HasPrefix(c.Pointer, "/") {
			return nil, fmt.Errorf("pointer %q is not a JSON pointer (it starts with /)", c.Pointer)
		}
	default:
		return nil, fmt.Errorf("in: %q is not path, query, header, cookie or body", c.In)
	}
	tests := 0
	for _, set := range []bool{c.Equals != nil, c.Regex != "", c.Exists != nil, c.Op != ""} {
		if set {
			tests++
		}
	}
	if tests != 1 {
		return nil, fmt.Errorf("give exactly one of equals, regex, exists, op")
	}
	cc := &compiledCond{Condition: c}
	cc.Equals = normalize(c.Equals)
	cc.Value = normalize(c.Value)
	if c.Regex != "" {
		re, err := regexp.Compile(c.Regex)
		if err != nil {
			return nil, fmt.Errorf("regex: %w", err)
		}
		cc.re = re
	}
	if c.Op != "" {
		switch c.Op {
		case "lt", "le", "gt", "ge", "ne":
		default:
			return nil, fmt.Errorf("op: %q is not lt, le, gt, ge or ne", c.Op)
		}
		if c.Value == nil {
			return nil, fmt.Errorf("op %s needs a value", c.Op)
		}
	}
	return cc, nil
}

// Matches reports whether every condition holds for req.
func (r *Rule) Matches(req *Request) bool {
	for _, c := range r.conds {
		if !c.holds(req) {
			return false
		}
	}
	return true
}

func (c *compiledCond) holds(req *Request) bool {
	v, ok := c.lookup(req)
	switch {
	case c.Exists != nil:
		return ok == *c.Exists
	case !ok:
		return c.Op == "ne"
	case c.Equals != nil:
		return equal(v, c.Equals)
	case c.re != nil:
		return c.re.MatchString(text(v))
	}
	cmp, comparable := compare(v, c.Value)
	switch c.Op {
	case "ne":
		return !equal(v, c.Value)
	case "lt":
		return comparable && cmp < 0
	case "le":
		return comparable && cmp <= 0
	case "gt":
		return comparable && cmp > 0
	case "ge":
		return comparable && cmp >= 0
	}
	return false
}

func (c *compiledCond) lookup(req *Request) (any, bool) {
	switch c.In {
	case "path":
		v, ok := req.Path[c.Name]
		return v, ok
	case "query":
		v, ok := req.Query[c.Name]
		return v, ok
	case "header":
		vs := req.Header.Values(c.Name)
		if len(vs) == 0 {
			return nil, false
		}
		return vs[0], true
	case "cookie":
		v, ok := req.Cookies[c.Name]
		return v, ok
	}
	if !req.HasBody {
		return nil, false
	}
	return Pointer(req.Body, c.Pointer)
}

// Pointer resolves a JSON pointer (RFC 6901) in a decoded JSON value.
func Pointer(v any, ptr string) (any, bool) {
	if ptr == "" {
		return v, true
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			n, ok := x[tok]
			if !ok {
				return nil, false
			}
			v = n
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// normalize turns json.Number and integer types into float64, and YAML's
// map[any]any into map[string]any, so that values compare alike.
func normalize(v any) any {
	switch x := v.(type) {
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return f
		}
		return x.String()
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[fmt.Sprint(k)] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	}
	return v
}

// number reads v as a number: a number, or text that is one.
func number(v any) (float64, bool) {
	switch x := normalize(v).(type) {
	case float64:
		return x, !math.IsNaN(x)
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

func text(v any) string {
	switch x := normalize(v).(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func equal(a, b any) bool {
	if x, ok := number(a); ok {
		if y, ok := number(b); ok {
			return x == y
		}
	}
	a, b = normalize(a), normalize(b)
	switch a.(type) {
	case map[string]any, []any:
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		return string(ja) == string(jb)
	}
	return text(a) == text(b)
}

func compare(a, b any) (int, bool) {
	if x, ok := number(a); ok {
		if y, ok := number(b); ok {
			switch {
			case x < y:
				return -1, true
			case x > y:
				return 1, true
			}
			return 0, true
		}
	}
	return strings.Compare(text(a), text(b)), true
}

// DelayDuration is how long the rule holds its answer.
func (r *Rule) DelayDuration() time.Duration { return r.delay }

// Label names the rule in errors: its name, else its index.
func Label(r *Rule, i int) string {
	if r.Name != "" {
		return strconv.Quote(r.Name)
	}
	return "#" + strconv.Itoa(i)
}

// QueryValues gives each query parameter's value for Request.Query: the
// value, or all of them when the parameter repeats.
func QueryValues(q url.Values) map[string]any {
	out := make(map[string]any, len(q))
	for k, vs := range q {
		if len(vs) == 1 {
			out[k] = vs[0]
		} else {
			all := make([]any, len(vs))
			for i, v := range vs {
				all[i] = v
			}
			out[k] = all
		}
	}
	return out
}
