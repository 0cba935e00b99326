package mockapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/openapi"
	"github.com/mockapi-go/mockapi/store/memory"
)

// adminChecker is the management API's own description, loaded as any
// user's description is, with the mock's response checking.
var adminChecker = sync.OnceValues(func() (*mock.Handler, error) {
	doc, err := openapi.Parse(context.Background(), AdminDescription())
	if err != nil {
		return nil, err
	}
	return mock.New(doc, mock.WithoutState())
})

// adminContract serves h and holds every answer under /_admin/ and /_me/
// to the management API's description: an endpoint it does not describe, a status
// an endpoint does not declare, a field a shape lacks (the shapes allow no
// other properties) or a value of the wrong type fails t. Every test that
// starts a Server with startServer goes through it.
func adminContract(t testing.TB, h http.Handler) http.Handler {
	checker, err := adminChecker()
	require.NoError(t, err, "the management API description loads")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (!strings.HasPrefix(r.URL.Path, "/_admin/") && r.URL.Path != "/_me" && !strings.HasPrefix(r.URL.Path, "/_me/")) || isDashboardPath(r.URL.Path) {
			// The dashboard's HTML pages are not the JSON API the
			// description describes; dashboard_test.go checks them.
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())

		m, err := checker.Document().Match(r)
		if err != nil {
			// Not an endpoint: the catch-all answers a 404 or 405 problem.
			if rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed {
				t.Errorf("management API: %s %s is not in the description but answered %d", r.Method, r.URL.Path, rec.Code)
			}
			return
		}
		for _, v := range checker.CheckResponse(m.Operation, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes()) {
			t.Errorf("management API: %s %s answered %d against its description: %s\nbody: %.400s", r.Method, r.URL.Path, rec.Code, v, rec.Body.Bytes())
		}
	})
}

// isDashboardPath reports whether path is the dashboard's.
func isDashboardPath(path string) bool {
	return path == DashboardPath || strings.HasPrefix(path, DashboardPath+"/")
}

// TestAdminDescription checks the description itself: it loads without
// warnings, is served as JSON without the admin token, and describes every
// route the management API registers.
func TestAdminDescription(t *testing.T) {
	checker, err := adminChecker()
	require.NoError(t, err)
	assert.Empty(t, checker.Document().Warnings(), "the description has no problems")
	assert.Empty(t, checker.Warnings())

	st := memory.New()
	t.Cleanup(func() { _ = st.Close() })
	_, c := startServer(t, st)
	status, hdr, body := c.do("GET", "/_admin/openapi.json", "")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "application/json", hdr.Get("Content-Type"))
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(body, &doc))
	assert.Equal(t, "3.1.0", doc.OpenAPI)

	// Every registered route is described, with its method.
	for _, rt := range append((&Server{}).adminRoutes(), (&Server{}).meRoutes()...) {
		route := rt.pattern
		method, path, _ := strings.Cut(route, " ")
		ops, ok := doc.Paths[path]
		if assert.True(t, ok, "%s is described", path) {
			assert.Contains(t, ops, strings.ToLower(method), "%s is described", route)
		}
	}

	// A server without an admin token has no management API, and so no
	// description either.
	s, err := New(Options{Store: st})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/_admin/openapi.json", nil))
	assert.Equal(t, http.StatusNotFound, rec.Code)
}

// TestAdminContractCatches proves the contract check fails on what it is
// meant to catch, so that its silence elsewhere means something.
func TestAdminContractCatches(t *testing.T) {
	for _, tc := range []struct {
		name   string
		path   string
		status int
		body   string
	}{
		{"an undeclared field", "/_admin/keys", 200, `[{"id":"k","prefix":"mk_","name":"n","projects":[],"created_at":"2026-01-02T03:04:05Z","secret_hash":"x"}]`},
		{"an undeclared status", "/_admin/keys", 418, `{}`},
		{"a wrong type", "/_admin/projects", 200, `[{"id":1}]`},
		{"an undescribed endpoint", "/_admin/nowhere", 200, `{}`},
		{"an undeclared field under /_me/", "/_me/teams", 200, `[{"id":"t","name":"n","created_at":"2026-01-02T03:04:05Z","secret":"x"}]`},
		{"an undeclared status under /_me/", "/_me", 418, `{}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := &recordingTB{TB: t}
			h := adminContract(fake, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", tc.path, nil))
			assert.NotEmpty(t, fake.errors, "the check reports it")
		})
	}
}

// recordingTB keeps the errors reported to it instead of failing.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, format)
}
