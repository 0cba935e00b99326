package openapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// generatedSpec builds a GitHub-shaped description: resources with nested
// collections, templated and literal segments, methods per path. It has
// resources*12 operations.
func generatedSpec(resources int) string {
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo: {title: gen, version: '1'}\nservers: [{url: 'https://api.example.com'}]\npaths:\n")
	ok := "{responses: {'200': {description: ok}}}"
	for i := 0; i < resources; i++ {
		r := fmt.Sprintf("res%d", i)
		fmt.Fprintf(&b, "  /%s:\n    get: %s\n    post: %s\n", r, ok, ok)
		fmt.Fprintf(&b, "  /%s/{owner}/{repo}:\n    get: %s\n    patch: %s\n    delete: %s\n", r, ok, ok, ok)
		fmt.Fprintf(&b, "  /%s/{owner}/{repo}/issues:\n    get: %s\n    post: %s\n", r, ok, ok)
		fmt.Fprintf(&b, "  /%s/{owner}/{repo}/issues/{number}:\n    get: %s\n    patch: %s\n", r, ok, ok)
		fmt.Fprintf(&b, "  /%s/{owner}/{repo}/issues/{number}/comments:\n    get: %s\n    post: %s\n", r, ok, ok)
		fmt.Fprintf(&b, "  /%s/{owner}/{repo}/issues/comments/{id}:\n    get: %s\n", r, ok)
	}
	return b.String()
}

func benchmarkRoute(b *testing.B, resources int) {
	doc, err := Parse(context.Background(), []byte(generatedSpec(resources)))
	if err != nil {
		b.Fatal(err)
	}
	if got := len(doc.Operations()); got != resources*12 {
		b.Fatalf("%d operations, want %d", got, resources*12)
	}
	// The last resource: a linear scan would pay for every route before it.
	req := httptest.NewRequest("GET", fmt.Sprintf("/res%d/octo/hello/issues/42/comments", resources-1), nil)
	r := doc.Router()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m, err := r.Find(req)
		if err != nil || m.Operation == nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRoute compares a 12-operation spec with a 1,200-operation one
// (the size of GitHub's REST description).
func BenchmarkRoute(b *testing.B) {
	b.Run("ops=12", func(b *testing.B) { benchmarkRoute(b, 1) })
	b.Run("ops=1200", func(b *testing.B) { benchmarkRoute(b, 100) })
}

// largeSpecFile returns a large JSON description: $MOCKAPI_LARGE_SPEC if set
// (for example GitHub's api.github.com.json), else a generated one of about
// 13 MB written to a temporary directory.
func largeSpecFile(b *testing.B) string {
	if f := os.Getenv("MOCKAPI_LARGE_SPEC"); f != "" {
		return f
	}
	file := filepath.Join(b.TempDir(), "large.json")
	paths := map[string]any{}
	schemas := map[string]any{}
	for i := 0; i < 2500; i++ {
		props := map[string]any{}
		for j := 0; j < 30; j++ {
			props[fmt.Sprintf("field_%d", j)] = map[string]any{
				"type": "string", "description": strings.Repeat("A field of the resource. ", 4), "maxLength": 200,
			}
		}
		schemas[fmt.Sprintf("Thing%d", i)] = map[string]any{"type": "object", "required": []string{"field_0"}, "properties": props}
		ref := map[string]any{"$ref": fmt.Sprintf("#/components/schemas/Thing%d", i)}
		paths[fmt.Sprintf("/things%d/{id}", i)] = map[string]any{
			"get": map[string]any{
				"operationId": fmt.Sprintf("getThing%d", i),
				"parameters":  []any{map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "integer"}}},
				"responses": map[string]any{"200": map[string]any{"description": "ok",
					"content": map[string]any{"application/json": map[string]any{"schema": ref}}}},
			},
		}
	}
	data, err := json.Marshal(map[string]any{"openapi": "3.0.3", "info": map[string]any{"title": "large", "version": "1"},
		"paths": paths, "components": map[string]any{"schemas": schemas}})
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return file
}

// BenchmarkLoadLarge compares our loader with kin-openapi's plain loader on
// the same ~13 MB JSON file. Ours also repairs, validates and indexes.
func BenchmarkLoadLarge(b *testing.B) {
	file := largeSpecFile(b)
	st, err := os.Stat(file)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("mockapi", func(b *testing.B) {
		b.SetBytes(st.Size())
		b.ReportAllocs()
		for b.Loop() {
			if _, err := LoadFile(context.Background(), file); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("kin-plain", func(b *testing.B) {
		b.SetBytes(st.Size())
		b.ReportAllocs()
		for b.Loop() {
			l := openapi3.NewLoader()
			l.IsExternalRefsAllowed = true
			if _, err := l.LoadFromFile(file); err != nil {
				b.Fatal(err)
			}
		}
	})
}
