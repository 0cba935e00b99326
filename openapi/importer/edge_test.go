package importer

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/openapi"
)

// Numbers past what float64 or int64 hold: long ids stay strings, a body
// with a number no loader reads back is not described, big integers load.
func TestImportLargeNumbers(t *testing.T) {
	t.Parallel()
	calls := `curl 'https://a.example/items/12345678901234567890?x=1e999999&y=-0&z=2.5' --json '{"m":123456789012345678901234567890,"f":-0.0}'` + "\n" +
		`curl 'https://a.example/other' --json '{"n":1e999999}'` + "\n"
	r, err := Import([]byte(calls), Options{})
	require.NoError(t, err)
	for _, spec := range [][]byte{r.YAML(), r.JSON()} {
		doc, err := openapi.Parse(context.Background(), spec, openapi.Strict())
		require.NoError(t, err)
		assert.Empty(t, doc.Warnings())
	}
	at := func(path ...string) any { return jsonAt(t, r.JSON(), path...) }
	item := []string{"paths", "/items/{itemId}", "post", "parameters"}
	assert.Equal(t, "string", at(append(item, "itemId", "schema", "type")...), "a 20-digit id")
	assert.Equal(t, "string", at(append(item, "x", "schema", "type")...))
	assert.Equal(t, "integer", at(append(item, "y", "schema", "type")...))
	assert.Equal(t, "number", at(append(item, "z", "schema", "type")...))
	assert.Equal(t, "integer", at("paths", "/items/{itemId}", "post", "requestBody", "content", "application/json", "schema", "properties", "m", "type"))
	assert.Equal(t, map[string]any{}, at("paths", "/other", "post", "requestBody", "content", "application/json", "schema"))
}
