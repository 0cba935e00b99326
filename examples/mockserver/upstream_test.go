package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const thingsSpec = `openapi: 3.0.3
info: {title: Things, version: "1"}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        "200":
          description: things
          content:
            application/json:
              schema:
                type: array
                items:
                  type: object
                  required: [id, name]
                  properties:
                    id: {type: integer}
                    name: {type: string}
              example: [{id: 9, name: from the spec}]
`

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// -upstream forwards, -record saves what it answered, and a later run with
// the recording alone replays it.
func TestUpstreamAndRecord(t *testing.T) {
	t.Parallel()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[{"id":1,"name":"from upstream"}]`)
	}))
	t.Cleanup(up.Close)
	dir := t.TempDir()
	spec := filepath.Join(dir, "things.yaml")
	require.NoError(t, os.WriteFile(spec, []byte(thingsSpec), 0o600))
	rec, har := filepath.Join(dir, "rec.json"), filepath.Join(dir, "rec.har")

	addr, _, stop := start(t, "-spec", spec, "-stateless", "-upstream", up.URL, "-upstream-allow-private",
		"-record", rec, "-record-har", har)
	status, body := get(t, "http://"+addr+"/things")
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `[{"id":1,"name":"from upstream"}]`, body)
	stop()

	saved, err := os.ReadFile(rec)
	require.NoError(t, err)
	assert.Contains(t, string(saved), "recorded-1")
	savedHAR, err := os.ReadFile(har)
	require.NoError(t, err)
	assert.Contains(t, string(savedHAR), `"version": "1.2"`)

	up.Close() // the real API is gone: the recording answers
	addr, _, stop = start(t, "-spec", spec, "-stateless", "-record", rec)
	defer stop()
	status, body = get(t, "http://"+addr+"/things")
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `[{"id":1,"name":"from upstream"}]`, body)
}

// Without -upstream-allow-private a loopback upstream is refused and the
// mock answers; MOCKAPI_UPSTREAM sets -upstream.
func TestUpstreamFromEnvRefusesLoopback(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[{"id":1,"name":"from upstream"}]`)
	}))
	t.Cleanup(up.Close)
	t.Setenv("MOCKAPI_UPSTREAM", up.URL)
	dir := t.TempDir()
	spec := filepath.Join(dir, "things.yaml")
	require.NoError(t, os.WriteFile(spec, []byte(thingsSpec), 0o600))
	addr, _, stop := start(t, "-spec", spec, "-stateless")
	status, body := get(t, "http://"+addr+"/things")
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `[{"id":9,"name":"from the spec"}]`, body, "the loopback upstream is refused")
	stop()

	t.Setenv("MOCKAPI_UPSTREAM_ALLOW_PRIVATE", "true")
	addr, _, stop = start(t, "-spec", spec, "-stateless")
	defer stop()
	status, body = get(t, "http://"+addr+"/things")
	assert.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `[{"id":1,"name":"from upstream"}]`, body, "allowed, it answers")
}

func TestUpstreamFlagErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-record-har", "x.har"},
		{"-upstream", "ftp://x"},
		{"-upstream", "https://api.example", "-upstream-fallback", "6xx"},
		{"-upstream", "https://api.example", "-record-operations", "listThings"},
		{"-upstream", "https://api.example", "-upstream-timeout", "-1s"},
	} {
		var out, errb syncBuffer
		code := run(context.Background(), append([]string{"-addr", "127.0.0.1:0"}, args...), &out, &errb, nil)
		assert.Equal(t, 2, code, "%v: %s", args, errb.String())
	}
}
