package mock

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reference is encoding/json without HTML escaping.
func reference(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(v))
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	values := []any{
		nil, true, false, "", "plain", `quote " backslash \ slash /`, "<html> & 'x'",
		"ctl \x00\x01\x1f\b\f\n\r\t", "bad utf8 \xff\xfe end", "line\u2028para\u2029", "émoji 😀 漢字",
		0.0, -0.0, 1.0, -1.5, 0.1, 1e-6, 9.99e-7, 1e20, 1e21, 123456789.125, 1e-300, -2.5e-10, math.MaxFloat64,
		int64(0), int64(-9007199254740993), int(42), json.Number("12.50"),
		[]any{}, map[string]any{}, []any{1.5, "a", nil, []any{true}},
		map[string]any{"b": 1.0, "a": map[string]any{"z": []any{}, "é": "x"}, "A": nil, "": ""},
	}
	for _, v := range values {
		got, ok := appendJSON(nil, v)
		require.True(t, ok, "%#v", v)
		assert.Equal(t, string(reference(t, v)), string(got), "%#v", v)
	}
	for _, v := range []any{math.NaN(), math.Inf(1), struct{}{}, json.Number("x")} {
		_, ok := appendJSON(nil, v)
		assert.False(t, ok, "%#v falls back", v)
	}
}

// Every value the generator makes for the corpus encodes to the bytes
// encoding/json would write.
func TestAppendJSONOnGeneratedValues(t *testing.T) {
	t.Parallel()
	n := 0
	for _, doc := range corpusDocs(t) {
		h, err := New(doc, WithSeed(1))
		require.NoError(t, err)
		for _, op := range doc.Operations() {
			for _, sp := range h.plan(op).statuses {
				for _, mp := range sp.media {
					if mp.schema == nil {
						continue
					}
					for seed := int64(0); seed < 3; seed++ {
						v, _ := h.gen.Value(gofakeit.New(seed), mp.schema, "")
						got, ok := appendJSON(nil, v)
						if !ok {
							continue
						}
						require.Equal(t, string(reference(t, v)), string(got))
						n++
					}
				}
			}
		}
	}
	assert.Greater(t, n, 3000)
}
