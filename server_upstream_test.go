package mockapi

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mockapi-go/mockapi/mock"
	"github.com/mockapi-go/mockapi/mock/proxy"
	"github.com/mockapi-go/mockapi/store"
)

// A Server whose mocks have an upstream logs who answered each request and
// how the upstream drifted, and counts both in its analytics.
func TestServerLogsUpstreamAndDrift(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.Method + " " + r.URL.Path {
		case "GET /pets":
			_, _ = io.WriteString(w, `[{"id":1,"name":"Rex"},{"id":"two","name":"Tom"}]`) // drift
		case "GET /pets/1":
			_, _ = io.WriteString(w, `{"id":1,"name":"Rex"}`)
		default:
			w.WriteHeader(http.StatusNotImplemented)
		}
	}))
	t.Cleanup(up.Close)
	p, err := proxy.New(up.URL, proxy.Options{AllowPrivate: true})
	require.NoError(t, err)
	t.Cleanup(p.Close)
	s, c, _ := startWith(t, Options{MockOptions: []mock.Option{mock.WithSeed(1), mock.WithUpstream(p)}})
	c.admin("POST", "/projects", map[string]any{"id": "pets", "name": "Pets", "spec": petsSpec, "visibility": "public"}, 201)

	status, _, body := c.do("GET", "/p/pets/pets", "", "Cookie", "sid=never-logged")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), `"two"`, "the drifting answer is passed on")
	status, _, body = c.do("GET", "/p/pets/pets/1", "")
	require.Equal(t, http.StatusOK, status)
	assert.JSONEq(t, `{"id":1,"name":"Rex"}`, string(body))
	status, _, _ = c.do("POST", "/p/pets/pets", `{"id":3,"name":"Kit"}`)
	require.Equal(t, http.StatusCreated, status, "501 falls back to the mock")
	status, _, _ = c.do("GET", "/p/pets/pets?__code=200", "")
	require.Equal(t, http.StatusOK, status)
	require.NoError(t, s.FlushLog(t.Context()))

	var entries []logEntryDoc
	status, _, body = c.do("GET", "/_admin/projects/pets/logs", "", "Authorization", "Bearer "+adminToken)
	require.Equal(t, http.StatusOK, status)
	require.NoError(t, json.Unmarshal(body, &entries))
	require.Len(t, entries, 4)
	assert.Empty(t, entries[0].Source, "a mock control: the mock answered alone")
	assert.Equal(t, "fallback", entries[1].Source)
	assert.Equal(t, "upstream", entries[2].Source)
	assert.Empty(t, entries[2].Drift)
	assert.Equal(t, "upstream", entries[3].Source)
	assert.Contains(t, entries[3].Drift, "/1/id")
	assert.NotContains(t, string(body), "never-logged")

	status, _, body = c.do("GET", "/_admin/projects/pets/logs?drift=true", "", "Authorization", "Bearer "+adminToken)
	require.Equal(t, http.StatusOK, status)
	require.NoError(t, json.Unmarshal(body, &entries))
	require.Len(t, entries, 1)
	assert.Equal(t, "listPets", entries[0].OperationID)
	status, _, _ = c.do("GET", "/_admin/projects/pets/logs?drift=maybe", "", "Authorization", "Bearer "+adminToken)
	assert.Equal(t, http.StatusBadRequest, status)

	link := c.admin("POST", "/projects/pets/links", map[string]any{"require_token": false}, 201)
	status, _, _ = c.do("GET", strings.TrimPrefix(link["url"].(string), c.base)+"/pets/1", "")
	require.Equal(t, http.StatusOK, status)
	require.NoError(t, s.FlushLog(t.Context()))
	status, _, body = c.do("GET", "/_admin/projects/pets/logs?limit=1", "", "Authorization", "Bearer "+adminToken)
	require.Equal(t, http.StatusOK, status)
	require.NoError(t, json.Unmarshal(body, &entries))
	require.Len(t, entries, 1)
	assert.NotEmpty(t, entries[0].LinkID)
	assert.Equal(t, "upstream", entries[0].Source, "through a share link too")

	fams := scrape(t, s)
	assert.Equal(t, 3.0, sumCounter(fams["mockapi_upstream_answers_total"], map[string]string{"source": "upstream"}))
	assert.Equal(t, 1.0, sumCounter(fams["mockapi_upstream_answers_total"], map[string]string{"source": "fallback"}))
	assert.Equal(t, 1.0, sumCounter(fams["mockapi_upstream_drift_total"], nil))

	stats := c.admin("GET", "/projects/pets/analytics", nil, 200)
	assert.EqualValues(t, 3, stats["upstream_requests"])
	assert.EqualValues(t, 1, stats["fallback_requests"])
	assert.EqualValues(t, 1, stats["drift_requests"])
}

// The dashboard's log says who answered and how the upstream drifted.
func TestDashboardLogShowsUpstream(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[{"id":"one","name":"Rex"}]`)
	}))
	t.Cleanup(up.Close)
	p, err := proxy.New(up.URL, proxy.Options{AllowPrivate: true})
	require.NoError(t, err)
	t.Cleanup(p.Close)
	e := newDashEnv(t, func(o *Options) { o.MockOptions = append(o.MockOptions, mock.WithUpstream(p)) })
	e.createProject("pets", petsSpec, store.Public)
	resp, _ := e.do("GET", "/p/pets/pets", nil, "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	e.signIn()
	resp, body := e.get(DashboardPath + "/projects/pets/logs")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "· upstream")
	assert.Contains(t, body, `<span class="drift">drift: body /0/id: value must be an integer`)

	resp, body = e.get(DashboardPath + "/projects/pets/analytics")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "The real API answered <strong>1</strong>, the mock <strong>0</strong>")
	assert.Contains(t, body, `<strong>1</strong> of its answers drifted`)
	resp, body = e.get(DashboardPath + "/projects/pets/logs?drift=true")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 1, strings.Count(body, "<tr data-status"), "the link lists the drifting answers")
}
