package importer

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
)

// harOf is a HAR file of one GET per path, each answered with body.
func harOf(paths []string, body string) []byte {
	var entries []string
	for _, p := range paths {
		b, _ := json.Marshal(body)
		entries = append(entries, fmt.Sprintf(`{"request":{"method":"GET","url":"https://a.example%s"},"response":{"status":200,"content":{"mimeType":"application/json","text":%s}}}`, p, b))
	}
	return []byte(`{"log":{"version":"1.2","entries":[` + strings.Join(entries, ",") + `]}}`)
}

// Bodies too deep, too large or too wide are described within bounds,
// and what is derived still loads without a warning.
func TestImportBounds(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat(`{"a":`, 200) + "1" + strings.Repeat("}", 200)
	wide := make(map[string]int, 2*maxProperties)
	for i := range 2 * maxProperties {
		wide[fmt.Sprintf("p%04d", i)] = i
	}
	wideJSON, _ := json.Marshal(wide)
	large := `{"blob":"` + strings.Repeat("x", MaxBodySize) + `"}`
	for _, tt := range []struct {
		name, body string
		example    bool
	}{
		{"deep", deep, true},
		{"wide", string(wideJSON), true},
		{"large", large, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := Import(harOf([]string{"/x"}, tt.body), Options{})
			require.NoError(t, err)
			doc, err := openapi.Parse(context.Background(), r.JSON(), openapi.Strict())
			require.NoError(t, err)
			assert.Empty(t, doc.Warnings())
			h, err := mock.New(doc)
			require.NoError(t, err)
			assert.Empty(t, h.Warnings())
			ex := jsonAt(t, r.JSON(), "paths", "/x", "get", "responses", "200", "content", "application/json", "example")
			assert.Equal(t, tt.example, ex != nil)
		})
	}
}

// Past MaxExchanges, requests are counted as skipped.
func TestImportMaxExchanges(t *testing.T) {
	t.Parallel()
	paths := make([]string, MaxExchanges+5)
	for i := range paths {
		paths[i] = fmt.Sprintf("/items/%d", i)
	}
	r, err := Import(harOf(paths, `{"id":1}`), Options{})
	require.NoError(t, err)
	assert.Equal(t, MaxExchanges, r.Requests)
	assert.Equal(t, 5, r.Skipped)
	assert.Equal(t, 1, r.Operations, "one templated path")
}

func BenchmarkImport(b *testing.B) {
	data, err := os.ReadFile("testdata/shop.har")
	require.NoError(b, err)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Import(data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
