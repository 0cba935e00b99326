package openapi

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/mockapi-go/mockapi/internal/oas"
)

// schemaKeywords are the keys a schema object may carry that kin-openapi
// understands. Anything else that is not an extension ("x-...") is dropped
// before kin sees the document: JSON Schema allows unknown keywords as
// annotations, kin rejects them.
var schemaKeywords = map[string]bool{
	"$ref": true, "$id": true, "$schema": true, "$comment": true, "$defs": true, "$anchor": true,
	"$dynamicRef": true, "$dynamicAnchor": true,
	"type": true, "title": true, "format": true, "description": true, "enum": true, "default": true,
	"example": true, "examples": true, "externalDocs": true, "const": true,
	"oneOf": true, "anyOf": true, "allOf": true, "not": true,
	"if": true, "then": true, "else": true,
	"uniqueItems": true, "exclusiveMinimum": true, "exclusiveMaximum": true,
	"nullable": true, "readOnly": true, "writeOnly": true, "allowEmptyValue": true, "deprecated": true,
	"xml": true, "minimum": true, "maximum": true, "multipleOf": true,
	"minLength": true, "maxLength": true, "pattern": true,
	"minItems": true, "maxItems": true, "items": true, "prefixItems": true,
	"contains": true, "minContains": true, "maxContains": true,
	"required": true, "properties": true, "minProperties": true, "maxProperties": true,
	"additionalProperties": true, "patternProperties": true, "dependentSchemas": true,
	"dependentRequired": true, "propertyNames": true, "unevaluatedItems": true,
	"unevaluatedProperties": true, "discriminator": true,
	"contentMediaType": true, "contentEncoding": true, "contentSchema": true,
}

// schemaMaps name keywords whose value is a map of name -> schema.
var schemaMaps = []string{"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}

// schemaSingles name keywords whose value is one schema.
var schemaSingles = []string{"not", "additionalProperties", "additionalItems", "contains", "propertyNames",
	"if", "then", "else", "unevaluatedItems", "unevaluatedProperties", "contentSchema"}

// schemaLists name keywords whose value is a list of schemas.
var schemaLists = []string{"allOf", "anyOf", "oneOf", "prefixItems"}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace", "query"}

// fixer repairs a raw OpenAPI 3.x document in place so kin-openapi reads it
// the way its author meant. Each repair kind is counted and reported once as a
// warning, not once per occurrence: a large spec can repeat one quirk
// thousands of times.
type fixer struct {
	is31    bool
	counts  map[string]int
	first   map[string]string // repair kind -> first location
	visited map[*map[string]any]bool
	root    map[string]any // the document being fixed, to resolve local $refs
}

func newFixer(is31 bool) *fixer {
	return &fixer{is31: is31, counts: map[string]int{}, first: map[string]string{}}
}

func (f *fixer) note(kind, ptr string) {
	if f.counts[kind] == 0 {
		f.first[kind] = ptr
	}
	f.counts[kind]++
}

// warnings reports the repairs made, sorted for stable output.
func (f *fixer) warnings() []Warning {
	kinds := make([]string, 0, len(f.counts))
	for k := range f.counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	out := make([]Warning, 0, len(kinds))
	for _, k := range kinds {
		msg := k
		if n := f.counts[k]; n > 1 {
			msg = fmt.Sprintf("%s (%d places, first shown)", k, n)
		}
		out = append(out, Warning{Pointer: f.first[k], Message: msg})
	}
	return out
}

// fixDocument applies every repair to an OpenAPI 3.x raw document.
func (f *fixer) fixDocument(root map[string]any) {
	f.root = root
	inlinePathItemRefs(root, f)
	if paths, ok := root["paths"].(map[string]any); ok {
		for _, p := range sortedKeys(paths) {
			f.pathItem(paths[p], "/paths/"+escapeToken(p))
		}
	}
	if hooks, ok := root["webhooks"].(map[string]any); ok {
		for _, p := range sortedKeys(hooks) {
			f.pathItem(hooks[p], "/webhooks/"+escapeToken(p))
		}
	}
	comps, _ := root["components"].(map[string]any)
	if comps == nil {
		return
	}
	each := func(key string, fn func(v any, ptr string)) {
		if m, ok := comps[key].(map[string]any); ok {
			for _, name := range sortedKeys(m) {
				fn(m[name], "/components/"+key+"/"+escapeToken(name))
			}
		}
	}
	each("schemas", f.schema)
	each("parameters", f.parameter)
	each("headers", f.parameter)
	each("requestBodies", f.withContent)
	each("responses", f.response)
	each("callbacks", f.callback)
}

// inlinePathItemRefs replaces path items written as
// {"$ref": "#/components/pathItems/X"} by the item itself; kin-openapi does
// not know components.pathItems.
func inlinePathItemRefs(root map[string]any, f *fixer) {
	comps, _ := root["components"].(map[string]any)
	items, _ := comps["pathItems"].(map[string]any)
	for _, section := range []string{"paths", "webhooks"} {
		paths, _ := root[section].(map[string]any)
		for _, p := range sortedKeys(paths) {
			item, _ := paths[p].(map[string]any)
			for hop := 0; hop < 8 && item != nil; hop++ {
				ref, _ := item["$ref"].(string)
				if !strings.HasPrefix(ref, "#/components/pathItems/") {
					break
				}
				target, ok := lookup(root, ref)
				if !ok {
					break // reported by checkRefs
				}
				t, ok := target.(map[string]any)
				if !ok {
					break
				}
				merged := make(map[string]any, len(t)+len(item))
				for k, v := range t {
					merged[k] = v
				}
				for k, v := range item {
					if k != "$ref" {
						merged[k] = v
					}
				}
				paths[p] = merged
				item = merged
				f.note("path item $ref to components.pathItems inlined", "/"+section+"/"+escapeToken(p))
			}
		}
	}
	if items != nil {
		// Schemas inside are fixed where they were inlined; kin has no field for them.
		delete(comps, "pathItems")
	}
}

func (f *fixer) pathItem(v any, ptr string) {
	item, ok := v.(map[string]any)
	if !ok {
		return
	}
	f.parameterList(item["parameters"], ptr+"/parameters")
	for _, m := range httpMethods {
		op, ok := item[m].(map[string]any)
		if !ok {
			continue
		}
		optr := ptr + "/" + m
		f.parameterList(op["parameters"], optr+"/parameters")
		f.withContent(op["requestBody"], optr+"/requestBody")
		if rs, ok := op["responses"].(map[string]any); ok {
			for _, code := range sortedKeys(rs) {
				f.response(rs[code], optr+"/responses/"+escapeToken(code))
			}
		}
		if cbs, ok := op["callbacks"].(map[string]any); ok {
			for _, name := range sortedKeys(cbs) {
				f.callback(cbs[name], optr+"/callbacks/"+escapeToken(name))
			}
		}
	}
}

func (f *fixer) callback(v any, ptr string) {
	cb, ok := v.(map[string]any)
	if !ok {
		return
	}
	for _, expr := range sortedKeys(cb) {
		f.pathItem(cb[expr], ptr+"/"+escapeToken(expr))
	}
}

func (f *fixer) parameterList(v any, ptr string) {
	list, ok := v.([]any)
	if !ok {
		return
	}
	for i, p := range list {
		f.parameter(p, fmt.Sprintf("%s/%d", ptr, i))
	}
}

// parameter handles parameters and headers: a schema, or content.
func (f *fixer) parameter(v any, ptr string) {
	p, ok := v.(map[string]any)
	if !ok {
		return
	}
	if s, ok := p["schema"]; ok {
		f.schema(s, ptr+"/schema")
	}
	f.content(p["content"], ptr+"/content")
}

func (f *fixer) response(v any, ptr string) {
	r, ok := v.(map[string]any)
	if !ok {
		return
	}
	f.content(r["content"], ptr+"/content")
	if hs, ok := r["headers"].(map[string]any); ok {
		for _, name := range sortedKeys(hs) {
			f.parameter(hs[name], ptr+"/headers/"+escapeToken(name))
		}
	}
}

func (f *fixer) withContent(v any, ptr string) {
	if m, ok := v.(map[string]any); ok {
		f.content(m["content"], ptr+"/content")
	}
}

func (f *fixer) content(v any, ptr string) {
	c, ok := v.(map[string]any)
	if !ok {
		return
	}
	for _, mt := range sortedKeys(c) {
		media, ok := c[mt].(map[string]any)
		if !ok {
			continue
		}
		mptr := ptr + "/" + escapeToken(mt)
		if strings.Contains(strings.ToLower(mt), "xml") {
			f.xmlExamples(media, mptr)
		}
		f.octetStream(mt, media, mptr)
		if s, ok := media["schema"]; ok {
			f.schema(s, mptr+"/schema")
		}
		if enc, ok := media["encoding"].(map[string]any); ok {
			for _, name := range sortedKeys(enc) {
				if e, ok := enc[name].(map[string]any); ok {
					if hs, ok := e["headers"].(map[string]any); ok {
						for _, h := range sortedKeys(hs) {
							f.parameter(hs[h], mptr+"/encoding/"+escapeToken(name)+"/headers/"+escapeToken(h))
						}
					}
				}
			}
		}
	}
}

// octetStream reads an application/octet-stream body described by an
// object or array schema (eBay's StreamingOutput, "File stream": type
// object) as what the media type is, a binary string. Such a body is bytes,
// which no object schema describes: validators read it as a string, so the
// schema as written refused every upload and every answer (#15). The
// schema, which may be shared with JSON bodies, is left as it is; only
// this media type stops using it.
func (f *fixer) octetStream(mt string, media map[string]any, ptr string) {
	base, _, _ := strings.Cut(mt, ";")
	if !strings.EqualFold(strings.TrimSpace(base), "application/octet-stream") {
		return
	}
	s, _ := media["schema"].(map[string]any)
	for range 16 {
		ref, isRef := s["$ref"].(string)
		if !isRef || !strings.HasPrefix(ref, "#/") || f.root == nil {
			break
		}
		target, _ := resolveLocal(f.root, ref)
		s, _ = target.(map[string]any)
	}
	if s == nil {
		return
	}
	switch t := s["type"].(type) {
	case string:
		if t != "object" && t != "array" {
			return
		}
	case []any:
		for _, e := range t {
			if e == "string" {
				return
			}
		}
		if !containsValue(t, "object") && !containsValue(t, "array") {
			return
		}
	default:
		return
	}
	media["schema"] = map[string]any{"type": "string", "format": "binary"}
	f.note("application/octet-stream body described by an object or array schema read as a binary string", ptr+"/schema")
}

// xmlExamples repairs the XML examples of one media type written as
// strings whose only fault is a bare "&" ("Addison Rd. & Morgan Blvd." in
// WMATA's incidents): the mock serves such an example as it is written, and
// no XML parser reads it. An example that escaping its bare ampersands does
// not make well-formed is left as written (#15).
func (f *fixer) xmlExamples(media map[string]any, ptr string) {
	fix := func(v any, at string) (any, bool) {
		s, ok := v.(string)
		if !ok || !strings.HasPrefix(strings.TrimSpace(s), "<") || !strings.Contains(s, "&") || wellFormedXML(s) {
			return v, false
		}
		if fixed := escapeBareAmpersands(s); wellFormedXML(fixed) {
			f.note("bare & in an XML example escaped", at)
			return fixed, true
		}
		return v, false
	}
	if v, ok := fix(media["example"], ptr+"/example"); ok {
		media["example"] = v
	}
	if exs, ok := media["examples"].(map[string]any); ok {
		for _, name := range sortedKeys(exs) {
			if ex, ok := exs[name].(map[string]any); ok {
				if v, ok := fix(ex["value"], ptr+"/examples/"+escapeToken(name)+"/value"); ok {
					ex["value"] = v
				}
			}
		}
	}
}

// wellFormedXML reports whether s parses as XML to its end.
func wellFormedXML(s string) bool {
	dec := xml.NewDecoder(strings.NewReader(s))
	for {
		if _, err := dec.Token(); err != nil {
			return errors.Is(err, io.EOF)
		}
	}
}

// escapeBareAmpersands writes each "&" that starts no entity or character
// reference ("&amp;", "&#38;", "&#x26;") as "&amp;".
func escapeBareAmpersands(s string) string {
	var b bytes.Buffer
	for i := 0; i < len(s); i++ {
		if s[i] == '&' && !startsReference(s[i+1:]) {
			b.WriteString("&amp;")
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// startsReference reports whether s, the text after an "&", holds a name
// or a character number and then ";".
func startsReference(s string) bool {
	end := strings.IndexByte(s, ';')
	if end <= 0 {
		return false
	}
	ref := s[:end]
	if strings.HasPrefix(ref, "#x") || strings.HasPrefix(ref, "#X") {
		_, err := strconv.ParseUint(ref[2:], 16, 32)
		return err == nil
	}
	if ref[0] == '#' {
		_, err := strconv.ParseUint(ref[1:], 10, 32)
		return err == nil
	}
	for i, r := range ref {
		if !(r == '_' || r == ':' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 || i > 0 && (r == '-' || r == '.' || r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}

// schema repairs one schema object and everything below it.
func (f *fixer) schema(v any, ptr string) {
	f.schemaDepth(v, ptr, 0)
}

func (f *fixer) schemaDepth(v any, ptr string, depth int) {
	s, ok := v.(map[string]any)
	if !ok || depth > maxDepth {
		return
	}
	if _, isRef := s["$ref"]; isRef && !f.is31 {
		return // 3.0: siblings of $ref are ignored anyway
	}
	f.fixKeywords(s, ptr)
	for _, k := range schemaMaps {
		if m, ok := s[k].(map[string]any); ok {
			for _, name := range sortedKeys(m) {
				f.schemaDepth(m[name], ptr+"/"+k+"/"+escapeToken(name), depth+1)
			}
		}
	}
	for _, k := range schemaSingles {
		if sub, ok := s[k]; ok {
			f.schemaDepth(sub, ptr+"/"+k, depth+1)
		}
	}
	for _, k := range schemaLists {
		if list, ok := s[k].([]any); ok {
			for i, sub := range list {
				f.schemaDepth(sub, fmt.Sprintf("%s/%s/%d", ptr, k, i), depth+1)
			}
		}
	}
	switch items := s["items"].(type) {
	case map[string]any:
		f.schemaDepth(items, ptr+"/items", depth+1)
	case []any:
		// Draft-04 tuple form; OpenAPI 3.1 spells it prefixItems.
		for i, sub := range items {
			f.schemaDepth(sub, fmt.Sprintf("%s/items/%d", ptr, i), depth+1)
		}
		if f.is31 {
			if _, has := s["prefixItems"]; !has {
				s["prefixItems"] = items
			}
		}
		delete(s, "items")
		f.note("schema items given as a list rewritten", ptr)
	}
}

// fixKeywords repairs the keywords of one schema object.
func (f *fixer) fixKeywords(s map[string]any, ptr string) {
	for k := range s {
		if !schemaKeywords[k] && !strings.HasPrefix(k, "x-") {
			delete(s, k)
			f.note(fmt.Sprintf("unknown schema keyword %q ignored", k), ptr)
		}
	}
	f.coerceKeywords(s, ptr)
	f.fileType(s, ptr)
	f.arrayEnum(s, ptr)
	if ex, ok := s["examples"]; ok {
		switch t := ex.(type) {
		case []any:
			if !f.is31 {
				// 3.0 has only "example"; keep the first as that.
				if _, has := s["example"]; !has && len(t) > 0 {
					s["example"] = t[0]
				}
				delete(s, "examples")
			}
		case map[string]any:
			// Written like media-type examples: {name: {value: ...}} or {name: value}.
			list := make([]any, 0, len(t))
			for _, name := range sortedKeys(t) {
				e := t[name]
				if m, ok := e.(map[string]any); ok {
					if val, has := m["value"]; has {
						e = val
					}
				}
				list = append(list, e)
			}
			if f.is31 {
				s["examples"] = list
			} else {
				delete(s, "examples")
				if _, has := s["example"]; !has && len(list) > 0 {
					s["example"] = list[0]
				}
			}
			f.note("schema examples written as an object converted to a list", ptr)
		default:
			delete(s, "examples")
			f.note("schema examples that are not a list ignored", ptr)
		}
	}
	if f.is31 {
		f.fix31(s, ptr)
	} else {
		f.fix30(s, ptr)
	}
}

// arrayEnum moves to the items an enum written on an array schema whose
// values are no arrays (DRACOON's grantTypes: type array, enum of grant
// names, items strings): an array never equals a string, so the schema as
// written admits no value at all, and the enum's author meant the items
// (#15). Where the items have an enum of their own (DRACOON repeats it
// there), theirs stands and the array's is dropped.
func (f *fixer) arrayEnum(s map[string]any, ptr string) {
	if s["type"] != "array" {
		return
	}
	enum, ok := s["enum"].([]any)
	items, hasItems := s["items"].(map[string]any)
	if !ok || len(enum) == 0 || !hasItems {
		return
	}
	if _, ref := items["$ref"]; ref {
		return
	}
	for _, v := range enum {
		if _, isArr := v.([]any); isArr {
			return // an enum of arrays is one an array can meet
		}
	}
	if _, has := items["enum"]; !has {
		items["enum"] = enum
	}
	delete(s, "enum")
	f.note("enum of an array schema whose values are no arrays read as its items' enum", ptr)
}

// fileType reads Swagger 2.0's file type, which converters write as "type:
// object, format: file" (APIs.guru's Azure descriptions: a CSV download
// served as application/octet-stream) or leave as "type: file", as what
// OpenAPI 3 calls a file: a binary string. An object can never be the body
// of a binary or text media type, so the schema as written admits no
// answer at all (#15).
func (f *fixer) fileType(s map[string]any, ptr string) {
	t, _ := s["type"].(string)
	if t != "file" && (t != "object" || s["format"] != "file") {
		return
	}
	for _, k := range []string{"properties", "additionalProperties", "patternProperties", "allOf", "anyOf", "oneOf", "required"} {
		if _, has := s[k]; has {
			return // an object after all
		}
	}
	s["type"], s["format"] = "string", "binary"
	f.note("Swagger 2.0 file type (type: object, format: file) read as a binary string", ptr)
}

func (f *fixer) fix31(s map[string]any, ptr string) {
	if n, ok := s["nullable"]; ok {
		delete(s, "nullable")
		if n == true {
			added := false
			switch t := s["type"].(type) {
			case string:
				if t != "null" {
					s["type"], added = []any{t, "null"}, true
				}
			case []any:
				if !containsValue(t, "null") {
					s["type"], added = append(t, "null"), true
				}
			}
			if enum, ok := s["enum"].([]any); ok && !containsValue(enum, nil) {
				s["enum"], added = append(enum, nil), true
			}
			if added {
				// Liberal in what is accepted: a request may send null.
				// Conservative in what is sent: a 3.1 validator ignores
				// nullable, so the mock never answers null for it.
				s[oas.NullableMark] = true
			}
			f.note("nullable: true in an OpenAPI 3.1 document read as a \"null\" type for requests; answers never send null for it", ptr)
		}
	}
	for _, pair := range [][2]string{{"exclusiveMinimum", "minimum"}, {"exclusiveMaximum", "maximum"}} {
		b, isBool := s[pair[0]].(bool)
		if !isBool {
			continue
		}
		delete(s, pair[0])
		if b {
			if bound, ok := s[pair[1]]; ok {
				s[pair[0]] = bound
				delete(s, pair[1])
			}
		}
		f.note("draft-04 boolean "+pair[0]+" rewritten as a number", ptr)
	}
}

func (f *fixer) fix30(s map[string]any, ptr string) {
	for _, pair := range [][2]string{{"exclusiveMinimum", "minimum"}, {"exclusiveMaximum", "maximum"}} {
		n, isNum := s[pair[0]].(json.Number)
		if !isNum {
			continue
		}
		s[pair[1]] = n
		s[pair[0]] = true
		f.note("numeric "+pair[0]+" in an OpenAPI 3.0 document rewritten as minimum/maximum", ptr)
	}
	if c, ok := s["const"]; ok {
		delete(s, "const")
		if _, has := s["enum"]; !has {
			s["enum"] = []any{c}
		}
		f.note("const in an OpenAPI 3.0 document read as a one-value enum", ptr)
	}
	if t, ok := s["type"].([]any); ok {
		// A 3.1-style type list in a 3.0 document: keep one type, null as nullable.
		var kept []any
		for _, e := range t {
			if e == "null" {
				s["nullable"] = true
			} else {
				kept = append(kept, e)
			}
		}
		switch len(kept) {
		case 0:
			delete(s, "type")
		case 1:
			s["type"] = kept[0]
		default:
			delete(s, "type") // any of several types: leave it open
		}
		f.note("type list in an OpenAPI 3.0 document simplified", ptr)
	}
}

func containsValue(list []any, v any) bool {
	for _, e := range list {
		if e == v {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

// stringsOnly keeps the strings of a list; it reports (nil, true) when the
// list is already all strings.
func stringsOnly(t []any) (any, bool) {
	kept := t[:0:0]
	for _, e := range t {
		if _, ok := e.(string); ok {
			kept = append(kept, e)
		}
	}
	if len(kept) == len(t) {
		return nil, true
	}
	return kept, true
}

// valueKeys hold literal data, never references: "$ref" inside them is data.
var valueKeys = map[string]bool{"example": true, "default": true, "enum": true, "const": true, "value": true}

// nameMaps are keys whose map keys are names chosen by the author, so a name
// such as "example" there is not a keyword.
var nameMaps = map[string]bool{"properties": true, "patternProperties": true, "$defs": true,
	"definitions": true, "schemas": true, "dependentSchemas": true, "parameters": true,
	"responses": true, "headers": true, "examples": true, "requestBodies": true,
	"securitySchemes": true, "links": true, "callbacks": true, "pathItems": true, "paths": true}

// checkRefs verifies that every local $ref points at something, and returns a
// located error for the first one that does not.
func checkRefs(d *rawDoc, file string) error {
	if !refsBroken(d) {
		return nil
	}
	var bad *LoadError
	var walk func(v any, ptr string, parentKey string, depth int)
	walk = func(v any, ptr string, parentKey string, depth int) {
		if bad != nil || depth > maxDepth {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			if ref, ok := t["$ref"].(string); ok && strings.HasPrefix(ref, "#") {
				if _, found := resolveLocal(d.root, ref); !found {
					at := ptr + "/$ref"
					bad = &LoadError{File: file, Pointer: at, Line: d.line(at),
						Err: fmt.Errorf("$ref %q not found", ref)}
					return
				}
			}
			names := nameMaps[parentKey]
			for _, k := range sortedKeys(t) {
				if !names && (valueKeys[k] || strings.HasPrefix(k, "x-")) {
					continue
				}
				walk(t[k], ptr+"/"+escapeToken(k), k, depth+1)
			}
		case []any:
			for i, e := range t {
				walk(e, fmt.Sprintf("%s/%d", ptr, i), "", depth+1)
			}
		}
	}
	walk(d.root, "", "", 0)
	if bad != nil {
		return bad
	}
	return nil
}

// refsBroken walks the document as checkRefs does, in no particular order
// and without building pointers, and reports whether a local $ref leads
// nowhere; only then does checkRefs pay for the walk in key order that
// locates the first one. It also collects the schemas' patterns, and notes
// whether any $ref leaves the document.
func refsBroken(d *rawDoc) bool {
	broken := false
	resolved := map[string]bool{}
	var walk func(v any, parentKey string, depth int)
	walk = func(v any, parentKey string, depth int) {
		if depth > maxDepth {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			if p, ok := t["pattern"].(string); ok {
				if d.patterns == nil {
					d.patterns = map[string]bool{}
				}
				d.patterns[p] = true
			}
			if ref, ok := t["$ref"].(string); ok && !strings.HasPrefix(ref, "#") {
				d.external = true
			} else if ok && !broken && !resolved[ref] {
				if _, found := resolveLocal(d.root, ref); found {
					resolved[ref] = true
				} else {
					broken = true
				}
			}
			names := nameMaps[parentKey]
			for k, e := range t {
				if !names && (valueKeys[k] || strings.HasPrefix(k, "x-")) {
					continue
				}
				walk(e, k, depth+1)
			}
		case []any:
			for _, e := range t {
				walk(e, "", depth+1)
			}
		}
	}
	walk(d.root, "", 0)
	return broken
}

// resolveLocal resolves "#/a/b" in the raw document, also when the fragment
// is percent-encoded as URI fragments may be.
func resolveLocal(root any, ref string) (any, bool) {
	if v, ok := lookup(root, ref); ok {
		return v, true
	}
	if dec, err := url.PathUnescape(ref); err == nil && dec != ref {
		return lookup(root, dec)
	}
	return nil, false
}

// keywordType is the JSON type kin-openapi reads a schema keyword as.
type keywordType uint8

const (
	ktString keywordType = iota + 1
	ktCount              // a non-negative integer
	ktNumber
	ktBool
	ktBound // exclusiveMinimum/Maximum: a boolean (3.0) or a number (3.1)
	ktSchema
	ktSchemaList
	ktSchemaMap
	ktObject
	ktStringList
	ktList
	ktType
	ktItems
)

var keywordTypes = map[string]keywordType{
	"title": ktString, "format": ktString, "description": ktString, "pattern": ktString,
	"$schema": ktString, "$comment": ktString, "$id": ktString, "$anchor": ktString,
	"$dynamicRef": ktString, "$dynamicAnchor": ktString, "contentMediaType": ktString, "contentEncoding": ktString,
	"minLength": ktCount, "maxLength": ktCount, "minItems": ktCount, "maxItems": ktCount,
	"minProperties": ktCount, "maxProperties": ktCount, "minContains": ktCount, "maxContains": ktCount,
	"minimum": ktNumber, "maximum": ktNumber, "multipleOf": ktNumber,
	"uniqueItems": ktBool, "nullable": ktBool, "readOnly": ktBool, "writeOnly": ktBool,
	"allowEmptyValue": ktBool, "deprecated": ktBool,
	"exclusiveMinimum": ktBound, "exclusiveMaximum": ktBound,
	"not": ktSchema, "contains": ktSchema, "propertyNames": ktSchema, "if": ktSchema, "then": ktSchema,
	"else": ktSchema, "contentSchema": ktSchema, "additionalProperties": ktSchema,
	"unevaluatedItems": ktSchema, "unevaluatedProperties": ktSchema,
	"allOf": ktSchemaList, "anyOf": ktSchemaList, "oneOf": ktSchemaList, "prefixItems": ktSchemaList,
	"properties": ktSchemaMap, "patternProperties": ktSchemaMap, "dependentSchemas": ktSchemaMap, "$defs": ktSchemaMap,
	"xml": ktObject, "externalDocs": ktObject, "discriminator": ktObject, "dependentRequired": ktObject,
	"required": ktStringList, "enum": ktList, "type": ktType, "items": ktItems,
}

// coerceKeywords repairs schema keywords whose value has the wrong JSON type,
// which kin-openapi refuses to read at all: "pattern: 123" (YAML reads an
// unquoted regular expression of digits as a number), "minLength: '5'",
// "type: {...}", "enum: single-value", ... A value that converts cleanly is
// converted; anything else is dropped. Each is reported.
func (f *fixer) coerceKeywords(s map[string]any, ptr string) {
	for k, v := range s {
		want := keywordTypes[k]
		if want == 0 {
			continue
		}
		if v == nil {
			delete(s, k)
			f.note(fmt.Sprintf("schema %s: null ignored", k), ptr)
			continue
		}
		nv, ok := coerce(want, v)
		if ok && nv == nil {
			continue // already right
		}
		if !ok {
			if k == "required" {
				// "required: true" on a property is a Swagger-ism; it means nothing here.
				delete(s, k)
				f.note("schema required that is not a list ignored", ptr)
				continue
			}
			delete(s, k)
			f.note(fmt.Sprintf("schema %s of the wrong type (%s) ignored", k, jsonTypeName(v)), ptr)
			continue
		}
		s[k] = nv
		f.note(fmt.Sprintf("schema %s of the wrong type (%s) converted", k, jsonTypeName(v)), ptr)
	}
}

// coerce returns (nil, true) when v already has the type, (converted, true)
// when it converts, and (nil, false) when it must be dropped.
func coerce(want keywordType, v any) (any, bool) {
	switch want {
	case ktString:
		switch t := v.(type) {
		case string:
			return nil, true
		case json.Number:
			return t.String(), true
		case bool:
			return strconv.FormatBool(t), true
		}
	case ktCount:
		var text string
		switch t := v.(type) {
		case json.Number:
			text = t.String()
			if _, err := strconv.ParseUint(text, 10, 64); err == nil {
				return nil, true
			}
		case string:
			text = strings.TrimSpace(t)
		default:
			return nil, false
		}
		if n, err := strconv.ParseFloat(text, 64); err == nil && n >= 0 && n == math.Trunc(n) && n < 1<<53 {
			return json.Number(strconv.FormatUint(uint64(n), 10)), true
		}
	case ktNumber:
		switch t := v.(type) {
		case json.Number:
			return nil, true
		case string:
			if n, err := strconv.ParseFloat(strings.TrimSpace(t), 64); err == nil && !math.IsInf(n, 0) && !math.IsNaN(n) {
				return json.Number(strconv.FormatFloat(n, 'g', -1, 64)), true
			}
		}
	case ktBool:
		switch t := v.(type) {
		case bool:
			return nil, true
		case string:
			if b, err := strconv.ParseBool(strings.TrimSpace(t)); err == nil {
				return b, true
			}
		}
	case ktBound:
		switch t := v.(type) {
		case bool, json.Number:
			return nil, true
		case string:
			if b, err := strconv.ParseBool(strings.TrimSpace(t)); err == nil {
				return b, true
			}
			if n, err := strconv.ParseFloat(strings.TrimSpace(t), 64); err == nil && !math.IsInf(n, 0) && !math.IsNaN(n) {
				return json.Number(strconv.FormatFloat(n, 'g', -1, 64)), true
			}
		}
	case ktSchema:
		switch v.(type) {
		case map[string]any, bool:
			return nil, true
		}
	case ktItems:
		switch v.(type) {
		case map[string]any, bool, []any:
			return nil, true // the draft-04 list form is rewritten later
		}
	case ktSchemaList:
		switch t := v.(type) {
		case []any:
			kept := t[:0]
			for _, e := range t {
				switch e.(type) {
				case map[string]any, bool:
					kept = append(kept, e)
				}
			}
			if len(kept) == len(t) {
				return nil, true
			}
			return kept, true
		case map[string]any:
			return []any{t}, true // one schema where a list was due
		}
	case ktSchemaMap:
		if t, ok := v.(map[string]any); ok {
			bad := false
			for name, e := range t {
				switch e.(type) {
				case map[string]any, bool:
				default:
					delete(t, name)
					bad = true
				}
			}
			if !bad {
				return nil, true
			}
			return t, true
		}
	case ktObject:
		switch t := v.(type) {
		case map[string]any:
			return nil, true
		case string:
			if t != "" {
				// discriminator: petType
				return map[string]any{"propertyName": t}, true
			}
		}
	case ktStringList:
		if t, ok := v.([]any); ok {
			return stringsOnly(t)
		}
	case ktList:
		switch t := v.(type) {
		case []any:
			return nil, true
		case map[string]any:
			return nil, false
		default:
			return []any{t}, true // enum: a single value
		}
	case ktType:
		switch t := v.(type) {
		case string:
			return nil, true
		case []any:
			return stringsOnly(t)
		}
	}
	return nil, false
}

func jsonTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case []any:
		return "list"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}
