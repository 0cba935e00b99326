//go:build unix

package openapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// filesDir lays out a spec directory with a sibling file and, next to the
// directory, things a spec must not reach.
//
//	root/secret.yaml          outside the spec's directory
//	root/api/api.yaml         the spec
//	root/api/pet.json         a sibling: readable
//	root/api/big.json         larger than MaxReferencedFileSize
//	root/api/escape.yaml  ->  ../secret.yaml
//	root/api/zero         ->  /dev/zero
//	root/api/fifo             a FIFO
func filesDir(t *testing.T, spec string) (root, file string) {
	t.Helper()
	root = t.TempDir()
	dir := filepath.Join(root, "api")
	require.NoError(t, os.Mkdir(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "secret.yaml"), []byte(petsSchema), 0o644))
	file = filepath.Join(dir, "api.yaml")
	require.NoError(t, os.WriteFile(file, []byte(spec), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pet.json"), []byte(`{"id":1}`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pet.yaml"), []byte(petsSchema), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "big.json"), make([]byte, MaxReferencedFileSize+1), 0o644))
	require.NoError(t, os.Symlink(filepath.Join("..", "secret.yaml"), filepath.Join(dir, "escape.yaml")))
	require.NoError(t, os.Symlink("/dev/zero", filepath.Join(dir, "zero")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644))
	return root, file
}

// within fails the test instead of hanging when f blocks (opening a FIFO
// does).
func within[T any](t *testing.T, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("blocked")
		panic("unreachable")
	}
}

func TestReadFileStaysInTheDocumentsDirectory(t *testing.T) {
	t.Parallel()
	root, file := filesDir(t, strings.ReplaceAll(petsMain, "schemas/pet.yaml", "pet.yaml"))
	doc, err := LoadFile(context.Background(), file)
	require.NoError(t, err)

	tests := []struct {
		name, ref string
		want      string // "" when the read must fail
		errHas    string
	}{
		{"sibling", "pet.json", `{"id":1}`, ""},
		{"sibling with ./", "./pet.json", `{"id":1}`, ""},
		{"dot-dot escape", "../secret.yaml", "", "leaves"},
		{"dot-dot inside then out", "sub/../../secret.yaml", "", "leaves"},
		{"absolute path", filepath.Join(root, "secret.yaml"), "", "not a relative path"},
		{"etc passwd", "../../../../../../etc/passwd", "", "leaves"},
		{"dev zero", "/dev/zero", "", "not a relative path"},
		{"file URL", "file:///etc/passwd", "", "not a relative path"},
		{"http URL", "http://example.com/x.json", "", "not a relative path"},
		{"symlink escape", "escape.yaml", "", ""},
		{"symlink to dev zero", "zero", "", ""},
		{"fifo", "fifo", "", "not a regular file"},
		{"too large", "big.json", "", "larger than"},
		{"directory", ".", "", "not a regular file"},
		{"missing", "nope.json", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			type result struct {
				data []byte
				err  error
			}
			r := within(t, func() result { b, err := doc.ReadFile(tt.ref); return result{b, err} })
			if tt.want != "" {
				require.NoError(t, r.err)
				assert.Equal(t, tt.want, string(r.data))
				return
			}
			require.Error(t, r.err)
			assert.Empty(t, r.data)
			assert.Contains(t, r.err.Error(), tt.errHas)
		})
	}
}

func TestReadFileWithoutFiles(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pet.json"), []byte(`{"id":1}`), 0o644))
	t.Chdir(dir) // a document from bytes must not read the working directory
	spec := strings.ReplaceAll(petsMain, `{$ref: "schemas/pet.yaml#/Pet"}`, `{type: object}`)

	fsys := fstest.MapFS{
		"secret.json":        {Data: []byte(`{"secret":true}`)},
		"specs/api.yaml":     {Data: []byte(spec)},
		"specs/pet.json":     {Data: []byte(`{"id":2}`)},
		"specs/dir/pet.json": {Data: []byte(`{"id":3}`)},
	}
	fromFS, err := LoadFS(context.Background(), fsys, "specs/api.yaml")
	require.NoError(t, err)
	fromBytes, err := Parse(context.Background(), []byte(spec), WithName("api.yaml"))
	require.NoError(t, err)

	tests := []struct {
		name string
		doc  *Document
		ref  string
		want string
	}{
		{"fs sibling", fromFS, "pet.json", `{"id":2}`},
		{"fs sub-directory", fromFS, "dir/pet.json", `{"id":3}`},
		{"fs leaves the spec's directory", fromFS, "../secret.json", ""},
		{"fs absolute", fromFS, "/secret.json", ""},
		{"bytes read nothing", fromBytes, "pet.json", ""},
		{"bytes read nothing, even as its name", fromBytes, "api.yaml", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := tt.doc.ReadFile(tt.ref)
			if tt.want == "" {
				require.Error(t, err)
				assert.Empty(t, data)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(data))
		})
	}
}

// The loader's own $refs: a document from a file reads only files in its
// directory, one from bytes reads no file and no URL.
func TestExternalRefsStayInTheDocumentsDirectory(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte(petsSchema))
	}))
	t.Cleanup(srv.Close)

	withRef := func(ref string) string { return strings.ReplaceAll(petsMain, "schemas/pet.yaml#/Pet", ref+"#/Pet") }
	tests := []struct {
		name   string
		ref    func(root string) string
		parse  bool // load with Parse instead of LoadFile
		loads  bool
		errHas string
	}{
		{"sibling", func(string) string { return "pet.yaml" }, false, true, ""},
		{"dot-dot escape", func(string) string { return "../secret.yaml" }, false, false, "leaves the document's directory"},
		{"absolute path", func(root string) string { return filepath.Join(root, "secret.yaml") }, false, false, "leaves the document's directory"},
		{"symlink escape", func(string) string { return "escape.yaml" }, false, false, ""},
		{"symlink to dev zero", func(string) string { return "zero" }, false, false, ""},
		{"dev zero", func(string) string { return "/dev/zero" }, false, false, "leaves the document's directory"},
		{"fifo", func(string) string { return "fifo" }, false, false, "not a regular file"},
		{"bytes: relative file", func(string) string { return "pet.yaml" }, true, false, ""},
		{"bytes: absolute file", func(root string) string { return filepath.Join(root, "secret.yaml") }, true, false, ""},
		{"bytes: URL", func(string) string { return srv.URL + "/pet.yaml" }, true, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root, file := filesDir(t, "")
			spec := withRef(tt.ref(root))
			require.NoError(t, os.WriteFile(file, []byte(spec), 0o644))
			err := within(t, func() error {
				var err error
				if tt.parse {
					_, err = Parse(context.Background(), []byte(spec))
				} else {
					_, err = LoadFile(context.Background(), file)
				}
				return err
			})
			if tt.loads {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.errHas)
			assert.NotContains(t, err.Error(), "root:", "nothing of a file outside is shown")
		})
	}
	assert.Zero(t, hits.Load(), "a document from bytes fetches no URL")
}

func TestLoadFSRefsReadRegularFilesOnly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ref    string
		errHas string // "" when the document loads
	}{
		{"pet.yaml", ""},
		{"fifo", "not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			t.Parallel()
			_, file := filesDir(t, strings.ReplaceAll(petsMain, "schemas/pet.yaml", tt.ref))
			err := within(t, func() error {
				_, err := LoadFS(context.Background(), os.DirFS(filepath.Dir(file)), "api.yaml")
				return err
			})
			if tt.errHas == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.errHas)
		})
	}
}

// A description over several files is refused as bytes with
// ErrExternalRef, and Bundle makes it one document that Parse loads with
// no files around, answering the same schema.
func TestBundle(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "schemas"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "api.yaml"), []byte(`openapi: 3.0.3
info: {title: Multi, version: "1"}
paths:
  /pets/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "schemas/pet.yaml"}
`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "schemas", "pet.yaml"), []byte("type: object\nrequired: [name]\nproperties:\n  name: {type: string, example: Rex}\n"), 0o644))

	raw, err := os.ReadFile(filepath.Join(dir, "api.yaml"))
	require.NoError(t, err)
	_, err = Parse(t.Context(), raw)
	require.ErrorIs(t, err, ErrExternalRef)

	bundled, err := Bundle(t.Context(), filepath.Join(dir, "api.yaml"))
	require.NoError(t, err)
	assert.NotContains(t, string(bundled), "pet.yaml\"", "no file is referred to any more")
	doc, err := Parse(t.Context(), bundled)
	require.NoError(t, err)
	op := doc.Operations()[0]
	schema := op.Kin().Responses.Status(200).Value.Content.Get("application/json").Schema.Value
	require.NotNil(t, schema)
	assert.Equal(t, []string{"name"}, schema.Required)
	assert.Equal(t, "Rex", schema.Properties["name"].Value.Example)

	_, err = Bundle(t.Context(), filepath.Join(dir, "missing.yaml"))
	assert.Error(t, err)
}
