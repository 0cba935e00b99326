package callback

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Source holds what an OpenAPI runtime expression reads: the request that
// fired a callback and the answer it got.
type Source struct {
	URL            string            // the request's absolute URL ($url)
	Method         string            // $method
	Header         http.Header       // $request.header.NAME
	Query          url.Values        // $request.query.NAME
	Path           map[string]string // $request.path.NAME
	Body           []byte            // $request.body, $request.body#/pointer
	Status         int               // $statusCode
	ResponseHeader http.Header       // $response.header.NAME
	ResponseBody   []byte            // $response.body, $response.body#/pointer

	reqJSON, respJSON     any
	reqParsed, respParsed bool
}

// ErrNoValue is wrapped by the error of an expression whose value the
// request or the answer does not carry.
var ErrNoValue = errors.New("no such value")

// Expand evaluates a callback key: a runtime expression ("$request.body#/
// callbackUrl"), or text with expressions in braces
// ("https://example.com/hook?id={$response.body#/id}"). Values from the
// body that are not strings are written as JSON text. The result is not
// checked as a URL: see Dispatcher.Send.
func Expand(key string, s *Source) (string, error) {
	if strings.HasPrefix(key, "$") {
		return s.eval(key)
	}
	var b strings.Builder
	rest := key
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return "", fmt.Errorf("callback key %q: a { is not closed", key)
		}
		b.WriteString(rest[:i])
		expr := rest[i+1 : i+j]
		if !strings.HasPrefix(expr, "$") {
			return "", fmt.Errorf("callback key %q: {%s} is not a runtime expression", key, expr)
		}
		v, err := s.eval(expr)
		if err != nil {
			return "", fmt.Errorf("callback key %q: %w", key, err)
		}
		b.WriteString(v)
		rest = rest[i+j+1:]
	}
}

func (s *Source) eval(expr string) (string, error) {
	switch expr {
	case "$url":
		return s.URL, nil
	case "$method":
		return s.Method, nil
	case "$statusCode":
		return strconv.Itoa(s.Status), nil
	}
	var response bool
	var rest string
	switch {
	case strings.HasPrefix(expr, "$request."):
		rest = expr[len("$request."):]
	case strings.HasPrefix(expr, "$response."):
		rest, response = expr[len("$response."):], true
	default:
		return "", fmt.Errorf("%q is not a runtime expression ($url, $method, $statusCode, $request.*, $response.*)", expr)
	}
	kind, name, _ := strings.Cut(rest, ".")
	var v string
	var ok bool
	switch {
	case kind == "header":
		h := s.Header
		if response {
			h = s.ResponseHeader
		}
		if vs := h.Values(name); len(vs) > 0 {
			v, ok = vs[0], true
		}
	case kind == "query" && !response:
		if vs, has := s.Query[name]; has && len(vs) > 0 {
			v, ok = vs[0], true
		}
	case kind == "path" && !response:
		v, ok = s.Path[name]
	case kind == "body" || strings.HasPrefix(rest, "body#"):
		return s.body(expr, rest, response)
	default:
		return "", fmt.Errorf("%q: %s is not a source of the %s", expr, kind, map[bool]string{false: "request", true: "response"}[response])
	}
	if !ok {
		return "", fmt.Errorf("%q: %w", expr, ErrNoValue)
	}
	return v, nil
}

func (s *Source) body(expr, rest string, response bool) (string, error) {
	raw, doc := s.Body, &s.reqJSON
	parsed := &s.reqParsed
	if response {
		raw, doc, parsed = s.ResponseBody, &s.respJSON, &s.respParsed
	}
	ptr, hasPtr := strings.CutPrefix(rest, "body#")
	if !hasPtr {
		if rest != "body" {
			return "", fmt.Errorf("%q is not a runtime expression", expr)
		}
		if len(raw) == 0 {
			return "", fmt.Errorf("%q: %w", expr, ErrNoValue)
		}
		return string(raw), nil
	}
	if !*parsed {
		*parsed = true
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if dec.Decode(doc) != nil {
			*doc = nil
		}
	}
	v, ok := pointer(*doc, ptr)
	if !ok {
		return "", fmt.Errorf("%q: %w", expr, ErrNoValue)
	}
	if str, isStr := v.(string); isStr {
		return str, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("%q: %w", expr, err)
	}
	return string(b), nil
}

// pointer resolves a JSON pointer (RFC 6901) in a decoded document.
func pointer(doc any, ptr string) (any, bool) {
	if doc == nil {
		return nil, false
	}
	if ptr == "" {
		return doc, true
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil, false
	}
	cur := doc
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[tok]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}
