package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mapEnv looks variables up in m, as os.LookupEnv does in the process's.
func mapEnv(m map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := m[name]
		return v, ok
	}
}

func TestEnvName(t *testing.T) {
	t.Parallel()
	for flagName, want := range map[string]string{
		"addr":              "MOCKAPI_ADDR",
		"spec":              "MOCKAPI_SPEC",
		"store":             "MOCKAPI_STORE",
		"admin-token-file":  "MOCKAPI_ADMIN_TOKEN_FILE",
		"allow-query-token": "MOCKAPI_ALLOW_QUERY_TOKEN",
	} {
		assert.Equal(t, want, envName(flagName))
	}
}

// Every flag reads its environment variable; the command line wins; an
// invalid value names the variable.
func TestFlagsFromEnvironment(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	one := filepath.Join(dir, "one.yaml")
	require.NoError(t, os.WriteFile(one, []byte("openapi: 3.0.3\ninfo: {title: One, version: '1'}\npaths:\n  /only:\n    get:\n      operationId: onlyOne\n      responses:\n        '200': {description: ok}\n"), 0o644))
	missing := filepath.Join(dir, "missing.yaml")
	const token = "0123456789abcdef0123456789abcdef"
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		code   int
		stdout string // in stdout when code is 0
		stderr string // in stderr otherwise
	}{
		{name: "bool", env: map[string]string{"MOCKAPI_ROUTES": "true"}, stdout: "GET /v1/pets listPets"},
		{name: "string", env: map[string]string{"MOCKAPI_ROUTES": "1", "MOCKAPI_SPEC": one}, stdout: "GET /only onlyOne"},
		{name: "flag wins", args: []string{"-spec", one}, env: map[string]string{"MOCKAPI_ROUTES": "1", "MOCKAPI_SPEC": missing}, stdout: "GET /only onlyOne"},
		{name: "bool flag wins", args: []string{"-routes=false", "-latency", "x"}, env: map[string]string{"MOCKAPI_ROUTES": "1"}, code: 2, stderr: "mockserver: -latency:"},
		{name: "empty is unset", args: []string{"-routes"}, env: map[string]string{"MOCKAPI_SPEC": "", "MOCKAPI_LATENCY": ""}, stdout: "GET /v1/pets listPets"},
		{name: "variables of no flag are ignored", args: []string{"-routes"}, env: map[string]string{"MOCKAPI_NO_SUCH_FLAG": "x"}, stdout: "GET /v1/pets listPets"},
		{name: "invalid int", env: map[string]string{"MOCKAPI_SEED": "forty-two"}, code: 2, stderr: `$MOCKAPI_SEED="forty-two": invalid value for -seed`},
		{name: "invalid bool", env: map[string]string{"MOCKAPI_NO_VALIDATE": "maybe"}, code: 2, stderr: "$MOCKAPI_NO_VALIDATE"},
		{name: "invalid duration", env: map[string]string{"MOCKAPI_MAX_DELAY": "soon"}, code: 2, stderr: "$MOCKAPI_MAX_DELAY"},
		{name: "invalid latency", env: map[string]string{"MOCKAPI_LATENCY": "slow"}, code: 2, stderr: "mockserver: $MOCKAPI_LATENCY:"},
		{name: "invalid visibility", env: map[string]string{"MOCKAPI_VISIBILITY": "secret"}, code: 2, stderr: `$MOCKAPI_VISIBILITY "secret" is not public`},
		{name: "limit", env: map[string]string{"MOCKAPI_MAX_HEADER_BYTES": "100"}, code: 2, stderr: "-max-header-bytes 100"},
		{name: "token file from env", args: []string{"-routes"}, env: map[string]string{"MOCKAPI_ADMIN_TOKEN_FILE": missing}, code: 2, stderr: "-admin-token-file"},
		// The command line's -admin-token wins over the environment's file:
		// no "give one" error.
		{name: "token flag beats env file", args: []string{"-routes", "-admin-token", token}, env: map[string]string{"MOCKAPI_ADMIN_TOKEN_FILE": missing}, stdout: "GET /v1/pets listPets"},
		{name: "weak token from env", args: []string{"-routes"}, env: map[string]string{"MOCKAPI_ADMIN_TOKEN": "short"}, code: 2, stderr: "128 bits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out, errb syncBuffer
			code := runEnv(context.Background(), tt.args, mapEnv(tt.env), &out, &errb, nil)
			require.Equal(t, tt.code, code, "stderr: %s", errb.String())
			if tt.code == 0 {
				assert.Contains(t, out.String(), tt.stdout)
				return
			}
			assert.Contains(t, errb.String(), tt.stderr)
		})
	}
}

// -h names every flag's variable and says the rule.
func TestHelpNamesEnvironment(t *testing.T) {
	t.Parallel()
	var out, errb syncBuffer
	require.Equal(t, 0, runEnv(context.Background(), []string{"-h"}, mapEnv(nil), &out, &errb, nil))
	help := errb.String()
	flags := regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(help, -1)
	require.Greater(t, len(flags), 20, help)
	for _, f := range flags {
		assert.Contains(t, help, "[$"+envName(f[1])+"]", "-%s", f[1])
	}
	assert.Contains(t, help, "A flag on the command line wins over its variable")
}

// A server configured only by the environment, as in a container: where
// it listens, its store, and the readiness probe that says it can serve.
func TestServesFromEnvironment(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "env.db")
	env := mapEnv(map[string]string{"MOCKAPI_ADDR": "127.0.0.1:0", "MOCKAPI_STORE": "sqlite:" + db, "MOCKAPI_SEED": "7"})
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() { done <- runEnv(ctx, nil, env, &out, &errb, ready) }()
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("exited early with %d: %s", code, errb.String())
	case <-time.After(10 * time.Second):
		t.Fatal("server did not start")
	}
	for path, want := range map[string]int{"/_health/live": 200, "/_health/ready": 200, "/v1/pets": 200, "/_metrics": 200} {
		resp, err := http.Get("http://" + addr + path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, want, resp.StatusCode, path)
	}
	cancel()
	select {
	case code := <-done:
		require.Equal(t, 0, code, errb.String())
	case <-time.After(15 * time.Second):
		t.Fatal("server did not shut down")
	}
	_, err := os.Stat(db)
	assert.NoError(t, err, "$MOCKAPI_STORE chose the SQLite file")
}
