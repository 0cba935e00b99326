package openapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/internal/oas"
)

// ErrNotFound is returned by Router.Find when no path template matches.
var ErrNotFound = errors.New("openapi: no path matches")

// MethodNotAllowedError is returned by Router.Find when a path template
// matches but not for the request's method.
type MethodNotAllowedError struct {
	Allowed []string // the methods the path has, HEAD included where GET is
}

// Error lists the allowed methods.
func (e *MethodNotAllowedError) Error() string {
	return "openapi: method not allowed; the path allows " + strings.Join(e.Allowed, ", ")
}

// ConditionError is returned when a path has operations only for specific
// query values (path keys like "/?Action=X") and the request carries none of
// them.
type ConditionError struct {
	Expected []string // "Action=DescribeRegions", ...
}

// Error lists the query values the path's operations expect.
func (e *ConditionError) Error() string {
	return "openapi: the path has operations only for " + strings.Join(e.Expected, ", ")
}

// Match is the result of routing a request. It remembers the document
// whose router made it, so that a Match meant for another document (or for
// another version of the same API) is never taken for one of its own.
type Match struct {
	Operation *Operation
	doc       *Document
	names     []string
	values    []string
	others    []*endpoint // further operations the request fits as well
}

// Alternatives returns matches for the other operations the request fits
// as well as this one, in the router's order: operations on templates that
// differ only in their parameters' names, which OpenAPI forbids but
// descriptions hold (reverb's POST /conversations/{id}/offer and
// /conversations/{conversation_id}/offer), whose path parameters accept
// the request too. A server that finds the request invalid for the first
// can try them; nil when there are none.
func (m Match) Alternatives() []Match {
	if len(m.others) == 0 {
		return nil
	}
	out := make([]Match, 0, len(m.others))
	for _, ep := range m.others {
		out = append(out, Match{Operation: ep.op, doc: m.doc, names: ep.names, values: m.values})
	}
	return out
}

// Document returns the document whose router made the match; nil for a
// Match not made by a Router.
func (m Match) Document() *Document { return m.doc }

// Param returns the percent-decoded value of the path parameter name.
func (m Match) Param(name string) (string, bool) {
	for i, n := range m.names {
		if n == name {
			return m.values[i], true
		}
	}
	return "", false
}

// Params returns the path parameters as a map (it allocates: prefer Param).
func (m Match) Params() map[string]string {
	out := make(map[string]string, len(m.names))
	for i, n := range m.names {
		out[n] = m.values[i]
	}
	return out
}

// Router finds the operation a request is for. Lookup cost grows with the
// number of path segments, not with the number of operations. It is
// read-only after construction and safe for concurrent use.
type Router struct {
	doc  *Document
	root *node // templates under their servers' base paths
	bare *node // the same templates without base paths, tried second; nil when all base paths are ""
}

// maxSteps bounds the backtracking of one lookup: a hostile set of templates
// cannot make routing slow.
const maxSteps = 4096

type node struct {
	lits    map[string]*node
	complex []*complexChild
	param   *node
	leaf    *leaf
}

type complexChild struct {
	parts  []segPart
	lits   int // number of literal bytes (parameter names not counted), for ordering
	params int // number of parameters, for ordering
	node   *node
}

// segPart is a piece of a segment template: literal text, or a parameter.
type segPart struct {
	lit   string
	param bool
}

type leaf struct {
	methods map[string][]*endpoint
	allowed []string
}

type endpoint struct {
	op    *Operation
	names []string
}

func newRouter(ops []*Operation) (*Router, []Warning) {
	r := &Router{root: &node{}}
	var warnings []Warning
	needBare := false
	for _, op := range ops {
		for _, bp := range op.BasePaths {
			if bp != "" {
				needBare = true
			}
			if w := r.root.insert(bp+op.Path, op); w != "" {
				warnings = append(warnings, Warning{Pointer: "/paths/" + escapeToken(op.Key), Message: w})
			}
		}
	}
	if needBare {
		r.bare = &node{}
		for _, op := range ops {
			r.bare.insert(op.Path, op)
		}
		r.bare.finish()
	}
	r.root.finish()
	return r, warnings
}

// insert adds op under the template; it returns a warning when an earlier
// operation already holds the same method there.
func (n *node) insert(tmpl string, op *Operation) string {
	var names []string
	cur := n
	for _, seg := range splitTemplate(tmpl) {
		if strings.IndexByte(seg, '%') >= 0 {
			// Requests are matched decoded, so templates are stored decoded.
			if d, err := url.PathUnescape(seg); err == nil {
				seg = d
			}
		}
		parts := parseSegment(seg)
		switch {
		case len(parts) == 1 && !parts[0].param:
			if cur.lits == nil {
				cur.lits = map[string]*node{}
			}
			child := cur.lits[parts[0].lit]
			if child == nil {
				child = &node{}
				cur.lits[parts[0].lit] = child
			}
			cur = child
		case len(parts) == 1:
			names = append(names, seg[1:len(seg)-1])
			if cur.param == nil {
				cur.param = &node{}
			}
			cur = cur.param
		default:
			var found *node
			for _, c := range cur.complex {
				if samePattern(c.parts, parts) {
					found = c.node
					break
				}
			}
			if found == nil {
				found = &node{}
				lits, params := 0, 0
				for _, p := range parts {
					if p.param {
						params++
					} else {
						lits += len(p.lit)
					}
				}
				cur.complex = append(cur.complex, &complexChild{parts: parts, lits: lits, params: params, node: found})
			}
			for _, p := range parts {
				if p.param {
					names = append(names, p.lit)
				}
			}
			cur = found
		}
	}
	if cur.leaf == nil {
		cur.leaf = &leaf{methods: map[string][]*endpoint{}}
	}
	eps := cur.leaf.methods[op.Method]
	warning := ""
	for _, e := range eps {
		if len(e.op.Conditions) == 0 && len(op.Conditions) == 0 {
			if e.op == op || e.op.Key == op.Key {
				return fmt.Sprintf("%s %s: same route as %s (%s); the first one answers", op.Method, op.Key, e.op.Key, e.op.ID)
			}
			warning = fmt.Sprintf("%s %s: same route as %s (%s); a request goes to the first whose path parameters accept it", op.Method, op.Key, e.op.Key, e.op.ID)
		}
	}
	cur.leaf.methods[op.Method] = append(eps, &endpoint{op: op, names: names})
	return warning
}

// finish orders children and precomputes the Allow lists.
func (n *node) finish() {
	if n.leaf != nil {
		seen := map[string]bool{}
		for m := range n.leaf.methods {
			seen[m] = true
		}
		if seen["GET"] {
			seen["HEAD"] = true
		}
		for m := range seen {
			n.leaf.allowed = append(n.leaf.allowed, m)
		}
		sort.Slice(n.leaf.allowed, func(i, j int) bool {
			return methodRank(n.leaf.allowed[i]) < methodRank(n.leaf.allowed[j])
		})
		for _, eps := range n.leaf.methods {
			// Endpoints with more conditions are more specific and tried first.
			sort.SliceStable(eps, func(i, j int) bool { return len(eps[i].op.Conditions) > len(eps[j].op.Conditions) })
		}
	}
	// More literal text is more specific ("{y}.pbf" before "{y}.{format}",
	// "near.{fmt}" before "{id}.{fmt}"); on a tie, fewer parameters.
	sort.SliceStable(n.complex, func(i, j int) bool {
		a, b := n.complex[i], n.complex[j]
		if a.lits != b.lits {
			return a.lits > b.lits
		}
		return a.params < b.params
	})
	for _, c := range n.lits {
		c.finish()
	}
	for _, c := range n.complex {
		c.node.finish()
	}
	if n.param != nil {
		n.param.finish()
	}
}

func methodRank(m string) int {
	if r, ok := methodOrder[m]; ok {
		return r
	}
	return len(methodOrder)
}

func splitTemplate(tmpl string) []string {
	tmpl = strings.Trim(tmpl, "/")
	if tmpl == "" {
		return nil
	}
	return strings.Split(tmpl, "/")
}

// parseSegment splits "{name}.{ext}" into parameter and literal parts.
// Unbalanced braces are literal text.
func parseSegment(seg string) []segPart {
	var parts []segPart
	for len(seg) > 0 {
		open := strings.IndexByte(seg, '{')
		if open < 0 {
			parts = append(parts, segPart{lit: seg})
			break
		}
		closing := strings.IndexByte(seg[open:], '}')
		if closing < 0 {
			parts = append(parts, segPart{lit: seg})
			break
		}
		if open > 0 {
			parts = append(parts, segPart{lit: seg[:open]})
		}
		expr := seg[open+1 : open+closing]
		if strings.HasPrefix(expr, ".") {
			// RFC 6570 label expansion: "{.format}" is ".json".
			parts = append(parts, segPart{lit: "."})
		}
		name := strings.TrimLeft(expr, "+#./;?&") // RFC 6570 operators
		name = strings.TrimSuffix(name, "*")
		parts = append(parts, segPart{lit: name, param: true})
		seg = seg[open+closing+1:]
	}
	// Merge adjacent literals (from unbalanced braces) for simpler matching.
	out := parts[:0]
	for _, p := range parts {
		if len(out) > 0 && !p.param && !out[len(out)-1].param {
			out[len(out)-1].lit += p.lit
			continue
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		out = append(out, segPart{lit: ""})
	}
	return out
}

func samePattern(a, b []segPart) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].param != b[i].param || (!a[i].param && a[i].lit != b[i].lit) {
			return false
		}
	}
	return true
}

// Find routes a request. It returns ErrNotFound, a *MethodNotAllowedError or
// a *ConditionError when no operation fits.
func (r *Router) Find(req *http.Request) (Match, error) {
	// Templates are split with leading and trailing slashes trimmed, so the
	// request path is too: "//openapi" and "/jobs/" find "//openapi" and "/jobs".
	p := strings.Trim(req.URL.EscapedPath(), "/")
	m, err := r.find(r.root, req, p)
	if err != nil && r.bare != nil {
		// The bare templates answer when the based ones do not, also when a
		// based template matched the path for another method only: an
		// operation whose servers have no base path may sit on the same path.
		bm, berr := r.find(r.bare, req, p)
		if berr == nil || err == ErrNotFound {
			return bm, berr
		}
	}
	return m, err
}

// find routes the escaped path p, given without leading or trailing slashes.
func (r *Router) find(root *node, req *http.Request, p string) (Match, error) {
	// vals starts empty, not in a stack array: walk's searcher leaks its
	// contents, so such an array went to the heap, 256 bytes on every
	// request, parameters or not. A template's values now cost what they
	// hold, and the match keeps them without a copy.
	s := searcher{method: req.Method}
	found := s.walk(root, p, p == "")
	if found == nil && s.fbLeaf != nil {
		found, s.found = s.fbLeaf, s.fbVals
	}
	if found == nil {
		if s.other != nil {
			return Match{}, &MethodNotAllowedError{Allowed: s.other.allowed}
		}
		return Match{}, ErrNotFound
	}
	eps := found.methods[req.Method]
	if eps == nil && req.Method == http.MethodHead {
		eps = found.methods[http.MethodGet]
	}
	ep, err := pick(eps, req, s.found)
	if err != nil {
		return Match{}, err
	}
	m := Match{Operation: ep.op, doc: r.doc, names: ep.names}
	if len(eps) > 1 {
		m.others = others(eps, ep, req, s.found)
	}
	if len(s.found) > 0 {
		// Nothing appends to s.vals once a leaf is found: the match may
		// keep its array.
		m.values = s.found[:len(s.found):len(s.found)]
	}
	return m, nil
}

// pick chooses among endpoints for one method by their query conditions
// and, among templates that match at the same level (/countries/{code2}
// and /countries/{name}), by what their path parameters accept: the first
// whose parameter schemas take the values, else the first in order.
func pick(eps []*endpoint, req *http.Request, vals []string) (*endpoint, error) {
	if len(eps) == 1 && len(eps[0].op.Conditions) == 0 {
		return eps[0], nil
	}
	var q url.Values
	var first *endpoint
	for _, ep := range eps {
		if len(ep.op.Conditions) > 0 {
			if q == nil {
				q = req.URL.Query()
			}
			if !conditionsHold(ep.op.Conditions, q, req.Header) {
				continue
			}
		}
		if first == nil {
			first = ep
		}
		if acceptsPath(ep, vals) {
			return ep, nil
		}
	}
	if first != nil {
		return first, nil
	}
	expected := make([]string, 0, len(eps))
	for _, ep := range eps {
		var parts []string
		for _, c := range ep.op.Conditions {
			parts = append(parts, c.Name+"="+c.Value)
		}
		expected = append(expected, strings.Join(parts, "&"))
	}
	return nil, &ConditionError{Expected: expected}
}

// others returns the endpoints of eps besides chosen that the request
// fits as well: conditions that hold as much as chosen's do, and path
// parameters that accept it.
func others(eps []*endpoint, chosen *endpoint, req *http.Request, vals []string) []*endpoint {
	var out []*endpoint
	var q url.Values
	for _, ep := range eps {
		if ep == chosen || len(ep.op.Conditions) != len(chosen.op.Conditions) {
			continue
		}
		if len(ep.op.Conditions) > 0 {
			if q == nil {
				q = req.URL.Query()
			}
			if !conditionsHold(ep.op.Conditions, q, req.Header) {
				continue
			}
		}
		if acceptsPath(ep, vals) {
			out = append(out, ep)
		}
	}
	return out
}

func conditionsHold(conds []Condition, q url.Values, h http.Header) bool {
	for _, c := range conds {
		vals, ok := q[c.Name]
		if !ok && c.InHeader {
			vals, ok = h[http.CanonicalHeaderKey(c.Name)]
		}
		if !ok {
			return false
		}
		if c.Value != "" && !contains(vals, c.Value) {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

type searcher struct {
	method string
	vals   []string
	found  []string // parameter values of the match
	other  *leaf    // first leaf matched for another method, for 405
	steps  int
	// splits counts the segments of the current path that hold several
	// parameters ("{name}.{ext}", "{a}-{b}"), where the text could be split
	// in more than one way.
	splits int
	// fbLeaf and fbVals are the first match whose split values no
	// endpoint's parameters accept: the answer when no split is accepted.
	fbLeaf *leaf
	fbVals []string
}

// push adds a parameter value, making room for a few at the first.
func (s *searcher) push(v string) {
	if s.vals == nil {
		s.vals = make([]string, 0, 4)
	}
	s.vals = append(s.vals, v)
}

// walk matches the remaining escaped path rest (no leading slash) below n
// and returns the leaf that has the method, backtracking over literal,
// complex and parameter children in that order of priority. Below a
// segment with several parameters, a leaf whose endpoints refuse the
// values is passed over for another split (/files/{name}.{ext} with an
// ext enum takes "a.b.json" as "a.b" and "json"), and kept as the
// fallback.
func (s *searcher) walk(n *node, rest string, atEnd bool) *leaf {
	s.steps++
	if s.steps > maxSteps {
		return nil
	}
	if atEnd {
		if n.leaf == nil {
			return nil
		}
		eps := n.leaf.methods[s.method]
		if eps == nil && s.method == http.MethodHead {
			eps = n.leaf.methods[http.MethodGet]
		}
		if eps != nil {
			if s.splits > 0 && !anyAccepts(eps, s.vals) {
				if s.fbLeaf == nil {
					s.fbLeaf, s.fbVals = n.leaf, append([]string(nil), s.vals...)
				}
				return nil
			}
			s.found = s.vals
			return n.leaf
		}
		if s.other == nil {
			s.other = n.leaf
		}
		return nil
	}
	seg, next, last := rest, "", true
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		seg, next, last = rest[:i], rest[i+1:], false
	}
	decoded := seg
	if strings.IndexByte(seg, '%') >= 0 {
		if d, err := url.PathUnescape(seg); err == nil {
			decoded = d
		}
	}
	if child := n.lits[decoded]; child != nil {
		if l := s.walk(child, next, last); l != nil {
			return l
		}
	}
	mark := len(s.vals)
	for _, c := range n.complex {
		if c.params > 1 {
			s.splits++
		}
		l := s.matchFrom(c.parts, decoded, c.node, next, last)
		if c.params > 1 {
			s.splits--
		}
		if l != nil {
			return l
		}
		s.vals = s.vals[:mark]
	}
	if n.param != nil && decoded != "" {
		s.push(decoded)
		if l := s.walk(n.param, next, last); l != nil {
			return l
		}
		s.vals = s.vals[:mark]
	}
	return nil
}

// anyAccepts reports whether some endpoint's path parameters accept vals.
func anyAccepts(eps []*endpoint, vals []string) bool {
	for _, ep := range eps {
		if acceptsPath(ep, vals) {
			return true
		}
	}
	return false
}

// matchFrom matches one decoded segment against a complex template such as
// "{name}.{ext}" or "{name}:cancel", appending parameter values, and for
// each way to split it walks on below kn with the rest of the path, until
// that finds a leaf. Parameters are non-empty; splits are tried shortest
// first parameter first, the last parameter taking what remains.
func (s *searcher) matchFrom(parts []segPart, seg string, kn *node, next string, last bool) *leaf {
	s.steps++
	if s.steps > maxSteps {
		return nil
	}
	if len(parts) == 0 {
		if seg != "" {
			return nil
		}
		return s.walk(kn, next, last)
	}
	p := parts[0]
	if !p.param {
		if !strings.HasPrefix(seg, p.lit) {
			return nil
		}
		return s.matchFrom(parts[1:], seg[len(p.lit):], kn, next, last)
	}
	mark := len(s.vals)
	if len(parts) == 1 {
		if seg == "" {
			return nil
		}
		s.push(seg)
		if l := s.walk(kn, next, last); l != nil {
			return l
		}
		s.vals = s.vals[:mark]
		return nil
	}
	if parts[1].param {
		// Two adjacent parameters ("{id}{ext}"): nothing marks the split.
		// Give the second the text from the last dot ("7.json" is "7" and
		// ".json"), else try every split, shortest first parameter first.
		dot := strings.LastIndexByte(seg, '.')
		if dot > 0 {
			s.push(seg[:dot])
			if l := s.matchFrom(parts[1:], seg[dot:], kn, next, last); l != nil {
				return l
			}
			s.vals = s.vals[:mark]
		}
		for i := 1; i < len(seg); i++ {
			if i == dot {
				continue
			}
			s.push(seg[:i])
			if l := s.matchFrom(parts[1:], seg[i:], kn, next, last); l != nil {
				return l
			}
			s.vals = s.vals[:mark]
			if s.steps > maxSteps {
				return nil
			}
		}
		return nil
	}
	// A parameter followed by a literal: try each place the literal occurs.
	lit := parts[1].lit
	for i := 1; i < len(seg); i++ {
		j := strings.Index(seg[i:], lit)
		if j < 0 {
			break
		}
		i += j
		s.push(seg[:i])
		if l := s.matchFrom(parts[1:], seg[i:], kn, next, last); l != nil {
			return l
		}
		s.vals = s.vals[:mark]
	}
	return nil
}

type matchKey struct{}

// ContextWithMatch returns a context carrying m, so that later stages
// (auth, share, the mock handler) reuse one routing result instead of
// routing again.
func ContextWithMatch(ctx context.Context, m Match) context.Context {
	return context.WithValue(ctx, matchKey{}, m)
}

// MatchFrom returns the match stored by ContextWithMatch.
func MatchFrom(ctx context.Context) (Match, bool) {
	m, ok := ctx.Value(matchKey{}).(Match)
	return m, ok
}

// Match routes the request, reusing a match already stored in its context
// by ContextWithMatch when this document made it. A match made by another
// document, or by another Document of the same API (a reload, a new
// version), is ignored and the request routed again.
func (d *Document) Match(req *http.Request) (Match, error) {
	if m, ok := MatchFrom(req.Context()); ok && m.Operation != nil && m.doc == d {
		return m, nil
	}
	return d.router.Find(req)
}

// acceptsPath reports whether the endpoint's path parameter schemas accept
// the values matched for them (type, length, pattern, format, enum). A
// parameter without a schema accepts anything.
func acceptsPath(ep *endpoint, vals []string) bool {
	for i, name := range ep.names {
		if i >= len(vals) || name == "" {
			continue
		}
		p := ep.op.params.GetByInAndName(openapi3.ParameterInPath, name)
		if p == nil || p.Schema == nil || p.Schema.Value == nil {
			continue
		}
		if !acceptsValue(p.Schema.Value, vals[i]) {
			return false
		}
	}
	return true
}

// acceptsValue checks a path value, read as its schema's type, against the
// schema, formats included.
func acceptsValue(s *openapi3.Schema, raw string) bool {
	var v any = raw
	switch {
	case s.Type.Is(openapi3.TypeInteger):
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return false
		}
		v = float64(n)
	case s.Type.Is(openapi3.TypeNumber):
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return false
		}
		v = f
	case s.Type.Is(openapi3.TypeBoolean):
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return false
		}
		v = b
	}
	return s.VisitJSON(v, openapi3.EnableFormatValidation(), openapi3.SetSchemaRegexCompiler(oas.RegexCompiler)) == nil
}
