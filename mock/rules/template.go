package rules

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v6"
)

// Templates. A string in a rule's body or headers may hold expressions in
// double braces:
//
//	{{request.path.NAME}}   {{request.query.NAME}}
//	{{request.header.NAME}} {{request.cookie.NAME}}
//	{{request.body}}        {{request.body.a.b.0}} (dotted, indexes allowed)
//	{{now}}                 the time, RFC 3339 in UTC
//	{{uuid}}                a random RFC 4122 uuid
//	{{faker.NAME}}          a gofakeit function without parameters
//	                        (faker.email, faker.name, faker.city, ...)
//
// A string that is exactly one expression takes the expression's value
// and type (a number stays a number, an object an object); otherwise the
// values are written into the text. uuid and faker draw from the random
// source the mock gives, deterministic under its seed. Templates read
// nothing but the request: no file, no network, no loop, and what they
// produce is bounded (MaxRendered).

// MaxRendered bounds a rendered body, in bytes of JSON.
const MaxRendered = 1 << 20

type template struct {
	parts []part // literal text and expressions, in order
}

type part struct {
	lit  string
	expr []string // the expression's dotted path; nil for a literal
}

// parseTemplate reads a string with {{...}} expressions.
func parseTemplate(s string) (*template, error) {
	t := &template{}
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			if s != "" {
				t.parts = append(t.parts, part{lit: s})
			}
			return t, nil
		}
		if i > 0 {
			t.parts = append(t.parts, part{lit: s[:i]})
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return nil, fmt.Errorf("template %q: {{ without }}", s)
		}
		expr := strings.TrimSpace(s[i+2 : i+j])
		path := strings.Split(expr, ".")
		if err := checkExpr(path); err != nil {
			return nil, fmt.Errorf("template %q: %w", s, err)
		}
		t.parts = append(t.parts, part{expr: path})
		s = s[i+j+2:]
	}
}

func checkExpr(path []string) error {
	switch path[0] {
	case "now", "uuid":
		if len(path) == 1 {
			return nil
		}
	case "faker":
		if len(path) == 2 && gofakeit.GetFuncLookup(strings.ToLower(path[1])) != nil {
			return nil
		}
		if len(path) == 2 {
			return fmt.Errorf("faker.%s: gofakeit has no such function (try faker.name, faker.email)", path[1])
		}
	case "request":
		if len(path) >= 2 {
			switch path[1] {
			case "body":
				return nil
			case "path", "query", "header", "cookie":
				if len(path) == 3 {
					return nil
				}
			}
		}
	}
	return fmt.Errorf("%q is not an expression: request.path|query|header|cookie.NAME, request.body[.field...], now, uuid or faker.NAME", strings.Join(path, "."))
}

// literal reports whether t has no expression (and so is its text).
func (t *template) literal() (string, bool) {
	if len(t.parts) == 0 {
		return "", true
	}
	if len(t.parts) == 1 && t.parts[0].expr == nil {
		return t.parts[0].lit, true
	}
	return "", false
}

// parseTemplates replaces every string in v that holds an expression by
// its *template; at names the place for errors.
func parseTemplates(v any, at string) (any, error) {
	switch x := v.(type) {
	case string:
		t, err := parseTemplate(x)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", at, err)
		}
		if s, ok := t.literal(); ok {
			return s, nil
		}
		return t, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			p, err := parseTemplates(e, at+"/"+k)
			if err != nil {
				return nil, err
			}
			out[k] = p
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			p, err := parseTemplates(e, fmt.Sprintf("%s/%d", at, i))
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
	}
	return v, nil
}

// Env is what templates evaluate in.
type Env struct {
	Request *Request
	Rand    *rand.Rand // uuid and faker draw from it
	Now     time.Time
}

// HasBody reports whether the rule sends an inline body.
func (r *Rule) HasBody() bool { return r.body != nil }

// Templated reports whether the rule's body holds templates (and so is
// checked against the spec only once rendered).
func (r *Rule) Templated() bool { return hasTemplate(r.body) }

func hasTemplate(v any) bool {
	switch x := v.(type) {
	case *template:
		return true
	case map[string]any:
		for _, e := range x {
			if hasTemplate(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if hasTemplate(e) {
				return true
			}
		}
	}
	return false
}

// RenderBody evaluates the rule's body as JSON. An error names the place
// in the body.
func (r *Rule) RenderBody(env *Env) ([]byte, error) {
	v, err := render(r.body, env, "")
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if len(b) > MaxRendered {
		return nil, fmt.Errorf("the rendered body is larger than %d bytes", MaxRendered)
	}
	return b, nil
}

// RenderHeaders evaluates the rule's headers.
func (r *Rule) RenderHeaders(env *Env) (map[string]string, error) {
	out := make(map[string]string, len(r.hdrs))
	names := make([]string, 0, len(r.hdrs))
	for k := range r.hdrs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		t := r.hdrs[k]
		v, err := t.eval(env)
		if err != nil {
			return nil, fmt.Errorf("header %s: %w", k, err)
		}
		s := text(v)
		if len(s) > 8<<10 || strings.ContainsAny(s, "\r\n") {
			return nil, fmt.Errorf("header %s: the value is not a single line under 8 KiB", k)
		}
		out[k] = s
	}
	return out, nil
}

func render(v any, env *Env, at string) (any, error) {
	switch x := v.(type) {
	case *template:
		out, err := x.eval(env)
		if err != nil {
			return nil, fmt.Errorf("body %s: %w", orRoot(at), err)
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		// Sorted keys, so the draws from env.Rand come in one order and
		// the same seed renders the same body.
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			e := x[k]
			r, err := render(e, env, at+"/"+k)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			r, err := render(e, env, fmt.Sprintf("%s/%d", at, i))
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}

func orRoot(at string) string {
	if at == "" {
		return "/"
	}
	return at
}

// eval gives a lone expression's value, or the text with every value
// written in.
func (t *template) eval(env *Env) (any, error) {
	if len(t.parts) == 1 && t.parts[0].expr != nil {
		return env.value(t.parts[0].expr)
	}
	var sb strings.Builder
	for _, p := range t.parts {
		if p.expr == nil {
			sb.WriteString(p.lit)
			continue
		}
		v, err := env.value(p.expr)
		if err != nil {
			return nil, err
		}
		sb.WriteString(text(v))
		if sb.Len() > MaxRendered {
			return nil, fmt.Errorf("the rendered text is larger than %d bytes", MaxRendered)
		}
	}
	return sb.String(), nil
}

func (env *Env) value(path []string) (any, error) {
	switch path[0] {
	case "now":
		return env.Now.UTC().Format(time.RFC3339), nil
	case "uuid":
		return uuid(env.Rand), nil
	case "faker":
		info := gofakeit.GetFuncLookup(strings.ToLower(path[1]))
		v, err := info.Generate(env.Rand, &gofakeit.MapParams{}, info)
		if err != nil {
			return nil, fmt.Errorf("faker.%s: %w", path[1], err)
		}
		return v, nil
	}
	req := env.Request
	var v any
	var ok bool
	switch path[1] {
	case "path":
		v, ok = req.Path[path[2]]
	case "query":
		v, ok = req.Query[path[2]]
	case "header":
		if vs := req.Header.Values(path[2]); len(vs) > 0 {
			v, ok = vs[0], true
		}
	case "cookie":
		v, ok = req.Cookies[path[2]]
	case "body":
		if !req.HasBody {
			return nil, fmt.Errorf("%s: the request has no JSON body", strings.Join(path, "."))
		}
		ptr := ""
		for _, tok := range path[2:] {
			ptr += "/" + strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
		}
		v, ok = Pointer(req.Body, ptr)
	}
	if !ok {
		return nil, fmt.Errorf("%s: the request has no such value", strings.Join(path, "."))
	}
	return v, nil
}

// uuid draws a version 4 uuid from r.
func uuid(r *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(r.Intn(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
