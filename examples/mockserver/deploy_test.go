package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/mockapi-go/mockapi"
)

// The deployment files cannot be run here (no Docker): these tests hold
// them to what the mock server actually reads, so that a renamed flag or
// probe breaks a test rather than a deployment.

// flagNames are the mock server's flags, as -h lists them.
func flagNames(t *testing.T) map[string]bool {
	t.Helper()
	var out, errb syncBuffer
	require.Equal(t, 0, runEnv(context.Background(), []string{"-h"}, mapEnv(nil), &out, &errb, nil))
	names := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(errb.String(), -1) {
		names[m[1]] = true
	}
	require.NotEmpty(t, names)
	return names
}

// knownVariable says whether a MOCKAPI_ variable is one a flag reads.
func knownVariable(flags map[string]bool, variable string) bool {
	for name := range flags {
		if envName(name) == variable {
			return true
		}
	}
	return false
}

type composeService struct {
	Image       string            `yaml:"image"`
	Build       any               `yaml:"build"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
	Volumes     []string          `yaml:"volumes"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Healthcheck struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
}

// deploy/compose.yaml: PostgreSQL, two mock server instances on the same
// DSN, started once the database is healthy, and a reverse proxy started
// once both are ready, sending requests to both.
func TestComposeFile(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", "deploy", "compose.yaml"))
	require.NoError(t, err)
	var compose struct {
		Services map[string]composeService `yaml:"services"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &compose))
	svc := compose.Services
	require.Contains(t, svc, "postgres")
	require.Contains(t, svc, "proxy")
	instances := []string{"mock1", "mock2"}
	flags := flagNames(t)

	dsn := svc["mock1"].Environment["MOCKAPI_STORE"]
	assert.True(t, strings.HasPrefix(dsn, "postgres://"), dsn)
	assert.Contains(t, dsn, "@postgres:5432/", "the DSN names the postgres service")
	for _, name := range instances {
		require.Contains(t, svc, name)
		s := svc[name]
		assert.Equal(t, dsn, s.Environment["MOCKAPI_STORE"], "%s shares the DSN", name)
		assert.Equal(t, svc["mock1"].Environment["MOCKAPI_ADMIN_TOKEN"], s.Environment["MOCKAPI_ADMIN_TOKEN"], "%s: one admin token", name)
		assert.NotEmpty(t, s.Build, "%s is built from the Dockerfile", name)
		assert.Equal(t, "service_healthy", s.DependsOn["postgres"].Condition, name)
		assert.Equal(t, []string{"CMD", "/mockserver", "healthcheck"}, s.Healthcheck.Test, name)
		assert.Empty(t, s.Ports, "%s is reached through the proxy only", name)
		for variable := range s.Environment {
			assert.True(t, knownVariable(flags, variable), "%s: %s is no flag's variable", name, variable)
		}
	}
	proxy := svc["proxy"]
	for _, name := range instances {
		assert.Equal(t, "service_healthy", proxy.DependsOn[name].Condition, "the proxy waits for %s", name)
	}
	require.NotEmpty(t, proxy.Ports)
	assert.True(t, strings.HasPrefix(proxy.Ports[0], "127.0.0.1:"), "published on this machine only by default")

	caddyfile, err := os.ReadFile(filepath.Join("..", "..", "deploy", "Caddyfile"))
	require.NoError(t, err)
	require.Contains(t, strings.Join(proxy.Volumes, " "), "./Caddyfile:")
	conf := string(caddyfile)
	assert.Contains(t, conf, "reverse_proxy mock1:4010 mock2:4010")
	assert.Contains(t, conf, "health_uri "+mockapi.DefaultHealthPath+"/ready")
	// Dashboard sessions live in one instance: the proxy keeps a browser there.
	assert.Contains(t, conf, "@dashboard path "+mockapi.DashboardPath+" "+mockapi.DashboardPath+"/*")
	assert.Contains(t, conf, "reverse_proxy @dashboard mock1:4010 mock2:4010 {\n\t\tlb_policy cookie")
	assert.Contains(t, conf, "@operator path "+mockapi.DefaultMetricsPath+" "+mockapi.DefaultHealthPath+" ", "metrics stay inside")
}

// The Dockerfile builds this command statically, runs it as a non-root
// user listening on every interface, and checks its health with it.
func TestDockerfile(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	require.NoError(t, err)
	df := string(raw)
	var stages []string
	for _, line := range strings.Split(df, "\n") {
		if strings.HasPrefix(line, "FROM ") {
			stages = append(stages, line)
		}
	}
	require.Len(t, stages, 2, "a builder and a runtime stage")
	assert.Contains(t, stages[0], "golang:")
	assert.Contains(t, stages[1], "distroless/static")
	for _, want := range []string{
		"CGO_ENABLED=0 go build",
		"./examples/mockserver",
		"ENV MOCKAPI_ADDR=0.0.0.0:4010",
		"EXPOSE 4010",
		"USER 65532:65532",
		`CMD ["/mockserver", "healthcheck"]`,
		`ENTRYPOINT ["/mockserver"]`,
	} {
		assert.Contains(t, df, want)
	}
	flags := flagNames(t)
	for _, m := range regexp.MustCompile(`MOCKAPI_[A-Z_]+`).FindAllString(df, -1) {
		assert.True(t, knownVariable(flags, m), "%s is no flag's variable", m)
	}
	ignore, err := os.ReadFile(filepath.Join("..", "..", ".dockerignore"))
	require.NoError(t, err)
	assert.Contains(t, string(ignore), ".git\n")
}
