package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// "mockserver healthcheck" exits 0 when the server at -addr (or
// $MOCKAPI_ADDR) is ready, 1 when it is not or does not answer.
func TestHealthcheckCommand(t *testing.T) {
	t.Parallel()
	addr, _, stop := start(t)
	_, port, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	unready := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "/_health/ready", r.URL.Path)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(unready.Close)
	gone, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	goneAddr := gone.Addr().String()
	require.NoError(t, gone.Close())

	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		code   int
		stderr string
	}{
		{name: "flag", args: []string{"-addr", addr}},
		{name: "environment", env: map[string]string{"MOCKAPI_ADDR": addr}},
		{name: "wildcard host asked on loopback", env: map[string]string{"MOCKAPI_ADDR": "0.0.0.0:" + port}},
		{name: "not ready", args: []string{"-addr", strings.TrimPrefix(unready.URL, "http://")}, code: 1, stderr: "503"},
		{name: "nobody listens", args: []string{"-addr", goneAddr}, code: 1, stderr: "refused"},
		{name: "bad address", args: []string{"-addr", "nonsense"}, code: 2, stderr: "-addr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb syncBuffer
			code := runEnv(context.Background(), append([]string{"healthcheck"}, tt.args...), mapEnv(tt.env), &out, &errb, nil)
			assert.Equal(t, tt.code, code, "stderr: %s", errb.String())
			assert.Contains(t, errb.String(), tt.stderr)
		})
	}
	stop()
	var out, errb syncBuffer
	assert.Equal(t, 1, runEnv(context.Background(), []string{"healthcheck", "-addr", addr}, mapEnv(nil), &out, &errb, nil),
		"a stopped server is not healthy")
}
