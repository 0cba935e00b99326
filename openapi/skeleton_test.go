package openapi

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// everyPointer lists the JSON pointer of every value in v, and beside each
// one a pointer to nothing under it.
func everyPointer(v any) []string {
	var out []string
	var walk func(v any, ptr string)
	walk = func(v any, ptr string) {
		out = append(out, ptr, ptr+"/no~1such")
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				walk(e, ptr+"/"+escapeToken(k))
			}
		case []any:
			for i, e := range t {
				walk(e, ptr+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(v, "")
	return out
}

// TestSkeletonKeepsLines: the skeleton of a JSON text is JSON with the same
// members and elements, and every value, and every pointer to nothing,
// has the line it has in the text, on written shapes (escapes, quotes and
// colons in strings, a member name before a line break and its colon,
// empty containers) and on the test corpus's JSON descriptions.
func TestSkeletonKeepsLines(t *testing.T) {
	t.Parallel()
	texts := map[string][]byte{
		"shapes": []byte("{\n  \"a\\\"b\": \"x\\\\\",\n  \"c\"\n  :\n  [1, \"two: \\\"2\\\"\",\n   {\"d\": true}, [], {}],\n" +
			"\t\"e\\\\\" : \"\\u00e9t\\u00e9\",\r\n  \"f\": null, \"g\": -1.5e3,\n  \"h/~\": {\"\": \"\"}\n}\n"),
	}
	require.NoError(t, filepath.WalkDir("../testdata", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".json" {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if json.Valid(data) {
				texts[p] = data
			}
		}
		return err
	}))
	if f := os.Getenv("MOCKAPI_LARGE_SPEC"); f != "" {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		texts[f] = data
	}
	for name, data := range texts {
		skel := skeleton(data)
		var whole, kept any
		require.NoError(t, json.Unmarshal(data, &whole), name)
		require.NoError(t, json.Unmarshal(skel, &kept), "%s: the skeleton is JSON", name)
		pointers := everyPointer(whole)
		keptPointers := everyPointer(kept)
		slices.Sort(keptPointers)
		assert.Equal(t, slices.Sorted(slices.Values(pointers)), keptPointers, "%s: the same members and elements", name)
		require.Equal(t, jsonLines(data, pointers), jsonLines(skel, pointers), "%s: the same lines", name)
		assert.Less(t, len(skel), len(data), name)
	}
}

// TestLinesFromSkeleton: a large JSON description keeps only its skeleton
// once loaded (keepLess), and the lines its warnings are given later are
// the lines the text has.
func TestLinesFromSkeleton(t *testing.T) {
	t.Parallel()
	var b []byte
	b = append(b, "{\n  \"openapi\": \"3.0.3\",\n  \"info\": {\"title\": \"big\", \"version\": \"1\"},\n  \"paths\": {\n"...)
	for i := range 20_000 {
		b = append(b, "    \"/r"+strconv.Itoa(i)+"\": {\"get\": {\"description\": \"a long description of the operation, as real descriptions have: several sentences that the skeleton does not keep, since no line depends on them\", \"responses\": {\"200\": {\"description\": \"ok\"}}}},\n"...)
	}
	line := 5 + 20_000
	b = append(b, "    \"/bad\": {\"get\": {\"security\": [{\"undeclared\": []}], \"responses\": {\"200\": {\"description\": \"ok\"}}}}\n  }\n}\n"...)
	require.Greater(t, len(b), skeletonAbove)

	raw, err := parseRaw(b)
	require.NoError(t, err)
	want := raw.lines([]string{"/paths/~1bad/get/security", "/paths/~1r7/get/responses"})
	raw.keepLess()
	assert.Less(t, len(raw.data), len(b)/2, "the skeleton is kept, not the text")
	assert.Equal(t, want, raw.lines([]string{"/paths/~1bad/get/security", "/paths/~1r7/get/responses"}))
	assert.Equal(t, []int{line, 12}, want)
}
