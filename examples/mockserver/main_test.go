package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	var out, errb syncBuffer
	code := run(context.Background(), []string{"-routes"}, &out, &errb, nil)
	require.Equal(t, 0, code, errb.String())
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	assert.Contains(t, lines, "GET /v1/pets listPets crud:list")
	assert.Contains(t, lines, "DELETE /v1/pets/{petId} deletePet crud:delete")
	assert.Contains(t, lines, "GET /v1/health health")
	assert.Len(t, lines, 7)
}

func TestBadSpecExitsWithLocatedError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "broken.yaml")
	require.NoError(t, os.WriteFile(file, []byte("openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Nope'}\n"), 0o644))
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"broken ref", []string{"-spec", file}, 1, file + ":7: paths./a.get.responses.200.$ref: $ref \"#/components/responses/Nope\" not found"},
		{"missing file", []string{"-spec", filepath.Join(dir, "none.yaml")}, 1, "no such file"},
		{"bad latency", []string{"-latency", "slow"}, 2, "-latency"},
		{"stray argument", []string{"extra"}, 2, "unexpected arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb syncBuffer
			code := run(context.Background(), tt.args, &out, &errb, nil)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, errb.String(), tt.want)
		})
	}
}

func TestServesAndShutsDown(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-seed", "42"}, &out, &errb, ready) }()
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("exited early with %d: %s", code, errb.String())
	case <-time.After(10 * time.Second):
		t.Fatal("server did not start")
	}
	assert.True(t, strings.HasPrefix(addr, "127.0.0.1:"), "listens on loopback by default")

	get := func(path string, hdr ...string) (*http.Response, []byte) {
		req, err := http.NewRequest("GET", "http://"+addr+path, nil)
		require.NoError(t, err)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		return resp, buf.Bytes()
	}
	resp, body := get("/v1/pets")
	assert.Equal(t, 200, resp.StatusCode)
	var pets []map[string]any
	require.NoError(t, json.Unmarshal(body, &pets))
	require.Len(t, pets, 10, "the collection starts with 10 records")
	assert.Equal(t, "Rex", pets[0]["name"], "the first ones are the spec's examples")

	// The mock remembers: a created pet shows up in the next GET.
	post, err := http.NewRequest("POST", "http://"+addr+"/v1/pets", strings.NewReader(`{"name":"Bella","species":"dog"}`))
	require.NoError(t, err)
	post.Header.Set("Content-Type", "application/json")
	post.Header.Set("X-API-Key", "any")
	created, err := http.DefaultClient.Do(post)
	require.NoError(t, err)
	created.Body.Close()
	require.Equal(t, 201, created.StatusCode)
	resp, body = get(created.Header.Get("Location"))
	assert.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(body), "Bella")

	_, a := get("/v1/owners/7", "Prefer", "dynamic=true")
	_, b := get("/v1/owners/7", "Prefer", "dynamic=true")
	assert.Equal(t, string(a), string(b), "-seed makes responses deterministic")

	resp, _ = get("/v1/pets/1", "Prefer", "code=404")
	assert.Equal(t, 404, resp.StatusCode)

	cancel()
	select {
	case code := <-done:
		assert.Equal(t, 0, code, errb.String())
	case <-time.After(15 * time.Second):
		t.Fatal("server did not shut down")
	}
	assert.Contains(t, out.String(), "serving \"Pet Clinic (mockapi sample)\" (7 operations)")
	assert.Contains(t, out.String(), "mockserver: stopped")
	logs := errb.String()
	assert.Contains(t, logs, "operation=listPets")
	assert.Contains(t, logs, "status=404")
	assert.NotContains(t, logs, "level=WARN", "the sample API loads without warnings")
}

// start runs the mock server with args until the test ends and returns its
// address and a function that stops it.
func start(t *testing.T, args ...string) (string, *syncBuffer, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() { done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), &out, &errb, ready) }()
	select {
	case addr := <-ready:
		return addr, &out, func() {
			cancel()
			select {
			case code := <-done:
				require.Equal(t, 0, code, errb.String())
			case <-time.After(15 * time.Second):
				t.Fatal("server did not shut down")
			}
		}
	case code := <-done:
		t.Fatalf("exited early with %d: %s", code, errb.String())
	case <-time.After(10 * time.Second):
		t.Fatal("server did not start")
	}
	return "", nil, nil
}

func TestStoreSurvivesRestartAndAdminToken(t *testing.T) {
	t.Parallel()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "mock.db")
	addr, out, stop := start(t, "-store", dsn)
	assert.Regexp(t, `admin token adm_[A-Za-z0-9_-]{27}`, out.String(), "a generated admin token is printed once")
	post, err := http.NewRequest("POST", "http://"+addr+"/v1/pets", strings.NewReader(`{"name":"Persisted","species":"cat"}`))
	require.NoError(t, err)
	post.Header.Set("Content-Type", "application/json")
	post.Header.Set("X-API-Key", "any")
	resp, err := http.DefaultClient.Do(post)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 201, resp.StatusCode)
	loc := resp.Header.Get("Location")
	stop()

	addr, out, stop = start(t, "-store", dsn, "-admin-token", "chosen-token")
	defer stop()
	assert.NotContains(t, out.String(), "admin token", "a chosen token is not printed")
	resp, err = http.Get("http://" + addr + loc)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(body), "Persisted")

	req, _ := http.NewRequest("GET", "http://"+addr+"/_admin/projects", nil)
	req.Header.Set("Authorization", "Bearer chosen-token")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(body), `"id":"default"`)
}
