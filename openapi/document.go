package openapi

import (
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// Document is a loaded, normalised and indexed API description. It is
// read-only after loading and safe for concurrent use.
type Document struct {
	// T is the kin-openapi document (Swagger 2.0 converted to 3.0).
	T *openapi3.T
	// Source names where the document came from: a path, a URL or a name.
	Source string
	// Version is the version the author wrote: "2.0", "3.0.3", "3.1.0", ...
	Version string
	// Warnings are the problems tolerated while loading.
	Warnings []Warning

	ops    []*Operation
	byID   map[string]*Operation
	router *Router
	files  fs.FS // where ReadFile reads: the document's directory; nil for none
}

// Operation is one method on one path of the document, with everything a
// handler needs resolved: effective parameters, security and base paths.
type Operation struct {
	// ID is the operationId, or a stable one derived from method and path
	// ("getUsersById") when the document has none; unique in the document.
	ID string
	// Method is the upper-case HTTP method.
	Method string
	// Path is the path template without any query part ("/pets/{petId}").
	Path string
	// Key is the path key as written in the document ("/?Action=Describe").
	Key string
	// Conditions are the query (or header) values the path key demands,
	// from keys such as "/?Action=DescribeRegions".
	Conditions []Condition
	// BasePaths are the path parts of the servers that apply, normalised:
	// "" for the root, else "/v1" style, never with a trailing slash.
	BasePaths []string
	// Parameters are the path-level parameters merged with the
	// operation's own (the operation's win on the same name and location).
	Parameters openapi3.Parameters
	// Security is the requirement in force: the operation's own, or the
	// document's. An empty, non-nil list means explicitly none.
	Security openapi3.SecurityRequirements
	// Operation and PathItem are the kin-openapi objects.
	Operation *openapi3.Operation
	PathItem  *openapi3.PathItem
}

// Condition is a discriminating value carried in a path key: "Action" must be
// "DescribeRegions" in the query, or, for fragment keys ("#X-Amz-Target=..."),
// in the query or a header of that name.
type Condition struct {
	Name     string
	Value    string // "" means the name only has to be present
	InHeader bool   // also satisfied by a header of that name
}

// Summary returns the operation's summary.
func (o *Operation) Summary() string { return o.Operation.Summary }

// Tags returns the operation's tags.
func (o *Operation) Tags() []string { return o.Operation.Tags }

// Extensions returns the operation's x- extensions.
func (o *Operation) Extensions() map[string]any { return o.Operation.Extensions }

// RequestBody returns the resolved request body, or nil.
func (o *Operation) RequestBody() *openapi3.RequestBody {
	if o.Operation.RequestBody == nil {
		return nil
	}
	return o.Operation.RequestBody.Value
}

// Responses returns the operation's responses (never nil).
func (o *Operation) Responses() *openapi3.Responses {
	if o.Operation.Responses == nil {
		return openapi3.NewResponses()
	}
	return o.Operation.Responses
}

// String is "GET /pets/{petId}".
func (o *Operation) String() string { return o.Method + " " + o.Key }

// Operations returns every operation in path then method order.
func (d *Document) Operations() []*Operation { return d.ops }

// Operation returns the operation with the given id, or nil.
func (d *Document) Operation(id string) *Operation { return d.byID[id] }

// Router returns the document's router.
func (d *Document) Router() *Router { return d.router }

var methodOrder = map[string]int{"GET": 0, "HEAD": 1, "POST": 2, "PUT": 3, "PATCH": 4, "DELETE": 5, "OPTIONS": 6, "TRACE": 7, "QUERY": 8}

func newDocument(t *openapi3.T, source, version string, warnings []Warning) (*Document, error) {
	d := &Document{T: t, Source: source, Version: version, Warnings: warnings, byID: map[string]*Operation{}}
	if t.Paths == nil {
		t.Paths = openapi3.NewPaths()
	}
	d.Warnings = append(d.Warnings, dropUndeclaredSchemes(t)...)
	keys := t.Paths.InMatchingOrder()
	sort.Strings(keys)
	derived := map[*Operation]bool{}
	for _, key := range keys {
		item := t.Paths.Value(key)
		if item == nil {
			continue
		}
		tmpl, conds := splitKey(key)
		for _, method := range sortedMethods(item) {
			op := item.GetOperation(method)
			o := &Operation{
				ID: op.OperationID, Method: method, Path: tmpl, Key: key, Conditions: conds,
				Operation: op, PathItem: item,
				Parameters: mergeParameters(item.Parameters, op.Parameters),
				BasePaths:  basePaths(derefServers(op.Servers), item.Servers, t.Servers),
			}
			if op.Security != nil {
				o.Security = *op.Security
			} else {
				o.Security = t.Security
			}
			if o.ID == "" {
				o.ID = deriveID(method, tmpl, conds)
				derived[o] = true
			}
			d.ops = append(d.ops, o)
		}
	}
	// Explicit ids first, so a derived id never takes a name the author chose.
	for _, pass := range []bool{false, true} {
		for _, o := range d.ops {
			if derived[o] != pass {
				continue
			}
			if _, taken := d.byID[o.ID]; taken {
				base := o.ID
				for i := 2; ; i++ {
					o.ID = fmt.Sprintf("%s_%d", base, i)
					if _, taken := d.byID[o.ID]; !taken {
						break
					}
				}
				if !pass {
					d.Warnings = append(d.Warnings, Warning{
						Pointer: "/paths/" + escapeToken(o.Key) + "/" + strings.ToLower(o.Method) + "/operationId",
						Message: fmt.Sprintf("operationId %q is used more than once; this operation is indexed as %q", base, o.ID)})
				}
			}
			d.byID[o.ID] = o
		}
	}
	r, problems := newRouter(d.ops)
	d.router = r
	d.Warnings = append(d.Warnings, problems...)
	return d, nil
}

func sortedMethods(item *openapi3.PathItem) []string {
	ops := item.Operations()
	methods := make([]string, 0, len(ops))
	for m := range ops {
		methods = append(methods, strings.ToUpper(m))
	}
	sort.Slice(methods, func(i, j int) bool {
		oi, iok := methodOrder[methods[i]]
		oj, jok := methodOrder[methods[j]]
		if iok != jok {
			return iok
		}
		if oi != oj {
			return oi < oj
		}
		return methods[i] < methods[j]
	})
	return methods
}

// splitKey separates a path key such as "/?Action=Run&Version=1" or
// "/#X-Amz-Target=Svc.Op" into the template and the conditions it carries.
func splitKey(key string) (string, []Condition) {
	if !strings.HasPrefix(key, "/") {
		key = "/" + key
	}
	i := strings.IndexAny(key, "?#")
	if i < 0 {
		return key, nil
	}
	tmpl, rest := key[:i], key[i:]
	if tmpl == "" {
		tmpl = "/"
	}
	var conds []Condition
	for len(rest) > 0 {
		inHeader := rest[0] == '#'
		rest = rest[1:]
		j := strings.IndexAny(rest, "?#")
		part := rest
		if j >= 0 {
			part, rest = rest[:j], rest[j:]
		} else {
			rest = ""
		}
		for _, kv := range strings.Split(part, "&") {
			if kv == "" {
				continue
			}
			name, value, _ := strings.Cut(kv, "=")
			if n, err := url.QueryUnescape(name); err == nil {
				name = n
			}
			if v, err := url.QueryUnescape(value); err == nil {
				value = v
			}
			conds = append(conds, Condition{Name: name, Value: value, InHeader: inHeader})
		}
	}
	return tmpl, conds
}

// mergeParameters gives the operation's parameters precedence over the path
// item's parameters with the same name and location.
func mergeParameters(pathLevel, opLevel openapi3.Parameters) openapi3.Parameters {
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

func derefServers(s *openapi3.Servers) openapi3.Servers {
	if s == nil {
		return nil
	}
	return *s
}

// basePaths returns the normalised path parts of the first non-empty server
// list among the operation's, the path item's and the document's.
func basePaths(lists ...openapi3.Servers) []string {
	var servers openapi3.Servers
	for _, l := range lists {
		if len(l) > 0 {
			servers = l
			break
		}
	}
	if len(servers) == 0 {
		return []string{""}
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range servers {
		if s == nil {
			continue
		}
		p := ServerPath(s)
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

// ServerPath reduces a server to the path part a mock routes under: variables
// take their defaults (a default may hold "/"), a variable with no usable
// default is empty, and scheme and host are dropped. The result is "" for the
// root or "/a/b" without a trailing slash.
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

// deriveID makes an operation id from method and path: GET /users/{id}/posts
// becomes "getUsersByIdPosts".
func deriveID(method, tmpl string, conds []Condition) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	words := func(s string) {
		upper := true
		for _, r := range s {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				upper = true
				continue
			}
			if upper {
				b.WriteRune(unicode.ToUpper(r))
				upper = false
			} else {
				b.WriteRune(r)
			}
		}
	}
	for _, seg := range strings.Split(tmpl, "/") {
		if seg == "" {
			continue
		}
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") && strings.Count(seg, "{") == 1 {
			b.WriteString("By")
		}
		words(seg)
	}
	for _, c := range conds {
		words(c.Value)
	}
	if b.Len() == len(method) {
		b.WriteString("Root")
	}
	return b.String()
}

// dropUndeclaredSchemes removes from every security requirement the schemes
// components.securitySchemes does not declare. No client can know how to
// satisfy them, so the spec's mistake must not refuse its requests: an
// alternative left with no scheme is satisfied by anyone.
func dropUndeclaredSchemes(t *openapi3.T) []Warning {
	declared := func(name string) bool {
		return t.Components != nil && t.Components.SecuritySchemes[name] != nil
	}
	var warnings []Warning
	clean := func(reqs openapi3.SecurityRequirements, ptr string) {
		for i, req := range reqs {
			for _, name := range slices.Sorted(maps.Keys(req)) {
				if !declared(name) {
					delete(req, name)
					warnings = append(warnings, Warning{
						Pointer: fmt.Sprintf("%s/%d/%s", ptr, i, escapeToken(name)),
						Message: fmt.Sprintf("security scheme %q is not declared in components.securitySchemes: it is not checked", name),
					})
				}
			}
		}
	}
	clean(t.Security, "/security")
	if t.Paths == nil {
		return warnings
	}
	for _, key := range t.Paths.InMatchingOrder() {
		item := t.Paths.Value(key)
		if item == nil {
			continue
		}
		for method, op := range item.Operations() {
			if op != nil && op.Security != nil {
				clean(*op.Security, "/paths/"+escapeToken(key)+"/"+strings.ToLower(method)+"/security")
			}
		}
	}
	return warnings
}
