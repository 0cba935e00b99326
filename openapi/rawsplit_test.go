package openapi

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wholeJSON is what parseRaw did before decodeJSONSplit: the document
// decoded whole, as the split decoding must decode it.
func wholeJSON(data []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil || !depthOK(v, 0) {
		return nil, false
	}
	return v, true
}

// TestDecodeJSONSplit: where the split decoding answers, its tree is the
// whole decoding's; it declines what it must (invalid JSON at any level,
// repeated keys where it splits) and takes what it should.
func TestDecodeJSONSplit(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		in    string
		split bool // decodeJSONSplit answers
	}{
		{"document", `{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok"}}}},"/b/{id}":null},"components":{"schemas":{"A":{"type":"object","properties":{"n":{"type":"integer","maximum":1e3}}},"B":true},"x-list":[1,2]}}`, true},
		{"white space and BOM", "\ufeff \n{ \"paths\" : { \"/a\" : { } } ,\n\t\"info\" : {} }\n", true},
		{"escaped and unicode keys", `{"paths":{"/a\/b":{},"/caf\u00e9":{},"/ü":{},"/\"q\"":{}},"x-\u0041":1}`, true},
		{"brackets and quotes in strings", `{"paths":{"/a":{"description":"} ] { [ \" \\"}},"info":{"x":"\\\""}}`, true},
		{"literals", `{"a":true,"b":false,"c":null,"d":-1.5e-3,"e":0,"paths":{"/a":null}}`, true},
		{"empty", `{}`, true},
		{"empty maps", `{"paths":{},"components":{"schemas":{}}}`, true},
		{"components not maps", `{"components":{"schemas":[],"x-y":1,"responses":null}}`, true},
		{"trailing text ignored", `{"paths":{}} trailing`, true},
		{"repeated path key, last wins", `{"paths":{"/a":{"get":1},"/a":{"put":2}}}`, true},
		{"repeated top key", `{"paths":1,"paths":{"/a":{}}}`, false},
		{"repeated section", `{"components":{"schemas":{"A":{}},"schemas":{"B":{}}}}`, false},
		{"missing comma", `{"a":1 "b":2}`, false},
		{"missing colon", `{"a" 1}`, false},
		{"bad literal", `{"a":tru}`, false},
		{"mismatched brackets", `{"paths":{"/a":[1}]}}`, false},
		{"unterminated", `{"paths":{"/a":{}`, false},
		{"not an object", `[1,2]`, false},
		{"control character in key", "{\"a\u0001\":1}", false},
		{"trailing comma", `{"a":1,}`, false},
		{"invalid nested", `{"components":{"schemas":{"A":{"type":}}}}`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := decodeJSONSplit([]byte(tt.in))
			require.Equal(t, tt.split, ok, "split")
			want, wholeOK := wholeJSON([]byte(tt.in))
			if !ok {
				return
			}
			require.True(t, wholeOK, "the whole decoding refuses what the split one took")
			assert.Equal(t, want, any(got))
		})
	}
}

// TestDecodeJSONSplitDeep: a document nesting deeper than maxDepth is
// declined, so that parseRaw gives its error.
func TestDecodeJSONSplitDeep(t *testing.T) {
	t.Parallel()
	deep := `{"components":{"schemas":{"A":` + string(bytes.Repeat([]byte("["), maxDepth)) + string(bytes.Repeat([]byte("]"), maxDepth)) + `}}}`
	_, ok := decodeJSONSplit([]byte(deep))
	assert.False(t, ok)
	_, err := parseRaw([]byte(deep))
	assert.ErrorContains(t, err, "nests deeper")
}

// TestDecodeJSONSplitCorpus: the same tree as the whole decoding on every
// JSON document of the test corpus, and of the directory
// MOCKAPI_CORPUS_DIR names (large ones have more pieces than inParallel
// decodes in turn).
func TestDecodeJSONSplitCorpus(t *testing.T) {
	t.Parallel()
	var files []string
	for _, f := range corpusFiles(t) {
		if strings.HasSuffix(f, ".json") {
			files = append(files, f)
		}
	}
	require.Greater(t, len(files), 20, "the corpus gave too few JSON documents")
	if dir := os.Getenv("MOCKAPI_CORPUS_DIR"); dir != "" && !testing.Short() {
		require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
				files = append(files, p)
			}
			return err
		}))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		want, wholeOK := wholeJSON(data)
		got, ok := decodeJSONSplit(data)
		if !wholeOK {
			assert.False(t, ok, f)
			continue
		}
		if assert.True(t, ok, f) {
			assert.Equal(t, want, any(got), f)
		}
	}
}

func FuzzDecodeJSONSplit(f *testing.F) {
	for _, s := range []string{`{"paths":{"/a":{}},"components":{"schemas":{"A":{"type":"string"}}}}`, `{"a":[1,{"b":"}"}]}`, `{"x\u0041":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := decodeJSONSplit(data)
		if !ok {
			return
		}
		want, wholeOK := wholeJSON(data)
		require.True(t, wholeOK, "split decoding took what the whole one refuses")
		require.Equal(t, want, any(got))
	})
}
