package openapi

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// splitAndWhole decodes a document both ways: by splitDocument and by
// kin-openapi's loader on the whole document, each with references
// resolved, after the same repairs load makes. ok is false when the
// document is not one splitDocument takes (Swagger 2.0, external $refs, not
// a document).
func splitAndWhole(t *testing.T, data []byte) (split, whole []byte, ok bool) {
	t.Helper()
	decode := func() (map[string]any, bool) {
		raw, err := parseRaw(data)
		if err != nil {
			return nil, false
		}
		root, isMap := raw.root.(map[string]any)
		if !isMap {
			return nil, false
		}
		version, err := detectVersion(root)
		if err != nil || version == "2.0" || refsBroken(raw) || raw.external {
			return nil, false
		}
		f := newFixer(strings.HasPrefix(version, "3.1") || strings.HasPrefix(version, "3.2"))
		f.fixRefs(root)
		f.fixDocument(root)
		return root, true
	}
	root, ok := decode()
	if !ok {
		return nil, nil, false
	}
	sd, err := splitDocument(root)
	if err != nil {
		return nil, nil, false
	}
	ts, errSplit := sd.decode()
	if errSplit == nil {
		errSplit = openapi3.NewLoader().ResolveRefsIn(ts, nil)
	}

	root, _ = decode() // splitDocument may share values with its tree
	js, err := json.Marshal(root)
	require.NoError(t, err)
	tw, errWhole := openapi3.NewLoader().LoadFromData(js)
	if errWhole != nil || errSplit != nil {
		assert.Equal(t, errWhole != nil, errSplit != nil, "one way fails, the other not: split %v, whole %v", errSplit, errWhole)
		return nil, nil, false
	}
	split, err = json.Marshal(ts)
	require.NoError(t, err)
	whole, err = json.Marshal(tw)
	require.NoError(t, err)
	return split, whole, true
}

// TestDecodeSplitIsKinsDecoding: the document decoded in pieces is the one
// kin-openapi's loader reads from the whole, on every description of the
// test corpus and on shapes chosen to differ (extensions at each level,
// unknown members, null entries, webhooks, empty maps).
func TestDecodeSplitIsKinsDecoding(t *testing.T) {
	cases := map[string]string{
		"extensions everywhere": `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"x-top":{"a":[1,2.5]},"unknown":true,
			"paths":{"x-paths":1,"/a":{"x-item":"i","get":{"responses":{"200":{"description":"ok","x-r":null}}}}},
			"components":{"x-c":{"n":1},"schemas":{"A":{"type":"object","x-s":1,"properties":{"b":{"$ref":"#/components/schemas/B"}}},"B":{"type":"string"}},
			"parameters":{"P":{"name":"p","in":"query","schema":{"type":"integer"}}},"responses":{"R":{"description":"r"}},
			"requestBodies":{"Q":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/A"}}}}},
			"headers":{"H":{"schema":{"type":"string"}}},"securitySchemes":{"k":{"type":"apiKey","name":"k","in":"header"}},
			"examples":{"E":{"value":{"a":1}}},"links":{"L":{"operationId":"x"}},"callbacks":{"C":{"{$request.body#/u}":{"post":{"responses":{"200":{"description":"ok"}}}}}}}}`,
		"operations in every shape": `{"openapi":"3.0.3","info":{"title":"t","version":"1"},
			"components":{"schemas":{"A":{"type":"object"}},"parameters":{"P":{"name":"p","in":"query","schema":{"type":"integer"},"x-p":1},"R":{"$ref":"#/components/parameters/P"},"C":{"name":"c","in":"query","content":{"application/json":{"schema":{"type":"object"}}}}},
			"requestBodies":{"B":{"content":{"application/json":{"schema":{"type":"string"},"example":"e","x-m":2}},"required":true},"N":{"content":{"a/b":null}}},
			"responses":{"OK":{"description":"ok","content":{"text/plain":{"schema":{"type":"string"}}},"headers":{"h":{"schema":{"type":"integer"}}}},"Ref":{"$ref":"#/components/responses/OK","description":"d"}}},
			"paths":{
			"/a":{"parameters":[{"$ref":"#/components/parameters/P"},{"name":"q","in":"query","Schema":{"type":"string"}}],"x-i":[1.5],"summary":"s",
				"get":{"operationId":"g","parameters":[{"name":"id","in":"header","schema":{"type":"string","format":"uuid"}},{"name":"z","in":"query","$REF":"#/components/parameters/P"}],
					"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"array","items":{"$ref":"#/components/schemas/A"}},"examples":{"e":{"value":{"n":1}}}}}},"x-r":{"n":1},"default":{"$ref":"#/components/responses/OK"}}},
				"post":{"requestBody":{"$ref":"#/components/requestBodies/B"},"responses":null},
				"put":{"requestBody":{"description":"d","content":{"application/json":{"schema":{"type":"object","properties":{"a":{"type":"string"}}}}},"x-rb":true},"responses":{"201":{"description":"made"}},"callbacks":{"c":{"{$request.body#/u}":{"post":{"responses":{"200":{"description":"ok"}}}}}}},
				"delete":null,"Patch":{"responses":{"200":{"description":"ok"}}}},
			"/b":{"get":{"parameters":[{"name":"n","in":"query","schema":null}],"Responses":{"200":{"description":"x"}}},"options":{"parameters":[{"name":"x","in":"query","content":{"a/b":null}}],"requestBody":{"Content":{}}}},
			"/c":{"$ref":"#/paths/~1a"}}}`,
		"examples": `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},"components":{"examples":{
			"plain":{"summary":"s","value":{"n":1,"f":1.5e3,"big":12345678901234567890,"list":[1,{"x":-0.5}],"s":"1"},"x-e":{"k":2}},
			"null":{"value":null},"scalar":{"value":3},"external":{"externalValue":"https://example.com/x"},
			"ref":{"$ref":"#/components/examples/plain"},"folded":{"Value":1},"both":{"value":1,"VALUE":2}}}}`,
		"null entries": `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":null},"components":{"schemas":{"A":{}},"responses":null}}`,
		"no paths":     `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"webhooks":{"w":{"post":{"responses":{"200":{"description":"ok"}}}}}}`,
		"empty maps":   `{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{},"components":{}}`,
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			split, whole, ok := splitAndWhole(t, []byte(doc))
			require.True(t, ok)
			assert.Equal(t, string(whole), string(split)) // byte for byte: numbers as kin writes them
		})
	}
	files := corpusFiles(t)
	if dir := os.Getenv("MOCKAPI_CORPUS_DIR"); dir != "" && !testing.Short() {
		require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
				files = append(files, p)
			}
			return err
		}))
	}
	compared := 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		split, whole, ok := splitAndWhole(t, data)
		if !ok {
			continue
		}
		compared++
		if !assert.Equal(t, string(whole), string(split), file) {
			return
		}
	}
	assert.Greater(t, compared, 50, "the corpus gave too few documents to compare")
}

// TestDecodeSplitLocatesPiece: a component or path item kin-openapi cannot
// read fails the load with its pointer and line.
func TestDecodeSplitLocatesPiece(t *testing.T) {
	tests := []struct {
		name, doc, pointer string
		line               int
	}{
		{"path item", "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"t\",\"version\":\"1\"},\n\"paths\":{\n\"/a\":{\"get\":\"not an operation\"}}}",
			"/paths/~1a", 3},
		{"component", "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"t\",\"version\":\"1\"},\"paths\":{},\n\"components\":{\"responses\":{\n\"R\":{\"description\":[1]}}}}",
			"/components/responses/R", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(t.Context(), []byte(tt.doc))
			var le *LoadError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, tt.pointer, le.Pointer)
			assert.Equal(t, tt.line, le.Line)
		})
	}
}

// schemaRefs returns every schema reachable from the document's component
// schemas and operations (parameters, bodies, responses), through
// properties, items, compositions, not and additionalProperties, by its
// pointer.
func schemaRefs(t *openapi3.T) map[string]*openapi3.SchemaRef {
	out := map[string]*openapi3.SchemaRef{}
	var walk func(r *openapi3.SchemaRef, ptr string)
	walk = func(r *openapi3.SchemaRef, ptr string) {
		if r == nil {
			return
		}
		out[ptr] = r
		if r.Ref != "" || r.Value == nil {
			return // the component's own schema is walked from components
		}
		s := r.Value
		for name, p := range s.Properties {
			walk(p, ptr+"/properties/"+name)
		}
		walk(s.Items, ptr+"/items")
		walk(s.Not, ptr+"/not")
		walk(s.AdditionalProperties.Schema, ptr+"/additionalProperties")
		for k, list := range map[string]openapi3.SchemaRefs{"allOf": s.AllOf, "anyOf": s.AnyOf, "oneOf": s.OneOf} {
			for i, e := range list {
				walk(e, fmt.Sprintf("%s/%s/%d", ptr, k, i))
			}
		}
	}
	content := func(c openapi3.Content, ptr string) {
		for k, mt := range c {
			if mt != nil {
				walk(mt.Schema, ptr+"/content/"+k+"/schema")
			}
		}
	}
	if t.Components != nil {
		for name, r := range t.Components.Schemas {
			walk(r, "/components/schemas/"+name)
		}
	}
	if t.Paths == nil {
		return out
	}
	for path, item := range t.Paths.Map() {
		for method, op := range item.Operations() {
			ptr := "/paths/" + path + "/" + method
			for i, p := range slices.Concat(item.Parameters, op.Parameters) {
				if p != nil && p.Value != nil {
					walk(p.Value.Schema, fmt.Sprintf("%s/parameters/%d/schema", ptr, i))
					content(p.Value.Content, fmt.Sprintf("%s/parameters/%d", ptr, i))
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				content(op.RequestBody.Value.Content, ptr+"/requestBody")
			}
			if op.Responses != nil {
				for code, r := range op.Responses.Map() {
					if r != nil && r.Value != nil {
						content(r.Value.Content, ptr+"/responses/"+code)
					}
				}
			}
		}
	}
	return out
}

// TestResolveSchemaRefsSharesKinsValues: after resolveSchemaRefs and kin's
// ResolveRefsIn, a reference to a component schema shares the component's
// *Schema exactly where it does after kin's whole loading (in 3.1, kin
// gives a reference with siblings a copy of its own), on shapes that reach
// the cases resolveSchemaRefs leaves to kin (aliases, escaped names,
// siblings) and on the test corpus.
func TestResolveSchemaRefsSharesKinsValues(t *testing.T) {
	t.Parallel()
	docs := map[string][]byte{"shapes": []byte(`{"openapi":"3.1.0","info":{"title":"t","version":"1"},
		"components":{"schemas":{"A":{"type":"object","properties":{"self":{"$ref":"#/components/schemas/A"},"b":{"$ref":"#/components/schemas/B"},"list":{"type":"array","items":{"$ref":"#/components/schemas/a~1b"}}}},
		"B":{"$ref":"#/components/schemas/C"},"C":{"type":"string"},"a/b":{"type":"integer"},"D":{"allOf":[{"$ref":"#/components/schemas/A"},{"$ref":"#/components/schemas/C","description":"sibling"}]}}},
		"paths":{"/a":{"get":{"parameters":[{"name":"p","in":"query","schema":{"$ref":"#/components/schemas/C"}}],
		"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/D"}}}}}}}}}`)}
	files := corpusFiles(t)
	if dir := os.Getenv("MOCKAPI_CORPUS_DIR"); dir != "" && !testing.Short() {
		require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				files = append(files, p)
			}
			return err
		}))
	}
	for _, f := range files {
		if strings.HasSuffix(f, ".json") {
			docs[f] = nil // read in its turn
		}
	}
	// shares tells, by pointer, whether each reference to a component
	// schema holds the component's own *Schema.
	shares := func(doc *openapi3.T) map[string]bool {
		out := map[string]bool{}
		for ptr, r := range schemaRefs(doc) {
			if target, ok := strings.CutPrefix(r.Ref, "#/components/schemas/"); ok {
				c := doc.Components.Schemas[strings.ReplaceAll(strings.ReplaceAll(target, "~1", "/"), "~0", "~")]
				out[ptr] = c != nil && r.Value == c.Value
			}
		}
		return out
	}
	compared := 0
	for name, data := range docs {
		if data == nil {
			var err error
			data, err = os.ReadFile(name)
			require.NoError(t, err)
		}
		raw, err := parseRaw(data)
		require.NoError(t, err)
		root, _ := raw.root.(map[string]any)
		if v, err := detectVersion(root); err != nil || v == "2.0" || refsBroken(raw) || raw.external {
			continue
		}
		sd, err := splitDocument(root)
		if err != nil {
			continue
		}
		split, err := sd.decode()
		if err != nil || openapi3.NewLoader().ResolveRefsIn(split, nil) != nil {
			continue
		}
		whole, err := openapi3.NewLoader().LoadFromData(data)
		if err != nil {
			continue
		}
		want, got := shares(whole), shares(split)
		if !assert.Equal(t, want, got, name) {
			return
		}
		compared += len(want)
	}
	assert.Greater(t, compared, 100)
}
