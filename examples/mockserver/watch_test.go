package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const watchedAPI = `openapi: 3.0.3
info: {title: Watched, version: "1"}
paths:
  /status:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "schemas/status.yaml"}
  /pets:
    post:
      requestBody: {content: {application/json: {schema: {$ref: "schemas/pet.yaml"}}}}
      responses:
        "201": {description: created, content: {application/json: {schema: {$ref: "schemas/pet.yaml"}}}}
  /pets/{petId}:
    get:
      parameters: [{name: petId, in: path, required: true, schema: {type: integer}}]
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "schemas/pet.yaml"}}}}
        "404": {description: not found}
`

// -watch reloads the spec when a file it refers to changes, keeps the
// data of the resources that remain, survives a bad edit with the last
// good version, and logs the located error.
func TestWatchReloads(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		// Write then rename: the watch never sees half a file.
		tmp := filepath.Join(dir, name+".tmp")
		require.NoError(t, os.WriteFile(tmp, []byte(content), 0o644))
		require.NoError(t, os.Rename(tmp, filepath.Join(dir, name)))
	}
	write("api.yaml", watchedAPI)
	write("schemas/status.yaml", "type: object\nrequired: [state]\nproperties:\n  state: {type: string, enum: [green]}\n")
	write("schemas/pet.yaml", "type: object\nrequired: [id, name]\nproperties:\n  id: {type: integer}\n  name: {type: string}\n")
	addr, _, errb, stop := startErr(t, "-spec", filepath.Join(dir, "api.yaml"), "-watch", "-watch-interval", "20ms")
	defer stop()
	call := func(method, path, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, "http://"+addr+path, strings.NewReader(body))
		require.NoError(t, err)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	require.Eventually(t, func() bool { return strings.Contains(errb.String(), "watching the spec") }, 10*time.Second, 10*time.Millisecond)
	assert.Contains(t, errb.String(), "files=3")
	status, body := call("GET", "/status", "")
	require.Equal(t, 200, status)
	require.JSONEq(t, `{"state":"green"}`, body)
	status, body = call("POST", "/pets", `{"id": 4242, "name": "Bella"}`)
	require.Equal(t, 201, status, body)

	// A referenced file changes: the next answers follow it, and the pet stays.
	write("schemas/status.yaml", "type: object\nrequired: [state]\nproperties:\n  state: {type: string, enum: [blue]}\n")
	require.Eventually(t, func() bool {
		_, body := call("GET", "/status", "")
		return strings.Contains(body, "blue")
	}, 10*time.Second, 20*time.Millisecond, "the edit of schemas/status.yaml is served")
	status, body = call("GET", "/pets/4242", "")
	assert.Equal(t, 200, status)
	assert.Contains(t, body, "Bella", "state survives the reload")

	// A bad edit: logged with its place, and the last good version serves on.
	write("schemas/status.yaml", "type: object\nproperties:\n  state: {$ref: '#/nowhere'}\n")
	require.Eventually(t, func() bool {
		return strings.Contains(errb.String(), "spec reload failed")
	}, 10*time.Second, 20*time.Millisecond)
	assert.Contains(t, errb.String(), "nowhere")
	_, body = call("GET", "/status", "")
	assert.JSONEq(t, `{"state":"blue"}`, body)

	// A referenced file that is no longer YAML is named, with the line.
	write("schemas/status.yaml", "type: object\nproperties:\n  state: {type: string\n")
	require.Eventually(t, func() bool {
		return strings.Contains(errb.String(), filepath.Join(dir, "schemas", "status.yaml")+": yaml: line ")
	}, 10*time.Second, 20*time.Millisecond, errb.String())
	write("schemas/status.yaml", "type: object\nrequired: [state]\nproperties:\n  state: {type: string, enum: [blue]}\n")

	// A bad edit of the spec itself is located by file and line.
	write("api.yaml", strings.Replace(watchedAPI, `{$ref: "schemas/status.yaml"}`, `{$ref: "#/components/schemas/Nope"}`, 1))
	want := filepath.Join(dir, "api.yaml") + `:11: paths./status.get.responses.200.content.application/json.schema.$ref: $ref \"#/components/schemas/Nope\" not found`
	require.Eventually(t, func() bool {
		return strings.Contains(errb.String(), want)
	}, 10*time.Second, 20*time.Millisecond, errb.String())
	write("api.yaml", watchedAPI)

	// Repaired: served again.
	write("schemas/status.yaml", "type: object\nrequired: [state]\nproperties:\n  state: {type: string, enum: [red]}\n")
	require.Eventually(t, func() bool {
		_, body := call("GET", "/status", "")
		return strings.Contains(body, "red")
	}, 10*time.Second, 20*time.Millisecond)
}

func TestWatchNeedsAFile(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"-watch"}, {"-watch", "-spec", "https://example.com/api.yaml"}, {"-spec", "x.yaml", "-watch-interval", "0s"}} {
		var out, errb syncBuffer
		assert.Equal(t, 2, run(t.Context(), args, &out, &errb, nil), args)
	}
}

func TestSpecFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "s"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "api.yaml"), []byte(`paths: {/a: {$ref: "paths/a.yaml#/x"}}
components: {schemas: {B: {$ref: "s/b.json"}, C: {$ref: "#/components/schemas/B"}, D: {$ref: "https://example.com/d.yaml"},
  E: {$ref: "../outside.yaml"}, F: {$ref: "/etc/passwd"}}}
`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "s", "b.json"), []byte(`{"properties": {"c": {"$ref": "c%20d.yaml"}}, "examples": [{"externalValue": "ex.json"}]}`), 0o644))
	got := specFiles(filepath.Join(dir, "api.yaml"))
	for i := range got {
		got[i], _ = filepath.Rel(dir, got[i])
	}
	assert.ElementsMatch(t, []string{"api.yaml", "paths/a.yaml", "s/b.json", "s/c d.yaml", "s/ex.json"}, got)
}
