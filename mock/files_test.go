//go:build unix

package mock

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/openapi"
)

// externalSpec has one example per way an externalValue may point outside
// the spec's directory, and one sibling that is served.
func externalSpec(secret string) string {
	return `
openapi: 3.0.3
info: {title: ext, version: "1"}
paths:
  /pets/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object}
              examples:
                sibling: {externalValue: ./pet.json}
                escape: {externalValue: ../secret.json}
                absolute: {externalValue: "` + secret + `"}
                symlink: {externalValue: link.json}
                zero: {externalValue: /dev/zero}
                zerolink: {externalValue: zero.json}
                fifo: {externalValue: fifo.json}
                big: {externalValue: big.json}
`
}

func TestExternalValuesStayInTheSpecsDirectory(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "api")
	require.NoError(t, os.Mkdir(dir, 0o755))
	secret := filepath.Join(root, "secret.json")
	require.NoError(t, os.WriteFile(secret, []byte(`{"secret":"s3cret"}`), 0o644))
	spec := externalSpec(secret)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "api.yaml"), []byte(spec), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pet.json"), []byte(`{"name":"Rex"}`), 0o644))
	big := `{"pad":"` + strings.Repeat("x", openapi.MaxReferencedFileSize) + `"}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "big.json"), []byte(big), 0o644))
	require.NoError(t, os.Symlink(secret, filepath.Join(dir, "link.json")))
	require.NoError(t, os.Symlink("/dev/zero", filepath.Join(dir, "zero.json")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "fifo.json"), 0o644))

	fromFile, err := openapi.LoadFile(context.Background(), filepath.Join(dir, "api.yaml"))
	require.NoError(t, err)
	// An upload is parsed from bytes: even run from the spec's directory,
	// with the sibling right there, it reads nothing.
	t.Chdir(dir)
	fromBytes, err := openapi.Parse(context.Background(), []byte(spec), openapi.WithName("api.yaml"))
	require.NoError(t, err)

	tests := []struct {
		doc     *openapi.Document
		example string
		served  string // "" when the example must not be served
	}{
		{fromFile, "sibling", `{"name":"Rex"}`},
		{fromFile, "escape", ""},
		{fromFile, "absolute", ""},
		{fromFile, "symlink", ""},
		{fromFile, "zero", ""},
		{fromFile, "zerolink", ""},
		{fromFile, "fifo", ""},
		{fromFile, "big", ""},
		{fromBytes, "sibling", ""},
		{fromBytes, "escape", ""},
		{fromBytes, "absolute", ""},
		{fromBytes, "zero", ""},
	}
	for _, tt := range tests {
		name := "file/"
		if tt.doc == fromBytes {
			name = "bytes/"
		}
		t.Run(name+tt.example, func(t *testing.T) {
			h, err := New(tt.doc, WithoutState(), WithSelfCheck())
			require.NoError(t, err)
			rec := do(h, "GET", "/pets/1", "", "Prefer", "example="+tt.example)
			assert.NotContains(t, rec.Body.String(), "s3cret")
			var warned bool
			for _, w := range h.Warnings() {
				if strings.HasSuffix(w.Pointer, "/examples/"+tt.example+"/externalValue") {
					warned = true
				}
			}
			// Handler.Example (what mocktest stubs answer with) resolves
			// exactly what ServeHTTP serves.
			body, ct, exErr := h.Example(tt.doc.Operations()[0], 200, tt.example)
			if tt.served != "" {
				require.Equal(t, 200, rec.Code, rec.Body.String())
				assert.JSONEq(t, tt.served, rec.Body.String())
				assert.False(t, warned)
				require.NoError(t, exErr)
				assert.Equal(t, rec.Body.String(), string(body))
				assert.Equal(t, rec.Header().Get("Content-Type"), ct)
				return
			}
			assert.Error(t, exErr, "Example must not hand out an unread externalValue")
			assert.NotContains(t, string(body), "s3cret")
			assert.Equal(t, 404, rec.Code, "an unread example does not exist: %s", rec.Body.String())
			assert.True(t, warned, "an unread externalValue is a warning: %v", h.Warnings())
		})
	}
}
