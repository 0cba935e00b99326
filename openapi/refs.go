package openapi

import (
	"net/url"
	"strconv"
	"strings"
)

// kind is what an object at some place of an OpenAPI 3.x document is: the
// grammar the $ref repair walks with.
type kind uint8

const (
	kNone kind = iota
	kDoc
	kComponents
	kPaths // map of path items (paths, webhooks, components.pathItems)
	kPathItem
	kOperation
	kParameterList
	kParameterMap
	kParameter
	kHeaderMap
	kHeader
	kResponseMap
	kResponse
	kRequestBodyMap
	kRequestBody
	kContent
	kMediaType
	kEncodingMap
	kEncoding
	kExampleMap
	kExample
	kLinkMap
	kLink
	kCallbackMap
	kCallback
	kSecuritySchemeMap
	kSecurityScheme
	kSchemaMap
	kSchemaList
	kItems // "items": one schema, or a draft-04 list of them
	kSchema
)

var kindNames = map[kind]string{
	kPathItem: "path item", kOperation: "operation", kParameter: "parameter", kHeader: "header",
	kResponse: "response", kRequestBody: "request body", kMediaType: "media type", kEncoding: "encoding",
	kExample: "example", kLink: "link", kCallback: "callback", kSecurityScheme: "security scheme",
	kSchema: "schema", kComponents: "components", kDoc: "document",
}

func (k kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return "map"
}

// section is the components section objects of kind k live in; "" when k
// cannot be the target of a $ref the repair handles.
func (k kind) section() string {
	switch k {
	case kSchema:
		return "schemas"
	case kParameter:
		return "parameters"
	case kHeader:
		return "headers"
	case kResponse:
		return "responses"
	case kRequestBody:
		return "requestBodies"
	case kExample:
		return "examples"
	case kLink:
		return "links"
	case kCallback:
		return "callbacks"
	case kSecurityScheme:
		return "securitySchemes"
	}
	return ""
}

var sectionKinds = map[string]kind{
	"schemas": kSchemaMap, "parameters": kParameterMap, "headers": kHeaderMap, "responses": kResponseMap,
	"requestBodies": kRequestBodyMap, "examples": kExampleMap, "links": kLinkMap, "callbacks": kCallbackMap,
	"securitySchemes": kSecuritySchemeMap, "pathItems": kPaths,
}

var (
	schemaMapKeys    = map[string]bool{}
	schemaSingleKeys = map[string]bool{}
	schemaListKeys   = map[string]bool{}
	methodKeys       = map[string]bool{}
)

func init() {
	for _, k := range schemaMaps {
		schemaMapKeys[k] = true
	}
	for _, k := range schemaSingles {
		schemaSingleKeys[k] = true
	}
	for _, k := range schemaLists {
		schemaListKeys[k] = true
	}
	for _, m := range httpMethods {
		methodKeys[m] = true
	}
}

// child is the kind of the value under key in an object of kind k; kNone for
// values that hold no objects the repair cares about (examples' values,
// extensions, ...).
func child(k kind, key string) kind {
	switch k {
	case kDoc:
		switch key {
		case "paths", "webhooks":
			return kPaths
		case "components":
			return kComponents
		}
	case kComponents:
		return sectionKinds[key]
	case kPaths:
		return kPathItem
	case kPathItem:
		if key == "parameters" {
			return kParameterList
		}
		if methodKeys[key] {
			return kOperation
		}
	case kOperation:
		switch key {
		case "parameters":
			return kParameterList
		case "requestBody":
			return kRequestBody
		case "responses":
			return kResponseMap
		case "callbacks":
			return kCallbackMap
		}
	case kParameterList, kParameterMap:
		return kParameter
	case kParameter, kHeader:
		switch key {
		case "schema":
			return kSchema
		case "content":
			return kContent
		case "examples":
			return kExampleMap
		}
	case kHeaderMap:
		return kHeader
	case kResponseMap:
		return kResponse
	case kResponse:
		switch key {
		case "headers":
			return kHeaderMap
		case "content":
			return kContent
		case "links":
			return kLinkMap
		}
	case kRequestBodyMap:
		return kRequestBody
	case kRequestBody:
		if key == "content" {
			return kContent
		}
	case kContent:
		return kMediaType
	case kMediaType:
		switch key {
		case "schema":
			return kSchema
		case "examples":
			return kExampleMap
		case "encoding":
			return kEncodingMap
		}
	case kEncodingMap:
		return kEncoding
	case kEncoding:
		if key == "headers" {
			return kHeaderMap
		}
	case kExampleMap:
		return kExample
	case kLinkMap:
		return kLink
	case kCallbackMap:
		return kCallback
	case kCallback:
		return kPathItem
	case kSecuritySchemeMap:
		return kSecurityScheme
	case kSchemaMap, kSchemaList:
		return kSchema
	case kItems:
		return kSchema // items/0 of the list form
	case kSchema:
		switch {
		case key == "items":
			return kItems
		case schemaMapKeys[key]:
			return kSchemaMap
		case schemaSingleKeys[key]:
			return kSchema
		case schemaListKeys[key]:
			return kSchemaList
		}
	}
	return kNone
}

// refFixer makes every local $ref one kin-openapi resolves cheaply and
// correctly: "#/components/<section>/<name>" with the section its place
// demands. kin-openapi resolves other pointers by walking its own typed
// structures, which fails when a fix-up removed or renamed a key on the way
// ("definitions"), or when the target is the wrong kind of object; it then
// rereads the original file from disk. So:
//
//   - a $ref to an object of the right kind elsewhere (deep in a schema, under
//     paths, under "definitions") is hoisted: the target is copied into its
//     components section under a derived name and the $ref points there;
//   - a $ref to the wrong kind of object points at the component of the same
//     name in the right section when there is one; a schema $ref to a
//     parameter, header or media type uses its schema; otherwise a schema
//     becomes an empty schema and any other object is dropped.
type refFixer struct {
	f       *fixer
	root    map[string]any
	is31    bool
	hoisted map[string]string // original $ref -> the canonical $ref now used
}

func (f *fixer) fixRefs(root map[string]any) {
	r := &refFixer{f: f, root: root, is31: f.is31, hoisted: map[string]string{}}
	r.walk(root, kDoc, "", 0)
}

// walk visits v, an object of kind k at ptr, and reports whether v must be
// dropped from its container.
func (r *refFixer) walk(v any, k kind, ptr string, depth int) (drop bool) {
	t, ok := v.(map[string]any)
	if !ok || depth > maxDepth || k == kNone {
		return false
	}
	if ref, ok := t["$ref"].(string); ok && k.section() != "" {
		if r.ref(t, ref, k, ptr) {
			return true
		}
		if k != kSchema || !r.is31 {
			return false // siblings of a $ref are ignored
		}
	}
	visit := func(key string) {
		sub := t[key]
		ck := child(k, key)
		if ck == kItems {
			if _, isMap := sub.(map[string]any); isMap {
				ck = kSchema
			}
		}
		if ck == kNone {
			return
		}
		if list, isList := sub.([]any); isList {
			if ck == kParameterList || ck == kSchemaList || ck == kItems {
				t[key] = r.walkList(list, child(ck, ""), ptr+"/"+escapeToken(key), depth+1)
			}
			return
		}
		if r.walk(sub, ck, ptr+"/"+escapeToken(key), depth+1) {
			delete(t, key)
		}
	}
	if k == kSchema || k == kSchemaMap {
		// Schemas are the bulk of a document: no sorting, the order of the
		// names does not matter here.
		for key := range t {
			visit(key)
		}
		return false
	}
	for _, key := range sortedKeys(t) {
		if !strings.HasPrefix(key, "x-") {
			visit(key)
		}
	}
	return false
}

// walkList visits the objects of kind k in list and returns the list without
// those that must be dropped.
func (r *refFixer) walkList(list []any, k kind, ptr string, depth int) []any {
	out := list[:0]
	for i, e := range list {
		if !r.walk(e, k, ptr+"/"+strconv.Itoa(i), depth) {
			out = append(out, e)
		}
	}
	clear(list[len(out):])
	return out
}

// ref repairs the $ref in m, found where an object of kind k belongs. It
// reports whether m must be dropped.
func (r *refFixer) ref(m map[string]any, ref string, k kind, ptr string) (drop bool) {
	if !strings.HasPrefix(ref, "#") {
		return false // another document: kin-openapi loads it as it is
	}
	sec := k.section()
	if canon, ok := r.hoisted[ref]; ok {
		m["$ref"] = canon
		return false
	}
	toks, target, tk, ok := r.resolve(ref)
	if !ok {
		return false // checkRefs reports it
	}
	if len(toks) == 3 && toks[0] == "components" && toks[1] == sec {
		return false // already what kin-openapi resolves directly
	}
	if tk != kNone && tk != k {
		// The wrong kind of object.
		if len(toks) == 3 && toks[0] == "components" {
			if comps, _ := r.root["components"].(map[string]any); comps != nil {
				if s, _ := comps[sec].(map[string]any); s != nil {
					if _, has := s[toks[2]]; has {
						m["$ref"] = "#/components/" + sec + "/" + escapeToken(toks[2])
						r.f.note(k.String()+" $ref to a "+tk.String()+" redirected to the "+k.String()+" of the same name", ptr)
						return false
					}
				}
			}
		}
		if sub, has := mapOf(target)["schema"]; k == kSchema && has && (tk == kParameter || tk == kHeader || tk == kMediaType) {
			if _, isMap := sub.(map[string]any); isMap {
				r.f.note("schema $ref to a "+tk.String()+" read as a $ref to its schema", ptr)
				return r.ref(m, ref+"/schema", k, ptr)
			}
		}
		if k == kSchema {
			for key := range m {
				if key != "description" && !strings.HasPrefix(key, "x-") {
					delete(m, key)
				}
			}
			r.f.note("schema $ref to a "+tk.String()+" read as an empty schema", ptr)
			return false
		}
		r.f.note(k.String()+" $ref to a "+tk.String()+" dropped", ptr)
		return true
	}
	// The right kind (or an unknown place, such as an extension), somewhere
	// kin-openapi would have to dig for it: hoist it into components.
	comps, _ := r.root["components"].(map[string]any)
	if comps == nil {
		comps = map[string]any{}
		r.root["components"] = comps
	}
	s, _ := comps[sec].(map[string]any)
	if s == nil {
		s = map[string]any{}
		comps[sec] = s
	}
	name := hoistName(toks, s)
	s[name] = target
	canon := "#/components/" + sec + "/" + escapeToken(name)
	r.hoisted[ref] = canon
	m["$ref"] = canon
	r.f.note("$ref to a nested "+k.String()+" copied into components."+sec, ptr)
	// The copy is a component now: repair the $refs inside it too.
	if r.walk(target, k, "/components/"+sec+"/"+escapeToken(name), 0) {
		delete(s, name)
		delete(r.hoisted, ref)
		return true
	}
	return false
}

// resolve finds a local $ref's target in the raw document, with the pointer's
// tokens and the kind of object at that place.
func (r *refFixer) resolve(ref string) ([]string, any, kind, bool) {
	toks := splitPointer(ref)
	v, ok := lookupTokens(r.root, toks)
	if !ok {
		dec, err := url.PathUnescape(ref)
		if err != nil || dec == ref {
			return nil, nil, kNone, false
		}
		toks = splitPointer(dec)
		if v, ok = lookupTokens(r.root, toks); !ok {
			return nil, nil, kNone, false
		}
	}
	k := kDoc
	var cur any = r.root
	for _, tok := range toks {
		k = child(k, tok)
		if k == kItems {
			if m, isMap := mapOf(cur)["items"].(map[string]any); isMap {
				k, cur = kSchema, m
				continue
			}
		}
		if k == kNone {
			break
		}
		switch c := cur.(type) {
		case map[string]any:
			cur = c[tok]
		case []any:
			i, _ := strconv.Atoi(tok)
			cur = c[i]
		}
	}
	return toks, v, k, true
}

func mapOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func lookupTokens(root any, toks []string) (any, bool) {
	cur := root
	for _, tok := range toks {
		switch t := cur.(type) {
		case map[string]any:
			v, ok := t[tok]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(t) {
				return nil, false
			}
			cur = t[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// hoistName derives a component name from a pointer's tokens
// ("components/schemas/Item/definitions/itemType" becomes
// "Item.definitions.itemType"), unique in section.
func hoistName(toks []string, section map[string]any) string {
	if len(toks) > 2 && toks[0] == "components" {
		toks = toks[2:]
	}
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte('.')
		}
		for _, c := range t {
			if c < 128 && (c == '.' || c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				b.WriteRune(c)
			} else {
				b.WriteByte('_')
			}
		}
	}
	name := strings.Trim(b.String(), "._")
	if name == "" {
		name = "ref"
	}
	if len(name) > 120 {
		name = name[len(name)-120:]
	}
	base := name
	for i := 2; ; i++ {
		if _, taken := section[name]; !taken {
			return name
		}
		name = base + "_" + strconv.Itoa(i)
	}
}
