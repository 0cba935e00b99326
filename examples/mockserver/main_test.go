package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
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
	split := filepath.Join(dir, "split.yaml")
	require.NoError(t, os.WriteFile(split, []byte("openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: 'responses.yaml#/ok'}\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "responses.yaml"), []byte("ok:\n  description: {ok\n"), 0o644))
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"broken ref", []string{"-spec", file}, 1, file + ":7: paths./a.get.responses.200.$ref: $ref \"#/components/responses/Nope\" not found"},
		{"missing file", []string{"-spec", filepath.Join(dir, "none.yaml")}, 1, "no such file"},
		{"a referenced file that is not YAML", []string{"-spec", split}, 1, filepath.Join(dir, "responses.yaml") + ": yaml: line "},
		{"bad latency", []string{"-latency", "slow"}, 2, "-latency"},
		{"stray argument", []string{"extra"}, 2, "unexpected arguments"},
		{"base URL not absolute", []string{"-base-url", "mock.example.com"}, 1, "BaseURL"},
		{"base URL with a query", []string{"-base-url", "https://mock.example.com/?a=1"}, 1, "BaseURL"},
		{"bad trusted proxy", []string{"-trusted-proxies", "10.0.0.0/8,proxy.local"}, 2, `-trusted-proxies: "proxy.local"`},
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
	addr, out, _, stop := startErr(t, args...)
	return addr, out, stop
}

// startErr is start that also returns what the server writes to stderr.
func startErr(t *testing.T, args ...string) (string, *syncBuffer, *syncBuffer, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() { done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), &out, &errb, ready) }()
	select {
	case addr := <-ready:
		return addr, &out, &errb, func() {
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
	return "", nil, nil, nil
}

func TestStoreSurvivesRestartAndAdminToken(t *testing.T) {
	t.Parallel()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "mock.db")
	addr, out, errb, stop := startErr(t, "-store", dsn)
	assert.Regexp(t, `admin token adm_[A-Za-z0-9_-]{27}`, errb.String(), "a generated admin token is written once, to stderr")
	assert.NotContains(t, out.String(), "adm_", "never to stdout")
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

	tokenFile := filepath.Join(t.TempDir(), "admin-token")
	require.NoError(t, os.WriteFile(tokenFile, []byte(chosenToken+"\n"), 0o600))
	addr, out, errb, stop = startErr(t, "-store", dsn, "-admin-token-file", tokenFile)
	defer stop()
	assert.NotContains(t, out.String()+errb.String(), "admin token", "a chosen token is not printed")
	resp, err = http.Get("http://" + addr + loc)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(body), "Persisted")

	req, _ := http.NewRequest("GET", "http://"+addr+"/_admin/projects", nil)
	req.Header.Set("Authorization", "Bearer "+chosenToken)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(body), `"id":"default"`)

	// The request log of the first run was written at shutdown.
	req, _ = http.NewRequest("GET", "http://"+addr+"/_admin/projects/default/logs", nil)
	req.Header.Set("Authorization", "Bearer "+chosenToken)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(body), `"method":"POST","path":"/v1/pets","status":201`)
}

const chosenToken = "chosen-token-5f0c9e2b7a4d4e1c8b3a"

// Behind a trusted proxy the request log keeps the forwarded address;
// with -log-no-address, none.
func TestClientAddressFlags(t *testing.T) {
	t.Parallel()
	tokenFile := filepath.Join(t.TempDir(), "admin-token")
	require.NoError(t, os.WriteFile(tokenFile, []byte(chosenToken), 0o600))
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"trusted", []string{"-trusted-proxies", "127.0.0.1, 10.0.0.0/8"}, `"client_ip":"203.0.113.5"`},
		{"untrusted", nil, `"client_ip":"127.0.0.1"`},
		{"no address", []string{"-trusted-proxies", "127.0.0.1", "-log-no-address"}, `"user_agent":"probe/1"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr, _, stop := start(t, append([]string{"-admin-token-file", tokenFile}, tc.args...)...)
			defer stop()
			req, _ := http.NewRequest("GET", "http://"+addr+"/v1/pets", nil)
			req.Header.Set("X-Forwarded-For", "203.0.113.5")
			req.Header.Set("User-Agent", "probe/1")
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			req, _ = http.NewRequest("GET", "http://"+addr+"/_admin/projects/default/logs", nil)
			req.Header.Set("Authorization", "Bearer "+chosenToken)
			resp, err = http.DefaultClient.Do(req)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.Equal(t, 200, resp.StatusCode)
			assert.Contains(t, string(body), tc.want)
			if tc.name == "no address" {
				assert.NotContains(t, string(body), "client_ip")
			}
		})
	}
}

// L5: the admin token comes from a file or the environment; on the command
// line it works but warns (ps shows it); a weak one is refused.
func TestAdminTokenSources(t *testing.T) {
	dir := t.TempDir()
	file := func(content string) string {
		f := filepath.Join(dir, fmt.Sprint(len(content), "-token"))
		require.NoError(t, os.WriteFile(f, []byte(content), 0o600))
		return f
	}
	for _, tc := range []struct {
		name    string
		args    []string
		env     string
		code    int    // exit code when it does not start
		stderr  string // expected on stderr
		bearer  string // a token the started server accepts
		warning bool
	}{
		{name: "file", args: []string{"-admin-token-file", file(chosenToken + "\n")}, bearer: chosenToken},
		{name: "environment", env: chosenToken, bearer: chosenToken},
		{name: "flag warns", args: []string{"-admin-token", chosenToken}, bearer: chosenToken, warning: true},
		{name: "weak flag", args: []string{"-admin-token", "secret123"}, code: 2, stderr: "128 bits"},
		{name: "weak file", args: []string{"-admin-token-file", file("hunter2")}, code: 2, stderr: "128 bits"},
		{name: "weak environment", env: "test-admin-token", code: 2, stderr: "128 bits"},
		{name: "empty file", args: []string{"-admin-token-file", file(" \n")}, code: 2, stderr: "empty"},
		{name: "both", args: []string{"-admin-token", chosenToken, "-admin-token-file", file(chosenToken)}, code: 2, stderr: "give one"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("MOCKAPI_ADMIN_TOKEN", tc.env)
			if tc.code != 0 {
				var out, errb syncBuffer
				code := run(context.Background(), append([]string{"-addr", "127.0.0.1:0"}, tc.args...), &out, &errb, nil)
				assert.Equal(t, tc.code, code)
				assert.Contains(t, errb.String(), tc.stderr)
				return
			}
			addr, _, errb, stop := startErr(t, tc.args...)
			defer stop()
			req, _ := http.NewRequest("GET", "http://"+addr+"/_admin/projects", nil)
			req.Header.Set("Authorization", "Bearer "+tc.bearer)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, 200, resp.StatusCode)
			assert.Equal(t, tc.warning, strings.Contains(errb.String(), "visible to every user"), errb.String())
			assert.NotContains(t, errb.String(), tc.bearer, "a chosen token is never written out")
		})
	}
}

// M5: the HTTP server has every timeout and a head limit, each a flag; a
// write timeout that would cut the slowest allowed response is refused.
func TestServerLimits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"write timeout under max delay", []string{"-max-delay", "20s", "-write-timeout", "15s"}, 2, "-write-timeout"},
		{"write timeout under delay plus latency", []string{"-max-delay", "10s", "-latency", "5s-10s", "-write-timeout", "19s"}, 2, "-write-timeout"},
		{"tiny head", []string{"-max-header-bytes", "100"}, 2, "-max-header-bytes"},
		{"zero read timeout", []string{"-read-timeout", "0"}, 2, "positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb syncBuffer
			code := run(context.Background(), append([]string{"-addr", "127.0.0.1:0"}, tc.args...), &out, &errb, nil)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, errb.String(), tc.want)
		})
	}

	l := serverLimits{readHeader: time.Second, read: 2 * time.Second, idle: 3 * time.Second, maxHeaderBytes: 8 << 10}
	require.NoError(t, l.check(10*time.Second))
	srv := l.server(http.NotFoundHandler())
	assert.Equal(t, time.Second, srv.ReadHeaderTimeout)
	assert.Equal(t, 2*time.Second, srv.ReadTimeout)
	assert.Equal(t, 40*time.Second, srv.WriteTimeout, "by default 30s above the slowest response")
	assert.Equal(t, 3*time.Second, srv.IdleTimeout)
	assert.Equal(t, 8<<10, srv.MaxHeaderBytes)
}

// M5: a client that sends its head slowly (slowloris) is cut off, and a
// head over -max-header-bytes is refused.
func TestSlowAndLargeHeads(t *testing.T) {
	t.Parallel()
	addr, _, stop := start(t, "-read-header-timeout", "300ms", "-max-header-bytes", "8192")
	defer stop()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte("GET /v1/pets HTTP/1.1\r\nHost: x\r\n"))
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	began := time.Now()
	_, err = io.ReadAll(conn) // the server closes the connection
	require.NoError(t, err)
	assert.Less(t, time.Since(began), 4*time.Second, "the half-sent head is cut off by the read-header timeout")

	req, _ := http.NewRequest("GET", "http://"+addr+"/v1/pets/"+strings.Repeat("a", 16<<10), nil)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
}

// A description written over several files is served: the server keeps it
// bundled into one document, with the answers its files describe.
func TestServesMultiFileSpec(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "schemas"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "api.yaml"), []byte(`openapi: 3.0.3
info: {title: Multi, version: "1"}
paths:
  /status:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "schemas/status.yaml"}
`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "schemas", "status.yaml"),
		[]byte("type: object\nrequired: [state]\nproperties:\n  state: {type: string, enum: [green]}\n"), 0o644))
	addr, out, stop := start(t, "-spec", filepath.Join(dir, "api.yaml"))
	defer stop()
	assert.Contains(t, out.String(), `serving "Multi" (1 operations)`)
	resp, err := http.Get("http://" + addr + "/status")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, 200, resp.StatusCode)
	assert.JSONEq(t, `{"state":"green"}`, string(body))
}

// -allow-query-token opts the default project in to keys in the
// apidogToken query parameter; without it they are refused.
func TestAllowQueryTokenFlag(t *testing.T) {
	t.Parallel()
	tokenFile := filepath.Join(t.TempDir(), "admin-token")
	require.NoError(t, os.WriteFile(tokenFile, []byte(chosenToken), 0o600))
	for _, tc := range []struct {
		name   string
		args   []string
		status int
	}{
		{"off by default", nil, 401},
		{"on with the flag", []string{"-allow-query-token"}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr, _, stop := start(t, append([]string{"-visibility", "private", "-admin-token-file", tokenFile}, tc.args...)...)
			defer stop()
			req, _ := http.NewRequest("POST", "http://"+addr+"/_admin/keys", strings.NewReader(`{"name":"k"}`))
			req.Header.Set("Authorization", "Bearer "+chosenToken)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			var key struct{ Key string }
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&key))
			resp.Body.Close()
			require.NotEmpty(t, key.Key)
			resp, err = http.Get("http://" + addr + "/v1/pets?apidogToken=" + key.Key)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tc.status, resp.StatusCode)
		})
	}
}

// -base-url, else $MOCKAPI_BASE_URL, makes the URLs the management API
// returns absolute.
func TestBaseURLFlagAndEnv(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "admin-token")
	require.NoError(t, os.WriteFile(tokenFile, []byte(chosenToken), 0o600))
	for _, tc := range []struct {
		name, env string
		args      []string
		want      string
	}{
		{"neither", "", nil, "/p/default"},
		{"flag", "", []string{"-base-url", "https://mock.example.com/"}, "https://mock.example.com/p/default"},
		{"environment", "https://env.example.com", nil, "https://env.example.com/p/default"},
		{"the flag wins", "https://env.example.com", []string{"-base-url", "http://flag.example.com:8080"}, "http://flag.example.com:8080/p/default"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("MOCKAPI_BASE_URL", tc.env)
			addr, _, stop := start(t, append([]string{"-admin-token-file", tokenFile}, tc.args...)...)
			defer stop()
			req, _ := http.NewRequest("GET", "http://"+addr+"/_admin/projects/default", nil)
			req.Header.Set("Authorization", "Bearer "+chosenToken)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			require.Equal(t, 200, resp.StatusCode)
			var p struct {
				InvokeURL string `json:"invoke_url"`
			}
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&p))
			assert.Equal(t, tc.want, p.InvokeURL)
		})
	}
}

// The dashboard is served at /_admin/ui/ unless -no-dashboard, and the
// start-up output says where.
func TestDashboardFlag(t *testing.T) {
	t.Parallel()
	tokenFile := filepath.Join(t.TempDir(), "admin-token")
	require.NoError(t, os.WriteFile(tokenFile, []byte(chosenToken), 0o600))
	for _, tc := range []struct {
		name   string
		args   []string
		status int
		says   bool
	}{
		{"on", nil, http.StatusOK, true},
		{"off", []string{"-no-dashboard"}, http.StatusUnauthorized, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr, out, stop := start(t, append([]string{"-admin-token-file", tokenFile}, tc.args...)...)
			defer stop()
			resp, err := http.Get("http://" + addr + "/_admin/ui/login")
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.Equal(t, tc.says, strings.Contains(out.String(), "dashboard at http://"+addr+"/_admin/ui/"), out.String())
			assert.NotContains(t, out.String(), chosenToken)
		})
	}
}
