package openapi

import (
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/internal/oas"
)

// Document is a loaded, normalised and indexed API description. It is
// read-only after loading and safe for concurrent use.
type Document struct {
	// Source names where the document came from: a path, a URL or a name.
	Source string
	// Version is the OpenAPI version the author wrote: "2.0", "3.0.3",
	// "3.1.0", ... (the API's own version is Info().Version).
	Version    string
	fixes      []Warning        // repairs made before kin-openapi read the document
	validation func() []Warning // the document-wide validation, run on the first Warnings call; nil for none
	indexed    []Warning        // found while indexing operations and routes

	t      *openapi3.T // Swagger 2.0 converted to 3.0; never mutated after loading
	ops    []*Operation
	byID   map[string]*Operation
	router *Router
	files  fs.FS // where ReadFile reads: the document's directory; nil for none
}

// Operation is one method on one path of the document, with everything a
// handler needs resolved: effective parameters, security and base paths.
// Its accessors return copies: changing what they return changes nothing
// in the document.
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

	op       *openapi3.Operation
	params   openapi3.Parameters           // path-level merged with the operation's own
	security openapi3.SecurityRequirements // the operation's own, or the document's
}

// Condition is a discriminating value carried in a path key: "Action" must be
// "DescribeRegions" in the query, or, for fragment keys ("#X-Amz-Target=..."),
// in the query or a header of that name.
type Condition struct {
	Name     string
	Value    string // "" means the name only has to be present
	InHeader bool   // also satisfied by a header of that name
}

// String is "GET /pets/{petId}".
func (o *Operation) String() string { return o.Method + " " + o.Key }

// Warnings returns the problems tolerated while loading: repairs, what
// kin-openapi's validation of the whole document reports (unless Strict
// made them errors), and what indexing found (duplicate operation ids,
// undeclared security schemes, conflicting routes).
//
// The document-wide validation only produces warnings, so it is not run
// while loading: it runs on the first call of Warnings, which on a large
// description takes a while (about a tenth of a second for GitHub's).
// Call it in the background to have the list early; later calls return
// the same list at once. It is safe for concurrent use.
func (d *Document) Warnings() []Warning {
	out := slices.Clone(d.fixes)
	if d.validation != nil {
		out = append(out, d.validation()...)
	}
	return append(out, d.indexed...)
}

// Operations returns every operation in path then method order.
func (d *Document) Operations() []*Operation { return d.ops }

// Operation returns the operation whose ID (its operationId, or the one
// derived from method and path) is id, or nil. Lookup also takes
// "METHOD /path" and is what options naming an operation use.
func (d *Document) Operation(id string) *Operation { return d.byID[id] }

// Lookup finds an operation by its operationId ("getPet") or by method and
// path template ("GET /pets/{petId}", the template as written in the
// document or as served, base path included), or returns nil.
func (d *Document) Lookup(name string) *Operation {
	if op := d.byID[name]; op != nil {
		return op
	}
	method, path, ok := strings.Cut(strings.TrimSpace(name), " ")
	if !ok {
		return nil
	}
	method, path = strings.ToUpper(method), strings.TrimSpace(path)
	for _, op := range d.ops {
		if op.Method == method && (op.Key == path || op.Path == path) {
			return op
		}
	}
	return nil
}

// Router returns the document's router.
func (d *Document) Router() *Router { return d.router }

// Kin returns the kin-openapi document the Document was built from
// (Swagger 2.0 converted to 3.0), for what the Document's own accessors do
// not offer.
//
// Kin is outside the v1 compatibility promise: its type follows
// kin-openapi, which is not at v1 and changes between minor versions. The
// document is shared by everything built from the Document and must be
// treated as read-only: the mock's generator and validators rely on its
// schemas never changing. Kin returns nil for a Document not made by this
// package's loaders.
func (d *Document) Kin() *openapi3.T { return d.t }

var methodOrder = map[string]int{"GET": 0, "HEAD": 1, "POST": 2, "PUT": 3, "PATCH": 4, "DELETE": 5, "OPTIONS": 6, "TRACE": 7, "QUERY": 8}

func newDocument(t *openapi3.T, source, version string) (*Document, error) {
	d := &Document{t: t, Source: source, Version: version, byID: map[string]*Operation{}}
	if t.Paths == nil {
		t.Paths = openapi3.NewPaths()
	}
	d.indexed = append(d.indexed, dropUndeclaredSchemes(t)...)
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
				BasePaths: basePaths(derefServers(op.Servers), item.Servers, t.Servers),
				op:        op, params: oas.Parameters(item, op), security: oas.Security(t, op),
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
					d.indexed = append(d.indexed, Warning{
						Pointer: "/paths/" + escapeToken(o.Key) + "/" + strings.ToLower(o.Method) + "/operationId",
						Message: fmt.Sprintf("operationId %q is used more than once; this operation is indexed as %q", base, o.ID)})
				}
			}
			d.byID[o.ID] = o
		}
	}
	r, problems := newRouter(d.ops)
	r.doc = d
	d.router = r
	d.indexed = append(d.indexed, problems...)
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
			if len(value) > 2 && value[0] == '{' && value[len(value)-1] == '}' {
				// A template ("/search/articles?query={query}", medium.com)
				// names the parameter that is sent, whatever its value.
				value = ""
			}
			conds = append(conds, Condition{Name: name, Value: value, InHeader: inHeader})
		}
	}
	return tmpl, conds
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
		p := oas.ServerPath(s)
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
