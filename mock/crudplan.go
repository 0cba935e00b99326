package mock

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/mockapi-go/mockapi/internal/oas"
	"github.com/mockapi-go/mockapi/openapi"
)

// Action is what a stateful operation does to its resource collection, as
// inferred from its method and path or declared with x-mock-crud (whose
// values are these strings).
type Action string

// Actions a stateful operation performs on its resource collection.
const (
	ActionList    Action = "list"
	ActionCreate  Action = "create"
	ActionGet     Action = "get"
	ActionReplace Action = "replace"
	ActionPatch   Action = "patch"
	ActionDelete  Action = "delete"
)

var itemActions = map[Action]bool{ActionGet: true, ActionReplace: true, ActionPatch: true, ActionDelete: true}

// Resource describes a resource collection the handler keeps state for,
// inferred from the paths of the description (a collection path such as
// /pets with an item path /pets/{petId}) or declared with x-mock-crud.
type Resource struct {
	// Name names the resource in the management API: the static segments
	// of its collection path template as the description writes it (no
	// server base path), joined by "." ("pets" for /pets,
	// "users.posts" for /users/{userId}/posts, "api.v1.pets" for
	// /api/v1/pets), followed by "~2", "~3"... when an earlier resource of
	// the description has the same. It is stable while the description's
	// paths are.
	Name string
	// Collection is the collection's path template, with the parent
	// parameters of nested collections ("/users/{userId}/posts").
	Collection string
	// Item is the item path template ("/pets/{petId}"), or empty.
	Item string
	// IDField is the property that holds the id in a resource, or empty
	// when the resource body carries none.
	IDField string
	// Operations maps each stateful operation id to its action.
	Operations map[string]Action
}

type idKind uint8

const (
	idString idKind = iota
	idInteger
	idUUID
)

// resource is a Resource with what serving it needs.
type resource struct {
	Resource
	key      string                      // collection template with parameter names erased
	nested   bool                        // the collection path has parameters
	item     *openapi3.Schema            // canonical item schema (a response schema)
	props    map[string]*openapi3.Schema // properties(item), computed once
	idSchema *openapi3.Schema
	idKind   idKind
	examples func() []map[string]any // the description's examples of the resource, the first seeds: found when first seeded

	// ancestors holds, for each parameter of a nested collection's path,
	// the resource whose items it names ("/users" for {userId} in
	// /users/{userId}/posts), or nil when that is not a resource.
	ancestors []*resource
	// parent is the last ancestor when the collection is its items' child
	// collection (parent's item path + parentSuffix), else nil.
	parent       *resource
	parentSuffix string

	seedMu sync.Mutex  // held while the resource is seeded
	seeded atomic.Bool // the seed marker is in the store

	seqMu sync.Mutex
	seq   map[string]int64 // next integer id per scope and collection instance
}

// linkParents sets the ancestors and parent of nested resources.
func linkParents(list []*resource) {
	byKey := map[string]*resource{}
	for _, res := range list {
		byKey[res.key] = res
	}
	for _, res := range list {
		if !res.nested {
			continue
		}
		segs := strings.Split(strings.TrimPrefix(res.key, "/"), "/")
		last := -1
		for i, seg := range segs {
			if seg == "{}" {
				var anc *resource
				if i > 0 { // the root is not a collection: "/" lists no "/{id}"
					anc = byKey["/"+strings.Join(segs[:i], "/")]
				}
				res.ancestors = append(res.ancestors, anc)
				last = i
			}
		}
		if last >= 0 && res.ancestors[len(res.ancestors)-1] != nil {
			res.parent = res.ancestors[len(res.ancestors)-1]
			if rest := segs[last+1:]; len(rest) > 0 {
				res.parentSuffix = "/" + strings.Join(rest, "/")
			}
		}
	}
}

// crudPlan is an operation's part in a resource.
type crudPlan struct {
	res       *resource
	action    Action
	parents   []string // this operation's names for the collection's path parameters
	itemParam string   // this operation's name for the id parameter (item actions)
}

// segments splits a path template; pure parameters ("{id}") are reported
// with their name.
func segments(path string) (segs []string, params []string) {
	for s := range strings.SplitSeq(strings.Trim(path, "/"), "/") {
		if name, ok := pureParam(s); ok {
			segs = append(segs, "{}")
			params = append(params, name)
			continue
		}
		segs = append(segs, s)
	}
	return segs, params
}

func pureParam(seg string) (string, bool) {
	if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' && !strings.ContainsAny(seg[1:len(seg)-1], "{}") {
		return seg[1 : len(seg)-1], true
	}
	return "", false
}

// crudExtension reads x-mock-crud: false or "none" switches inference off
// for the operation, an action name declares it.
func crudExtension(op *openapi.Operation) (action Action, set bool) {
	v, ok := op.Extension("x-mock-crud")
	if !ok {
		return "", false
	}
	switch t := v.(type) {
	case bool:
		if !t {
			return "none", true
		}
		return "", false
	case string:
		return Action(strings.ToLower(strings.TrimSpace(t))), true
	}
	return "", false
}

// inferResources groups the operations into resource collections.
func (h *Handler) inferResources() {
	type member struct {
		op        *openapi.Operation
		action    Action
		explicit  bool
		parents   []string
		itemParam string
		template  string // the collection template as this operation writes it
	}
	groups := map[string][]member{}
	var order []string
	for _, op := range h.doc.Operations() {
		if len(op.Conditions) > 0 {
			continue
		}
		action, explicit := crudExtension(op)
		if action == "none" {
			continue
		}
		segs, params := segments(op.Path)
		isItem := len(segs) > 0 && segs[len(segs)-1] == "{}"
		if !explicit {
			switch {
			case !isItem && op.Method == "GET":
				action = ActionList
			case !isItem && op.Method == "POST":
				action = ActionCreate
			case isItem && op.Method == "GET":
				action = ActionGet
			case isItem && op.Method == "PUT":
				action = ActionReplace
			case isItem && op.Method == "PATCH":
				action = ActionPatch
			case isItem && op.Method == "DELETE":
				action = ActionDelete
			default:
				continue
			}
		}
		ptr := "/paths/" + escapeToken(op.Key) + "/" + strings.ToLower(op.Method) + "/x-mock-crud"
		switch {
		case itemActions[action] && !isItem:
			h.warn(ptr, fmt.Sprintf("x-mock-crud %q needs a path that ends in an id parameter; ignored", action))
			continue
		case itemActions[action]:
		case action == ActionList || action == ActionCreate:
		default:
			h.warn(ptr, fmt.Sprintf("x-mock-crud %q is not one of list, create, get, replace, patch, delete, none; ignored", action))
			continue
		}
		m := member{op: op, action: action, explicit: explicit, parents: params}
		tsegs := strings.Split(strings.Trim(op.Path, "/"), "/")
		if itemActions[action] {
			segs, m.parents, m.itemParam = segs[:len(segs)-1], params[:len(params)-1], params[len(params)-1]
			tsegs = tsegs[:len(tsegs)-1]
		}
		if len(segs) == 0 {
			continue // the root is not a collection
		}
		m.template = "/" + strings.Join(tsegs, "/")
		key := "/" + strings.Join(segs, "/")
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], m)
	}
	h.resources = map[*openapi.Operation]*crudPlan{}
	for _, key := range order {
		ms := groups[key]
		byAction := map[Action]member{}
		explicit := false
		for _, m := range ms {
			if _, dup := byAction[m.action]; dup {
				continue // the first declared wins (GET /pets/{id} and /pets/{name}, say)
			}
			byAction[m.action] = m
			explicit = explicit || m.explicit
		}
		if m, ok := byAction[ActionList]; ok && !m.explicit {
			// A list of strings (or of other non-objects) is no collection
			// of records: serving stored objects there would contradict
			// the spec, so it stays stateless (#15).
			if items, _ := listItems(successSchema(m.op)); items != nil && !isObjectSchema(items) {
				delete(byAction, ActionList)
			}
		}
		_, hasGet := byAction[ActionGet]
		_, hasList := byAction[ActionList]
		if !explicit && (len(byAction) < 2 || (!hasGet && !hasList)) {
			continue
		}
		item := h.itemSchema(byAction[ActionGet].op, byAction[ActionReplace].op, byAction[ActionPatch].op,
			byAction[ActionCreate].op, byAction[ActionList].op)
		if item == nil {
			continue
		}
		res := &resource{key: key, item: item, props: properties(item), seq: map[string]int64{}}
		res.Operations = map[string]Action{}
		for _, a := range []Action{ActionList, ActionCreate, ActionGet, ActionReplace, ActionPatch, ActionDelete} {
			m, ok := byAction[a]
			if !ok {
				continue
			}
			if res.Collection == "" {
				res.Collection = m.template
			}
			if itemActions[a] && res.Item == "" {
				res.Item = m.op.Path
			}
			res.nested = res.nested || len(m.parents) > 0
			res.Operations[m.op.ID] = a
			h.resources[m.op] = &crudPlan{res: res, action: a, parents: m.parents, itemParam: m.itemParam}
		}
		if res.Collection == "" {
			res.Collection = key
		}
		var itemParam string
		var itemParamSchema *openapi3.Schema
		for _, a := range []Action{ActionGet, ActionReplace, ActionPatch, ActionDelete} {
			if m, ok := byAction[a]; ok {
				itemParam = m.itemParam
				if p := oas.Parameters(h.doc.Kin().Paths.Value(m.op.Key), m.op.Kin()).GetByInAndName("path", itemParam); p != nil && p.Schema != nil {
					itemParamSchema = p.Schema.Value
				}
				break
			}
		}
		res.IDField, res.idSchema = idField(item, itemParam)
		if res.idSchema == nil {
			res.idSchema = itemParamSchema
		}
		res.idKind = kindOfID(res.idSchema)
		get, list := byAction[ActionGet].op, byAction[ActionList].op
		res.examples = sync.OnceValue(func() []map[string]any { return h.resourceExamples(res, get, list) })
		h.resourceList = append(h.resourceList, res)
	}
	linkParents(h.resourceList)
	nameResources(h.resourceList)
}

// nameResources sets each resource's Name, unique in the list.
func nameResources(list []*resource) {
	taken := map[string]bool{}
	for _, res := range list {
		var parts []string
		for _, seg := range strings.Split(strings.Trim(res.Collection, "/"), "/") {
			if _, isParam := pureParam(seg); !isParam && seg != "" {
				parts = append(parts, seg)
			}
		}
		base := strings.Join(parts, ".")
		name := base
		for n := 2; taken[name] || name == ""; n++ {
			name = base + "~" + strconv.Itoa(n)
		}
		taken[name] = true
		res.Name = name
	}
}

// itemSchema is the first object schema among the operations' success
// responses: the item GET's, then replace's and patch's, then create's, then
// the items of the list's array.
func (h *Handler) itemSchema(ops ...*openapi.Operation) *openapi3.Schema {
	for i, op := range ops {
		if op == nil {
			continue
		}
		s := successSchema(op)
		if s == nil {
			continue
		}
		if i == len(ops)-1 { // the list
			if items, _ := listItems(s); items != nil && isObjectSchema(items) {
				return items
			}
			continue
		}
		if isObjectSchema(s) {
			return s
		}
	}
	return nil
}

// successSchema is the JSON schema of the operation's lowest 2xx response.
func successSchema(op *openapi.Operation) *openapi3.Schema {
	responses := oas.Responses(op.Kin())
	best := 0
	var schema *openapi3.Schema
	for key, ref := range responses.Map() {
		code := statusOrder(key)
		if code < 200 || code > 299 || ref == nil || ref.Value == nil || (best != 0 && code > best) {
			continue
		}
		for ct, mt := range ref.Value.Content {
			if isJSON(strings.ToLower(ct)) && mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
				best, schema = code, mt.Schema.Value
				break
			}
		}
	}
	return schema
}

// isObjectSchema reports whether s describes a JSON object with properties.
func isObjectSchema(s *openapi3.Schema) bool {
	if s == nil {
		return false
	}
	if s.Type != nil && !s.Type.Is(openapi3.TypeObject) && !s.Type.Includes(openapi3.TypeObject) {
		return false
	}
	if len(s.Properties) > 0 {
		return true
	}
	for _, sub := range s.AllOf {
		if sub != nil && isObjectSchema(sub.Value) {
			return true
		}
	}
	return false
}

// properties merges the properties of s and its allOf members.
func properties(s *openapi3.Schema) map[string]*openapi3.Schema {
	out := map[string]*openapi3.Schema{}
	var walk func(s *openapi3.Schema, depth int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 8 {
			return
		}
		for name, p := range s.Properties {
			if p != nil && p.Value != nil {
				if _, ok := out[name]; !ok {
					out[name] = p.Value
				}
			}
		}
		for _, sub := range s.AllOf {
			if sub != nil {
				walk(sub.Value, depth+1)
			}
		}
	}
	walk(s, 0)
	return out
}

// listItems finds the item schema of a list response: the array's items,
// or the items of an envelope's array property (returned as prop).
func listItems(s *openapi3.Schema) (items *openapi3.Schema, prop string) {
	if s == nil {
		return nil, ""
	}
	if s.Items != nil && s.Items.Value != nil && (s.Type == nil || s.Type.Includes(openapi3.TypeArray)) {
		return s.Items.Value, ""
	}
	props := properties(s)
	var arrays []string
	for name, p := range props {
		if p.Items != nil && p.Items.Value != nil && (p.Type == nil || p.Type.Includes(openapi3.TypeArray)) {
			arrays = append(arrays, name)
		}
	}
	if len(arrays) == 0 {
		return nil, ""
	}
	slices.Sort(arrays)
	pick := arrays[0]
	for _, pref := range []string{"data", "items", "results", "records", "content", "values", "list", "entries", "elements", "rows", "hits", "resources", "objects"} {
		if i := slices.IndexFunc(arrays, func(a string) bool { return strings.EqualFold(a, pref) }); i >= 0 {
			pick = arrays[i]
			break
		}
	}
	return props[pick].Items.Value, pick
}

// idField picks the property that holds a resource's id: one marked
// x-mock-id, the item path parameter's name, or "id".
func idField(item *openapi3.Schema, param string) (string, *openapi3.Schema) {
	props := properties(item)
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range props {
			if !yield(k) {
				return
			}
		}
	})
	for _, name := range names {
		if v, ok := props[name].Extensions["x-mock-id"].(bool); ok && v {
			return name, props[name]
		}
	}
	for _, cand := range []string{param, "id", "ID", "Id", "_id", "uuid"} {
		if s, ok := props[cand]; ok && cand != "" {
			return cand, s
		}
	}
	for _, name := range names {
		if strings.EqualFold(name, param) {
			return name, props[name]
		}
	}
	return "", nil
}

func kindOfID(s *openapi3.Schema) idKind {
	switch {
	case s == nil:
		return idString
	case s.Type != nil && (s.Type.Is(openapi3.TypeInteger) || s.Type.Is(openapi3.TypeNumber)):
		return idInteger
	case s.Format == "uuid":
		return idUUID
	}
	return idString
}

// Resources lists the resource collections the handler keeps state for,
// in the order of the description. It is empty with WithoutState.
func (h *Handler) Resources() []Resource {
	out := make([]Resource, 0, len(h.resourceList))
	for _, r := range h.resourceList {
		out = append(out, r.Resource)
	}
	return out
}

// Action returns the stateful action of the operation, or "" when it is
// served stateless.
func (h *Handler) Action(operationID string) Action {
	if op := h.doc.Operation(operationID); op != nil {
		if cp := h.resources[op]; cp != nil {
			return cp.action
		}
	}
	return ""
}

// resourceExamples collects the valid examples of the item GET's response
// and the items of the list's examples: a collection starts with them, so
// a stateful mock still answers what the description shows.
func (h *Handler) resourceExamples(res *resource, get, list *openapi.Operation) []map[string]any {
	var out []map[string]any
	seen := map[string]bool{}
	add := func(v any) {
		obj, ok := v.(map[string]any)
		if !ok || !h.validFor(res.item, obj) {
			return
		}
		if res.IDField != "" {
			id, _, ok := canonicalID(res.idKind, obj[res.IDField])
			if !ok || seen[id] || strings.ContainsAny(id, "/?#") {
				return
			}
			seen[id] = true
		}
		out = append(out, obj)
	}
	values := func(op *openapi.Operation) []any {
		if op == nil {
			return nil
		}
		p := h.plan(op)
		if p == nil || p.primary == nil {
			return nil
		}
		var vs []any
		for _, mp := range p.primary.media {
			if mp.kind != renderJSON {
				continue
			}
			if mp.fallback != nil && mp.fallback.valid {
				vs = append(vs, mp.fallback.value)
			}
			for _, ep := range mp.examples {
				if ep.valid && ep != mp.fallback {
					vs = append(vs, ep.value)
				}
			}
			break
		}
		return vs
	}
	for _, v := range values(get) {
		add(v)
	}
	for _, v := range values(list) {
		if m, ok := v.(map[string]any); ok {
			_, prop := listItems(h.plan(list).primary.media[0].schema)
			v = m[prop]
		}
		if arr, ok := v.([]any); ok {
			for _, item := range arr {
				add(item)
			}
		}
	}
	return out
}
