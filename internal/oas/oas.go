// Package oas is the kin-openapi plumbing shared by the packages that read a
// loaded document's kin-openapi objects (openapi itself, mock and share):
// the regular-expression compiler, server base paths, and the effective
// parameters and security requirement of an operation. It is internal so
// that no kin-openapi type appears in a signature mockapi promises to keep.
//
// Nothing here mutates a kin-openapi object: the documents are shared by
// concurrent requests, and the schema generator relies on them never
// changing.
package oas

import (
	"net/url"
	"path"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/internal/pattern"
)

// NullableMark is the extension the loader sets on a 3.1 schema whose
// "nullable: true" it read as a "null" type: requests may send null, and a
// mock never answers null for it, since 3.1 validators ignore nullable.
const NullableMark = "x-mockapi-nullable"

// RegexCompiler is the regular-expression compiler given to kin-openapi:
// ECMAScript patterns RE2 cannot compile are translated or approximated
// instead of failing.
func RegexCompiler(expr string) (openapi3.RegexMatcher, error) {
	re, _ := pattern.Compile(expr)
	return re, nil
}

// Parameters returns the operation's effective parameters: the path item's
// merged with the operation's own, the operation's winning on the same name
// and location. item may be nil.
func Parameters(item *openapi3.PathItem, op *openapi3.Operation) openapi3.Parameters {
	var pathLevel openapi3.Parameters
	if item != nil {
		pathLevel = item.Parameters
	}
	return MergeParameters(pathLevel, op.Parameters)
}

// MergeParameters gives the operation's parameters precedence over the path
// item's parameters with the same name and location.
func MergeParameters(pathLevel, opLevel openapi3.Parameters) openapi3.Parameters {
	if len(pathLevel) == 0 {
		return opLevel
	}
	out := make(openapi3.Parameters, 0, len(pathLevel)+len(opLevel))
	seen := map[string]bool{}
	for _, p := range opLevel {
		if p != nil && p.Value != nil {
			seen[p.Value.In+"\x00"+p.Value.Name] = true
		}
		out = append(out, p)
	}
	for _, p := range pathLevel {
		if p != nil && p.Value != nil && seen[p.Value.In+"\x00"+p.Value.Name] {
			continue
		}
		out = append(out, p)
	}
	return out
}

// Security returns the security requirement in force for op: its own, or
// the document's. An empty, non-nil list means explicitly none.
func Security(t *openapi3.T, op *openapi3.Operation) openapi3.SecurityRequirements {
	if op.Security != nil {
		return *op.Security
	}
	return t.Security
}

// ServerPath reduces a server URL to the path part a mock routes under:
// variables take their defaults (a default may hold "/"), a variable with
// no usable default is empty, and scheme and host are dropped. The result
// is "" for the root or "/a/b" without a trailing slash.
func ServerPath(s *openapi3.Server) string {
	u := s.URL
	for i := 0; i < 64 && strings.Contains(u, "{"); i++ {
		start := strings.Index(u, "{")
		end := strings.Index(u[start:], "}")
		if end < 0 {
			break
		}
		name := u[start+1 : start+end]
		val := ""
		if v := s.Variables[name]; v != nil {
			val = v.Default
			if val == "" && len(v.Enum) > 0 {
				val = v.Enum[0]
			}
		}
		u = u[:start] + val + u[start+end+1:]
	}
	p := u
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			p = rest[j:]
		} else {
			p = ""
		}
	} else if !strings.HasPrefix(u, "/") {
		// "api.example.com/v1" or "localhost:8080/v1": a host without a
		// scheme. "v1/api" is a relative path.
		first, rest, _ := strings.Cut(u, "/")
		if strings.ContainsAny(first, ".:") || first == "localhost" {
			p = "/" + rest
		} else {
			p = "/" + u
		}
	}
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if unescaped, err := url.PathUnescape(p); err == nil {
		p = unescaped
	}
	p = path.Clean("/" + p)
	if p == "/" {
		return ""
	}
	return p
}

// Responses returns the operation's responses, never nil.
func Responses(op *openapi3.Operation) *openapi3.Responses {
	if op.Responses == nil {
		return openapi3.NewResponses()
	}
	return op.Responses
}
