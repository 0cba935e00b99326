package openapi

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLeafSchemasShared: equal schema objects without subschemas decode to
// one Schema, each occurrence under a SchemaRef of its own; a leaf that is
// not plain (a "$" keyword, a discriminator, a subschema keyword written as
// a boolean) and every schema with subschemas decode on their own.
func TestLeafSchemasShared(t *testing.T) {
	t.Parallel()
	doc, err := Parse(context.Background(), []byte(`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{},
	"components":{"schemas":{
	  "A":{"type":"object","properties":{
	    "uri":{"type":"string","format":"uri"},
	    "uri2":{"format":"uri","type":"string"},
	    "n":{"type":"integer","x-note":"n"},
	    "n2":{"type":"integer","x-note":"n"},
	    "other":{"type":"string","format":"email"},
	    "id":{"$id":"https://example.com/s","type":"string"},
	    "id2":{"$id":"https://example.com/s","type":"string"},
	    "any":{"items":true},
	    "any2":{"items":true},
	    "disc":{"type":"object","discriminator":{"propertyName":"k"}},
	    "disc2":{"type":"object","discriminator":{"propertyName":"k"}},
	    "list":{"type":"array","items":{"type":"string","format":"uri"}},
	    "list2":{"type":"array","items":{"type":"string","format":"uri"}}}},
	  "B":{"type":"object","properties":{"uri":{"type":"string","format":"uri"}}}}}}`))
	require.NoError(t, err)
	schemas := doc.Kin().Components.Schemas
	a, b := schemas["A"].Value.Properties, schemas["B"].Value.Properties
	for _, tc := range []struct {
		name   string
		x, y   *openapi3.SchemaRef
		shared bool
	}{
		{"equal leaves", a["uri"], a["uri2"], true},
		{"equal leaves in two components", a["uri"], b["uri"], true},
		{"with an extension", a["n"], a["n2"], true},
		{"array items", a["list"].Value.Items, a["uri"], true},
		{"different leaves", a["uri"], a["other"], false},
		{"$id", a["id"], a["id2"], false},
		{"boolean items", a["any"], a["any2"], false},
		{"discriminator", a["disc"], a["disc2"], false},
		{"with subschemas", a["list"], a["list2"], false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NotNil(t, tc.x)
			require.NotNil(t, tc.y)
			assert.NotSame(t, tc.x, tc.y, "each occurrence has its own SchemaRef")
			if tc.shared {
				assert.Same(t, tc.x.Value, tc.y.Value)
			} else {
				assert.NotSame(t, tc.x.Value, tc.y.Value)
			}
		})
	}
	assert.Equal(t, "n", a["n2"].Value.Extensions["x-note"])
}

// TestLeafSchemasForgotten: the table holds no leaf that no document uses.
func TestLeafSchemasForgotten(t *testing.T) {
	// Not parallel: it waits for the collection of its own leaf.
	const leaf = `{"description":"TestLeafSchemasForgotten","type":"string"}`
	doc, err := Parse(context.Background(), []byte(`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},
	"components":{"schemas":{"A":{"type":"object","properties":{"p":`+leaf+`}}}}}`))
	require.NoError(t, err)
	require.NotNil(t, doc.Kin().Components.Schemas["A"].Value.Properties["p"].Value)
	held := func() bool {
		leaves.Lock()
		defer leaves.Unlock()
		_, ok := leaves.m[leaf]
		return ok
	}
	require.True(t, held())
	runtime.KeepAlive(doc)
	doc = nil
	assert.Eventually(t, func() bool {
		runtime.GC()
		return !held()
	}, 5*time.Second, 10*time.Millisecond)
}
