package openapi

import (
	"encoding/json"
	"os"
	"path/filepath"
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
		"null entries": `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":null},"components":{"schemas":{"A":{}},"responses":null}}`,
		"no paths":     `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"webhooks":{"w":{"post":{"responses":{"200":{"description":"ok"}}}}}}`,
		"empty maps":   `{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{},"components":{}}`,
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			split, whole, ok := splitAndWhole(t, []byte(doc))
			require.True(t, ok)
			assert.JSONEq(t, string(whole), string(split))
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
