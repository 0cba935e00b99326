package openapi

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// TestJSONLinesMatchYAML: the one-pass JSON scan gives every value of the
// corpus's JSON descriptions the line that reading them as YAML gives (how
// lines were found before), and so does a pointer to nothing: the line of
// the deepest value on its way.
func TestJSONLinesMatchYAML(t *testing.T) {
	var files []string
	require.NoError(t, filepath.WalkDir("../testdata", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".json" {
			files = append(files, p)
		}
		return err
	}))
	if f := os.Getenv("MOCKAPI_LARGE_SPEC"); f != "" {
		files = append(files, f)
	}
	require.NotEmpty(t, files)
	checked := 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		raw, err := parseRaw(data)
		if err != nil || raw.node != nil {
			continue // not strict JSON: read as YAML, with its own positions
		}
		var pointers []string
		var walk func(v any, ptr string, depth int)
		walk = func(v any, ptr string, depth int) {
			pointers = append(pointers, ptr, ptr+"/no~1such")
			if depth > 6 {
				return
			}
			switch t := v.(type) {
			case map[string]any:
				for k, e := range t {
					walk(e, ptr+"/"+escapeToken(k), depth+1)
				}
			case []any:
				for i, e := range t {
					walk(e, ptr+"/"+strconv.Itoa(i), depth+1)
				}
			}
		}
		walk(raw.root, "", 0)
		got := raw.lines(pointers)

		var node yaml.Node
		require.NoError(t, yaml.Unmarshal(data, &node), file)
		viaYAML := &rawDoc{node: node.Content[0], data: data}
		for i, p := range pointers {
			if !assert.Equal(t, viaYAML.line(p), got[i], "%s: %q", file, p) {
				return
			}
		}
		checked++
	}
	t.Logf("%d JSON descriptions checked", checked)
	assert.Positive(t, checked)
}

// Lines locates pointers in YAML and JSON, stops at the deepest value a
// pointer reaches, and gives 0 where it cannot tell.
func TestLines(t *testing.T) {
	t.Parallel()
	yamlDoc := "openapi: 3.0.3\ninfo:\n  title: x\npaths:\n  /pets:\n    get:\n      operationId: list\n"
	jsonDoc := "{\n  \"openapi\": \"3.0.3\",\n  \"paths\": {\n    \"/pets\": {\n      \"get\": {\"operationId\": \"list\"}\n    }\n  }\n}\n"
	for _, tc := range []struct {
		name     string
		data     string
		pointers []string
		want     []int
	}{
		{"yaml", yamlDoc, []string{"/info/title", "/paths/~1pets/get/operationId", "", "/paths/~1pets/post"}, []int{3, 7, 0, 6}}, // /paths/~1pets is the mapping on line 6
		{"json", jsonDoc, []string{"/openapi", "/paths/~1pets/get", ""}, []int{2, 5, 0}},
		{"minified json", `{"openapi":"3.0.3","paths":{}}`, []string{"/paths", ""}, []int{1, 0}},
		{"not a document", "a: [", []string{"/a"}, []int{0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Lines([]byte(tc.data), tc.pointers))
		})
	}
}
